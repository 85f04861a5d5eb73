"""Reference paths (ResultPath): place a value at a path, returning a new document."""

from __future__ import annotations

from typing import Any

from sfs3dsl.syntax.jsonpath.path import FromEnd, Index, Name, Path, PathNotFound, Segment


def _container_copy(node: Any) -> Any:
    if isinstance(node, dict):
        return dict(node)
    if isinstance(node, list):
        return list(node)
    return node


def set_path(data: Any, path: Path, value: Any) -> Any:
    """Return a copy of ``data`` with ``value`` placed at the reference ``path``.

    ``$`` replaces the whole document; missing objects along the way are created. ``data``
    itself is never changed (containers along the path are copied).

    Raises:
        PathNotFound: the path runs through a value that is not an object or array, or an
            index is out of range (Step Functions reports States.ResultPathMatchFailure).
    """
    keys = path.plain_keys
    if keys is not None and len(keys) == 1 and isinstance(data, dict):
        # the common ResultPath ``$.name``: a copy of the top level with one key set
        out = dict(data)
        out[keys[0]] = value
        return out
    if not path.is_definite or any(isinstance(s, FromEnd) for s in path.segments):
        raise PathNotFound(f"{path.text!r} is not a reference path")
    if not path.segments:
        return value
    out = _container_copy(data)
    cur = out
    last = len(path.segments) - 1
    for i, seg in enumerate(path.segments):
        key = _step_key(seg)
        if isinstance(key, str) and isinstance(cur, dict):
            child = cur.get(key, {} if i < last else None)
        elif isinstance(key, int) and isinstance(cur, list) and -len(cur) <= key < len(cur):
            child = cur[key]
        else:
            want = "an object" if isinstance(key, str) else f"an array with an item {key}"
            raise PathNotFound(f"unable to apply ResultPath {path.text!r}: the value before "
                               f"{_describe(key)} is not {want}")
        if i == last:
            cur[key] = value
            break
        if not isinstance(child, (dict, list)):
            raise PathNotFound(f"unable to apply ResultPath {path.text!r}: "
                               f"{_describe(key)} holds a {type(child).__name__}, "
                               "not an object")
        child = _container_copy(child)
        cur[key] = child
        cur = child
    return out


def _step_key(seg: Segment) -> str | int:
    if isinstance(seg, Name):
        return seg.names[0]
    if isinstance(seg, Index):
        return seg.indexes[0]
    raise PathNotFound(f"{seg!r} is not a step of a reference path")


def _describe(key: str | int) -> str:
    return f"[{key}]" if isinstance(key, int) else repr(key)
