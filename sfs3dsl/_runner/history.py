"""Execution history events in the shape of ``GetExecutionHistory``.

Events are recorded cheaply (payloads are kept as Python values) and rendered to AWS's form,
with payloads as JSON text, only when someone reads :attr:`History.events`.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

#: Detail fields that carry a JSON payload, and the ``...Details`` key AWS puts beside them.
_PAYLOADS = {"input": "inputDetails", "output": "outputDetails", "parameters": None}


def dumps(value: Any) -> str:
    """Compact JSON as AWS writes payloads."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _details_key(event_type: str) -> str:
    """``PassStateEntered`` -> ``stateEnteredEventDetails``, ``TaskFailed`` ->
    ``taskFailedEventDetails`` (every ``...StateEntered/Exited`` shares one key)."""
    for suffix in ("Entered", "Exited"):
        if event_type.endswith("State" + suffix):
            return f"state{suffix}EventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


class History:
    """A thread-safe, append-only list of events; ids start at 1."""

    def __init__(self) -> None:
        self._raw: list[tuple[str, datetime, int, dict[str, Any] | None]] = []
        self._lock = threading.Lock()

    def add(self, event_type: str, when: datetime, previous: int,
            details: dict[str, Any] | None = None) -> int:
        """Record an event and return its id."""
        with self._lock:
            self._raw.append((event_type, when, previous, details))
            return len(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events as ``GetExecutionHistory`` returns them (oldest first)."""
        with self._lock:
            raw = list(self._raw)
        return [_render(i + 1, *item) for i, item in enumerate(raw)]


def _render(event_id: int, event_type: str, when: datetime, previous: int,
            details: dict[str, Any] | None) -> dict[str, Any]:
    event: dict[str, Any] = {"timestamp": when, "type": event_type, "id": event_id,
                             "previousEventId": previous}
    if details is not None:
        rendered: dict[str, Any] = {}
        for key, value in details.items():
            if key in _PAYLOADS:
                rendered[key] = dumps(value)
                extra = _PAYLOADS[key]
                if extra:
                    rendered[extra] = {"truncated": False}
            elif key == "assignedVariables":
                rendered[key] = {k: dumps(v) for k, v in value.items()}
                rendered["assignedVariablesDetails"] = {"truncated": False}
            else:
                rendered[key] = value
        event[_details_key(event_type)] = rendered
    return event
