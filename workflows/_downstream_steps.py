"""The step functions of Downstream: each records what it saw and changes nothing else."""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]


def _seen(name: str, doc: Document) -> Document:
    return {"step": name, "keys": sorted(doc)}


def downstream_a(doc: Document) -> Document:
    return _seen("downstream-a", doc)


def downstream_b(doc: Document) -> Document:
    return _seen("downstream-b", doc)


def downstream_c(doc: Document) -> Document:
    return _seen("downstream-c", doc)
