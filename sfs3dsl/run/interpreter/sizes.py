"""The size in bytes of a payload's JSON text, without writing the text each time.

AWS limits every input, output and task result to 256 KiB of UTF-8 JSON
(:mod:`sfs3dsl.run.interpreter.limits`), so every history event needs the size of its
payloads. Writing the whole JSON text for each event made a state's cost grow with the
state's size: a 100 KB state cost ~300x an empty one per transition.

Values flowing between states are never changed in place (every transform of the
interpreter builds new containers, and user code only ever sees copies: see
:func:`sfs3dsl.run.interpreter.history.snapshot`). So a container's size, once known, holds
for as long as the container lives: :class:`PayloadSizes` remembers it by identity (and
keeps the container alive, so its ``id`` is not reused). A new state output usually is a
new top-level object around the same big members (``ResultPath: "$.last"`` copies the
top level only), so measuring it costs a few dict look-ups, not a walk of every byte.

The figures are those of ``json.dumps(value, separators=(",", ":"), ensure_ascii=False)``
encoded to UTF-8, which is how AWS writes payloads; ``tests/test_runner_payload_sizes.py``
checks the two agree on generated values. Written here rather than taken from a library:
no JSON library measures text without producing it.
"""

from __future__ import annotations

import json
import math
from json.encoder import encode_basestring
from typing import Any

#: Containers and strings at least this many bytes long are remembered; smaller ones are
#: cheaper to measure again than to keep (and most small values are not seen twice).
REMEMBER_BYTES = 512

#: Strings this long may take REMEMBER_BYTES (4 bytes a character at most) and are
#: measured through :meth:`PayloadSizes.size`, which remembers them.
_LONG_TEXT = REMEMBER_BYTES // 4
_INF = float("inf")
_NOTHING = object()
#: How many distinct object keys a PayloadSizes keeps the size of.
_MAX_KEYS = 4096
#: Deeper than this, a value is handed to json's encoder (which reports a cycle as
#: ``ValueError``) instead of being walked here.
_DEEPEST = 500
#: A container with more members than this that holds nothing measured before is measured
#: by json's encoder instead of walked.
_WIDE = 16
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def text_size(text: str) -> int:
    """Bytes of ``text`` in UTF-8 (a lone surrogate, which JSON input may carry as
    ``"\\ud800"``, counts its 3 bytes instead of failing)."""
    return len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))


def _float_size(value: float) -> int:
    # json writes these three as NaN / Infinity / -Infinity (allow_nan is on by default)
    if math.isnan(value):
        return 3
    if value == _INF:
        return 8
    if value == -_INF:
        return 9
    return len(float.__repr__(value))


def _scalar_size(value: Any) -> int | None:
    """The size of a JSON scalar; None for a container, a long string (which the caller
    measures once and remembers) or something that is not JSON."""
    kind = type(value)  # the exact types first: they are nearly all there is
    if kind is str:
        if len(value) < _LONG_TEXT:
            text = encode_basestring(value)
            return len(text) if text.isascii() else text_size(text)
        return None
    if kind is int:
        return len(int.__repr__(value))
    if value is None or value is True:
        return 4
    if value is False:
        return 5
    if kind is float:
        return _float_size(value)
    if kind is dict or kind is list:
        return None
    if isinstance(value, str):
        return text_size(encode_basestring(value)) if len(value) < _LONG_TEXT else None
    if isinstance(value, int):
        return len(int.__repr__(value))
    if isinstance(value, float):
        return _float_size(value)
    return None


def _slow_size(value: Any) -> int:
    """Through the JSON encoder: for what the fast path does not handle (keys that are
    not strings, types that are not JSON, which raise ``TypeError`` as ``json`` does)."""
    return text_size(_ENCODER.encode(value))


class PayloadSizes:
    """Sizes of JSON values, remembered by identity for big containers and strings.

    One per execution history; safe to share between threads (a race measures twice).
    """

    __slots__ = ("_keys", "_known", "last", "prior")

    def __init__(self) -> None:
        #: id -> (the value itself, kept alive so the id stays its own; its size)
        self._known: dict[int, tuple[Any, int]] = {}
        #: object key -> its size with quotes (the same few keys come back all the time)
        self._keys: dict[str, int] = {}
        #: The value measured last, whatever its size, and its size (one tuple, so another
        #: thread never sees one without the other): a state's output is the next state's
        #: input, so most events ask again for the value measured just before (a caller
        #: may compare with ``last[0]`` itself, to save a call).
        self.last: tuple[Any, int] = (_NOTHING, 0)
        #: The one before, when :meth:`placed` derived ``last`` from it (a Pass checks its
        #: input after working out its output).
        self.prior: tuple[Any, int] = (_NOTHING, 0)

    def remember(self, value: Any, size: int) -> None:
        """Record a size measured elsewhere (the execution input's, from its text)."""
        if size >= REMEMBER_BYTES and isinstance(value, (dict, list, str)):
            self._known[id(value)] = (value, size)

    def size(self, value: Any) -> int:
        """Bytes of ``value`` as compact UTF-8 JSON.

        Raises:
            TypeError: ``value`` holds something that is not JSON.
            ValueError: ``value`` contains itself.
        """
        last = self.last
        if value is last[0]:
            return last[1]
        prior = self.prior
        if value is prior[0]:
            return prior[1]
        size = self._size(value, 0)
        self.last = (value, size)
        return size

    def placed(self, base: dict[str, Any], out: dict[str, Any], key: str,
               member: Any) -> None:
        """Learn the size of ``out``, a copy of ``base`` with ``key`` set to ``member`` (a
        ResultPath ``$.key``), from the size of ``base`` when that is known: the next
        :meth:`size` of ``out`` is then a look-up, whatever the size of ``base``."""
        last = self.last
        if base is last[0]:
            size = last[1]
            self.prior = last
        else:
            known = self._known.get(id(base))
            if known is None or known[0] is not base:
                return
            size = known[1]
        scalar = _scalar_size(member)
        size += scalar if scalar is not None else self._size(member, 1)
        if key in base:
            old = base[key]
            scalar = _scalar_size(old)
            size -= scalar if scalar is not None else self._size(old, 1)
        else:
            key_size = self._keys.get(key)
            if key_size is None:
                key_size = text_size(encode_basestring(key))
            # the key, its ':', and a ',' unless it is the only member
            size += key_size + 1 + (1 if base else 0)
        self.last = (out, size)
        if size >= REMEMBER_BYTES:
            self._known[id(out)] = (out, size)

    def _size(self, value: Any, depth: int) -> int:
        known = self._known.get(id(value))
        if known is not None and known[0] is value:
            return known[1]
        if isinstance(value, str):
            size = text_size(encode_basestring(value))
        elif not isinstance(value, (dict, list, tuple)):
            scalar = _scalar_size(value)
            return scalar if scalar is not None else _slow_size(value)
        elif depth > _DEEPEST:  # a cycle, or nesting json's encoder would refuse as well
            return _slow_size(value)
        elif len(value) > _WIDE and not self._holds_known(value):
            # a value first seen: json's encoder (in C) measures it several times faster
            # than a walk here, and nothing inside it can be looked up anyway
            size = _slow_size(value)
        elif isinstance(value, dict):
            size = self._dict_size(value, depth)
        else:
            size = 2 + max(len(value) - 1, 0)
            for item in value:
                scalar = _scalar_size(item)
                size += scalar if scalar is not None else self._size(item, depth + 1)
        if size >= REMEMBER_BYTES:
            self._known[id(value)] = (value, size)
        return size

    def _holds_known(self, value: Any) -> bool:
        known = self._known
        items = value.values() if isinstance(value, dict) else value
        return any(id(item) in known for item in items)

    def _dict_size(self, value: dict[Any, Any], depth: int) -> int:
        # '{' and '}', a ':' in each member, a ',' between members
        size = 2 * len(value) + 1 if value else 2
        keys = self._keys
        for key, item in value.items():
            key_size = keys.get(key)
            if key_size is None:
                if not isinstance(key, str):
                    return _slow_size(value)
                key_size = text_size(encode_basestring(key))
                if len(keys) < _MAX_KEYS:
                    keys[key] = key_size
            size += key_size
            scalar = _scalar_size(item)
            size += scalar if scalar is not None else self._size(item, depth + 1)
        return size
