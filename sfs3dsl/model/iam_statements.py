"""Checks of the extra IAM statements a side-car step takes (``permissions=[...]``).

Without them a misspelt key (``Resources``) or a missing ``Effect`` passes compile and is
only refused by cfn-lint or CloudFormation. Hand-written rather than a JSON schema of IAM
policies: the form is small (the IAM JSON policy element reference: ``Effect`` Allow or
Deny, ``Action``/``NotAction`` a string or a list of ``service:Action`` strings,
``Resource``/``NotResource``, optional ``Sid`` and ``Condition``), and here a resource may
also be a CloudFormation intrinsic function (``{"Fn::GetAtt": [...]}``), which no IAM
schema knows.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

KEYS = ("Sid", "Effect", "Action", "NotAction", "Resource", "NotResource", "Condition")
#: ``service:Action``, with IAM's wildcards; "*" alone is every action. A pattern string,
#: compiled by ``re`` on first use: most workflows give no extra permissions.
_ACTION = r"^(\*|[a-z0-9-]+:[A-Za-z0-9*?]+)$"
EXAMPLE = '[{"Effect": "Allow", "Action": "dynamodb:GetItem", "Resource": "<table arn>"}]'


def _strings(value: Any) -> list[Any] | None:
    """``value`` as a list when it is a string or a non-empty list, else None."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Sequence) and value:
        return list(value)
    return None


def _intrinsic(value: Any) -> bool:
    return isinstance(value, Mapping) and len(value) == 1 and \
        next(iter(value)) in ("Ref", "Fn::GetAtt", "Fn::Sub", "Fn::Join", "Fn::ImportValue")


def _statement_problem(index: int, statement: Any) -> tuple[str, str] | None:
    here = f"permissions[{index}]"
    if not isinstance(statement, Mapping):
        return (f"{here} is {statement!r}, not an IAM statement (a dict)", f"use {EXAMPLE}")
    for key in statement:
        if key not in KEYS:
            import difflib  # only for a misspelt key: ~0.7 ms of every compile otherwise

            close = difflib.get_close_matches(str(key), KEYS, n=1)
            hint = f"write {close[0]!r}" if close else f"use only {list(KEYS)}"
            return (f"{here} has the key {key!r}, which an IAM statement does not take", hint)
    if statement.get("Effect") not in ("Allow", "Deny"):
        return (f"{here} has Effect {statement.get('Effect')!r}, not 'Allow' or 'Deny'",
                'add "Effect": "Allow"')
    actions = [k for k in ("Action", "NotAction") if k in statement]
    if len(actions) != 1:
        return (f"{here} needs exactly one of Action and NotAction",
                'e.g. "Action": ["dynamodb:GetItem", "dynamodb:Query"]')
    listed = _strings(statement[actions[0]])
    bad = [a for a in listed or [None] if not isinstance(a, str) or not re.match(_ACTION, a)]
    if bad:
        return (f"{here} {actions[0]} {bad[0]!r} is not of the form 'service:Action'",
                'e.g. "dynamodb:GetItem" (a string, or a list of them)')
    resources = [k for k in ("Resource", "NotResource") if k in statement]
    if len(resources) != 1:
        return (f"{here} needs exactly one of Resource and NotResource",
                'e.g. "Resource": "arn:aws:dynamodb:us-east-1:123456789012:table/orders"')
    value = statement[resources[0]]
    items = [value] if _intrinsic(value) else _strings(value)
    if not items or not all((isinstance(r, str) and r) or _intrinsic(r) for r in items):
        return (f"{here} {resources[0]} {value!r} is not an ARN, a list of them or a "
                "CloudFormation function", 'e.g. "Resource": {"Fn::GetAtt": ["Table", "Arn"]}')
    return None


def permission_problem(permissions: Any) -> tuple[str, str] | None:
    """The first thing wrong with ``permissions`` as ``(problem, fix)``, or None."""
    if isinstance(permissions, (Mapping, str)) or not isinstance(permissions, Sequence):
        return (f"permissions= takes a list of IAM statements, got {type(permissions).__name__}",
                f"wrap it in a list: permissions={EXAMPLE}")
    for index, statement in enumerate(permissions):
        found = _statement_problem(index, statement)
        if found is not None:
            return found
    return None
