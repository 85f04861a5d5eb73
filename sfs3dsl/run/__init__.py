"""Running workflows locally: the ASL interpreter (:mod:`.interpreter`) and the run around it:
the definitions a run loads (:mod:`.definitions`), what runs each Task (mocks, generated
handlers: :mod:`.handlers`), the run itself (:mod:`.local`), the side-car's buckets and
handlers (:mod:`.sidecar`), the embedded S3 (:mod:`.embedded_s3`) and ``sfs3dsl run``
(:mod:`.command`).

May import deploy, project, the model and the layers below; never review. The interpreter
reads only ASL dicts: it imports nothing of the run around it, nor the model.
"""
