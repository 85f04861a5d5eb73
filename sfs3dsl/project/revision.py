"""A workflow module as it was at a git revision, with the modules it imports from its folder.

``sfs3dsl diff REV:workflows/claim.py`` compiles the module as it was at ``REV``. A
workflow module usually imports its step functions from a sibling (``_claim_steps.py``,
docs/sidecar.md), so the module alone cannot be imported: :func:`module_at_revision`
writes every file of the module's folder at ``REV`` (one ``git archive``) into a temporary
folder, keeping the repository's layout, and yields the copy of the module and the root to
compile from (the current folder's place in that layout, as ``sfs3dsl compile`` run here
would use). Handlers generated from the copy therefore import ``workflows._claim_steps`` as
they do in the working tree.

Two more things keep the two sides of a diff apart:

* the modules imported from the copy (``_claim_steps``) are dropped from ``sys.modules``
  once the side is read (:func:`forget_modules_under`), so the other side (another
  revision, or the working tree) imports its own version of them;
* any error raised while reading the copy names the user's path (``REV:workflows/x.py:3``),
  never the temporary one (:func:`renamed_error`).
"""

from __future__ import annotations

import io
import sys
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path, PurePosixPath

from sfs3dsl.core.errors import BuildError, LoadError, Sfs3dslError


def _git(*args: str, spec: str) -> bytes:
    import subprocess

    try:
        done = subprocess.run(["git", *args], capture_output=True, check=False)
    except FileNotFoundError:
        raise LoadError(f"{spec}: git is not installed",
                        hint="install git, or compare files on disk") from None
    if done.returncode != 0:
        lines = done.stderr.decode(errors="replace").strip().splitlines()
        reason = lines[-1].rstrip(".") if lines else "failed"
        raise LoadError(f"{spec}: git cannot show it: {reason}",
                        hint="check the revision and path with `git log --oneline` and "
                             "`git ls-tree -r --name-only REV`")
    return done.stdout


def _in_repository(rel: str, spec: str) -> PurePosixPath:
    """``rel`` of ``REV:rel`` as a path from the repository's top: git reads ``REV:path``
    from the top, and ``REV:./path`` from the current folder."""
    if rel.startswith(("./", "../")):
        prefix = _git("rev-parse", "--show-prefix", spec=spec).decode().strip()
        parts: list[str] = []
        for part in PurePosixPath(prefix, rel).parts:
            if part == "..":
                if parts:
                    parts.pop()
            elif part != ".":
                parts.append(part)
        return PurePosixPath(*parts)
    return PurePosixPath(rel)


def forget_modules_under(folder: Path, before: set[str]) -> None:
    """Drop the modules imported since ``before`` whose file is under ``folder``: the next
    side of a diff imports its own ``_x_steps`` instead of this one's."""
    top = folder.resolve()
    for name in set(sys.modules) - before:
        if name.partition(".")[0] == "sfs3dsl":  # sfs3dsl itself may live in the project
            continue
        file = getattr(sys.modules.get(name), "__file__", None)
        if isinstance(file, str) and Path(file).resolve().is_relative_to(top):
            del sys.modules[name]


def renamed_error(exc: Sfs3dslError, tmp: Path, rev: str) -> Sfs3dslError:
    """``exc`` with every path under the temporary copy ``tmp`` written as ``REV:path``.

    The error keeps its class (a LoadError still exits 2, a BuildError 1)."""
    def rename(text: str) -> str:
        for base in {str(tmp.resolve()), str(tmp)}:
            text = text.replace(base + "/", f"{rev}:")
        return text

    exc.args = tuple(rename(a) if isinstance(a, str) else a for a in exc.args)
    if isinstance(exc, BuildError):
        exc.message = rename(exc.message)
        exc.where = rename(exc.where) if exc.where else exc.where
    return exc


def missing_module_hint(exc: LoadError, spec: str, rel: PurePosixPath) -> LoadError:
    """A module the revision's copy could not import: say it is not committed there."""
    text = str(exc)
    marker = "raised ModuleNotFoundError: No module named '"
    if marker not in text:
        return exc
    missing = text.split(marker, 1)[1].split("'", 1)[0]
    rev = spec.partition(":")[0]
    folder = rel.parent.as_posix() or "."
    head = text.split("; fix: ", 1)[0]
    return LoadError(head, hint=f"{missing!r} is neither installed nor committed in {folder}/ "
                     f"at {rev} (`git ls-tree --name-only {rev} {folder}/` lists what is "
                     f"there): commit it there, or compare the compiled files instead: "
                     f"sfs3dsl diff --since {rev}")


@contextmanager
def module_at_revision(spec: str) -> Iterator[tuple[Path, Path]]:
    """The module ``REV:path.py`` written with its folder at ``REV`` into a temporary copy.

    Yields the copy of the module and the root to compile it from. Errors raised inside
    the ``with`` block name ``REV:path``, and the copy's modules are forgotten after it.
    """
    rev, _, rel_text = spec.partition(":")
    rel = _in_repository(rel_text, spec)
    folder = rel.parent.as_posix()
    _git("cat-file", "-e", f"{rev}:{rel.as_posix()}", spec=spec)  # the module itself exists
    top = _git("rev-parse", "--show-toplevel", spec=spec).decode().strip()
    # from the top: run in a subfolder, git archive reads its paths from there
    archive = _git("-C", top, "archive", "--format=tar", rev, "--", folder or ".", spec=spec)
    prefix = _git("rev-parse", "--show-prefix", spec=spec).decode().strip()
    before = set(sys.modules)
    with tempfile.TemporaryDirectory(prefix="sfs3dsl-rev-") as name:
        tmp = Path(name)
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            # git's own archive of tracked files; the data filter still refuses links out
            tar.extractall(tmp, filter="data")
        try:
            yield tmp / rel, tmp / prefix
        except LoadError as exc:
            raise missing_module_hint(renamed_error(exc, tmp, rev),  # type: ignore[arg-type]
                                      spec, rel) from None
        except Sfs3dslError as exc:
            raise renamed_error(exc, tmp, rev) from None
        finally:
            forget_modules_under(tmp, before)
