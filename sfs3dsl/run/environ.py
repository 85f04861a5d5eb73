"""Setting process environment variables for the length of a local run, and undoing it.

The embedded S3, the side-car run and ``sfs3dsl serve`` each point boto3 clients created
anywhere in the process (a generated handler's) at local services through the environment;
each must leave it as it found it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

Saved = dict[str, "str | None"]


def set_environ(values: Mapping[str, str]) -> Saved:
    """Set ``values`` in ``os.environ``; returns what they were, for :func:`restore_environ`."""
    saved = {key: os.environ.get(key) for key in values}
    os.environ.update(values)
    return saved


def restore_environ(saved: Saved) -> None:
    """Put back what :func:`set_environ` returned (a variable that was unset is unset)."""
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
