"""What ``sfs3dsl compile`` writes: the side-car's plan and handlers (:mod:`.sidecar`, jinja2
templates in ``templates/``), serverless.yml fragments (:mod:`.serverless`), the files per
workflow (:mod:`.artifacts`) and the compile cache (:mod:`.cache`).

May import the model and the layers below it; never run, review or the project loader.
"""
