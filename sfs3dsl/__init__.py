"""sfs3dsl: AWS Step Functions workflows as Python objects.

Define states, chain them, compile to Amazon States Language, validate, review and run.

Example:
    >>> from sfs3dsl import Workflow, Pass, Succeed
    >>> wf = Workflow("hello", Pass("a") >> Succeed("done"))
    >>> print(wf.to_json())

The names below are loaded on first use (PEP 562), so ``import sfs3dsl`` and the CLI's
start-up stay cheap; ``from sfs3dsl import Pass`` loads only what ``Pass`` needs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the private module that defines it.
_EXPORTS: dict[str, str] = {
    "Chain": "sfs3dsl._chain",
    "Chainable": "sfs3dsl._chain",
    "Choice": "sfs3dsl._choice",
    "Compiled": "sfs3dsl._compile",
    "compile_workflow": "sfs3dsl._compile",
    "And": "sfs3dsl._conditions",
    "Condition": "sfs3dsl._conditions",
    "JsonataCondition": "sfs3dsl._conditions",
    "Not": "sfs3dsl._conditions",
    "Or": "sfs3dsl._conditions",
    "BuildError": "sfs3dsl._errors",
    "ExecutionError": "sfs3dsl._errors",
    "LoadError": "sfs3dsl._errors",
    "Sfs3dslError": "sfs3dsl._errors",
    "ValidationError": "sfs3dsl._errors",
    "aws_sdk": "sfs3dsl._integrations",
    "function_ref": "sfs3dsl._integrations",
    "lambda_function": "sfs3dsl._integrations",
    "lambda_invoke": "sfs3dsl._integrations",
    "sns_publish": "sfs3dsl._integrations",
    "sqs_send_message": "sfs3dsl._integrations",
    "start_execution": "sfs3dsl._integrations",
    "Intrinsic": "sfs3dsl._intrinsics",
    "States": "sfs3dsl._intrinsics",
    "ItemBatcher": "sfs3dsl._parallel",
    "ItemReader": "sfs3dsl._parallel",
    "Map": "sfs3dsl._parallel",
    "Parallel": "sfs3dsl._parallel",
    "ResultWriter": "sfs3dsl._parallel",
    "Problem": "sfs3dsl._problems",
    "Catch": "sfs3dsl._retry",
    "Errors": "sfs3dsl._retry",
    "Retry": "sfs3dsl._retry",
    "ServerlessOptions": "sfs3dsl._serverless.options",
    "NotReadyRetry": "sfs3dsl._sidecar.model",
    "SideCar": "sfs3dsl._sidecar.model",
    "SideCarStep": "sfs3dsl._sidecar.model",
    "Fail": "sfs3dsl._states",
    "Pass": "sfs3dsl._states",
    "State": "sfs3dsl._states",
    "Succeed": "sfs3dsl._states",
    "Wait": "sfs3dsl._states",
    "Task": "sfs3dsl._task",
    "Context": "sfs3dsl._values",
    "JsonPath": "sfs3dsl._values",
    "Jsonata": "sfs3dsl._values",
    "UNSET": "sfs3dsl._values",
    "Workflow": "sfs3dsl._workflow",
}

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


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sfs3dsl' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return __all__


if TYPE_CHECKING:
    from sfs3dsl._chain import Chain as Chain
    from sfs3dsl._chain import Chainable as Chainable
    from sfs3dsl._choice import Choice as Choice
    from sfs3dsl._compile import Compiled as Compiled
    from sfs3dsl._compile import compile_workflow as compile_workflow
    from sfs3dsl._conditions import And as And
    from sfs3dsl._conditions import Condition as Condition
    from sfs3dsl._conditions import JsonataCondition as JsonataCondition
    from sfs3dsl._conditions import Not as Not
    from sfs3dsl._conditions import Or as Or
    from sfs3dsl._errors import BuildError as BuildError
    from sfs3dsl._errors import ExecutionError as ExecutionError
    from sfs3dsl._errors import LoadError as LoadError
    from sfs3dsl._errors import Sfs3dslError as Sfs3dslError
    from sfs3dsl._errors import ValidationError as ValidationError
    from sfs3dsl._integrations import aws_sdk as aws_sdk
    from sfs3dsl._integrations import function_ref as function_ref
    from sfs3dsl._integrations import lambda_function as lambda_function
    from sfs3dsl._integrations import lambda_invoke as lambda_invoke
    from sfs3dsl._integrations import sns_publish as sns_publish
    from sfs3dsl._integrations import sqs_send_message as sqs_send_message
    from sfs3dsl._integrations import start_execution as start_execution
    from sfs3dsl._intrinsics import Intrinsic as Intrinsic
    from sfs3dsl._intrinsics import States as States
    from sfs3dsl._parallel import ItemBatcher as ItemBatcher
    from sfs3dsl._parallel import ItemReader as ItemReader
    from sfs3dsl._parallel import Map as Map
    from sfs3dsl._parallel import Parallel as Parallel
    from sfs3dsl._parallel import ResultWriter as ResultWriter
    from sfs3dsl._problems import Problem as Problem
    from sfs3dsl._retry import Catch as Catch
    from sfs3dsl._retry import Errors as Errors
    from sfs3dsl._retry import Retry as Retry
    from sfs3dsl._serverless.options import ServerlessOptions as ServerlessOptions
    from sfs3dsl._sidecar.model import NotReadyRetry as NotReadyRetry
    from sfs3dsl._sidecar.model import SideCar as SideCar
    from sfs3dsl._sidecar.model import SideCarStep as SideCarStep
    from sfs3dsl._states import Fail as Fail
    from sfs3dsl._states import Pass as Pass
    from sfs3dsl._states import State as State
    from sfs3dsl._states import Succeed as Succeed
    from sfs3dsl._states import Wait as Wait
    from sfs3dsl._task import Task as Task
    from sfs3dsl._values import UNSET as UNSET
    from sfs3dsl._values import Context as Context
    from sfs3dsl._values import Jsonata as Jsonata
    from sfs3dsl._values import JsonPath as JsonPath
    from sfs3dsl._workflow import Workflow as Workflow
