#!/usr/bin/env python3
"""Move sfs3dsl's modules into layer folders and rewrite every reference to them (issue #10).

Run at a repository root: ``python .layout/move.py``. Idempotent: a module already at its new
home is left alone, and a reference already rewritten no longer matches an old name (every old
name starts with ``sfs3dsl._``). It depends only on module names, never on file contents:

1. ``git mv`` each module of MODULES (and each folder of FOLDERS) to its new path;
2. write the docstring of each new layer package (PACKAGES) when its ``__init__.py`` is missing;
3. rewrite, in every text file under REWRITE_ROOTS, each dotted name ``sfs3dsl._x[.y...]``
   (imports, ``"sfs3dsl._x"`` strings, mock.patch targets, ``:mod:`` references) by the
   longest old module name that prefixes it, and each path ``sfs3dsl/_x.py`` or
   ``sfs3dsl/_x/`` likewise; in pyproject.toml also the package-data globs of FOLDERS;
4. re-sort the rewritten imports with ruff (``ruff check --select I --fix``), when
   ``.venv/bin/ruff`` or ``ruff`` is there.

A module that exists but is in no table is reported (and the exit status is 1), so a module
added since the table was written is not left behind silently.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

#: Old module -> new module. A package's ``__init__`` is named by the package.
MODULES: dict[str, str] = {
    # core: the exception tree and Problem, imported by every layer
    "sfs3dsl._errors": "sfs3dsl.core.errors",
    "sfs3dsl._problems": "sfs3dsl.core.problems",
    # syntax: the languages inside an ASL document
    "sfs3dsl._asl": "sfs3dsl.syntax.asl",
    "sfs3dsl._jsonpath": "sfs3dsl.syntax.jsonpath",
    "sfs3dsl._intrinsic_syntax": "sfs3dsl.syntax.intrinsics",
    # validate: ASL dict -> problems
    "sfs3dsl._validate": "sfs3dsl.validate",
    "sfs3dsl._validate._choice": "sfs3dsl.validate.choice",
    "sfs3dsl._validate._fields": "sfs3dsl.validate.fields",
    "sfs3dsl._validate._graph": "sfs3dsl.validate.graph",
    "sfs3dsl._validate._jsonata": "sfs3dsl.validate.jsonata",
    "sfs3dsl._validate._limits": "sfs3dsl.validate.limits",
    "sfs3dsl._validate._map": "sfs3dsl.validate.map",
    "sfs3dsl._validate._paths": "sfs3dsl.validate.paths",
    "sfs3dsl._validate._reach": "sfs3dsl.validate.reach",
    "sfs3dsl._validate._report": "sfs3dsl.validate.report",
    "sfs3dsl._validate._retry": "sfs3dsl.validate.retry",
    "sfs3dsl._validate._tables": "sfs3dsl.validate.tables",
    "sfs3dsl._validate._task": "sfs3dsl.validate.task",
    "sfs3dsl._validate._values": "sfs3dsl.validate.values",
    "sfs3dsl._validate._walk": "sfs3dsl.validate.walk",
    # compile: states -> ASL dict, canonical order, JSON text, source map
    "sfs3dsl._compile": "sfs3dsl.compile.compiler",
    "sfs3dsl._order": "sfs3dsl.compile.order",
    "sfs3dsl._json": "sfs3dsl.compile.json_text",
    # model: what the user writes
    "sfs3dsl._source": "sfs3dsl.model.source",
    "sfs3dsl._values": "sfs3dsl.model.values",
    "sfs3dsl._intrinsics": "sfs3dsl.model.intrinsics",
    "sfs3dsl._conditions": "sfs3dsl.model.conditions",
    "sfs3dsl._chain": "sfs3dsl.model.chain",
    "sfs3dsl._states": "sfs3dsl.model.states",
    "sfs3dsl._choice": "sfs3dsl.model.choice",
    "sfs3dsl._retry": "sfs3dsl.model.retry",
    "sfs3dsl._task": "sfs3dsl.model.task",
    "sfs3dsl._parallel": "sfs3dsl.model.parallel",
    "sfs3dsl._integrations": "sfs3dsl.model.integrations",
    "sfs3dsl._workflow": "sfs3dsl.model.workflow",
    "sfs3dsl._sidecar.model": "sfs3dsl.model.sidecar",
    "sfs3dsl._serverless.options": "sfs3dsl.model.serverless",
    # project: reading the user's files and git revisions
    "sfs3dsl._load": "sfs3dsl.project.load",
    # deploy: what `compile` writes
    "sfs3dsl._artifacts": "sfs3dsl.deploy.artifacts",
    "sfs3dsl._cache": "sfs3dsl.deploy.cache",
    "sfs3dsl._sidecar": "sfs3dsl.deploy.sidecar",
    "sfs3dsl._sidecar.plan": "sfs3dsl.deploy.sidecar.plan",
    "sfs3dsl._sidecar.predicates": "sfs3dsl.deploy.sidecar.predicates",
    "sfs3dsl._sidecar.render": "sfs3dsl.deploy.sidecar.render",
    "sfs3dsl._serverless": "sfs3dsl.deploy.serverless",
    "sfs3dsl._serverless.fragment": "sfs3dsl.deploy.serverless.fragment",
    "sfs3dsl._serverless.iam": "sfs3dsl.deploy.serverless.iam",
    "sfs3dsl._serverless.merge": "sfs3dsl.deploy.serverless.merge",
    "sfs3dsl._serverless.names": "sfs3dsl.deploy.serverless.names",
    "sfs3dsl._serverless.placeholders": "sfs3dsl.deploy.serverless.placeholders",
    "sfs3dsl._serverless.resources": "sfs3dsl.deploy.serverless.resources",
    "sfs3dsl._serverless.yaml_text": "sfs3dsl.deploy.serverless.yaml_text",
    # review: ASL dict -> diff, graph, Python
    "sfs3dsl._diff": "sfs3dsl.review.diff",
    "sfs3dsl._diff_render": "sfs3dsl.review.diff_render",
    "sfs3dsl._graph": "sfs3dsl.review.graph",
    "sfs3dsl._review": "sfs3dsl.review.revisions",
    "sfs3dsl._import": "sfs3dsl.review.importer.convert",
    "sfs3dsl._import_code": "sfs3dsl.review.importer.code",
    "sfs3dsl._import_conditions": "sfs3dsl.review.importer.conditions",
    "sfs3dsl._import_states": "sfs3dsl.review.importer.states",
    "sfs3dsl._import_tasks": "sfs3dsl.review.importer.tasks",
    "sfs3dsl._import_values": "sfs3dsl.review.importer.values",
    # run: the interpreter and the local run around it
    "sfs3dsl._runner": "sfs3dsl.run.interpreter",
    **{f"sfs3dsl._runner.{m}": f"sfs3dsl.run.interpreter.{m}" for m in (
        "callbacks", "checks", "choice", "clock", "concurrency", "dataflow", "engine",
        "failure", "history", "intrinsics", "item_reader", "jsonata", "jsonata_fields",
        "map", "nested", "parallel", "retry", "runner", "scope", "tasks")},
    "sfs3dsl._local_run": "sfs3dsl.run.local",
    "sfs3dsl._local_sidecar": "sfs3dsl.run.sidecar",
    "sfs3dsl._embedded_s3": "sfs3dsl.run.embedded_s3",
    "sfs3dsl._run_cli": "sfs3dsl.run.command",
}

#: Old folder -> new folder (not modules: moved whole; package-data globs follow).
FOLDERS: dict[str, str] = {"sfs3dsl/templates": "sfs3dsl/deploy/templates"}

#: Modules that stay where they are.
STAYING = {"sfs3dsl", "sfs3dsl.__main__", "sfs3dsl.cli", "sfs3dsl.pytest_plugin"}

#: New packages' docstrings (written only when the package has no ``__init__.py`` yet).
PACKAGES: dict[str, str] = {
    "sfs3dsl.core": (
        "The base of every layer: the exception tree (:mod:`.errors`) and\n"
        ":class:`~sfs3dsl.core.problems.Problem`.\n\nImports nothing of sfs3dsl; every "
        "other layer may import it."),
    "sfs3dsl.syntax": (
        "The languages inside an ASL document: the tables of the specification "
        "(:mod:`.asl`), JSONPath\n(:mod:`.jsonpath`) and the ``States.*`` intrinsic "
        "functions (:mod:`.intrinsics`).\n\nPure functions over text and JSON values; may "
        "import only :mod:`sfs3dsl.core`."),
    "sfs3dsl.compile": (
        "The compiler's machinery: name every state, render each machine to the ASL dict "
        "(the one\nintermediate form) with a source map, in canonical key order "
        "(:mod:`.order`), and write it as\nJSON text (:mod:`.json_text`).\n\nIt knows "
        "states only as the objects that render themselves (imports of the model are for\n"
        "type checking only); may import :mod:`sfs3dsl.validate`, :mod:`sfs3dsl.syntax` "
        "and\n:mod:`sfs3dsl.core`."),
    "sfs3dsl.model": (
        "What the user writes: states, chains, conditions, values, intrinsic functions, "
        "retries,\ntasks and their integrations, the workflow, and the side-car and "
        "serverless declarations.\n\nNo I/O, and never boto3, jinja2, click, PyYAML or moto; "
        "may import :mod:`sfs3dsl.compile`\n(``Workflow.compile()``), "
        ":mod:`sfs3dsl.syntax` and :mod:`sfs3dsl.core`."),
    "sfs3dsl.project": (
        "Reading the user's project: workflow modules (``.py``), ASL files (``.json``, "
        "``.yaml``) and\n``REV:path`` from git.\n\nMay import the model and the layers "
        "below it; never run, review or deploy."),
    "sfs3dsl.deploy": (
        "What ``sfs3dsl compile`` writes: the side-car's plan and handlers "
        "(:mod:`.sidecar`, jinja2\ntemplates in ``templates/``), serverless.yml fragments "
        "(:mod:`.serverless`), the files per\nworkflow (:mod:`.artifacts`) and the compile "
        "cache (:mod:`.cache`).\n\nMay import the model and the layers below it; never run, "
        "review or the project loader."),
    "sfs3dsl.review": (
        "Review tools over ASL dicts: the semantic diff (:mod:`.diff`, "
        ":mod:`.diff_render`), graphs\n(:mod:`.graph`), ASL -> Python (:mod:`.importer`) and "
        "the revisions a review compares\n(:mod:`.revisions`).\n\nMay import deploy, "
        "project, the model and the layers below; never run."),
    "sfs3dsl.review.importer": (
        "``sfs3dsl import``: an ASL document -> Python source using the model\n"
        "(:func:`.convert.import_definition`)."),
    "sfs3dsl.run": (
        "Running workflows locally: the ASL interpreter (:mod:`.interpreter`) and the run "
        "around it:\ntasks, mocks and generated handlers (:mod:`.local`, :mod:`.sidecar`), "
        "the embedded S3\n(:mod:`.embedded_s3`) and ``sfs3dsl run`` (:mod:`.command`).\n\n"
        "May import deploy, project, the model and the layers below; never review."),
}

REWRITE_ROOTS = ("sfs3dsl", "tests", "benchmarks", "workflows", "scripts", "docs",
                 "pyproject.toml", "README.md")
TEXT_SUFFIXES = {".py", ".pyi", ".md", ".toml", ".sh", ".j2", ".txt", ".cfg", ".ini",
                 ".yml", ".yaml", ".js"}
SKIP_DIRS = {"__pycache__", ".venv", "data", "node_modules"}

_DOTTED = re.compile(r"\bsfs3dsl(?:\.[A-Za-z_][A-Za-z0-9_]*)+")
_PATH = re.compile(r"\bsfs3dsl(?:/[A-Za-z_][A-Za-z0-9_]*)+(?:\.py)?/?")


def module_file(root: Path, module: str, *, package: bool | None = None) -> Path:
    base = root.joinpath(*module.split("."))
    if package is None:
        package = (base / "__init__.py").exists()
    return base / "__init__.py" if package else base.with_suffix(".py")


def git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True)


def move_modules(root: Path) -> None:
    # packages first is wrong: their files would move with them; move file by file
    for old, new in MODULES.items():
        is_package = (root.joinpath(*old.split(".")) / "__init__.py").exists()
        src = module_file(root, old, package=is_package)
        dst = module_file(root, new, package=is_package)
        if not src.exists():
            continue  # already moved
        if dst.exists():
            sys.exit(f"move.py: both {src} and {dst} exist")
        dst.parent.mkdir(parents=True, exist_ok=True)
        git(root, "mv", str(src.relative_to(root)), str(dst.relative_to(root)))
    for old_dir, new_dir in FOLDERS.items():
        src, dst = root / old_dir, root / new_dir
        if src.exists() and not dst.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            git(root, "mv", old_dir, new_dir)


def write_packages(root: Path) -> None:
    """Every folder that holds modules gets an ``__init__.py`` (with its docstring)."""
    for new in sorted(set(MODULES.values())):
        parts = new.split(".")
        for i in range(2, len(parts) + 1):
            package = ".".join(parts[:i])
            folder = root.joinpath(*parts[:i])
            if not folder.is_dir():
                continue
            init = folder / "__init__.py"
            if init.exists():
                continue
            doc = PACKAGES.get(package, "")
            text = f'"""{doc}\n"""\n' if "\n" in doc else f'"""{doc}"""\n'
            init.write_text(text, encoding="utf-8")
            git(root, "add", str(init.relative_to(root)))


def remove_empty_dirs(root: Path) -> None:
    for path in sorted((root / "sfs3dsl").rglob("*"), key=lambda p: -len(p.parts)):
        if path.is_dir():
            pycache = path / "__pycache__"
            leftovers = [p for p in path.iterdir() if p != pycache]
            if not leftovers:
                if pycache.is_dir():
                    for f in pycache.iterdir():
                        f.unlink()
                    pycache.rmdir()
                path.rmdir()


def _new_dotted(name: str) -> str:
    parts = name.split(".")
    for i in range(len(parts), 1, -1):
        new = MODULES.get(".".join(parts[:i]))
        if new is not None:
            return ".".join([new, *parts[i:]])
    return name


def _path_table() -> dict[str, str]:
    table: dict[str, str] = {}
    for old, new in MODULES.items():
        o, n = old.replace(".", "/"), new.replace(".", "/")
        table[o + ".py"] = n + ".py"
        table[o + "/"] = n + "/"
    for old_dir, new_dir in FOLDERS.items():
        table[old_dir + "/"] = new_dir + "/"
        table[old_dir] = new_dir
    return table


def _new_path(match: re.Match[str], table: dict[str, str]) -> str:
    text = match.group(0)
    if text in table:
        return table[text]
    # a path below a moved package: sfs3dsl/_runner/engine.py
    if text.endswith(".py"):
        module = text[:-3].replace("/", ".")
        new = _new_dotted(module)
        if new != module:
            return new.replace(".", "/") + ".py"
    for old, new in table.items():
        if old.endswith("/") and text.startswith(old):
            return new + text[len(old):]
    return text


def rewrite_text(text: str, pyproject: bool) -> str:
    text = _DOTTED.sub(lambda m: _new_dotted(m.group(0)), text)
    table = _path_table()
    text = _PATH.sub(lambda m: _new_path(m, table), text)
    if pyproject:
        for old_dir, new_dir in FOLDERS.items():
            old_rel = old_dir.split("/", 1)[1]
            new_rel = new_dir.split("/", 1)[1]
            text = re.sub(rf'"{re.escape(old_rel)}/', f'"{new_rel}/', text)
    return text


def rewrite_references(root: Path) -> None:
    for top in REWRITE_ROOTS:
        start = root / top
        files = [start] if start.is_file() else sorted(start.rglob("*"))
        for path in files:
            if not path.is_file() or path.suffix not in TEXT_SUFFIXES:
                continue
            if SKIP_DIRS & set(path.relative_to(root).parts[:-1]):
                continue
            text = path.read_text(encoding="utf-8")
            new = rewrite_text(text, path.name == "pyproject.toml")
            if new != text:
                path.write_text(new, encoding="utf-8")


def sort_imports(root: Path) -> None:
    ruff = root / ".venv" / "bin" / "ruff"
    command = str(ruff) if ruff.exists() else shutil.which("ruff")
    if command is None:
        print("move.py: ruff not found; sort the imports yourself", file=sys.stderr)
        return
    tops = [t for t in ("sfs3dsl", "tests", "benchmarks", "workflows") if (root / t).exists()]
    subprocess.run([command, "check", "--quiet", "--select", "I", "--fix", *tops], cwd=root,
                   check=False)


def unmapped(root: Path) -> list[str]:
    known = set(MODULES.values()) | STAYING | set(PACKAGES)
    found = []
    for path in sorted((root / "sfs3dsl").rglob("*.py")):
        parts = path.relative_to(root).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if module not in known:
            found.append(module)
    return found


def main() -> int:
    root = Path.cwd()
    if not (root / "sfs3dsl" / "__init__.py").exists():
        sys.exit("move.py: run me at the repository root")
    move_modules(root)
    write_packages(root)
    remove_empty_dirs(root)
    rewrite_references(root)
    sort_imports(root)
    left = unmapped(root)
    for module in left:
        print(f"move.py: {module} is in no table; move it by hand", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main())
