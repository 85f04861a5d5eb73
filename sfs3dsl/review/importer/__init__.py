"""``sfs3dsl import``: an ASL document -> Python source using the model
(:func:`.convert.import_definition`).
"""
