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
