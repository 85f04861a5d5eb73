"""Hypothesis strategies that describe random workflows, and ``build`` that makes them.

A strategy draws a *blueprint* (plain frozen dataclasses: readable when hypothesis prints a
failing example); :func:`build` turns it into a :class:`sfs3dsl.Workflow` through the public
API only. Building is where the DSL refuses mistakes, so it happens in the test, not here.

The blueprints mix valid and invalid choices on purpose: duplicate names, a terminal state in
the middle of a chain, JSONPath fields in JSONata states, bad paths and expressions, a
retrier after States.ALL, an ItemReader on an inline Map, heartbeat >= timeout, a callback
without its token. Every such workflow must be refused (BuildError / ValidationError);
every other one must compile to ASL that the independent checker accepts.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal, TypeVar

from hypothesis import strategies as st

from sfs3dsl import (
    Catch,
    Chain,
    Chainable,
    Choice,
    Condition,
    Context,
    Fail,
    ItemBatcher,
    ItemReader,
    Jsonata,
    JsonataCondition,
    JsonPath,
    Map,
    Parallel,
    Pass,
    ResultWriter,
    Retry,
    States,
    Succeed,
    Task,
    Wait,
    Workflow,
    lambda_invoke,
    sns_publish,
    sqs_send_message,
    start_execution,
)

T = TypeVar("T")
Language = Literal["JSONPath", "JSONata"]
Kind = Literal["Pass", "Task", "Wait", "Choice", "Parallel", "Map", "Succeed", "Fail"]

FN = "arn:aws:lambda:us-east-1:123456789012:function:work"
SM = "arn:aws:states:us-east-1:123456789012:stateMachine:child"
TOPIC = "arn:aws:sns:us-east-1:123456789012:topic"
QUEUE = "https://sqs.us-east-1.amazonaws.com/123456789012/queue"

# A small pool makes duplicate names (refused at compile time) common enough to matter.
NAMES = ("A", "B", "C", "D", "E", "F", "G", "H", "step one", "Step.2", "x-y_z", "Ünï")


# -- blueprints ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class RetrySpec:
    errors: tuple[str, ...]
    options: Mapping[str, Any]


@dataclass(frozen=True)
class CatchSpec:
    errors: tuple[str, ...]
    handler: SeqSpec
    options: Mapping[str, Any]


@dataclass(frozen=True)
class RuleSpec:
    condition: Condition | str
    target: SeqSpec
    options: Mapping[str, Any]


@dataclass(frozen=True)
class StateSpec:
    kind: Kind
    name: str | None
    options: Mapping[str, Any]
    language: Language | None = None
    retries: tuple[RetrySpec, ...] = ()
    catches: tuple[CatchSpec, ...] = ()
    children: tuple[SeqSpec, ...] = ()  # Parallel branches, or a Map's processor
    rules: tuple[RuleSpec, ...] = ()  # Choice
    default: SeqSpec | None = None  # Choice
    helper: str = ""  # Task: which integration helper builds it


@dataclass(frozen=True)
class SeqSpec:
    states: tuple[StateSpec, ...]


@dataclass(frozen=True)
class WorkflowSpec:
    language: Language | None
    body: SeqSpec
    options: Mapping[str, Any] = field(default_factory=dict)


# -- values -------------------------------------------------------------------------------------

@cache
def _jsonata_exprs() -> st.SearchStrategy[str]:
    return st.sampled_from([
        "$states.input", "$states.input.a", "$states.input.n + 1", "$count($states.input.xs)",
        "$v", "{'k': $states.input.k}", "$states.context.Execution.Id",
        "$states.input.(",  # syntax error: must be refused
    ])


@cache
def _paths() -> st.SearchStrategy[Any]:
    """Values for InputPath / OutputPath / ItemsPath."""
    return st.one_of(
        st.sampled_from(["$", "$.a", "$.a.b", "$.items[0]", "$$.Execution.Input", "$['k y']"]),
        st.sampled_from(["$.a.[", "a.b"]),  # not JSONPath: must be refused
        st.just(JsonPath("$.x")),
    )


@cache
def _result_paths() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.sampled_from(["$", "$.r", "$.r.s", "$.r[0]"]),
        st.just(None),
        st.sampled_from(["$.r[*]", "$..r"]),  # not reference paths: must be refused
    )


@cache
def _intrinsics() -> st.SearchStrategy[Any]:
    return st.sampled_from([
        States.Format("id-{}", JsonPath("$.id")),
        States.UUID(),
        States.MathAdd(JsonPath("$.n"), 1),
        States.Array(1, "two", JsonPath("$.x")),
        States.JsonToString(JsonPath("$.obj")),
        States.ArrayLength(JsonPath("$.xs")),
        States.Hash(JsonPath("$.s"), "SHA-256"),
        States.StringSplit(JsonPath("$.csv"), ","),
    ])


@cache
def _scalars(language: Language = "JSONPath") -> st.SearchStrategy[Any]:
    # asl-validator 4.0.0 rejects an empty string anywhere in a JSONata payload ("must match
    # exactly one schema in oneOf": it fits both its JSONata and its plain-string schema),
    # although it is plain JSON that the developer guide allows: a blind spot, not ours.
    strings = ["text", "a.b", "$not-a-path"] + ([""] if language == "JSONPath" else [])
    return st.one_of(st.integers(-5, 5), st.sampled_from(strings), st.booleans(), st.none(),
                     st.floats(-2, 2, allow_nan=False))


_KEYS = st.sampled_from(["a", "b", "msg", "Payload", "x.y"])


def _make_payloads(language: Language) -> st.SearchStrategy[dict[str, Any]]:
    as_path: st.SearchStrategy[Any] = st.one_of(st.just(JsonPath("$.a")), _intrinsics())
    as_jsonata: st.SearchStrategy[Any] = _jsonata_exprs().map(Jsonata)
    dynamic_right = as_path if language == "JSONPath" else as_jsonata
    dynamic_wrong = as_jsonata if language == "JSONPath" else as_path
    leaf = st.one_of(_scalars(language), dynamic_right, dynamic_right, dynamic_wrong,
                     st.lists(_scalars(language), max_size=2))
    inner = st.dictionaries(_KEYS, leaf, max_size=2)
    return st.dictionaries(_KEYS, st.one_of(leaf, leaf, inner), max_size=3)


_PAYLOADS: dict[Language, st.SearchStrategy[dict[str, Any]]] = {
    "JSONPath": _make_payloads("JSONPath"), "JSONata": _make_payloads("JSONata")}


def _payloads(language: Language) -> st.SearchStrategy[dict[str, Any]]:
    """A payload template: mostly of the right language, sometimes of the wrong one."""
    return _PAYLOADS[language]


def _make_assigns(language: Language) -> st.SearchStrategy[dict[str, Any] | None]:
    dynamic: st.SearchStrategy[Any] = (st.just(JsonPath("$.a")) if language == "JSONPath"
                                       else _jsonata_exprs().map(Jsonata))
    values = st.one_of(_scalars(language), dynamic)
    return st.one_of(st.none(), st.dictionaries(st.sampled_from(["v", "total", "seen"]), values,
                                                min_size=1, max_size=2))


_ASSIGNS = {"JSONPath": _make_assigns("JSONPath"), "JSONata": _make_assigns("JSONata")}


def _assigns(language: Language) -> st.SearchStrategy[dict[str, Any] | None]:
    return _ASSIGNS[language]


_PERCENT = st.integers(0, 99)
_ONCE: dict[str, st.SearchStrategy[Any]] = {}


def _once(key: str, make: Callable[[], st.SearchStrategy[T]]) -> st.SearchStrategy[T]:
    """Build a strategy once: hypothesis spends its time validating new strategy objects."""
    found = _ONCE.get(key)
    if found is None:
        found = _ONCE[key] = make()
    return found


def _maybe(draw: st.DrawFn, probability: float) -> bool:
    """True with about ``probability``; shrinks towards False (the simpler example)."""
    return draw(_PERCENT) >= 100 - round(probability * 100)


# -- conditions ---------------------------------------------------------------------------------

@cache
def _comparisons() -> st.SearchStrategy[Condition]:
    a, b = JsonPath("$.a"), JsonPath("$.b")
    return st.sampled_from([
        a == "x", a < "m", a >= "m", a == 1, a > 2.5, a <= -1, a == True,  # noqa: E712
        a.timestamp > "2024-01-01T00:00:00Z", a.number < b, a.string == b, a.boolean == b,
        a.timestamp <= b, a.matches("*.csv"), a.is_null(), a.is_present(False), a.is_numeric(),
        a.is_string(), a.is_boolean(), a.is_timestamp(), a != 3,
        JsonPath("$$.Execution.Name") == "run", JsonPath("$.a[0].b") >= 0,
    ])


@st.composite
def conditions(draw: st.DrawFn, language: Language) -> Condition | str:
    """A Choice rule's condition; JSONata states get JSONata ones (mostly)."""
    if (language == "JSONata") != _maybe(draw, 0.1):
        expr = draw(st.sampled_from(["$states.input.n > 1", "$exists($states.input.k)",
                                     "$states.input.s = 'x'", "$v", "$states.input.("]))
        if _maybe(draw, 0.5):
            return "{% " + expr + " %}"
        cond = JsonataCondition(expr)
        if _maybe(draw, 0.3):
            return ~cond
        return cond
    base = draw(_comparisons())
    for _ in range(draw(st.integers(0, 2))):
        other = draw(_comparisons())
        op = draw(st.sampled_from(["and", "or", "not"]))
        base = base & other if op == "and" else base | other if op == "or" else ~base
    return base


# -- states -------------------------------------------------------------------------------------

def _retries(draw: st.DrawFn) -> tuple[RetrySpec, ...]:
    out = []
    for _ in range(draw(_once("0-2", lambda: st.integers(0, 2)))):
        errors = draw(_once("retry-errors", lambda: st.lists(st.sampled_from([
            "States.ALL", "States.Timeout", "States.TaskFailed", "Custom.Error",
            "States.HeartbeatTimeout", "Lambda.ServiceException"]), min_size=1, max_size=2,
            unique=True)))
        options = draw(_once("retry-options", lambda: st.fixed_dictionaries({}, optional={
            "interval_seconds": st.integers(1, 10),
            "max_attempts": st.integers(0, 5),
            "backoff_rate": st.sampled_from([1, 1.5, 2.0]),
            "max_delay_seconds": st.integers(1, 100),
            "jitter_strategy": st.sampled_from(["FULL", "NONE"]),
        })))
        out.append(RetrySpec(tuple(errors), options))
    return tuple(out)


def _catches(draw: st.DrawFn, depth: int, language: Language) -> tuple[CatchSpec, ...]:
    out = []
    for _ in range(draw(_once("0-1", lambda: st.integers(0, 1)))):
        errors = draw(_once("catch-errors", lambda: st.sampled_from([
            ("States.ALL",), ("States.TaskFailed",), ("Custom.Error", "States.Timeout")])))
        options: dict[str, Any] = {}
        if (language == "JSONPath" or _maybe(draw, 0.1)) and _maybe(draw, 0.6):
            options["result_path"] = draw(_result_paths())
        if (language == "JSONata" or _maybe(draw, 0.1)) and _maybe(draw, 0.4):
            options["output"] = Jsonata("$states.errorOutput")
        if _maybe(draw, 0.3):
            options["assign"] = draw(_assigns(language))
        handler = draw(sequences(depth + 1, language, max_len=1))
        out.append(CatchSpec(errors, handler, options))
    return tuple(out)


def _io(draw: st.DrawFn, language: Language, *, result: bool) -> dict[str, Any]:
    """InputPath/OutputPath/ResultPath (JSONPath) or Output (JSONata), with some mixing."""
    options: dict[str, Any] = {}
    jsonpath = (language == "JSONPath") != _maybe(draw, 0.08)
    if jsonpath:
        if _maybe(draw, 0.25):
            options["input_path"] = draw(_paths())
        if _maybe(draw, 0.25):
            options["output_path"] = draw(_paths())
        if result and _maybe(draw, 0.3):
            options["result_path"] = draw(_result_paths())
    elif _maybe(draw, 0.4):
        options["output"] = draw(_once(f"output-{language}", lambda: st.one_of(
            _jsonata_exprs().map(Jsonata), _payloads(language))))
    if _maybe(draw, 0.2):
        options["assign"] = draw(_assigns(language))
    return options


def _pass(draw: st.DrawFn, language: Language) -> dict[str, Any]:
    options = _io(draw, language, result=True)
    if _maybe(draw, 0.3):
        options["result"] = draw(_once("result", lambda: st.one_of(_scalars(), st.dictionaries(
            st.sampled_from(["k", "n"]), _scalars(), max_size=2))))
    elif language == "JSONPath" and _maybe(draw, 0.3):
        options["parameters"] = draw(_payloads(language))
    return options


def _wait(draw: st.DrawFn, language: Language) -> dict[str, Any]:
    options = _io(draw, language, result=False)
    which = draw(_once("wait-which", lambda: st.sampled_from(
        ["seconds", "seconds", "timestamp", "none", "both"])))
    seconds = _once("seconds", lambda: st.one_of(
        st.integers(0, 99_999_999), st.just(-1), st.just(JsonPath("$.delay")),
        _jsonata_exprs().map(Jsonata)))
    timestamp = _once("timestamp", lambda: st.one_of(
        st.sampled_from(["2024-01-02T03:04:05Z", "2024-01-02T03:04:05+01:00", "yesterday"]),
        st.just(JsonPath("$.when")), st.just(Jsonata("$states.input.when"))))
    if which in ("seconds", "both"):
        options["seconds"] = draw(seconds)
    if which in ("timestamp", "both"):
        options["timestamp"] = draw(timestamp)
    return options


def _fail(draw: st.DrawFn, language: Language) -> dict[str, Any]:
    def make() -> st.SearchStrategy[dict[str, Any]]:
        values = st.one_of(st.sampled_from(["Flaky.Failed", "it broke"]),
                           st.just(JsonPath("$.err")),
                           st.just(States.Format("E-{}", JsonPath("$.code"))),
                           _jsonata_exprs().map(Jsonata))
        return st.fixed_dictionaries({}, optional={"error": values, "cause": values})

    options: dict[str, Any] = draw(_once("fail", make))
    return options


def _succeed(draw: st.DrawFn, language: Language) -> dict[str, Any]:
    options = _io(draw, language, result=False)
    options.pop("assign", None)
    return options


def _task(draw: st.DrawFn, language: Language) -> tuple[str, dict[str, Any]]:
    helper = draw(_once("helper", lambda: st.sampled_from(
        ["task", "task", "lambda_invoke", "callback", "sns", "start_execution", "sqs"])))
    options = _io(draw, language, result=True)
    if language == "JSONPath" and _maybe(draw, 0.3):
        options["result_selector"] = draw(_payloads(language))
    timeouts = _once("timeouts", lambda: st.one_of(
        st.integers(1, 600), st.just(0), st.just(JsonPath("$.t")),
        _jsonata_exprs().map(Jsonata)))
    if _maybe(draw, 0.3):
        options["timeout_seconds"] = draw(timeouts)
    if _maybe(draw, 0.2):
        options["heartbeat_seconds"] = draw(timeouts)
    if helper == "task":
        options["resource"] = draw(_once("resource", lambda: st.sampled_from([
            FN, "arn:aws:states:::lambda:invoke", "arn:aws:states:::sns:publish",
            "arn:aws:states:us-east-1:123456789012:activity:work"])))
        payload = draw(_once(f"payload-or-none-{language}",
                             lambda: st.one_of(st.none(), _payloads(language))))
        if payload is not None:
            options["arguments" if language == "JSONata" else "parameters"] = payload
    elif helper == "callback":
        token: Any = (Context.task_token if language == "JSONPath"
                      else "{% $states.context.Task.Token %}")
        payload = {"token": token} if _maybe(draw, 0.8) else {"other": 1}
        options["payload"] = payload
    elif helper == "sns":
        options["message"] = draw(_once(f"message-{language}",
                                        lambda: st.one_of(_scalars(language), _payloads(language))))
    elif helper == "start_execution":
        options["sync"] = draw(_once("sync", lambda: st.sampled_from([False, True, 2])))
    elif helper == "sqs":
        options["message_body"] = draw(_payloads(language))
    return helper, options


def _map(draw: st.DrawFn, language: Language) -> dict[str, Any]:
    options = _io(draw, language, result=True)
    distributed = _maybe(draw, 0.35)
    if distributed:
        options["mode"] = "DISTRIBUTED"
    elif _maybe(draw, 0.2):
        options["mode"] = "INLINE"
    if language == "JSONPath" and _maybe(draw, 0.4):
        options["items_path"] = draw(_once("items-path", lambda: st.sampled_from(
            ["$.items", "$", JsonPath("$.xs")])))
    if language == "JSONata" and _maybe(draw, 0.4):
        options["items"] = Jsonata("$states.input.items")
    if _maybe(draw, 0.3):
        options["item_selector"] = draw(_payloads(language))
    if _maybe(draw, 0.3):
        options["max_concurrency"] = draw(_once("concurrency", lambda: st.one_of(
            st.integers(0, 50), st.just(JsonPath("$.n")))))
    if distributed or _maybe(draw, 0.05):
        if _maybe(draw, 0.5):
            options["item_reader"] = draw(_once("reader", lambda: st.sampled_from([
                ItemReader.s3_objects(bucket="in", prefix="p/"),
                ItemReader.s3_file(bucket="in", key="k.csv", input_type="CSV",
                                   csv_header_location="FIRST_ROW"),
                ItemReader.s3_file(bucket="in", key="k.json")])))
        if _maybe(draw, 0.3):
            options["item_batcher"] = ItemBatcher(max_items_per_batch=10)
        if _maybe(draw, 0.3):
            options["result_writer"] = ResultWriter(bucket="out", prefix="r/")
        if _maybe(draw, 0.3):
            options["tolerated_failure_percentage"] = draw(st.integers(0, 100))
        if _maybe(draw, 0.2):
            options["tolerated_failure_count"] = draw(st.integers(0, 10))
        if _maybe(draw, 0.3):
            options["label"] = "Batch"
        if _maybe(draw, 0.4):
            options["execution_type"] = draw(_once("exec-type", lambda: st.sampled_from(
                ["STANDARD", "EXPRESS"])))
    return options


_BUILDERS = {"Pass": _pass, "Wait": _wait, "Fail": _fail, "Succeed": _succeed}


def states(depth: int, language: Language, *, last: bool) -> st.SearchStrategy[StateSpec]:
    """One state (cached per arguments: building strategies is what costs in hypothesis)."""
    key = ("state", depth, language, last)
    if key not in _CACHE:
        _CACHE[key] = _states(depth, language, last=last)
    return _CACHE[key]


_CACHE: dict[tuple[object, ...], st.SearchStrategy[Any]] = {}


@st.composite
def _states(draw: st.DrawFn, depth: int, language: Language, *, last: bool) -> StateSpec:
    """One state; containers (Choice, Parallel, Map) only while ``depth`` allows."""
    kinds: list[Kind] = ["Pass", "Task", "Wait", "Pass", "Task"]
    if depth < 2:
        kinds += ["Choice", "Parallel", "Map"]
    if last or _maybe(draw, 0.03):  # a terminal state mid-chain must be refused
        kinds += ["Succeed", "Fail"]
    kind = draw(_once(f"kinds-{kinds}", lambda: st.sampled_from(kinds)))
    name = draw(_once("name", lambda: st.one_of(st.none(), st.sampled_from(NAMES))))
    own: Language | None = None
    if _maybe(draw, 0.1):
        own = draw(_once("language", lambda: st.sampled_from(["JSONPath", "JSONata"])))
    effective: Language = own or language
    options: dict[str, Any]
    if _maybe(draw, 0.15):
        comment: dict[str, Any] = {"comment": draw(_once("comment", lambda: st.sampled_from(
            ["why", "", "ünïcode"])))}
    else:
        comment = {}
    if kind in _BUILDERS:
        options = _BUILDERS[kind](draw, effective)
        return StateSpec(kind, name, {**options, **comment}, own)
    if kind == "Choice":
        rules = tuple(RuleSpec(draw(conditions(effective)),
                               draw(sequences(depth + 1, effective, max_len=2)),
                               _rule_options(draw, effective))
                      for _ in range(draw(st.integers(0 if _maybe(draw, 0.05) else 1, 2))))
        default = draw(_once(f"default-{depth}-{effective}", lambda: st.one_of(
            st.none(), sequences(depth + 1, effective, max_len=2))))
        options = _io(draw, effective, result=False)
        return StateSpec(kind, name, {**options, **comment}, own, rules=rules, default=default)
    retries = _retries(draw)
    catches = _catches(draw, depth, effective)
    if kind == "Task":
        helper, options = _task(draw, effective)
        return StateSpec(kind, name, {**options, **comment}, own, retries, catches,
                         helper=helper)
    if kind == "Parallel":
        count = draw(st.integers(0 if _maybe(draw, 0.05) else 1, 2))
        branches = tuple(draw(sequences(depth + 1, effective, max_len=2)) for _ in range(count))
        options = _io(draw, effective, result=True)
        return StateSpec(kind, name, {**options, **comment}, own, retries, catches, branches)
    options = _map(draw, effective)
    processor = draw(sequences(depth + 1, effective, max_len=2))
    return StateSpec(kind, name, {**options, **comment}, own, retries, catches, (processor,))


def _rule_options(draw: st.DrawFn, language: Language) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if _maybe(draw, 0.2):
        options["assign"] = draw(_assigns(language))
    if language == "JSONata" and _maybe(draw, 0.2):
        options["output"] = Jsonata("$states.input")
    return options


def sequences(depth: int, language: Language, *, max_len: int) -> st.SearchStrategy[SeqSpec]:
    """A chain of 1 to ``max_len`` states; only the last may be Succeed or Fail (mostly)."""
    key = ("seq", depth, language, max_len)
    if key not in _CACHE:
        _CACHE[key] = _sequences(depth, language, max_len=max_len)
    return _CACHE[key]


@st.composite
def _sequences(draw: st.DrawFn, depth: int, language: Language, *, max_len: int) -> SeqSpec:
    length = draw(st.integers(1, max_len))
    return SeqSpec(tuple(draw(states(depth, language, last=i == length - 1))
                         for i in range(length)))


@st.composite
def workflows(draw: st.DrawFn) -> WorkflowSpec:
    """A whole workflow blueprint: top-level options, then a chain of up to 4 states."""
    language: Language | None = draw(st.sampled_from([None, "JSONPath", "JSONata"]))
    options = draw(st.fixed_dictionaries({}, optional={
        "comment": st.sampled_from(["top", "ünï"]),
        "timeout_seconds": st.integers(1, 3600),
        "version": st.just("1.0"),
    }))
    body = draw(sequences(0, language or "JSONPath", max_len=4))
    return WorkflowSpec(language, body, options)


# -- building -----------------------------------------------------------------------------------

def build(spec: WorkflowSpec) -> Workflow:
    """Make the workflow through the public API; raises BuildError where the DSL refuses."""
    return Workflow("random", build_sequence(spec.body), query_language=spec.language,
                    **spec.options)


def build_sequence(spec: SeqSpec) -> Chainable:
    items = [build_state(s) for s in spec.states]
    return Chain.sequence(items[0], *items[1:])


def _recovery(spec: StateSpec) -> dict[str, Any]:
    return {"retry": [Retry(list(r.errors), **r.options) for r in spec.retries],
            "catch": [Catch(list(c.errors), build_sequence(c.handler), **c.options)
                      for c in spec.catches]}


def build_state(spec: StateSpec) -> Chainable:
    o: dict[str, Any] = dict(spec.options)
    lang: dict[str, Any] = {"query_language": spec.language} if spec.language else {}
    if spec.kind == "Pass":
        return Pass(spec.name, **o, **lang)
    if spec.kind == "Wait":
        return Wait(spec.name, **o, **lang)
    if spec.kind == "Succeed":
        return Succeed(spec.name, **o, **lang)
    if spec.kind == "Fail":
        return Fail(spec.name, **o, **lang)
    if spec.kind == "Choice":
        return _build_choice(spec, o, lang)
    if spec.kind == "Parallel":
        return Parallel(spec.name, branches=[build_sequence(b) for b in spec.children],
                        **o, **_recovery(spec), **lang)
    if spec.kind == "Map":
        return Map(spec.name, processor=build_sequence(spec.children[0]), **o,
                   **_recovery(spec), **lang)
    return _build_task(spec, o, lang)


def _build_choice(spec: StateSpec, o: dict[str, Any], lang: dict[str, Any]) -> Chainable:
    choice = Choice(spec.name, **o, **lang)
    for rule in spec.rules:
        choice.when(rule.condition, build_sequence(rule.target), **rule.options)
    if spec.default is not None:
        choice.otherwise(build_sequence(spec.default))
    after = choice.afterwards()
    return after if after.end_states else choice


def _build_task(spec: StateSpec, o: dict[str, Any], lang: dict[str, Any]) -> Chainable:
    o.update(_recovery(spec))
    o.update(lang)
    if spec.helper == "task":
        return Task(spec.name, **o)
    if spec.helper == "lambda_invoke":
        return lambda_invoke(spec.name, function=FN, **o)
    if spec.helper == "callback":
        return lambda_invoke(spec.name, function=FN, wait_for_token=True, **o)
    if spec.helper == "sns":
        return sns_publish(spec.name, topic_arn=TOPIC, **o)
    if spec.helper == "start_execution":
        return start_execution(spec.name, state_machine_arn=SM, **o)
    return sqs_send_message(spec.name, queue_url=QUEUE, **o)


def describe(spec: WorkflowSpec | SeqSpec | StateSpec, indent: int = 0) -> str:
    """A compact outline of a blueprint, for failure messages."""
    pad = "  " * indent
    if isinstance(spec, WorkflowSpec):
        return f"Workflow(language={spec.language}, {dict(spec.options)})\n" + describe(
            spec.body, indent + 1)
    if isinstance(spec, SeqSpec):
        return "\n".join(describe(s, indent) for s in spec.states)
    line = f"{pad}{spec.kind}({spec.name!r}, lang={spec.language}, {dict(spec.options)!r})"
    parts: list[str] = [line]
    subs: Sequence[SeqSpec] = [*spec.children, *(r.target for r in spec.rules),
                               *(c.handler for c in spec.catches),
                               *([spec.default] if spec.default else [])]
    parts.extend(describe(sub, indent + 1) for sub in subs)
    return "\n".join(parts)
