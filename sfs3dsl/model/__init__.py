"""What the user writes: states, chains, conditions, values, intrinsic functions, retries,
tasks and their integrations, the workflow, and the side-car and serverless declarations.

No I/O, and never boto3, jinja2, click, PyYAML or moto; may import :mod:`sfs3dsl.compile`
(``Workflow.compile()``), :mod:`sfs3dsl.syntax` and :mod:`sfs3dsl.core`.
"""
