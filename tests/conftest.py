"""Shared test set-up: the compile cache lives in a fresh folder for each test session."""

from __future__ import annotations

import os
import shutil
import tempfile

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
