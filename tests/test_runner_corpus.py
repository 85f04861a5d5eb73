"""The local runner against executions recorded on AWS (LocalStack's snapshot tests).

Every case of ``/work/shared/corpus/executions.json`` runs on :class:`Runner`; the status
must be AWS's, and the output (SUCCEEDED) or the error and cause (FAILED) must match.
Values LocalStack masked when recording (ARNs, timestamps, UUIDs, random numbers) match
any value of the same shape; nothing else is loosened.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from sfs3dsl.run.interpreter import Runner, TaskContext, TaskFailure

CORPUS = Path("/work/shared/corpus/executions.json")
_CASES: list[dict[str, Any]] = json.loads(CORPUS.read_text())["cases"] if CORPUS.exists() \
    else []

#: What the recordings leave out, taken from LocalStack's public test sources (provenance
#: of every value is in the files): the S3 objects a test uploaded before the run, and
#: execution inputs the snapshot transformer masked.
_DATA = Path(__file__).parent / "data"
_S3 = json.loads((_DATA / "localstack_s3_objects.json").read_text())
_INPUTS: dict[str, Any] = json.loads((_DATA / "localstack_inputs.json").read_text())["inputs"]

#: Tokens LocalStack's snapshot transformers put in place of values that change per run.
_ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TOKENS: dict[str, re.Pattern[str] | None] = {
    "date": _ISO, "start-time": _ISO, "entered-time": _ISO,
    "generated-uuid": _UUID, "snf_role_arn": re.compile(r"arn:aws:iam::\d+:role/.+"),
    "RandomNumberGenerated": None,
}
_PLACEHOLDER = re.compile(r"<[A-Za-z0-9_:\-]+>")

#: The account id LocalStack's recordings show in every ARN.
RECORDED_ACCOUNT = "111111111111"

#: Cases the runner does not reproduce, each with the reason (none at present).
XFAIL: dict[str, str] = {}


def _loose_string(expected: str) -> re.Pattern[str]:
    pieces = _PLACEHOLDER.split(expected)
    return re.compile(".+?".join(re.escape(p) for p in pieces) + r"\Z", re.DOTALL)


def _matches(expected: Any, actual: Any, masked: bool) -> bool:
    """Structural equality; masked tokens and ``<...>`` placeholders match loosely."""
    if isinstance(expected, str) and expected in _TOKENS:
        shape = _TOKENS[expected]
        if shape is None:
            return isinstance(actual, (int, float)) and not isinstance(actual, bool)
        return isinstance(actual, str) and bool(shape.fullmatch(actual))
    if masked and isinstance(expected, str) and _PLACEHOLDER.search(expected):
        return isinstance(actual, str) and bool(_loose_string(expected).match(actual))
    if isinstance(expected, dict):
        return isinstance(actual, dict) and expected.keys() == actual.keys() and all(
            _matches(v, actual[k], masked) for k, v in expected.items())
    if isinstance(expected, list):
        return isinstance(actual, list) and len(expected) == len(actual) and all(
            _matches(e, a, masked) for e, a in zip(expected, actual, strict=True))
    if isinstance(expected, bool) or isinstance(actual, bool):
        return expected is actual
    return bool(expected == actual)


def _load(value: Any) -> Any:
    """A string is JSON text, except a recorded string output that is not JSON at all."""
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _objects(case_id: str) -> dict[tuple[str, str], str]:
    """The S3 objects LocalStack uploaded before running ``case_id``."""
    return {(o["bucket"], o["key"]): _S3["bodies"][o["body"]]["text"]
            for o in _S3["objects"].get(case_id, [])}


def _mocks(runner: Runner, objects: dict[tuple[str, str], str]) -> None:
    """An in-memory S3 for the ItemReader / ResultWriter cases, holding ``objects``."""
    store = dict(objects)

    def put_object(params: Any, ctx: TaskContext) -> dict[str, Any]:
        store[(params["Bucket"], params["Key"])] = params["Body"]
        return {"ETag": '"0"'}

    def get_object(params: Any, ctx: TaskContext) -> str:
        key = (params["Bucket"], params["Key"])
        if key not in store:
            raise TaskFailure("S3.NoSuchKeyException", f"no object {key}")
        return store[key]

    runner.register_task("arn:aws:states:::s3:putObject", put_object)
    runner.register_task("arn:aws:states:::s3:getObject", get_object)


def _params() -> list[Any]:
    out = []
    for case in _CASES:
        marks = []
        if case["id"] in XFAIL:
            marks.append(pytest.mark.xfail(strict=True, reason=XFAIL[case["id"]]))
        out.append(pytest.param(case, id=case["id"], marks=marks))
    return out


@pytest.mark.parametrize("case", _params())
def test_recorded_execution(case: dict[str, Any]) -> None:
    runner = Runner(account=RECORDED_ACCOUNT)
    _mocks(runner, _objects(case["id"]))
    given = _INPUTS[case["id"]]["input"] if case["id"] in _INPUTS else _load(case["input"])
    execution = runner.run(case["definition"], given)
    masked = bool(case["masked"])
    assert execution.status == case["status"], (execution.error, execution.cause)
    if case["status"] == "SUCCEEDED":
        assert _matches(_load(case["output"]), execution.output, masked), execution.output
    else:
        assert _matches(case["error"], execution.error, masked), execution.error
        assert _matches(case["cause"], execution.cause, masked), execution.cause


def test_corpus_is_there() -> None:
    assert len(_CASES) == 237


def test_supplied_data_fits_the_recordings() -> None:
    """Every object sits where the recorded input points, and every supplied input only
    fills in what the recording masked (same fields; masked values are placeholders)."""
    by_id = {case["id"]: case for case in _CASES}
    for case_id, objects in _S3["objects"].items():
        recorded = _load(by_id[case_id]["input"])
        for o in objects:
            assert (recorded["Bucket"], recorded["Key"]) == (o["bucket"], o["key"]), case_id
            assert o["body"] in _S3["bodies"], case_id
    for case_id, supplied in _INPUTS.items():
        recorded = _load(by_id[case_id]["input"])
        assert by_id[case_id]["masked"], case_id
        assert recorded.keys() == supplied["input"].keys(), case_id
        assert all(v in ("date", "timestamp") for v in recorded.values()), case_id
