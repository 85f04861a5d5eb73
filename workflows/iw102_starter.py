"""iw102 starter (seed 003): wait, say hello into $.taskresult, wait again."""

from sfs3dsl import Wait, Workflow, function_ref, lambda_invoke

hello = lambda_invoke("hello", function=function_ref("hello"),
                      result_selector={"message.$": "$.Payload"},
                      result_path="$.taskresult", timeout_seconds=30)

iw102_starter = Workflow(
    "iw102-starter",
    Wait("wait-before", seconds=5) >> hello >> Wait("wait-after", seconds=5),
    comment="iw102StarterMachine: Wait 5 s, Task hello, Wait 5 s",
)
