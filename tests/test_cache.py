"""The compile cache: same text as without it, never trusted when damaged, never in the way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from sfs3dsl.deploy.artifacts import workflow_artifacts
from sfs3dsl.deploy.cache import cache_dir, cached_text
from sfs3dsl.project.load import load_module_workflows

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW_FILES = sorted(p for p in (ROOT / "workflows").glob("*.py") if not p.name.startswith("_"))


def _artifacts(path: Path) -> dict[str, dict[str, str]]:
    return {w.name: workflow_artifacts(w, root=ROOT)[0] for w in load_module_workflows(path)}


@pytest.mark.parametrize("path", WORKFLOW_FILES, ids=lambda p: p.stem)
def test_cached_artifacts_are_the_generated_ones(path: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFS3DSL_CACHE", "0")
    fresh = _artifacts(path)
    monkeypatch.delenv("SFS3DSL_CACHE")
    monkeypatch.setenv("SFS3DSL_CACHE_DIR", str(tmp_path))
    cold = _artifacts(path)
    warm = _artifacts(path)
    assert fresh == cold == warm
    for name, files in fresh.items():  # and what is committed under generated/
        for relative, text in files.items():
            assert (ROOT / "generated" / name / relative).read_text(encoding="utf-8") == text


def test_a_warm_compile_imports_neither_jinja2_nor_yaml(tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from sfs3dsl.deploy.artifacts import workflow_artifacts\n"
        "from sfs3dsl.project.load import load_module_workflows\n"
        "for w in load_module_workflows(Path('workflows/process_a.py')):\n"
        "    files, _ = workflow_artifacts(w)\n"
        "    assert any(k.startswith('handlers/') for k in files)\n"
        "print(sorted(m for m in ('jinja2', 'yaml') if m in sys.modules))\n")
    env = {**os.environ, "SFS3DSL_CACHE_DIR": str(tmp_path)}

    def run() -> str:
        done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=env,
                              capture_output=True, text=True, check=True)
        return done.stdout.strip()

    assert run() == "['jinja2', 'yaml']"  # cold: both render
    assert run() == "[]"  # warm: read back


def test_any_change_of_inputs_makes_a_new_entry(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFS3DSL_CACHE_DIR", str(tmp_path))
    made: list[str] = []

    def produce(text: str) -> str:
        made.append(text)
        return text

    assert cached_text("k", ["ab", "c"], lambda: produce("one")) == "one"
    assert cached_text("k", ["ab", "c"], lambda: produce("two")) == "one"
    assert cached_text("k", ["a", "bc"], lambda: produce("three")) == "three"
    assert cached_text("other", ["ab", "c"], lambda: produce("four")) == "four"
    assert made == ["one", "three", "four"]


def test_a_damaged_entry_is_made_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFS3DSL_CACHE_DIR", str(tmp_path))
    assert cached_text("k", ["x"], lambda: "good text") == "good text"
    (entry,) = (tmp_path / "k").iterdir()
    entry.write_bytes(entry.read_bytes().replace(b"good", b"evil"))
    assert cached_text("k", ["x"], lambda: "made again") == "made again"
    entry.write_bytes(b"\xff\xfe not even text")
    assert cached_text("k", ["x"], lambda: "and again") == "and again"


def test_an_unusable_cache_folder_is_ignored(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("SFS3DSL_CACHE_DIR", str(blocker))
    assert cached_text("k", ["x"], lambda: "text") == "text"
    assert blocker.read_text() == "not a folder"


def test_cache_can_be_turned_off_and_moved(tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SFS3DSL_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("SFS3DSL_CACHE", "0")
    assert cache_dir() is None
    assert cached_text("k", ["x"], lambda: "text") == "text"
    assert not (tmp_path / "c").exists()
    monkeypatch.delenv("SFS3DSL_CACHE")
    monkeypatch.delenv("SFS3DSL_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_dir() == tmp_path / "xdg" / "sfs3dsl"
