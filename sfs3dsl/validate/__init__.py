"""Validate an ASL definition: every problem at once, each with a path, a message and a fix.

The validation layer reads only the ASL dict: it may import :mod:`sfs3dsl.syntax` and
:mod:`sfs3dsl.core`, never the model or the compiler.

Built for speed on definitions that are right (what ``sfs3dsl compile`` validates every
time), without changing what is found in ones that are not. Two devices read less plainly
than a straight list of checks; ``tests/test_validate_recorded.py`` holds the findings on
~2,000 definitions to what the plain form reported:

* a plan per shape of state: the checks a state needs are chosen once per (type, query
  language, field names) and kept (``_plan``); a check is left out only when it cannot
  report anything about that shape;
* a quiet pass before the reporting one: most checks first tell whether anything at all
  is wrong, without making the path and message of each value (and with verdicts kept per
  value: paths, intrinsics, expressions, numbers, error-name lists, rule shapes); the
  check that reports, unchanged, runs only when something may be wrong, so the problems
  and their order are its own.

Example:
    >>> problems = validate_definition({"StartAt": "A", "States": {"A": {"Type": "Pass"}}})
    >>> problems[0].render()
    'States.A: error[missing-next-or-end]: a Pass state needs "Next" or "End": true; ...'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from sfs3dsl.core.bounded import remember
from sfs3dsl.core.errors import ValidationError
from sfs3dsl.core.gcpause import gc_paused
from sfs3dsl.core.problems import Problem
from sfs3dsl.syntax.asl import MAX_NAME_LENGTH, STATE_TYPES
from sfs3dsl.validate.choice import check_choice
from sfs3dsl.validate.fields import check_type, field_checks
from sfs3dsl.validate.graph import check_graph
from sfs3dsl.validate.jsonata import jsonata_check
from sfs3dsl.validate.limits import check_size, check_state_name, machine_name_problems
from sfs3dsl.validate.map import check_map
from sfs3dsl.validate.paths import path_fields_check, templates_check
from sfs3dsl.validate.report import DOCUMENT, Report, State
from sfs3dsl.validate.retry import check_retry_catch
from sfs3dsl.validate.task import check_task
from sfs3dsl.validate.values import VALUE_FIELDS, check_state_values, describe
from sfs3dsl.validate.walk import walk

__all__ = ["check", "validate_definition"]

_KNOWN_TYPES: Final = frozenset(STATE_TYPES)
_RETRY_CATCH: Final = frozenset({"Retry", "Catch"})


@gc_paused
def validate_definition(asl: Mapping[str, Any], sources: Mapping[str, str] | None = None, *,
                        machine_name: str | None = None,
                        text: tuple[str, int | None] | None = None) -> list[Problem]:
    """Return every problem of an ASL definition, sorted by path (errors and warnings).

    Args:
        asl: the definition, as a dict.
        sources: ``{state path: "file:line"}`` (from ``compile_workflow``); copied into
            each problem's ``where``.
        machine_name: also check the state machine's name, when given.
        text: the definition's JSON text as already written, and the UTF-8 bytes of its
            compact form (``json_text.dumps_measured``): the size check reads the size
            instead of writing the definition again (None there: it writes it).
    """
    report = Report(sources or {})
    document: object = asl  # callers may pass any parsed JSON
    if not isinstance(document, Mapping):
        report.add("not-an-object", DOCUMENT, f"a definition must be a JSON object, not "
                   f"{describe(document)}", 'write {"StartAt": ..., "States": {...}}')
        return report.sorted()
    if machine_name is not None:
        machine_name_problems(machine_name, report)
    check_size(asl, report, None if text is None else text[1])
    # Each state is checked as the walk finds it. The State lives only while its state is
    # checked: a large definition does not keep one object per state alive (nor make the
    # garbage collector scan it).
    machines = walk(asl, report, _check_state)
    check_graph(machines, report)
    return report.sorted()


def _check_state(state: State) -> None:
    name = state.name
    if not name or len(name) > MAX_NAME_LENGTH:
        check_state_name(state)
    kind = state.type
    if kind not in _KNOWN_TYPES and not check_type(state):
        return
    try:
        key = (kind, state.jsonata, *state.body)
        plan = _PLANS.get(key)
    except TypeError:  # a field name that cannot be hashed (not JSON): no plan kept
        key, plan = None, None
    if plan is None:
        plan = _plan(kind, state.jsonata, tuple(state.body))
        if key is not None:
            remember(_PLANS, key, plan, _MAX_PLANS)
    for check in plan:
        check(state)


Check = Callable[[State], None]
#: The checks to run on a state, by (type, JSONata or not, its field names in order).
_PLANS: dict[tuple[Any, ...], tuple[Check, ...]] = {}
_MAX_PLANS: Final = 1024  # a definition has few shapes; a long-lived process stays bounded
_VALUE_TYPES: Final = frozenset({"Task", "Wait", "Map", "Fail"})  # check_state_values's
_RETRY_TYPES: Final = frozenset({"Task", "Parallel", "Map"})  # check_retry_catch's


def _plan(kind: str, jsonata: bool, keys: tuple[Any, ...]) -> tuple[Check, ...]:
    """The checks that may report something about a state of this shape, in their order:
    fields; values; JSONata, or paths and templates; Retry and Catch; the type's own.

    A check is left out only when it would find nothing: it reads none of the fields the
    state has, or (see ``field_checks``) it reads only their names and finds them right.
    So the problems, and the order they are found in, are those of running every check.
    """
    checks = field_checks(kind, jsonata, keys)
    if kind in _VALUE_TYPES and not VALUE_FIELDS.isdisjoint(keys):
        checks.append(check_state_values)
    # the path and template checks are for JSONPath states
    made = (jsonata_check(keys),) if jsonata else (path_fields_check(keys), templates_check(keys))
    checks += [check for check in made if check is not None]
    if kind in _RETRY_TYPES and not _RETRY_CATCH.isdisjoint(keys):
        checks.append(check_retry_catch)
    by_type = _BY_TYPE.get(kind)
    if by_type is not None:
        checks.append(by_type)
    return tuple(checks)


def _check_branches(state: State) -> None:
    branches = state.body.get("Branches")
    if "Branches" not in state.body:
        return
    if not isinstance(branches, list) or not branches:
        state.problem("empty-branches", "Branches",
                      f'"Branches" must be a non-empty array of branches, not '
                      f"{describe(branches) if branches != [] else 'an empty array'}",
                      'add {"StartAt": ..., "States": {...}}')
        return
    for i, branch in enumerate(branches):
        if not isinstance(branch, Mapping):
            state.problem("wrong-type", f"Branches[{i}]",
                          f"a branch must be an object, not {describe(branch)}",
                          'write {"StartAt": ..., "States": {...}}')


#: The checks of one type only.
_BY_TYPE: Final[dict[str, Callable[[State], None]]] = {
    "Task": check_task, "Choice": check_choice, "Map": check_map, "Parallel": _check_branches}


def check(asl: Mapping[str, Any], sources: Mapping[str, str] | None = None) -> None:
    """Raise :class:`~sfs3dsl.core.errors.ValidationError` if the definition has any error.

    Warnings alone do not raise; the exception carries every error.
    """
    errors = [p for p in validate_definition(asl, sources) if p.severity == "error"]
    if errors:
        raise ValidationError(errors)
