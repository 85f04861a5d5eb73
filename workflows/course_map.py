"""The course's map machine (seed 003): each basket item, at most three at a time."""

from sfs3dsl import Context, JsonPath, Map, Pass, Workflow

each_item = Map(
    "each-item",
    processor=Pass("price", parameters={"item": JsonPath("$.item"), "checked": True}),
    items_path="$.basket.items",
    item_selector={"item": Context.map_item_value, "index": Context.map_item_index},
    max_concurrency=3,
    result_path="$.checked",
)

course_map = Workflow("course-map", each_item, comment="Map over $.basket.items, 3 at a time")
