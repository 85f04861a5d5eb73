"""The validator's findings on every corpus and compiled definition, and on mutated copies
of each, are exactly those recorded in ``data/validator_findings.json.gz`` (same problems,
same order, same messages, hints and source locations): a change made for speed must not
change what is reported. The cases are built by ``validator_cases.py``."""

from __future__ import annotations

from typing import Any

import pytest
from validator_cases import cases, digest, findings, recorded

_CASES = list(cases())


def test_every_case_is_recorded() -> None:
    assert sorted(case_id for case_id, _, _ in _CASES) == sorted(recorded())


@pytest.mark.parametrize(("case_id", "definition", "sources"), _CASES,
                         ids=[case_id for case_id, _, _ in _CASES])
def test_findings_are_the_recorded_ones(case_id: str, definition: Any,
                                        sources: dict[str, str] | None) -> None:
    expected = recorded()[case_id]
    assert digest(definition) == expected["input"], \
        f"the document of {case_id} is not the one recorded (did the corpus change?)"
    assert findings(definition, sources) == expected["findings"]


def test_findings_do_not_depend_on_what_was_validated_before() -> None:
    # The validator keeps verdicts per shape and per value between calls: validated in the
    # other order (every verdict then comes from other documents), nothing changes.
    expected = recorded()
    for case_id, definition, sources in reversed(_CASES):
        assert findings(definition, sources) == expected[case_id]["findings"], case_id


def test_findings_are_the_same_when_the_kept_verdicts_overflow(
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The tables of verdicts are emptied when full (a long-lived process stays bounded):
    # with room for two entries they are emptied all the time, and nothing changes.
    from sfs3dsl import validate
    from sfs3dsl.validate import choice, retry, values

    for module, name in ((validate, "_MAX_PLANS"), (choice, "_MAX_VERDICTS"),
                         (retry, "_MAX_VERDICTS"), (values, "_MAX_VERDICTS")):
        monkeypatch.setattr(module, name, 2)
    expected = recorded()
    for case_id, definition, sources in _CASES[::7]:
        assert findings(definition, sources) == expected[case_id]["findings"], case_id
