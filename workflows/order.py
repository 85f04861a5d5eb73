"""An order on the side-car: branch on a step's decision, catch a step's own errors.

take-order -> charge and reserve side by side -> decide (exposes ``decision``) -> a Choice:
ship, refund (paid but out of stock) or cancel (the card was declined). Two typed Catches:
``PaymentDeclined`` from charge goes to decline inside its branch, and
``CarrierUnavailable`` from ship goes to compensate, which refunds and releases, and the
execution fails as ``ShippingFailed``. Each Catch keeps the reference and puts the error
under ``$.error``, where the next step's function sees it as ``doc["error"]``.
"""

from _order_steps import (
    cancel,
    charge,
    compensate,
    decide,
    decline,
    refund,
    reserve,
    ship,
    take_order,
)

from sfs3dsl import Choice, Fail, JsonPath, Parallel, SideCar, Succeed, Workflow

sidecar = SideCar(prefix="order/", timeout_seconds=11)

charging = sidecar.step(charge)
charging.catch(["PaymentDeclined"], sidecar.step(decline))

shipping = sidecar.step(ship)
shipping.catch(["CarrierUnavailable"],
               sidecar.step(compensate) >> Fail("order-failed", error="ShippingFailed",
                                                cause="the parcel could not be shipped; "
                                                      "payment refunded, stock released"))

decision = JsonPath("$.decision")
route = (Choice("route")
         .when(decision == "ship", shipping >> Succeed("shipped"))
         .when(decision == "refund", sidecar.step(refund) >> Succeed("refunded"))
         .otherwise(sidecar.step(cancel) >> Succeed("cancelled")))

order = Workflow(
    "order",
    sidecar.step(take_order)
    >> Parallel("charge-and-reserve", branches=[charging, sidecar.step(reserve)],
                result_path=None)
    >> sidecar.step(decide, expose=("decision",))
    >> route,
    comment="Order: charge and reserve, then ship, refund or cancel on the exposed decision",
)
