"""Least-privilege checks shared by the deployment-target tests (SAM, CDK): no test here."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: Services whose grants must name their resources.
NAMED = ("s3", "states", "lambda", "sns")


def statements(role: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every statement of a CloudFormation role's inline policies."""
    return [s for p in role.get("Policies", ()) for s in p["PolicyDocument"]["Statement"]]


def assert_no_wildcard_grants(roles: Mapping[str, Mapping[str, Any]]) -> None:
    """No statement grants an action of :data:`NAMED` on every resource, or every action."""
    assert roles
    for logical, role in roles.items():
        for statement in statements(role):
            actions = statement["Action"] if isinstance(statement["Action"], list) \
                else [statement["Action"]]
            if any(a.split(":")[0] in NAMED for a in actions):
                assert statement["Resource"] != "*", (logical, statement)
                assert "*" not in actions, (logical, statement)
