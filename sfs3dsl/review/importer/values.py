"""Values for ``import``: payload templates, paths, intrinsic calls and JSONata strings.

An ASL value becomes the node a person would write: ``"id.$": "$.order.id"`` becomes
``"id": JsonPath("$.order.id")``, ``"$$.Task.Token"`` becomes ``Context.task_token`` and
``"States.Format('{}', $.x)"`` becomes ``States.Format("{}", JsonPath("$.x"))``. Every
conversion is checked against what the model renders back; a value the model would render
differently is kept exactly as written (``"key.$": "text"``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.expressions import Jsonata
from sfs3dsl.model.intrinsics import Intrinsic, States
from sfs3dsl.model.values import Context, JsonPath
from sfs3dsl.review.importer.code import Atom, Attr, Call, DictLit, ListLit, Node, Str, literal
from sfs3dsl.syntax.intrinsics import Call as IntrinsicCall
from sfs3dsl.syntax.intrinsics import IntrinsicSyntaxError, looks_intrinsic, parse_intrinsic
from sfs3dsl.syntax.jsonpath import Path

#: ``"$$.Task.Token"`` -> ``"task_token"``: the context paths that have a name.
CONTEXT_NAMES: Final = {value.text: key for key, value in vars(Context).items()
                        if isinstance(value, JsonPath)}
#: Imports that are not part of the public surface, with their module.
PRIVATE: Final = {"RawCondition": "sfs3dsl.model.conditions"}


def path_node(text: str) -> Node:
    """``JsonPath("$.a")``, or ``Context.task_token`` for a named context path."""
    named = CONTEXT_NAMES.get(text)
    if named is not None:
        return Attr(Atom("Context"), named)
    return Call("JsonPath", (Str(text),))


def dynamic(text: str) -> Node | None:
    """The node for the value of a ``.$`` key, or None to keep the text as written."""
    if text.startswith("$"):
        return path_node(text)
    if looks_intrinsic(text):
        return intrinsic(text)
    return None


def intrinsic(text: str) -> Node | None:
    """``States.X(...)`` as DSL calls, when the model renders exactly ``text`` back."""
    try:
        call = parse_intrinsic(text)
        node, value = _intrinsic_call(call)
    except (IntrinsicSyntaxError, BuildError, TypeError, AttributeError):
        return None
    return node if str(value) == text else None


def _intrinsic_call(call: IntrinsicCall) -> tuple[Node, Intrinsic]:
    args = list(call.args)
    short = call.name.removeprefix("States.")
    if short == "JsonMerge" and len(args) == 3 and args[2] is False:
        args.pop()  # the model always writes the (only allowed) shallow flag
    nodes: list[Node] = []
    values: list[Any] = []
    for arg in args:
        node, value = _intrinsic_arg(arg)
        nodes.append(node)
        values.append(value)
    function = getattr(States, short)
    result = function(*values)
    if not isinstance(result, Intrinsic):
        raise TypeError(short)
    return Call(f"{'States'}.{short}", tuple(nodes)), result


def _intrinsic_arg(arg: Any) -> tuple[Node, Any]:
    if isinstance(arg, IntrinsicCall):
        return _intrinsic_call(arg)
    if isinstance(arg, Path):
        return path_node(arg.text), JsonPath(arg.text)
    return literal(arg), arg


def jsonata_node(text: str) -> Node:
    """``Jsonata("expr")`` when it renders ``text`` exactly, else the string itself."""
    stripped = text.strip()
    if stripped.startswith("{%") and stripped.endswith("%}") and len(stripped) > 4:
        try:
            if str(Jsonata(text)) == text:
                return Call("Jsonata", (Str(Jsonata(text).expr),))
        except BuildError:
            pass
    return Str(text)


def payload(value: Any, *, jsonata: bool) -> Node:
    """A payload template (Parameters, ItemSelector, Assign, ...) as DSL values."""
    if isinstance(value, Mapping):
        return DictLit(tuple((Str(k), v) for k, v in payload_items(value,
                                                                    jsonata=jsonata)))
    if isinstance(value, list):
        return ListLit(tuple(payload(v, jsonata=jsonata) for v in value))
    if isinstance(value, str) and jsonata:
        return jsonata_node(value)
    return literal(value)


def payload_items(value: Mapping[str, Any], *,
                  jsonata: bool) -> list[tuple[str, Node]]:
    """The items of a payload object; ``"k.$": path`` becomes ``"k": JsonPath(path)``."""
    out: list[tuple[str, Node]] = []
    for key, item in value.items():
        base = key[:-2]
        node = None
        if not jsonata and key.endswith(".$") and base and isinstance(item, str) \
                and base not in value:
            node = dynamic(item)
        if node is not None:
            out.append((base, node))
        else:
            out.append((key, payload(item, jsonata=jsonata)))
    return out


def is_jsonata_call(node: Node) -> bool:
    return isinstance(node, Call) and node.func == "Jsonata"


__all__ = ["CONTEXT_NAMES", "PRIVATE", "dynamic", "intrinsic", "is_jsonata_call",
           "jsonata_node", "path_node", "payload", "payload_items"]
