"""PayloadSizes measures exactly what json.dumps writes, remembered values included, and the
256 KiB limit falls on the same byte as when every payload was written out."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sfs3dsl.run.interpreter import Runner
from sfs3dsl.run.interpreter.history import History
from sfs3dsl.run.interpreter.limits import MAX_PAYLOAD_BYTES, HistoryFull, PayloadTooLarge
from sfs3dsl.run.interpreter.sizes import REMEMBER_BYTES, PayloadSizes


def written(value: Any) -> int:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
    return len(text.encode("utf-8", "surrogatepass"))


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.integers(-2**80, 2**80),
    st.floats(allow_nan=True, allow_infinity=True),
    # every code point: quotes, backslashes, control characters, non-ASCII, surrogates
    st.text(st.characters(min_codepoint=0, max_codepoint=0x10FFFF), max_size=40),
    st.text(st.sampled_from('a"\\\n\x00\u20ac\U0001F600'), min_size=120, max_size=700))
json_values = st.recursive(scalars, lambda inner: st.one_of(
    st.lists(inner, max_size=40), st.tuples(inner, inner),
    st.dictionaries(st.text(max_size=8), inner, max_size=30)), max_leaves=60)


@settings(max_examples=120, deadline=None)
@given(json_values)
def test_size_is_the_length_of_the_compact_utf8_json(value: Any) -> None:
    sizes = PayloadSizes()
    assert sizes.size(value) == written(value)
    # again, with whatever it remembered, and inside new containers around the same value
    assert sizes.size(value) == written(value)
    assert sizes.size({"wrapped": value, "n": 1}) == written({"wrapped": value, "n": 1})
    assert sizes.size([value, value]) == written([value, value])


@pytest.mark.parametrize("value", [
    {7: "a", 2.5: "b", True: "c", None: "d"},  # keys json turns into text
    [float("nan"), float("inf"), -float("inf"), 1e300, -0.0],
    {"k" * 600: ["v" * 600] * 20},
    list(range(1000)),
    "\ud800" * 300,  # a lone surrogate, as "\\ud800" in JSON input gives
])
def test_size_of_unusual_values(value: Any) -> None:
    assert PayloadSizes().size(value) == written(value)


def test_remembered_containers_are_found_by_identity_not_by_equality() -> None:
    sizes = PayloadSizes()
    big = ["x" * REMEMBER_BYTES]
    assert sizes.size(big) == REMEMBER_BYTES + 4
    equal_but_new: list[Any] = ["x" * REMEMBER_BYTES]
    equal_but_new.append(1)  # a new list: its size is measured, not looked up
    assert sizes.size(equal_but_new) == REMEMBER_BYTES + 6


@pytest.mark.parametrize(("value", "error"), [
    ({"a": {1, 2}}, "Object of type set is not JSON serializable"),
    ([object()] * 30, "Object of type object is not JSON serializable"),
])
def test_what_is_not_json_raises_as_json_does(value: Any, error: str) -> None:
    with pytest.raises(TypeError, match=error):
        PayloadSizes().size(value)


def test_a_value_that_contains_itself_raises_as_json_does() -> None:
    loop: list[Any] = []
    loop.append(loop)
    with pytest.raises(ValueError, match="Circular reference detected"):
        PayloadSizes().size(loop)


def test_the_limit_falls_on_the_same_byte_when_the_big_member_is_remembered() -> None:
    # {"big":"x..."} is 10 + k bytes; P0 adds ,"a":1 (6 bytes): exactly 262,144, allowed;
    # P1 adds "deep":{"c":12} inside a copy of the same top level: one byte past is refused
    k = MAX_PAYLOAD_BYTES - 16
    line = {"StartAt": "P0", "States": {
        "P0": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "Same"},
        "Same": {"Type": "Pass", "Next": "P1"},
        "P1": {"Type": "Pass", "Result": 12, "ResultPath": "$.deep.c", "End": True}}}
    execution = Runner().run(line, {"big": "x" * k})
    assert (execution.status, execution.error, execution.cause) == (
        "FAILED", "States.DataLimitExceeded",
        "The state/task 'P1' returned a result with a size exceeding the maximum number of "
        "bytes service limit.")
    exited = [e["stateExitedEventDetails"] for e in execution.history
              if e["type"] == "PassStateExited"]
    assert [(d["name"], len(d["output"])) for d in exited] == [
        ("P0", MAX_PAYLOAD_BYTES), ("Same", MAX_PAYLOAD_BYTES)]


@settings(max_examples=120, deadline=None)
@given(base=st.dictionaries(st.text(max_size=8), json_values, max_size=8),
       key=st.text(max_size=8), member=json_values, measured_first=st.booleans())
def test_a_copy_with_one_member_set_is_sized_from_its_base(
        base: dict[str, Any], key: str, member: Any, measured_first: bool) -> None:
    sizes = PayloadSizes()
    if measured_first:
        sizes.size(base)
    out = {**base, key: member}
    sizes.placed(base, out, key, member)
    assert sizes.size(out) == written(out)


WHEN = datetime(2024, 1, 1, tzinfo=UTC)
PASSAGE = (("PassStateEntered", WHEN), ("PassStateExited", WHEN))


@pytest.mark.parametrize(("max_events", "value", "out", "raised", "types"), [
    (None, {"a": 1}, {"a": 2}, None, ["PassStateEntered", "PassStateExited"]),
    (None, "x" * MAX_PAYLOAD_BYTES, "y", PayloadTooLarge, []),
    (None, "y", "x" * MAX_PAYLOAD_BYTES, PayloadTooLarge, ["PassStateEntered"]),
    (3, "y", "z", HistoryFull, ["PassStateEntered"]),  # the last place is the end's
    (2, "y", "z", HistoryFull, []),
])
def test_both_events_of_a_passage_record_what_two_calls_would(
        max_events: int | None, value: Any, out: Any, raised: type[Exception] | None,
        types: list[str]) -> None:
    history = History(max_events, MAX_PAYLOAD_BYTES)
    history.add("ExecutionStarted", WHEN, 0, {"input": {}})
    if raised is None:
        assert history.add_passage(*PASSAGE, 1, "P", value, out) == 3
    else:
        with pytest.raises(raised) as caught:
            history.add_passage(*PASSAGE, 1, "P", value, out)
        assert caught.value.entered == (2 if types else None)  # type: ignore[attr-defined]
    assert [e["type"] for e in history.events][1:] == types


def test_a_failure_after_a_pass_entered_follows_its_entered_event() -> None:
    definition = {"StartAt": "Big", "States": {
        "Big": {"Type": "Pass", "Result": "x" * MAX_PAYLOAD_BYTES, "End": True}}}
    events = Runner().run(definition, {}).history
    assert [(e["type"], e["id"], e["previousEventId"]) for e in events] == [
        ("ExecutionStarted", 1, 0), ("PassStateEntered", 2, 1), ("ExecutionFailed", 3, 2)]
