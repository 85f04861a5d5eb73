"""``sfs3dsl serve``: the compiled workflows behind the Step Functions API, on this machine.

One process on 127.0.0.1 answers what the AWS CLI and boto3 send: the Step Functions API
(AWS JSON 1.0: :mod:`.protocol`, actions in :mod:`.machines` and :mod:`.executions`, errors
in :mod:`.errors`), the generated API facade's routes with their API key (:mod:`.facade`),
the side-car's S3 (moto's server, reached through the same port: :mod:`.s3`) and completion
notices per transaction (:mod:`.notices`). Executions run on :class:`~sfs3dsl.run.local.
LocalRun`; :mod:`.app` puts the pieces together and :mod:`.server` speaks HTTP.

A layer above ``run``: it imports the run and everything below it, and nothing imports it
but the CLI.
"""
