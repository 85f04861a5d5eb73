"""Semantic diff of ASL documents: every change kind, renames, renderers, the real corpus."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

import pytest
from corpus import real_world_definitions

from sfs3dsl.review.diff import MISSING, Diff, StateRef, diff_definitions, transitions
from sfs3dsl.review.diff_render import render_json, render_markdown, render_text

Doc = dict[str, Any]

BASE: Doc = {
    "Comment": "orders",
    "StartAt": "Validate",
    "TimeoutSeconds": 300,
    "States": {
        "Validate": {
            "Type": "Task",
            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:validate",
            "Parameters": {"Payload.$": "$"},
            "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 5, "MaxAttempts": 5,
                       "BackoffRate": 2}],
            "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Failed"}],
            "Next": "Route",
        },
        "Route": {
            "Type": "Choice",
            "Choices": [
                {"Variable": "$.inputNum", "NumericEquals": 1, "Next": "Fanout"},
                {"Variable": "$.inputNum", "NumericGreaterThan": 5, "Next": "EachItem"},
            ],
            "Default": "Done",
        },
        "Fanout": {
            "Type": "Parallel",
            "Branches": [
                {"StartAt": "Left", "States": {"Left": {"Type": "Pass", "End": True}}},
                {"StartAt": "Right",
                 "States": {"Right": {"Type": "Wait", "Seconds": 5, "End": True}}},
            ],
            "Next": "Done",
        },
        "EachItem": {
            "Type": "Map",
            "ItemsPath": "$.basket.items",
            "MaxConcurrency": 3,
            "ItemProcessor": {
                "ProcessorConfig": {"Mode": "INLINE"},
                "StartAt": "Price",
                "States": {"Price": {"Type": "Task", "Resource": "arn:aws:lambda:price",
                                     "End": True}},
            },
            "Next": "Done",
        },
        "Done": {"Type": "Succeed"},
        "Failed": {"Type": "Fail", "Error": "OrderFailed"},
    },
}


def rename(doc: Doc, old: str, new: str, scope: Doc | None = None) -> None:
    """Rename a state of ``scope`` (default: the document) and every reference to it."""
    machine = doc if scope is None else scope
    machine["States"] = {new if k == old else k: v for k, v in machine["States"].items()}
    if machine.get("StartAt") == old:
        machine["StartAt"] = new
    for state in machine["States"].values():
        if not isinstance(state, dict):
            continue
        for item in [state, *state.get("Choices", []), *state.get("Catch", [])]:
            for key in ("Next", "Default"):
                if isinstance(item, dict) and item.get(key) == old:
                    item[key] = new


def states(doc: Doc) -> dict[str, Any]:
    result: dict[str, Any] = doc["States"]
    return result


def field(path: str, state: str | None, old: Any = MISSING, new: Any = MISSING) -> Doc:
    change = "added" if old is MISSING else "removed" if new is MISSING else "changed"
    out: Doc = {"path": path, "state": state, "change": change}
    if old is not MISSING:
        out["old"] = old
    if new is not MISSING:
        out["new"] = new
    return out


def edge(state: str, via: str, target: str) -> Doc:
    return {"path": f"{state}.{via}", "state": state, "via": via, "target": target}


def ref(path: str, type_: str) -> Doc:
    return {"path": path, "name": path.rsplit(".", 1)[1], "type": type_}


def renamed(old: str, new: str, type_: str, *references: str) -> Doc:
    return {"old_path": old, "new_path": new, "old_name": old.rsplit(".", 1)[1],
            "new_name": new.rsplit(".", 1)[1], "type": type_, "references": list(references)}


def expected(**parts: list[Doc]) -> Doc:
    """The whole JSON rendering: the given parts, every other list empty, counts to match."""
    keys = ("top_level", "added", "removed", "renamed", "changed", "transitions_added",
            "transitions_removed")
    out: Doc = {key: parts.get(key, []) for key in keys}
    out["summary"] = {
        "states_added": len(out["added"]), "states_removed": len(out["removed"]),
        "states_renamed": len(out["renamed"]), "fields_changed": len(out["changed"]),
        "top_level_changed": len(out["top_level"]),
        "transitions_added": len(out["transitions_added"]),
        "transitions_removed": len(out["transitions_removed"]),
    }
    return {"summary": out.pop("summary"), **out}


def _add_state(d: Doc) -> None:
    states(d)["Audit"] = {"Type": "Pass", "End": True}


def _insert_state(d: Doc) -> None:
    states(d)["Audit"] = {"Type": "Pass", "Next": "Done"}
    states(d)["Fanout"]["Next"] = "Audit"


def _remove_state(d: Doc) -> None:
    del states(d)["Failed"]
    del states(d)["Validate"]["Catch"]


def _rename_and_retarget(d: Doc) -> None:
    rename(d, "Fanout", "Fork")
    states(d)["Fork"]["Next"] = "Failed"


def _rename_and_change(d: Doc) -> None:
    rename(d, "Failed", "Rejected")
    states(d)["Rejected"]["Error"] = "OrderRejected"


def _add_catch(d: Doc) -> None:
    states(d)["Fanout"]["Catch"] = [{"ErrorEquals": ["States.BranchFailed"], "Next": "Failed"}]


def _end_to_next(d: Doc) -> None:
    states(d)["Done"] = {"Type": "Pass", "Next": "Failed"}


def _top_level(d: Doc) -> None:
    d.update(Comment="orders v2", TimeoutSeconds=600, QueryLanguage="JSONPath",
             StartAt="Route")


def _reorder_keys(d: Doc) -> None:
    d["States"] = {k: dict(reversed(v.items())) for k, v in reversed(states(d).items())}


CASES: list[tuple[str, Callable[[Doc], None], Doc]] = [
    ("state-added", _add_state, expected(added=[ref("States.Audit", "Pass")])),
    ("state-inserted", _insert_state, expected(
        added=[ref("States.Audit", "Pass")],
        transitions_removed=[edge("States.Fanout", "Next", "Done")],
        transitions_added=[edge("States.Fanout", "Next", "Audit")])),
    ("state-removed", _remove_state, expected(
        removed=[ref("States.Failed", "Fail")],
        changed=[field("States.Validate.Catch[0]", "States.Validate",
                       old={"ErrorEquals": ["States.ALL"]})],
        transitions_removed=[edge("States.Validate", "Catch[0].Next", "Failed")])),
    ("state-renamed", lambda d: rename(d, "Done", "Finished"), expected(
        renamed=[renamed("States.Done", "States.Finished", "Succeed", "States.Route.Default",
                         "States.Fanout.Next", "States.EachItem.Next")])),
    ("start-state-renamed", lambda d: rename(d, "Validate", "Check"), expected(
        renamed=[renamed("States.Validate", "States.Check", "Task", "StartAt")])),
    ("renamed-and-retargeted", _rename_and_retarget, expected(
        renamed=[renamed("States.Fanout", "States.Fork", "Parallel",
                         "States.Route.Choices[0].Next")],
        transitions_removed=[edge("States.Fork", "Next", "Done")],
        transitions_added=[edge("States.Fork", "Next", "Failed")])),
    ("renamed-and-changed-is-not-a-rename", _rename_and_change, expected(
        removed=[ref("States.Failed", "Fail")],
        added=[ref("States.Rejected", "Fail")],
        transitions_removed=[edge("States.Validate", "Catch[0].Next", "Failed")],
        transitions_added=[edge("States.Validate", "Catch[0].Next", "Rejected")])),
    ("field-changed", lambda d: states(d)["Failed"].update(Error="OrderRejected"), expected(
        changed=[field("States.Failed.Error", "States.Failed", "OrderFailed",
                       "OrderRejected")])),
    ("field-with-dotted-key", lambda d: states(d)["Validate"]["Parameters"].update(
        {"Payload.$": "$.order"}), expected(
        changed=[field('States.Validate.Parameters["Payload.$"]', "States.Validate", "$",
                       "$.order")])),
    ("retry-changed", lambda d: states(d)["Validate"]["Retry"][0].update(MaxAttempts=3),
     expected(changed=[field("States.Validate.Retry[0].MaxAttempts", "States.Validate", 5,
                             3)])),
    ("retrier-added", lambda d: states(d)["Validate"]["Retry"].append(
        {"ErrorEquals": ["States.Timeout"]}), expected(
        changed=[field("States.Validate.Retry[1]", "States.Validate",
                       new={"ErrorEquals": ["States.Timeout"]})])),
    ("transition-retargeted", lambda d: states(d)["Fanout"].update(Next="Failed"), expected(
        transitions_removed=[edge("States.Fanout", "Next", "Done")],
        transitions_added=[edge("States.Fanout", "Next", "Failed")])),
    ("choice-target-changed", lambda d: states(d)["Route"]["Choices"][1].update(
        Next="Fanout"), expected(
        transitions_removed=[edge("States.Route", "Choices[1].Next", "EachItem")],
        transitions_added=[edge("States.Route", "Choices[1].Next", "Fanout")])),
    ("catch-added", _add_catch, expected(
        changed=[field("States.Fanout.Catch[0]", "States.Fanout",
                       new={"ErrorEquals": ["States.BranchFailed"]})],
        transitions_added=[edge("States.Fanout", "Catch[0].Next", "Failed")])),
    ("end-became-next", _end_to_next, expected(
        changed=[field("States.Done.Type", "States.Done", "Succeed", "Pass")],
        transitions_added=[edge("States.Done", "Next", "Failed")])),
    ("parallel-branch-field", lambda d: states(d)["Fanout"]["Branches"][1]["States"]["Right"]
     .update(Seconds=10), expected(
        changed=[field("States.Fanout.Branches[1].States.Right.Seconds",
                       "States.Fanout.Branches[1].States.Right", 5, 10)])),
    ("parallel-branch-rename", lambda d: rename(d, "Left", "LeftSide",
                                                states(d)["Fanout"]["Branches"][0]),
     expected(renamed=[renamed("States.Fanout.Branches[0].States.Left",
                               "States.Fanout.Branches[0].States.LeftSide", "Pass",
                               "States.Fanout.Branches[0].StartAt")])),
    ("parallel-branch-added", lambda d: states(d)["Fanout"]["Branches"].append(
        {"StartAt": "Third", "States": {"Third": {"Type": "Pass", "End": True}}}), expected(
        changed=[field("States.Fanout.Branches[2]", "States.Fanout", new={
            "StartAt": "Third", "States": {"Third": {"Type": "Pass", "End": True}}})])),
    ("map-processor-field", lambda d: states(d)["EachItem"]["ItemProcessor"]["States"]["Price"]
     .update(Resource="arn:aws:lambda:price-v2"), expected(
        changed=[field("States.EachItem.ItemProcessor.States.Price.Resource",
                       "States.EachItem.ItemProcessor.States.Price", "arn:aws:lambda:price",
                       "arn:aws:lambda:price-v2")])),
    ("map-processor-state-added", lambda d: states(d["States"]["EachItem"]["ItemProcessor"])
     .update(Tax={"Type": "Pass", "End": True}), expected(
        added=[ref("States.EachItem.ItemProcessor.States.Tax", "Pass")])),
    ("map-processor-config", lambda d: states(d)["EachItem"]["ItemProcessor"][
        "ProcessorConfig"].update(Mode="DISTRIBUTED"), expected(
        changed=[field("States.EachItem.ItemProcessor.ProcessorConfig.Mode",
                       "States.EachItem", "INLINE", "DISTRIBUTED")])),
    ("top-level-fields", _top_level, expected(top_level=[
        field("Comment", None, "orders", "orders v2"),
        field("StartAt", None, "Validate", "Route"),
        field("TimeoutSeconds", None, 300, 600),
        field("QueryLanguage", None, new="JSONPath")])),
    ("key-order-only", _reorder_keys, expected()),
    ("int-equals-float", lambda d: states(d)["Validate"]["Retry"][0].update(BackoffRate=2.0),
     expected()),
]


@pytest.mark.parametrize(("mutate", "want"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_each_change_kind_is_reported_exactly(mutate: Callable[[Doc], None], want: Doc) -> None:
    new = copy.deepcopy(BASE)
    mutate(new)
    assert render_json(diff_definitions(BASE, new)) == want


def test_identical_states_are_paired_by_their_targets() -> None:
    old = copy.deepcopy(BASE)
    states(old).update(A1={"Type": "Pass", "Next": "Done"}, A2={"Type": "Pass", "Next": "Failed"})
    new = copy.deepcopy(BASE)
    states(new).update(B2={"Type": "Pass", "Next": "Failed"}, B1={"Type": "Pass", "Next": "Done"})
    pairs = {(r.old_name, r.new_name) for r in diff_definitions(old, new).renamed}
    assert pairs == {("A1", "B1"), ("A2", "B2")}
    assert diff_definitions(old, new).transitions_added == ()


def test_renames_along_a_chain_follow_each_other() -> None:
    old: Doc = {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "B"}, "B": {"Type": "Pass", "Next": "C"},
        "C": {"Type": "Pass", "End": True}}}
    new = copy.deepcopy(old)
    rename(new, "B", "B2")
    rename(new, "C", "C2")
    diff = diff_definitions(old, new)
    assert [(r.old_name, r.new_name, r.references) for r in diff.renamed] == [
        ("B", "B2", ("States.A.Next",)), ("C", "C2", ("States.B2.Next",))]
    assert (diff.changed, diff.transitions_added, diff.transitions_removed) == ((), (), ())


def test_diff_of_a_definition_with_itself_is_empty() -> None:
    diff = diff_definitions(BASE, copy.deepcopy(BASE))
    assert diff.is_empty
    assert diff == Diff()


def test_state_ref_scope_and_transition_listing() -> None:
    assert StateRef("States.P.Branches[0].States.X", "X", "Pass").scope == "States.P.Branches[0]"
    assert StateRef("States.X", "X", "Pass").scope == ""
    assert list(transitions(states(BASE)["Route"])) == [
        ("Choices[0].Next", "Fanout"), ("Choices[1].Next", "EachItem"), ("Default", "Done")]


def test_a_line_of_100000_states_diffs_without_recursion() -> None:
    names = [f"S{i}" for i in range(100_000)]
    old: Doc = {"StartAt": names[0], "States": {
        n: {"Type": "Pass", "Next": names[i + 1]} for i, n in enumerate(names[:-1])}}
    states(old)[names[-1]] = {"Type": "Succeed"}
    new = copy.deepcopy(old)
    rename(new, "S50000", "Middle")
    diff = diff_definitions(old, new)
    assert [(r.new_name, r.references) for r in diff.renamed] == [
        ("Middle", ("States.S49999.Next",))]
    assert diff == Diff(renamed=diff.renamed)


# --- renderers ------------------------------------------------------------------------------

def _sample() -> tuple[Diff, Doc]:
    new = copy.deepcopy(BASE)
    rename(new, "Done", "Finished")
    del states(new)["Failed"]
    del states(new)["Validate"]["Catch"]
    states(new)["Audit"] = {"Type": "Pass", "End": True}
    states(new)["Validate"]["Retry"][0]["MaxAttempts"] = 3
    new["Comment"] = "orders | v2"
    return diff_definitions(BASE, new), new


def test_render_text_without_colour() -> None:
    diff, _ = _sample()
    assert render_text(diff, color=False) == (
        "Top level\n"
        '  ~ Comment: "orders" -> "orders | v2"\n'
        "States\n"
        "  - States.Failed (Fail)\n"
        "  + States.Audit (Pass)\n"
        "  R States.Done -> States.Finished (Succeed; 3 references followed)\n"
        "Fields\n"
        "  ~ States.Validate.Retry[0].MaxAttempts: 5 -> 3\n"
        '  - States.Validate.Catch[0]: {"ErrorEquals": ["States.ALL"]}\n'
        "Transitions\n"
        "  - States.Validate.Catch[0].Next -> Failed\n"
        "1 states added, 1 states removed, 1 states renamed, 2 fields changed, "
        "1 top-level fields changed, 1 transitions removed\n")


@pytest.mark.parametrize("color", [False, True])
def test_render_text_colours_only_when_asked(color: bool) -> None:
    diff, _ = _sample()
    text = render_text(diff, color=color)
    assert ("\x1b[" in text) is color
    assert render_text(Diff(), color=color) == "No changes.\n"


def test_render_markdown_has_tables_and_a_styled_flowchart() -> None:
    diff, new = _sample()
    text = render_markdown(diff, new)
    assert "| change | count |\n|---|---:|\n| states added | 1 |\n" in text
    assert "| states renamed | 1 |" in text
    assert "| field changed | `Comment` | `\"orders\"` | `\"orders \\| v2\"` |" in text
    assert "| state renamed | `States.Finished` | `Done` | `Finished` |" in text
    assert "| transition removed | `States.Validate.Catch[0].Next` | `Failed` |  |" in text
    chart = text.split("```mermaid\n", 1)[1].split("\n```", 1)[0]
    assert chart.startswith("flowchart TD\n")
    ids = {label: line.split("(", 1)[0].strip() for line in chart.splitlines()
           for label in ("Failed (removed)", "Finished (was Done)", "Audit<br>", "Validate<br>")
           if label in line}
    assert ids["Failed (removed)"].startswith("g")
    assert f"    class {ids['Failed (removed)']} removed" in chart
    assert f"    class {ids['Finished (was Done)']} renamed" in chart
    assert f"    class {ids['Audit<br>']} added" in chart
    assert f"    class {ids['Validate<br>'].split('[')[0]} changed" in chart


def test_render_markdown_of_no_change_still_draws_the_definition() -> None:
    text = render_markdown(Diff(), BASE)
    assert "No semantic changes." in text
    assert "```mermaid\nflowchart TD\n" in text


# --- the real corpus ------------------------------------------------------------------------

CORPUS = [name for name, _ in real_world_definitions()]
_DEFINITIONS = dict(real_world_definitions())


def _load(name: str) -> Doc:
    """A private copy of one real-world definition (the corpus cache is shared)."""
    doc: Doc = copy.deepcopy(_DEFINITIONS[name])
    return doc


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) == 108


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS)
def test_corpus_diff_with_itself_is_empty(path: str) -> None:
    doc = _load(path)
    assert diff_definitions(doc, copy.deepcopy(doc)).is_empty


def _first_state(machine: Doc) -> str:
    return next(str(name) for name, state in machine["States"].items()
                if isinstance(state, dict))


@pytest.mark.parametrize("path", CORPUS, ids=CORPUS)
def test_corpus_renaming_one_state_is_exactly_one_rename(path: str) -> None:
    old = _load(path)
    new = copy.deepcopy(old)
    name = _first_state(new)
    rename(new, name, f"{name}Renamed")
    diff = diff_definitions(old, new)
    assert [(r.old_path, r.new_path) for r in diff.renamed] == [
        (f"States.{name}", f"States.{name}Renamed")]
    assert diff == Diff(renamed=diff.renamed)
    expected_refs = sum(1 for s in states(old).values() for _, t in transitions(s) if t == name)
    assert len(diff.renamed[0].references) == expected_refs + (old["StartAt"] == name)


def _nested(doc: Doc) -> tuple[str, Doc] | None:
    for name, state in states(doc).items():
        if not isinstance(state, dict):
            continue
        for key, machine in (("Branches[0]", (state.get("Branches") or [None])[0]),
                             ("ItemProcessor", state.get("ItemProcessor")),
                             ("Iterator", state.get("Iterator"))):
            if isinstance(machine, dict) and machine.get("States"):
                return f"States.{name}.{key}", machine
    return None


NESTED = [p for p in CORPUS if _nested(_load(p))]


@pytest.mark.parametrize("path", NESTED, ids=NESTED)
def test_corpus_renaming_a_nested_state_is_exactly_one_rename(path: str) -> None:
    old = _load(path)
    new = copy.deepcopy(old)
    found = _nested(new)
    assert found is not None
    prefix, machine = found
    name = _first_state(machine)
    rename(new, name, f"{name}Renamed", machine)
    diff = diff_definitions(old, new)
    assert [(r.old_path, r.new_path) for r in diff.renamed] == [
        (f"{prefix}.States.{name}", f"{prefix}.States.{name}Renamed")]
    assert diff == Diff(renamed=diff.renamed)
