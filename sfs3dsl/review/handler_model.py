"""What the generated side-car handlers deploy, for the deployment diff: per step, the
function it calls, its read predicate, what it waits for and what it exposes.

A side-car step's ``expose=`` and its derived read requirements live only in its Lambda
handler (``generated/<workflow>/handlers/<step>.py``, its ``SPEC = StepSpec(...)``), not in
the ASL nor in serverless.yml; :func:`handlers_document` reads them back with :mod:`ast`
(never importing or running the file), so ``sfs3dsl diff`` shows them as the ``steps``
category. A file without a ``SPEC`` (the facade, the notices) is skipped.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from typing import Any, Final

#: The pseudo file name of the handlers in a side's deployment files.
HANDLERS: Final = "handlers"
_SKIPPED: Final = ("workflow", "step")


def _value(node: ast.expr) -> Any:
    """A keyword's value: a literal as data, ``Requirement('a', 'process')`` as
    ``"a (process)"``, anything else as its source text."""
    if isinstance(node, ast.Tuple | ast.List):
        return [_value(item) for item in node.elts]
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and \
            node.func.id == "Requirement":
        try:
            args = [ast.literal_eval(a) for a in node.args]
            flags = [kw.arg for kw in node.keywords if kw.arg and ast.literal_eval(kw.value)]
        except ValueError:
            return ast.unparse(node)
        return " ".join([str(args[0]) if args else "?",
                         *(f"({a})" for a in args[1:]), *flags])
    try:
        return ast.literal_eval(node)
    except ValueError:
        return ast.unparse(node)


def step_settings(text: str) -> tuple[str, dict[str, Any]] | None:
    """``(step, settings)`` of one generated step handler, or None for another file."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    imported: dict[str, str] = {}
    spec: ast.Call | None = None
    for node in tree.body:
        if isinstance(node, ast.ImportFrom) and node.module:
            for alias in node.names:
                imported[alias.asname or alias.name] = f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Assign) and isinstance(node.value, ast.Call) and \
                any(isinstance(t, ast.Name) and t.id == "SPEC" for t in node.targets):
            spec = node.value
    if spec is None:
        return None
    fields = {kw.arg: _value(kw.value) for kw in spec.keywords if kw.arg}
    settings: dict[str, Any] = {"function": imported.get("_function", "?")}
    if "_predicate" in imported:
        settings["predicate"] = imported["_predicate"]
    settings.update((k, v) for k, v in fields.items() if k not in _SKIPPED)
    return str(fields.get("step", "?")), settings


def handlers_document(files: Mapping[str, str]) -> dict[str, Any]:
    """``{"sidecarSteps": {step: settings}}`` of the handler texts ``files`` (by name)."""
    steps: dict[str, Any] = {}
    for name in sorted(files):
        found = step_settings(files[name])
        if found is not None:
            steps[found[0]] = found[1]
    return {"sidecarSteps": steps}
