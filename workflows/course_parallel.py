"""The course's parallel machine (seed 003): two branches on the same input."""

from sfs3dsl import Parallel, Pass, Wait, Workflow

both = Parallel(
    "both",
    branches=[
        Pass("left", result={"side": "left"}, result_path="$.left"),
        Wait("pause", seconds=1) >> Pass("right", result={"side": "right"},
                                         result_path="$.right"),
    ],
    result_path="$.branches",
)

parallel = Workflow("course-parallel", both >> Pass("joined"),
                    comment="A Parallel of two branches")
