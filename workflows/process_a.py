"""ProcessA (seeds 000-002): six Lambda steps in a line; step f starts Downstream.

Each step reads the process document from S3 and fails with ``S3DataPreconditionError``
while its predecessor's output is not there yet; the state machine retries that error.
Only the reference ``{"processData": "<txn id>"}`` flows between the states.
"""

from sfs3dsl import Chain, Task, Workflow, function_ref, lambda_invoke

NOT_READY = "S3DataPreconditionError"


def step(name: str, *, first: bool = False) -> Task:
    """A Lambda step that returns the reference unchanged (its Payload)."""
    task = lambda_invoke(name, function=function_ref(name), output_path="$.Payload",
                         timeout_seconds=11)
    if not first:
        task.retry([NOT_READY], interval_seconds=1, backoff_rate=1, max_attempts=3)
    return task


process_a = Workflow(
    "process-a",
    Chain.sequence(step("step-a", first=True), step("step-b"), step("step-c"), step("step-d"),
                   step("step-e"), step("step-f")),
    comment="ProcessA: steps a..f share one process document in S3; step f starts Downstream",
)
