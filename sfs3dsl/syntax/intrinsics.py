"""Parse ``States.*`` intrinsic function calls into a small tree of :class:`Call` nodes.

An argument is a nested call, a JSONPath (:class:`~sfs3dsl.syntax.jsonpath.Path`: ``$.a``,
``$$.Execution.Id``, ``$var``), a string literal in single quotes, a number, ``true``,
``false`` or ``null``. In a string literal, ``\\'``, ``\\{``, ``\\}`` and ``\\\\`` stand for
the character after the backslash. The template of ``States.Format`` (its first argument,
when it is a literal) keeps ``\\{``, ``\\}`` and ``\\\\`` escaped so that the runner can tell a
literal brace from a ``{}`` placeholder: split it with :func:`format_template_parts`.

Example:
    >>> parse_intrinsic("States.Format('Hi {}', States.ArrayGetItem($.names, 0))")
    Call(name='States.Format', args=('Hi {}', Call(name='States.ArrayGetItem', ...)))
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final, Union

from sfs3dsl.syntax.asl import INTRINSIC_NESTING_LIMIT, INTRINSICS, looks_intrinsic
from sfs3dsl.syntax.jsonpath import JsonPathError, Path, parse_path

__all__ = [
    "Arg", "Call", "IntrinsicSyntaxError", "format_template_parts", "looks_intrinsic",
    "parse_intrinsic",
]

_NAME: Final = re.compile(r"States\.[A-Za-z0-9]*")
_NUMBER: Final = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WORD: Final = re.compile(r"(true|false|null)(?![A-Za-z0-9_.$])")
_ESCAPABLE: Final = frozenset("'{}\\")
_WORDS: Final[dict[str, bool | None]] = {"true": True, "false": False, "null": None}


class IntrinsicSyntaxError(ValueError):
    """An intrinsic call that does not parse; ``position`` is the 0-based offset."""

    def __init__(self, message: str, position: int) -> None:
        self.message = message
        self.position = position
        super().__init__(f"{message} (at position {position})")


@dataclass(frozen=True, slots=True)
class Call:
    """``States.Name(args...)``."""

    name: str
    args: tuple[Arg, ...]


Arg = Union[Call, Path, str, int, float, bool, None]  # noqa: UP007 (a runtime alias)


@functools.lru_cache(maxsize=2048)
def parse_intrinsic(text: str) -> Call:
    """Parse one intrinsic call; names and arities are checked against ``asl.INTRINSICS``.

    Raises:
        IntrinsicSyntaxError: the text is not a well-formed, known intrinsic call.
    """
    if not text.startswith("States."):
        lead = len(text) - len(text.lstrip())
        if lead and text[lead:].startswith("States."):
            raise IntrinsicSyntaxError("whitespace before the function name", 0)
        raise IntrinsicSyntaxError("an intrinsic function call starts with 'States.'", 0)
    parser = _Parser(text)
    call = parser.call(1)
    parser.skip_space()
    if parser.pos != len(text):
        raise IntrinsicSyntaxError(f"unexpected {text[parser.pos]!r} after the call",
                                   parser.pos)
    return call


def format_template_parts(template: str) -> list[str]:
    """Split a ``States.Format`` template at its ``{}`` placeholders, unescaping the rest.

    Example:
        >>> format_template_parts(r"a {} \\{b\\} {}")
        ['a ', ' {b} ', '']
    """
    parts: list[str] = []
    current: list[str] = []
    i = 0
    while i < len(template):
        ch = template[i]
        if ch == "\\" and i + 1 < len(template):
            current.append(template[i + 1])
            i += 2
        elif template.startswith("{}", i):
            parts.append("".join(current))
            current = []
            i += 2
        else:
            current.append(ch)
            i += 1
    parts.append("".join(current))
    return parts


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0

    def fail(self, message: str, pos: int | None = None) -> IntrinsicSyntaxError:
        return IntrinsicSyntaxError(message, self.pos if pos is None else pos)

    def skip_space(self) -> None:
        text = self.text
        while self.pos < len(text) and text[self.pos].isspace():
            self.pos += 1

    def call(self, depth: int) -> Call:
        start = self.pos
        if depth > INTRINSIC_NESTING_LIMIT:
            raise self.fail(f"intrinsic functions nest at most {INTRINSIC_NESTING_LIMIT} "
                            "deep")
        match = _NAME.match(self.text, start)
        if match is None:
            raise self.fail("expected an intrinsic function name such as States.Format")
        name = match.group()
        if name not in INTRINSICS:
            raise self.fail(f"unknown intrinsic function {name}", start)
        self.pos = match.end()
        self.skip_space()
        if not self.text.startswith("(", self.pos):
            raise self.fail(f"expected '(' after {name}")
        self.pos += 1
        args = self.arguments(name, depth)
        _check_arity(name, len(args), start)
        return Call(name, tuple(args))

    def arguments(self, name: str, depth: int) -> list[Arg]:
        args: list[Arg] = []
        self.skip_space()
        if self.text.startswith(")", self.pos):
            self.pos += 1
            return args
        while True:
            self.skip_space()
            keep = name == "States.Format" and not args
            args.append(self.argument(depth, keep_escapes=keep))
            self.skip_space()
            if self.pos >= len(self.text):
                raise self.fail(f"missing ')' to close {name}(")
            ch = self.text[self.pos]
            self.pos += 1
            if ch == ")":
                return args
            if ch != ",":
                raise self.fail(f"expected ',' or ')' in the arguments of {name}", self.pos - 1)

    def argument(self, depth: int, *, keep_escapes: bool) -> Arg:
        text, start = self.text, self.pos
        if start >= len(text):
            raise self.fail("missing argument")
        ch = text[start]
        if ch == "'":
            return self.string(keep_escapes=keep_escapes)
        if ch == "$":
            return self.path()
        if text.startswith("States.", start):
            return self.call(depth + 1)
        for pattern in (_NUMBER, _WORD):
            match = pattern.match(text, start)
            if match:
                self.pos = match.end()
                token = match.group()
                if pattern is _WORD:
                    return _WORDS[token]
                return float(token) if any(c in token for c in ".eE") else int(token)
        raise self.fail(f"unexpected {ch!r}; an argument is a 'string', a number, true, "
                        "false, null, a path ($...) or a States.* call")

    def string(self, *, keep_escapes: bool) -> str:
        text, i = self.text, self.pos + 1
        chars: list[str] = []
        while i < len(text):
            ch = text[i]
            if ch == "\\":
                nxt = text[i + 1] if i + 1 < len(text) else ""
                if nxt not in _ESCAPABLE:
                    raise self.fail("only \\', \\{, \\} and \\\\ may be escaped", i)
                if keep_escapes and nxt != "'":
                    chars.append("\\")
                chars.append(nxt)
                i += 2
                continue
            if ch == "'":
                self.pos = i + 1
                return "".join(chars)
            chars.append(ch)
            i += 1
        raise self.fail("unclosed string literal", self.pos)

    def path(self) -> Path:
        text, start = self.text, self.pos
        i, depth, quote = start, 0, ""
        while i < len(text):
            ch = text[i]
            if quote:
                if ch == "\\":
                    i += 1
                elif ch == quote:
                    quote = ""
            elif ch in "'\"" and depth:
                quote = ch
            elif ch in "[(":
                depth += 1
            elif ch in "])" and depth:
                depth -= 1
            elif depth == 0 and (ch in ",)" or ch.isspace()):
                break
            i += 1
        self.pos = i
        try:
            return parse_path(text[start:i])
        except JsonPathError as exc:
            raise self.fail(f"bad path argument: {exc.message}", start + exc.position) from None


def _check_arity(name: str, count: int, pos: int) -> None:
    low, high = INTRINSICS[name]
    if count >= low and (high is None or count <= high):
        return
    if high is None:
        expected = f"at least {low}"
    elif low == high:
        expected = f"exactly {low}"
    else:
        expected = f"{low} to {high}"
    plural = "" if expected.endswith(" 1") else "s"
    raise IntrinsicSyntaxError(f"{name} takes {expected} argument{plural}, got {count}", pos)
