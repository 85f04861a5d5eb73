"""serverless.yml fragments for the Serverless Framework and the serverless-step-functions
plugin (``fragment.serverless_fragment``, ``merge.merge``; see ``docs/sidecar.md``).

Nothing is imported here, so the model can use :mod:`sfs3dsl.model.serverless` without
pulling in the fragment builder (and PyYAML).
"""
