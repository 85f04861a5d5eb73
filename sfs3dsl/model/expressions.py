"""The values that are not paths: ``UNSET`` (a field left out) and JSONata expressions."""

from __future__ import annotations

from typing import Final

from sfs3dsl.core.errors import BuildError


class _Unset:
    """The type of :data:`UNSET`: a field left out (``None`` means JSON ``null``)."""

    __slots__ = ()
    _instance: _Unset | None = None

    def __new__(cls) -> _Unset:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNSET"

    def __bool__(self) -> bool:
        return False


UNSET: Final = _Unset()


class Jsonata:
    """A JSONata expression: ``Jsonata("$states.input.total * 2")`` renders ``{% ... %}``."""

    __slots__ = ("expr",)

    def __init__(self, expr: str) -> None:
        if not isinstance(expr, str) or not expr.strip():
            raise BuildError(f"{expr!r} is not a JSONata expression",
                             hint='write Jsonata("$states.input.field")')
        text = expr.strip()
        if text.startswith("{%") and text.endswith("%}"):
            text = text[2:-2].strip()
        self.expr = text

    def __str__(self) -> str:
        return "{% " + self.expr + " %}"

    def __repr__(self) -> str:
        return f"Jsonata({self.expr!r})"
