"""SAM templates (``generated/<workflow>/template.yaml``) for the AWS SAM CLI.

Built from the serverless.yml fragment's data (:mod:`sfs3dsl.deploy.serverless`), so both
targets share one source of truth for roles, bucket, facade and notifications.
"""
