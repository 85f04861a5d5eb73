"""sfs3dsl: AWS Step Functions workflows as Python objects.

Define states, chain them, compile to Amazon States Language, validate, review and run.

Example:
    >>> from sfs3dsl import Workflow, Pass, Succeed
    >>> wf = Workflow("hello", Pass("a") >> Succeed("done"))
    >>> print(wf.to_json())
"""

from sfs3dsl._chain import Chain, Chainable
from sfs3dsl._choice import Choice
from sfs3dsl._compile import Compiled, compile_workflow
from sfs3dsl._conditions import And, Condition, JsonataCondition, Not, Or
from sfs3dsl._errors import BuildError, ExecutionError, LoadError, Sfs3dslError, ValidationError
from sfs3dsl._integrations import (
    aws_sdk,
    function_ref,
    lambda_function,
    lambda_invoke,
    sns_publish,
    sqs_send_message,
    start_execution,
)
from sfs3dsl._intrinsics import Intrinsic, States
from sfs3dsl._parallel import ItemBatcher, ItemReader, Map, Parallel, ResultWriter
from sfs3dsl._problems import Problem
from sfs3dsl._retry import Catch, Errors, Retry
from sfs3dsl._serverless.options import ServerlessOptions
from sfs3dsl._sidecar.model import NotReadyRetry, SideCar, SideCarStep
from sfs3dsl._states import Fail, Pass, State, Succeed, Wait
from sfs3dsl._task import Task
from sfs3dsl._values import UNSET, Context, Jsonata, JsonPath
from sfs3dsl._workflow import Workflow

__version__ = "0.1.0"

__all__ = [
    "UNSET",
    "And",
    "BuildError",
    "Catch",
    "Chain",
    "Chainable",
    "Choice",
    "Compiled",
    "Condition",
    "Context",
    "Errors",
    "ExecutionError",
    "Fail",
    "Intrinsic",
    "ItemBatcher",
    "ItemReader",
    "JsonPath",
    "Jsonata",
    "JsonataCondition",
    "LoadError",
    "Map",
    "Not",
    "NotReadyRetry",
    "Or",
    "Parallel",
    "Pass",
    "Problem",
    "ResultWriter",
    "Retry",
    "ServerlessOptions",
    "Sfs3dslError",
    "SideCar",
    "SideCarStep",
    "State",
    "States",
    "Succeed",
    "Task",
    "ValidationError",
    "Wait",
    "Workflow",
    "__version__",
    "aws_sdk",
    "compile_workflow",
    "function_ref",
    "lambda_function",
    "lambda_invoke",
    "sns_publish",
    "sqs_send_message",
    "start_execution",
]
