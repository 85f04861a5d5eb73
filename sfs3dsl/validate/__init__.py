"""Validate an ASL definition: every problem at once, each with a path, a message and a fix.

The validation layer reads only the ASL dict: it may import :mod:`sfs3dsl.syntax` and
:mod:`sfs3dsl.core`, never the model or the compiler.

Example:
    >>> problems = validate_definition({"StartAt": "A", "States": {"A": {"Type": "Pass"}}})
    >>> problems[0].render()
    'States.A: error[missing-next-or-end]: a Pass state needs "Next" or "End": true; ...'
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, Final

from sfs3dsl.core.errors import ValidationError
from sfs3dsl.core.gcpause import gc_paused
from sfs3dsl.core.problems import Problem
from sfs3dsl.syntax.asl import MAX_NAME_LENGTH, STATE_TYPES
from sfs3dsl.validate.choice import check_choice
from sfs3dsl.validate.fields import check_fields, check_type
from sfs3dsl.validate.graph import check_graph
from sfs3dsl.validate.jsonata import check_jsonata
from sfs3dsl.validate.limits import check_size, check_state_name, machine_name_problems
from sfs3dsl.validate.map import check_map
from sfs3dsl.validate.paths import (
    PATH_TRIGGERS,
    TEMPLATE_TRIGGERS,
    check_path_fields,
    check_templates,
)
from sfs3dsl.validate.report import DOCUMENT, Report, State
from sfs3dsl.validate.retry import check_retry_catch
from sfs3dsl.validate.task import check_task
from sfs3dsl.validate.values import VALUE_FIELDS, check_state_values, describe
from sfs3dsl.validate.walk import walk

__all__ = ["check", "validate_definition"]

_KNOWN_TYPES: Final = frozenset(STATE_TYPES)
_RETRY_CATCH: Final = frozenset({"Retry", "Catch"})
#: Every field _check_contents reads: a state with none of them has nothing there to check.
_CONTENTS: Final = VALUE_FIELDS | PATH_TRIGGERS | TEMPLATE_TRIGGERS | _RETRY_CATCH


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
        text: the definition's JSON text as already written, and the length of its
            compact form (``json_text.dumps_measured``): the size check reads them instead
            of writing the definition again.
    """
    report = Report(sources or {})
    document: object = asl  # callers may pass any parsed JSON
    if not isinstance(document, Mapping):
        report.add("not-an-object", DOCUMENT, f"a definition must be a JSON object, not "
                   f"{describe(document)}", 'write {"StartAt": ..., "States": {...}}')
        return report.sorted()
    if machine_name is not None:
        machine_name_problems(machine_name, report)
    check_size(asl, report, *(text or ()))
    machines = walk(asl, report)
    for machine in machines:
        for name, body in zip(machine.names, machine.bodies, strict=True):
            # The State lives only while its state is checked: a large definition does
            # not keep one object per state alive (nor make the garbage collector scan it).
            _check_state(machine.state(name, body, report))
    check_graph(machines, report)
    return report.sorted()


def _check_state(state: State) -> None:
    # Each check is called only when the state has a field it reads (or a type it is for):
    # a check it skips would find nothing, so the problems and their order are unchanged.
    name = state.name
    if not name or len(name) > MAX_NAME_LENGTH:
        check_state_name(state)
    if state.type not in _KNOWN_TYPES and not check_type(state):
        return
    check_fields(state)
    if not _CONTENTS.isdisjoint(state.body):
        _check_contents(state)
    elif state.jsonata:
        check_jsonata(state)
    check = _BY_TYPE.get(state.type)
    if check is not None:
        check(state)


def _check_contents(state: State) -> None:
    """The checks of values, paths, templates or JSONata, Retry and Catch, in this order."""
    body = state.body
    if not VALUE_FIELDS.isdisjoint(body):
        check_state_values(state)
    if state.jsonata:
        check_jsonata(state)  # the path and template checks are for JSONPath states
    else:
        if not PATH_TRIGGERS.isdisjoint(body):
            check_path_fields(state)
        if not TEMPLATE_TRIGGERS.isdisjoint(body):
            check_templates(state)
    if not _RETRY_CATCH.isdisjoint(body):
        check_retry_catch(state)


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
