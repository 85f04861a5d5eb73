"""CloudFormation values as a reviewer reads them: intrinsics in ``Fn::Sub`` syntax
(:func:`cfn_text`), nested settings as ``{path: leaf}`` (:func:`flatten`), and lenient
accessors that turn an unexpected shape into an empty one instead of an exception.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

Json = dict[str, Any]


def as_dict(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


def is_intrinsic(value: Any) -> bool:
    if not isinstance(value, Mapping) or len(value) != 1:
        return False
    name = str(next(iter(value)))
    return name == "Ref" or name.startswith("Fn::")


def cfn_text(value: Any) -> str:
    """A value as text, CloudFormation intrinsics in ``Fn::Sub`` syntax.

    Example:
        >>> cfn_text({"Fn::Join": ["", [{"Fn::GetAtt": ["B", "Arn"]}, "/p/*"]]})
        '${B.Arn}/p/*'
    """
    if isinstance(value, str):
        return value
    if is_intrinsic(value):
        (name, arg), = value.items()
        if name == "Ref" and isinstance(arg, str):
            return f"${{{arg}}}"
        if name == "Fn::GetAtt":
            parts = arg.split(".", 1) if isinstance(arg, str) else as_list(arg)
            return "${" + ".".join(str(p) for p in parts) + "}"
        if name == "Fn::Join" and isinstance(arg, list) and len(arg) == 2 \
                and isinstance(arg[1], list):
            return str(arg[0]).join(cfn_text(p) for p in arg[1])
        if name == "Fn::Sub":
            return str(arg[0] if isinstance(arg, list) and arg else arg)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


def _leaf(value: Any) -> Any:
    """A setting's value as shown: intrinsics as text, everything else as it is."""
    return cfn_text(value) if is_intrinsic(value) else value


def flatten(value: Any, prefix: str = "") -> Json:
    """``{path: leaf}`` of a value; lists of objects are keyed by their ``Id``/``Sid``/
    ``Name`` when they have one (so a rule moved in its list is not a change), by index
    otherwise; lists of plain values and intrinsics are leaves.

    Example:
        >>> flatten({"a": {"b": 1}, "r": [{"Id": "x", "n": 2}]})
        {'a.b': 1, 'r[x].Id': 'x', 'r[x].n': 2}
    """
    out: Json = {}
    stack: list[tuple[str, Any]] = [(prefix, value)]
    while stack:
        path, item = stack.pop()
        if isinstance(item, Mapping) and item and not is_intrinsic(item):
            stack.extend((f"{path}.{k}" if path else str(k), v)
                         for k, v in reversed(list(item.items())))
        elif isinstance(item, list | tuple) and item and \
                all(isinstance(x, Mapping) and not is_intrinsic(x) for x in item):
            labels = [_label(x, i) for i, x in enumerate(item)]
            if len(set(labels)) != len(labels):
                labels = [str(i) for i in range(len(item))]
            stack.extend((f"{path}[{label}]", x)
                         for label, x in reversed(list(zip(labels, item, strict=True))))
        elif isinstance(item, list | tuple):
            out[path] = [_leaf(x) for x in item]
        else:
            out[path] = _leaf(item)
    return out


def _label(item: Mapping[str, Any], index: int) -> str:
    for key in ("Id", "Sid", "Name"):
        if isinstance(item.get(key), str):
            return str(item[key])
    return str(index)
