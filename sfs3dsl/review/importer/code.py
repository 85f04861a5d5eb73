"""Python source for ``import``: small expression nodes and a line-fitting printer.

The importer builds each statement as a tree of nodes (calls, dicts, lists, operator
chains); :func:`render_statement` prints a node on one line when it fits in
:data:`WIDTH` columns and otherwise breaks it one element per line, black-style, so the
output is valid, ruff-clean and the same bytes every time.

Example:
    >>> node = Call("Pass", (Str("a"),), (("result_path", Str("$.x")),))
    >>> render_statement("a = ", node)
    ['a = Pass("a", result_path="$.x")']
"""

from __future__ import annotations

import builtins
import keyword
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeAlias

WIDTH: Final = 100
INDENT: Final = 4
#: Marks an atom whose line must silence ruff's E712: ``JsonPath(...) == True`` is the DSL.
NOQA_E712: Final = "\x00"
_MAX_CHUNK: Final = 60


@dataclass(frozen=True, slots=True)
class Atom:
    """Text printed as is: a name, a number, ``True``; never broken."""

    text: str


@dataclass(frozen=True, slots=True)
class Str:
    """A string literal; too long for its line, it is split into adjacent literals."""

    value: str


@dataclass(frozen=True, slots=True)
class Call:
    """``func(args..., key=value...)``."""

    func: str
    args: tuple[Node, ...] = ()
    kwargs: tuple[tuple[str, Node], ...] = ()


@dataclass(frozen=True, slots=True)
class DictLit:
    items: tuple[tuple[Node, Node], ...]


@dataclass(frozen=True, slots=True)
class ListLit:
    items: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Infix:
    """Operands joined by one operator: ``a >> b >> c``, ``x & y``, ``p == 1``."""

    op: str
    operands: tuple[Node, ...]


@dataclass(frozen=True, slots=True)
class Paren:
    inner: Node


@dataclass(frozen=True, slots=True)
class Prefix:
    """``~operand``."""

    op: str
    operand: Node


@dataclass(frozen=True, slots=True)
class Methods:
    """``obj.first(...).second(...)``: a fluent chain of method calls."""

    obj: Node
    calls: tuple[Call, ...]


@dataclass(frozen=True, slots=True)
class Attr:
    """``obj.name``."""

    obj: Node
    name: str


Node: TypeAlias = Atom | Str | Call | DictLit | ListLit | Infix | Paren | Prefix | Methods | Attr


def py_str(value: str) -> str:
    """A double-quoted Python literal, ASCII only (no ambiguous Unicode for ruff)."""
    if value.isascii() and value.isprintable() and '"' not in value and "\\" not in value:
        return f'"{value}"'  # the common case, without the loop below
    quote = "'" if '"' in value and "'" not in value else '"'
    out = [quote]
    for ch in value:
        code = ord(ch)
        if ch in ("\\", quote):
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif code < 0x80:
            out.append(ch)
        elif code <= 0xFFFF:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append(quote)
    return "".join(out)


def literal(value: Any) -> Node:
    """A node for plain JSON data (dicts, lists, strings, numbers, booleans, null)."""
    if isinstance(value, dict):
        return DictLit(tuple((Str(k), literal(v)) for k, v in value.items()))
    if isinstance(value, list):
        return ListLit(tuple(literal(v) for v in value))
    if isinstance(value, str):
        return Str(value)
    return Atom(repr(value))


def flat(node: Node) -> str:
    """The node on one line."""
    if isinstance(node, Atom):
        return node.text
    if isinstance(node, Str):
        return py_str(node.value)
    if isinstance(node, Call):
        parts = [flat(a) for a in node.args] + [f"{k}={flat(v)}" for k, v in node.kwargs]
        return f"{node.func}({', '.join(parts)})"
    if isinstance(node, DictLit):
        return "{" + ", ".join(f"{flat(k)}: {flat(v)}" for k, v in node.items) + "}"
    if isinstance(node, ListLit):
        return "[" + ", ".join(flat(i) for i in node.items) + "]"
    if isinstance(node, Infix):
        return f" {node.op} ".join(flat(o) for o in node.operands)
    if isinstance(node, Paren):
        return f"({flat(node.inner)})"
    if isinstance(node, Prefix):
        return node.op + flat(node.operand)
    if isinstance(node, Attr):
        return f"{flat(node.obj)}.{node.name}"
    return flat(node.obj) + "".join("." + flat(c) for c in node.calls)


# An exploded node: its opening text, its elements (prefix, node, suffix), its closing text.
_Part: TypeAlias = tuple[str, Node, str]


def _explode(node: Node) -> tuple[str, list[_Part], str] | None:
    if isinstance(node, Call) and (node.args or node.kwargs):
        parts: list[_Part] = [("", a, ",") for a in node.args]
        parts += [(f"{k}=", v, ",") for k, v in node.kwargs]
        return f"{node.func}(", parts, ")"
    if isinstance(node, DictLit) and node.items:
        return "{", [(flat(k) + ": ", v, ",") for k, v in node.items], "}"
    if isinstance(node, ListLit) and node.items:
        return "[", [("", i, ",") for i in node.items], "]"
    if isinstance(node, Infix | Paren):
        inner = node.inner if isinstance(node, Paren) else node
        if isinstance(inner, Infix):
            ops = inner.operands
            return "(", [("", ops[0], "")] + [(f"{inner.op} ", o, "") for o in ops[1:]], ")"
    if isinstance(node, Methods):
        head = node.calls[0]
        first = Call(f"{flat(node.obj)}.{head.func}", head.args, head.kwargs)
        if len(node.calls) == 1:
            return _explode(first)
        rest: list[_Part] = [(".", c, "") for c in node.calls[1:]]
        return "(", [("", first, ""), *rest], ")"
    if isinstance(node, Str) and len(node.value) > 1:
        return "(", [("", Str(c), "") for c in _chunks(node.value)], ")"
    return None


def _chunks(value: str) -> list[str]:
    """Split a long string after spaces (or every ``_MAX_CHUNK`` characters)."""
    out: list[str] = []
    rest = value
    while len(rest) > _MAX_CHUNK:
        cut = rest.rfind(" ", _MAX_CHUNK // 2, _MAX_CHUNK)
        cut = _MAX_CHUNK if cut < 0 else cut + 1
        out.append(rest[:cut])
        rest = rest[cut:]
    out.append(rest)
    return out


def _lines(node: Node, indent: int, prefix: str, suffix: str, out: list[str]) -> None:
    text = prefix + flat(node) + suffix
    pad = " " * indent
    exploded = None if indent + len(text.replace(NOQA_E712, "")) <= WIDTH else _explode(node)
    if exploded is None or (isinstance(node, Str) and len(exploded[1]) == 1):
        out.append(pad + text)
        return
    opening, parts, closing = exploded
    out.append(pad + prefix + opening)
    for part_prefix, child, part_suffix in parts:
        _lines(child, indent + INDENT, part_prefix, part_suffix, out)
    out.append(pad + closing + suffix)


def render_statement(prefix: str, node: Node) -> list[str]:
    """Print ``prefix`` followed by ``node`` as lines of at most :data:`WIDTH` columns."""
    out: list[str] = []
    _lines(node, 0, prefix, "", out)
    return [_noqa(line) for line in out]


def _noqa(line: str) -> str:
    if NOQA_E712 in line:
        return line.replace(NOQA_E712, "") + "  # noqa: E712"
    return line


def names_in(node: Node) -> set[str]:
    """The module-level names a node refers to (``JsonPath``, ``States``, variables, ...)."""
    out: set[str] = set()
    todo: list[Node] = [node]
    while todo:
        item = todo.pop()
        if isinstance(item, Atom):
            out.add(item.text)
        elif isinstance(item, Call):
            out.add(item.func.split(".", 1)[0])
            todo += item.args
            todo += [value for _, value in item.kwargs]
        elif isinstance(item, DictLit):
            todo += [part for pair in item.items for part in pair]
        elif isinstance(item, ListLit | Infix):
            todo += item.items if isinstance(item, ListLit) else item.operands
        elif isinstance(item, Paren | Attr):
            todo.append(item.inner if isinstance(item, Paren) else item.obj)
        elif isinstance(item, Prefix):
            todo.append(item.operand)
        elif isinstance(item, Methods):
            todo += [item.obj, *item.calls]
    return out


# -- names -------------------------------------------------------------------------------
_RESERVED: Final = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(
    dir(builtins)) | {"l", "self", "cls"}
_CAMEL: Final = (re.compile(r"([A-Z]+)([A-Z][a-z])"), re.compile(r"([a-z0-9])([A-Z])"))
_NOT_WORD: Final = re.compile(r"[^0-9A-Za-z]+")
_MAX_NAME: Final = 40


class Namer:
    """Safe, unique Python identifiers derived from state names.

    A name that is reserved (a keyword, a builtin, an imported name, the workflow's
    variable) gets a ``_state`` suffix; a name an earlier state took gets a number.

    Example:
        >>> namer = Namer(reserved={"Task"})
        >>> namer.new("Step A"), namer.new("step-a"), namer.new("class")
        ('step_a', 'step_a_2', 'class_state')
    """

    def __init__(self, reserved: Iterable[str] = ()) -> None:
        self._reserved: set[str] = set(_RESERVED) | set(reserved)
        self._taken: set[str] = set()

    def new(self, name: str, *, fallback: str = "state") -> str:
        base = identifier(name, fallback=fallback)
        if base in self._reserved:
            base = f"{base}_{fallback}"
        candidate, n = base, 1
        while candidate in self._taken or candidate in self._reserved:
            n += 1
            candidate = f"{base}_{n}"
        self._taken.add(candidate)
        return candidate

    def reserve(self, names: Sequence[str]) -> None:
        self._reserved.update(names)


def identifier(name: str, *, fallback: str = "state") -> str:
    """``"Step A (retry)"`` -> ``"step_a_retry"``; ASCII, snake case, not starting with a digit."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    for pattern in _CAMEL:
        text = pattern.sub(r"\1_\2", text)
    text = _NOT_WORD.sub("_", text).strip("_").lower()[:_MAX_NAME].rstrip("_")
    if not text:
        return fallback
    return f"{fallback}_{text}" if text[0].isdigit() else text


__all__ = ["Atom", "Attr", "Call", "DictLit", "Infix", "ListLit", "Methods", "Namer", "Node",
           "Paren", "Prefix", "Str", "flat", "identifier", "literal", "names_in", "py_str",
           "render_statement"]
