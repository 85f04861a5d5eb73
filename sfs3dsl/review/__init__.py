"""Review tools over ASL dicts: the semantic diff (:mod:`.diff`, :mod:`.diff_render`), graphs
(:mod:`.graph`), ASL -> Python (:mod:`.importer`) and the revisions a review compares
(:mod:`.revisions`).

May import deploy, project, the model and the layers below; never run.
"""
