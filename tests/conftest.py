"""Shared test set-up: the compile cache lives in a fresh folder for each test session;
`thread_starts` records the threads a test starts."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading

import pytest

_made: list[str] = []


def pytest_configure(config: pytest.Config) -> None:
    # Tests must not read or fill the user's ~/.cache/sfs3dsl; the folder is inherited by
    # the `sfs3dsl` processes that tests start.
    if "SFS3DSL_CACHE_DIR" not in os.environ:
        _made.append(tempfile.mkdtemp(prefix="sfs3dsl-test-cache-"))
        os.environ["SFS3DSL_CACHE_DIR"] = _made[0]


def pytest_unconfigure(config: pytest.Config) -> None:
    for folder in _made:
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def thread_starts(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads started while a test runs."""
    started: list[str] = []
    real_start = threading.Thread.start

    def start(thread: threading.Thread) -> None:
        started.append(thread.name)
        real_start(thread)

    monkeypatch.setattr(threading.Thread, "start", start)
    return started
