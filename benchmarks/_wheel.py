"""A wheel install of sfs3dsl in a throw-away venv, for the benchmarks that time start-up.

The development venv installs sfs3dsl in editable mode: a ``.pth`` file puts setuptools'
editable path finder on ``sys.meta_path`` in every process, which costs ~5 ms per start-up
and is consulted on imports. A user has a wheel install, so start-up figures (``python -c
'import sfs3dsl'``, an ``sfs3dsl compile`` process, a generated handler's import) compared
with a bare interpreter are taken on one:

1. the sources (``pyproject.toml``, ``README.md``, ``sfs3dsl/``, ``sfs3dsl_runtime/``) are
   copied to a temp folder, so a stale ``build/`` of the worktree cannot leak into the wheel;
2. ``pip wheel --no-deps`` builds the wheel there (pip's build isolation fetches the build
   backend pinned in ``pyproject.toml`` once, then from its cache);
3. ``python -m venv`` makes a venv and ``pip install --no-deps`` installs the wheel, which
   compiles its bytecode as any pip install does;
4. the dependencies (click, jinja2, PyYAML, boto3, ...) are the development venv's, reached
   through a ``.pth`` file holding only its site-packages path: a plain path line appends a
   folder to ``sys.path`` and runs no import hook, and ``.pth`` files inside that folder (the
   editable finder's) are not processed, so sfs3dsl is imported from the wheel only.

The floor (``python -c 'import json'``) runs on the same venv's interpreter.
"""

from __future__ import annotations

import os
import shutil
import site
import subprocess
import sys
import sysconfig
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
_SOURCES = ("pyproject.toml", "README.md", "sfs3dsl", "sfs3dsl_runtime")


def _run(args: list[str], cwd: Path | None = None) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args)} exited {done.returncode}: "
                           f"{(done.stderr or done.stdout).strip()[-800:]}")


@contextmanager
def wheel_install() -> Iterator[Path]:
    """Yield the ``bin`` folder of a temp venv with sfs3dsl installed from a fresh wheel."""
    with tempfile.TemporaryDirectory(prefix="sfs3dsl-wheel-") as tmp:
        work = Path(tmp)
        src = work / "src"
        src.mkdir()
        for name in _SOURCES:
            path = ROOT / name
            if path.is_dir():
                shutil.copytree(path, src / name,
                                ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
            else:
                shutil.copy2(path, src / name)
        _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(work / "dist"),
              str(src)])
        wheel = next((work / "dist").glob("sfs3dsl-*.whl"))
        venv = work / "venv"
        _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
        bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
        purelib = Path(sysconfig.get_path("purelib", vars={"base": str(venv),
                                                            "platbase": str(venv)}))
        # the development venv's site-packages, for the dependencies only (see above)
        (purelib / "zz_dependencies.pth").write_text(
            "\n".join(site.getsitepackages()) + "\n", encoding="utf-8")
        _run([sys.executable, "-m", "pip", "--python", str(bin_dir / "python"), "install",
              "--no-deps", "-q", str(wheel)])
        yield bin_dir


def check_not_editable(python: Path) -> str:
    """Where ``python`` imports sfs3dsl from; raise if that is the worktree (editable)."""
    done = subprocess.run([str(python), "-c", "import sfs3dsl, sys; print(sfs3dsl.__file__); "
                           "print(any('editable' in repr(f) for f in sys.meta_path))"],
                          capture_output=True, text=True, check=True, cwd=tempfile.gettempdir())
    where, editable = done.stdout.split()
    if Path(where).resolve().is_relative_to(ROOT) or editable == "True":
        raise RuntimeError(f"sfs3dsl is not imported from the wheel: {where}")
    return where
