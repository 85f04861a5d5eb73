"""The course's choice machine (seed 003): branch on $.inputNum."""

from sfs3dsl import Choice, JsonPath, Pass, Workflow

num = JsonPath("$.inputNum")
pick = (Choice("inputNum?")
        .when(num == 1, Pass("one", result="it was 1", result_path="$.verdict"))
        .when(num > 5, Pass("big", result="above 5", result_path="$.verdict"))
        .otherwise(Pass("other", result="something else", result_path="$.verdict")))

choice = Workflow("course-choice", pick.afterwards() >> Pass("done"),
                  comment="Choice: NumericEquals 1, NumericGreaterThan 5, Default")
