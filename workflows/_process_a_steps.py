"""The step functions of ProcessA: plain Python, no sfs3dsl import.

Each takes the process document (the request body plus the outputs recorded so far) and
returns what is stored under ``step-<x>-output``. The generated Lambda handlers import this
module, so it must stay light: the standard library, boto3 and ``sfs3dsl_runtime`` only.
"""

from __future__ import annotations

from typing import Any

from sfs3dsl_runtime import start_workflow

Document = dict[str, Any]


def step_a(doc: Document) -> Document:
    """Look at the request and say it is fine."""
    return {"status": "ok", "details": "nothing to share", "stepAOutput1": "a1",
            "stepAOutput2": False, "stepAOutput3": 123, "fields": len(doc)}


def step_b(doc: Document) -> Document:
    return {"property1": "p1", "property2": "p2",
            "sawStatus": doc["step-a-output"]["status"]}


def step_c(doc: Document) -> Document:
    return {"cProperty": "i like c"}


def step_d(doc: Document) -> Document:
    return {"d": "d output"}


def step_e(doc: Document) -> Document:
    return {"e": "e output"}


def step_f(doc: Document) -> Document:
    """Start Downstream on a document of its own; record its execution ARN."""
    started = start_workflow("downstream", {
        "upstream": "process-a",
        "stepEOutput": doc["step-e-output"],
    })
    return {"downstreamExecutionArn": started["executionArn"]}
