"""What EventBridge takes from a state machine: the execution statuses it reports, and its
quota of targets per rule.

A module of its own so that :mod:`sfs3dsl.model.serverless` checks ``notify`` without
importing :mod:`sfs3dsl.model.operations` (three dataclasses and three regular expressions,
~1.5 ms of every ``sfs3dsl compile``), which it needs only when a workflow sets a VPC,
alarms or notifications.
"""

from __future__ import annotations

#: The execution statuses EventBridge reports ("Step Functions Execution Status Change").
STATUSES = ("ABORTED", "FAILED", "RUNNING", "SUCCEEDED", "TIMED_OUT")

#: EventBridge's quota of targets per rule; the plugin makes one rule per status.
MAX_TARGETS_PER_RULE = 5
