"""Render the values a user puts into fields: payload templates, path fields, expressions.

A payload template is plain JSON data in which a :class:`~sfs3dsl.model.values.JsonPath` or
an intrinsic call stands for a value computed at run time. It renders under a key ending in
``.$`` (JSONPath states) and a :class:`~sfs3dsl.model.expressions.Jsonata` expression as
``{% ... %}`` (JSONata states), so users never write the suffixes by hand.
"""

from __future__ import annotations

from collections.abc import Mapping
from math import isfinite
from typing import Any

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.expressions import Jsonata
from sfs3dsl.model.intrinsics import Intrinsic
from sfs3dsl.model.values import JsonPath

#: Exact types a payload holds as they are (subclasses take the general path).
_PLAIN = frozenset({str, int, float, bool, type(None)})


def is_dynamic(value: object) -> bool:
    """True for a value rendered under a ``.$`` key (a path or an intrinsic call)."""
    return isinstance(value, JsonPath | Intrinsic)


def render_payload(value: Any, *, jsonata: bool, field: str) -> Any:
    """Render a payload template: paths and intrinsics get ``.$`` keys, JSONata ``{% %}``.

    Raises:
        BuildError: a path in a list (ASL cannot), a path in a JSONata state, or a value
            that is not JSON.
    """
    if type(value) is dict or isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for key, item in value.items():
            if type(key) is not str and not isinstance(key, str):
                raise BuildError(f"{field} has a non-string key {key!r}",
                                 hint="use str keys: JSON objects have string keys")
            if type(item) in _PLAIN:  # most values: copied as they are, no call, no path text
                if type(item) is float and not isfinite(item):
                    _not_json_number(item, f"{field}.{key}")
                out[key] = item
            elif isinstance(item, JsonPath | Intrinsic):
                if jsonata:
                    raise BuildError(
                        f"{field}.{key} is a JSONPath value in a JSONata state",
                        hint='use Jsonata("$states.input...") or query_language="JSONPath"')
                out[key if key.endswith(".$") else key + ".$"] = item.text  # its str()
            else:
                out[key] = render_payload(item, jsonata=jsonata, field=f"{field}.{key}")
        return out
    if isinstance(value, list | tuple):
        rendered = []
        for i, item in enumerate(value):
            if isinstance(item, JsonPath | Intrinsic):
                raise BuildError(f"{field}[{i}] is a run-time value inside a list",
                                 hint="ASL evaluates paths only as object values: "
                                      "use States.Array(...) under a key instead")
            rendered.append(render_payload(item, jsonata=jsonata, field=f"{field}[{i}]"))
        return rendered
    if isinstance(value, Jsonata):
        return str(value)
    if value is None or isinstance(value, str | int | float | bool):
        if isinstance(value, float) and not isfinite(value):
            _not_json_number(value, field)
        return value
    raise BuildError(f"{field} holds {value!r} ({type(value).__name__}), which is not JSON",
                     hint="use dict, list, str, int, float, bool, None, JsonPath or Jsonata")


def _not_json_number(value: float, field: str) -> None:
    raise BuildError(f"{field} holds {value!r}, which JSON has no number for (AWS would refuse "
                     "the definition)", hint="use a finite number, or null or a string")


class AslObject:
    """A structured field value (ItemReader, ResultWriter, ...) kept as an ASL dict."""

    __slots__ = ("asl",)

    def __init__(self, asl: dict[str, Any]) -> None:
        self.asl = asl

    def render(self, *, jsonata: bool) -> Any:
        return render_payload(self.asl, jsonata=jsonata, field=type(self).__name__)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self.asl!r})"


def render_path_field(value: Any, field: str) -> Any:
    """A ``*Path`` field (InputPath, ResultPath, ...): a str, a JsonPath or None (null)."""
    if isinstance(value, JsonPath):
        return value.text
    if value is None or isinstance(value, str):
        return value
    raise BuildError(f"{field} must be a JSONPath string or None, got {value!r}",
                     hint=f'write {field}="$.result"')


def render_expr(value: Any) -> Any:
    """A field that may hold a JSONata expression or a plain value."""
    return str(value) if isinstance(value, Jsonata) else value
