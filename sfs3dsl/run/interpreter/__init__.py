"""The local interpreter of ASL: run a compiled definition as AWS Step Functions would.

It reads only ASL dicts: it imports :mod:`sfs3dsl.syntax` and :mod:`sfs3dsl.core`, never the
model, the compiler or the local run around it (:mod:`sfs3dsl.run`).

Example:
    >>> from sfs3dsl.run.interpreter import Runner, TaskFailure
    >>> runner = Runner()
    >>> runner.register_task("arn:aws:lambda:*:function:step-a", lambda payload, ctx: payload)
    >>> execution = runner.run(definition, {"processData": "txn-1"})
    >>> execution.status
    'SUCCEEDED'
"""

from sfs3dsl.run.interpreter.callbacks import TaskTokenError
from sfs3dsl.run.interpreter.failure import TaskFailure
from sfs3dsl.run.interpreter.runner import Execution, ExecutionHandle, Runner
from sfs3dsl.run.interpreter.tasks import MissingTask, TaskContext, nonblocking

__all__ = ["Execution", "ExecutionHandle", "MissingTask", "Runner", "TaskContext",
           "TaskFailure", "TaskTokenError", "nonblocking"]
