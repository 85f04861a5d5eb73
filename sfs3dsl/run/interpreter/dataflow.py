"""JSONPath input and output processing of one state.

The order is the specification's: InputPath, Parameters (payload template), the work,
ResultSelector, ResultPath (applied to the state's raw input), OutputPath. A payload template
key ending in ``.$`` takes its value from a path (``$``, ``$$`` or a variable) or from an
intrinsic function; other values are copied as they are.
"""

from __future__ import annotations

from typing import Any

from sfs3dsl.run.interpreter.failure import StateFailure
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.roots import root_value, runtime_error
from sfs3dsl.run.interpreter.scope import Env
from sfs3dsl.syntax.jsonpath import Index, JsonPathError, Name, Path, PathNotFound, parse_path
from sfs3dsl.syntax.jsonpath import parse_reference_path as _parse_reference
from sfs3dsl.syntax.jsonpath import set_path as _set_path


def parse(env: Env, text: Any, field: str) -> Path:
    try:
        return parse_path(text)
    except JsonPathError as exc:
        raise runtime_error(env, f"The JSONPath {text!r} specified for the field '{field}' "
                                 f"is not valid: {exc.message}") from None


def lookup(env: Env, text: str, doc: Any, field: str) -> Any:
    """The value of path ``text`` for a payload template or a ``...Path`` field."""
    path = parse(env, text, field)
    try:
        return path.get(root_value(path, env, doc))
    except PathNotFound:
        raise runtime_error(env, f"The JSONPath '{text}' specified for the field '{field}' "
                                 f"could not be found in the input '{dumps(doc)}'") from None


def _normalized(path: Path) -> str:
    parts = [path.text.split(".")[0].split("[")[0]]
    for seg in path.segments:
        if isinstance(seg, Name) and len(seg.names) == 1:
            parts.append(f"['{seg.names[0]}']")
        elif isinstance(seg, Index) and len(seg.indexes) == 1:
            parts.append(f"[{seg.indexes[0]}]")
        else:
            return path.text
    return "".join(parts)


def select(env: Env, text: Any, doc: Any, field: str) -> Any:
    """InputPath / OutputPath / ItemsPath: ``None`` gives ``{}``; a miss is States.Runtime."""
    if text is None:
        return {}
    if text == "$":
        return doc
    path = parse(env, text, field)
    try:
        return path.get(root_value(path, env, doc))
    except PathNotFound:
        raise runtime_error(env, f"Invalid path '{text}' : No results for path: "
                                 f"{_normalized(path)}") from None


def template(env: Env, value: Any, doc: Any) -> Any:
    """Evaluate a payload template (Parameters, ResultSelector, ItemSelector, Assign)."""
    if isinstance(value, dict):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if key.endswith(".$") and isinstance(item, str):
                out[key[:-2]] = dynamic(env, item, doc, key)
            else:
                out[key] = template(env, item, doc)
        return out
    if isinstance(value, list):
        return [template(env, item, doc) for item in value]
    return value


def dynamic(env: Env, text: str, doc: Any, field: str) -> Any:
    """The value of a ``.$`` field: an intrinsic function call or a path."""
    if text.lstrip().startswith("States."):
        from sfs3dsl.run.interpreter.intrinsics import call_intrinsic

        return call_intrinsic(env, text, doc, field)
    return lookup(env, text, doc, field)


def result_path(env: Env, raw: Any, result: Any, spec: Any) -> Any:
    """Place ``result`` into the raw input as ResultPath says (``None`` discards it)."""
    if spec is None:
        return raw
    if spec == "$":
        return result
    try:
        path = _parse_reference(spec)
    except JsonPathError as exc:
        raise runtime_error(env, f"Invalid ResultPath {spec!r}: {exc.message}") from None
    if path.root != "$":
        raise runtime_error(env, f"Invalid ResultPath {spec!r}: it must start with '$'")
    try:
        return _set_path(raw, path, result)
    except PathNotFound:
        raise StateFailure(
            "States.ResultPathMatchFailure",
            f"Unable to apply ResultPath \"{spec}\" to input {dumps(raw)}") from None


def effective_input(env: Env, state: dict[str, Any], raw: Any, *,
                    parameters: str = "Parameters") -> Any:
    """InputPath then Parameters (or ItemSelector): what the state works on."""
    value = select(env, state.get("InputPath", "$"), raw, "InputPath")
    if parameters in state:
        value = template(env, state[parameters], value)
    return value


def output(env: Env, state: dict[str, Any], raw: Any, result: Any) -> tuple[Any, dict[str, Any]]:
    """ResultSelector, Assign, ResultPath, OutputPath: the state output and new variables."""
    if "ResultSelector" in state:
        result = template(env, state["ResultSelector"], result)
    assigned = template(env, state["Assign"], result) if "Assign" in state else {}
    out = result_path(env, raw, result, state.get("ResultPath", "$"))
    out = select(env, state.get("OutputPath", "$"), out, "OutputPath")
    return out, assigned
