"""The run-time side of sfs3dsl's S3 side-car: what generated Lambda handlers import.

Imports only the standard library and boto3 (never the sfs3dsl model, click or jinja2), so a
handler starts about as fast as ``import boto3`` alone. See ``docs/sidecar.md``.

Example:
    >>> from sfs3dsl_runtime import Requirement, StepSpec, make_handler
    >>> handler = make_handler(StepSpec("process-a", "step-b", (Requirement("step-a"),)),
    ...                        step_b)
"""

from sfs3dsl_runtime.errors import (
    NOT_READY,
    S3DataCorruptError,
    S3DataMissingError,
    S3DataPreconditionError,
    SideCarConfigError,
    SideCarError,
    SideCarReferenceError,
    SideCarStepError,
    not_ready_error,
)
from sfs3dsl_runtime.process import new_transaction_id, start_process, start_workflow
from sfs3dsl_runtime.step import Requirement, StepSpec, make_handler, run_step
from sfs3dsl_runtime.store import Location, ProcessStore, Snapshot

__all__ = [
    "NOT_READY",
    "Location",
    "ProcessStore",
    "Requirement",
    "S3DataCorruptError",
    "S3DataMissingError",
    "S3DataPreconditionError",
    "SideCarConfigError",
    "SideCarError",
    "SideCarReferenceError",
    "SideCarStepError",
    "Snapshot",
    "StepSpec",
    "make_handler",
    "new_transaction_id",
    "not_ready_error",
    "run_step",
    "start_process",
    "start_workflow",
]
