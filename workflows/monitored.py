"""Monitored: a side-car workflow with every operations piece of the seeds switched on.

VPC placement (seed 001), a CloudWatch dashboard and alarms (seeds 000 and 001), and
execution status notifications to every target the serverless-step-functions plugin
supports (seed 003). The ids and ARNs are placeholders of the AWS documentation's example
account: replace them with yours before deploying.
"""

from _monitored_steps import book, price

from sfs3dsl import Alarms, Notification, ServerlessOptions, SideCar, Vpc, Workflow

ACCOUNT = "us-east-1:123456789012"

sidecar = SideCar(prefix="monitored/")

monitored = Workflow(
    "monitored",
    sidecar.step(price, timeout_seconds=11) >> sidecar.step(book, timeout_seconds=11),
    comment="Monitored: VPC, dashboard, alarms and every notification target",
    deployment=ServerlessOptions(
        vpc=Vpc(subnet_ids=["subnet-0a1b2c3d4e5f60718", "subnet-0f1e2d3c4b5a69788"],
                security_group_ids=["sg-0123456789abcdef0"]),
        dashboard=True,
        alarms=Alarms(),
        notifications=(  # at most five targets per status (notify's topic is one)
            Notification.sns(f"arn:aws:sns:{ACCOUNT}:monitored-status",
                             statuses=("RUNNING", "SUCCEEDED")),
            Notification.sqs(f"arn:aws:sqs:{ACCOUNT}:monitored-failures.fifo",
                             message_group_id="monitored"),
            Notification.sqs(f"arn:aws:sqs:{ACCOUNT}:monitored-audit",
                             statuses=("SUCCEEDED",)),
            Notification.lambda_function(
                f"arn:aws:lambda:{ACCOUNT}:function:monitored-on-failure",
                statuses=("FAILED", "TIMED_OUT")),
            Notification.kinesis(f"arn:aws:kinesis:{ACCOUNT}:stream/monitored-events",
                                 partition_key_path="$.detail.name",
                                 statuses=("ABORTED", "SUCCEEDED", "TIMED_OUT")),
            Notification.firehose(f"arn:aws:firehose:{ACCOUNT}:deliverystream/monitored-archive",
                                  statuses=("ABORTED", "SUCCEEDED")),
            Notification.step_functions(
                f"arn:aws:states:{ACCOUNT}:stateMachine:monitored-recovery",
                statuses=("FAILED",)),
        ),
    ),
)
