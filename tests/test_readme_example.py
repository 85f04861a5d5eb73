"""README's worked example of ``run_local`` and the pytest plugin runs as it is printed."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from test_pytest_plugin import plugin_args

ROOT = Path(__file__).resolve().parent.parent
MARK = "# tests/test_my_workflows.py"


def readme_example() -> str:
    """The README's Python block that starts with :data:`MARK`."""
    blocks = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text("utf-8"),
                        flags=re.DOTALL)
    found = [b for b in blocks if b.startswith(MARK)]
    assert len(found) == 1, f"README.md has {len(found)} blocks starting with {MARK!r}"
    return str(found[0])


def test_the_readme_example_passes_from_the_project_root(tmp_path: Path) -> None:
    path = tmp_path / "test_my_workflows.py"
    path.write_text(readme_example(), encoding="utf-8")
    # from the project root, as the example says, under this project's pytest settings
    # (warnings are errors)
    out = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                          "-c", str(ROOT / "pyproject.toml"), "--rootdir", str(ROOT),
                          *plugin_args(), str(path)],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    assert out.returncode == 0, out.stdout + out.stderr
    assert re.search(r"^4 passed", out.stdout, flags=re.MULTILINE), out.stdout
