"""Where in the user's Python a state was made: the ``file:line`` every error names."""

from __future__ import annotations

import os
import sys
from types import FrameType

#: The sfs3dsl package (this module is in ``sfs3dsl/model/``): frames below it are ours.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_shown: dict[str, str] = {}
_wheres: dict[str, dict[int, str]] = {}


def _display(filename: str) -> str:
    """``filename`` relative to the working directory when below it, with a colon."""
    try:
        rel = os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        rel = filename
    shown = (filename if rel.startswith(".." + os.sep) else rel) + ":"
    _shown[filename] = shown
    return shown


def caller_location() -> str:
    """Return ``file:line`` of the first frame outside the sfs3dsl package.

    Cheap enough to call for every state (a frame walk, no ``inspect``).
    """
    frame: FrameType | None = sys._getframe(1)
    while frame is not None:
        filename = frame.f_code.co_filename
        # a dataclass's generated __init__ has no file ("<string>") but our module's globals
        if not filename.startswith(_PACKAGE_DIR) and not (
                filename.startswith("<")
                and str(frame.f_globals.get("__name__", "")).startswith("sfs3dsl.")):
            # one string per line of the user's code: a loop making 100,000 states makes
            # one text, not 100,000 equal ones
            lines = _wheres.get(filename)
            if lines is None:
                lines = _wheres[filename] = {}
            where = lines.get(frame.f_lineno)
            if where is None:
                where = lines[frame.f_lineno] = (
                    (_shown.get(filename) or _display(filename)) + str(frame.f_lineno))
            return where
        frame = frame.f_back
    return "<unknown>:0"
