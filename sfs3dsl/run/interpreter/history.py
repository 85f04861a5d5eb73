"""Execution history events in the shape of ``GetExecutionHistory``.

An event's payloads become JSON text when it is recorded (so a value changed later cannot
change the history) and the event is kept as a tuple of strings and numbers, which the
garbage collector stops tracking: a Map over 100,000 items leaves no growing heap of
dicts for every collection to walk. Events take AWS's form only when someone reads
:attr:`History.events`.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

from sfs3dsl.run.interpreter.limits import HistoryFull, PayloadTooLarge, too_large

#: Detail fields that carry a JSON payload, and the ``...Details`` key AWS puts beside them.
_PAYLOADS = {"input": "inputDetails", "output": "outputDetails", "parameters": None}


#: One encoder for every payload: ``json.dumps`` with options builds a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(value: Any) -> str:
    """Compact JSON as AWS writes payloads."""
    return _ENCODER.encode(value)


def not_json(value: Any) -> str | None:
    """Why ``value`` cannot be a payload (``Object of type set is not JSON serializable``),
    or None when it can."""
    try:
        _ENCODER.encode(value)
    except (TypeError, ValueError, RecursionError) as exc:
        return str(exc) or type(exc).__name__
    return None


def _details_key(event_type: str) -> str:
    """``PassStateEntered`` -> ``stateEnteredEventDetails``, ``TaskFailed`` ->
    ``taskFailedEventDetails`` (every ``...StateEntered/Exited`` shares one key)."""
    for suffix in ("Entered", "Exited"):
        if event_type.endswith("State" + suffix):
            return f"state{suffix}EventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


#: An event's details as recorded: ``(key, value)`` pairs, payloads as JSON text.
Frozen = tuple[tuple[str, Any], ...]


def _freeze(details: dict[str, Any], payload_limit: int | None) -> Frozen:
    pairs: list[tuple[str, Any]] = []
    for key, value in details.items():
        if key in _PAYLOADS:
            text = dumps(value)
            if payload_limit is not None:
                size = too_large(text, payload_limit)
                if size is not None:
                    raise PayloadTooLarge(key, size)
            pairs.append((key, text))
        elif key == "assignedVariables":
            pairs.append((key, tuple((name, dumps(v)) for name, v in value.items())))
        else:
            pairs.append((key, value))
    return tuple(pairs)


class History:
    """A thread-safe, append-only list of events; ids start at 1.

    Args:
        max_events: how many events it may hold (None: no bound). The last place is kept
            for the event that ends the execution (``ExecutionFailed``), so a full history
            holds exactly ``max_events`` events, as AWS's does; whether AWS counts that
            last event in its quota is not documented.
        payload_limit: the most bytes a payload may take (None: no bound).
    """

    def __init__(self, max_events: int | None = None,
                 payload_limit: int | None = None) -> None:
        self._raw: list[tuple[str, datetime, int, Frozen | None]] = []
        self._lock = threading.Lock()
        self.payload_limit = payload_limit
        #: The count at which an event other than the execution's end is refused.
        self._room = (max_events - 1) if max_events is not None else None

    def add(self, event_type: str, when: datetime, previous: int,
            details: dict[str, Any] | None = None) -> int:
        """Record an event and return its id.

        Raises:
            HistoryFull: the history has no room left for this event.
            PayloadTooLarge: a payload of ``details`` is over the payload limit (the event
                is not recorded).
        """
        room = self._room
        if room is not None and len(self._raw) >= room and not _ends(event_type):
            raise HistoryFull()
        frozen = None if details is None else _freeze(details, self.payload_limit)
        with self._lock:
            if room is not None and len(self._raw) >= room and not _ends(event_type):
                raise HistoryFull()
            self._raw.append((event_type, when, previous, frozen))
            return len(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events as ``GetExecutionHistory`` returns them (oldest first)."""
        with self._lock:
            raw = list(self._raw)
        return [_render(i + 1, *item) for i, item in enumerate(raw)]


def _ends(event_type: str) -> bool:
    """Whether the event ends the execution (it always gets its place)."""
    return event_type.startswith("Execution") and event_type != "ExecutionStarted"


def _render(event_id: int, event_type: str, when: datetime, previous: int,
            details: Frozen | None) -> dict[str, Any]:
    event: dict[str, Any] = {"timestamp": when, "type": event_type, "id": event_id,
                             "previousEventId": previous}
    if details is not None:
        rendered: dict[str, Any] = {}
        for key, value in details:
            if key in _PAYLOADS:
                rendered[key] = value
                extra = _PAYLOADS[key]
                if extra:
                    rendered[extra] = {"truncated": False}
            elif key == "assignedVariables":
                rendered[key] = dict(value)
                rendered["assignedVariablesDetails"] = {"truncated": False}
            else:
                rendered[key] = value
        event[_details_key(event_type)] = rendered
    return event
