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

#: True for type checkers only (mypy reads any name ``TYPE_CHECKING`` so): ``import
#: sfs3dsl`` then imports no ``typing`` (~1.7 ms; the model loads it when used).
TYPE_CHECKING = False

__version__ = "0.1.0"

#: Public name -> the private module that defines it.
_EXPORTS: dict[str, str] = {
    "Chain": "sfs3dsl.model.chain",
    "Chainable": "sfs3dsl.model.chain",
    "Choice": "sfs3dsl.model.choice",
    "Compiled": "sfs3dsl.compile.compiler",
    "compile_workflow": "sfs3dsl.compile.compiler",
    "And": "sfs3dsl.model.conditions",
    "Condition": "sfs3dsl.model.conditions",
    "JsonataCondition": "sfs3dsl.model.conditions",
    "Not": "sfs3dsl.model.conditions",
    "Or": "sfs3dsl.model.conditions",
    "BuildError": "sfs3dsl.core.errors",
    "ExecutionError": "sfs3dsl.core.errors",
    "LoadError": "sfs3dsl.core.errors",
    "Sfs3dslError": "sfs3dsl.core.errors",
    "ValidationError": "sfs3dsl.core.errors",
    "aws_sdk": "sfs3dsl.model.integrations",
    "function_ref": "sfs3dsl.model.integrations",
    "lambda_function": "sfs3dsl.model.integrations",
    "lambda_invoke": "sfs3dsl.model.integrations",
    "sns_publish": "sfs3dsl.model.integrations",
    "sqs_send_message": "sfs3dsl.model.integrations",
    "start_execution": "sfs3dsl.model.integrations",
    "Intrinsic": "sfs3dsl.model.intrinsics",
    "States": "sfs3dsl.model.intrinsics",
    "ItemBatcher": "sfs3dsl.model.parallel",
    "ItemReader": "sfs3dsl.model.parallel",
    "Map": "sfs3dsl.model.parallel",
    "Parallel": "sfs3dsl.model.parallel",
    "ResultWriter": "sfs3dsl.model.parallel",
    "Problem": "sfs3dsl.core.problems",
    "Catch": "sfs3dsl.model.retry",
    "Errors": "sfs3dsl.model.retry",
    "Retry": "sfs3dsl.model.retry",
    "ServerlessOptions": "sfs3dsl.model.serverless",
    "Alarms": "sfs3dsl.model.operations",
    "Notification": "sfs3dsl.model.operations",
    "Vpc": "sfs3dsl.model.operations",
    "NotReadyRetry": "sfs3dsl.model.sidecar",
    "SideCar": "sfs3dsl.model.sidecar",
    "SideCarStep": "sfs3dsl.model.sidecar",
    "Fail": "sfs3dsl.model.states",
    "Pass": "sfs3dsl.model.states",
    "State": "sfs3dsl.model.states",
    "Succeed": "sfs3dsl.model.states",
    "Wait": "sfs3dsl.model.states",
    "Task": "sfs3dsl.model.task",
    "Context": "sfs3dsl.model.values",
    "JsonPath": "sfs3dsl.model.values",
    "Jsonata": "sfs3dsl.model.expressions",
    "UNSET": "sfs3dsl.model.expressions",
    "Workflow": "sfs3dsl.model.workflow",
    "load_workflow": "sfs3dsl.project.load",
    "Result": "sfs3dsl.run.api",
    "run_local": "sfs3dsl.run.api",
    "TestStateResult": "sfs3dsl.run.test_state",
    "test_state": "sfs3dsl.run.test_state",
}

__all__ = [
    "UNSET",
    "Alarms",
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
    "Notification",
    "Or",
    "Parallel",
    "Pass",
    "Problem",
    "Result",
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
    "TestStateResult",
    "ValidationError",
    "Vpc",
    "Wait",
    "Workflow",
    "__version__",
    "aws_sdk",
    "compile_workflow",
    "function_ref",
    "lambda_function",
    "lambda_invoke",
    "load_workflow",
    "run_local",
    "sns_publish",
    "sqs_send_message",
    "start_execution",
    "test_state",
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
    from typing import Any

    from sfs3dsl.compile.compiler import Compiled as Compiled
    from sfs3dsl.compile.compiler import compile_workflow as compile_workflow
    from sfs3dsl.core.errors import BuildError as BuildError
    from sfs3dsl.core.errors import ExecutionError as ExecutionError
    from sfs3dsl.core.errors import LoadError as LoadError
    from sfs3dsl.core.errors import Sfs3dslError as Sfs3dslError
    from sfs3dsl.core.errors import ValidationError as ValidationError
    from sfs3dsl.core.problems import Problem as Problem
    from sfs3dsl.model.chain import Chain as Chain
    from sfs3dsl.model.chain import Chainable as Chainable
    from sfs3dsl.model.choice import Choice as Choice
    from sfs3dsl.model.conditions import And as And
    from sfs3dsl.model.conditions import Condition as Condition
    from sfs3dsl.model.conditions import JsonataCondition as JsonataCondition
    from sfs3dsl.model.conditions import Not as Not
    from sfs3dsl.model.conditions import Or as Or
    from sfs3dsl.model.expressions import UNSET as UNSET
    from sfs3dsl.model.expressions import Jsonata as Jsonata
    from sfs3dsl.model.integrations import aws_sdk as aws_sdk
    from sfs3dsl.model.integrations import function_ref as function_ref
    from sfs3dsl.model.integrations import lambda_function as lambda_function
    from sfs3dsl.model.integrations import lambda_invoke as lambda_invoke
    from sfs3dsl.model.integrations import sns_publish as sns_publish
    from sfs3dsl.model.integrations import sqs_send_message as sqs_send_message
    from sfs3dsl.model.integrations import start_execution as start_execution
    from sfs3dsl.model.intrinsics import Intrinsic as Intrinsic
    from sfs3dsl.model.intrinsics import States as States
    from sfs3dsl.model.operations import Alarms as Alarms
    from sfs3dsl.model.operations import Notification as Notification
    from sfs3dsl.model.operations import Vpc as Vpc
    from sfs3dsl.model.parallel import ItemBatcher as ItemBatcher
    from sfs3dsl.model.parallel import ItemReader as ItemReader
    from sfs3dsl.model.parallel import Map as Map
    from sfs3dsl.model.parallel import Parallel as Parallel
    from sfs3dsl.model.parallel import ResultWriter as ResultWriter
    from sfs3dsl.model.retry import Catch as Catch
    from sfs3dsl.model.retry import Errors as Errors
    from sfs3dsl.model.retry import Retry as Retry
    from sfs3dsl.model.serverless import ServerlessOptions as ServerlessOptions
    from sfs3dsl.model.sidecar import NotReadyRetry as NotReadyRetry
    from sfs3dsl.model.sidecar import SideCar as SideCar
    from sfs3dsl.model.sidecar import SideCarStep as SideCarStep
    from sfs3dsl.model.states import Fail as Fail
    from sfs3dsl.model.states import Pass as Pass
    from sfs3dsl.model.states import State as State
    from sfs3dsl.model.states import Succeed as Succeed
    from sfs3dsl.model.states import Wait as Wait
    from sfs3dsl.model.task import Task as Task
    from sfs3dsl.model.values import Context as Context
    from sfs3dsl.model.values import JsonPath as JsonPath
    from sfs3dsl.model.workflow import Workflow as Workflow
    from sfs3dsl.run.api import Result as Result
    from sfs3dsl.run.api import run_local as run_local
    from sfs3dsl.run.test_state import TestStateResult as TestStateResult
    from sfs3dsl.run.test_state import test_state as test_state
