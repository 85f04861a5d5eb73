"""The architecture of docs/ARCHITECTURE.md, read from the imports by import-linter.

The contracts are in pyproject.toml (``[tool.importlinter]``): the layers and which way they
import, no import circle between sibling modules or packages, the model and everything below
it free of boto3, jinja2, click, PyYAML and moto, and the interpreter free of the run around
it. ``lint-imports`` checks the same from the command line.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


def test_import_contracts_are_kept() -> None:
    lint_imports = Path(sys.executable).parent / "lint-imports"
    done = subprocess.run([str(lint_imports), "--no-cache"], cwd=REPO, capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout, done.stdout
