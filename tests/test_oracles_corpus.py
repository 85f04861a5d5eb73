"""Calibrate the oracle harness on data nobody here wrote (/work/shared/corpus).

asl-validator 4.0.0 and statelint 3.1.0 must accept every real-world definition and every
valid lint fixture, and reject every invalid lint fixture -- except where a checker is known to
be wrong, which is listed, with the reason, in :data:`KNOWN_DISAGREEMENTS` (one table, checked
both ways: an entry that stops disagreeing fails too, so the table cannot go stale).

Inputs are prepared in exactly two documented ways, nothing else:

* real-world definitions: template placeholders (``${...}``) are filled in by
  :func:`oracles.substitute_placeholders` (see test_placeholders_are_what_checkers_choke_on).
* lint fixtures, for asl-validator only: a ``Resource`` that is not ARN-shaped (the fixtures use
  ``"foo:bar"`` as a stand-in) becomes a Lambda function ARN. Without this asl-validator rejects
  30 fixtures for their Resource alone, which would hide what it thinks of the field each
  fixture is about. statelint sees the fixture files unchanged.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import oracles
import pytest

pytestmark = pytest.mark.oracle

Checker = Literal["asl-validator", "statelint"]
CHECKERS: tuple[Checker, ...] = ("asl-validator", "statelint")


def _corpus_dir() -> Path:
    """The shared corpus: via tests/corpus.py's shared_dir() when that helper exists."""
    fallback = Path(__file__).resolve().parents[2] / "shared" / "corpus"
    try:
        helper = importlib.import_module("corpus")
    except ImportError:
        return fallback
    shared_dir = getattr(helper, "shared_dir", None)
    if shared_dir is None:
        return fallback
    candidate = Path(shared_dir()) / "corpus"
    return candidate if candidate.is_dir() else fallback


CORPUS = _corpus_dir()
REAL_WORLD = sorted((CORPUS / "real-world").glob("*.json"))
LINT_EXPECTED: dict[str, bool] = {
    fixture["file"]: bool(fixture["valid"])
    for fixture in json.loads((CORPUS / "lint" / "EXPECTED.json").read_text(encoding="utf-8"))[
        "fixtures"
    ]
}


@dataclass(frozen=True)
class Disagreement:
    """A checker's verdict that differs from the corpus's, and why."""

    accepts: bool  # what the checker says
    reason: str


BOTH: tuple[Checker, ...] = CHECKERS
ASL: tuple[Checker, ...] = ("asl-validator",)
STATELINT: tuple[Checker, ...] = ("statelint",)

_DOT_BRACKET = (
    "JSONPath {}: a '.' before '[' (Jayway, the JSONPath of Step Functions, accepts it and the "
    "sample is deployed as is); neither checker's JSONPath grammar has it"
)
_FLOAT_ARGUMENT = (
    "asl-validator 4.0.0 (asl-path-validator) rejects a float literal argument, "
    "States.Array('Foo', $.xyz, 'Bar', 2.3); intrinsic arguments may be numbers (ASL spec)"
)

#: The one table of known checker blind spots and false alarms on the corpus:
#: (corpus-relative file, checkers, what they say: accepts?, why). statelint's verdicts are taken
#: after oracles.STATELINT_FALSE_ALARMS; what that allow-list excuses is not repeated here.
_ROWS: list[tuple[str, tuple[Checker, ...], bool, str]] = [
    # --- real-world definitions both checkers reject ---------------------------------------
    ("real-world/account-vending-machine__statemachine__statemachine.asl.json", BOTH, False,
     _DOT_BRACKET.format("$.[?(@.OU > 0)]")),
    ("real-world/ec2-instance-isolation-cdk__python__statemachine__statemachine.asl.json", BOTH,
     False, _DOT_BRACKET.format("$.Snapshots.[0].State")),
    ("real-world/ec2-instance-isolation-sam__statemachine__statemachine.asl.json", BOTH, False,
     _DOT_BRACKET.format("$.Snapshots.[0].State")),
    ("real-world/idempotent-workflow__statemachine__statemachine.asl.json", BOTH, False,
     _DOT_BRACKET.format("$.[0]")),
    ("real-world/idempotent-workflow-sam__statemachine__statemachine.asl.json", BOTH, False,
     _DOT_BRACKET.format("$.[0]")),
    ("real-world/s3-glacier-multi-file-restore-sam__statemachine__statemachine.asl.json", BOTH,
     False, _DOT_BRACKET.format("$.[*].['bucket', 'key']")),
    ("real-world/parallel-agent-early-stopping__statemachine__main.asl.json", BOTH, False,
     "JSONPath filter comparing with another path, $.approaches[?(@.workerId == $.agent_id)]: "
     "Jayway evaluates it; neither checker's grammar has it"),
    ("real-world/distributed-data-stream-aggregator__statemachine__statemachine.asl.json", BOTH,
     False,
     "JSONata '{% $states.input.Items%}' has no space before '%}': both checkers require "
     "'{% ... %}' with spaces (statelint r'\\{% +(.+) +%\\}', asl-validator '^\\{% .+ %\\}$'); "
     "the developer guide only says the string starts with '{%' and ends with '%}'. The "
     "project's compiler must emit the spaces to pass both."),
    ("real-world/shared-fallback-state-jsonata__statemachine__statemachine.asl.json", BOTH, False,
     "CORPUS DEFECT, the checkers are right: \"QueryLanguage\": \"JSONata\" sits inside "
     "States (a 'state' that is a string), not at the top level. asl-validator throws "
     "(Result.crashed), statelint reports JSONata fields in JSONPath states."),
    # --- real-world definitions only statelint rejects ------------------------------------
    ("real-world/eventbridge-replay-events__statemachine__statemachine.asl.json", STATELINT,
     False, "statelint 3.1.0 rejects '$.detail-type' ('-' in dot notation); Jayway and "
     "asl-validator accept it"),
    ("real-world/explicit-failure-with-parallel-states__statemachine__statemachine.asl.json",
     STATELINT, False,
     "statelint 3.1.0 rejects '$[1].error.Error' as Fail ErrorPath/CausePath; a reference "
     "path may index an array (ASL spec, Reference Paths); asl-validator accepts"),
    ("real-world/quorum-with-parallel-pattern__statemachine__statemachine.asl.json", STATELINT,
     False,
     "statelint 3.1.0 rejects the context object '$$.Execution.Input.quorum' in "
     "NumericGreaterThanEqualsPath though it takes '$$' in Variable "
     "(lint/choice-with-context-object.json); asl-validator accepts"),
    # --- lint fixtures: asl-validator blind spots -------------------------------------------
    ("lint/backoff-with-backoffrate-between-0-and-1.json", ASL, True,
     "asl-validator 4.0.0 misses BackoffRate < 1 (0.3)"),
    ("lint/backoff-with-invalid-jitter-on-retry.json", ASL, True,
     "asl-validator 4.0.0 misses a JitterStrategy other than FULL/NONE"),
    ("lint/empty-error-equals-on-catch.json", ASL, True,
     "asl-validator 4.0.0 misses an empty ErrorEquals in a Catcher"),
    ("lint/empty-error-equals-on-retry.json", ASL, True,
     "asl-validator 4.0.0 misses an empty ErrorEquals in a Retrier"),
    ("lint/invalid-backoff-with-jitter-on-retry.json", ASL, True,
     "asl-validator 4.0.0 misses a negative MaxDelaySeconds"),
    ("lint/map-with-null-itemspath.json", ASL, True,
     "asl-validator 4.0.0 misses a null ItemsPath"),
    ("lint/task-with-invalid-credentials.json", ASL, True,
     "asl-validator 4.0.0 misses Credentials that is not an object"),
    ("lint/states-array-intrinsic-functions.json", ASL, False, _FLOAT_ARGUMENT),
    ("lint/states-array-invocation.json", ASL, False, _FLOAT_ARGUMENT),
    # --- lint fixtures: statelint blind spots ----------------------------------------------
    ("lint/pass-with-intrinsic-function-inputpath.json", STATELINT, True,
     "statelint 3.1.0 does not check InputPath syntax (ORACLES.md); asl-validator rejects it"),
    # --- lint fixtures: disputed label ------------------------------------------------------
    ("lint/choice-nested-comment.json", BOTH, True,
     "LABEL DISPUTE: EXPECTED.json says valid=false, but its own 'why' reads 'should allow "
     "Comment in Nested Choice Rules', both checkers accept, and nothing else in the file is "
     "wrong: most likely mislabelled; the project's validator should accept it."),
]  # fmt: skip

KNOWN_DISAGREEMENTS: dict[tuple[str, Checker], Disagreement] = {
    (relative, checker): Disagreement(accepts, reason)
    for relative, checkers, accepts, reason in _ROWS
    for checker in checkers
}


def _cases() -> Iterator[tuple[str, bool]]:
    """(corpus-relative file, the corpus's verdict) for every definition."""
    for path in REAL_WORLD:
        yield f"real-world/{path.name}", True
    for name, valid in sorted(LINT_EXPECTED.items()):
        yield f"lint/{name}", valid


CASES = dict(_cases())

_ARN = re.compile(r"^arn:aws[a-z-]*:[^:]+:[^:]*:\d*:.+$")
_STAND_IN_ARN = "arn:aws:lambda:us-east-1:123456789012:function:stand-in"


def _arn_stand_ins(document: Any) -> Any:
    if isinstance(document, dict):
        return {
            key: (
                _STAND_IN_ARN
                if key == "Resource" and isinstance(value, str) and not _ARN.match(value)
                else _arn_stand_ins(value)
            )
            for key, value in document.items()
        }
    if isinstance(document, list):
        return [_arn_stand_ins(item) for item in document]
    return document


def _load(relative: str) -> Any:
    return json.loads((CORPUS / relative).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class Verdict:
    accepts: bool
    messages: tuple[str, ...]


@pytest.fixture(scope="module")
def verdicts(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, Checker], Verdict]:
    """Both checkers on the whole corpus: one node process, one statelint process."""
    asl_inputs: dict[str, object] = {}
    statelint_files: dict[str, Path] = {}
    workdir = tmp_path_factory.mktemp("real-world")
    for relative in CASES:
        definition = _load(relative)
        if relative.startswith("real-world/"):
            definition = oracles.substitute_placeholders(definition)
            path = workdir / Path(relative).name
            path.write_text(json.dumps(definition), encoding="utf-8")
            statelint_files[relative] = path.resolve()
            asl_inputs[relative] = definition
        else:
            statelint_files[relative] = (CORPUS / relative).resolve()
            asl_inputs[relative] = _arn_stand_ins(definition)
    by_asl = oracles.asl_validator(asl_inputs)
    by_statelint = oracles.statelint(list(statelint_files.values()))
    found: dict[tuple[str, Checker], Verdict] = {}
    for relative in CASES:
        result = by_asl[relative]
        found[relative, "asl-validator"] = Verdict(result.is_valid, result.errors)
        problems = by_statelint[statelint_files[relative]]
        found[relative, "statelint"] = Verdict(not problems, tuple(problems))
    return found


@pytest.mark.parametrize("checker", CHECKERS)
@pytest.mark.parametrize("relative", list(CASES))
def test_checker_agrees_with_corpus(
    verdicts: dict[tuple[str, Checker], Verdict], relative: str, checker: Checker
) -> None:
    verdict = verdicts[relative, checker]
    known = KNOWN_DISAGREEMENTS.get((relative, checker))
    expected = CASES[relative] if known is None else known.accepts
    said = "accepts" if verdict.accepts else "rejects"
    messages = "\n".join(f"  - {m}" for m in verdict.messages)
    if known is not None:
        assert verdict.accepts == expected, (
            f"{checker} now {said} {relative}, no longer the known disagreement "
            f"'{known.reason}': remove it from KNOWN_DISAGREEMENTS\n{messages}"
        )
    else:
        assert verdict.accepts == expected, (
            f"{checker} {said} {relative} but the corpus says "
            f"{'valid' if CASES[relative] else 'invalid'}; a harness bug, or a new blind spot "
            f"to list in KNOWN_DISAGREEMENTS with its reason:\n{messages}"
        )


def test_disagreement_table_is_well_formed() -> None:
    for (relative, checker), known in KNOWN_DISAGREEMENTS.items():
        assert relative in CASES, f"KNOWN_DISAGREEMENTS names {relative}, not in the corpus"
        assert checker in CHECKERS
        assert known.accepts != CASES[relative], f"{relative}/{checker} is not a disagreement"
        assert known.reason.strip()


def test_corpus_is_all_there() -> None:
    assert len(REAL_WORLD) >= 100, f"expected the real-world corpus under {CORPUS}"
    assert len(LINT_EXPECTED) >= 70
    for name in LINT_EXPECTED:
        assert (CORPUS / "lint" / name).is_file(), name


# --------------------------------------------------------------------------------------
# What the checkers do with template placeholders (why substitute_placeholders exists)
# --------------------------------------------------------------------------------------


def _task(resource: str) -> dict[str, Any]:
    return {"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": resource, "End": True}}}


def test_placeholders_are_what_checkers_choke_on(tmp_path: Path) -> None:
    whole = _task("${ValidatePolicyArn}")
    inside = _task("arn:${AWS::Partition}:states:::lambda:invoke")
    found = oracles.asl_validator({"whole": whole, "inside": inside})
    assert found["whole"].is_valid, "asl-validator 4.0.0 accepts a whole ${X} Resource"
    assert not found["inside"].is_valid, "but not a ${X} inside an ARN"
    linted = oracles.statelint_definitions({"whole": whole, "inside": inside}, tmp_path)
    assert any("should be A URI" in m for m in linted["whole"]), linted
    assert linted["inside"] == []
    fixed = {key: oracles.substitute_placeholders(value) for key, value in (("whole", whole),
             ("inside", inside))}  # fmt: skip
    assert all(oracles.asl_validator(fixed).values())
    assert oracles.statelint_definitions(fixed, tmp_path / "fixed") == {"whole": [], "inside": []}


def test_substitute_placeholders_fills_keys_values_and_resources() -> None:
    document = {
        "Resource": "${Fn}",
        "Other": "arn:${AWS::Partition}:states:${AWS::Region}:${AWS::AccountId}:x",
        "${Key Name}": ["$.${Attr}", 1, None],
    }
    assert oracles.substitute_placeholders(document) == {
        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:Fn",
        "Other": "arn:aws:states:us-east-1:123456789012:x",
        "Key_Name": ["$.Attr", 1, None],
    }
    assert document["Resource"] == "${Fn}", "the input is not modified"


# --------------------------------------------------------------------------------------
# The harness itself
# --------------------------------------------------------------------------------------

PASS_ONLY: dict[str, Any] = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def test_asl_validator_process_answers_many_and_mutates_nothing() -> None:
    broken = {"StartAt": "A", "States": {"A": {"Type": "Pass"}}}
    before = json.dumps([PASS_ONLY, broken], sort_keys=True)
    with oracles.AslValidatorProcess() as process:
        for _ in range(3):
            assert process.check(PASS_ONLY)
            result = process.check(broken)
            assert not result.is_valid
            assert any("MISSING_TERMINAL_STATE" in error for error in result.errors), result
        crashed = process.check(None)
        assert crashed.crashed and not crashed.is_valid
        assert process.check(PASS_ONLY), "the process survives a crash of the validator"
    process.close()  # idempotent
    assert json.dumps([PASS_ONLY, broken], sort_keys=True) == before
    assert "QueryLanguage" not in PASS_ONLY["States"]["A"]


def test_missing_asl_validator_is_an_error_not_a_skip(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SFS3DSL_TOOLS", str(tmp_path))
    with pytest.raises(oracles.OracleMissing, match=r"install-oracles\.sh"):
        oracles.asl_validator({"a": PASS_ONLY})


def test_statelint_reads_one_and_many_files(tmp_path: Path) -> None:
    good = tmp_path / "good.json"
    good.write_text(json.dumps(PASS_ONLY), encoding="utf-8")
    bad = tmp_path / "bad file.json"
    bad.write_text(
        json.dumps({"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B", "X": 1}}}),
        encoding="utf-8",
    )
    many = oracles.statelint([good, bad])
    assert many[good.resolve()] == []
    assert len(many[bad.resolve()]) >= 2, many
    assert oracles.statelint([bad]) == {bad.resolve(): many[bad.resolve()]}
    with pytest.raises(FileNotFoundError):
        oracles.statelint([tmp_path / "absent.json"])


def _map(mode: str | None, **extra: Any) -> dict[str, Any]:
    processor: dict[str, Any] = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}
    if mode is not None:
        processor["ProcessorConfig"] = {"Mode": mode, "ExecutionType": "STANDARD"}
    return {"Type": "Map", "Label": "L", "ItemProcessor": processor, "End": True, **extra}


def test_allow_list_excuses_only_the_cases_it_names(tmp_path: Path) -> None:
    cases: dict[str, object] = {
        "label-distributed": {"StartAt": "M", "States": {"M": _map("DISTRIBUTED")}},
        "label-inline": {"StartAt": "M", "States": {"M": _map(None)}},
        "jsonata-seconds": {
            "QueryLanguage": "JSONata",
            "StartAt": "W",
            "States": {"W": {"Type": "Wait", "Seconds": "{% 3 %}", "End": True}},
        },
        "jsonata-seconds-in-jsonpath-state": {
            "StartAt": "W",
            "States": {"W": {"Type": "Wait", "Seconds": "{% 3 %}", "End": True}},
        },
        "backoff-integer": {
            "StartAt": "T",
            "States": {
                "T": {
                    **_task("arn:aws:states:::lambda:invoke")["States"]["T"],
                    "Retry": [{"ErrorEquals": ["States.ALL"], "BackoffRate": 2}],
                }
            },
        },
        "backoff-zero": {
            "StartAt": "T",
            "States": {
                "T": {
                    **_task("arn:aws:states:::lambda:invoke")["States"]["T"],
                    "Retry": [{"ErrorEquals": ["States.ALL"], "BackoffRate": 0}],
                }
            },
        },
    }
    raw = oracles.statelint_definitions(cases, tmp_path / "raw", allow=())
    assert all(raw.values()), f"every case trips statelint before filtering: {raw}"
    filtered = oracles.statelint_definitions(cases, tmp_path / "filtered")
    assert filtered["label-distributed"] == []
    assert filtered["jsonata-seconds"] == []
    assert filtered["backoff-integer"] == []
    assert filtered["label-inline"] != [], "Label on an INLINE Map is a real error"
    assert filtered["jsonata-seconds-in-jsonpath-state"] != []
    assert filtered["backoff-zero"] != []


def test_every_false_alarm_has_a_reason() -> None:
    for alarm in oracles.STATELINT_FALSE_ALARMS:
        assert len(alarm.reason) > 40, alarm.pattern.pattern
