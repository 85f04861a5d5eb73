"""Which fields each kind of object may carry, per state type and query language.

From the ASL specification and the Step Functions developer guide ("Common state fields",
each state's page, "Transforming data with JSONata").
"""

from __future__ import annotations

from typing import Final

TOP_FIELDS: Final = frozenset({"Comment", "QueryLanguage", "StartAt", "States",
                               "TimeoutSeconds", "Version"})
BRANCH_FIELDS: Final = frozenset({"Comment", "StartAt", "States"})
PROCESSOR_FIELDS: Final = frozenset({"Comment", "StartAt", "States", "ProcessorConfig"})

COMMON: Final = frozenset({"Type", "Comment", "QueryLanguage"})
_IO: Final = frozenset({"InputPath", "OutputPath", "Output"})
_FLOW: Final = frozenset({"Next", "End", "Assign"})
_RESULT: Final = frozenset({"Parameters", "ResultSelector", "ResultPath", "Arguments",
                            "Retry", "Catch"})

BY_TYPE: Final[dict[str, frozenset[str]]] = {
    "Pass": COMMON | _IO | _FLOW | {"Parameters", "Result", "ResultPath"},
    "Task": COMMON | _IO | _FLOW | _RESULT | {
        "Resource", "Credentials", "TimeoutSeconds", "TimeoutSecondsPath",
        "HeartbeatSeconds", "HeartbeatSecondsPath"},
    "Choice": COMMON | _IO | {"Choices", "Default", "Assign"},
    "Wait": COMMON | _IO | _FLOW | {"Seconds", "SecondsPath", "Timestamp", "TimestampPath"},
    "Succeed": COMMON | _IO,
    "Fail": COMMON | {"Error", "ErrorPath", "Cause", "CausePath"},
    "Parallel": COMMON | _IO | _FLOW | _RESULT | {"Branches"},
    "Map": COMMON | _IO | _FLOW | (_RESULT - {"Arguments"}) | {
        "ItemProcessor", "Iterator", "ItemReader", "ItemsPath", "Items", "ItemSelector",
        "ItemBatcher", "ResultWriter", "MaxConcurrency", "MaxConcurrencyPath",
        "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
        "ToleratedFailureCount", "ToleratedFailureCountPath", "Label"},
}
ALL_STATE_FIELDS: Final = frozenset().union(*BY_TYPE.values())

JSONPATH_ONLY: Final = frozenset({
    "InputPath", "OutputPath", "Parameters", "ResultSelector", "ResultPath", "Result",
    "SecondsPath", "TimestampPath", "ErrorPath", "CausePath", "TimeoutSecondsPath",
    "HeartbeatSecondsPath", "ItemsPath", "MaxConcurrencyPath",
    "ToleratedFailurePercentagePath", "ToleratedFailureCountPath", "Iterator",
})
JSONATA_ONLY: Final = frozenset({"Arguments", "Output", "Items"})

#: Pairs of a static field and its dynamic ``*Path`` form; a state may have only one.
EXCLUSIVE_PAIRS: Final = (
    ("Error", "ErrorPath"), ("Cause", "CausePath"),
    ("TimeoutSeconds", "TimeoutSecondsPath"), ("HeartbeatSeconds", "HeartbeatSecondsPath"),
    ("MaxConcurrency", "MaxConcurrencyPath"),
    ("ToleratedFailurePercentage", "ToleratedFailurePercentagePath"),
    ("ToleratedFailureCount", "ToleratedFailureCountPath"),
    ("Iterator", "ItemProcessor"), ("Parameters", "ItemSelector"),
)

TERMINAL_TYPES: Final = frozenset({"Succeed", "Fail"})
#: Types that need Next or End (Choice uses its rules, Succeed and Fail end).
FLOW_TYPES: Final = frozenset({"Pass", "Task", "Wait", "Parallel", "Map"})

RETRIER_FIELDS: Final = frozenset({"ErrorEquals", "IntervalSeconds", "MaxAttempts",
                                   "BackoffRate", "MaxDelaySeconds", "JitterStrategy",
                                   "Comment"})
CATCHER_FIELDS: Final = frozenset({"ErrorEquals", "Next", "ResultPath", "Output", "Assign",
                                   "Comment"})
JITTER_STRATEGIES: Final = ("FULL", "NONE")

#: Map fields that only a Distributed Map (ProcessorConfig.Mode DISTRIBUTED) may carry.
DISTRIBUTED_ONLY: Final = ("ItemReader", "ResultWriter", "ItemBatcher",
                           "ToleratedFailurePercentage", "ToleratedFailurePercentagePath",
                           "ToleratedFailureCount", "ToleratedFailureCountPath", "Label")
PROCESSOR_MODES: Final = ("INLINE", "DISTRIBUTED")
EXECUTION_TYPES: Final = ("STANDARD", "EXPRESS")

#: Characters a state machine name may not contain (API reference, CreateStateMachine).
