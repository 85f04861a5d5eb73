"""A realistic workflow for the compile and review benchmarks, built by sfs3dsl and by the SDK.

Modelled on the reference workflows (``workflows/order.py``, ``poll_job.py``,
``course_map.py``, ``course_parallel.py``) and the corpus's real-world definitions: a line of
segments of 20 states each, every segment holding

* a Lambda Task with ResultSelector, two retriers and a Catch to a Fail;
* a Pass whose Parameters use intrinsics (``States.Format``, ``ArrayPartition``,
  ``ArrayLength``, ``UUID``) and which assigns a variable;
* a Choice with nested rules (And, Or, Not) going to a Wait, a Pass or a default Pass;
* a Parallel of two branches (an SQS Task then a Pass; a Wait then a Pass) with Retry and Catch;
* an inline Map with ItemSelector and MaxConcurrency whose ItemProcessor is a Lambda Task with
  a retrier followed by a Pass;
* JSONata states: a Pass with Output and Assign, an SNS Task with Arguments, a Choice with
  Condition rules going to one of two Passes.

``sfs3dsl_workflow(n)`` builds it with sfs3dsl's DSL; ``sdk_graph(n)`` builds the same
definition with the Step Functions Data Science SDK's state classes (``stepfunctions``
2.3.0, imported through ``sfs3dsl.sdk.load_sdk()``, which keeps sagemaker from printing
to stdout and warning). The SDK has no field for what Step Functions added after it (ResultSelector,
Assign, QueryLanguage, Arguments, Output, ItemSelector, ItemProcessor, Condition): they are
put straight into the field dict it serialises, the cheapest way to have the SDK write
them. ``same_definition`` checks that both texts parse to the same document.
"""

from __future__ import annotations

import json
from typing import Any

from sfs3dsl.sdk import load_sdk

load_sdk()  # before the SDK's own modules: it imports them quietly (see its docstring)

from stepfunctions.steps import (  # noqa: E402
    Catch,
    Choice,
    Fail,
    Graph,
    Map,
    Parallel,
    Pass,
    Retry,
    Task,
    Wait,
)
from stepfunctions.steps.choice_rule import BaseRule, ChoiceRule  # noqa: E402

import sfs3dsl as dsl  # noqa: E402

SEGMENT = 20  # states per segment

FETCH_ARN = "${FetchFunctionArn}"
PRICE_ARN = "${PriceFunctionArn}"
QUEUE_URL = "https://sqs.eu-west-1.amazonaws.com/123456789012/orders"
TOPIC_ARN = "arn:aws:sns:eu-west-1:123456789012:orders"
LAMBDA = "arn:aws:states:::lambda:invoke"
TOTAL = "{% $sum($states.input.priced.price) %}"
MESSAGE = "{% 'order ' & $orderId & ' total ' & $string($total) %}"


def segments(states: int) -> int:
    if states % SEGMENT:
        raise ValueError(f"the realistic workflow has a multiple of {SEGMENT} states")
    return states // SEGMENT


# -- sfs3dsl ------------------------------------------------------------------------------------

def sfs3dsl_workflow(states: int) -> Any:
    """The workflow of ``states`` states, as sfs3dsl objects (a ``Workflow``)."""
    parts = [_sfs3dsl_segment(k) for k in range(segments(states))]
    return dsl.Workflow("realistic", dsl.Chain.sequence(*parts),
                        comment=f"{states} states: Task, Choice, Parallel, Map, Wait, JSONata")


def _sfs3dsl_segment(k: int) -> Any:
    # The names are looked up once per segment, as a module using them would import them.
    Choice, Context, Fail, JsonPath, Map = dsl.Choice, dsl.Context, dsl.Fail, dsl.JsonPath, dsl.Map
    Parallel, Pass, States, Wait = dsl.Parallel, dsl.Pass, dsl.States, dsl.Wait
    lambda_invoke, sns_publish = dsl.lambda_invoke, dsl.sns_publish
    sqs_send_message = dsl.sqs_send_message

    failed = Fail(f"Failed_{k}", error="OrderFailed", cause="a step of the order failed")
    fetch = (lambda_invoke(f"Fetch_{k}", function=FETCH_ARN,
                           payload={"id": JsonPath("$.order.id"), "step": k},
                           result_selector={"body": JsonPath("$.Payload")},
                           result_path="$.fetched", timeout_seconds=30)
             .retry(["Lambda.ServiceException", "Lambda.TooManyRequestsException"],
                    interval_seconds=2, max_attempts=6, backoff_rate=2)
             .retry(["States.Timeout"], max_attempts=2)
             .catch(["States.ALL"], failed, result_path="$.error"))
    shape = Pass(f"Shape_{k}", parameters={
        "key": States.Format("order-{}", JsonPath("$.order.id")),
        "parts": States.ArrayPartition(JsonPath("$.items"), 2),
        "count": States.ArrayLength(JsonPath("$.items")),
        "requestId": States.UUID(),
        "source": "bench",
    }, result_path="$.shape", assign={"orderId": JsonPath("$.order.id")})
    count, priority = JsonPath("$.shape.count"), JsonPath("$.order.priority")
    region, express = JsonPath("$.order.region"), JsonPath("$.order.express")
    route = (Choice(f"Route_{k}")
             .when((count > 10) & (priority == "high"), Wait(f"Hold_{k}", seconds=5))
             .when((region == "eu") | ~express.is_present(),
                   Pass(f"Mark_{k}", result={"marked": True}, result_path="$.mark"))
             .otherwise(Pass(f"Skip_{k}")))
    fan = (Parallel(f"Fan_{k}", branches=[
        sqs_send_message(f"Queue_{k}", queue_url=QUEUE_URL,
                         message_body={"id": JsonPath("$.order.id")}, result_path=None,
                         timeout_seconds=10)
        >> Pass(f"Queued_{k}", result="queued", result_path="$.queue"),
        Wait(f"Settle_{k}", seconds=1)
        >> Pass(f"Settled_{k}", parameters={"at": Context.state_entered_time}),
    ], result_path="$.fan")
        .retry(["States.ALL"], max_attempts=2)
        .catch(["States.ALL"], failed, result_path="$.error"))
    each = Map(f"Each_{k}", processor=(
        lambda_invoke(f"Price_{k}", function=PRICE_ARN, payload={"item": JsonPath("$.item")},
                      timeout_seconds=10)
        .retry(["Lambda.TooManyRequestsException"], interval_seconds=1, max_attempts=3)
        >> Pass(f"Priced_{k}", parameters={"price": JsonPath("$.Payload.price")})),
        items_path="$.items", max_concurrency=10, result_path="$.priced",
        item_selector={"item": Context.map_item_value, "index": Context.map_item_index})
    total = Pass(f"Total_{k}", query_language="JSONata", assign={"total": TOTAL},
                 output="{% $merge([$states.input, {'total': $total}]) %}")
    notify = sns_publish(f"Notify_{k}", topic_arn=TOPIC_ARN, message=MESSAGE,
                         query_language="JSONata", output="{% $states.input %}",
                         timeout_seconds=10)
    check = (Choice(f"Check_{k}", query_language="JSONata")
             .when("{% $total > 100 %}",
                   Pass(f"Big_{k}", query_language="JSONata", output={"size": "big"}))
             .otherwise(Pass(f"Small_{k}", query_language="JSONata",
                             output={"size": "small"})))
    return (fetch >> shape >> route.afterwards() >> fan >> each >> total >> notify
            >> check.afterwards())


# -- the SDK ------------------------------------------------------------------------------------

def sdk_graph(states: int) -> Any:
    """The same definition with the SDK's classes: its ``Graph``."""
    first, last = _sdk_segment(0)
    for k in range(1, segments(states)):
        head, tail = _sdk_segment(k)
        for end in last:
            end.next(head)
        last = tail
    return Graph(first, comment=f"{states} states: Task, Choice, Parallel, Map, Wait, JSONata")


def sdk_text(states: int) -> str:
    """Build and serialise with the SDK's own pretty printer (``json.dumps(indent=4)``)."""
    text: str = sdk_graph(states).to_json(pretty=True)
    return text


class Condition(BaseRule):  # type: ignore[misc]
    """A JSONata rule: the SDK knows only JSONPath comparisons."""

    def __init__(self, condition: str) -> None:
        self.condition = condition

    def to_dict(self) -> dict[str, Any]:
        return {"Condition": self.condition}


class ItemProcessorMap(Map):  # type: ignore[misc]
    """The SDK writes the processor as the older ``Iterator``."""

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = super().to_dict()
        out["ItemProcessor"] = out.pop("Iterator")
        return out


def jsonata(state: Any, **fields: Any) -> Any:
    """A JSONata state: the SDK has no QueryLanguage, Output, Arguments or Assign field."""
    state.fields["query_language"] = "JSONata"
    state.fields.update(fields)
    return state


def _sdk_segment(k: int) -> tuple[Any, list[Any]]:
    """The first state of segment ``k`` and its open ends (to link to the next segment)."""
    failed = Fail(f"Failed_{k}", error="OrderFailed", cause="a step of the order failed")
    fetch = Task(f"Fetch_{k}", resource=LAMBDA, timeout_seconds=30, result_path="$.fetched",
                 parameters={"FunctionName": FETCH_ARN,
                             "Payload": {"id.$": "$.order.id", "step": k}})
    fetch.fields["result_selector"] = {"body.$": "$.Payload"}
    fetch.add_retry(Retry(error_equals=["Lambda.ServiceException",
                                        "Lambda.TooManyRequestsException"],
                          interval_seconds=2, max_attempts=6, backoff_rate=2))
    fetch.add_retry(Retry(error_equals=["States.Timeout"], max_attempts=2))
    fetch.add_catch(Catch(error_equals=["States.ALL"], next_step=failed, result_path="$.error"))
    shape = Pass(f"Shape_{k}", result_path="$.shape", parameters={
        "key.$": "States.Format('order-{}', $.order.id)",
        "parts.$": "States.ArrayPartition($.items, 2)",
        "count.$": "States.ArrayLength($.items)",
        "requestId.$": "States.UUID()",
        "source": "bench",
    })
    shape.fields["assign"] = {"orderId.$": "$.order.id"}
    route = Choice(f"Route_{k}")
    hold = Wait(f"Hold_{k}", seconds=5)
    mark = Pass(f"Mark_{k}", result={"marked": True}, result_path="$.mark")
    skip = Pass(f"Skip_{k}")
    route.add_choice(ChoiceRule.And([ChoiceRule.NumericGreaterThan("$.shape.count", 10),
                                     ChoiceRule.StringEquals("$.order.priority", "high")]), hold)
    route.add_choice(ChoiceRule.Or([ChoiceRule.StringEquals("$.order.region", "eu"),
                                    ChoiceRule.Not(ChoiceRule.IsPresent("$.order.express",
                                                                         True))]), mark)
    route.default_choice(skip)
    fan = Parallel(f"Fan_{k}", result_path="$.fan")
    queue = Task(f"Queue_{k}", resource="arn:aws:states:::sqs:sendMessage", result_path=None,
                 timeout_seconds=10,
                 parameters={"QueueUrl": QUEUE_URL, "MessageBody": {"id.$": "$.order.id"}})
    queue.next(Pass(f"Queued_{k}", result="queued", result_path="$.queue"))
    settle = Wait(f"Settle_{k}", seconds=1)
    settle.next(Pass(f"Settled_{k}", parameters={"at.$": "$$.State.EnteredTime"}))
    fan.add_branch(queue)
    fan.add_branch(settle)
    fan.add_retry(Retry(error_equals=["States.ALL"], max_attempts=2))
    fan.add_catch(Catch(error_equals=["States.ALL"], next_step=failed, result_path="$.error"))
    price = Task(f"Price_{k}", resource=LAMBDA, timeout_seconds=10,
                 parameters={"FunctionName": PRICE_ARN, "Payload": {"item.$": "$.item"}})
    price.add_retry(Retry(error_equals=["Lambda.TooManyRequestsException"],
                          interval_seconds=1, max_attempts=3))
    price.next(Pass(f"Priced_{k}", parameters={"price.$": "$.Payload.price"}))
    each = ItemProcessorMap(f"Each_{k}", iterator=price, items_path="$.items",
                            max_concurrency=10, result_path="$.priced")
    each.fields["item_selector"] = {"item.$": "$$.Map.Item.Value",
                                    "index.$": "$$.Map.Item.Index"}
    total = jsonata(Pass(f"Total_{k}"), assign={"total": TOTAL},
                    output="{% $merge([$states.input, {'total': $total}]) %}")
    notify = jsonata(Task(f"Notify_{k}", resource="arn:aws:states:::sns:publish",
                          timeout_seconds=10),
                     arguments={"TopicArn": TOPIC_ARN, "Message": MESSAGE},
                     output="{% $states.input %}")
    check = jsonata(Choice(f"Check_{k}"))
    big = jsonata(Pass(f"Big_{k}"), output={"size": "big"})
    small = jsonata(Pass(f"Small_{k}"), output={"size": "small"})
    check.add_choice(Condition("{% $total > 100 %}"), big)
    check.default_choice(small)
    fetch.next(shape)
    shape.next(route)
    for end in (hold, mark, skip):
        end.next(fan)
    fan.next(each)
    each.next(total)
    total.next(notify)
    notify.next(check)
    return fetch, [big, small]


def same_definition(ours: str, sdk: str) -> bool:
    """Both texts hold the same document (key order and indentation aside)."""
    return bool(json.loads(ours) == json.loads(sdk))
