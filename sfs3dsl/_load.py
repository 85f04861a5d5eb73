"""Read workflows from Python modules and ASL documents from JSON or YAML files.

Errors come back as :class:`LoadError` naming the file, the line and what to do; an
exception raised while importing a user's module is reported at its ``file:line``,
never as a traceback.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from types import ModuleType
from typing import Any

from sfs3dsl._errors import BuildError, LoadError, Sfs3dslError
from sfs3dsl._workflow import Workflow

ASL_SUFFIXES = (".json", ".yaml", ".yml")


def expand(paths: Iterable[Path]) -> list[Path]:
    """Files named, and the workflow modules and ASL files inside folders named."""
    out: list[Path] = []
    for path in paths:
        if path.is_dir():
            out.extend(p for p in sorted(path.iterdir())
                       if p.is_file() and ((p.suffix == ".py" and not p.name.startswith("_"))
                                           or p.suffix in ASL_SUFFIXES))
        elif path.is_file():
            out.append(path)
        else:
            raise LoadError(f"{path}: no such file or folder")
    return out


def _user_frame(exc: BaseException, module_file: Path) -> str:
    import traceback  # only when a user's module failed to import

    frames = traceback.extract_tb(exc.__traceback__)
    resolved = str(module_file.resolve())
    for frame in reversed(frames):
        if frame.filename == resolved or Path(frame.filename).resolve().as_posix() == resolved:
            return f"{module_file}:{frame.lineno}"
    return f"{module_file}:{frames[-1].lineno}" if frames else str(module_file)


def import_path(path: Path, *, prefix: str = "sfs3dsl_user",
                error: type[LoadError] = LoadError, reuse: bool = False,
                what: str = "it") -> ModuleType:
    """Import a Python file by path; its folder is on ``sys.path`` while it loads.

    An exception raised by the user's code becomes ``error`` naming the file and line,
    never a traceback; library errors (a BuildError made at import) pass through.

    Args:
        path: the file.
        prefix: start of the module's private name in ``sys.modules``.
        error: the LoadError subclass to raise.
        reuse: return the module already imported from this path, if any.
        what: how the message names the file ("importing <what> raised ...").
    """
    name = f"{prefix}_{abs(hash(str(path.resolve())))}_{path.stem.replace('-', '_')}"
    if reuse and name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise error(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.resolve().parent)
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except Sfs3dslError:
        sys.modules.pop(name, None)
        raise
    except SyntaxError as exc:
        sys.modules.pop(name, None)
        raise error(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except Exception as exc:  # the user's code failed: say where, not how we called it
        sys.modules.pop(name, None)
        raise error(f"{_user_frame(exc, path)}: importing {what} raised "
                    f"{type(exc).__name__}: {exc}") from None
    finally:
        if added:
            sys.path.remove(folder)
    return module


def load_module_workflows(path: Path) -> list[Workflow]:
    """Import a Python file and return the workflows defined in it, in definition order."""
    module = import_path(path, what="the workflow module")
    own = str(path.resolve())
    found: list[Workflow] = []
    for value in vars(module).values():
        if isinstance(value, Workflow) and _defined_in(value, own) and value not in found:
            found.append(value)
    if not found:
        raise LoadError(f"{path}: defines no Workflow at module level; "
                        "assign one to a module-level name: flow = Workflow(...)")
    return found


def _defined_in(workflow: Workflow, filename: str) -> bool:
    where = workflow.where.rsplit(":", 1)[0]
    return Path(where).resolve().as_posix() == Path(filename).as_posix()


def load_asl(path: Path) -> dict[str, Any]:
    """Read an ASL document from a JSON or YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(f"{path}: cannot be read: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise LoadError(f"{path}: is not UTF-8 text") from None
    if path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise LoadError(f"{path}{line}: invalid YAML: "
                            f"{getattr(exc, 'problem', None) or exc}") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise LoadError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}") from None
    if not isinstance(data, dict):
        raise LoadError(f"{path}: an ASL document is a JSON object with StartAt and States, "
                        f"not a {type(data).__name__}")
    return data


class Source:
    """A definition read from a file: a workflow's or an ASL document's."""

    __slots__ = ("name", "path", "workflow")

    def __init__(self, name: str, path: Path, workflow: Workflow | None) -> None:
        self.name = name
        self.path = path
        self.workflow = workflow


def iter_sources(paths: Iterable[Path]) -> Iterator[Source]:
    """Every workflow or ASL document in ``paths`` (files or folders)."""
    for path in expand(paths):
        if path.suffix == ".py":
            for wf in load_module_workflows(path):
                yield Source(wf.name, path, wf)
        else:
            stem = path.name.split(".", 1)[0]
            yield Source(stem, path, None)


__all__ = ["BuildError", "Source", "expand", "iter_sources", "load_asl",
           "load_module_workflows"]


def run_git(*args: str, failure: str) -> str:
    """The output of ``git args``; a LoadError ``"<failure>: <why>"`` when git fails."""
    import subprocess

    try:
        done = subprocess.run(["git", *args], capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise LoadError(f"{failure}: git is not installed") from None
    if done.returncode != 0:
        reason = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
        raise LoadError(f"{failure}: {reason}")
    return done.stdout


def _git_show(spec: str) -> tuple[str, Path]:
    """Text of ``REV:path`` from git, and the path it names."""
    rev, _, rel = spec.partition(":")
    return run_git("show", f"{rev}:{rel}", failure=f"{spec}: git cannot show it"), Path(rel)


def _is_git_spec(spec: str) -> bool:
    rev, sep, rel = spec.partition(":")
    return bool(sep and rev and rel) and not Path(spec).exists() and "/" not in rev \
        and len(rev) != 1  # "C:..." is a Windows drive, not a revision


def load_definition(spec: str, *, workflow: str | None = None
                    ) -> tuple[str, dict[str, Any], Mapping[str, str]]:
    """One definition from a workflow module, an ASL JSON/YAML file or ``REV:path``.

    Returns its name, its ASL document and its source map (empty for ASL files). A module
    with several workflows needs ``workflow`` to pick one.
    """
    import tempfile

    if _is_git_spec(spec):
        text, rel = _git_show(spec)
        with tempfile.TemporaryDirectory() as tmp:
            # Keep the file's own name: a module may import its neighbours by name only
            # when they sit beside it, so modules at a revision load as plain ASL or alone.
            copy = Path(tmp) / rel.name
            copy.write_text(text, encoding="utf-8")
            name, asl, sources = load_definition(str(copy), workflow=workflow)
            return name, asl, {k: v.replace(str(copy), spec) for k, v in sources.items()}
    path = Path(spec)
    if not path.is_file():
        raise LoadError(f"{spec}: no such file (give a .py workflow module, an ASL .json/.yaml "
                        "file, or REV:path)")
    if path.suffix != ".py":
        return path.name.split(".", 1)[0], load_asl(path), {}
    found = load_module_workflows(path)
    if workflow is not None:
        chosen = [wf for wf in found if wf.name == workflow]
        if not chosen:
            names = ", ".join(wf.name for wf in found)
            raise LoadError(f"{spec}: no workflow named {workflow!r} (it defines {names})")
        found = chosen
    elif len(found) > 1:
        names = ", ".join(wf.name for wf in found)
        raise LoadError(f"{spec}: defines several workflows ({names}); pick one with --workflow")
    compiled = found[0].compile()
    return found[0].name, compiled.asl, compiled.sources
