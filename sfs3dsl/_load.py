"""Read workflows from Python modules and ASL documents from JSON or YAML files.

Errors come back as :class:`LoadError` naming the file, the line and what to do; an
exception raised while importing a user's module is reported at its ``file:line``,
never as a traceback.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path
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
    frames = traceback.extract_tb(exc.__traceback__)
    resolved = str(module_file.resolve())
    for frame in reversed(frames):
        if frame.filename == resolved or Path(frame.filename).resolve().as_posix() == resolved:
            return f"{module_file}:{frame.lineno}"
    return f"{module_file}:{frames[-1].lineno}" if frames else str(module_file)


def load_module_workflows(path: Path) -> list[Workflow]:
    """Import a Python file and return the workflows defined in it, in definition order."""
    module_name = f"sfs3dsl_user_{abs(hash(str(path.resolve())))}_{path.stem}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise LoadError(f"{path}: cannot be imported as a Python module")
    module = importlib.util.module_from_spec(spec)
    folder = str(path.resolve().parent)
    added = folder not in sys.path
    if added:
        sys.path.insert(0, folder)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except Sfs3dslError:
        raise
    except SyntaxError as exc:
        raise LoadError(f"{path}:{exc.lineno}: syntax error: {exc.msg}") from None
    except Exception as exc:  # the user's code failed: say where, not how we called it
        raise LoadError(f"{_user_frame(exc, path)}: importing the workflow module raised "
                        f"{type(exc).__name__}: {exc}") from None
    finally:
        if added:
            sys.path.remove(folder)
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
