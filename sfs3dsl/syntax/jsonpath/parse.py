"""Parse JSONPath text (one pass, positions in errors) into a :class:`~.path.Path`, with
filter expressions; ``parse_path`` is cached.
"""

from __future__ import annotations

import functools
import re
from typing import Any, Final, Literal

from sfs3dsl.syntax.jsonpath.filters import Compare, Expr, Logic, Operand
from sfs3dsl.syntax.jsonpath.path import (
    Descend,
    Filter,
    FromEnd,
    Index,
    JsonPathError,
    Name,
    Path,
    Root,
    Segment,
    Slice,
    Wildcard,
)

_PLAIN: Final = re.compile(r"\$(?:\.[A-Za-z_][A-Za-z0-9_]*)*\Z")
_VAR_NAME: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INT: Final = re.compile(r"\s*(-?\d+)\s*")
_FROM_END: Final = r"\(\s*@\.length\s*-\s*(\d+)\s*\)"
#: Characters that end a name written in dot notation (``$.name``).
_NAME_STOP: Final = frozenset(".[]()'\"=!<>&|,? \t\r\n")
_TOKEN: Final = r"""
    \s*(?:
      (?P<op>==|!=|<=|>=|=~|<|>|&&|\|\||!|\(|\))
    | (?P<num>-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?)
    | (?P<str>'(?:\\.|[^'\\])*'|"(?:\\.|[^"\\])*")
    | (?P<regex>/(?:\\.|[^/\\])*/[a-z]*)
    | (?P<word>true|false|null|in|nin|empty)(?![A-Za-z0-9_])
    | (?P<path>[@$])
    | (?P<list>\[)
    )"""


@functools.cache
def _pattern(source: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile`` on first use, for the patterns most paths never need (filters,
    ``(@.length-N)``): compiled at import they would cost every ``sfs3dsl compile`` ~0.5 ms."""
    return re.compile(source, flags)


_COMPARE_OPS: Final = frozenset({"==", "!=", "<", "<=", ">", ">=", "=~", "in", "nin"})
_LITERAL_WORDS: Final = {"true": True, "false": False, "null": None}

class _FilterParser:
    """Precedence climbing: ``||`` binds loosest, then ``&&``, then ``!``."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str) -> JsonPathError:
        return JsonPathError(message, self.pos)

    def peek(self) -> tuple[str, str] | None:
        match = _pattern(_TOKEN, re.VERBOSE).match(self.text, self.pos)
        if match is None or match.lastgroup is None:
            return None
        return match.lastgroup, match.group(match.lastgroup)

    def take(self) -> tuple[str, str]:
        match = _pattern(_TOKEN, re.VERBOSE).match(self.text, self.pos)
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
        match = _pattern(_FROM_END).fullmatch(stripped)
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
