"""Start a side-car process: write its document under a new transaction id, then start it.

Used by the generated API facade (``start-process``) and by user code that starts another
side-car workflow (ProcessA's step f starts Downstream with :func:`start_workflow`).
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from typing import Any

from sfs3dsl_runtime import clients
from sfs3dsl_runtime.errors import SideCarConfigError
from sfs3dsl_runtime.step import REFERENCE_KEY
from sfs3dsl_runtime.store import Location, ProcessStore


def new_transaction_id() -> str:
    """128 random bits (the OS's CSPRNG, as ``secrets.token_hex(16)`` uses) as 32 hex
    digits: unguessable, and safe in an S3 key."""
    return os.urandom(16).hex()


def execution_arn(state_machine_arn: str, txn: str) -> str:
    """The ARN of the execution named ``txn`` (executions are named after the transaction)."""
    return state_machine_arn.replace(":stateMachine:", ":execution:", 1) + f":{txn}"


def start_process(location: Location, state_machine_arn: str, document: Mapping[str, Any], *,
                  extra: Mapping[str, str] | None = None, store: ProcessStore | None = None,
                  sfn: Any = None) -> dict[str, str]:
    """Write ``document`` as a new process and start the state machine on its reference.

    Returns ``{"transactionId": ..., "executionArn": ...}``. If StartExecution fails the
    document is deleted again, so a failed start leaves nothing behind.
    """
    store = store or ProcessStore(location)
    sfn = sfn or clients.client("stepfunctions")
    txn = new_transaction_id()
    while not store.create(txn, document):  # 2**-128: only a broken random source repeats
        txn = new_transaction_id()
    reference = {REFERENCE_KEY: txn, **dict(extra or {})}
    try:
        started = sfn.start_execution(stateMachineArn=state_machine_arn, name=txn,
                                      input=json.dumps(reference, separators=(",", ":")))
    except Exception:
        store.delete_document(txn)
        raise
    return {"transactionId": txn, "executionArn": str(started["executionArn"])}


def start_workflow(name: str, document: Mapping[str, Any], *,
                   environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Start the side-car workflow ``name`` that this step was declared to start.

    The generated fragment gives the step ``SFS3DSL_<NAME>_STATE_MACHINE_ARN``,
    ``..._BUCKET``, ``..._PREFIX`` (and ``..._KMS_KEY_ID``) and the permission to use them.

    Example:
        >>> started = start_workflow("downstream", {"from": "process-a"})
        >>> started["executionArn"]
    """
    env = clients.environ() if environ is None else environ
    stem = f"SFS3DSL_{name.upper().replace('-', '_')}"
    arn = env.get(f"{stem}_STATE_MACHINE_ARN", "")
    if not arn:
        raise SideCarConfigError(f"{stem}_STATE_MACHINE_ARN is not set: declare the step "
                                 f"with starts=[{name}] so the fragment grants and sets it")
    return start_process(Location.from_env(env, name=name), arn, document)
