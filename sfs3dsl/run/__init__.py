"""Running workflows locally: the ASL interpreter (:mod:`.interpreter`) and the run around it:
tasks, mocks and generated handlers (:mod:`.local`, :mod:`.sidecar`), the embedded S3
(:mod:`.embedded_s3`) and ``sfs3dsl run`` (:mod:`.command`).

May import deploy, project, the model and the layers below; never review.
"""
