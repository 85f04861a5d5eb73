"""Filter expressions (``[?(@.total > 10 && @.kind == 'a')]``): operands, comparisons with
Jayway's typing rules, ``&&``, ``||`` and ``!``.
"""

from __future__ import annotations

import re
from typing import Any, Final, Literal

from sfs3dsl.syntax.jsonpath.path import Name, Path, _Node

_MISSING: Final = object()


class Operand(_Node):
    """A literal value, or a path relative to the filtered item (``@.x``, ``@.length``)."""

    __slots__ = ("literal", "path")
    path: Path | None
    literal: Any

    def __init__(self, path: Path | None = None, literal: Any = None) -> None:
        self._init(path=path, literal=literal)

    def value(self, item: Any, root: Any) -> Any:
        if self.path is None:
            return self.literal
        target = root if self.path.text.startswith("$") else item
        segments = self.path.segments
        if segments and segments[-1] == Name(("length",)):
            found = Path("@", "$", None, segments[:-1]).find(target)
            if len(found) == 1 and isinstance(found[0], (list, str)):
                return len(found[0])
        found = self.path.find(target)
        if not found:
            return _MISSING
        return found[0] if self.path.is_definite else found


class Compare(_Node):
    """``left op right``; with no ``op``, the left path must exist."""

    __slots__ = ("left", "op", "right")
    left: Operand
    op: str | None
    right: Operand | None

    def __init__(self, left: Operand, op: str | None = None,
                 right: Operand | None = None) -> None:
        self._init(left=left, op=op, right=right)

    def test(self, item: Any, root: Any) -> bool:
        left = self.left.value(item, root)
        if self.op is None or self.right is None:
            return left is not _MISSING and left is not False
        right = self.right.value(item, root)
        if left is _MISSING or right is _MISSING:
            return False
        return _compare(left, self.op, right)


class Logic(_Node):
    """``&&`` / ``||`` over parts, or ``!`` over one part."""

    __slots__ = ("op", "parts")
    op: Literal["&&", "||", "!"]
    parts: tuple[Expr, ...]

    def __init__(self, op: Literal["&&", "||", "!"], parts: tuple[Expr, ...]) -> None:
        self._init(op=op, parts=parts)

    def test(self, item: Any, root: Any) -> bool:
        if self.op == "&&":
            return all(p.test(item, root) for p in self.parts)
        if self.op == "||":
            return any(p.test(item, root) for p in self.parts)
        return not self.parts[0].test(item, root)


Expr = Compare | Logic


def _same_kind(a: Any, b: Any) -> bool:
    number = (int, float)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, number) and isinstance(b, number):
        return True
    return type(a) is type(b)


def _compare(left: Any, op: str, right: Any) -> bool:
    if op == "==":
        return _same_kind(left, right) and bool(left == right)
    if op == "!=":
        return not (_same_kind(left, right) and bool(left == right))
    if op == "=~":
        return isinstance(left, str) and isinstance(right, re.Pattern) and \
            right.fullmatch(left) is not None
    if op in ("in", "nin"):
        inside = isinstance(right, list) and any(_same_kind(left, r) and left == r
                                                 for r in right)
        return inside if op == "in" else not inside
    if not _same_kind(left, right) or not isinstance(left, (int, float, str)):
        return False
    if op == "<":
        return bool(left < right)
    if op == "<=":
        return bool(left <= right)
    if op == ">":
        return bool(left > right)
    return bool(left >= right)
