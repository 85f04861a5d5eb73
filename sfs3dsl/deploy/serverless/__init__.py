"""serverless.yml fragments for the Serverless Framework and the serverless-step-functions
plugin (``fragment.serverless_fragment``, ``merge.merge``; see ``docs/sidecar.md``).

The options a workflow declares (``ServerlessOptions``) are part of the model
(:mod:`sfs3dsl.model.serverless`); nothing is imported here, so importing one module does not
pull in the fragment builder (and PyYAML).
"""
