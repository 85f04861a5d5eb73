"""The review commands' plumbing: which definitions and deployment files to compare.

A side of ``sfs3dsl diff`` is read once (:func:`load_side`) into its ASL and its
deployment files, computed the same way on both sides:

* a workflow module (``.py``, or ``REV:path.py``) is compiled, and its deployment files are
  what ``sfs3dsl compile --target serverless --target sam`` would write for it;
* a compiled ``statemachine.asl.json`` (on disk or ``REV:path``) brings the
  ``serverless.yml`` and ``template.yaml`` beside it, when there;
* any other ASL file has no deployment files.

Given two sides, only the deployment files both have are compared (a module compared with
the generated folder of a serverless-only project compares serverless.yml). ``--since REV``
compares each folder under ``generated/`` with the same folder at ``REV``, file by file; a
file on one side only is compared with nothing, so all it deploys is added or removed.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sfs3dsl.core.errors import BuildError, LoadError
from sfs3dsl.deploy.artifacts import ASL_FILE, SAM_FILE, SERVERLESS_FILE, TARGETS
from sfs3dsl.model.workflow import Workflow
from sfs3dsl.project.load import (
    is_git_spec,
    load_definition,
    load_module_workflows,
    pick_workflow,
    run_git,
)
from sfs3dsl.project.revision import forget_modules_under, module_at_revision
from sfs3dsl.review.deploy_diff import DeployDiff, diff_deployments
from sfs3dsl.review.diff import Diff, diff_definitions
from sfs3dsl.review.handler_model import HANDLERS, handlers_document

EMPTY: Mapping[str, Any] = {"StartAt": "", "States": {}}
#: The deployment files of a workflow, in the order they are compared; ``handlers`` stands
#: for the side-car handlers under ``handlers/`` (:mod:`.handler_model`).
DEPLOY_FILES = (SERVERLESS_FILE, SAM_FILE, HANDLERS)


@dataclass
class Side:
    """One side of a diff: its name, ASL and ``{deployment file: parsed document}``."""

    name: str
    asl: dict[str, Any]
    deployment: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Compared:
    """One workflow compared: the ASL diff, the new ASL (for graphs) and the deployment's."""

    name: str
    asl: Diff
    after: dict[str, Any]
    deployment: DeployDiff

    @property
    def is_empty(self) -> bool:
        return self.asl.is_empty and self.deployment.is_empty


def _git(*args: str) -> str:
    return run_git(*args, failure=f"git {' '.join(args)}")


def parse_deployment(text: str, where: str) -> Any:
    """A serverless.yml or template.yaml as data; CloudFormation's short tags (``!Ref X``,
    ``!GetAtt X.Arn``, ``!Sub ...``) read as their long forms."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    def tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            value: Any = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)  # type: ignore[arg-type]
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {"Ref" if suffix == "Ref" else f"Fn::{suffix}": value}

    Loader.add_multi_constructor("!", tag)
    try:
        return yaml.load(text, Loader=Loader)  # a SafeLoader subclass: safe
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        raise LoadError(f"{where}{line}: invalid YAML: {getattr(exc, 'problem', None) or exc}",
                        hint="compile it again with `sfs3dsl compile`") from None


def _computed(workflow: Workflow, root: Path) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ASL and the deployment files ``sfs3dsl compile`` writes for ``workflow``."""
    from sfs3dsl.deploy.artifacts import workflow_artifacts

    targets = [t for t in ("serverless", "sam") if t in TARGETS]
    files, compiled = workflow_artifacts(workflow, root=root, targets=targets)
    return dict(compiled.asl), _deployment(files, workflow.name)


def _module_side(path: Path, spec: str, root: Path, fallback: Path | None = None) -> Side:
    """A module's side, compiled from ``root``, or from ``fallback`` when its steps' modules
    cannot be named from ``root``."""
    workflow = pick_workflow(load_module_workflows(path), spec, None)
    try:
        asl, deployment = _computed(workflow, root)
    except BuildError:
        if fallback is None:
            raise
        asl, deployment = _computed(workflow, fallback)
    return Side(workflow.name, asl, deployment)


def load_side(spec: str) -> Side:
    """One side of ``sfs3dsl diff OLD NEW`` (see the module docstring)."""
    if is_git_spec(spec):
        rev, _, rel = spec.partition(":")
        if rel.endswith(".py"):
            # the module's folder at REV, laid out as in the repository, so that it imports
            # its own steps' modules and its handlers name them as compile run here would
            with module_at_revision(spec) as (copy, root):
                return _module_side(copy, spec, root, copy.parent)
        name, asl, _ = load_definition(spec)
        side = Side(name, asl)
        if Path(rel).name == ASL_FILE:
            folder = Path(rel).parent.as_posix()
            listing = _git("ls-tree", "-r", "--name-only", rev, "--", f"{folder}/")
            files = {line.removeprefix(f"{folder}/"): line for line in listing.splitlines()}
            side.deployment = _deployment({
                name: _git("show", f"{rev}:{line}") for name, line in files.items()
                if name in DEPLOY_FILES or _is_handler(name)}, f"{rev}:{folder}")
        return side
    path = Path(spec)
    if path.suffix == ".py" and path.is_file():
        # compile's root is the current folder; a module whose steps cannot be named from
        # there (it lives elsewhere) is compiled from its own folder
        before = set(sys.modules)
        try:
            return _module_side(path, spec, Path.cwd(), path.resolve().parent)
        finally:  # the other side imports its own version of the module's neighbours
            forget_modules_under(path.resolve().parent, before)
    name, asl, _ = load_definition(spec)
    side = Side(name, asl)
    if path.name == ASL_FILE:
        side.deployment = _deployment(_folder_files(path.parent), str(path.parent))
    return side


def _is_handler(name: str) -> bool:
    return name.startswith("handlers/") and name.endswith(".py") and name.count("/") == 1


def _folder_files(folder: Path) -> dict[str, str]:
    """The texts of a generated folder's deployment files and handlers, by relative name."""
    paths = [folder / f for f in DEPLOY_FILES] + sorted(folder.glob("handlers/*.py"))
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8")
            for p in paths if p.is_file()}


def _deployment(files: Mapping[str, str], where: str) -> dict[str, Any]:
    """``{deployment file: document}`` of a folder's texts (relative names)."""
    out: dict[str, Any] = {f: parse_deployment(files[f], f"{where}/{f}")
                           for f in (SERVERLESS_FILE, SAM_FILE) if f in files}
    handlers = {name: text for name, text in files.items() if _is_handler(name)}
    if handlers:
        out[HANDLERS] = handlers_document(handlers)
    return out


def compare_sides(old: Side, new: Side) -> Compared:
    """``OLD`` and ``NEW`` compared; only the deployment files both sides have."""
    files = tuple(f for f in DEPLOY_FILES if f in old.deployment and f in new.deployment)
    return Compared(new.name, diff_definitions(old.asl, new.asl), new.asl,
                    diff_deployments(old.deployment, new.deployment, files=files))


def _generated_at(rev: str, folder: Path) -> dict[str, dict[str, str]]:
    """``{workflow: {relative name: text}}`` of the folders under ``folder`` at ``rev`` that
    hold an ASL file: the ASL, the deployment files and the handlers."""
    root = folder.as_posix()
    listing = _git("ls-tree", "-r", "--name-only", rev, "--", f"{root}/")
    found: dict[str, dict[str, str]] = {}
    for line in listing.splitlines():
        workflow, _, name = line.removeprefix(f"{root}/").partition("/")
        if name in (ASL_FILE, *DEPLOY_FILES) or _is_handler(name):
            found.setdefault(workflow, {})[name] = _git("show", f"{rev}:{line}")
    return {name: files for name, files in found.items() if ASL_FILE in files}


def _generated_now(folder: Path) -> dict[str, dict[str, str]]:
    return {p.parent.name: {ASL_FILE: p.read_text(encoding="utf-8"),
                            **_folder_files(p.parent)}
            for p in sorted(folder.glob(f"*/{ASL_FILE}"))}


def check_revision(rev: str, what: str) -> None:
    """A LoadError naming ``rev`` and how to list revisions, unless git knows the commit."""
    import subprocess

    try:
        done = subprocess.run(["git", "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"],
                              capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise LoadError(f"{what}: git is not installed",
                        hint="install git, or compare two files: sfs3dsl diff OLD NEW") from None
    if done.returncode == 0:
        return
    lines = done.stderr.strip().splitlines()
    if lines:  # not a repository, or git itself failed: git says why
        raise LoadError(f"{what}: {lines[-1].removeprefix('fatal: ')}",
                        hint="run it inside the project's git repository")
    raise LoadError(f"{what}: git knows no commit {rev!r}",
                    hint="give a commit, branch or tag (`git log --oneline` lists the commits)")


def diff_since(rev: str, folder: Path) -> list[Compared]:
    """Every workflow under ``folder`` compared with the same folder at ``rev``.

    A workflow added since ``rev`` is compared with an empty machine and no deployment, a
    removed one the other way round, so both show up state by state and resource by
    resource.
    """
    check_revision(rev, f"--since {rev}")
    old = _generated_at(rev, folder)
    new = _generated_now(folder)
    results = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name, {}), new.get(name, {})
        old_asl = json.loads(before[ASL_FILE]) if before else EMPTY
        new_asl = json.loads(after[ASL_FILE]) if after else dict(EMPTY)
        results.append(Compared(
            name, diff_definitions(old_asl, new_asl), new_asl,
            diff_deployments(_deployment(before, f"{rev}:{folder.as_posix()}/{name}"),
                             _deployment(after, f"{folder.as_posix()}/{name}"))))
    return results
