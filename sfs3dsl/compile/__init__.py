"""The compiler's machinery: name every state, render each machine to the ASL dict (the one
intermediate form) with a source map, in canonical key order (:mod:`.order`), and write it as
JSON text (:mod:`.json_text`).

It knows states only as the objects that render themselves (imports of the model are for
type checking only); may import :mod:`sfs3dsl.validate`, :mod:`sfs3dsl.syntax` and
:mod:`sfs3dsl.core`.
"""
