"""Map states: processor shape, ProcessorConfig, fields only a Distributed Map may carry."""

from __future__ import annotations

from collections.abc import Mapping

from sfs3dsl.validate.report import State
from sfs3dsl.validate.tables import DISTRIBUTED_ONLY, EXECUTION_TYPES, PROCESSOR_MODES
from sfs3dsl.validate.values import describe


def _listing(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f'"{v}"' for v in values) + "]"


def check_map(state: State) -> None:
    """Every Map-specific check."""
    key = "ItemProcessor" if "ItemProcessor" in state.body else "Iterator"
    processor = state.body.get(key)
    if key in state.body and not isinstance(processor, Mapping):
        state.problem("wrong-type", key, f'field "{key}" must be an object with "StartAt" and '
                      f'"States", not {describe(processor)}',
                      f'write "{key}": {{"StartAt": ..., "States": {{...}}}}')
        return
    if "ItemReader" in state.body:
        _item_reader(state, state.body["ItemReader"])
    mode = _mode(state, key, processor)
    if mode == "DISTRIBUTED":
        return
    for name in DISTRIBUTED_ONLY:
        if name in state.body:
            state.problem("inline-map-field", name,
                          f'field "{name}" needs a Distributed Map, but this Map runs inline '
                          '(ProcessorConfig.Mode is INLINE or missing)',
                          f'set "ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": '
                          f'"STANDARD"}} in "{key}", or remove "{name}"')


def _mode(state: State, key: str, processor: Mapping[str, object] | None) -> str:
    if not isinstance(processor, Mapping) or "ProcessorConfig" not in processor:
        return "INLINE"
    config = processor["ProcessorConfig"]
    where = f"{key}.ProcessorConfig"
    if not isinstance(config, Mapping):
        state.problem("wrong-type", where, f'"ProcessorConfig" must be an object, not '
                      f"{describe(config)}", 'write {"Mode": "INLINE"}')
        return "INLINE"
    for name in config:
        if name not in ("Mode", "ExecutionType"):
            state.problem("unknown-field", f"{where}.{name}",
                          f'unknown field "{name}" in "ProcessorConfig"',
                          'allowed: "Mode", "ExecutionType"')
    mode = config.get("Mode", "INLINE")
    if mode not in PROCESSOR_MODES:
        state.problem("bad-value", f"{where}.Mode", f'"Mode" {describe(mode)} is not one of '
                      f"the allowed values {_listing(PROCESSOR_MODES)}",
                      'write "INLINE" or "DISTRIBUTED"')
        return "INLINE"
    execution = config.get("ExecutionType")
    if "ExecutionType" in config and execution not in EXECUTION_TYPES:
        state.problem("bad-value", f"{where}.ExecutionType",
                      f'"ExecutionType" {describe(execution)} is not one of the allowed values '
                      f"{_listing(EXECUTION_TYPES)}", 'write "STANDARD" or "EXPRESS"')
    if mode == "DISTRIBUTED" and "ExecutionType" not in config:
        state.problem("missing-field", f"{where}.ExecutionType",
                      'a Distributed Map needs "ExecutionType" in "ProcessorConfig"',
                      'add "ExecutionType": "STANDARD" or "EXPRESS"')
    return str(mode)


_READER_FIELDS = ("Resource", "ReaderConfig", "Parameters", "Arguments")
#: The S3 actions an ItemReader can run (developer guide, "ItemReader (Map)").
_READER_ACTIONS = ("s3:getObject", "s3:listObjectsV2")


def _item_reader(state: State, reader: object) -> None:
    if not isinstance(reader, Mapping):
        state.problem("wrong-type", "ItemReader", f'"ItemReader" must be an object, not '
                      f"{describe(reader)}", 'write {"Resource": "arn:aws:states:::s3:getObject", '
                      '"Parameters": {...}}')
        return
    for name in reader:
        if name not in _READER_FIELDS:
            state.problem("unknown-field", f"ItemReader.{name}",
                          f'unknown field "{name}" in "ItemReader"',
                          "allowed: " + ", ".join(f'"{f}"' for f in _READER_FIELDS))
    resource = reader.get("Resource")
    placeholder = isinstance(resource, str) and "${" in resource
    known = isinstance(resource, str) and resource.startswith("arn:") and \
        resource.endswith(tuple(f":::{a}" for a in _READER_ACTIONS))
    if not (known or placeholder):
        state.problem("bad-item-reader", "ItemReader.Resource",
                      f'"ItemReader" needs "Resource" naming an S3 action to read items with, '
                      f"not {describe(resource)}",
                      'use "arn:aws:states:::s3:getObject" or '
                      '"arn:aws:states:::s3:listObjectsV2"')
