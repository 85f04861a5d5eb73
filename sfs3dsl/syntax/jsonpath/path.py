"""A parsed JSONPath and its evaluation: the segments (names, indexes, wildcards, slices,
filters, ``..``), how each is applied to a document, and :class:`Path` with ``find`` and ``get``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Literal

if TYPE_CHECKING:
    from sfs3dsl.syntax.jsonpath.filters import Expr

Root = Literal["$", "$$", "var"]



class JsonPathError(ValueError):
    """A path that does not parse; ``position`` is the 0-based offset of the mistake."""

    def __init__(self, message: str, position: int) -> None:
        self.message = message
        self.position = position
        super().__init__(f"{message} (at position {position})")


class PathNotFound(KeyError):
    """A definite path matched nothing, or a reference path cannot hold a value here."""

    def __init__(self, message: str) -> None:
        self.message = message
        super().__init__(message)

    def __str__(self) -> str:
        return self.message


class _Node:
    """Immutable plain data compared by value, like a frozen dataclass.

    Plain classes rather than dataclasses: creating a dataclass runs generated code, about
    half a millisecond each, and this module is on the start-up path of every command.
    """

    __slots__: tuple[str, ...] = ()

    def _values(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, _Node) and type(other) is type(self)
                and other._values() == self._values())

    def __hash__(self) -> int:
        return hash((type(self), self._values()))

    def __repr__(self) -> str:
        fields = ", ".join(f"{n}={v!r}" for n, v in zip(self.__slots__, self._values(),
                                                        strict=True))
        return f"{type(self).__name__}({fields})"

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    def _init(self, **values: Any) -> None:
        for name, value in values.items():
            object.__setattr__(self, name, value)


# --- segments: plain data, one small function each to apply them -------------------------


class Name(_Node):
    """``.a``, ``['a']`` or the union ``['a','b']``."""

    __slots__ = ("names",)
    names: tuple[str, ...]

    def __init__(self, names: tuple[str, ...]) -> None:
        self._init(names=names)


class Index(_Node):
    """``[0]``, ``[-1]`` or the union ``[0,2]``."""

    __slots__ = ("indexes",)
    indexes: tuple[int, ...]

    def __init__(self, indexes: tuple[int, ...]) -> None:
        self._init(indexes=indexes)


class FromEnd(_Node):
    """``[(@.length-n)]``: the n-th item from the end."""

    __slots__ = ("offset",)
    offset: int

    def __init__(self, offset: int) -> None:
        self._init(offset=offset)


class Wildcard(_Node):
    """``.*`` or ``[*]``: every member of an object or item of an array."""

    __slots__ = ()


class Slice(_Node):
    """``[start:stop:step]`` with Python's bounds."""

    __slots__ = ("start", "step", "stop")
    start: int | None
    stop: int | None
    step: int | None

    def __init__(self, start: int | None, stop: int | None, step: int | None) -> None:
        self._init(start=start, stop=stop, step=step)


class Filter(_Node):
    """``[?(expr)]``: the items (or the object itself) for which ``expr`` holds."""

    __slots__ = ("expr",)
    expr: Expr

    def __init__(self, expr: Expr) -> None:
        self._init(expr=expr)


class Descend(_Node):
    """``..x``: apply ``inner`` to a node and every node below it."""

    __slots__ = ("inner",)
    inner: Segment

    def __init__(self, inner: Segment) -> None:
        self._init(inner=inner)

Segment = Name | Index | FromEnd | Wildcard | Slice | Filter | Descend


def _apply_name(seg: Name, node: Any, out: list[Any], root: Any) -> None:
    if isinstance(node, dict):
        for name in seg.names:
            if name in node:
                out.append(node[name])


def _apply_index(seg: Index, node: Any, out: list[Any], root: Any) -> None:
    if isinstance(node, list):
        size = len(node)
        for i in seg.indexes:
            if -size <= i < size:
                out.append(node[i])


def _apply_from_end(seg: FromEnd, node: Any, out: list[Any], root: Any) -> None:
    if isinstance(node, list) and 0 < seg.offset <= len(node):
        out.append(node[-seg.offset])


def _apply_wildcard(_seg: Wildcard, node: Any, out: list[Any], root: Any) -> None:
    if isinstance(node, dict):
        out.extend(node.values())
    elif isinstance(node, list):
        out.extend(node)


def _apply_slice(seg: Slice, node: Any, out: list[Any], root: Any) -> None:
    if isinstance(node, list):
        out.extend(node[seg.start:seg.stop:seg.step])


def _apply_filter(seg: Filter, node: Any, out: list[Any], root: Any) -> None:
    # Jayway applies a filter to each item of an array, and to an object as a whole.
    if isinstance(node, list):
        out.extend(item for item in node if seg.expr.test(item, root))
    elif isinstance(node, dict) and seg.expr.test(node, root):
        out.append(node)


def _descendants(node: Any) -> list[Any]:
    """``node`` and every value below it, in document order (pre-order, iterative)."""
    found: list[Any] = []
    stack = [node]
    while stack:
        current = stack.pop()
        found.append(current)
        if isinstance(current, dict):
            stack.extend(reversed(list(current.values())))
        elif isinstance(current, list):
            stack.extend(reversed(current))
    return found


def _apply_descend(seg: Descend, node: Any, out: list[Any], root: Any) -> None:
    for inner_node in _descendants(node):
        _APPLY[type(seg.inner)](seg.inner, inner_node, out, root)


_APPLY: Final[dict[type, Callable[[Any, Any, list[Any], Any], None]]] = {
    Name: _apply_name, Index: _apply_index, FromEnd: _apply_from_end,
    Wildcard: _apply_wildcard, Slice: _apply_slice, Filter: _apply_filter,
    Descend: _apply_descend,
}


def _is_definite(seg: Segment) -> bool:
    if isinstance(seg, Name):
        return len(seg.names) == 1
    if isinstance(seg, Index):
        return len(seg.indexes) == 1
    return isinstance(seg, FromEnd)




# --- the compiled path ----------------------------------------------------------------------


class Path:
    """A parsed JSONPath; immutable and shared through the parse cache.

    Attributes:
        text: the source text.
        root: ``$`` (state input), ``$$`` (context object) or ``var`` (a variable).
        var: the variable's name when ``root == "var"``.
        segments: the steps after the root.
        is_definite: no wildcard, filter, slice, union or ``..``.
    """

    __slots__ = ("_keys", "is_definite", "root", "segments", "text", "var")

    def __init__(self, text: str, root: Root, var: str | None,
                 segments: tuple[Segment, ...]) -> None:
        self.text = text
        self.root: Root = root
        self.var = var
        self.segments = segments
        self.is_definite = all(_is_definite(s) for s in segments)
        # Plain dotted paths skip the generic machinery: a tuple of keys to look up.
        self._keys: tuple[str, ...] | None = None
        if all(isinstance(s, Name) and len(s.names) == 1 for s in segments):
            self._keys = tuple(s.names[0] for s in segments if isinstance(s, Name))

    @property
    def plain_keys(self) -> tuple[str, ...] | None:
        """The object keys of a plain dotted path (``$.a.b`` -> ``("a", "b")``), else None."""
        return self._keys

    def __repr__(self) -> str:
        return f"Path({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Path) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def find(self, data: Any) -> list[Any]:
        """Every match in ``data``, in document order (an empty list when none)."""
        keys = self._keys
        if keys is not None:
            cur = data
            for key in keys:
                if not isinstance(cur, dict) or key not in cur:
                    return []
                cur = cur[key]
            return [cur]
        nodes = [data]
        for seg in self.segments:
            out: list[Any] = []
            apply = _APPLY[type(seg)]
            for node in nodes:
                apply(seg, node, out, data)
            nodes = out
            if not nodes:
                break
        return nodes

    def get(self, data: Any) -> Any:
        """The value of a definite path, or the list of matches of an indefinite one.

        Raises:
            PathNotFound: a definite path matches nothing.
        """
        keys = self._keys
        if keys is not None:
            cur = data
            for key in keys:
                if not isinstance(cur, dict) or key not in cur:
                    raise PathNotFound(f"the JSONPath {self.text!r} could not be found "
                                       f"in the input")
                cur = cur[key]
            return cur
        found = self.find(data)
        if not self.is_definite:
            return found
        if not found:
            raise PathNotFound(f"the JSONPath {self.text!r} could not be found in the input")
        return found[0]


# --- the parser -----------------------------------------------------------------------------
