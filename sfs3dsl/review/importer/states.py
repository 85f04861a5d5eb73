"""One ASL state -> the constructor call that builds it (``Task("a", resource=...)``).

Transitions (Next, Choices, Default, Catch) are not part of the constructor: the importer
wires them afterwards, once every state exists. Fields the model has no keyword for raise
a :class:`BuildError` that names the field, so nothing is silently dropped.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from sfs3dsl.compile.order import STATE
from sfs3dsl.core.errors import BuildError
from sfs3dsl.model.retry import Errors
from sfs3dsl.review.importer.code import Atom, Attr, Call, ListLit, Node, Str, literal
from sfs3dsl.review.importer.values import dynamic, jsonata_node, payload, payload_items

Converter = Callable[[Any, "StateContext"], Node]

#: Fields wired as transitions, not passed to the constructor.
TRANSITIONS: Final = frozenset({"Type", "Next", "End", "Choices", "Default", "Catch"})
_ERROR_CONSTANTS: Final = {value: key for key, value in vars(Errors).items()
                           if isinstance(value, str) and value.startswith("States.")}


@dataclass(frozen=True, slots=True)
class StateContext:
    """What converting one state needs: its name and whether it is a JSONata state."""

    name: str
    jsonata: bool

    def unsupported(self, what: str) -> BuildError:
        return BuildError(f"{what} cannot be expressed with the DSL", state=self.name,
                          hint="this needs a change to the sfs3dsl model")


def _lit(value: Any, ctx: StateContext) -> Node:
    return literal(value)


def _payload(value: Any, ctx: StateContext) -> Node:
    return payload(value, jsonata=ctx.jsonata)


def _expr(value: Any, ctx: StateContext) -> Node:
    """A field that may hold a JSONata string (Seconds, TimeoutSeconds, Items, ...)."""
    if isinstance(value, str) and ctx.jsonata:
        return jsonata_node(value)
    return literal(value)


def _dynamic(value: Any, ctx: StateContext) -> Node:
    node = dynamic(value) if isinstance(value, str) else None
    if node is None:
        raise ctx.unsupported(f"the path value {value!r}")
    return node


# ASL field -> (keyword, converter), shared by every state type that has the field.
FIELDS: Final[dict[str, tuple[str, Converter]]] = {
    "Comment": ("comment", _lit),
    "QueryLanguage": ("query_language", _lit),
    "Resource": ("resource", _lit),
    "Credentials": ("credentials", _lit),
    "Seconds": ("seconds", _expr),
    "SecondsPath": ("seconds", _dynamic),
    "Timestamp": ("timestamp", _expr),
    "TimestampPath": ("timestamp", _dynamic),
    "Error": ("error", _expr),
    "ErrorPath": ("error", _dynamic),
    "Cause": ("cause", _expr),
    "CausePath": ("cause", _dynamic),
    "ItemsPath": ("items_path", _lit),
    "Items": ("items", _payload),
    "MaxConcurrency": ("max_concurrency", _expr),
    "MaxConcurrencyPath": ("max_concurrency", _dynamic),
    "ItemSelector": ("item_selector", _payload),
    "ToleratedFailurePercentage": ("tolerated_failure_percentage", _expr),
    "ToleratedFailurePercentagePath": ("tolerated_failure_percentage", _dynamic),
    "ToleratedFailureCount": ("tolerated_failure_count", _expr),
    "ToleratedFailureCountPath": ("tolerated_failure_count", _dynamic),
    "Label": ("label", _expr),
    "InputPath": ("input_path", _lit),
    "Parameters": ("parameters", _payload),
    "Arguments": ("arguments", _payload),
    "Result": ("result", _lit),
    "ResultSelector": ("result_selector", _payload),
    "ResultPath": ("result_path", _lit),
    "OutputPath": ("output_path", _lit),
    "Output": ("output", _payload),
    "Assign": ("assign", _payload),
    "TimeoutSeconds": ("timeout_seconds", _expr),
    "TimeoutSecondsPath": ("timeout_seconds", _dynamic),
    "HeartbeatSeconds": ("heartbeat_seconds", _expr),
    "HeartbeatSecondsPath": ("heartbeat_seconds", _dynamic),
}
_IO: Final = ("Comment", "QueryLanguage", "InputPath", "OutputPath", "Output")
_RESULT: Final = ("ResultSelector", "ResultPath", "Assign", "Retry")
#: The fields each state type's constructor takes (besides transitions).
ACCEPTS: Final[dict[str, frozenset[str]]] = {
    "Pass": frozenset({*_IO, "Result", "Parameters", "ResultPath", "Assign"}),
    "Wait": frozenset({*_IO, "Seconds", "SecondsPath", "Timestamp", "TimestampPath",
                       "Assign"}),
    "Succeed": frozenset(_IO),
    "Fail": frozenset({"Comment", "QueryLanguage", "Error", "ErrorPath", "Cause",
                       "CausePath"}),
    "Choice": frozenset({*_IO, "Assign"}),
    "Task": frozenset({*_IO, *_RESULT, "Resource", "Credentials", "Parameters",
                       "Arguments", "TimeoutSeconds", "TimeoutSecondsPath",
                       "HeartbeatSeconds", "HeartbeatSecondsPath"}),
    "Parallel": frozenset({*_IO, *_RESULT, "Branches", "Parameters", "Arguments"}),
    "Map": frozenset({*_IO, *_RESULT, "ItemProcessor", "Iterator", "ItemsPath", "Items",
                      "ItemSelector", "Parameters", "MaxConcurrency", "MaxConcurrencyPath",
                      "ItemReader", "ItemBatcher", "ResultWriter", "Label",
                      "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
                      "ToleratedFailureCount", "ToleratedFailureCountPath"}),
}


def check_fields(state: Mapping[str, Any], ctx: StateContext) -> str:
    """The state's type, after checking that the model can express every field."""
    kind = state.get("Type")
    if kind not in ACCEPTS:
        raise ctx.unsupported(f"a state of Type {kind!r}")
    extra = sorted(k for k in state if k not in ACCEPTS[kind] and k not in TRANSITIONS)
    if extra:
        raise ctx.unsupported(f"the field(s) {', '.join(extra)} on a {kind} state")
    if "End" in state and (state["End"] is not True or "Next" in state):
        raise ctx.unsupported(f'"End": {state["End"]!r}')
    return str(kind)


def keywords(state: Mapping[str, Any], ctx: StateContext,
             skip: Sequence[str] = ()) -> list[tuple[str, Node]]:
    """Keyword arguments for the plain fields of ``state``, in the specification's order."""
    out: list[tuple[str, Node]] = []
    for key in STATE:
        if key in state and key in FIELDS and key not in skip and key != "Resource":
            keyword, convert = FIELDS[key]
            out.append((keyword, convert(state[key], ctx)))
    if "Retry" in state and "Retry" not in skip:
        out.append(("retry", retriers(state["Retry"], ctx)))
    return _comment_last(out)


def _comment_last(kwargs: list[tuple[str, Node]]) -> list[tuple[str, Node]]:
    """``comment=`` and ``query_language=`` read best at the end, as in the README."""
    tail = [kw for kw in kwargs if kw[0] in ("comment", "query_language")]
    return [kw for kw in kwargs if kw not in tail] + tail


def error_list(errors: Any, ctx: StateContext) -> Node:
    if not isinstance(errors, list):
        raise ctx.unsupported(f"ErrorEquals {errors!r}")
    items: list[Node] = []
    for error in errors:
        constant = _ERROR_CONSTANTS.get(error) if isinstance(error, str) else None
        items.append(Attr(Atom("Errors"), constant) if constant
                     else literal(error))
    return ListLit(tuple(items))


_RETRY_FIELDS: Final = {"IntervalSeconds": "interval_seconds", "MaxAttempts": "max_attempts",
                        "BackoffRate": "backoff_rate", "MaxDelaySeconds": "max_delay_seconds",
                        "JitterStrategy": "jitter_strategy", "Comment": "comment"}


def retriers(value: Any, ctx: StateContext) -> Node:
    if not isinstance(value, list):
        raise ctx.unsupported(f"Retry {value!r}")
    calls: list[Node] = []
    for retrier in value:
        if not isinstance(retrier, Mapping) or "ErrorEquals" not in retrier:
            raise ctx.unsupported(f"the retrier {retrier!r}")
        extra = sorted(set(retrier) - set(_RETRY_FIELDS) - {"ErrorEquals"})
        if extra:
            raise ctx.unsupported(f"the retrier field(s) {', '.join(extra)}")
        kwargs = tuple((_RETRY_FIELDS[k], literal(retrier[k])) for k in _RETRY_FIELDS
                       if k in retrier)
        calls.append(Call("Retry",
                          (error_list(retrier["ErrorEquals"], ctx),), kwargs))
    return ListLit(tuple(calls))


# -- Map's structured fields ---------------------------------------------------------------
_LIST_OBJECTS: Final = "arn:aws:states:::s3:listObjectsV2"
_GET_OBJECT: Final = "arn:aws:states:::s3:getObject"
_PUT_OBJECT: Final = "arn:aws:states:::s3:putObject"
_S3_FILE_CONFIG: Final = {"InputType": "input_type", "CSVHeaderLocation": "csv_header_location",
                          "MaxItems": "max_items"}


def _snake_items(value: Any, names: Mapping[str, str],
                 ctx: StateContext) -> list[tuple[str, Node]] | None:
    """``{"Bucket": ..., "Key.$": ...}`` as keywords ``bucket=``, ``key=JsonPath(...)``."""
    if not isinstance(value, Mapping):
        return None
    items = payload_items(value, jsonata=ctx.jsonata)
    if any(key not in names for key, _ in items):
        return None
    return [(names[key], node) for key, node in items]


def item_reader(value: Any, ctx: StateContext) -> Node:
    if not isinstance(value, Mapping) or not isinstance(value.get("Resource"), str) or \
            set(value) - {"Resource", "Parameters", "ReaderConfig", "Arguments"}:
        raise ctx.unsupported(f"the ItemReader {value!r}")
    name = "ItemReader"
    resource, params, config = value["Resource"], value.get("Parameters"), \
        value.get("ReaderConfig")
    if "Arguments" not in value and params is not None:
        bucket = {"Bucket": "bucket", "Prefix": "prefix", "Key": "key"}
        kwargs = _snake_items(params, bucket, ctx)
        if resource == _LIST_OBJECTS and config is None and kwargs is not None \
                and set(params) in ({"Bucket", "Prefix"}, {"Bucket", "Prefix.$"},
                                    {"Bucket.$", "Prefix"}, {"Bucket.$", "Prefix.$"}):
            return Call(f"{name}.s3_objects", (), tuple(kwargs))
        if resource == _GET_OBJECT and kwargs is not None and isinstance(config, Mapping) \
                and "InputType" in config and set(config) <= set(_S3_FILE_CONFIG) \
                and {k.removesuffix(".$") for k in params} == {"Bucket", "Key"}:
            config_kwargs = [(_S3_FILE_CONFIG[k], literal(v)) for k, v in config.items()]
            return Call(f"{name}.s3_file", (), tuple(kwargs + config_kwargs))
    kw: list[tuple[str, Node]] = []
    if config is not None:
        kw.append(("reader_config", literal(config)))
    if "Arguments" in value:
        kw.append(("arguments", _payload(value["Arguments"], ctx)))
    args: tuple[Node, ...] = (Str(resource),)
    if params is not None:
        args += (_payload(params, ctx),)
    return Call(name, args, tuple(kw))


def result_writer(value: Any, ctx: StateContext) -> Node:
    if not isinstance(value, Mapping) or set(value) - {"Resource", "Parameters",
                                                       "WriterConfig"}:
        raise ctx.unsupported(f"the ResultWriter {value!r}")
    params = value.get("Parameters")
    kwargs = _snake_items(params, {"Bucket": "bucket", "Prefix": "prefix"}, ctx)
    if kwargs is None or "bucket" not in dict(kwargs) or "prefix" not in dict(kwargs):
        raise ctx.unsupported("a ResultWriter without Parameters {Bucket, Prefix}")
    if value.get("Resource") != _PUT_OBJECT:
        kwargs.append(("resource", literal(value.get("Resource"))))
    if "WriterConfig" in value:
        kwargs.append(("writer_config", literal(value["WriterConfig"])))
    return Call("ResultWriter", (), tuple(kwargs))


_BATCHER: Final = {"MaxItemsPerBatch": "max_items_per_batch",
                   "MaxItemsPerBatchPath": "max_items_per_batch",
                   "MaxInputBytesPerBatch": "max_input_bytes_per_batch",
                   "MaxInputBytesPerBatchPath": "max_input_bytes_per_batch",
                   "BatchInput": "batch_input"}


def item_batcher(value: Any, ctx: StateContext) -> Node:
    if not isinstance(value, Mapping) or set(value) - set(_BATCHER):
        raise ctx.unsupported(f"the ItemBatcher {value!r}")
    kwargs: list[tuple[str, Node]] = []
    for key, item in value.items():
        convert = _dynamic if key.endswith("Path") else \
            _payload if key == "BatchInput" else _expr
        kwargs.append((_BATCHER[key], convert(item, ctx)))
    return Call("ItemBatcher", (), tuple(kwargs))


def map_keywords(state: Mapping[str, Any], ctx: StateContext,
                 processor: Node) -> list[tuple[str, Node]]:
    """The keywords of a Map: its processor, mode and distributed-only fields first."""
    field = "Iterator" if "Iterator" in state else "ItemProcessor"
    machine = state[field]
    out: list[tuple[str, Node]] = [("processor", processor)]
    config = machine.get("ProcessorConfig") if isinstance(machine, Mapping) else None
    if config is not None:
        if not isinstance(config, Mapping) or set(config) - {"Mode", "ExecutionType"} \
                or "Mode" not in config:
            raise ctx.unsupported(f"the ProcessorConfig {config!r}")
        out.append(("mode", literal(config["Mode"])))
        if "ExecutionType" in config:
            out.append(("execution_type", literal(config["ExecutionType"])))
    for key, keyword, convert in (("ItemReader", "item_reader", item_reader),
                                  ("ItemBatcher", "item_batcher", item_batcher),
                                  ("ResultWriter", "result_writer", result_writer)):
        if key in state:
            out.append((keyword, convert(state[key], ctx)))
    out += keywords(state, ctx)
    if field == "Iterator":
        out.insert(len(out) - sum(k in ("comment", "query_language") for k, _ in out),
                   ("legacy_iterator", Atom("True")))
    return out


__all__ = ["ACCEPTS", "FIELDS", "TRANSITIONS", "StateContext", "check_fields", "error_list",
           "keywords", "map_keywords", "retriers"]
