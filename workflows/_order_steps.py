"""The step functions of the order workflow: plain Python, no sfs3dsl import.

Each takes the process document (the order as posted, plus the outputs recorded so far) and
returns what is stored under ``<step>-output``. A step that raises one of the exceptions
below fails its state with the class name as the error, so the workflow's typed Catches
match it.
"""

from __future__ import annotations

from typing import Any

Document = dict[str, Any]


class PaymentDeclined(Exception):
    """The card was refused; nothing was charged."""


class CarrierUnavailable(Exception):
    """No carrier took the parcel; what was charged and reserved must be given back."""


def take_order(doc: Document) -> Document:
    """Price the order: the total of quantity times price over its items."""
    items = doc.get("items") or []
    if not items:
        raise ValueError("the order has no items")
    total = sum(int(i["qty"]) * float(i["price"]) for i in items)
    return {"orderId": doc.get("orderId", "order-1"), "total": round(total, 2),
            "skus": sorted({str(i["sku"]) for i in items})}


def charge(doc: Document) -> Document:
    """Charge the card for the order's total."""
    total = doc["take-order-output"]["total"]
    if doc.get("card") == "declined":
        raise PaymentDeclined(f"the card was declined for {total}")
    return {"charged": total, "paymentId": f"pay-{doc['take-order-output']['orderId']}"}


def decline(doc: Document) -> Document:
    """Note why the payment failed (the Catch put the error in the document)."""
    return {"declined": True, "reason": doc["error"]["message"]}


def reserve(doc: Document) -> Document:
    """Reserve stock for every item; some SKUs may be out of stock."""
    missing = sorted(set(doc["take-order-output"]["skus"]) & set(doc.get("outOfStock", [])))
    return {"reserved": not missing, "missing": missing}


def decide(doc: Document) -> Document:
    """Ship when paid and reserved; refund when paid but not reserved; else cancel."""
    paid = "charge-output" in doc
    reserved = doc["reserve-output"]["reserved"]
    decision = "ship" if paid and reserved else "refund" if paid else "cancel"
    return {"decision": decision}


def ship(doc: Document) -> Document:
    """Hand the parcel to the carrier."""
    if doc.get("carrier") == "down":
        raise CarrierUnavailable("no carrier accepted the parcel")
    return {"trackingId": f"track-{doc['take-order-output']['orderId']}"}


def refund(doc: Document) -> Document:
    """Give the money back: the goods could not be reserved."""
    return {"refunded": doc["charge-output"]["charged"],
            "because": doc["reserve-output"]["missing"]}


def cancel(doc: Document) -> Document:
    """Nothing was charged: cancel the order and release what was reserved."""
    return {"cancelled": True, "released": doc["reserve-output"]["reserved"]}


def compensate(doc: Document) -> Document:
    """Shipping failed after payment and reservation: refund and release both."""
    return {"refunded": doc["charge-output"]["charged"], "released": True,
            "because": doc["error"]["Error"]}
