"""The AWS dialect of JSONPath: parse once, evaluate fast, set a value at a reference path.

Step Functions evaluates JSONPath the way Jayway's Java implementation does: a *definite*
path (only names and single indexes) yields one value or fails, an *indefinite* one (``*``,
``..``, slices, unions, filters) yields a list of every match. Three roots exist: ``$`` (the
state input), ``$$`` (the context object) and ``$name`` (a variable).

Example:
    >>> p = parse_path("$.orders[?(@.total > 10)].id")
    >>> p.get({"orders": [{"id": 1, "total": 5}, {"id": 2, "total": 12}]})
    [2]
    >>> set_path({"a": 1}, parse_reference_path("$.b.c"), 2)
    {'a': 1, 'b': {'c': 2}}

Parsing is in :mod:`.parse`, the parsed path and its evaluation in :mod:`.path` (filter
expressions in :mod:`.filters`), reference paths in :mod:`.reference`; import from here.
"""

from sfs3dsl.syntax.jsonpath.parse import parse_path, parse_reference_path
from sfs3dsl.syntax.jsonpath.path import Index, JsonPathError, Name, Path, PathNotFound
from sfs3dsl.syntax.jsonpath.reference import set_path

__all__ = [
    "Index", "JsonPathError", "Name", "Path", "PathNotFound", "parse_path",
    "parse_reference_path", "set_path",
]
