"""Parallel and Map: states that run sub-machines (branches, an item processor)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from sfs3dsl.model.chain import Chainable, as_chainable
from sfs3dsl.model.expressions import UNSET, _Unset
from sfs3dsl.model.payload import AslObject
from sfs3dsl.model.retry import Catch, Retry
from sfs3dsl.model.states import QueryLanguage, split_dynamic
from sfs3dsl.model.task import Recoverable

if TYPE_CHECKING:
    from sfs3dsl.compile.compiler import RenderContext


class Parallel(Recoverable):
    """Runs every branch on the same input; its result is the list of branch outputs.

    Example:
        >>> Parallel("both", branches=[Pass("left"), Pass("right") >> Pass("more")])
    """

    type = "Parallel"
    __slots__ = ("branches",)

    def __init__(self, name: str | None = None, *, branches: Sequence[Chainable] = (),
                 parameters: Any = UNSET, arguments: Any = UNSET, input_path: Any = UNSET,
                 result_selector: Any = UNSET, result_path: Any = UNSET,
                 output_path: Any = UNSET, output: Any = UNSET,
                 assign: Mapping[str, Any] | None = None, retry: Sequence[Retry] = (),
                 catch: Sequence[Catch] = (), comment: str | None = None,
                 query_language: QueryLanguage | None = None) -> None:
        super().__init__(name, comment=comment, query_language=query_language)
        self.branches: list[Chainable] = []
        for b in branches:
            self.branch(b)
        if input_path is not UNSET or output_path is not UNSET or output is not UNSET \
                or assign is not None:  # (no call when none is given)
            self._set_io(input_path=input_path, output_path=output_path, output=output,
                         assign=assign)
        self._set("Parameters", parameters)
        self._set("Arguments", arguments)
        self._set("ResultSelector", result_selector)
        self._set("ResultPath", result_path)
        self._init_recovery(retry, catch)

    def branch(self, chain: Chainable) -> Parallel:
        """Add a branch; returns this state."""
        self.branches.append(as_chainable(chain, f"Parallel {self.label!r} branch",
                                          self.where))
        return self

    def sub_machines(self) -> Sequence[Chainable]:
        return self.branches

    def render_extra(self, out: dict[str, Any], ctx: RenderContext, jsonata: bool) -> None:
        if not self.branches:
            raise self._fail("a Parallel needs at least one branch",
                             hint="pass branches=[chain1, chain2]")
        out["Branches"] = [ctx.render_machine(self, i) for i in range(len(self.branches))]
        super().render_extra(out, ctx, jsonata)


class ItemReader(AslObject):
    """Where a distributed Map reads its items (S3 objects, a JSON, CSV or manifest file).

    Example:
        >>> ItemReader.s3_objects(bucket="my-bucket", prefix="in/")
        >>> ItemReader.s3_file(bucket="b", key="items.csv", input_type="CSV",
        ...                    csv_header_location="FIRST_ROW")
    """

    __slots__ = ()

    def __init__(self, resource: str, parameters: Mapping[str, Any] | None = None, *,
                 reader_config: Mapping[str, Any] | None = None,
                 arguments: Mapping[str, Any] | None = None) -> None:
        super().__init__({"Resource": resource})
        if reader_config is not None:
            self.asl["ReaderConfig"] = dict(reader_config)
        if parameters is not None:
            self.asl["Parameters"] = parameters
        if arguments is not None:
            self.asl["Arguments"] = arguments

    @classmethod
    def s3_objects(cls, *, bucket: Any, prefix: Any = "") -> ItemReader:
        return cls("arn:aws:states:::s3:listObjectsV2",
                   {"Bucket": bucket, "Prefix": prefix})

    @classmethod
    def s3_file(cls, *, bucket: Any, key: Any,
                input_type: Literal["JSON", "JSONL", "CSV", "MANIFEST"] = "JSON",
                csv_header_location: Literal["FIRST_ROW", "GIVEN"] | None = None,
                max_items: int | None = None) -> ItemReader:
        config: dict[str, Any] = {"InputType": input_type}
        if csv_header_location is not None:
            config["CSVHeaderLocation"] = csv_header_location
        if max_items is not None:
            config["MaxItems"] = max_items
        return cls("arn:aws:states:::s3:getObject", {"Bucket": bucket, "Key": key},
                   reader_config=config)


class ResultWriter(AslObject):
    """Where a distributed Map writes its results: ``ResultWriter(bucket=..., prefix=...)``."""

    __slots__ = ()

    def __init__(self, *, bucket: Any, prefix: Any = "",
                 resource: str = "arn:aws:states:::s3:putObject",
                 writer_config: Mapping[str, Any] | None = None) -> None:
        super().__init__({"Resource": resource,
                          "Parameters": {"Bucket": bucket, "Prefix": prefix}})
        if writer_config is not None:
            self.asl["WriterConfig"] = dict(writer_config)


class ItemBatcher(AslObject):
    """Batches items of a distributed Map: ``ItemBatcher(max_items_per_batch=100)``."""

    __slots__ = ()

    def __init__(self, *, max_items_per_batch: Any = UNSET,
                 max_input_bytes_per_batch: Any = UNSET, batch_input: Any = UNSET) -> None:
        super().__init__({})
        for key, base in ((max_items_per_batch, "MaxItemsPerBatch"),
                          (max_input_bytes_per_batch, "MaxInputBytesPerBatch")):
            if not isinstance(key, _Unset):
                k, v = split_dynamic(key, base, base + "Path")
                self.asl[k] = v
        if not isinstance(batch_input, _Unset):
            self.asl["BatchInput"] = batch_input


MapMode = Literal["INLINE", "DISTRIBUTED"]
_DISTRIBUTED_ONLY = ("ItemReader", "ItemBatcher", "ResultWriter", "Label")


class Map(Recoverable):
    """Runs ``processor`` for each item; inline by default, distributed with ``mode``.

    Example:
        >>> Map("each", processor=Pass("one"), items_path="$.basket.items",
        ...     item_selector={"item": Context.map_item_value}, max_concurrency=3)
    """

    type = "Map"
    __slots__ = ("execution_type", "field_name", "mode", "processor")

    def __init__(self, name: str | None = None, *, processor: Chainable,
                 items_path: Any = UNSET, items: Any = UNSET, item_selector: Any = UNSET,
                 parameters: Any = UNSET, max_concurrency: Any = UNSET,
                 mode: MapMode | None = None,
                 execution_type: Literal["STANDARD", "EXPRESS"] | None = None,
                 item_reader: ItemReader | None = None, item_batcher: ItemBatcher | None = None,
                 result_writer: ResultWriter | None = None,
                 tolerated_failure_percentage: Any = UNSET,
                 tolerated_failure_count: Any = UNSET, label: Any = UNSET,
                 input_path: Any = UNSET, result_selector: Any = UNSET,
                 result_path: Any = UNSET, output_path: Any = UNSET, output: Any = UNSET,
                 assign: Mapping[str, Any] | None = None, retry: Sequence[Retry] = (),
                 catch: Sequence[Catch] = (), legacy_iterator: bool = False,
                 comment: str | None = None,
                 query_language: QueryLanguage | None = None) -> None:
        super().__init__(name, comment=comment, query_language=query_language)
        self.processor = as_chainable(processor, f"Map {self.label!r} processor", self.where)
        self.field_name = "Iterator" if legacy_iterator else "ItemProcessor"
        if mode not in (None, "INLINE", "DISTRIBUTED"):
            raise self._fail(f"mode {mode!r} is not INLINE or DISTRIBUTED",
                             hint='pass mode="DISTRIBUTED" for a distributed Map')
        self.mode = mode
        self.execution_type = execution_type
        self._set("ItemsPath", items_path)
        self._set("Items", items)
        self._set("ItemSelector", item_selector)
        self._set("Parameters", parameters)
        for value, key in ((max_concurrency, "MaxConcurrency"),
                           (tolerated_failure_percentage, "ToleratedFailurePercentage"),
                           (tolerated_failure_count, "ToleratedFailureCount")):
            if not isinstance(value, _Unset):
                k, v = split_dynamic(value, key, key + "Path")
                self.fields[k] = v
        for key, obj in (("ItemReader", item_reader), ("ItemBatcher", item_batcher),
                         ("ResultWriter", result_writer)):
            if obj is not None:
                self.fields[key] = obj
        self._set("Label", label)
        if mode != "DISTRIBUTED":
            misplaced = [k for k in _DISTRIBUTED_ONLY if k in self.fields]
            if execution_type is not None:
                misplaced.append("ExecutionType")
            if misplaced:
                raise self._fail(f"{', '.join(misplaced)} only work(s) on a distributed Map",
                                 hint='pass mode="DISTRIBUTED"')
        if "ItemSelector" in self.fields and "Parameters" in self.fields:
            raise self._fail("a Map takes item_selector or parameters, not both",
                             hint="use item_selector (parameters is its older name)")
        if input_path is not UNSET or output_path is not UNSET or output is not UNSET \
                or assign is not None:  # (no call when none is given)
            self._set_io(input_path=input_path, output_path=output_path, output=output,
                         assign=assign)
        self._set("ResultSelector", result_selector)
        self._set("ResultPath", result_path)
        self._init_recovery(retry, catch)

    def sub_machines(self) -> Sequence[Chainable]:
        return (self.processor,)

    def render_extra(self, out: dict[str, Any], ctx: RenderContext, jsonata: bool) -> None:
        machine = ctx.render_machine(self, 0)
        if self.mode is not None:
            config: dict[str, Any] = {"Mode": self.mode}
            if self.execution_type is not None:
                config["ExecutionType"] = self.execution_type
            machine = {"ProcessorConfig": config, **machine}
        out[self.field_name] = machine
        super().render_extra(out, ctx, jsonata)
