"""What a ``sfs3dsl compile`` process imports, and what it leaves alone.

Start-up is most of a compile (``benchmarks/bench_compile.py`` part c times it against a bare
interpreter); these tests keep the modules it deliberately does not import out of it, so a
stray top-level import shows up here instead of as a slower benchmark. They assert which
modules are loaded, never a time.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from sfs3dsl.syntax.asl import FORBIDDEN_MACHINE_NAME_CHARACTERS, is_forbidden_in_machine_name

ROOT = Path(__file__).resolve().parent.parent

#: Modules a compile of a workflow that uses none of them must not import, and why not.
NOT_IMPORTED = {
    "sfs3dsl.cli.local": "the run commands' module",
    "sfs3dsl.cli.review": "the review commands' module",
    "sfs3dsl.cli.service": "the service commands' module",
    "sfs3dsl.model.operations": "no VPC, alarms or notifications",
    "sfs3dsl.deploy.serverless.monitoring": "no dashboard, no alarms",
    "sfs3dsl.syntax.intrinsics": "no intrinsic function call",
    "difflib": "no misspelt IAM key",
    "unicodedata": "ASCII workflow names",
    "jinja2": "handlers read back from the compile cache",
    "yaml": "serverless.yml read back from the compile cache",
    "boto3": "nothing runs",
    "moto": "nothing runs",
}


def _modules_of_compile(tmp_path: Path, cache: Path) -> set[str]:
    code = ("import atexit, json, sys\n"
            "atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))\n"
            "sys.argv = ['sfs3dsl', 'compile', 'workflows/process_a.py', "
            f"'--out', {str(tmp_path / 'out')!r}]\n"
            "from sfs3dsl.cli import entry\nentry()\n")
    env = {k: v for k, v in os.environ.items() if k != "SFS3DSL_CACHE"}
    env["SFS3DSL_CACHE_DIR"] = str(cache)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=ROOT, timeout=120, env=env)
    assert done.returncode == 0, done.stderr
    loaded: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return set(loaded)


def test_a_compile_with_a_warm_cache_imports_only_what_it_uses(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    first = _modules_of_compile(tmp_path, cache)  # fills the cache: jinja2 and PyYAML
    assert {"jinja2", "yaml"} <= first
    loaded = _modules_of_compile(tmp_path, cache)
    assert {"sfs3dsl.cli.build", "sfs3dsl.validate", "sfs3dsl.deploy.artifacts"} <= loaded
    assert sorted(set(NOT_IMPORTED) & loaded) == []


@pytest.mark.parametrize("start", range(0, 0x110000, 0x10000))
def test_the_ascii_fast_path_agrees_with_unicode_categories(start: int) -> None:
    # what the function did before its ASCII shortcut, for every code point
    def by_category(char: str) -> bool:
        return (char in FORBIDDEN_MACHINE_NAME_CHARACTERS or char.isspace()
                or unicodedata.category(char) in ("Cc", "Cs"))

    differ = [hex(i) for i in range(start, start + 0x10000)
              if is_forbidden_in_machine_name(chr(i)) != by_category(chr(i))]
    assert differ == []
