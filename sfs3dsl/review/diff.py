"""Semantic diff of two ASL documents: what a reviewer of a state machine wants to know.

:func:`diff_definitions` reports states added, removed and renamed, field changes with
their path (``States.Flaky.Retry[0].MaxAttempts``), transitions added and removed, and
changes of the document's own fields (``Comment``, ``StartAt``, ...), down into Parallel
branches and Map processors.

How renames work. A removed state and an added state of the same machine are a rename when
they are equal once their transition targets (``Next``, ``Default``, the Choice rules'
``Next``, the catchers' ``Next``) are blanked out. Each side is reduced to a hash of that
normalised content, so matching is linear. Transitions are then compared *through* the
renames: a predecessor whose ``Next`` went from ``B`` to ``B2`` because ``B`` became ``B2``
is not a change; it is listed under the rename's ``references`` instead. A renamed state
whose own targets changed as well is a rename plus transition changes.

What is compared where:
  * transitions of states present on both sides (or renamed): ``transitions_added`` and
    ``transitions_removed``; a new or removed state's own edges are implied by the state;
  * other fields: leaf by leaf, lists by index (a list that grows reports ``[i]`` added);
  * numbers compare by value (``1`` equals ``1.0``).

Every walk is iterative (a work queue of machine pairs, a stack for values), so neither a
long ``Next`` chain nor a deep payload can overflow the interpreter's stack.

Example:
    >>> d = diff_definitions(old, new)
    >>> [r.new_path for r in d.renamed], d.is_empty
    (['States.B2'], False)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import deque
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Final, Literal

ChangeKind = Literal["added", "removed", "changed"]


class _Missing:
    """The value of a field that is absent on one side."""

    _instance: _Missing | None = None

    def __new__(cls) -> _Missing:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "MISSING"

    def __bool__(self) -> bool:
        return False


MISSING: Final = _Missing()
_PLAIN_KEY: Final = re.compile(r"[A-Za-z_$][A-Za-z0-9_$-]*\Z")
_CONTAINERS: Final = ("Branches", "ItemProcessor", "Iterator")
_TRANSITION_LISTS: Final = ("Choices", "Catch")


@dataclass(frozen=True, slots=True)
class StateRef:
    """A state that exists on one side only; ``targets`` are its transition targets."""

    path: str
    name: str
    type: str
    targets: tuple[str, ...] = ()

    @property
    def scope(self) -> str:
        """The path of the machine holding the state (``""`` at top level)."""
        return self.path.removesuffix(f"States.{self.name}").removesuffix(".")


@dataclass(frozen=True, slots=True)
class Rename:
    """``old_name`` became ``new_name``; ``references`` followed it (paths in the new doc)."""

    old_path: str
    new_path: str
    old_name: str
    new_name: str
    type: str
    references: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class FieldChange:
    """One field that differs; ``old`` or ``new`` is :data:`MISSING` when absent."""

    path: str
    old: Any
    new: Any
    state: str | None = None

    @property
    def kind(self) -> ChangeKind:
        if self.old is MISSING:
            return "added"
        return "removed" if self.new is MISSING else "changed"


@dataclass(frozen=True, slots=True)
class Transition:
    """An edge ``state --via--> target``; ``state`` is the path in the new document."""

    state: str
    via: str
    target: str

    @property
    def path(self) -> str:
        return f"{self.state}.{self.via}"


@dataclass(frozen=True)
class Diff:
    """The result of :func:`diff_definitions`; every list is in document order."""

    added: tuple[StateRef, ...] = ()
    removed: tuple[StateRef, ...] = ()
    renamed: tuple[Rename, ...] = ()
    changed: tuple[FieldChange, ...] = ()
    top_level: tuple[FieldChange, ...] = ()
    transitions_added: tuple[Transition, ...] = ()
    transitions_removed: tuple[Transition, ...] = ()

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed
                    or self.top_level or self.transitions_added or self.transitions_removed)

    @property
    def changed_states(self) -> tuple[str, ...]:
        """Paths (new document) of states with a field or transition change."""
        paths = [c.state for c in self.changed if c.state is not None]
        paths += [t.state for t in (*self.transitions_removed, *self.transitions_added)]
        return tuple(dict.fromkeys(paths))

    def counts(self) -> dict[str, int]:
        """How many changes of each kind, for summaries."""
        return {"states_added": len(self.added), "states_removed": len(self.removed),
                "states_renamed": len(self.renamed), "fields_changed": len(self.changed),
                "top_level_changed": len(self.top_level),
                "transitions_added": len(self.transitions_added),
                "transitions_removed": len(self.transitions_removed)}


@dataclass
class _Collector:
    added: list[StateRef] = field(default_factory=list)
    removed: list[StateRef] = field(default_factory=list)
    renamed: list[Rename] = field(default_factory=list)
    changed: list[FieldChange] = field(default_factory=list)
    top_level: list[FieldChange] = field(default_factory=list)
    t_added: list[Transition] = field(default_factory=list)
    t_removed: list[Transition] = field(default_factory=list)
    queue: deque[tuple[Any, Any, str, str | None]] = field(default_factory=deque)


# --- helpers over one state -----------------------------------------------------------------

def transitions(state: Any) -> Iterator[tuple[str, str]]:
    """Every ``(via, target)`` of a state, ``via`` relative to it (``Choices[0].Next``)."""
    if not isinstance(state, Mapping):
        return
    for key in _TRANSITION_LISTS:
        items = state.get(key)
        if isinstance(items, list):
            for i, item in enumerate(items):
                if isinstance(item, Mapping) and isinstance(item.get("Next"), str):
                    yield f"{key}[{i}].Next", item["Next"]
    for key in ("Default", "Next"):
        if isinstance(state.get(key), str):
            yield key, state[key]


def _without_next(item: Any) -> Any:
    if isinstance(item, Mapping) and "Next" in item:
        return {k: v for k, v in item.items() if k != "Next"}
    return item


def signature(state: Any) -> bytes:
    """A hash of a state's content with its transition targets blanked out."""
    if isinstance(state, Mapping):
        blank: dict[str, Any] = {}
        for key, value in state.items():
            if key in ("Next", "Default"):
                blank[key] = None
            elif key in _TRANSITION_LISTS and isinstance(value, list):
                blank[key] = [[_without_next(v), isinstance(v, Mapping) and "Next" in v]
                              for v in value]
            else:
                blank[key] = value
        state = blank
    text = json.dumps(state, sort_keys=True, separators=(",", ":"), default=repr)
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).digest()


def _type(state: Any) -> str:
    return str(state.get("Type", "?")) if isinstance(state, Mapping) else "?"


def _key_path(path: str, key: str) -> str:
    return f"{path}.{key}" if _PLAIN_KEY.match(key) else f"{path}[{json.dumps(key)}]"


# --- values ---------------------------------------------------------------------------------

def _values(old: Any, new: Any, path: str, state: str | None, out: list[FieldChange]) -> None:
    """Leaf-by-leaf differences of two JSON values (iterative, document order)."""
    stack: list[tuple[str, Any, Any]] = [(path, old, new)]
    while stack:
        where, a, b = stack.pop()
        if a == b and type(a) is type(b):
            continue
        if isinstance(a, Mapping) and isinstance(b, Mapping):
            keys = list(a) + [k for k in b if k not in a]
            stack.extend((_key_path(where, str(k)), a.get(k, MISSING), b.get(k, MISSING))
                         for k in reversed(keys))
        elif isinstance(a, list) and isinstance(b, list):
            n = max(len(a), len(b))
            stack.extend((f"{where}[{i}]", a[i] if i < len(a) else MISSING,
                          b[i] if i < len(b) else MISSING) for i in reversed(range(n)))
        elif not (isinstance(a, int | float) and isinstance(b, int | float)
                  and not isinstance(a, bool) and not isinstance(b, bool) and a == b):
            out.append(FieldChange(where, a, b, state))


# --- renames --------------------------------------------------------------------------------

def _match_renames(old: Mapping[str, Any], new: Mapping[str, Any], removed: list[str],
                   added: list[str]) -> dict[str, str]:
    """Pair removed and added states of equal signature: first those whose targets are
    also equal, then the rest in document order. Linear in the number of states."""
    if not removed or not added:
        return {}
    old_sigs = {name: signature(old[name]) for name in removed}
    new_sigs = {name: signature(new[name]) for name in added}
    pairs: dict[str, str] = {}
    for keyed in (True, False):
        pool: dict[Any, deque[str]] = {}
        for name in removed:
            if name not in pairs:
                key = (old_sigs[name], tuple(transitions(old[name]))) if keyed else old_sigs[name]
                pool.setdefault(key, deque()).append(name)
        taken = set(pairs.values())
        for name in added:
            if name in taken:
                continue
            key = (new_sigs[name], tuple(transitions(new[name]))) if keyed else new_sigs[name]
            candidates = pool.get(key)
            if candidates:
                pairs[candidates.popleft()] = name
    return pairs


# --- machines and states --------------------------------------------------------------------

def _states(machine: Any) -> Mapping[str, Any]:
    states = machine.get("States") if isinstance(machine, Mapping) else None
    return states if isinstance(states, Mapping) else {}


def _machine(old: Any, new: Any, prefix: str, owner: str | None, acc: _Collector) -> None:
    """Compare one machine (the document, a branch, a processor) with its counterpart."""
    old_states, new_states = _states(old), _states(new)
    base = f"{prefix}.States." if prefix else "States."
    # One pass over each side: the bulk of the states of a big machine are unchanged, and
    # on 10,000 states every extra lookup is a cache miss.
    pending: list[str] = []  # new names, document order: changed, added or renamed
    added: list[str] = []
    old_get = old_states.get
    for name, state in new_states.items():
        before = old_get(name, MISSING)
        if before is MISSING:
            added.append(name)
            pending.append(name)
        elif before is not state and before != state:
            pending.append(name)
    common = len(new_states) - len(added)
    removed = [n for n in old_states if n not in new_states] if common < len(old_states) else []
    renames = _match_renames(old_states, new_states, removed, added)
    back = {v: k for k, v in renames.items()}
    refs: dict[str, list[str]] = {name: [] for name in renames}

    _machine_fields(old, new, prefix, owner, renames, refs, acc)
    for name in removed:
        if name not in renames:
            acc.removed.append(StateRef(base + name, name, _type(old_states[name]),
                                        tuple(t for _, t in transitions(old_states[name]))))
    for name in pending:
        state = new_states[name]
        old_name = back.get(name, name)
        if old_name not in old_states:
            acc.added.append(StateRef(base + name, name, _type(state),
                                      tuple(t for _, t in transitions(state))))
        elif old_name == name or old_states[old_name] != state:
            # Equal content under a new name needs no look: its targets are the same names.
            _state(old_states[old_name], state, base + name, renames, refs, acc)
    for name in (n for n in pending if n in back):
        old_name = back[name]
        acc.renamed.append(Rename(base + old_name, base + name, old_name, name,
                                  _type(new_states[name]), tuple(refs[old_name])))


def _machine_fields(old: Any, new: Any, prefix: str, owner: str | None,
                    renames: Mapping[str, str], refs: dict[str, list[str]],
                    acc: _Collector) -> None:
    """A machine's own fields (``StartAt``, ``Comment``, ...); ``StartAt`` follows renames."""
    out = acc.top_level if owner is None else acc.changed
    old_fields = old if isinstance(old, Mapping) else {}
    new_fields = new if isinstance(new, Mapping) else {}
    for key in [*new_fields, *(k for k in old_fields if k not in new_fields)]:
        if key == "States":
            continue
        a, b = old_fields.get(key, MISSING), new_fields.get(key, MISSING)
        where = f"{prefix}.{key}" if prefix else key
        if key == "StartAt" and isinstance(a, str) and a in renames and renames[a] == b:
            refs[a].append(where)
            continue
        _values(a, b, where, owner, out)


def _state(old: Any, new: Any, path: str, renames: Mapping[str, str],
           refs: dict[str, list[str]], acc: _Collector) -> None:
    """Compare one state with its counterpart (same name, or renamed)."""
    if not (isinstance(old, Mapping) and isinstance(new, Mapping)):
        _values(old, new, path, path, acc.changed)
        return
    for key in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(key, MISSING), new.get(key, MISSING)
        if key in ("Next", "Default") or a == b:
            continue
        where = f"{path}.{key}"
        if key in _TRANSITION_LISTS and isinstance(a, list | _Missing) and \
                isinstance(b, list | _Missing):
            _values([_without_next(x) for x in a] if isinstance(a, list) else [],
                    [_without_next(x) for x in b] if isinstance(b, list) else [],
                    where, path, acc.changed)
        elif key == "Branches" and isinstance(a, list) and isinstance(b, list):
            for i in range(max(len(a), len(b))):
                sub = f"{where}[{i}]"
                if i < len(a) and i < len(b) and isinstance(a[i], Mapping) \
                        and isinstance(b[i], Mapping):
                    acc.queue.append((a[i], b[i], sub, path))
                else:
                    _values(a[i] if i < len(a) else MISSING, b[i] if i < len(b) else MISSING,
                            sub, path, acc.changed)
        elif key in _CONTAINERS and isinstance(a, Mapping) and isinstance(b, Mapping):
            acc.queue.append((a, b, where, path))
        else:
            _values(a, b, where, path, acc.changed)
    _transitions(old, new, path, renames, refs, acc)


def _transitions(old: Mapping[str, Any], new: Mapping[str, Any], path: str,
                 renames: Mapping[str, str], refs: dict[str, list[str]],
                 acc: _Collector) -> None:
    before = list(transitions(old))
    after = list(transitions(new))
    mapped = {(via, renames.get(target, target)) for via, target in before}
    now = set(after)
    for via, target in before:
        follows = renames.get(target, target)
        if (via, follows) not in now:
            acc.t_removed.append(Transition(path, via, target))
        elif follows != target:
            refs[target].append(f"{path}.{via}")
    for via, target in after:
        if (via, target) not in mapped:
            acc.t_added.append(Transition(path, via, target))


def diff_definitions(old: Mapping[str, Any], new: Mapping[str, Any]) -> Diff:
    """Compare two ASL documents semantically.

    Args:
        old: the definition before the change.
        new: the definition after it.

    Returns:
        A :class:`Diff`; ``Diff.is_empty`` when nothing a reviewer cares about changed
        (key order and formatting never count).

    Example:
        >>> old = {"StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}
        >>> new = {"StartAt": "B", "States": {"B": {"Type": "Pass", "End": True}}}
        >>> diff_definitions(old, new).renamed[0].references
        ('StartAt',)
    """
    acc = _Collector()
    acc.queue.append((old, new, "", None))
    while acc.queue:
        a, b, prefix, owner = acc.queue.popleft()
        if a != b:
            _machine(a, b, prefix, owner, acc)
    return Diff(tuple(acc.added), tuple(acc.removed), tuple(acc.renamed), tuple(acc.changed),
                tuple(acc.top_level), tuple(acc.t_added), tuple(acc.t_removed))
