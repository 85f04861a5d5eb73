"""AWS's MockConfigFile (Step Functions Local's mocked service integrations) for local runs.

The file is the one Step Functions Local reads (developer guide, "Configuration file for
mocked service integrations"): ``StateMachines`` -> state machine name -> ``TestCases`` ->
test case -> ``{Task state name: mocked response name}``, and ``MockedResponses`` -> mocked
response name -> ``{"0": ..., "1-2": ...}``, each holding ``Return`` (the service's whole
response) or ``Throw`` (``{"Error": ..., "Cause": ...}``). Invocation ``n`` of a mocked Task
state (a retry is another invocation) gets the entry whose number or inclusive range holds
``n``, so ``"0-1": Throw, "2": Return`` fails twice, then succeeds.

:func:`load_mock_config` reads and checks the whole file at once; :func:`test_case_tasks`
turns one test case into the task callables a :class:`~sfs3dsl.run.local.LocalRun` runs
(keyed by state name, like ``--mock``). Every mistake is one line naming the file, where in
it, what is wrong and the fix. This is hand-written because no maintained Python library
reads this format.

Example:
    >>> config = load_mock_config(Path("MockConfigFile.json"))
    >>> tasks = test_case_tasks(config, definitions, "RetryPath")
    >>> LocalRun(definitions, tasks=tasks)
"""

from __future__ import annotations

import copy
import difflib
import json
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.definitions import RunSetupError, task_states
from sfs3dsl.run.interpreter.failure import TaskFailure
from sfs3dsl.run.interpreter.tasks import MissingTask, WholeResponse

if TYPE_CHECKING:
    from sfs3dsl.run.definitions import Definitions
    from sfs3dsl.run.interpreter import TaskContext

_RANGE = re.compile(r"^(0|[1-9][0-9]*)(?:-(0|[1-9][0-9]*))?$")
_START_EXECUTION = "arn:aws:states:::states:startExecution"


@dataclass(frozen=True)
class Answer:
    """One entry of a mocked response: invocations ``first``..``last`` (inclusive)."""

    first: int
    last: int
    throws: bool
    value: Any = None
    error: str | None = None
    cause: str | None = None


@dataclass(frozen=True)
class MockedResponse:
    """A named mocked response: its answers in invocation order, without gaps."""

    name: str
    answers: tuple[Answer, ...]

    def answer(self, invocation: int) -> Answer | None:
        for answer in self.answers:
            if answer.first <= invocation <= answer.last:
                return answer
        return None

    @property
    def covers(self) -> str:
        """The invocations it answers, for messages: ``0-3``."""
        last = self.answers[-1].last
        return "0" if last == 0 else f"0-{last}"


@dataclass(frozen=True)
class MockConfig:
    """A checked MockConfigFile.

    Attributes:
        label: the file, as messages name it.
        machines: state machine -> test case -> {Task state name: mocked response name}.
        responses: mocked response name -> :class:`MockedResponse`.
    """

    label: str
    machines: Mapping[str, Mapping[str, Mapping[str, str]]]
    responses: Mapping[str, MockedResponse]


def _fail(label: str, where: str, problem: str, fix: str) -> RunSetupError:
    return RunSetupError(f"{label}: {where}: {problem}; fix: {fix}")


def _kind(value: Any) -> str:
    return {dict: "an object", list: "an array", str: "a string", bool: "a boolean",
            type(None): "null"}.get(type(value), "a number")


def load_mock_config(source: Path | str | Mapping[str, Any] | Any) -> MockConfig:
    """Read and check a MockConfigFile (a path, or the parsed JSON object).

    Raises:
        RunSetupError: the file cannot be read, is not JSON, or is not a mock configuration
            as the developer guide describes it (the message names where and the fix).
    """
    if not isinstance(source, (str, Path)):  # the parsed file (anything else is refused)
        return parse_mock_config(source, "mock config")
    path = Path(source)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RunSetupError(f"{path}: no such file; fix: give the path of your "
                            "MockConfigFile.json") from None
    except IsADirectoryError:
        raise RunSetupError(f"{path}: is a folder; fix: give the path of your "
                            "MockConfigFile.json") from None
    except OSError as exc:
        raise RunSetupError(f"{path}: cannot read it: {exc.strerror}; fix: give a file you "
                            "can read") from None
    except UnicodeDecodeError:
        raise RunSetupError(f"{path}: is not UTF-8 text; fix: give a JSON file") from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RunSetupError(f"{path}:{exc.lineno}:{exc.colno}: not valid JSON: {exc.msg}; "
                            "fix: correct the JSON") from None
    return parse_mock_config(data, str(path))


def parse_mock_config(data: Any, label: str) -> MockConfig:
    """Check a parsed MockConfigFile; ``label`` names it in messages."""
    if not isinstance(data, Mapping):
        raise _fail(label, "top level", f"is {_kind(data)}, not an object",
                    'write {"StateMachines": {...}, "MockedResponses": {...}}')
    unknown = [k for k in data if k not in ("StateMachines", "MockedResponses")]
    if unknown:
        raise _fail(label, unknown[0], "is not a field of a mock configuration",
                    "the top-level fields are StateMachines and MockedResponses")
    for field in ("StateMachines", "MockedResponses"):
        if not isinstance(data.get(field), Mapping):
            problem = "is missing" if field not in data else \
                f"is {_kind(data[field])}, not an object"
            raise _fail(label, field, problem, f'add "{field}": {{...}} at the top level')
    responses = {name: _response(label, name, spec)
                 for name, spec in data["MockedResponses"].items()}
    machines = {name: _machine(label, name, spec, responses)
                for name, spec in data["StateMachines"].items()}
    return MockConfig(label, machines, responses)


def _machine(label: str, name: str, spec: Any,
             responses: Mapping[str, MockedResponse]) -> dict[str, dict[str, str]]:
    where = f"StateMachines.{name}"
    if not isinstance(spec, Mapping) or not isinstance(spec.get("TestCases"), Mapping):
        raise _fail(label, where, 'has no "TestCases" object',
                    f'write "{name}": {{"TestCases": {{"HappyPath": {{"State": "Response"}}}}}}')
    extra = [k for k in spec if k != "TestCases"]
    if extra:
        raise _fail(label, f"{where}.{extra[0]}", "is not a field of a state machine's "
                    "configuration", 'a state machine has one field, "TestCases"')
    cases: dict[str, dict[str, str]] = {}
    for case, states in spec["TestCases"].items():
        here = f"{where}.TestCases.{case}"
        if not isinstance(states, Mapping):
            raise _fail(label, here, f"is {_kind(states)}, not an object",
                        'map each Task state to a mocked response: {"State": "Response"}')
        for state, response in states.items():
            if not isinstance(response, str):
                raise _fail(label, f"{here}.{state}", f"is {_kind(response)}, not the name "
                            "of a mocked response", f'write "{state}": "<a name in '
                            'MockedResponses>"')
            if response not in responses:
                close = difflib.get_close_matches(response, list(responses), n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise _fail(label, f"{here}.{state}", f"names mocked response {response!r}, "
                            "which MockedResponses does not define",
                            f"define it under MockedResponses or use one of "
                            f"{_names(responses)}{hint}")
        cases[case] = dict(states)
    return cases


def _response(label: str, name: str, spec: Any) -> MockedResponse:
    where = f"MockedResponses.{name}"
    if not isinstance(spec, Mapping) or not spec:
        raise _fail(label, where, "is not an object of invocations",
                    'write {"0": {"Return": {...}}} (invocation numbers or ranges such as '
                    '"1-2")')
    answers: list[Answer] = []
    for key, entry in spec.items():
        here = f'{where}["{key}"]'
        match = _RANGE.match(key) if isinstance(key, str) else None
        if match is None:
            raise _fail(label, here, "is not an invocation number or range",
                        'key each entry by a number from 0 ("0", "3") or an inclusive '
                        'range ("1-2")')
        first = int(match.group(1))
        last = int(match.group(2)) if match.group(2) is not None else first
        if last < first:
            raise _fail(label, here, "the range ends before it starts",
                        f'write "{last}-{first}"')
        answers.append(_answer(label, here, first, last, entry))
    answers.sort(key=lambda a: a.first)
    expected = 0
    for answer in answers:
        # The guide: "you must specify a mocked response for every invocation", numbered
        # consecutively from 0; a gap or an overlap could only be a mistake.
        key = f"{answer.first}" if answer.first == answer.last else \
            f"{answer.first}-{answer.last}"
        if answer.first > expected:
            missing = f"{expected}" if answer.first - 1 == expected else \
                f"{expected}-{answer.first - 1}"
            raise _fail(label, where, f"has no entry for invocation {missing}",
                        f'add "{missing}" (invocations are numbered from 0, with no gaps)')
        if answer.first < expected:
            raise _fail(label, f'{where}["{key}"]', f"overlaps invocation {answer.first}, "
                        "which another entry answers", "give each invocation one entry")
        expected = answer.last + 1
    return MockedResponse(name, tuple(answers))


def _answer(label: str, where: str, first: int, last: int, entry: Any) -> Answer:
    fix = 'write {"Return": <the service response>} or {"Throw": {"Error": "...", ' \
        '"Cause": "..."}}'
    if not isinstance(entry, Mapping) or len(entry) != 1 or \
            next(iter(entry)) not in ("Return", "Throw"):
        raise _fail(label, where, 'must hold exactly one field, "Return" or "Throw"', fix)
    if "Return" in entry:
        return Answer(first, last, False, value=entry["Return"])
    throw = entry["Throw"]
    if not isinstance(throw, Mapping) or not isinstance(throw.get("Error"), str):
        raise _fail(label, f"{where}.Throw", 'needs "Error", a string', fix)
    cause = throw.get("Cause")
    # The guide asks for both Error and Cause as strings; a missing Cause is accepted (the
    # error output then has no Cause, as a Fail state without one gives).
    if cause is not None and not isinstance(cause, str):
        raise _fail(label, f"{where}.Throw.Cause", f"is {_kind(cause)}, not a string",
                    'write the cause as text, e.g. "Cause": "Lambda timed out."')
    extra = [k for k in throw if k not in ("Error", "Cause")]
    if extra:
        raise _fail(label, f"{where}.Throw.{extra[0]}", "is not a field of Throw",
                    'Throw has "Error" and "Cause"')
    return Answer(first, last, True, error=throw["Error"], cause=cause)


def _names(values: Mapping[str, Any] | list[str]) -> str:
    return ", ".join(repr(v) for v in values) if values else "(none)"


def _hint(name: str, candidates: list[str]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1)
    return f" (did you mean {close[0]!r}?)" if close else ""


def select_test_case(config: MockConfig, machine: str, case: str) -> tuple[str, dict[str, str]]:
    """The test case ``case`` (or ``MACHINE#CASE``, as a StartExecution ARN suffix names
    it) of ``machine``: ``(machine, {state: response})``.

    Raises:
        RunSetupError: no such state machine or test case in the file.
    """
    if "#" in case:
        machine, case = case.split("#", 1)
    cases = config.machines.get(machine)
    if cases is None:
        fix = (f"name the entry after the workflow ({machine!r}), or name the state "
               f"machine of the file: --test-case {next(iter(config.machines))}#{case}"
               ) if config.machines else \
            f'add "StateMachines": {{"{machine}": {{"TestCases": {{...}}}}}}'
        raise RunSetupError(f"{config.label}: StateMachines has no state machine {machine!r}"
                            f"{_hint(machine, list(config.machines))}; fix: {fix}")
    if case not in cases:
        raise RunSetupError(f"{config.label}: state machine {machine!r} has no test case "
                            f"{case!r}{_hint(case, list(cases))}; fix: use one of "
                            f"{_names(list(cases))}")
    return machine, dict(cases[case])


def test_case_tasks(config: MockConfig, definitions: Definitions, case: str) -> dict[str, Mocked]:
    """The task callables of test case ``case`` for the main workflow of ``definitions``:
    ``{Task state name: callable}``, to pass as :class:`~sfs3dsl.run.local.LocalRun`'s
    ``tasks`` (states the test case leaves out run as they would without it).

    Raises:
        RunSetupError: no such test case, or it names a state that is not a Task state of
            the workflow (or one the local run performs itself: ``states:startExecution``).
    """
    machine, states = select_test_case(config, definitions.main, case)
    tasks = dict(task_states(definitions.definition))
    where = f"{config.label}: StateMachines.{machine}.TestCases.{case.split('#')[-1]}"
    out: dict[str, Mocked] = {}
    for state, response in states.items():
        found = tasks.get(state)
        if found is None:
            other = _state_type(definitions.definition, state)
            problem = (f"{state!r} is a {other} state, and only Task states call a service"
                       if other else f"the workflow has no Task state {state!r}"
                       f"{_hint(state, list(tasks))}")
            raise RunSetupError(f"{where}: {problem}; fix: name one of its Task states: "
                                f"{_names(sorted(tasks))}")
        if str(found.get("Resource", "")).startswith(_START_EXECUTION):
            raise RunSetupError(f"{where}.{state}: the state starts another workflow, which "
                                "the local run runs itself; fix: leave it out of the test "
                                "case (pass the started workflow too, with its own mocks)")
        out[state] = Mocked(config.label, case, state, config.responses[response])
    return out


def _state_type(machine: dict[str, Any], name: str) -> str | None:
    pending = [machine]
    while pending:
        current = pending.pop()
        for key, state in (current.get("States") or {}).items():
            if not isinstance(state, dict):
                continue
            if key == name:
                return str(state.get("Type"))
            pending.extend(b for b in state.get("Branches") or () if isinstance(b, dict))
            pending.extend(state[k] for k in ("ItemProcessor", "Iterator")
                           if isinstance(state.get(k), dict))
    return None


class MockExhausted(MissingTask):
    """A mocked Task state was invoked more times than its mocked response answers."""


class Mocked:
    """One Task state's mocked response in a run: counts its invocations per execution."""

    #: It answers at once (its lock is held for a count): on the virtual clock, Map
    #: iterations calling it share one thread (sfs3dsl.run.interpreter.tasks.nonblocking).
    cannot_block = True

    def __init__(self, label: str, case: str, state: str, response: MockedResponse) -> None:
        self.label = label
        self.case = case
        self.state = state
        self.response = response
        self._counts: dict[str, int] = {}
        # Map iterations and Parallel branches call from several threads; with
        # MaxConcurrency above 1 which iteration gets which answer is as unpredictable as
        # the guide warns it is on Step Functions Local
        self._lock = threading.Lock()

    def __call__(self, payload: Any, ctx: TaskContext) -> Any:
        execution = str(ctx.context["Execution"]["Id"])
        with self._lock:
            invocation = self._counts.get(execution, 0)
            self._counts[execution] = invocation + 1
        answer = self.response.answer(invocation)
        if answer is None:
            # The guide says only that the execution fails, with no error name; stopping the
            # run with this message keeps a Catch from hiding the missing entry.
            raise MockExhausted(
                f"{self.label}: test case {self.case!r}: state {self.state!r} was invoked "
                f"{invocation + 1} times, but mocked response {self.response.name!r} answers "
                f"invocations {self.response.covers} only; fix: add an entry "
                f'"{invocation}" (Return or Throw) to {self.response.name!r}')
        if answer.throws:
            raise TaskFailure(answer.error, answer.cause)
        value = copy.deepcopy(answer.value)
        if ctx.token:  # Step Functions Local answers a mocked .waitForTaskToken at once
            # as JSON text, as SendTaskSuccess takes it (a str value would be read as JSON)
            ctx.runner.send_task_success(ctx.token, json.dumps(value))
            return None
        return WholeResponse(value)
