"""ProcessA (seeds 000-002): six side-car steps in a line; step f starts Downstream.

Only the reference ``{"processData": "<txn id>"}`` flows between the states; each step
reads the process document from S3, waits (``S3DataPreconditionError``, retried every
second, three times) until its predecessors' outputs are there, and records its own.
The functions live in ``_process_a_steps.py`` (the leading underscore keeps ``sfs3dsl
compile`` from reading it as a workflow module); the read predicates come from the graph.
"""

from _process_a_steps import step_a, step_b, step_c, step_d, step_e, step_f
from downstream import downstream

from sfs3dsl import Chain, SideCar, Workflow

sidecar = SideCar(prefix="process-a/")

process_a = Workflow(
    "process-a",
    Chain.sequence(
        sidecar.step(step_a, timeout_seconds=11),
        sidecar.step(step_b, timeout_seconds=11),
        sidecar.step(step_c, timeout_seconds=11),
        sidecar.step(step_d, timeout_seconds=11),
        sidecar.step(step_e, timeout_seconds=11),
        sidecar.step(step_f, timeout_seconds=11, starts=[downstream]),
    ),
    comment="ProcessA: steps a..f share one process document in S3; step f starts Downstream",
)
