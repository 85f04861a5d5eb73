"""boto3 clients, made once per process (as Lambda advises) and replaceable in tests.

boto3 is imported on first use, not here: a workflow module imports its step functions,
and compiling a workflow must not pay boto3's start-up. Generated handlers import boto3
at module level themselves, so Lambda still pays it once, in the init phase.

The environment the runtime reads its settings from (``SFS3DSL_BUCKET``, ...) is
:func:`environ`: ``os.environ``, unless a local run laid a function's own variables over
it with :func:`use_environ` (in Lambda each function has its own environment; a local run
calls the handlers of several functions in one process, on several threads).
"""

from __future__ import annotations

import os
import threading
from collections import ChainMap
from collections.abc import Mapping
from contextvars import ContextVar, Token
from typing import Any

_lock = threading.Lock()
_cache: dict[str, Any] = {}
_overrides: dict[str, Any] = {}
_environ: ContextVar[Mapping[str, str] | None] = ContextVar("sfs3dsl_environ", default=None)


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


def client_error() -> type[Exception]:
    """botocore's ClientError, imported when an error is actually being handled.

    ``except client_error() as exc:`` evaluates the call only when an exception reaches the
    clause, so importing the runtime (and the workflow modules that use it) stays cheap.
    """
    from botocore.exceptions import ClientError  # type: ignore[import-untyped,unused-ignore]

    found: type[Exception] = ClientError
    return found


def use(service: str, replacement: Any) -> None:
    """Make :func:`client` return ``replacement`` for ``service`` (tests, fault injection)."""
    _overrides[service] = replacement


def reset() -> None:
    """Forget every cached client and override (e.g. between moto mocks)."""
    with _lock:
        _cache.clear()
        _overrides.clear()


def environ() -> Mapping[str, str]:
    """The environment of the running function: ``os.environ``, with the variables given
    to :func:`use_environ` in this thread (or task) laid over it."""
    overlay = _environ.get()
    return os.environ if overlay is None else ChainMap(dict(overlay), os.environ)


def use_environ(values: Mapping[str, str] | None) -> Token[Mapping[str, str] | None]:
    """Lay ``values`` over ``os.environ`` for :func:`environ` in this thread (or task) only;
    give the returned token to :func:`restore_environ` to undo it."""
    return _environ.set(None if values is None else dict(values))


def restore_environ(token: Token[Mapping[str, str] | None]) -> None:
    """Undo the :func:`use_environ` call that returned ``token``."""
    _environ.reset(token)
