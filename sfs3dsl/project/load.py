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

from sfs3dsl.core.errors import BuildError, LoadError, ParseError, Sfs3dslError
from sfs3dsl.core.gcpause import gc_paused
from sfs3dsl.model.workflow import Workflow

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
            raise LoadError(f"{path}: no such file or folder", hint="check the path")
    return out


def _user_frame(exc: BaseException, module_file: Path) -> str:
    import traceback  # only when a user's module failed to import

    frames = traceback.extract_tb(exc.__traceback__)
    resolved = str(module_file.resolve())
    for frame in reversed(frames):
        if frame.filename == resolved or Path(frame.filename).resolve().as_posix() == resolved:
            return f"{module_file}:{frame.lineno}"
    return f"{module_file}:{frames[-1].lineno}" if frames else str(module_file)


def _check_source(path: Path, error: type[LoadError]) -> None:
    """Refuse a file that is not Python text before Python's loader reports it from deep
    inside (a NUL byte is a ValueError there on Python 3.11, not a SyntaxError)."""
    try:
        head = path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: cannot be read: {exc.strerror}",
                    hint="check that it is a file you may read") from None
    if b"\0" in head:
        kind = ParseError if error is LoadError else error
        raise kind(f"{path}: is not Python source text (it holds NUL bytes)",
                   hint="give a workflow module: a .py file that assigns a Workflow")


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
    _check_source(path, error)
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise error(f"{path}: cannot be imported as a Python module",
                    hint="give a .py file")
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
        if exc.filename not in (None, str(path), spec.origin):  # a module it imports
            raise error(f"{exc.filename}:{exc.lineno}: syntax error: {exc.msg} (imported by "
                        f"{path})", hint="fix the syntax error at that line") from None
        kind = ParseError if error is LoadError else error
        raise kind(f"{path}:{exc.lineno}: syntax error: {exc.msg}",
                   hint="fix the file so it parses") from None
    except SystemExit as exc:  # sys.exit() at import would end sfs3dsl with no word
        sys.modules.pop(name, None)
        raise error(f"{_user_frame(exc, path)}: importing {what} called sys.exit("
                    f"{exc.code!r})", hint="guard script code with "
                    "`if __name__ == \"__main__\":`") from None
    except Exception as exc:  # the user's code failed: say where, not how we called it
        sys.modules.pop(name, None)
        hint = "fix the error at that line of the module"
        if isinstance(exc, ModuleNotFoundError) and exc.name:
            top = exc.name.partition(".")[0]
            hint = (f"put {top}.py beside {path.name}, or install the package that "
                    f"provides {top!r}")
        raise error(f"{_user_frame(exc, path)}: importing {what} raised "
                    f"{type(exc).__name__}: {exc}", hint=hint) from None
    finally:
        if added:
            sys.path.remove(folder)
    return module


@gc_paused
def load_module_workflows(path: Path) -> list[Workflow]:
    """Import a Python file and return the workflows defined in it, in definition order.

    Importing a workflow module builds its states: with the garbage collector paused, as
    for the compiler (``sfs3dsl.core.gcpause``), since a module making 100,000 states
    otherwise spends a third of its time in full collections finding nothing to free. Any
    garbage cycle the module's code leaves is collected once the import returns.
    """
    module = import_path(path, what="the workflow module")
    own = str(path.resolve())
    found: list[Workflow] = []
    for value in vars(module).values():
        if isinstance(value, Workflow) and _defined_in(value, own) and value not in found:
            found.append(value)
    if not found:
        raise LoadError(f"{path}: defines no Workflow at module level",
                        hint="assign one to a module-level name: flow = Workflow(...)")
    return found


def load_workflow(path: Path | str, name: str | None = None) -> Workflow:
    """The workflow named ``name`` of a workflow module, or its only one.

    Example:
        >>> load_workflow("workflows/process_a.py", "process-a").name
        'process-a'
    """
    path = Path(path)
    workflows = load_module_workflows(path)
    names = ", ".join(repr(w.name) for w in workflows)
    if name is None:
        if len(workflows) == 1:
            return workflows[0]
        raise LoadError(f"{path}: defines {len(workflows)} workflows ({names})",
                        hint="say which: load_workflow(path, name)")
    for workflow in workflows:
        if workflow.name == name:
            return workflow
    raise LoadError(f"{path}: defines no workflow named {name!r} (it defines {names})",
                    hint="use one of those names")


def _defined_in(workflow: Workflow, filename: str) -> bool:
    where = workflow.where.rsplit(":", 1)[0]
    return Path(where).resolve().as_posix() == Path(filename).as_posix()


def load_asl(path: Path) -> dict[str, Any]:
    """Read an ASL document from a JSON or YAML file."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise LoadError(f"{path}: cannot be read: {exc.strerror}",
                        hint="check that it is a file you may read") from None
    except UnicodeDecodeError:
        raise ParseError(f"{path}: is not UTF-8 text",
                         hint="give an ASL definition saved as UTF-8 JSON or YAML") from None
    if path.suffix in (".yaml", ".yml"):
        import yaml

        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = f":{mark.line + 1}" if mark is not None else ""
            raise ParseError(f"{path}{line}: invalid YAML: "
                             f"{getattr(exc, 'problem', None) or exc}",
                             hint="fix the file so it parses") from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ParseError(f"{path}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}",
                             hint="fix the file so it parses") from None
    if not isinstance(data, dict):
        raise ParseError(f"{path}: an ASL document is a JSON object with StartAt and States, "
                         f"not a {type(data).__name__}",
                         hint='make the top level an object: {"StartAt": ..., "States": {...}}')
    return data


#: File names that say nothing of the workflow: the folder names it instead
#: (``generated/<workflow>/statemachine.asl.json``, ``<sample>/statemachine/...``).
_GENERIC_STEMS = frozenset({"statemachine", "state_machine", "state-machine", "definition"})
_GENERIC_FOLDERS = frozenset({"statemachine", "statemachines", "state_machine",
                              "state_machines", "state-machine", "state-machines"})


def definition_name(path: Path) -> str:
    """The name of the definition in an ASL file: the file's stem up to its first dot, or,
    when that stem is generic (``statemachine.asl.json``), the name of the folder it is in
    (skipping a folder itself named ``statemachine``).

    Example:
        >>> definition_name(Path("generated/process-a/statemachine.asl.json"))
        'process-a'
        >>> definition_name(Path("flaky.asl.json"))
        'flaky'
    """
    stem = path.name.split(".", 1)[0]
    if stem.lower() not in _GENERIC_STEMS:
        return stem
    folders = [p.name for p in path.absolute().parents if p.name]
    named = [f for f in folders[:2] if f.lower() not in _GENERIC_FOLDERS]
    return named[0] if named else stem


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
            yield Source(definition_name(path), path, None)


__all__ = ["BuildError", "Source", "definition_name", "expand", "iter_sources", "load_asl",
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


def git_show(spec: str) -> tuple[str, Path]:
    """Text of ``REV:path`` from git, and the path it names."""
    rev, _, rel = spec.partition(":")
    return run_git("show", f"{rev}:{rel}", failure=f"{spec}: git cannot show it"), Path(rel)


def is_git_spec(spec: str) -> bool:
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

    if is_git_spec(spec) and spec.endswith(".py"):
        from sfs3dsl.project.revision import module_at_revision

        # the module's folder at REV, so that it imports its own steps' modules
        with module_at_revision(spec) as (copy, _):
            chosen = pick_workflow(load_module_workflows(copy), spec, workflow)
            compiled = chosen.compile()
            return chosen.name, compiled.asl, {k: v.replace(str(copy), spec)
                                               for k, v in compiled.sources.items()}
    if is_git_spec(spec):
        text, rel = git_show(spec)
        with tempfile.TemporaryDirectory() as tmp:
            # Keep the file's own name: the folder names a generic statemachine.asl.json
            copy = Path(tmp) / rel.name
            copy.write_text(text, encoding="utf-8")
            name, asl, sources = load_definition(str(copy), workflow=workflow)
            if rel.suffix != ".py":
                name = definition_name(rel)
            return name, asl, {k: v.replace(str(copy), spec) for k, v in sources.items()}
    path = Path(spec)
    if not path.is_file():
        raise LoadError(f"{spec}: no such file", hint="give a .py workflow module, an ASL "
                        ".json/.yaml file, or REV:path")
    if path.suffix != ".py":
        return definition_name(path), load_asl(path), {}
    chosen = pick_workflow(load_module_workflows(path), spec, workflow)
    compiled = chosen.compile()
    return chosen.name, compiled.asl, compiled.sources


def pick_workflow(found: list[Workflow], spec: str, workflow: str | None) -> Workflow:
    """The workflow named ``workflow`` among those a module defines, or its only one."""
    if workflow is not None:
        chosen = [wf for wf in found if wf.name == workflow]
        if not chosen:
            names = ", ".join(wf.name for wf in found)
            raise LoadError(f"{spec}: no workflow named {workflow!r}",
                            hint=f"pick one it defines: {names}")
        return chosen[0]
    if len(found) > 1:
        names = ", ".join(wf.name for wf in found)
        raise LoadError(f"{spec}: defines several workflows ({names})",
                        hint="pick one with --workflow NAME")
    return found[0]
