"""iw102 callback (seed 003): a task that waits for an external send-task-success.

``SendWait`` hands the task token to a Lambda and pauses; someone resumes it with
send-task-success, send-task-failure or send-task-heartbeat. Without a heartbeat for 60 s
it times out and ends in ``TimeoutState``; a reported failure ends in ``FailState``.
"""

from sfs3dsl import Context, Errors, Fail, Succeed, Wait, Workflow, function_ref, lambda_invoke

send_wait = lambda_invoke(
    "SendWait",
    function=function_ref("send-wait"),
    payload={"message": "Please use this token to wake up this Step Function Execution",
             "token": Context.task_token},
    wait_for_token=True,
    heartbeat_seconds=60,
    timeout_seconds=3600,
    result_path="$.taskresult",
)
send_wait.catch([Errors.TIMEOUT], Succeed("TimeoutState"))
send_wait.catch([Errors.TASK_FAILED], Fail("FailState", error="CallbackFailed",
                                           cause="the worker reported a failure"))

iw102_callback = Workflow(
    "iw102-callback",
    Wait("wait-before", seconds=5) >> send_wait >> Succeed("SuccessState"),
    comment="iw102CallbackMachine: resumed from outside with the task token",
)
