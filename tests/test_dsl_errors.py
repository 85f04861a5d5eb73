"""Broken workflows: exact error text, with the ``file:line`` of the line that built them.

Each case builds the broken thing on the same line as ``here()``, so the expected location is
computed from this file's source, never typed in. The library shows paths relative to the
current directory, so only the ``test_dsl_errors.py:NN`` suffix is compared.
"""

from __future__ import annotations

import inspect
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from sfs3dsl import (
    BuildError,
    Catch,
    Choice,
    Context,
    Fail,
    ItemReader,
    JsonPath,
    Map,
    Parallel,
    Pass,
    Retry,
    States,
    Succeed,
    Task,
    ValidationError,
    Wait,
    Workflow,
    aws_sdk,
    lambda_invoke,
    sqs_send_message,
    start_execution,
)

FN = "arn:aws:lambda:us-east-1:123456789012:function:hello"


def here() -> str:
    """``test_dsl_errors.py:NN`` of the line that calls this."""
    frame = inspect.currentframe()
    assert frame is not None and frame.f_back is not None
    return f"{Path(__file__).name}:{frame.f_back.f_lineno}"


def build_error(build: Callable[[], object]) -> BuildError:
    with pytest.raises(BuildError) as info:
        build()
    return info.value


def assert_located(text: str, where: str, rest: str) -> None:
    """``text`` is ``[dir/]where: rest`` exactly."""
    tail = f"{where}: {rest}"
    assert text.endswith(tail), f"{text!r}\n does not end with\n{tail!r}"
    head = text[: -len(tail)]
    assert head == "" or head.endswith(("/", os.sep)), text


# -- BuildError raised where the state is made ------------------------------------------------

def test_wait_without_a_field() -> None:
    where, err = here(), build_error(lambda: Wait("w"))
    assert_located(str(err), where, "state 'w': a Wait needs exactly one of seconds or "
                   "timestamp; fix: pass seconds=10, or timestamp=JsonPath('$.when')")
    assert err.state == "w"
    assert err.where is not None and err.where.endswith(where)


def test_wait_with_both_fields() -> None:
    where, err = here(), build_error(lambda: Wait(seconds=1, timestamp="2024-01-01T00:00:00Z"))
    assert_located(str(err), where, "state '<Wait>': a Wait needs exactly one of seconds or "
                   "timestamp; fix: pass seconds=10, or timestamp=JsonPath('$.when')")


@pytest.mark.parametrize("seconds", [-1, 100_000_000, 1.5, True])
def test_wait_seconds_out_of_range(seconds: int | float) -> None:
    where, err = here(), build_error(lambda: Wait("w", seconds=seconds))
    assert_located(str(err), where, f"state 'w': seconds={seconds!r} is not a whole number from "
                   "0 to 99,999,999; fix: pass an int such as 5")


def test_wait_naive_timestamp() -> None:
    import datetime as dt

    naive = dt.datetime(2024, 1, 1)
    where, err = here(), build_error(lambda: Wait("w", timestamp=naive))
    assert_located(str(err), where, "state 'w': the timestamp has no time zone; fix: pass "
                   "datetime(..., tzinfo=timezone.utc)")


def test_heartbeat_not_below_timeout() -> None:
    where, err = here(), build_error(
        lambda: Task("t", resource=FN, timeout_seconds=60, heartbeat_seconds=60))
    # The lambda's body is on the next line; the state is made there.
    where = f"{Path(__file__).name}:{int(where.rsplit(':', 1)[1]) + 1}"
    assert_located(str(err), where, "state 't': heartbeat_seconds (60) must be below "
                   "timeout_seconds (60); fix: use heartbeat_seconds < 60, or raise "
                   "timeout_seconds")


@pytest.mark.parametrize(("field", "value", "key"), [
    ("timeout_seconds", 0, "TimeoutSeconds"),
    ("heartbeat_seconds", -5, "HeartbeatSeconds"),
    ("timeout_seconds", 2.5, "TimeoutSeconds"),
    ("heartbeat_seconds", False, "HeartbeatSeconds"),
])
def test_timeouts_must_be_positive_ints(field: str, value: Any, key: str) -> None:
    where, err = here(), build_error(lambda: Task("t", resource=FN, **{field: value}))
    assert_located(str(err), where, f"state 't': {key} must be a positive whole number, got "
                   f"{value!r}; fix: pass an int such as {key.lower()}=60")


def test_task_resource_must_be_a_non_empty_str() -> None:
    where, err = here(), build_error(lambda: Task("t", resource=""))
    assert_located(str(err), where, "state 't': resource must be a non-empty str, got ''; fix: "
                   "pass resource='arn:aws:states:::lambda:invoke' or an ARN")


def test_retry_after_the_states_all_retrier() -> None:
    where, err = here(), build_error(lambda: Task("t", resource=FN, retry=[
        Retry("States.ALL"), Retry("States.Timeout")]))
    assert_located(str(err), where, "state 't': a Retry follows the one for States.ALL, so it "
                   "can never match; fix: put the States.ALL retrier last")


def test_retry_method_after_the_states_all_retrier() -> None:
    where, task = here(), Task("t", resource=FN).retry()
    err = build_error(lambda: task.retry(["States.Timeout"]))
    # Reported where the state was made: that is where the reader looks for its retriers.
    assert_located(str(err), where, "state 't': a Retry follows the one for States.ALL, so it "
                   "can never match; fix: put the States.ALL retrier last")


def test_catch_after_the_states_all_catcher() -> None:
    where, task = here(), Task("t", resource=FN).catch("States.ALL", Fail("f"))
    err = build_error(lambda: task.catch(["States.Timeout"], Fail("g")))
    assert_located(str(err), where, "state 't': a Catch follows the one for States.ALL, so it "
                   "can never match; fix: put the States.ALL catcher last")


@pytest.mark.parametrize(("errors", "rest"), [
    ([], "Retry has an empty ErrorEquals; fix: name at least one error, e.g. [\"States.ALL\"]"),
    (["States.ALL", "States.Timeout"], "Retry lists States.ALL with other errors; fix: "
     "States.ALL must appear alone in its ErrorEquals"),
    ([""], "Retry names '', which is not an error name; fix: error names are non-empty "
     "strings"),
])
def test_retry_error_names(errors: list[str], rest: str) -> None:
    where, err = here(), build_error(lambda: Retry(errors))
    assert_located(str(err), where, rest)


def test_unknown_states_error_name_builds_and_the_validator_warns() -> None:
    # Accepted since eed1685 (import must round-trip such names); the validator warns.
    where, task = here(), Task("t", resource=FN, timeout_seconds=5,
                               retry=[Retry(["States.timeout"])])
    compiled = Workflow("w", task).compile()
    [problem] = compiled.problems
    assert (problem.code, problem.severity, problem.path) == (
        "unknown-error-name", "warning", "States.t.Retry[0].ErrorEquals[0]")
    assert problem.where is not None and problem.where.endswith(where)
    assert problem.message == ('"States.timeout" is not a predefined error name, so Step '
                               "Functions never raises it")


@pytest.mark.parametrize(("options", "rest"), [
    ({"interval_seconds": 0}, "Retry interval_seconds is 0; the allowed minimum is 1; fix: "
     "pass a whole number >= 1"),
    ({"max_attempts": -1}, "Retry max_attempts is -1; the allowed minimum is 0; fix: pass a "
     "whole number >= 0"),
    ({"max_delay_seconds": 1.5}, "Retry max_delay_seconds must be an int, got 1.5; fix: pass "
     "a whole number >= 1"),
    ({"backoff_rate": 0.5}, "Retry backoff_rate is 0.5; the allowed minimum is 1; fix: use "
     "backoff_rate=1 for a constant interval"),
    ({"jitter_strategy": "HALF"}, "Retry jitter_strategy 'HALF' is not one of [\"FULL\", "
     "\"NONE\"]; fix: use \"FULL\" or \"NONE\""),
])
def test_retry_fields(options: dict[str, object], rest: str) -> None:
    where, err = here(), build_error(lambda: Retry("States.ALL", **options))  # type: ignore[arg-type]
    assert_located(str(err), where, rest)


def test_catch_error_names() -> None:
    where, err = here(), build_error(lambda: Catch(["States.ALL", "X"], Pass("h")))
    assert_located(str(err), where, "Catch lists States.ALL with other errors; fix: "
                   "States.ALL must appear alone in its ErrorEquals")


def test_item_reader_on_an_inline_map() -> None:
    reader = ItemReader.s3_objects(bucket="b")
    where, err = here(), build_error(lambda: Map("m", processor=Pass("p"), item_reader=reader))
    assert_located(str(err), where, "state 'm': ItemReader only work(s) on a distributed Map; "
                   "fix: pass mode=\"DISTRIBUTED\"")


def test_distributed_fields_on_an_inline_map_listed_together() -> None:
    where, err = here(), build_error(lambda: Map("m", processor=Pass("p"), mode="INLINE",
                                                 label="L", execution_type="EXPRESS"))
    assert_located(str(err), where, "state 'm': Label, ExecutionType only work(s) on a "
                   "distributed Map; fix: pass mode=\"DISTRIBUTED\"")


def test_map_item_selector_and_parameters() -> None:
    where, err = here(), build_error(lambda: Map("m", processor=Pass("p"), item_selector={},
                                                 parameters={}))
    assert_located(str(err), where, "state 'm': a Map takes item_selector or parameters, not "
                   "both; fix: use item_selector (parameters is its older name)")


def test_map_mode_unknown() -> None:
    where, err = here(), build_error(
        lambda: Map("m", processor=Pass("p"), mode="PARALLEL"))  # type: ignore[arg-type]
    where = f"{Path(__file__).name}:{int(where.rsplit(':', 1)[1]) + 1}"
    assert_located(str(err), where, "state 'm': mode 'PARALLEL' is not INLINE or DISTRIBUTED; "
                   "fix: pass mode=\"DISTRIBUTED\" for a distributed Map")


TOKEN_HINT = ("; fix: add \"token\": Context.task_token (JSONPath) or "
              "\"{% $states.context.Task.Token %}\" (JSONata) to the payload")
TOKEN_MSG = ("a .waitForTaskToken task must pass the task token to the worker, but its "
             "payload does not carry it")


def test_callback_without_token_lambda_invoke_default_payload() -> None:
    where, err = here(), build_error(lambda: lambda_invoke("cb", function=FN, wait_for_token=True))
    assert_located(str(err), where, f"state 'cb': {TOKEN_MSG}{TOKEN_HINT}")


def test_callback_without_token_in_payload() -> None:
    where, err = here(), build_error(lambda: sqs_send_message(
        "cb", queue_url="https://q", message_body={"id": JsonPath("$.id")}, wait_for_token=True))
    assert_located(str(err), where, f"state 'cb': {TOKEN_MSG}{TOKEN_HINT}")


def test_callback_without_token_plain_task() -> None:
    where, err = here(), build_error(lambda: Task(
        resource="arn:aws:states:::sns:publish.waitForTaskToken", parameters={"Message": "x"}))
    assert_located(str(err), where, f"state '<Task>': {TOKEN_MSG}{TOKEN_HINT}")


def test_callback_with_token_in_a_list_of_objects_is_accepted() -> None:
    task = sqs_send_message("cb", queue_url="https://q", wait_for_token=True,
                            message_body={"items": [{"t": Context.task_token}]})
    assert task.fields["Resource"] == "arn:aws:states:::sqs:sendMessage.waitForTaskToken"


def test_callback_with_token_inside_an_intrinsic_is_accepted() -> None:
    task = sqs_send_message("cb", queue_url="https://q", wait_for_token=True,
                            message_body=States.Format("token={}", Context.task_token))
    assert task.fields["Parameters"] == {
        "QueueUrl": "https://q", "MessageBody": States.Format("token={}", Context.task_token)}


def test_callback_and_sync_together() -> None:
    where, err = here(), build_error(lambda: start_execution(
        state_machine_arn="arn:x", input={"t": Context.task_token}, sync=True,
        wait_for_token=True))
    assert_located(str(err), where, "a task either waits for a token or runs a job (.sync), "
                   "not both; fix: choose wait_for_token or sync")


@pytest.mark.parametrize("service", ["", "s3:x"])
def test_aws_sdk_bad_service(service: str) -> None:
    where, err = here(), build_error(lambda: aws_sdk(service=service, action="getObject"))
    assert_located(str(err), where, f"aws_sdk service {service!r} is not valid; fix: e.g. "
                   "service=\"s3\", action=\"getObject\"")


@pytest.mark.parametrize(("name", "rest"), [
    ("", "a state name must be a non-empty str, got ''; fix: pass a name such as \"step-a\""),
    ("x" * 81, "state '" + "x" * 40 + "...': the name is 81 characters long; AWS allows 80; "
     "fix: shorten the name"),
    ("a\tb", "state 'a\\tb': the name contains control characters ['\\t']; fix: use "
     "printable characters only"),
])
def test_bad_state_names(name: str, rest: str) -> None:
    where, err = here(), build_error(lambda: Pass(name))
    assert_located(str(err), where, rest)


def test_bad_state_query_language() -> None:
    where, err = here(), build_error(lambda: Pass("p", query_language="jsonata"))  # type: ignore[arg-type]
    assert_located(str(err), where, "state 'p': query_language 'jsonata' is not one of "
                   "['JSONPath', 'JSONata']; fix: use \"JSONPath\" or \"JSONata\"")


@pytest.mark.parametrize(("name", "rest"), [
    ("my flow", "workflow name 'my flow' contains ' ', which AWS does not allow in a state "
     "machine name; fix: use letters, digits, '-' and '_'"),
    ("a" * 81, f"workflow name {'a' * 81!r} must be 1 to 80 characters; fix: use a name like "
     "\"process-a\""),
])
def test_bad_workflow_names(name: str, rest: str) -> None:
    where, err = here(), build_error(lambda: Workflow(name, Pass("p")))
    assert_located(str(err), where, rest)


def test_workflow_timeout_must_be_positive() -> None:
    where, err = here(), build_error(lambda: Workflow("w", Pass("p"), timeout_seconds=0))
    assert_located(str(err), where, "timeout_seconds must be a positive int, got 0; fix: pass "
                   "timeout_seconds=3600")


# -- chaining mistakes ------------------------------------------------------------------------

def test_second_next_on_the_same_state() -> None:
    where, a = here(), Pass("a")
    a.next(Pass("b"))
    err = build_error(lambda: a.next(Pass("c")))
    assert_located(str(err), where, "state 'a': already continues to 'b'; cannot also continue "
                   "to 'c'; fix: use a Choice to branch, or a Parallel to run both")


def test_same_next_twice_is_allowed() -> None:
    a, b = Pass("a"), Pass("b")
    a.next(b)
    a.next(b)
    assert a.next_state is b


def test_something_after_succeed() -> None:
    where, done = here(), Succeed("done")
    err = build_error(lambda: done >> Pass("x"))
    assert_located(str(err), where, "state 'done': there is no open end to continue from (the "
                   "chain ends in Succeed, Fail or a Choice); fix: continue a Choice with "
                   ".afterwards().next(...); nothing can follow Succeed or Fail")


def test_something_after_fail_via_next() -> None:
    where, fail = here(), Fail("f")
    err = build_error(lambda: fail.next(Pass("x")))
    assert_located(str(err), where, "state 'f': there is no open end to continue from (the "
                   "chain ends in Succeed, Fail or a Choice); fix: continue a Choice with "
                   ".afterwards().next(...); nothing can follow Succeed or Fail")


def test_something_after_a_chain_ending_in_succeed_names_the_succeed() -> None:
    chain = Pass("a") >> Pass("b")
    where, chain = here(), chain >> Succeed("done")
    err = build_error(lambda: chain >> Pass("x"))
    assert err.state == "done"
    assert err.where is not None and err.where.endswith(where)


def test_choice_continued_without_afterwards() -> None:
    where, choice = here(), Choice("c").when(JsonPath("$.a") == 1, Pass("one"))
    err = build_error(lambda: choice >> Pass("x"))
    assert_located(str(err), where, "state 'c': there is no open end to continue from (the "
                   "chain ends in Succeed, Fail or a Choice); fix: continue a Choice with "
                   ".afterwards().next(...); nothing can follow Succeed or Fail")


def test_choice_otherwise_twice() -> None:
    where, choice = here(), Choice("c").otherwise(Pass("d1"))
    err = build_error(lambda: choice.otherwise(Pass("d2")))
    assert_located(str(err), where, "state 'c': already has the default 'd1'; fix: call "
                   "otherwise() once")


def test_next_with_something_that_is_not_a_state() -> None:
    where, a = here(), Pass("a")
    err = build_error(lambda: a >> "b")  # type: ignore[operator]
    assert_located(str(err), where, "next got 'b', which is not a state or a chain; fix: pass "
                   "a state such as Pass('x') or a chain a >> b")


def test_choice_rule_target_that_is_not_a_state() -> None:
    where, err = here(), build_error(
        lambda: Choice("c").when(JsonPath("$.a") == 1, "one"))  # type: ignore[arg-type]
    where = f"{Path(__file__).name}:{int(where.rsplit(':', 1)[1]) + 1}"
    assert_located(str(err), where, "Choice 'c' rule got 'one', which is not a state or a "
                   "chain; fix: pass a state such as Pass('x') or a chain a >> b")


# -- mistakes found when compiling --------------------------------------------------------------

def test_parallel_without_branches_fails_at_compile() -> None:
    where, par = here(), Parallel("p")
    err = build_error(lambda: Workflow("w", par).compile())
    assert_located(str(err), where, "state 'p': a Parallel needs at least one branch; fix: "
                   "pass branches=[chain1, chain2]")


def test_duplicate_name_across_parallel_branches_lists_both_locations() -> None:
    first, left = here(), Pass("x")
    second, right = here(), Pass("x")
    par = Parallel("p", branches=[left, Pass("y") >> right])
    with pytest.raises(ValidationError) as info:
        Workflow("w", par).compile()
    problems = info.value.problems
    assert len(problems) == 1
    problem = problems[0]
    assert problem.code == "duplicate-state-name"
    assert problem.state == "x"
    assert problem.where is not None and problem.where.endswith(second)
    other = os.path.relpath(__file__) + ":" + first.rsplit(":", 1)[1]
    assert problem.message == (f"two different states are named 'x' (the other is defined at "
                               f"{other}); names must be unique in the whole machine, "
                               "branches included")
    text = str(info.value)
    assert text.startswith("1 problem(s):\n")
    assert first in text and second in text
    assert text.splitlines()[1].endswith(
        f"{second}: States.p.Branches[1].States.x (duplicate 2): error[duplicate-state-name]: "
        f"{problem.message}; fix: rename one of them")


def test_duplicate_name_problem_path_names_the_stand_in() -> None:
    # The second 'x' is rendered under a stand-in name so that the rest still validates.
    par = Parallel("p", branches=[Pass("x"), Pass("y") >> Pass("x")])
    with pytest.raises(ValidationError) as info:
        Workflow("w", par).compile()
    assert [p.path for p in info.value.problems] == [
        "States.p.Branches[1].States.x (duplicate 2)"]


def test_duplicate_names_at_top_level() -> None:
    first, a1 = here(), Pass("a")
    second, a2 = here(), Pass("a")
    with pytest.raises(ValidationError) as info:
        Workflow("w", a1 >> Pass("b") >> a2).compile()
    [problem] = info.value.problems
    assert problem.where is not None and problem.where.endswith(second)
    assert first in problem.message


def test_state_shared_by_two_branches() -> None:
    where, shared = here(), Pass("shared")
    par = Parallel("p", branches=[Pass("l") >> shared, Pass("r") >> shared])
    with pytest.raises(ValidationError) as info:
        Workflow("w", par).compile()
    [problem] = info.value.problems
    assert problem.code == "state-in-two-machines"
    assert problem.where is not None and problem.where.endswith(where)
    assert problem.message == ("state 'shared' is used in two machines (a branch or Map "
                               "processor and another)")


def test_path_in_static_result_names_the_state_and_line() -> None:
    where, step = here(), Pass("p", result={"a": JsonPath("$.x")})
    err = build_error(lambda: Workflow("w", step).compile())
    assert "JSONata" not in err.message
    assert err.where is not None and err.where.endswith(where)


def test_path_in_a_list_names_the_state_and_line() -> None:
    where, step = here(), Pass("p", parameters={"a": [JsonPath("$.x")]})
    err = build_error(lambda: Workflow("w", step).compile())
    assert err.state == "p"
    assert err.where is not None and err.where.endswith(where)


def test_path_in_a_list_message() -> None:
    step = Pass("p", parameters={"a": [JsonPath("$.x")]})
    err = build_error(lambda: Workflow("w", step).compile())
    assert err.message == "Parameters.a[0] is a run-time value inside a list"
    assert err.hint == ("ASL evaluates paths only as object values: use States.Array(...) "
                        "under a key instead")


def test_jsonpath_value_in_a_jsonata_state() -> None:
    step = Pass("p", output={"a": JsonPath("$.x")}, query_language="JSONata")
    err = build_error(lambda: Workflow("w", step).compile())
    assert err.message == "Output.a is a JSONPath value in a JSONata state"


# -- file:line when the same file's code is made again (a reload, an exec) --------------------

@pytest.mark.parametrize("blank_lines", [0, 3, 7])
def test_location_follows_the_code_that_made_the_state(blank_lines: int) -> None:
    # The locations are remembered per code object and instruction: code compiled again
    # from other text under the same file name (a reloaded module) must name its own lines.
    source = "\n" * blank_lines + ("def make():\n"
                                   "    first = [Pass(f'p{i}') for i in range(3)]\n"
                                   "    return first, Pass('last')\n")
    namespace: dict[str, Any] = {"Pass": Pass}
    exec(compile(source, "reloaded_flow.py", "exec"), namespace)
    first, last = namespace["make"]()
    assert [p.where for p in first] == [f"reloaded_flow.py:{blank_lines + 2}"] * 3
    assert last.where == f"reloaded_flow.py:{blank_lines + 3}"


class _UsersPass(Pass):
    """A user's subclass: the line in its ``__init__`` that makes the state is the user's."""

    def __init__(self, name: str) -> None:
        self.expected, _ = here(), super().__init__(name, comment="mine")


class _UsersBareTask(Task):
    """A user's subclass with no ``__init__`` of its own."""


def test_location_of_a_state_made_by_a_users_subclass() -> None:
    made = _UsersPass("mine")
    assert made.where.endswith(made.expected)
    where, task = here(), _UsersBareTask("bare", resource=FN)
    assert task.where.endswith(where)
    where, plain = here(), Pass("plain")
    assert plain.where.endswith(where)
