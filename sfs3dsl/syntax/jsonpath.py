"""The AWS dialect of JSONPath: parse once, evaluate fast, set a value at a reference path.

Step Functions evaluates JSONPath the way Jayway's Java implementation does: a *definite*
path (only names and single indexes) yields one value or fails, an *indefinite* one (``*``,
``..``, slices, unions, filters) yields a list of every match. Three roots exist: ``$`` (the
state input), ``$$`` (the context object) and ``$name`` (a variable).

Example:
    >>> p = parse_path("$.orders[?(@.total > 10)].id")
    >>> p.get({"orders": [{"id": 1, "total": 5}, {"id": 2, "total": 12}]})
    [2]
    >>> set_path({"a": 1}, parse_reference_path("$.b.c"), 2)
    {'a': 1, 'b': {'c': 2}}
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any, Final, Literal

__all__ = [
    "JsonPathError", "Path", "PathNotFound", "parse_path", "parse_reference_path", "set_path",
]

Root = Literal["$", "$$", "var"]

_PLAIN: Final = re.compile(r"\$(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_VAR_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT: Final = re.compile(r"\s*(-?\d+)\s*")
_FROM_END: Final = re.compile(r"\(\s*@\.length\s*-\s*(\d+)\s*\)")
#: Characters that end a name written in dot notation (``$.name``).
_NAME_STOP: Final = frozenset(".[]()'\"=!<>&|,? \t\r\n")


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


# --- filter expressions: [?(@.price < 10 && @.tags)] ---------------------------------------

_TOKEN: Final = re.compile(r"""
    \s*(?:
      (?P<op>==|!=|<=|>=|=~|<|>|&&|\|\||!|\(|\))
    | (?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<str>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")
    | (?P<regex>/(?:\\.|[^/\\])*/[a-z]*)
    | (?P<word>true|false|null|in|nin|empty)(?![A-Za-z0-9_])
    | (?P<path>[@$])
    | (?P<list>\[)
    )""", re.VERBOSE)
_COMPARE_OPS: Final = frozenset({"==", "!=", "<", "<=", ">", ">=", "=~", "in", "nin"})
_LITERAL_WORDS: Final = {"true": True, "false": False, "null": None}
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


class _FilterParser:
    """Precedence climbing: ``||`` binds loosest, then ``&&``, then ``!``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str) -> JsonPathError:
        return JsonPathError(message, self.pos)

    def peek(self) -> tuple[str, str] | None:
        match = _TOKEN.match(self.text, self.pos)
        if match is None or match.lastgroup is None:
            return None
        return match.lastgroup, match.group(match.lastgroup)

    def take(self) -> tuple[str, str]:
        match = _TOKEN.match(self.text, self.pos)
        if match is None or match.lastgroup is None:
            raw = self.text[self.pos:]
            rest = raw.lstrip()
            self.pos += len(raw) - len(rest)
            raise self.fail(f"unexpected {rest[:1]!r} in a filter" if rest
                            else "the filter ends too early")
        self.pos = match.end()
        return match.lastgroup, match.group(match.lastgroup)

    def parse(self) -> Expr:
        expr = self.logic("||")
        if self.text[self.pos:].strip():
            self.take()  # raises, naming the first character that is not a token
            raise self.fail("unexpected text after the filter expression")
        return expr

    def logic(self, op: Literal["&&", "||"]) -> Expr:
        parts = [self.logic("&&") if op == "||" else self.unary()]
        while self.peek() == ("op", op):
            self.take()
            parts.append(self.logic("&&") if op == "||" else self.unary())
        return parts[0] if len(parts) == 1 else Logic(op, tuple(parts))

    def unary(self) -> Expr:
        if self.peek() == ("op", "!"):
            self.take()
            return Logic("!", (self.unary(),))
        if self.peek() == ("op", "("):
            self.take()
            inner = self.logic("||")
            if self.take() != ("op", ")"):
                raise self.fail("expected ')' in a filter")
            return inner
        left = self.operand()
        token = self.peek()
        if token is None or token[1] not in _COMPARE_OPS:
            if left.path is None:
                raise self.fail("a filter compares a path ('@...') with a value")
            return Compare(left)
        self.take()
        return Compare(left, token[1], self.operand())

    def operand(self) -> Operand:
        start = self.pos
        kind, text = self.take()
        if kind == "num":
            return Operand(literal=float(text) if any(c in text for c in ".eE") else int(text))
        if kind == "str":
            return Operand(literal=re.sub(r"\\(.)", r"\1", text[1:-1]))
        if kind == "regex":
            body, _, flags = text[1:].rpartition("/")
            return Operand(literal=re.compile(body, re.IGNORECASE if "i" in flags else 0))
        if kind == "word" and text in _LITERAL_WORDS:
            return Operand(literal=_LITERAL_WORDS[text])
        if kind == "list":
            return Operand(literal=self.list_literal())
        if kind == "path":
            return Operand(path=self.path(start))
        self.pos = start
        raise self.fail(f"unexpected {text!r} in a filter")

    def list_literal(self) -> list[Any]:
        items: list[Any] = []
        while True:
            items.append(self.operand().literal)
            rest = self.text[self.pos:].lstrip()
            self.pos = len(self.text) - len(rest) + 1
            if rest[:1] == "]":
                return items
            if rest[:1] != ",":
                raise self.fail("expected ',' or ']' in a list")

    def path(self, start: int) -> Path:
        text, begin = self.text, self.pos - 1
        i, depth = self.pos, 0
        while i < len(text):
            ch = text[i]
            if ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
            elif depth == 0 and (ch.isspace() or ch in "=!<>&|()"):
                break
            i += 1
        self.pos = i
        if text[begin] == "$":  # an absolute path: evaluated against the whole document
            try:
                return parse_path(text[begin:i])
            except JsonPathError as exc:
                raise JsonPathError(exc.message, begin + exc.position) from None
        parser = _Parser("$" + text[begin + 1:i], reference=False)
        parser.pos = 1
        segments: list[Segment] = []
        try:
            while parser.pos < len(parser.text):
                segments.append(parser.segment())
        except JsonPathError as exc:
            raise JsonPathError(exc.message, begin + exc.position) from None
        return Path(text[begin:i], "$", None, tuple(segments))


def parse_filter(text: str) -> Expr:
    """Parse the expression inside ``[?( ... )]``."""
    return _FilterParser(text).parse()


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


class _Parser:
    """A one-pass recursive-free scanner over a path's text."""

    def __init__(self, text: str, *, reference: bool) -> None:
        self.text = text
        self.pos = 0
        self.reference = reference

    def fail(self, message: str, pos: int | None = None) -> JsonPathError:
        return JsonPathError(message, self.pos if pos is None else pos)

    def parse(self) -> Path:
        root, var = self.root()
        segments: list[Segment] = []
        while self.pos < len(self.text):
            segments.append(self.segment())
        return Path(self.text, root, var, tuple(segments))

    def root(self) -> tuple[Root, str | None]:
        text = self.text
        if not text.startswith("$"):
            raise self.fail("a path must start with '$'", 0)
        if text.startswith("$$"):
            self.pos = 2
            return "$$", None
        match = _VAR_NAME.match(text, 1)
        if match:
            self.pos = match.end()
            return "var", match.group()
        self.pos = 1
        return "$", None

    def segment(self) -> Segment:
        text, start = self.text, self.pos
        if text.startswith("..", start):
            if self.reference:
                raise self.fail("'..' is not allowed in a reference path")
            self.pos += 2
            if self.pos < len(text) and text[self.pos] == "[":
                return Descend(self.bracket())
            return Descend(self.dot_member())
        if text[start] == ".":
            self.pos += 1
            return self.dot_member()
        if text[start] == "[":
            return self.bracket()
        raise self.fail(f"unexpected character {text[start]!r}; expected '.' or '['")

    def dot_member(self) -> Segment:
        text, start = self.text, self.pos
        if start < len(text) and text[start] == "[":  # Jayway reads "$.[0]" as "$[0]"
            return self.bracket()
        if start < len(text) and text[start] == "*":
            if self.reference:
                raise self.fail("'*' is not allowed in a reference path")
            self.pos += 1
            return Wildcard()
        end = start
        while end < len(text) and text[end] not in _NAME_STOP:
            end += 1
        if end == start:
            found = repr(text[start]) if start < len(text) else "the end of the path"
            raise self.fail(f"expected a member name after '.', found {found}")
        self.pos = end
        return Name((text[start:end],))

    def bracket(self) -> Segment:
        close = self._closing_bracket(self.pos)
        inner_start = self.pos + 1
        inner = self.text[inner_start:close]
        stripped = inner.strip()
        lead = inner_start + len(inner) - len(inner.lstrip())
        self.pos = close + 1
        if not stripped:
            raise self.fail("empty brackets '[]'", inner_start)
        if stripped[0] in "'\"":
            return self._names(stripped, lead)
        if self.reference and not _INT.fullmatch(inner):
            raise self.fail("a reference path allows only names and single indexes in "
                            "brackets", lead)
        if stripped == "*":
            return Wildcard()
        if stripped.startswith("?"):
            return self._filter(stripped, lead)
        match = _FROM_END.fullmatch(stripped)
        if match:
            return FromEnd(int(match.group(1)))
        if ":" in stripped:
            return self._slice(stripped, lead)
        return self._indexes(inner, inner_start)

    def _closing_bracket(self, open_pos: int) -> int:
        """The position of the ']' matching the '[' at ``open_pos`` (quotes respected)."""
        text, depth, quote, i = self.text, 0, "", open_pos
        while i < len(text):
            ch = text[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = ""
            elif ch in "'\"":
                quote = ch
            elif ch == "[":
                depth += 1
            elif ch == "]":
                depth -= 1
                if depth == 0:
                    return i
            i += 1
        raise self.fail("unclosed '['", open_pos)

    def _names(self, inner: str, offset: int) -> Name:
        names: list[str] = []
        i = 0
        while True:
            if i >= len(inner) or inner[i] not in "'\"":
                raise self.fail("expected a quoted name", offset + i)
            value, i = _read_quoted(inner, i, offset)
            names.append(value)
            while i < len(inner) and inner[i].isspace():
                i += 1
            if i == len(inner):
                break
            if inner[i] != ",":
                raise self.fail(f"unexpected {inner[i]!r} after a quoted name", offset + i)
            if self.reference:
                raise self.fail("a union of names is not allowed in a reference path",
                                offset + i)
            i += 1
            while i < len(inner) and inner[i].isspace():
                i += 1
        return Name(tuple(names))

    def _indexes(self, inner: str, offset: int) -> Index:
        parts = inner.split(",")
        indexes: list[int] = []
        pos = offset
        for part in parts:
            if not _INT.fullmatch(part):
                raise self.fail(f"{part.strip()!r} is not an array index", pos)
            indexes.append(int(part))
            pos += len(part) + 1
        return Index(tuple(indexes))

    def _slice(self, inner: str, offset: int) -> Slice:
        parts = inner.split(":")
        if len(parts) > 3:
            raise self.fail("a slice has at most three parts, start:stop:step", offset)
        bounds: list[int | None] = []
        for part in parts:
            if not part.strip():
                bounds.append(None)
            elif _INT.fullmatch(part):
                bounds.append(int(part))
            else:
                raise self.fail(f"{part.strip()!r} is not a slice bound", offset)
        while len(bounds) < 3:
            bounds.append(None)
        if bounds[2] == 0:
            raise self.fail("a slice step cannot be 0", offset)
        return Slice(bounds[0], bounds[1], bounds[2])

    def _filter(self, inner: str, offset: int) -> Filter:
        body = inner[1:].strip()
        if not (body.startswith("(") and body.endswith(")")):
            raise self.fail("a filter is written [?(expression)]", offset)
        try:
            expr = parse_filter(body[1:-1])
        except JsonPathError as exc:
            raise self.fail(exc.message, offset + inner.index("(") + 1 + exc.position) from None
        return Filter(expr)


def _read_quoted(text: str, i: int, offset: int) -> tuple[str, int]:
    """Read a quoted name starting at ``text[i]``; return it and the index after it."""
    quote = text[i]
    chars: list[str] = []
    i += 1
    while i < len(text):
        ch = text[i]
        if ch == "\\" and i + 1 < len(text):
            # Like Jayway: a backslash escapes the quote and itself; before anything else
            # it is kept: in $['a\"b'] the key is a\"b, backslash included.
            nxt = text[i + 1]
            chars.append(nxt if nxt in (quote, "\\") else ch + nxt)
            i += 2
            continue
        if ch == quote:
            return "".join(chars), i + 1
        chars.append(ch)
        i += 1
    raise JsonPathError("unclosed quoted name", offset + i)


@functools.lru_cache(maxsize=4096)
def parse_path(text: str) -> Path:
    """Parse a JSONPath (``$...``, ``$$...`` or ``$var...``); cached.

    Raises:
        JsonPathError: the text is not a JSONPath; ``position`` points at the mistake.
    """
    if not isinstance(text, str):
        raise JsonPathError(f"a path must be a string, not {type(text).__name__}", 0)
    if _PLAIN.match(text):
        names = tuple(Name((n,)) for n in text.split(".")[1:])
        return Path(text, "$", None, names)
    return _Parser(text, reference=False).parse()


@functools.lru_cache(maxsize=4096)
def parse_reference_path(text: str) -> Path:
    """Parse a reference path (ResultPath, Choice ``Variable``): names and single indexes.

    Raises:
        JsonPathError: the text is not a reference path.
    """
    if not isinstance(text, str):
        raise JsonPathError(f"a path must be a string, not {type(text).__name__}", 0)
    if _PLAIN.match(text):
        return parse_path(text)
    return _Parser(text, reference=True).parse()


def _container_copy(node: Any) -> Any:
    if isinstance(node, dict):
        return dict(node)
    if isinstance(node, list):
        return list(node)
    return node


def set_path(data: Any, path: Path, value: Any) -> Any:
    """Return a copy of ``data`` with ``value`` placed at the reference ``path``.

    ``$`` replaces the whole document; missing objects along the way are created. ``data``
    itself is never changed (containers along the path are copied).

    Raises:
        PathNotFound: the path runs through a value that is not an object or array, or an
            index is out of range (Step Functions reports States.ResultPathMatchFailure).
    """
    if not path.is_definite or any(isinstance(s, FromEnd) for s in path.segments):
        raise PathNotFound(f"{path.text!r} is not a reference path")
    if not path.segments:
        return value
    out = _container_copy(data)
    cur = out
    last = len(path.segments) - 1
    for i, seg in enumerate(path.segments):
        key = _step_key(seg)
        if isinstance(key, str) and isinstance(cur, dict):
            child = cur.get(key, {} if i < last else None)
        elif isinstance(key, int) and isinstance(cur, list) and -len(cur) <= key < len(cur):
            child = cur[key]
        else:
            want = "an object" if isinstance(key, str) else f"an array with an item {key}"
            raise PathNotFound(f"unable to apply ResultPath {path.text!r}: the value before "
                               f"{_describe(key)} is not {want}")
        if i == last:
            cur[key] = value
            break
        if not isinstance(child, (dict, list)):
            raise PathNotFound(f"unable to apply ResultPath {path.text!r}: "
                               f"{_describe(key)} holds a {type(child).__name__}, "
                               "not an object")
        child = _container_copy(child)
        cur[key] = child
        cur = child
    return out


def _step_key(seg: Segment) -> str | int:
    if isinstance(seg, Name):
        return seg.names[0]
    if isinstance(seg, Index):
        return seg.indexes[0]
    raise PathNotFound(f"{seg!r} is not a step of a reference path")


def _describe(key: str | int) -> str:
    return f"[{key}]" if isinstance(key, int) else repr(key)
