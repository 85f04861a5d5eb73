"""The CDK construct (:mod:`.construct`) that adds a workflow's resources to a CDK app.

Needs the ``cdk`` extra (aws-cdk-lib, constructs); the public name is :mod:`sfs3dsl.cdk`,
which says which extra to install when it is missing. Nothing imports this package but
:mod:`sfs3dsl.cdk`, so ``import sfs3dsl`` and ``sfs3dsl compile`` never load aws_cdk.
"""
