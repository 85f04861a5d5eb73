"""The step functions of Monitored: price an order, then book it."""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]


def price(doc: Document) -> Document:
    items = doc.get("items", [])
    return {"total": sum(i.get("price", 0) * i.get("quantity", 1) for i in items)}


def book(doc: Document) -> Document:
    return {"booked": doc["price-output"]["total"]}
