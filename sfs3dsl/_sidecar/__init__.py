"""The S3 side-car convention: steps as plain functions, generated handlers, read predicates.

See ``docs/sidecar.md``. The run-time half lives in the top-level package ``sfs3dsl_runtime``
so that a Lambda handler never imports the model.
"""

from sfs3dsl._sidecar.model import NOT_READY, NotReadyRetry, SideCar, SideCarStep
from sfs3dsl._sidecar.plan import PlannedStep, SideCarPlan, plan_sidecar
from sfs3dsl._sidecar.predicates import Need, derive_requirements

__all__ = ["NOT_READY", "Need", "NotReadyRetry", "PlannedStep", "SideCar", "SideCarPlan",
           "SideCarStep", "derive_requirements", "plan_sidecar"]
