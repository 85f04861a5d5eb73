"""Execution history events in the shape of ``GetExecutionHistory``.

An event keeps its payloads (input, output, parameters, assigned variables) as the values
themselves, not as JSON text: writing a 100 KB state as JSON for each of its events made a
transition cost ~300x an empty one. This is safe because a value, once it flows between
states, is never changed in place:

* the interpreter's transforms build new containers (``set_path`` copies the containers
  along a ResultPath, payload templates, intrinsics and JSONata build new values);
* user code sees only copies and hands back values that are copied (:func:`snapshot`):
  the execution input when it starts, a task's payload and result, a callback's output,
  the context object a task reads, the execution's output and a child execution's input.

The payload limit is checked as each event is recorded, as before, from sizes that
:class:`~sfs3dsl.run.interpreter.sizes.PayloadSizes` remembers per value. Events become
JSON text when someone first reads :attr:`History.events`; from then on each event is kept
as a tuple of strings and numbers, which the garbage collector stops tracking.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime
from typing import Any

from sfs3dsl.run.interpreter.limits import HistoryFull, PayloadTooLarge
from sfs3dsl.run.interpreter.sizes import PayloadSizes

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


def snapshot(value: Any) -> Any:
    """A deep copy of ``value`` as JSON (tuples become lists), made where a value crosses
    between user code and the interpreter, so neither side can change what the other
    holds (the history keeps values, not text).

    Raises:
        TypeError, ValueError: ``value`` is not JSON (use :func:`not_json` for the text).
    """
    return json.loads(_ENCODER.encode(value))


def _details_key(event_type: str) -> str:
    """``PassStateEntered`` -> ``stateEnteredEventDetails``, ``TaskFailed`` ->
    ``taskFailedEventDetails`` (every ``...StateEntered/Exited`` shares one key)."""
    for suffix in ("Entered", "Exited"):
        if event_type.endswith("State" + suffix):
            return f"state{suffix}EventDetails"
    return event_type[0].lower() + event_type[1:] + "EventDetails"


#: An event's details once read: ``(key, value)`` pairs, payloads as JSON text.
Written = tuple[tuple[str, Any], ...]
#: An event's details: the dict it was recorded with, payloads as values, until the event
#: is first read; then :data:`Written`.
Details = dict[str, Any] | Written


def _frozen(details: dict[str, Any], texts: dict[int, str]) -> Written:
    """``details`` with every payload as JSON text (``texts``: text by value id, so a value
    many events share is written once)."""
    def text(value: Any) -> str:
        found = texts.get(id(value))
        if found is None:
            found = texts[id(value)] = dumps(value)
        return found

    pairs: list[tuple[str, Any]] = []
    for key, value in details.items():
        if key in _PAYLOADS:
            pairs.append((key, text(value)))
        elif key == "assignedVariables":
            pairs.append((key, tuple((name, text(v)) for name, v in value.items())))
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
        self._raw: list[tuple[str, datetime, int, Details | None]] = []
        self._lock = threading.Lock()
        self.payload_limit = payload_limit
        #: Payload sizes, remembered per value for the whole execution.
        self.sizes = PayloadSizes()
        #: The count at which an event other than the execution's end is refused.
        self._room = (max_events - 1) if max_events is not None else None
        #: Events before this index hold their payloads as JSON text.
        self._written = 0

    def add(self, event_type: str, when: datetime, previous: int,
            details: dict[str, Any] | None = None) -> int:
        """Record an event and return its id. ``details`` is kept as it is, not copied: the
        caller makes a new dict for each event and leaves it alone, and its payloads are
        never changed in place (see the module docstring).

        Raises:
            HistoryFull: the history has no room left for this event.
            PayloadTooLarge: a payload of ``details`` is over the payload limit (the event
                is not recorded).
        """
        room = self._room
        if room is not None and len(self._raw) >= room and not _ends(event_type):
            raise HistoryFull()
        if details is not None and self.payload_limit is not None:
            for key, value in details.items():
                if key in _PAYLOADS:
                    self._check(key, value)
        return self._append(event_type, when, previous, details)

    def add_state(self, event_type: str, when: datetime, previous: int, name: str,
                  key: str, value: Any) -> int:
        """:meth:`add` for the event a state is entered or exited with (details ``name``
        and the one payload ``key``: ``input`` or ``output``): the most frequent events,
        recorded without the general loop."""
        room = self._room
        # a state's input is the output the previous state was just checked with
        if self.payload_limit is not None and value is not self.sizes.last[0]:
            if room is not None and len(self._raw) >= room and not _ends(event_type):
                raise HistoryFull()  # before the payload, as add() does
            self._check(key, value)
        with self._lock:  # _append, inline: these events are most of a history
            if room is not None and len(self._raw) >= room and not _ends(event_type):
                raise HistoryFull()
            self._raw.append((event_type, when, previous, {"name": name, key: value}))
            return len(self._raw)

    def add_passage(self, entered: tuple[str, datetime], exited: tuple[str, datetime],
                    previous: int, name: str, value: Any, out: Any) -> int:
        """Both events of a state that has nothing between them (a plain Pass): as
        :meth:`add_state` for the entered event (``input`` ``value``), then for the exited
        one (``output`` ``out``), under one lock; returns the exited event's id.

        Raises as the two calls would, with the events they would have recorded: nothing
        when ``value`` is too big, the entered event alone when ``out`` is too big or the
        history has room for one event only.
        """
        room = self._room
        too_big: PayloadTooLarge | None = None
        limit = self.payload_limit
        if limit is not None:
            if room is not None and len(self._raw) >= room:
                raise HistoryFull()
            sizes = self.sizes
            # the sizes PayloadSizes.size would find first, looked at here to save calls
            last, prior = sizes.last, sizes.prior
            if value is not prior[0] and value is not last[0]:
                self._check("input", value)
            size = last[1] if out is last[0] else sizes.size(out)
            if size > limit:
                too_big = PayloadTooLarge("output", size)
        raw = self._raw
        with self._lock:
            if room is not None and len(raw) >= room:
                raise HistoryFull()
            raw.append((entered[0], entered[1], previous, {"name": name, "input": value}))
            entered_id = len(raw)
            stop: PayloadTooLarge | HistoryFull | None = too_big
            if stop is None and room is not None and entered_id >= room:
                stop = HistoryFull()
            if stop is not None:
                stop.entered = entered_id
                raise stop
            raw.append((exited[0], exited[1], entered_id, {"name": name, "output": out}))
            return len(raw)

    def _check(self, key: str, value: Any) -> None:
        size = self.sizes.size(value)
        if size > self.payload_limit:  # type: ignore[operator]
            raise PayloadTooLarge(key, size)

    def _append(self, event_type: str, when: datetime, previous: int,
                details: Details | None) -> int:
        room = self._room
        with self._lock:
            if room is not None and len(self._raw) >= room and not _ends(event_type):
                raise HistoryFull()
            self._raw.append((event_type, when, previous, details))
            return len(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    @property
    def events(self) -> list[dict[str, Any]]:
        """The events as ``GetExecutionHistory`` returns them (oldest first)."""
        with self._lock:
            raw = self._raw
            texts: dict[int, str] = {}
            for i in range(self._written, len(raw)):
                event_type, when, previous, details = raw[i]
                if isinstance(details, dict):
                    raw[i] = (event_type, when, previous, _frozen(details, texts))
            self._written = len(raw)
            raw = list(raw)
        # every event is Written now
        return [_render(i + 1, *item) for i, item in enumerate(raw)]  # type: ignore[arg-type]


def _ends(event_type: str) -> bool:
    """Whether the event ends the execution (it always gets its place)."""
    return event_type.startswith("Execution") and event_type != "ExecutionStarted"


def _render(event_id: int, event_type: str, when: datetime, previous: int,
            details: Written | None) -> dict[str, Any]:
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
