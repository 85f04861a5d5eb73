"""Merge serverless.yml fragments into a service configuration."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from sfs3dsl.core.errors import BuildError


def merge(base: Mapping[str, Any], *fragments: Mapping[str, Any]) -> dict[str, Any]:
    """Deep-merge ``fragments`` into a copy of ``base``.

    Mappings merge key by key, lists are concatenated (without repeating an equal item),
    equal scalars are kept, and two different scalars at one place are an error.

    Example:
        >>> merge({"service": "svc", "plugins": ["serverless-step-functions"]}, fragment)
    """
    out: dict[str, Any] = copy.deepcopy(dict(base))
    for fragment in fragments:
        work: list[tuple[dict[str, Any], Mapping[str, Any], str]] = [(out, fragment, "")]
        while work:
            target, source, where = work.pop()
            for key, value in source.items():
                here = f"{where}.{key}" if where else str(key)
                if key not in target:
                    target[key] = copy.deepcopy(value)
                elif isinstance(target[key], dict) and isinstance(value, Mapping):
                    work.append((target[key], value, here))
                elif isinstance(target[key], list) and isinstance(value, list):
                    target[key].extend(copy.deepcopy(v) for v in value if v not in target[key])
                elif target[key] != value:
                    raise BuildError(f"serverless.yml fragments disagree at {here}: "
                                     f"{target[key]!r} and {value!r}",
                                     hint="keep one value in the service's own serverless.yml")
    return out


#: The places in a fragment whose keys name one workflow's own things: functions and state
#: machines by key, resources and parameters by logical id, and outputs; and the usage plan,
#: of which a service has one (see ``fragment``).
_OWNED = (("functions",), ("stepFunctions", "stateMachines"), ("resources", "Resources"),
          ("resources", "Parameters"), ("resources", "Outputs"), ("provider", "apiGateway"))
#: Keys under an _OWNED place that are not owned: every workflow adds its key to the list.
_SHARED = {("provider", "apiGateway", "apiKeys")}


def merge_workflows(base: Mapping[str, Any], fragments: Mapping[str, Mapping[str, Any]]
                    ) -> dict[str, Any]:
    """Merge the fragments of several workflows (``{workflow name: fragment}``) into one
    service, refusing two workflows that define one function, state machine, resource,
    parameter or output under the same name with different content (a step named alike in
    two workflows, two workflows whose names differ only in punctuation), or that ask for
    different usage plans, with a message naming both. Equal definitions (a topic or a
    ``functions/<name>.py`` Lambda both name) are one thing, kept once. Every workflow keeps
    its own API key (named after it) in the service's one usage plan.

    Example:
        >>> merge_workflows({"service": "svc"}, {"process-a": fa, "order": fo})
    """
    owner: dict[tuple[str, ...], tuple[str, Any]] = {}
    for name, fragment in fragments.items():
        for path in _OWNED:
            place: Any = fragment
            for key in path:
                place = place.get(key, {}) if isinstance(place, Mapping) else {}
            for key, value in place.items():
                if (*path, key) in _SHARED:
                    continue
                seen = owner.setdefault((*path, key), (name, value))
                if seen[0] != name and seen[1] != value:
                    where = ".".join((*path, key))
                    raise BuildError(
                        f"workflows {seen[0]!r} and {name!r} both define {where}, "
                        "differently, so one would replace the other in the service",
                        hint="give both the same usage plan options" if key == "usagePlan"
                        else "rename the step (a function's key is its step's name) or the "
                             "workflow in one of them")
    return merge(base, *fragments.values())
