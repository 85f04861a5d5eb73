"""Downstream (seeds 000-002): three side-car steps in a line; ProcessA's step f starts it.

Its process data lives in its own bucket under ``downstream/``; each step returns the
reference it was given (the side-car's convention) and records what it saw.
"""

from _downstream_steps import downstream_a, downstream_b, downstream_c

from sfs3dsl import Chain, SideCar, Workflow

sidecar = SideCar(prefix="downstream/")

downstream = Workflow(
    "downstream",
    Chain.sequence(sidecar.step(downstream_a, timeout_seconds=11),
                   sidecar.step(downstream_b, timeout_seconds=11),
                   sidecar.step(downstream_c, timeout_seconds=11)),
    comment="Downstream: started by ProcessA's step f",
)
