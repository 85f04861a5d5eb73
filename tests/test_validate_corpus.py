"""The validator on data nobody here wrote: statelint's fixtures, aws-samples definitions and
the state machines AWS Step Functions itself ran."""

from __future__ import annotations

from typing import Any

import pytest
from corpus import LintFixture, execution_cases, lint_fixtures, real_world_definitions

from sfs3dsl.core.problems import Problem
from sfs3dsl.validate import validate_definition

#: Fixtures whose EXPECTED.json label we do not follow, and why.
LABEL_DISPUTES: dict[str, str] = {
    "choice-nested-comment.json":
        "EXPECTED.json says valid=false, but its own 'why' is 'should allow Comment in Nested "
        "Choice Rules'; the ASL specification allows Comment in every choice rule, statelint "
        "and asl-validator accept the file, and nothing else in it is wrong: we accept it.",
}

#: Real-world definitions that really are invalid, with the errors we must report.
INVALID_REAL_WORLD: dict[str, list[tuple[str, str]]] = {
    # "QueryLanguage": "JSONata" was put inside "States" instead of at the top level, so the
    # machine is JSONPath, a 'state' is a string, and the JSONata fields are misplaced.
    "shared-fallback-state-jsonata__statemachine__statemachine.asl.json": [
        ("States.FirstLambdaState.Arguments", "wrong-query-language"),
        ("States.FirstLambdaState.Catch[0].Output", "wrong-query-language"),
        ("States.FirstLambdaState.Output", "wrong-query-language"),
        ("States.QueryLanguage", "state-not-object"),
        ("States.SecondLambdaState.Arguments", "wrong-query-language"),
        ("States.SecondLambdaState.Catch[0].Output", "wrong-query-language"),
        ("States.SecondLambdaState.Output", "wrong-query-language"),
        ("States.ThirdLambdaState.Arguments", "wrong-query-language"),
        ("States.ThirdLambdaState.Catch[0].Output", "wrong-query-language"),
        ("States.ThirdLambdaState.Output", "wrong-query-language"),
    ],
}


def _errors(definition: Any) -> list[Problem]:
    return [p for p in validate_definition(definition) if p.severity == "error"]


def _valid(fixture: LintFixture) -> bool:
    return fixture.valid or fixture.file in LABEL_DISPUTES


@pytest.mark.parametrize("fixture", [f for f in lint_fixtures() if _valid(f)],
                         ids=lambda f: f.file)
def test_valid_lint_fixture_has_no_error(fixture: LintFixture) -> None:
    assert [p.render() for p in _errors(fixture.definition)] == []


@pytest.mark.parametrize("fixture", [f for f in lint_fixtures() if not _valid(f)],
                         ids=lambda f: f.file)
def test_invalid_lint_fixture_is_rejected_with_a_clear_message(fixture: LintFixture) -> None:
    rendered = [p.render() for p in _errors(fixture.definition)]
    assert rendered, f"{fixture.file} should be rejected: {fixture.why}"
    for fragment in fixture.message_fragments:
        assert any(fragment in text for text in rendered), (fragment, rendered)


def test_every_parameter_path_problem_is_reported_at_its_place() -> None:
    fixture = next(f for f in lint_fixtures() if f.file == "parameter-path-problems.json")
    assert [p.path for p in _errors(fixture.definition)] == [
        "States.FNORD.Parameters.bad1.$",
        "States.FNORD.Parameters.bad2.$",
        "States.FNORD.Parameters.bad5.$",
        "States.FNORD.Parameters.f3.bad3.$",
        "States.FNORD.Parameters.f3.f5[1].f7.bad4.$",
    ]


def test_label_disputes_name_real_fixtures() -> None:
    files = {f.file for f in lint_fixtures()}
    assert set(LABEL_DISPUTES) <= files


@pytest.mark.parametrize(("name", "definition"), real_world_definitions(),
                         ids=[n for n, _ in real_world_definitions()])
def test_real_world_definition(name: str, definition: dict[str, Any]) -> None:
    found = [(p.path, p.code) for p in _errors(definition)]
    assert found == INVALID_REAL_WORLD.get(name, [])


@pytest.mark.parametrize("case", execution_cases(), ids=lambda c: str(c["id"]))
def test_definition_aws_ran_has_no_error(case: dict[str, Any]) -> None:
    assert [p.render() for p in _errors(case["definition"])] == []


def test_the_corpus_is_there() -> None:
    assert len(lint_fixtures()) >= 70
    assert len(real_world_definitions()) >= 100
    assert len(execution_cases()) >= 200
