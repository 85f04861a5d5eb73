"""gc_paused: the collector is off during a pure build and as it was afterwards."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from sfs3dsl.core.gcpause import gc_paused
from sfs3dsl.review.graph import to_dot, to_mermaid
from sfs3dsl.validate import validate_definition


@pytest.fixture
def restore_gc() -> Iterator[None]:
    was = gc.isenabled()
    yield
    if was:
        gc.enable()
    else:
        gc.disable()


@gc_paused
def _seen() -> bool:
    return gc.isenabled()


@gc_paused
def _boom() -> None:
    raise ValueError("boom")


@pytest.mark.parametrize("enabled", [True, False])
def test_paused_during_and_restored_after(restore_gc: None, enabled: bool) -> None:
    (gc.enable if enabled else gc.disable)()
    assert _seen() is False
    assert gc.isenabled() is enabled


def test_restored_after_an_exception(restore_gc: None) -> None:
    gc.enable()
    with pytest.raises(ValueError, match=r"^boom$"):
        _boom()
    assert gc.isenabled() is True


@pytest.mark.parametrize("build", [to_dot, to_mermaid, validate_definition])
def test_builds_leave_the_collector_on(restore_gc: None, build: object) -> None:
    gc.enable()
    assert callable(build)
    build({"StartAt": "A", "States": {"A": {"Type": "Succeed"}}})
    assert gc.isenabled() is True
