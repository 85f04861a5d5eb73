"""Every compiled workflow in generated/ passes the independent checkers.

Parametrized over ``generated/*/statemachine.asl.json`` of this repository, checked as they are
(no placeholder substitution, no allow-list other than oracles.STATELINT_FALSE_ALARMS):

* asl-validator 4.0.0 accepts it;
* statelint 3.1.0 accepts it.

No such file at all is a failure, not a vacuous pass: the workflows are the project's product.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import oracles
import pytest

pytestmark = pytest.mark.oracle

REPO = Path(__file__).resolve().parents[1]
GENERATED_DIR = REPO / "generated"
GENERATED = sorted(GENERATED_DIR.glob("*/statemachine.asl.json"))

_NONE_YET = "no-generated-definitions"
CASES = (
    [pytest.param(path, id=path.parent.name) for path in GENERATED]
    if GENERATED
    else [pytest.param(None, id=_NONE_YET)]
)


def _load(path: Path) -> object:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as err:
        pytest.fail(f"{path.relative_to(REPO)} is not JSON: {err}")


def _require(path: Path | None) -> Path:
    if path is None:
        pytest.fail(
            f"no {GENERATED_DIR.relative_to(REPO)}/*/statemachine.asl.json in {REPO}: compile "
            "the workflows (every workflow writes generated/<workflow>/statemachine.asl.json) "
            "before running the oracle tests; an empty generated/ must not pass"
        )
    return path


@pytest.fixture(scope="module")
def asl_validator() -> Iterator[oracles.AslValidatorProcess]:
    with oracles.AslValidatorProcess() as process:
        yield process


@pytest.fixture(scope="module")
def statelint_problems() -> dict[Path, list[str]]:
    """statelint on every generated file in one process (resolved path -> problems)."""
    return oracles.statelint(GENERATED) if GENERATED else {}


@pytest.mark.parametrize("path", CASES)
def test_asl_validator_accepts(
    path: Path | None, asl_validator: oracles.AslValidatorProcess
) -> None:
    path = _require(path)
    definition = _load(path)
    assert isinstance(definition, dict), f"{path.relative_to(REPO)} is not a JSON object"
    result = asl_validator.check(definition)
    assert result.is_valid, (
        f"asl-validator {oracles.ASL_VALIDATOR_VERSION} rejects {path.relative_to(REPO)}:\n"
        f"{result.describe()}"
    )


@pytest.mark.parametrize("path", CASES)
def test_statelint_accepts(path: Path | None, statelint_problems: dict[Path, list[str]]) -> None:
    path = _require(path)
    problems = statelint_problems[path.resolve()]
    listed = "\n".join(f"  - {problem}" for problem in problems)
    assert not problems, (
        f"statelint {oracles.STATELINT_VERSION} rejects {path.relative_to(REPO)} (after "
        f"oracles.STATELINT_FALSE_ALARMS):\n{listed}"
    )
