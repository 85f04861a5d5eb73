"""The course's flaky machine (seed 003): retry everything 5 times, then fail cleanly."""

from sfs3dsl import Errors, Fail, Workflow, function_ref, lambda_invoke

flaky_task = lambda_invoke("flaky", function=function_ref("flaky"), output_path="$.Payload",
                           timeout_seconds=30)
flaky_task.retry([Errors.ALL], interval_seconds=5, max_attempts=5, backoff_rate=2)
flaky_task.catch([Errors.ALL], Fail("FlakyFailed", error="Flaky.GaveUp",
                                    cause="flaky failed after 5 retries"),
                 result_path="$.error")

flaky = Workflow("course-flaky", flaky_task, comment="Retry States.ALL, then Catch to a Fail")
