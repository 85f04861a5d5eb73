"""``python -m sfs3dsl``: the same CLI as the ``sfs3dsl`` command."""

from sfs3dsl.cli import entry

entry()
