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

from sfs3dsl._runner import Runner, TaskContext, TaskFailure

CORPUS = Path("/work/shared/corpus/executions.json")
_CASES: list[dict[str, Any]] = json.loads(CORPUS.read_text())["cases"] if CORPUS.exists() \
    else []

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

_S3_CONTENT = ("needs the S3 object LocalStack uploaded before the run; the recording keeps "
               "only the bucket and key, not the object's contents")
_MASKED_INPUT = ("the recording masked the input timestamp (it reads 'date'/'timestamp'), so "
                 "the runner cannot see the value AWS parsed")

#: Cases the runner does not reproduce, each with the reason.
XFAIL: dict[str, str] = {
    **{f"TestAssignReferenceVariables::test_reference_in_map_state_max_items_path[{k}]"
       "#get_execution_history": _S3_CONTENT
       for k in ("MAP_STATE_REFERENCE_IN_MAX_ITEMS_PATH",
                 "MAP_STATE_REFERENCE_IN_MAX_PER_BATCH_PATH")},
    **{f"TestBaseScenarios::{k}#get_execution_history": _S3_CONTENT for k in (
        "test_map_item_reader_base_csv_headers_first_line",
        "test_map_item_reader_base_json",
        "test_map_item_reader_csv_headers_first_row_typed_headers",
        "test_map_item_reader_csv_first_row_extra_fields",
        "test_map_item_reader_json_no_json_list_object",
        "test_map_item_reader_csv_max_items_paths[0]",
        "test_map_item_reader_csv_max_items_paths[2]",
        "test_map_item_reader_csv_max_items_paths[100000000]",
        "test_map_item_reader_csv_max_items_paths[100000001]",
        "test_map_item_reader_base_json_max_items",
        "test_map_item_reader_base_json_max_items_jsonata",
        "test_map_item_batching_base_json_max_per_batch_jsonata",
    )},
    **{f"TestBaseScenarios::test_wait_timestamp_jsonata{k}#get_execution_history":
       _MASKED_INPUT for k in ("", "[SECONDS]", "[NANOSECONDS]", "[NO_T]", "[NO_Z]",
                               "[INVALID_DATE]", "[INVALID_TIME]", "[INVALID_ISO]")},
}


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


def _mocks(runner: Runner) -> None:
    """An in-memory S3 for the ItemReader / ResultWriter cases (starts empty)."""
    store: dict[tuple[str, str], str] = {}

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
    _mocks(runner)
    execution = runner.run(case["definition"], _load(case["input"]))
    masked = bool(case["masked"])
    assert execution.status == case["status"], (execution.error, execution.cause)
    if case["status"] == "SUCCEEDED":
        assert _matches(_load(case["output"]), execution.output, masked), execution.output
    else:
        assert _matches(case["error"], execution.error, masked), execution.error
        assert _matches(case["cause"], execution.cause, masked), execution.cause


def test_corpus_is_there() -> None:
    assert len(_CASES) == 237
