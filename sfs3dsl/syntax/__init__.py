"""The languages inside an ASL document: the tables of the specification (:mod:`.asl`), JSONPath
(:mod:`.jsonpath`) and the ``States.*`` intrinsic functions (:mod:`.intrinsics`).

Pure functions over text and JSON values; may import only :mod:`sfs3dsl.core`.
"""
