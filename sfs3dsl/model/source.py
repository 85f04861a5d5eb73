"""Where in the user's Python a state was made: the ``file:line`` every error names."""

from __future__ import annotations

import os
import sys
from types import CodeType, FrameType

from sfs3dsl.core.bounded import remember

#: The sfs3dsl package (this module is in ``sfs3dsl/model/``): frames below it are ours.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__))) + os.sep
_shown: dict[str, str] = {}
_wheres: dict[str, dict[int, str]] = {}
#: filename -> whether it is in the package (files named "<...>" are decided per frame)
_ours: dict[str, bool] = {}
#: id(code) -> (code, {instruction offset: "file:line"}). Keyed by id because a code
#: object hashes its whole contents; holding the code keeps its id from being reused.
#: An offset is read without cost, a line number (``f_lineno``) by decoding the code's line
#: table from its start: in a long function that builds a workflow, thousands of
#: instructions a call. Bounded, so modules reloaded by a long-lived process (``serve``)
#: do not keep their old code alive forever.
_by_offset: dict[int, tuple[CodeType, dict[int, str]]] = {}
_MAX_CODES = 4096


def _display(filename: str) -> str:
    """``filename`` relative to the working directory when below it, with a colon."""
    try:
        rel = os.path.relpath(filename)
    except ValueError:  # another drive on Windows
        rel = filename
    shown = (filename if rel.startswith(".." + os.sep) else rel) + ":"
    _shown[filename] = shown
    return shown


def _where(frame: FrameType, filename: str) -> str:
    """``file:line`` of ``frame``: one string per line of the user's code, so a loop making
    100,000 states makes one text, not 100,000 equal ones."""
    lineno = frame.f_lineno
    lines = _wheres.get(filename)
    if lines is None:
        lines = _wheres[filename] = {}
    where = lines.get(lineno)
    if where is None:
        where = lines[lineno] = (_shown.get(filename) or _display(filename)) + str(lineno)
    return where


def caller_location(skip: int = 0) -> str:
    """Return ``file:line`` of the first frame outside the sfs3dsl package.

    ``skip``: how many frames above the caller are known to be in the package (passed
    over without a look).

    Called for every state, retrier and rule, so it is written for speed: a frame walk (no
    ``inspect``), whether a file is ours decided once per file, and the text looked up by
    the caller's code object and instruction offset before any line number is computed.
    The walk starts above its caller, which is always ours: each frame the walk visits is
    made into a Python frame object (about a thousand instructions), a frame skipped by
    ``sys._getframe`` is not.
    """
    try:  # its caller is in the package (it is not for users): start at the caller's caller
        frame: FrameType | None = sys._getframe(2 + skip)
    except ValueError:  # called from the top of the stack
        return "<unknown>:0"
    while frame is not None:
        code = frame.f_code
        filename = code.co_filename
        ours = _ours.get(filename)
        if ours is None:
            if filename.startswith("<"):
                # a dataclass's generated __init__ has no file ("<string>") but our
                # module's globals
                ours = str(frame.f_globals.get("__name__", "")).startswith("sfs3dsl.")
            else:
                ours = _ours[filename] = filename.startswith(_PACKAGE_DIR)
        if not ours:
            entry = _by_offset.get(id(code))
            if entry is None or entry[0] is not code:
                entry = remember(_by_offset, id(code), (code, {}), _MAX_CODES)
            offset = frame.f_lasti
            where = entry[1].get(offset)
            if where is None:
                where = entry[1][offset] = _where(frame, filename)
            return where
        frame = frame.f_back
    return "<unknown>:0"
