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

from sfs3dsl._runner import Runner

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

#: Cases the runner does not reproduce yet, each with the reason.
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
    return json.loads(value) if isinstance(value, str) else value


def _mocks(runner: Runner) -> None:
    """Integrations the recorded cases call (none needs a mock so far)."""


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
    runner = Runner()
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
