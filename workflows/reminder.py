"""Reminder (seed 004): convert the date, wait until then, publish the message to SNS."""

from sfs3dsl import JsonPath, Wait, Workflow, function_ref, lambda_invoke, sns_publish

convdate = lambda_invoke("convdate", function=function_ref("convdate"),
                         output_path="$.Payload", timeout_seconds=10)
wait_until = Wait("wait_using_timestamp", timestamp=JsonPath("$.timestamp"))
remind = sns_publish("send_reminder", topic_arn="${ReminderTopicArn}",
                     message=JsonPath("$.message"), timeout_seconds=30)

reminder = Workflow("reminder", convdate >> wait_until >> remind,
                    comment="Use SNS to remind me of something")
