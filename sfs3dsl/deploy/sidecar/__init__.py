"""The S3 side-car convention: steps as plain functions, generated handlers, read predicates.

See ``docs/sidecar.md``. The run-time half lives in the top-level package ``sfs3dsl_runtime``
so that a Lambda handler never imports the model.
"""

from sfs3dsl.deploy.sidecar.plan import PlannedStep, SideCarPlan, plan_sidecar
from sfs3dsl.deploy.sidecar.predicates import Need, derive_requirements
from sfs3dsl.model.sidecar import NOT_READY, NotReadyRetry, SideCar, SideCarStep

__all__ = ["NOT_READY", "Need", "NotReadyRetry", "PlannedStep", "SideCar", "SideCarPlan",
           "SideCarStep", "derive_requirements", "plan_sidecar"]
