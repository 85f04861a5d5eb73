"""boto3 clients, made once per process (as Lambda advises) and replaceable in tests.

boto3 is imported on first use, not here: a workflow module imports its step functions,
and compiling a workflow must not pay boto3's start-up. Generated handlers import boto3
at module level themselves, so Lambda still pays it once, in the init phase.
"""

from __future__ import annotations

import threading
from typing import Any

_lock = threading.Lock()
_cache: dict[str, Any] = {}
_overrides: dict[str, Any] = {}


def client(service: str) -> Any:
    """The client for ``service`` ("s3", "stepfunctions"): an override, or a cached one."""
    found = _overrides.get(service) or _cache.get(service)
    if found is not None:
        return found
    with _lock:
        if service not in _cache:
            import boto3  # type: ignore[import-untyped,unused-ignore]

            _cache[service] = boto3.client(service)
        return _cache[service]


def use(service: str, replacement: Any) -> None:
    """Make :func:`client` return ``replacement`` for ``service`` (tests, fault injection)."""
    _overrides[service] = replacement


def reset() -> None:
    """Forget every cached client and override (e.g. between moto mocks)."""
    with _lock:
        _cache.clear()
        _overrides.clear()
