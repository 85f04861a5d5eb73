"""JSONata evaluation as Step Functions does it, on jsonata-python.

An expression is a string ``{% ... %}``; it sees ``$states`` (input, result, errorOutput,
context) and the workflow's variables, plus the functions AWS adds to JSONata (``$partition``,
``$range``, ``$hash``, ``$random``, ``$uuid``, ``$parse``). Each expression text is parsed once
and cached. jsonata-python is imported on first use, so importing the runner stays cheap.
"""

from __future__ import annotations

import hashlib
import json
import random
import threading
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from jsonata import Jsonata

_CACHE: dict[str, Jsonata] = {}
_LOCK = threading.Lock()
_HASHES = {"MD5": "md5", "SHA-1": "sha1", "SHA-256": "sha256", "SHA-384": "sha384",
           "SHA-512": "sha512"}


class JsonataFailure(Exception):
    """An expression could not be evaluated; ``undefined`` when it returned nothing."""

    def __init__(self, message: str, *, undefined: bool = False) -> None:
        super().__init__(message)
        self.message = message
        self.undefined = undefined


def is_expression(value: Any) -> bool:
    """True for a JSONata string ``{% ... %}``."""
    return isinstance(value, str) and value.startswith("{%") and value.endswith("%}")


def strip(value: str) -> str:
    """The expression inside ``{% ... %}``."""
    return value[2:-2].strip()


def _partition(array: Any, size: Any) -> list[Any]:
    items = list(array) if isinstance(array, list) else [array]
    n = int(size)
    if n <= 0:
        raise ValueError("$partition: size must be positive")
    return [items[i:i + n] for i in range(0, len(items), n)]


def _range(start: Any, end: Any, step: Any) -> Any:
    from jsonata.utils import Utils

    values = list(range(int(start), int(end) + (1 if step > 0 else -1), int(step)))
    return Utils.create_sequence(*values) if len(values) == 1 else values


def _hash(data: Any, algorithm: Any) -> str:
    name = _HASHES.get(str(algorithm))
    if name is None:
        raise ValueError(f"$hash: unsupported algorithm {algorithm!r}")
    return hashlib.new(name, str(data).encode()).hexdigest()


def _random(seed: Any = None) -> float:
    return random.Random(seed).random() if seed is not None else random.random()


def _uuid() -> str:
    return str(uuid.uuid4())


def _parse(text: Any) -> Any:
    value = json.loads(text)
    from jsonata.utils import Utils

    return Utils.NULL_VALUE if value is None else value


def compile_expression(text: str) -> Jsonata:
    """Parse (once) the JSONata expression ``text`` (without ``{% %}``)."""
    found = _CACHE.get(text)
    if found is not None:
        return found
    from jsonata import Jsonata

    with _LOCK:
        expr = Jsonata(text)
        expr.set_output_convert_nulls(False)
        expr.register_lambda("partition", _partition)
        expr.register_lambda("range", _range)
        expr.register_lambda("hash", _hash)
        expr.register_lambda("random", _random)
        expr.register_lambda("uuid", _uuid)
        expr.register_lambda("parse", _parse)
        _CACHE[text] = expr
    return expr


def _plain(value: Any) -> Any:
    """jsonata-python values -> JSON values: nulls, sequences, integral floats."""
    from jsonata.utils import Utils

    if value is Utils.NULL_VALUE:
        return None
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 2**53 else value
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


def evaluate(text: str, bindings: Mapping[str, Any]) -> Any:
    """Evaluate ``text`` (without ``{% %}``) with ``bindings`` (``states`` and variables).

    Raises:
        JsonataFailure: on a syntax or evaluation error, or when the result is undefined.
    """
    from jsonata.jexception import JException
    from jsonata.utils import Utils

    try:
        expr = compile_expression(text)
        bound = {k: (Utils.NULL_VALUE if v is None else v) for k, v in bindings.items()}
        result = expr.evaluate(None, bound)
    except JException as exc:
        raise JsonataFailure(f"{exc.error}: {exc}") from None
    except (ValueError, TypeError, ArithmeticError) as exc:
        raise JsonataFailure(str(exc)) from None
    except RecursionError:
        raise JsonataFailure("expression nested too deeply") from None
    if result is None:
        raise JsonataFailure("returned nothing (undefined)", undefined=True)
    return _plain(result)
