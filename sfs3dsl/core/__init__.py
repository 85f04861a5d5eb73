"""The base of every layer: the exception tree (:mod:`.errors`) and
:class:`~sfs3dsl.core.problems.Problem`.

Imports nothing of sfs3dsl; every other layer may import it.
"""
