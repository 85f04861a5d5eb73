"""Canonical key order of an ASL document: ``Type`` first, then the specification's order.

Every writer of ASL (the compiler, ``import``'s round trip, the CLI) passes its dict through
:func:`canonical` so the same definition always serialises to the same bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from sfs3dsl.core.bounded import remember

TOP: Final = ("Comment", "QueryLanguage", "StartAt", "States", "TimeoutSeconds", "Version")
STATE: Final = (
    "Type", "Comment", "QueryLanguage",
    "Resource", "Credentials",
    "Seconds", "SecondsPath", "Timestamp", "TimestampPath",
    "Error", "ErrorPath", "Cause", "CausePath",
    "Choices", "Default",
    "Branches",
    "ItemReader", "ItemsPath", "Items", "MaxConcurrency", "MaxConcurrencyPath",
    "ItemSelector", "ItemBatcher", "ItemProcessor", "Iterator", "ResultWriter",
    "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
    "ToleratedFailureCount", "ToleratedFailureCountPath", "Label",
    "InputPath", "Parameters", "Arguments", "Result", "ResultSelector", "ResultPath",
    "OutputPath", "Output", "Assign",
    "TimeoutSeconds", "TimeoutSecondsPath", "HeartbeatSeconds", "HeartbeatSecondsPath",
    "Retry", "Catch", "Next", "End",
)
RULE_HEAD: Final = ("Comment", "Condition", "Variable")  # then the comparison operator
RULE_TAIL: Final = ("And", "Or", "Not", "Assign", "Output", "Next")
RETRIER: Final = ("ErrorEquals", "IntervalSeconds", "MaxAttempts", "BackoffRate",
                  "MaxDelaySeconds", "JitterStrategy", "Comment")
CATCHER: Final = ("ErrorEquals", "ResultPath", "Output", "Assign", "Next", "Comment")
PROCESSOR: Final = ("Comment", "ProcessorConfig", "QueryLanguage", "StartAt", "States")


class _Index(dict[str, int]):
    """Place of each known key; an unknown key sorts after all of them, in its own order."""

    def __missing__(self, key: str) -> int:
        return len(self)


_INDEXES: dict[int, _Index] = {}
#: (order, keys in the dict's order) -> the keys in canonical order, or None when they
#: already are. Definitions repeat a few shapes ({Type, Next}, {Type, Resource, Retry,
#: Next}, ...), so each shape is sorted once; the bound keeps odd documents from growing it.
_PLANS: dict[tuple[int, tuple[str, ...]], tuple[str, ...] | None] = {}
_STATE_PLANS: dict[tuple[str, ...], tuple[str, ...] | None] = {}
_MAX_PLANS = 4096


def _plan(keys: tuple[str, ...], order: tuple[str, ...]) -> tuple[str, ...] | None:
    """``keys`` in canonical order, or None when they already are."""
    index = _INDEXES.get(id(order))
    if index is None:
        index = _INDEXES[id(order)] = _Index((k, i) for i, k in enumerate(order))
    # sorted() is stable: unknown keys keep their relative order
    ranked = tuple(sorted(keys, key=index.__getitem__))
    return None if ranked == keys else ranked


def _ordered(obj: Mapping[str, Any], order: tuple[str, ...], copy: bool = True
             ) -> dict[str, Any]:
    keys = tuple(obj)
    shape = (id(order), keys)
    try:
        plan = _PLANS[shape]
    except KeyError:
        plan = remember(_PLANS, shape, _plan(keys, order), _MAX_PLANS)
    if plan is None:
        return dict(obj) if copy or type(obj) is not dict else obj
    return {k: obj[k] for k in plan}


# Documents come from JSON or from our own renderers, so plain dict checks suffice; they are
# much cheaper than isinstance(..., Mapping) on the 100,000-state path.

def _rule(rule: dict[str, Any]) -> dict[str, Any]:
    out = {k: rule[k] for k in RULE_HEAD if k in rule}
    out.update((k, v) for k, v in rule.items() if k not in out and k not in RULE_TAIL)
    out.update((k, rule[k]) for k in RULE_TAIL if k in rule)
    for key in ("And", "Or"):
        if key in out and type(out[key]) is list:
            out[key] = [_rule(r) if type(r) is dict else r for r in out[key]]
    if "Not" in out and type(out["Not"]) is dict:
        out["Not"] = _rule(out["Not"])
    return out


_NESTED = frozenset({"Choices", "Retry", "Catch", "Branches", "ItemProcessor", "Iterator"})


def _state(state: dict[str, Any], copy: bool = True) -> dict[str, Any]:
    out = _ordered(state, STATE, copy)
    if _NESTED.isdisjoint(out):
        return out
    if type(out.get("Choices")) is list:
        out["Choices"] = [_rule(r) if type(r) is dict else r for r in out["Choices"]]
    for key, order in (("Retry", RETRIER), ("Catch", CATCHER)):
        if type(out.get(key)) is list:
            out[key] = [_ordered(r, order) if type(r) is dict else r for r in out[key]]
    if type(out.get("Branches")) is list:
        out["Branches"] = [_machine(b, PROCESSOR, copy) if type(b) is dict else b
                           for b in out["Branches"]]
    for key in ("ItemProcessor", "Iterator"):
        if type(out.get(key)) is dict:
            out[key] = _machine(out[key], PROCESSOR, copy)
    return out


def _machine(machine: Mapping[str, Any], order: tuple[str, ...], copy: bool = True
             ) -> dict[str, Any]:
    out = _ordered(machine, order, copy)
    states = out.get("States")
    if type(states) is dict:
        out["States"] = {name: _state(s, copy) if type(s) is dict else s
                         for name, s in states.items()}
    return out


def canonical_state(state: dict[str, Any]) -> dict[str, Any]:
    """A state rendered by the model, its own keys put in canonical order, reusing the dict
    when they already are: the compiler's fresh output (100,000 states of a long line),
    which nobody else holds. What the model renders inside a state (Choice rules, retriers,
    catchers, branches and processors, each machine's states by its own call) comes in
    canonical order already, so it is not walked again; ``tests/test_compile.py`` checks
    that compiled documents equal :func:`canonical` of themselves."""
    keys = tuple(state)
    try:  # its own table, keyed by the keys alone: asked once for every state compiled
        plan = _STATE_PLANS[keys]
    except KeyError:
        plan = remember(_STATE_PLANS, keys, _plan(keys, STATE), _MAX_PLANS)
    return state if plan is None else {k: state[k] for k in plan}


def canonical(definition: Mapping[str, Any]) -> dict[str, Any]:
    """Return a copy of ``definition`` with every known key in the specification's order.

    Unknown keys keep their relative order after the known ones; payload templates
    (Parameters, Arguments, ...) keep the user's order.
    """
    return _machine(definition, TOP)


def dumps(definition: Mapping[str, Any], *, ordered: bool = False) -> str:
    """Serialise an ASL document deterministically: canonical order, indent 2, newline.

    Args:
        definition: the ASL document.
        ordered: the document is already in canonical order (skip reordering).
    """
    from sfs3dsl.compile.json_text import dumps_indented

    doc = definition if ordered else canonical(definition)
    return dumps_indented(doc, newline=True)
