"""Parsing ``States.*`` intrinsic function calls."""

from __future__ import annotations

import pytest

from sfs3dsl.syntax.asl import INTRINSICS
from sfs3dsl.syntax.intrinsics import (
    Call,
    IntrinsicSyntaxError,
    format_template_parts,
    looks_intrinsic,
    parse_intrinsic,
)
from sfs3dsl.syntax.jsonpath import parse_path


@pytest.mark.parametrize(("text", "expected"), [
    ("States.UUID()", Call("States.UUID", ())),
    ("States.Array()", Call("States.Array", ())),
    ("States.Array(1, -2, 2.5, 1e3, true, false, null)",
     Call("States.Array", (1, -2, 2.5, 1000.0, True, False, None))),
    ("States.Format('x {}', $.a, States.Array(1,2))",
     Call("States.Format", ("x {}", parse_path("$.a"), Call("States.Array", (1, 2))))),
    ("States.Array($$.Execution.Id, $var, $var.x, $, $$)",
     Call("States.Array", tuple(parse_path(p) for p in
                                ("$$.Execution.Id", "$var", "$var.x", "$", "$$")))),
    ("States.Array($.a[?(@.x > 1)], $['a b'])",
     Call("States.Array", (parse_path("$.a[?(@.x > 1)]"), parse_path("$['a b']")))),
    ("States.StringSplit('a\\'b\\{\\}\\\\', ',')",
     Call("States.StringSplit", ("a'b{}\\", ","))),
    ("States.Format( 'a' , 1 )", Call("States.Format", ("a", 1))),
])
def test_parse(text: str, expected: Call) -> None:
    assert parse_intrinsic(text) == expected


def test_the_format_template_keeps_brace_escapes() -> None:
    call = parse_intrinsic("States.Format('\\{{}\\} it\\'s \\\\', 1)")
    assert call.args[0] == "\\{{}\\} it's \\\\"
    assert format_template_parts(str(call.args[0])) == ["{", "} it's \\"]


@pytest.mark.parametrize(("template", "parts"), [
    ("", [""]),
    ("{}", ["", ""]),
    ("a {} b {}", ["a ", " b ", ""]),
    ("\\{}", ["{}"]),
])
def test_format_template_parts(template: str, parts: list[str]) -> None:
    assert format_template_parts(template) == parts


@pytest.mark.parametrize(("text", "message", "position"), [
    ("States.Xyz($.a)", "unknown intrinsic function States.Xyz", 0),
    (" States.Array(1)", "whitespace before the function name", 0),
    ("Foo.Bar()", "an intrinsic function call starts with 'States.'", 0),
    ("States.Array", "expected '(' after States.Array", 12),
    ("States.Array(1", "missing ')' to close States.Array(", 14),
    ("States.Array(1 2)", "expected ',' or ')' in the arguments of States.Array", 15),
    ("States.Array(1,)", "unexpected ')'; an argument is a 'string', a number, true, false, "
                         "null, a path ($...) or a States.* call", 15),
    ("States.Array(foo)", "unexpected 'f'; an argument is a 'string', a number, true, false, "
                          "null, a path ($...) or a States.* call", 13),
    ("States.Array('a)", "unclosed string literal", 13),
    ("States.Array('\\n')", "only \\', \\{, \\} and \\\\ may be escaped", 14),
    ("States.Array($.a b)", "expected ',' or ')' in the arguments of States.Array", 17),
    ("States.Array($$23)",
     "bad path argument: unexpected character '2'; expected '.' or '['", 15),
    ("States.Array(1) x", "unexpected 'x' after the call", 16),
    ("States.UUID(1)", "States.UUID takes exactly 0 arguments, got 1", 0),
    ("States.Format()", "States.Format takes at least 1 argument, got 0", 0),
    ("States.MathRandom(1)", "States.MathRandom takes 2 to 3 arguments, got 1", 0),
    ("States.ArrayLength(1, 2)", "States.ArrayLength takes exactly 1 argument, got 2", 0),
    ("States.Array(" * 11 + ")" * 11, "intrinsic functions nest at most 10 deep", 130),
])
def test_errors_name_the_mistake_and_position(text: str, message: str, position: int) -> None:
    with pytest.raises(IntrinsicSyntaxError) as info:
        parse_intrinsic(text)
    assert (info.value.message, info.value.position) == (message, position)


def test_ten_levels_of_nesting_are_allowed() -> None:
    call = parse_intrinsic("States.Array(" * 10 + ")" * 10)
    depth = 0
    node: object = call
    while isinstance(node, Call):
        depth += 1
        node = node.args[0] if node.args else None
    assert depth == 10


@pytest.mark.parametrize("name", sorted(INTRINSICS))
def test_every_intrinsic_accepts_its_minimum_arity(name: str) -> None:
    low, _ = INTRINSICS[name]
    args = ", ".join(["'x'"] * low)
    assert parse_intrinsic(f"{name}({args})").name == name


@pytest.mark.parametrize(("text", "expected"), [
    ("States.Format('a')", True),
    ("  States.Array()", True),
    ("$.a", False),
    ("States", False),
])
def test_looks_intrinsic(text: str, expected: bool) -> None:
    assert looks_intrinsic(text) is expected
