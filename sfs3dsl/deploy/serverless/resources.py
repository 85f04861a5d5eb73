"""The CloudFormation resources of a side-car workflow: bucket, bucket policy, topics, logs and
the completion notices' EventBridge rule."""

from __future__ import annotations

from typing import Any

from sfs3dsl.deploy.serverless.iam import POLICY_VERSION, bucket_arn, join
from sfs3dsl.deploy.serverless.names import Ids
from sfs3dsl.model.sidecar import SideCar

Json = dict[str, Any]


def bucket(sidecar: SideCar) -> Json:
    """Encrypted, versioned, private, owner-enforced; process data expires."""
    if sidecar.kms_key_id:
        default: Json = {"SSEAlgorithm": "aws:kms", "KMSMasterKeyID": sidecar.kms_key_id}
    else:
        default = {"SSEAlgorithm": "AES256"}
    props: Json = {}
    if sidecar.bucket:
        props["BucketName"] = sidecar.bucket
    props.update({
        "BucketEncryption": {"ServerSideEncryptionConfiguration": [
            {"ServerSideEncryptionByDefault": default,
             "BucketKeyEnabled": bool(sidecar.kms_key_id)}]},
        "VersioningConfiguration": {"Status": "Enabled"},
        "PublicAccessBlockConfiguration": {
            "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True,
            "RestrictPublicBuckets": True},
        "OwnershipControls": {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]},
        "LifecycleConfiguration": {"Rules": [{
            "Id": "expire-process-data", "Status": "Enabled", "Prefix": sidecar.prefix,
            "ExpirationInDays": sidecar.expire_after_days,
            "NoncurrentVersionExpiration": {"NoncurrentDays": 1},
            "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}}]},
    })
    return {"Type": "AWS::S3::Bucket", "DeletionPolicy": "Retain",
            "UpdateReplacePolicy": "Retain", "Properties": props}


def bucket_policy(ids: Ids) -> Json:
    """TLS only, and no object written without server-side encryption."""
    arn = bucket_arn(ids.bucket)
    return {"Type": "AWS::S3::BucketPolicy", "Properties": {
        "Bucket": {"Ref": ids.bucket},
        "PolicyDocument": {"Version": POLICY_VERSION, "Statement": [
            {"Sid": "TlsOnly", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
             "Resource": [arn, join(arn, "/*")],
             "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
            {"Sid": "EncryptedWritesOnly", "Effect": "Deny", "Principal": "*",
             "Action": "s3:PutObject", "Resource": join(arn, "/*"),
             "Condition": {"Null": {"s3:x-amz-server-side-encryption": "true"}}}]}}}


def topic() -> Json:
    """An SNS topic. Not KMS-encrypted: EventBridge cannot publish to a topic under the
    AWS-managed key, and notices carry only the execution's ARN and status (the process
    data stays in S3)."""
    return {"Type": "AWS::SNS::Topic", "Properties": {}}


#: The statuses of an ended execution (sfs3dsl_runtime.notices.ENDED; not imported, as the
#: deploy layer does not load the Lambda runtime).
ENDED = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")


def notice_pattern(state_machine: str) -> Json:
    """The EventBridge pattern of the ended executions of ``state_machine`` (a logical id;
    its ``Ref`` is the ARN). Field names as the Step Functions developer guide documents the
    "Step Functions Execution Status Change" event."""
    return {"source": ["aws.states"],
            "detail-type": ["Step Functions Execution Status Change"],
            "detail": {"stateMachineArn": [{"Ref": state_machine}], "status": list(ENDED)}}


def notice_rule(state_machine: str, function: str) -> Json:
    """The rule that invokes the notices function (a logical id) with the whole event: the
    function needs ``detail.input``, a JSON *string* holding the subtopic, which an input
    transformer cannot parse, and EventBridge cannot set SNS message attributes itself."""
    return {"Type": "AWS::Events::Rule", "Properties": {
        "Description": "completion notices: ended executions of this state machine",
        "State": "ENABLED", "EventPattern": notice_pattern(state_machine),
        "Targets": [{"Id": "completion-notices", "Arn": {"Fn::GetAtt": [function, "Arn"]},
                     "RetryPolicy": {"MaximumRetryAttempts": 8,
                                     "MaximumEventAgeInSeconds": 3600}}]}}


def notice_permission(rule: str, function: str) -> Json:
    """Lets EventBridge invoke the notices function for this rule only."""
    return {"Type": "AWS::Lambda::Permission", "Properties": {
        "Action": "lambda:InvokeFunction", "FunctionName": {"Fn::GetAtt": [function, "Arn"]},
        "Principal": "events.amazonaws.com", "SourceArn": {"Fn::GetAtt": [rule, "Arn"]}}}


def log_group(workflow: str) -> Json:
    return {"Type": "AWS::Logs::LogGroup", "Properties": {
        "LogGroupName": f"/aws/vendedlogs/states/{workflow}-${{sls:stage}}",
        "RetentionInDays": 30}}
