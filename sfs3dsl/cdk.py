"""``from sfs3dsl.cdk import WorkflowConstruct``: a workflow's resources in a CDK app.

The construct lives in :mod:`sfs3dsl.deploy.cdk.construct`; it is loaded on first use (PEP
562) so that a missing ``cdk`` extra is one clear error, not an ImportError deep in aws_cdk.
``import sfs3dsl`` never imports this module. See docs/deploy.md.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sfs3dsl.core.errors import MissingDependencyError

__all__ = ["DEFAULT_EXCLUDE", "WorkflowConstruct"]


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'sfs3dsl.cdk' has no attribute {name!r}")
    try:
        from sfs3dsl.deploy.cdk import construct
    except ImportError as exc:
        if (exc.name or "").split(".")[0] not in ("aws_cdk", "constructs", "jsii"):
            raise
        raise MissingDependencyError(
            f"sfs3dsl.cdk needs aws-cdk-lib and constructs ({exc.name} is not installed)",
            hint="pip install 'sfs3dsl[cdk]'") from None
    value = getattr(construct, name)
    globals()[name] = value
    return value


if TYPE_CHECKING:
    from sfs3dsl.deploy.cdk.construct import DEFAULT_EXCLUDE, WorkflowConstruct
