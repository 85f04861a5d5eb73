"""The few checks without which a definition cannot run at all.

The full validator lives in :mod:`sfs3dsl.validate`; the runner only refuses what it
could not interpret (no StartAt, an unknown state type, a transition to nowhere) and says
where, raising :class:`~sfs3dsl.core.errors.ExecutionError`.
"""

from __future__ import annotations

from typing import Any

from sfs3dsl.core.errors import ExecutionError
from sfs3dsl.syntax.asl import STATE_TYPES

#: Fields that name other states or hold machines, besides Next.
_PLAIN_FIELDS = frozenset({"Default", "Choices", "Catch", "Branches", "ItemProcessor",
                           "Iterator"})
#: State types that need Next or End (a plain one with an existing Next passes).
_SIMPLE = frozenset({"Task", "Pass", "Wait", "Parallel", "Map"})


def _targets(state: dict[str, Any]) -> list[str]:
    out = [state["Next"]] if isinstance(state.get("Next"), str) else []
    if isinstance(state.get("Default"), str):
        out.append(state["Default"])
    for key in ("Choices", "Catch"):
        for rule in state.get(key) or ():
            if isinstance(rule, dict) and isinstance(rule.get("Next"), str):
                out.append(rule["Next"])
    return out


def _children(state: dict[str, Any]) -> list[tuple[str, Any]]:
    out = [(f"Branches[{i}]", b) for i, b in enumerate(state.get("Branches") or ())]
    for key in ("ItemProcessor", "Iterator"):
        if key in state:
            out.append((key, state[key]))
    return out


def check_definition(definition: Any, where: str = "") -> None:
    """Raise ExecutionError when ``definition`` cannot be interpreted."""
    pending: list[tuple[str, Any]] = [(where, definition)]
    while pending:
        prefix, machine = pending.pop()
        if not isinstance(machine, dict) or not isinstance(machine.get("States"), dict):
            raise ExecutionError(f"{prefix or 'definition'}: needs a 'States' object")
        states: dict[str, Any] = machine["States"]
        if machine.get("StartAt") not in states:
            raise ExecutionError(f"{prefix or 'definition'}: StartAt "
                                 f"{machine.get('StartAt')!r} names no state")
        for name, state in states.items():
            # the common state first, checked without building lists: a plain state whose
            # Next exists (every run checks every state, so this is most of a run's setup)
            if isinstance(state, dict) and _PLAIN_FIELDS.isdisjoint(state) \
                    and state.get("Type") in _SIMPLE and isinstance(state.get("Next"), str) \
                    and state["Next"] in states:
                continue
            path = f"{prefix}States.{name}"
            if not isinstance(state, dict) or state.get("Type") not in STATE_TYPES:
                raise ExecutionError(f"{path}: unknown state type "
                                     f"{state.get('Type') if isinstance(state, dict) else state!r}")
            for target in _targets(state):
                if target not in states:
                    raise ExecutionError(f"{path}: transition to {target!r}, which does not "
                                         "exist")
            if state["Type"] not in {"Choice", "Succeed", "Fail"} and not state.get("End") \
                    and "Next" not in state:
                raise ExecutionError(f"{path}: needs Next or End: true")
            pending.extend((f"{path}.{key}.", child) for key, child in _children(state))
