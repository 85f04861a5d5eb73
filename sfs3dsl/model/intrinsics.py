"""The 18 intrinsic functions of JSONPath states, with their arguments type-checked.

``States.Format("Hello {}", JsonPath("$.name"))`` renders
``States.Format('Hello {}', $.name)``; in a payload it goes under a ``.$`` key by itself.

Example:
    >>> str(States.MathAdd(JsonPath("$.count"), 1))
    'States.MathAdd($.count, 1)'
"""

from __future__ import annotations

import math
from typing import Union

from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.values import JsonPath
from sfs3dsl.syntax.asl import HASH_ALGORITHMS, INTRINSIC_NESTING_LIMIT

Arg = Union["Intrinsic", JsonPath, str, int, float, bool, None]

_NUMBER = "an int or a JsonPath"
_STRING = "a str or a JsonPath"


class Intrinsic:
    """A rendered intrinsic call; ``str()`` gives its ASL text."""

    __slots__ = ("depth", "text")
    depth: int
    text: str

    def __init__(self, name: str, args: tuple[Arg, ...]) -> None:
        # Loops and a list rather than generators: an intrinsic is made for each use.
        depth = 1
        for a in args:
            if isinstance(a, Intrinsic) and a.depth >= depth:
                depth = a.depth + 1
        if depth > INTRINSIC_NESTING_LIMIT:
            raise BuildError(f"{name} nests intrinsic functions {depth} deep; "
                             f"AWS allows {INTRINSIC_NESTING_LIMIT}",
                             hint="compute part of the value in an earlier Pass state")
        self.depth = depth
        self.text = f"{name}({', '.join([_render_arg(a) for a in args])})"

    def __str__(self) -> str:
        return self.text

    def __repr__(self) -> str:
        return f"Intrinsic({self.text!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Intrinsic) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)


def _quote(text: str, *, keep_braces: bool = False) -> str:
    out = text.replace("\\", "\\\\").replace("'", "\\'")
    if not keep_braces:
        out = out.replace("{", "\\{").replace("}", "\\}")
    return f"'{out}'"


def _render_arg(arg: Arg) -> str:
    if isinstance(arg, Intrinsic | JsonPath):
        return arg.text  # its str()
    if arg is None:
        return "null"
    if isinstance(arg, bool):
        return "true" if arg else "false"
    if isinstance(arg, int | float):
        if isinstance(arg, float) and not math.isfinite(arg):
            raise BuildError(f"{arg!r} is not a number an intrinsic function can take",
                             hint="pass a finite int or float")
        return repr(arg)
    if isinstance(arg, str):
        return _quote(arg)
    raise BuildError(f"{arg!r} ({type(arg).__name__}) cannot be an intrinsic argument",
                     hint="pass a str, int, float, bool, None, JsonPath or States.* call")


def _check(func: str, index: int, arg: object, allowed: tuple[type, ...], want: str) -> None:
    if isinstance(arg, bool) and bool not in allowed:
        ok = False
    else:
        ok = isinstance(arg, (*allowed, JsonPath, Intrinsic))
    if not ok:
        raise BuildError(f"States.{func} argument {index + 1} must be {want}, got {arg!r}",
                         hint=f"see the States.{func} signature in the ASL intrinsics reference")


class States:
    """Namespace of the intrinsic functions, named as in ASL."""

    @staticmethod
    def Format(template: str, *args: Arg) -> Intrinsic:
        if not isinstance(template, str):
            raise BuildError(f"States.Format needs a str template, got {template!r}",
                             hint="write States.Format('Hello {}', JsonPath('$.name'))")
        holes = template.replace("\\{", "").replace("\\}", "").count("{}")
        if holes != len(args):
            raise BuildError(f"States.Format template {template!r} has {holes} placeholder(s) "
                             f"but {len(args)} argument(s) were given",
                             hint="give one argument for every {}")
        return _Format(template, args)

    @staticmethod
    def StringToJson(text: Arg) -> Intrinsic:
        _check("StringToJson", 0, text, (str,), _STRING)
        return Intrinsic("States.StringToJson", (text,))

    @staticmethod
    def JsonToString(value: JsonPath | Intrinsic) -> Intrinsic:
        _check("JsonToString", 0, value, (), "a JsonPath")
        return Intrinsic("States.JsonToString", (value,))

    @staticmethod
    def Array(*items: Arg) -> Intrinsic:
        return Intrinsic("States.Array", items)

    @staticmethod
    def ArrayPartition(array: JsonPath | Intrinsic, size: Arg) -> Intrinsic:
        _check("ArrayPartition", 0, array, (), "a JsonPath or States.Array(...)")
        _check("ArrayPartition", 1, size, (int,), _NUMBER)
        return Intrinsic("States.ArrayPartition", (array, size))

    @staticmethod
    def ArrayContains(array: JsonPath | Intrinsic, value: Arg) -> Intrinsic:
        _check("ArrayContains", 0, array, (), "a JsonPath or States.Array(...)")
        return Intrinsic("States.ArrayContains", (array, value))

    @staticmethod
    def ArrayRange(start: Arg, end: Arg, step: Arg) -> Intrinsic:
        for i, arg in enumerate((start, end, step)):
            _check("ArrayRange", i, arg, (int,), _NUMBER)
        if isinstance(step, int) and not isinstance(step, bool) and step == 0:
            raise BuildError("States.ArrayRange step is 0", hint="use a non-zero step")
        return Intrinsic("States.ArrayRange", (start, end, step))

    @staticmethod
    def ArrayGetItem(array: JsonPath | Intrinsic, index: Arg) -> Intrinsic:
        _check("ArrayGetItem", 0, array, (), "a JsonPath or States.Array(...)")
        _check("ArrayGetItem", 1, index, (int,), _NUMBER)
        return Intrinsic("States.ArrayGetItem", (array, index))

    @staticmethod
    def ArrayLength(array: JsonPath | Intrinsic) -> Intrinsic:
        _check("ArrayLength", 0, array, (), "a JsonPath or States.Array(...)")
        return Intrinsic("States.ArrayLength", (array,))

    @staticmethod
    def ArrayUnique(array: JsonPath | Intrinsic) -> Intrinsic:
        _check("ArrayUnique", 0, array, (), "a JsonPath or States.Array(...)")
        return Intrinsic("States.ArrayUnique", (array,))

    @staticmethod
    def Base64Encode(text: Arg) -> Intrinsic:
        _check("Base64Encode", 0, text, (str,), _STRING)
        return Intrinsic("States.Base64Encode", (text,))

    @staticmethod
    def Base64Decode(text: Arg) -> Intrinsic:
        _check("Base64Decode", 0, text, (str,), _STRING)
        return Intrinsic("States.Base64Decode", (text,))

    @staticmethod
    def Hash(data: Arg, algorithm: Arg) -> Intrinsic:
        _check("Hash", 1, algorithm, (str,), f"one of {', '.join(HASH_ALGORITHMS)}")
        if isinstance(algorithm, str) and algorithm not in HASH_ALGORITHMS:
            raise BuildError(f"States.Hash algorithm {algorithm!r} is not supported",
                             hint=f"use one of {', '.join(HASH_ALGORITHMS)}")
        return Intrinsic("States.Hash", (data, algorithm))

    @staticmethod
    def JsonMerge(left: JsonPath | Intrinsic, right: JsonPath | Intrinsic,
                  deep: bool = False) -> Intrinsic:
        _check("JsonMerge", 0, left, (), "a JsonPath")
        _check("JsonMerge", 1, right, (), "a JsonPath")
        if deep is not False:
            raise BuildError("States.JsonMerge supports only shallow merges (deep=False)",
                             hint="merge nested objects in a Task instead")
        return Intrinsic("States.JsonMerge", (left, right, False))

    @staticmethod
    def MathRandom(start: Arg, end: Arg, seed: Arg | None = None) -> Intrinsic:
        args: tuple[Arg, ...] = (start, end) if seed is None else (start, end, seed)
        for i, arg in enumerate(args):
            _check("MathRandom", i, arg, (int,), _NUMBER)
        return Intrinsic("States.MathRandom", args)

    @staticmethod
    def MathAdd(left: Arg, right: Arg) -> Intrinsic:
        _check("MathAdd", 0, left, (int,), _NUMBER)
        _check("MathAdd", 1, right, (int,), _NUMBER)
        return Intrinsic("States.MathAdd", (left, right))

    @staticmethod
    def StringSplit(text: Arg, separator: Arg) -> Intrinsic:
        _check("StringSplit", 0, text, (str,), _STRING)
        _check("StringSplit", 1, separator, (str,), _STRING)
        return Intrinsic("States.StringSplit", (text, separator))

    @staticmethod
    def UUID() -> Intrinsic:
        return Intrinsic("States.UUID", ())


class _Format(Intrinsic):
    __slots__ = ()

    def __init__(self, template: str, args: tuple[Arg, ...]) -> None:
        super().__init__("States.Format", args)
        rest = self.text[len("States.Format("):]
        sep = ", " if args else ""
        self.text = f"States.Format({_quote(template, keep_braces=True)}{sep}{rest}"
