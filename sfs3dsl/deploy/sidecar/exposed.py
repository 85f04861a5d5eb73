"""Which top-level keys the state input carries in a side-car workflow, and the Choice check.

Only a reference flows between side-car states: ``processData`` (and ``subtopic``, and
``iteration`` in a Map), the keys steps expose (``expose=``), and the error a Catch puts
beside them. A Choice that reads ``$.outcome`` when no step before it exposes ``outcome``
would pass every schema check and then fail at run time with ``States.Runtime``; this
module finds it at compile time.

It is a forward data-flow analysis over each machine of the compiled ASL, like the read
predicates (:mod:`sfs3dsl.deploy.sidecar.predicates`), with two sets per state: the keys
*every* way into it carries (intersection) and the keys *some* way carries (union). A state
whose output this analysis cannot describe (a Task's result replacing the input, an
``OutputPath``, JSONata ``Output``) makes the input after it unknown, and nothing is checked
there. Then, for each Choice whose input is known:

* a key that no way in carries is an **error** (``choice-reads-unexposed``);
* a key that only some ways carry is a **warning** (``choice-reads-partly-exposed``): the
  others fail at run time unless the Choice tests ``is_present()`` first, which the check
  sees, so a key tested with ``IsPresent`` anywhere in the Choice is never reported.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator, Mapping
from typing import Any

from sfs3dsl.core.problems import Problem

#: What a side-car execution starts with (the facade's reference).
START_KEYS = frozenset({"processData", "subtopic"})
#: A pattern string, compiled by ``re`` on first use (and cached there): compiling it at
#: import would cost every ``sfs3dsl compile``, and most workflows never need it.
_TOP_KEY = r"\$\.([A-Za-z_][A-Za-z0-9_]*)|\$\[['\"]([^'\"]+)['\"]\]"
_JSONATA_INPUT = r"\$states\.input\.([A-Za-z_][A-Za-z0-9_]*)"
_UNKNOWN = None  # the input of a state the analysis cannot describe
_ABSENT = object()  # a field the state does not have

Keys = frozenset[str] | None


def _top_key(path: Any) -> str | None:
    """``$.order.id`` -> ``order``; None for ``$``, context paths and variables."""
    if not isinstance(path, str):
        return None
    found = re.match(_TOP_KEY, path)
    if found is None:
        return None
    return found.group(1) or found.group(2)


def _result_keys(result_path: Any, base: Keys, default: Keys) -> Keys:
    """The keys after a ResultPath: null keeps the input, ``$.k`` adds ``k``, an absent
    ResultPath gives ``default`` (what replaces the input)."""
    if result_path is _ABSENT:
        return default
    if result_path is None:
        return base
    key = _top_key(result_path)
    if key is None or base is _UNKNOWN:
        return _UNKNOWN
    return base | {key}


def _transfer(state: Mapping[str, Any], keys: Keys, exposes: frozenset[str] | None) -> Keys:
    """The keys of a state's output on success, given the keys of its input."""
    if keys is _UNKNOWN:
        return _UNKNOWN
    if exposes is not None:  # a side-car step: the reference plus what it exposes
        return keys | exposes
    if any(f in state for f in ("InputPath", "OutputPath", "Output")):
        return _UNKNOWN
    kind = state.get("Type")
    if kind in ("Choice", "Wait", "Succeed", "Fail"):
        return keys
    if kind == "Pass":
        if "Parameters" not in state and "Result" not in state:
            return keys
        return _result_keys(state.get("ResultPath", _ABSENT), keys, _UNKNOWN)
    if state.get("QueryLanguage") == "JSONata":
        return keys if kind == "Pass" else _UNKNOWN
    return _result_keys(state.get("ResultPath", _ABSENT), keys, _UNKNOWN)


def _caught(catcher: Mapping[str, Any], keys: Keys) -> Keys:
    """The keys a Catch carries: the error object alone, or the input with the error."""
    if keys is _UNKNOWN or "Output" in catcher:
        return _UNKNOWN
    return _result_keys(catcher.get("ResultPath", _ABSENT), keys,
                        frozenset({"Error", "Cause"}))


def _edges(state: Mapping[str, Any]) -> Iterator[tuple[str, Mapping[str, Any] | None]]:
    """``(target, catcher)`` for every transition; catcher is None on success."""
    if "Next" in state:
        yield str(state["Next"]), None
    for rule in state.get("Choices", ()):
        if isinstance(rule, Mapping) and "Next" in rule:
            yield str(rule["Next"]), None
    if "Default" in state:
        yield str(state["Default"]), None
    for catcher in state.get("Catch", ()):
        if isinstance(catcher, Mapping) and "Next" in catcher:
            yield str(catcher["Next"]), catcher


def _meet(a: Keys, b: Keys, *, every: bool) -> Keys:
    if a is _UNKNOWN or b is _UNKNOWN:
        return _UNKNOWN
    return a & b if every else a | b


def _flow(machine: Mapping[str, Any], entry: Keys, exposes: Mapping[str, frozenset[str]],
          *, every: bool) -> dict[str, Keys]:
    """The keys of each state's input (``every``: on every way in; else on some way)."""
    states = machine.get("States", {})
    start = str(machine.get("StartAt"))
    found: dict[str, Keys] = {start: entry} if start in states else {}
    work = deque(found)
    while work:
        name = work.popleft()
        state = states[name]
        out = _transfer(state, found[name], exposes.get(name))
        for target, catcher in _edges(state):
            if target not in states:
                continue
            value = out if catcher is None else _caught(catcher, found[name])
            if target == start:
                value = _meet(value, entry, every=every)
            old = found.get(target, value)
            new = value if target not in found else _meet(old, value, every=every)
            if target not in found or new != old:
                found[target] = new
                work.append(target)
    return found


def _reads(choice: Mapping[str, Any]) -> tuple[list[str], set[str]]:
    """The top-level keys a Choice reads, and those it tests with IsPresent."""
    reads: list[str] = []
    guarded: set[str] = set()
    stack: list[Any] = list(choice.get("Choices", ()))
    while stack:
        rule = stack.pop()
        if not isinstance(rule, Mapping):
            continue
        for nested in ("And", "Or"):
            stack.extend(rule.get(nested) or ())
        if isinstance(rule.get("Not"), Mapping):
            stack.append(rule["Not"])
        if isinstance(rule.get("Condition"), str):
            reads.extend(re.findall(_JSONATA_INPUT, rule["Condition"]))
        variable = _top_key(rule.get("Variable"))
        if variable is not None:
            (guarded.add if "IsPresent" in rule else reads.append)(variable)
        for field, value in rule.items():
            if field.endswith("Path") and field != "Variable":
                key = _top_key(value)
                if key is not None:
                    reads.append(key)
    return list(dict.fromkeys(reads)), guarded


def _entry(owner: Mapping[str, Any]) -> Keys:
    """The keys a Map iteration starts with: its ItemSelector's (or Parameters') names."""
    selector = owner.get("ItemSelector", owner.get("Parameters"))
    if not isinstance(selector, Mapping):
        return _UNKNOWN
    return frozenset(str(k).removesuffix(".$") for k in selector)


def choice_problems(asl: Mapping[str, Any], exposes: Mapping[str, frozenset[str]],
                    sources: Mapping[str, str]) -> list[Problem]:
    """Every Choice of a side-car workflow that reads a key its input may not carry.

    Args:
        asl: the compiled ASL document.
        exposes: ``{state path: keys}`` of the side-car steps (empty for none exposed).
        sources: ``{state path: "file.py:line"}``.
    """
    problems: list[Problem] = []
    pending: list[tuple[str, Mapping[str, Any], Keys, Keys]] = [
        ("", asl, START_KEYS, START_KEYS)]
    while pending:
        prefix, machine, must_entry, may_entry = pending.pop()
        own = {p.removeprefix(prefix + "States."): keys for p, keys in exposes.items()
               if p.startswith(prefix + "States.") and "." not in
               p.removeprefix(prefix + "States.")}
        must = _flow(machine, must_entry, own, every=True)
        may = _flow(machine, may_entry, own, every=False)
        for name, state in machine.get("States", {}).items():
            path = f"{prefix}States.{name}"
            if state.get("Type") == "Choice":
                reads, guarded = _reads(state)
                problems.extend(_check(f"{path}.Choices", name, "the Choice", reads, guarded,
                                       must.get(name), may.get(name), sources.get(path)))
            items = _top_key(state.get("ItemsPath")) if state.get("Type") == "Map" else None
            if items is not None:
                problems.extend(_check(f"{path}.ItemsPath", name, "the Map", [items], set(),
                                       must.get(name), may.get(name), sources.get(path)))
            reshaped = any(f in state for f in ("InputPath", "Parameters", "Arguments"))
            for b, branch in enumerate(state.get("Branches", ())):
                pending.append((f"{path}.Branches[{b}].", branch,
                                _UNKNOWN if reshaped else must.get(name, _UNKNOWN),
                                _UNKNOWN if reshaped else may.get(name, _UNKNOWN)))
            for key in ("ItemProcessor", "Iterator"):
                if isinstance(state.get(key), Mapping):
                    pending.append((f"{path}.{key}.", state[key], _entry(state),
                                    _entry(state)))
    return problems


def _check(path: str, name: str, what: str, reads: list[str], guarded: set[str], must: Keys,
           may: Keys, where: str | None) -> Iterator[Problem]:
    if must is _UNKNOWN or may is _UNKNOWN:
        return
    for key in reads:
        if key in guarded or key in must:
            continue
        fix = (f"expose it from the side-car step that computes it: "
               f"sidecar.step(fn, expose=({key!r},))")
        if key not in may:
            yield Problem("choice-reads-unexposed", path,
                          f"{what} reads $.{key}, but in a side-car workflow only a "
                          f"reference flows between states and no step before it exposes "
                          f"{key!r}, nor does the execution input carry it", fix,
                          state=name, where=where)
        else:
            yield Problem("choice-reads-partly-exposed", path,
                          f"{what} reads $.{key}, which only some ways into it carry; "
                          "the others fail at run time with States.Runtime",
                          f"{fix} on every way in, or test "
                          f"JsonPath('$.{key}').is_present() first", severity="warning",
                          state=name, where=where)
