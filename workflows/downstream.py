"""Downstream (seeds 000-002): three Lambda tasks in a line, each returning its input."""

from sfs3dsl import Chain, Task, Workflow, function_ref, lambda_invoke


def echo(name: str) -> Task:
    return lambda_invoke(name, function=function_ref(name), output_path="$.Payload",
                         timeout_seconds=11)


downstream = Workflow(
    "downstream",
    Chain.sequence(echo("downstream-a"), echo("downstream-b"), echo("downstream-c")),
    comment="Downstream: started by ProcessA's step f",
)
