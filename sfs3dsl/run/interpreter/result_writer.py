"""ResultWriter of a Distributed Map: write the children's results and a manifest to S3
(through the task registry's ``s3:putObject``), or, with only ``WriterConfig``, return them
transformed. The file shapes are described in :mod:`sfs3dsl.run.interpreter.map_run`."""

from __future__ import annotations

from typing import Any

from sfs3dsl.core.errors import Sfs3dslError
from sfs3dsl.run.interpreter import dataflow, jsonata_fields
from sfs3dsl.run.interpreter.concurrency import Outcomes
from sfs3dsl.run.interpreter.failure import Aborted, StateFailure
from sfs3dsl.run.interpreter.history import dumps
from sfs3dsl.run.interpreter.map_run import MapRun, body, record, transform
from sfs3dsl.run.interpreter.scope import Env

#: AWS's error when a Distributed Map cannot write its results (error names in the docs).
WRITER_FAILED = "States.ResultWriterFailed"


def write_results(env: Env, writer: dict[str, Any], doc: Any, inputs: list[Any],
                  outcomes: Outcomes, map_run: MapRun) -> Any:
    """Write (or, without a Resource, return) the results of ``map_run``."""
    from sfs3dsl.run.interpreter.item_reader import read_failed_cause
    from sfs3dsl.run.interpreter.tasks import MissingTask, TaskContext

    config = writer.get("WriterConfig") or {}
    has_resource = "Resource" in writer
    how = str(config.get("Transformation", "NONE" if has_resource else "COMPACT"))
    output_type = str(config.get("OutputType", "JSON"))
    succeeded = [i for i in range(len(inputs)) if i not in outcomes.failures]
    records = [record(env, map_run, i, inputs[i], outcomes.outputs[i], None)
               for i in succeeded]
    good = transform(records, [outcomes.outputs[i] for i in succeeded], how)
    bad = [record(env, map_run, i, inputs[i], None, f)
           for i, f in sorted(outcomes.failures.items())]
    if not has_resource:  # WriterConfig only: the results are the state's result
        return good + bad
    if env.jsonata:
        params = jsonata_fields.value(env, writer.get("Arguments", {}),
                                      jsonata_fields.bindings(env), "Arguments")
    else:
        params = dataflow.template(env, writer.get("Parameters", {}), doc)
    resource = str(writer["Resource"])
    runner = env.frame.run.runner
    fn = runner.tasks.find(resource)
    if fn is None:
        raise MissingTask(f"state {env.name!r}: no task is registered for the ResultWriter "
                          f"resource {resource!r}")
    bucket = params.get("Bucket")
    prefix = f"{str(params['Prefix']).rstrip('/')}/" if params.get("Prefix") else ""
    folder = f"{prefix}{map_run.run_id}/"
    files: dict[str, list[dict[str, Any]]] = {"FAILED": [], "PENDING": [], "SUCCEEDED": []}
    writes: list[dict[str, Any]] = []
    for status, values in (("SUCCEEDED", good), ("FAILED", bad)):
        if not values and status == "FAILED":
            continue
        text = body(values, output_type)
        key = f"{folder}{status}_0.json"
        files[status].append({"Key": key, "Size": len(text.encode("utf-8"))})
        writes.append({"Bucket": bucket, "Key": key, "Body": text})
    manifest = f"{folder}manifest.json"
    writes.append({"Bucket": bucket, "Key": manifest, "Body": dumps(
        {"DestinationBucket": bucket, "MapRunArn": map_run.arn, "ResultFiles": files})})
    ctx = TaskContext(env, resource, runner)
    for write in writes:
        try:
            fn(write, ctx)
        except (StateFailure, Aborted, Sfs3dslError):
            raise
        except Exception as exc:  # S3 refused the write: the state fails, as on AWS
            raise StateFailure(WRITER_FAILED, read_failed_cause(write, exc, "put")) from None
    return {"MapRunArn": map_run.arn,
            "ResultWriterDetails": {"Bucket": bucket, "Key": manifest}}
