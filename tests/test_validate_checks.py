"""Every check of the validator, one small broken definition each, with the exact message."""

from __future__ import annotations

from typing import Any

import pytest

from sfs3dsl.validate import validate_definition

ARN = "arn:aws:lambda:us-east-1:123456789012:function:f"


def task(**fields: Any) -> dict[str, Any]:
    return {"Type": "Task", "Resource": ARN, "TimeoutSeconds": 60, "End": True, **fields}


def machine(*, start: str = "A", **states: Any) -> dict[str, Any]:
    return {"StartAt": start, "States": states}


def one(state: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {"StartAt": "A", "States": {"A": state}, **top}


def parallel(*branches: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"Type": "Parallel", "Branches": list(branches), "End": True, **fields}


def branch(**states: Any) -> dict[str, Any]:
    return {"StartAt": next(iter(states)), "States": states}


PASS_END = {"Type": "Pass", "End": True}
DISTRIBUTED = {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
               "StartAt": "X", "States": {"X": PASS_END}}

CASES: list[tuple[str, dict[str, Any], str, str]] = [
    ("resource that is not a URI", one(task(Resource="not-an-arn")), "resource-not-uri",
     "States.A.Resource: error[resource-not-uri]: field \"Resource\" is 'not-an-arn', which "
     'is not a URI (an ARN such as "arn:aws:states:::lambda:invoke"); fix: write the ARN of '
     "the function, activity or integration"),
    ("unknown field", one({"Type": "Pass", "End": True, "Reslt": 1}), "unknown-field",
     'States.A.Reslt: error[unknown-field]: unknown field "Reslt" in a Pass state; fix: '
     'remove it or fix its spelling; a Pass state allows ["Assign", "Comment", "End", '
     '"InputPath", "Next", "Output", "OutputPath", "Parameters", "QueryLanguage", '
     '"Result", "ResultPath", "Type"]'),
    ("field of another type", one({"Type": "Succeed", "Parameters": {}}), "field-not-allowed",
     'States.A.Parameters: error[field-not-allowed]: field "Parameters" is not allowed in '
     'a Succeed state; fix: remove "Parameters"'),
    ("JSONPath field in JSONata state", one({"Type": "Pass", "QueryLanguage": "JSONata",
                                             "InputPath": "$.a", "End": True}),
     "wrong-query-language",
     'States.A.InputPath: error[wrong-query-language]: field "InputPath" is '
     'JSONPath-only, but this state uses JSONata; fix: use "Output" (or "Assign") with a '
     "{% %} expression"),
    ("JSONata field in JSONPath state", one(task(Arguments={"a": 1})), "wrong-query-language",
     'States.A.Arguments: error[wrong-query-language]: field "Arguments" is JSONata-only, '
     'but this state uses JSONPath; fix: set "QueryLanguage": "JSONata" on the state, or '
     'use "Parameters"'),
    ("JSONPath state in JSONata machine", one({"Type": "Pass", "QueryLanguage": "JSONPath",
                                               "End": True}, QueryLanguage="JSONata"),
     "query-language-downgrade",
     "States.A.QueryLanguage: error[query-language-downgrade]: a state cannot use "
     'JSONPath when its state machine uses JSONata; fix: remove "QueryLanguage" from the '
     "state, or set the machine to JSONPath and opt single states into JSONata"),
    ("bad query language", one(PASS_END, QueryLanguage="XPath"), "bad-value",
     'QueryLanguage: error[bad-value]: "QueryLanguage" string "XPath" is not one of the '
     'allowed values ["JSONPath", "JSONata"]; fix: write "JSONPath" or "JSONata"'),
    ("interval below 1", one(task(Retry=[{"ErrorEquals": ["States.ALL"],
                                          "IntervalSeconds": 0}])), "out-of-range",
     'States.A.Retry[0].IntervalSeconds: error[out-of-range]: field "IntervalSeconds" is '
     '0, but the allowed minimum is 1; fix: set "IntervalSeconds" to 1 or more'),
    ("negative attempts", one(task(Retry=[{"ErrorEquals": ["States.ALL"],
                                           "MaxAttempts": -1}])), "out-of-range",
     'States.A.Retry[0].MaxAttempts: error[out-of-range]: field "MaxAttempts" is -1, but '
     'the allowed minimum is 0; fix: set "MaxAttempts" to 0 or more'),
    ("backoff below 1", one(task(Retry=[{"ErrorEquals": ["States.ALL"],
                                         "BackoffRate": 0.5}])), "out-of-range",
     'States.A.Retry[0].BackoffRate: error[out-of-range]: field "BackoffRate" is 0.5, but '
     'the allowed minimum is 1; fix: set "BackoffRate" to 1 or more'),
    ("max delay zero", one(task(Retry=[{"ErrorEquals": ["States.ALL"],
                                        "MaxDelaySeconds": 0}])), "out-of-range",
     'States.A.Retry[0].MaxDelaySeconds: error[out-of-range]: field "MaxDelaySeconds" is '
     "0, but it must be greater than 0 (the allowed floor is 0); fix: set "
     '"MaxDelaySeconds" above 0'),
    ("jitter", one(task(Retry=[{"ErrorEquals": ["States.ALL"], "JitterStrategy": "HALF"}])),
     "bad-value",
     'States.A.Retry[0].JitterStrategy: error[bad-value]: "JitterStrategy" string "HALF" '
     'is not one of the allowed values ["FULL", "NONE"]; fix: write "FULL" or "NONE"'),
    ("interval not an integer", one(task(Retry=[{"ErrorEquals": ["States.ALL"],
                                                 "IntervalSeconds": 1.5}])), "wrong-type",
     'States.A.Retry[0].IntervalSeconds: error[wrong-type]: field "IntervalSeconds" must '
     'be an integer, not number 1.5; fix: write "IntervalSeconds" as a whole number'),
    ("timeout zero", one(task(TimeoutSeconds=0)), "out-of-range",
     'States.A.TimeoutSeconds: error[out-of-range]: field "TimeoutSeconds" is 0, but the '
     'allowed minimum is 1; fix: set "TimeoutSeconds" to 1 or more'),
    ("timeout a string", one(task(TimeoutSeconds="60")), "wrong-type",
     'States.A.TimeoutSeconds: error[wrong-type]: field "TimeoutSeconds" must be an '
     'integer, not string "60"; fix: write "TimeoutSeconds" as a whole number'),
    ("heartbeat negative", one(task(HeartbeatSeconds=-5)), "out-of-range",
     'States.A.HeartbeatSeconds: error[out-of-range]: field "HeartbeatSeconds" is -5, but '
     'the allowed minimum is 1; fix: set "HeartbeatSeconds" to 1 or more'),
    ("wait too long", one({"Type": "Wait", "Seconds": 100_000_000, "End": True}),
     "out-of-range",
     'States.A.Seconds: error[out-of-range]: field "Seconds" is 100000000, but the '
     'allowed maximum is 99999999; fix: set "Seconds" to 99999999 or less'),
    ("wait negative", one({"Type": "Wait", "Seconds": -1, "End": True}), "out-of-range",
     'States.A.Seconds: error[out-of-range]: field "Seconds" is -1, but the allowed '
     'minimum is 0; fix: set "Seconds" to 0 or more'),
    ("wait timestamp", one({"Type": "Wait", "Timestamp": "tomorrow", "End": True}),
     "bad-timestamp",
     'States.A.Timestamp: error[bad-timestamp]: field "Timestamp" "tomorrow" is not an '
     'RFC 3339 timestamp; fix: write it like "2026-01-31T23:59:59Z"'),
    ("tolerated percentage", one({"Type": "Map", "End": True, "ToleratedFailurePercentage": 101,
                                  "ItemProcessor": DISTRIBUTED}),
     "out-of-range",
     "States.A.ToleratedFailurePercentage: error[out-of-range]: field "
     '"ToleratedFailurePercentage" is 101, but the allowed maximum is 100; fix: set '
     '"ToleratedFailurePercentage" to 100 or less'),
    ("max concurrency", one({"Type": "Map", "End": True, "MaxConcurrency": -1,
                             "ItemProcessor": branch(X=PASS_END)}), "out-of-range",
     'States.A.MaxConcurrency: error[out-of-range]: field "MaxConcurrency" is -1, but the '
     'allowed minimum is 0; fix: set "MaxConcurrency" to 0 or more'),
    ("task without resource", one({"Type": "Task", "TimeoutSeconds": 5, "End": True}),
     "missing-field",
     'States.A.Resource: error[missing-field]: a Task state needs a "Resource" field; '
     'fix: add "Resource"'),
    ("choice without choices", one({"Type": "Choice", "Default": "B"}, ) | {"States": {
        "A": {"Type": "Choice", "Default": "B"}, "B": PASS_END}}, "missing-field",
     'States.A.Choices: error[missing-field]: a Choice state needs a "Choices" field; '
     'fix: add "Choices"'),
    ("parallel without branches", one({"Type": "Parallel", "End": True}), "missing-field",
     'States.A.Branches: error[missing-field]: a Parallel state needs a "Branches" field; '
     'fix: add "Branches"'),
    ("map without processor", one({"Type": "Map", "End": True}), "missing-field",
     'States.A.ItemProcessor: error[missing-field]: a Map state needs an "ItemProcessor" '
     'field; fix: add "ItemProcessor": {"StartAt": ..., "States": {...}}'),
    ("dangling next", machine(A={"Type": "Pass", "Next": "B"}), "dangling-target",
     'States.A.Next: error[dangling-target]: Next names "B", which does not exist; fix: '
     'add a state "B" or point Next at an existing state'),
    ("dangling default", machine(A={"Type": "Choice", "Choices": [
        {"Variable": "$.x", "IsPresent": True, "Next": "B"}], "Default": "C"}, B=PASS_END),
     "dangling-target",
     'States.A.Default: error[dangling-target]: Default names "C", which does not exist; '
     'fix: add a state "C" or point Default at an existing state'),
    ("dangling catch", machine(A=task(Catch=[{"ErrorEquals": ["States.ALL"], "Next": "Z"}])),
     "dangling-target",
     'States.A.Catch[0].Next: error[dangling-target]: Next names "Z", which does not '
     'exist; fix: add a state "Z" or point Next at an existing state'),
    ("dangling start", machine(start="Z", A=PASS_END), "dangling-target",
     'StartAt: error[dangling-target]: "StartAt" names "Z", which is not a state of this '
     'state machine; fix: add a state "Z" or point StartAt at an existing state'),
    ("unreachable", machine(A=PASS_END, B=PASS_END), "unreachable-state",
     'States.B: error[unreachable-state]: state "B" cannot be reached from "StartAt" (A); '
     "fix: remove the state or add a transition to it"),
    ("duplicate across branches", machine(A=parallel(branch(B=PASS_END), branch(B=PASS_END))),
     "duplicate-state-name",
     'States.A.Branches[1].States.B: error[duplicate-state-name]: state name "B" is '
     "already used at States.A.Branches[0].States.B; names must be unique in the whole "
     "state machine, including branches and Map processors; fix: rename one of the two "
     "states"),
    ("into another branch", machine(A=parallel(branch(B={"Type": "Pass", "Next": "C"}),
                                               branch(C=PASS_END))), "cross-scope-transition",
     'States.A.Branches[0].States.B.Next: error[cross-scope-transition]: Next names "C", '
     "which is in another branch or machine (States.A.Branches[1].States.C); a state can "
     "only go to states of its own branch; fix: move the target into this branch, or end "
     "the branch and continue after the Parallel or Map state"),
    ("out of a branch", machine(A={"Type": "Parallel", "Next": "D", "Branches": [
        branch(B={"Type": "Pass", "Next": "D"})]}, D=PASS_END), "cross-scope-transition",
     'States.A.Branches[0].States.B.Next: error[cross-scope-transition]: Next names "D", '
     "which is in another branch or machine (States.D); a state can only go to states of "
     "its own branch; fix: move the target into this branch, or end the branch and "
     "continue after the Parallel or Map state"),
    ("no terminal", machine(A={"Type": "Pass", "Next": "B"}, B={"Type": "Pass", "Next": "A"}),
     "no-terminal-state",
     "States: error[no-terminal-state]: the state machine has no terminal state: no state "
     'has "End": true or is a Succeed or Fail state; fix: end the last state with "End": '
     "true, or add a Succeed state"),
    ("cycle with no way out", machine(A={"Type": "Choice", "Choices": [
        {"Variable": "$.x", "IsPresent": True, "Next": "B"}], "Default": "C"},
        B=PASS_END, C={"Type": "Pass", "Next": "D"}, D={"Type": "Pass", "Next": "C"}),
     "no-way-out",
     'States.C: error[no-way-out]: states ["C", "D"] loop forever: none of them can reach '
     "a terminal state; fix: add a Choice with a way out, or an End"),
    ("next and end", one({"Type": "Pass", "Next": "A", "End": True}), "next-and-end",
     'States.A.End: error[next-and-end]: a state may have only one of ["Next", "End"]; '
     'fix: remove "End" or "Next"'),
    ("neither next nor end", one({"Type": "Pass"}), "missing-next-or-end",
     'States.A: error[missing-next-or-end]: a Pass state needs "Next" or "End": true; '
     'fix: add "Next": "<state>" or "End": true'),
    ("empty choices", one({"Type": "Choice", "Choices": [], "Default": "A"}), "empty-choices",
     'States.A.Choices: error[empty-choices]: "Choices" must be a non-empty array of '
     'rules, not an empty array; fix: add a rule such as {"Variable": "$.x", '
     '"NumericEquals": 1, "Next": "S"}'),
    ("rule without comparison", machine(A={"Type": "Choice", "Default": "B", "Choices": [
        {"Variable": "$.x", "Next": "B"}]}, B=PASS_END), "no-comparison",
     "States.A.Choices[0]: error[no-comparison]: the choice rule has no comparison: it "
     'needs "Variable" with one comparison operator, or "And", "Or" or "Not"; fix: add '
     'e.g. "StringEquals": "x" next to "Variable"'),
    ("rule with two comparisons", machine(A={"Type": "Choice", "Default": "B", "Choices": [
        {"Variable": "$.x", "StringEquals": "a", "IsPresent": True, "Next": "B"}]},
        B=PASS_END), "two-comparisons",
     "States.A.Choices[0]: error[two-comparisons]: the choice rule has more than one "
     'comparison: ["StringEquals", "IsPresent"]; fix: split it into separate rules, or '
     'combine them with "And"'),
    ("wrong operand type", machine(A={"Type": "Choice", "Default": "B", "Choices": [
        {"Variable": "$.x", "NumericEquals": "1", "Next": "B"}]}, B=PASS_END),
     "wrong-operand-type",
     'States.A.Choices[0].NumericEquals: error[wrong-operand-type]: "NumericEquals" needs '
     'a number, not string "1"; fix: write "NumericEquals" with a number'),
    ("variable missing", machine(A={"Type": "Choice", "Default": "B", "Choices": [
        {"StringEquals": "a", "Next": "B"}]}, B=PASS_END), "missing-field",
     'States.A.Choices[0].Variable: error[missing-field]: the comparison "StringEquals" '
     'needs a "Variable"; fix: add "Variable": "$.field"'),
    ("nested rule with next", machine(A={"Type": "Choice", "Default": "B", "Choices": [
        {"Not": {"Variable": "$.x", "IsNull": True, "Next": "B"}, "Next": "B"}]}, B=PASS_END),
     "nested-rule-field",
     "States.A.Choices[0].Not.Next: error[nested-rule-field]: a nested choice rule may "
     'not have "Next"; fix: move "Next" to the top-level rule'),
    ("States.ALL not alone", one(task(Retry=[{"ErrorEquals": ["States.ALL", "X"]}])),
     "states-all-not-alone",
     'States.A.Retry[0].ErrorEquals: error[states-all-not-alone]: "States.ALL" must be '
     'the only error name in its "ErrorEquals"; fix: remove the other names, or move '
     '"States.ALL" to its own last entry'),
    ("States.ALL not last", one(task(Retry=[{"ErrorEquals": ["States.ALL"]},
                                            {"ErrorEquals": ["X"]}])), "states-all-not-last",
     "States.A.Retry[0].ErrorEquals: error[states-all-not-last]: a retrier with "
     '"States.ALL" must be the last one in "Retry"; fix: move this retrier to the end of '
     '"Retry"'),
    ("empty ErrorEquals", one(task(Retry=[{"ErrorEquals": []}])), "empty-error-equals",
     'States.A.Retry[0].ErrorEquals: error[empty-error-equals]: "ErrorEquals" is empty, '
     'non-empty required; fix: name at least one error, e.g. ["States.ALL"]'),
    ("unknown States error", one(task(Retry=[{"ErrorEquals": ["States.Timeout", "States.Foo"]}])),
     "unknown-error-name",
     'States.A.Retry[0].ErrorEquals[1]: warning[unknown-error-name]: "States.Foo" is not '
     "a predefined error name, so Step Functions never raises it; fix: use one of "
     "States.ALL, States.BranchFailed, States.DataLimitExceeded, "
     "States.ExceedToleratedFailureThreshold, States.HeartbeatTimeout, "
     "States.Http.Socket, States.IntrinsicFailure, States.ItemReaderFailed, "
     "States.NoChoiceMatched, States.ParameterPathFailure, States.Permissions, "
     "States.QueryEvaluationError, States.ResultPathMatchFailure, "
     "States.ResultWriterFailed, States.Runtime, States.TaskFailed, States.Timeout, or a "
     "name without the reserved States. prefix"),
    ("bad InputPath", one({"Type": "Pass", "InputPath": "$.a[", "End": True}), "bad-path",
     'States.A.InputPath: error[bad-path]: field "InputPath" is not a valid JSONPath: '
     'unclosed \'[\' (at position 3); fix: write a JSONPath such as "$.items"'),
    ("bad OutputPath", one({"Type": "Pass", "OutputPath": "a.b", "End": True}), "bad-path",
     'States.A.OutputPath: error[bad-path]: field "OutputPath" is not a valid JSONPath: a '
     'path must start with \'$\' (at position 0); fix: write a JSONPath such as "$.items"'),
    ("ResultPath not a reference path", one({"Type": "Pass", "ResultPath": "$.a[*]",
                                             "End": True}), "bad-path",
     'States.A.ResultPath: error[bad-path]: field "ResultPath" is not a valid reference '
     "path: a reference path allows only names and single indexes in brackets (at "
     'position 4); fix: write a reference path such as "$.result" (names and [index] '
     "only) or null"),
    ("ResultPath into the context", one({"Type": "Pass", "ResultPath": "$$.a", "End": True}),
     "bad-path",
     'States.A.ResultPath: error[bad-path]: field "ResultPath" must start with \'$\' (the '
     "state's input), not the context object or a variable; fix: write a reference path "
     'such as "$.result" (names and [index] only) or null'),
    ("bad ItemsPath", one({"Type": "Map", "ItemsPath": "$..x", "End": True,
                           "ItemProcessor": branch(X=PASS_END)}), "bad-path",
     'States.A.ItemsPath: error[bad-path]: field "ItemsPath" is not a valid reference '
     "path: '..' is not allowed in a reference path (at position 1); fix: write a "
     'JSONPath such as "$.items"'),
    ("bad SecondsPath", one({"Type": "Wait", "SecondsPath": "seconds", "End": True}),
     "bad-path",
     'States.A.SecondsPath: error[bad-path]: field "SecondsPath" is not a valid reference '
     "path: a path must start with '$' (at position 0); fix: write a JSONPath such as "
     '"$.items"'),
    ("bad template path", one({"Type": "Pass", "Parameters": {"a": {"b.$": "$.x["}},
                               "End": True}), "bad-template-path",
     'States.A.Parameters.a.b.$: error[bad-template-path]: field "b.$" of Parameters is '
     "not a JSONPath or intrinsic function expression: unclosed '[' (at position 3); fix: "
     'make the value a JSONPath ($..., $$..., $var) or a States.* call, or drop ".$" from '
     "the key to pass a literal"),
    ("bad ItemSelector path", one({"Type": "Map", "End": True, "ItemSelector": {"v.$": "x"},
                                   "ItemProcessor": branch(X=PASS_END)}), "bad-template-path",
     'States.A.ItemSelector.v.$: error[bad-template-path]: field "v.$" of ItemSelector is '
     "not a JSONPath or intrinsic function expression: a path must start with '$' (at "
     "position 0); fix: make the value a JSONPath ($..., $$..., $var) or a States.* call, "
     'or drop ".$" from the key to pass a literal'),
    ("bad Choice Variable", machine(A={"Type": "Choice", "Default": "B", "Choices": [
        {"Variable": "$.a[*]", "IsPresent": True, "Next": "B"}]}, B=PASS_END), "bad-path",
     'States.A.Choices[0].Variable: error[bad-path]: field "Variable" is not a valid '
     "reference path: a reference path allows only names and single indexes in brackets "
     '(at position 4); fix: write a reference path such as "$.status"'),
    ("bad comparison path", machine(A={"Type": "Choice", "Default": "B", "Choices": [
        {"Variable": "$.a", "NumericEqualsPath": "b", "Next": "B"}]}, B=PASS_END), "bad-path",
     'States.A.Choices[0].NumericEqualsPath: error[bad-path]: field "NumericEqualsPath" '
     "is not a valid reference path: a path must start with '$' (at position 0); fix: "
     'write a reference path such as "$.limit"'),
    ("malformed JSONata", one({"Type": "Pass", "QueryLanguage": "JSONata",
                               "Output": {"x": "{% $states.input.( %}"}, "End": True}),
     "bad-jsonata",
     'States.A.Output.x: error[bad-jsonata]: field "Output.x" has a malformed JSONata '
     "expression: Expected ) before end of expression (at position 17); fix: fix the "
     "expression; try it at try.jsonata.org"),
    ("unclosed JSONata", one({"Type": "Pass", "QueryLanguage": "JSONata",
                              "Output": "{% 1 + 1", "End": True}), "bad-jsonata",
     'States.A.Output: error[bad-jsonata]: field "Output" starts a JSONata expression '
     'with "{%" but does not end it with "%}"; fix: write the whole value as "{% '
     'expression %}"'),
    ("unknown intrinsic", one({"Type": "Pass", "Parameters": {"a.$": "States.Nope(1)"},
                               "End": True}), "bad-template-path",
     'States.A.Parameters.a.$: error[bad-template-path]: field "a.$" of Parameters is not '
     "a JSONPath or intrinsic function expression: unknown intrinsic function States.Nope "
     "(at position 0); fix: make the value a JSONPath ($..., $$..., $var) or a States.* "
     'call, or drop ".$" from the key to pass a literal'),
    ("intrinsic arity", one({"Type": "Pass", "Parameters": {"a.$": "States.MathAdd(1)"},
                             "End": True}), "bad-template-path",
     'States.A.Parameters.a.$: error[bad-template-path]: field "a.$" of Parameters is not '
     "a JSONPath or intrinsic function expression: States.MathAdd takes exactly 2 "
     "arguments, got 1 (at position 0); fix: make the value a JSONPath ($..., $$..., "
     '$var) or a States.* call, or drop ".$" from the key to pass a literal'),
    ("wait with two durations", one({"Type": "Wait", "Seconds": 1, "SecondsPath": "$.s",
                                     "End": True}), "wait-duration",
     'States.A: error[wait-duration]: a Wait state needs exactly one of ["Seconds", '
     '"SecondsPath", "Timestamp", "TimestampPath"], found 2; fix: keep exactly one, e.g. '
     '"Seconds": 10'),
    ("wait without duration", one({"Type": "Wait", "End": True}), "wait-duration",
     'States.A: error[wait-duration]: a Wait state needs exactly one of ["Seconds", '
     '"SecondsPath", "Timestamp", "TimestampPath"], found 0; fix: keep exactly one, e.g. '
     '"Seconds": 10'),
    ("fail with Error and ErrorPath", one({"Type": "Fail", "Error": "E", "ErrorPath": "$.e"}),
     "mutually-exclusive",
     "States.A.ErrorPath: error[mutually-exclusive]: a Fail state may have only one of "
     '["Error", "ErrorPath"]; fix: remove "Error" or "ErrorPath"'),
    ("fail with Cause and CausePath", one({"Type": "Fail", "Cause": "C", "CausePath": "$.c"}),
     "mutually-exclusive",
     "States.A.CausePath: error[mutually-exclusive]: a Fail state may have only one of "
     '["Cause", "CausePath"]; fix: remove "Cause" or "CausePath"'),
    ("timeout and timeout path", one(task(TimeoutSecondsPath="$.t")), "mutually-exclusive",
     "States.A.TimeoutSecondsPath: error[mutually-exclusive]: a Task state may have only "
     'one of ["TimeoutSeconds", "TimeoutSecondsPath"]; fix: remove "TimeoutSeconds" or '
     '"TimeoutSecondsPath"'),
    ("heartbeat not below timeout", one(task(HeartbeatSeconds=60)),
     "heartbeat-not-below-timeout",
     "States.A.HeartbeatSeconds: error[heartbeat-not-below-timeout]: field "
     '"HeartbeatSeconds" (60) must be smaller than "TimeoutSeconds" (60); fix: lower '
     "HeartbeatSeconds or raise TimeoutSeconds"),
    ("callback without token", one(task(Resource="arn:aws:states:::sqs:sendMessage."
                                                 "waitForTaskToken", HeartbeatSeconds=10,
                                        Parameters={"QueueUrl": "q", "MessageBody.$": "$"})),
     "missing-task-token",
     "States.A.Parameters: error[missing-task-token]: the callback Task "
     '(.waitForTaskToken) does not pass the task token in "Parameters"; nobody could ever '
     'resume it; fix: add "TaskToken.$": "$$.Task.Token" to the payload'),
    ("JSONata callback without token", one(task(Resource="arn:aws:states:::sqs:sendMessage."
                                                         "waitForTaskToken",
                                                HeartbeatSeconds=10, QueryLanguage="JSONata",
                                                Arguments={"MessageBody": "{% $states.input %}"})),
     "missing-task-token",
     "States.A.Arguments: error[missing-task-token]: the callback Task "
     '(.waitForTaskToken) does not pass the task token in "Arguments"; nobody could ever '
     "resume it; fix: add {% $states.context.Task.Token %} to the payload"),
    ("item reader on inline map", one({"Type": "Map", "End": True, "ItemReader": {
        "Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket": "b"}},
        "ItemProcessor": branch(X=PASS_END)}), "inline-map-field",
     'States.A.ItemReader: error[inline-map-field]: field "ItemReader" needs a '
     "Distributed Map, but this Map runs inline (ProcessorConfig.Mode is INLINE or "
     'missing); fix: set "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": '
     '"STANDARD"} in "ItemProcessor", or remove "ItemReader"'),
    ("map with iterator and processor", one({"Type": "Map", "End": True,
                                             "ItemProcessor": branch(X=PASS_END),
                                             "Iterator": branch(Y=PASS_END)}),
     "mutually-exclusive",
     "States.A.ItemProcessor: error[mutually-exclusive]: a Map state may have only one of "
     '["Iterator", "ItemProcessor"]; fix: remove "Iterator" or "ItemProcessor"'),
    ("map with parameters and item selector", one({"Type": "Map", "End": True,
                                                   "Parameters": {}, "ItemSelector": {},
                                                   "ItemProcessor": branch(X=PASS_END)}),
     "mutually-exclusive",
     "States.A.ItemSelector: error[mutually-exclusive]: a Map state may have only one of "
     '["Parameters", "ItemSelector"]; fix: remove "Parameters" or "ItemSelector"'),
    ("credentials not an object", one(task(Credentials="arn:aws:iam::1:role/r")),
     "bad-credentials",
     'States.A.Credentials: error[bad-credentials]: field "Credentials" must be an object '
     'with "RoleArn", not string "arn:aws:iam::1:role/r"; fix: write "Credentials": '
     '{"RoleArn": "arn:aws:iam::..."}'),
    ("state name too long", machine(start="S" * 81, **{"S" * 81: PASS_END}),
     "state-name-too-long",
     "States.SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS: "
     "error[state-name-too-long]: the state name is 81 characters long; the maximum is "
     "80; fix: shorten it to 80 characters"),
    ("definition too large", one({"Type": "Pass", "Result": "x" * (1024 * 1024),
                                  "End": True}), "definition-too-large",
     "(definition): error[definition-too-large]: the definition is 1,048,645 bytes; the "
     "maximum is 1,048,576 bytes; fix: split it into nested state machines"),
    ("JSONata in a JSONPath number field", one({"Type": "Wait", "Seconds": "{% 5 %}", "End": True}),
     "wrong-query-language",
     'States.A.Seconds: error[wrong-query-language]: field "Seconds" holds a JSONata '
     'expression, but this state uses JSONPath; fix: set "QueryLanguage": "JSONata", or '
     'use "SecondsPath"'),
    ("bad ItemReader resource", one({"Type": "Map", "End": True, "ItemProcessor": DISTRIBUTED,
                                     "ItemReader": {"Resource": "arn:aws:states:::s3:"
                                                                "deleteObject"}}),
     "bad-item-reader",
     'States.A.ItemReader.Resource: error[bad-item-reader]: "ItemReader" needs "Resource" '
     "naming an S3 action to read items with, not string "
     '"arn:aws:states:::s3:deleteObject"; fix: use "arn:aws:states:::s3:getObject" or '
     '"arn:aws:states:::s3:listObjectsV2"'),
    ("JSONata rule without condition", machine(A={"Type": "Choice", "QueryLanguage": "JSONata",
                                                  "Default": "B", "Choices": [{"Next": "B"}]},
                                               B=PASS_END),
     "missing-field",
     "States.A.Choices[0].Condition: error[missing-field]: a JSONata choice rule needs "
     '"Condition" holding a {% ... %} expression; fix: write "Condition": "{% '
     '$states.input.x > 1 %}"'),
    ("Variable in a JSONata rule", machine(A={"Type": "Choice", "QueryLanguage": "JSONata",
                                              "Default": "B", "Choices": [
        {"Condition": "{% true %}", "Variable": "$.x", "Next": "B"}]}, B=PASS_END),
     "wrong-query-language",
     'States.A.Choices[0].Variable: error[wrong-query-language]: field "Variable" is not '
     'allowed in a JSONata choice rule; fix: use "Condition": "{% ... %}"'),
    ("unknown retrier field", one(task(Retry=[{"ErrorEquals": ["States.ALL"], "Interval": 1}])),
     "unknown-field",
     'States.A.Retry[0].Interval: error[unknown-field]: unknown field "Interval" in a '
     'retrier; fix: remove it; a retrier allows "BackoffRate", "Comment", "ErrorEquals", '
     '"IntervalSeconds", "JitterStrategy", "MaxAttempts", "MaxDelaySeconds"'),
    ("catcher without Next", one(task(Catch=[{"ErrorEquals": ["States.ALL"]}])),
     "missing-field",
     'States.A.Catch[0].Next: error[missing-field]: a catcher needs "Next" naming the '
     'state to go to; fix: add "Next": "<state>"'),
    ("credentials with other fields", one(task(Credentials={"Role": "arn:aws:iam::1:role/r"})),
     "credentials-fields",
     'States.A.Credentials: warning[credentials-fields]: field "Credentials" should have '
     'exactly one of ["RoleArn", "RoleArn.$"] and nothing else, found ["Role"]; fix: '
     'write "Credentials": {"RoleArn": "arn:aws:iam::..."}'),
    ("distributed map without execution type", one({"Type": "Map", "End": True, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED"}, "StartAt": "X", "States": {"X": PASS_END}}}),
     "missing-field",
     "States.A.ItemProcessor.ProcessorConfig.ExecutionType: error[missing-field]: a "
     'Distributed Map needs "ExecutionType" in "ProcessorConfig"; fix: add '
     '"ExecutionType": "STANDARD" or "EXPRESS"'),
    ("state that is not an object", machine(A=PASS_END, B="Pass"),
     "state-not-object",
     'States.B: error[state-not-object]: state "B" is string "Pass", not an object; fix: '
     'write the state as an object with a "Type" field'),
    ("empty branches", one({"Type": "Parallel", "Branches": [], "End": True}),
     "empty-branches",
     'States.A.Branches: error[empty-branches]: "Branches" must be a non-empty array of '
     'branches, not an empty array; fix: add {"StartAt": ..., "States": {...}}'),
    ("missing type", one({"End": True}), "missing-type",
     'States.A.Type: error[missing-type]: the state has no "Type" field; fix: add "Type": '
     'one of ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map"]'),
    ("unknown type", one({"Type": "Lambda", "End": True}), "bad-state-type",
     'States.A.Type: error[bad-state-type]: "Type" string "Lambda" is not one of the '
     'allowed values ["Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", '
     '"Map"]; fix: use one of the eight state types'),
    ("choice without default", machine(A={"Type": "Choice", "Choices": [
        {"Variable": "$.x", "IsPresent": True, "Next": "B"}]}, B=PASS_END),
     "choice-without-default",
     'States.A: warning[choice-without-default]: the Choice state has no "Default"; an '
     "input no rule matches fails the execution with States.NoChoiceMatched; fix: add "
     '"Default": "<state>"'),
    ("task without timeout", one({"Type": "Task", "Resource": ARN, "End": True}),
     "task-without-timeout",
     "States.A: warning[task-without-timeout]: the Task has no TimeoutSeconds; a stuck "
     'task then waits up to a year; fix: add "TimeoutSeconds"'),
    ("callback without heartbeat", one(task(Resource="arn:aws:states:::sqs:sendMessage."
                                                    "waitForTaskToken",
                                            Parameters={"TaskToken.$": "$$.Task.Token"})),
     "callback-without-heartbeat",
     "States.A: warning[callback-without-heartbeat]: the callback Task "
     "(.waitForTaskToken) has no HeartbeatSeconds; a lost token is only noticed at the "
     'timeout; fix: add "HeartbeatSeconds"'),
]


@pytest.mark.parametrize(("definition", "code", "expected"), [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_check(definition: dict[str, Any], code: str, expected: str) -> None:
    found = [p.render() for p in validate_definition(definition) if p.code == code]
    assert found == [expected]


def test_every_case_has_a_distinct_name() -> None:
    names = [c[0] for c in CASES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("definition", [
    one(PASS_END),
    one(task(Retry=[{"ErrorEquals": ["States.Timeout"], "IntervalSeconds": 1,
                     "MaxAttempts": 0, "BackoffRate": 1, "MaxDelaySeconds": 1,
                     "JitterStrategy": "NONE"}, {"ErrorEquals": ["States.ALL"]}])),
    one({"Type": "Wait", "Seconds": 0, "End": True}),
    one({"Type": "Wait", "Seconds": 99_999_999, "End": True}),
    one({"Type": "Wait", "Timestamp": "2026-01-31T23:59:59.5+01:00", "End": True}),
    one({"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input %}",
         "End": True}),
    one({"Type": "Pass", "Parameters": {"literal": "{% not JSONata here %}"}, "End": True}),
    one(task(Resource="arn:${AWS::Partition}:states:::lambda:invoke.waitForTaskToken",
             HeartbeatSeconds=10, Parameters={"FunctionName": "${LambdaArn}",
                                              "Payload": {"token.$": "$$.Task.Token"}})),
    one(task(Resource="${LambdaArn}")),
    machine(**{"A state with spaces, commas: and (parens)": PASS_END},
            start="A state with spaces, commas: and (parens)"),
    one({"Type": "Parallel", "QueryLanguage": "JSONata", "End": True,
         "Output": "{% $states.result %}",
         "Branches": [branch(B={"Type": "Pass", "InputPath": "$.x", "End": True})]}),
], ids=["pass", "retry at the limits", "wait 0", "wait max", "timestamp with offset",
        "JSONata output", "JSONata-looking literal in a JSONPath state",
        "callback with CloudFormation placeholders", "placeholder resource",
        "state name with spaces", "branch states inherit the top level's language"])
def test_valid_definitions_have_no_problem(definition: dict[str, Any]) -> None:
    assert [p.render() for p in validate_definition(definition)] == []
