"""The lazily loaded command group: its table names exactly the real commands.

``sfs3dsl.cli.group.COMMANDS`` lets a process import only the module of the command it
runs and ``sfs3dsl --help`` list every command without importing any. The table is
written by hand, so these tests compare it with the commands the modules of
``sfs3dsl.cli`` define: same names, same places, the same ``--help`` listing at every
width, and every command's errors still one line from the group.
"""

from __future__ import annotations

import gc
import importlib
import json
import pkgutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

import sfs3dsl.cli
from sfs3dsl.cli import cli, main
from sfs3dsl.cli.group import COMMANDS, command_of

ROOT = Path(__file__).resolve().parent.parent
COMMAND_MODULES = ("build", "local", "review", "service")


def _defined_commands() -> dict[str, tuple[str, str, click.Command]]:
    """Every click command a module of ``sfs3dsl.cli`` defines at its top level:
    name -> (module, attribute, command)."""
    found: dict[str, tuple[str, str, click.Command]] = {}
    for info in pkgutil.iter_modules(sfs3dsl.cli.__path__, "sfs3dsl.cli."):
        module = importlib.import_module(info.name)
        for attribute, value in vars(module).items():
            if isinstance(value, click.Command) and value is not cli:
                assert value.name is not None
                assert value.name not in found, f"{value.name} defined twice"
                found[value.name] = (info.name, attribute, value)
    return found


def test_the_table_names_exactly_the_commands_defined() -> None:
    defined = _defined_commands()
    assert {n: (m, a) for n, (m, a, _) in defined.items()} == {
        n: (e.module, e.attribute) for n, e in COMMANDS.items()}
    assert len(COMMANDS) == 13


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_the_table_gives_each_command_its_own_short_help(name: str) -> None:
    real = _defined_commands()[name][2]
    stub = click.Command(name, help=COMMANDS[name].summary)
    assert (real.hidden, real.deprecated, real.short_help) == (False, False, None)
    for limit in range(10, 201):
        assert stub.get_short_help_str(limit) == real.get_short_help_str(limit), limit


@pytest.mark.parametrize("width", [40, 60, 80, 100, 120, 200])
def test_help_lists_the_commands_as_an_eager_group_would(width: int) -> None:
    eager = click.Group("sfs3dsl", commands={n: c for n, (_, _, c) in
                                             _defined_commands().items()},
                        params=cli.params, help=cli.help,
                        context_settings=cli.context_settings)
    lazy = CliRunner().invoke(cli, ["--help"], terminal_width=width, prog_name="sfs3dsl")
    expected = CliRunner().invoke(eager, ["--help"], terminal_width=width,
                                  prog_name="sfs3dsl")
    assert (lazy.exit_code, expected.exit_code) == (0, 0)
    assert lazy.output == expected.output
    listed = lazy.output.split("Commands:\n", 1)[1].splitlines()
    names = [line.split()[0] for line in listed if line[:2] == "  " and line[2] != " "]
    assert names == sorted(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_resolves_and_its_usage_errors_are_one_line(name: str) -> None:
    result = CliRunner().invoke(cli, [name, "--zzz"])
    assert result.exit_code == 2
    assert result.output == (f"Error: No such option '--zzz'; fix: `sfs3dsl {name} "
                             "--help` lists its options\n")


def _modules_after(*argv: str) -> list[str]:
    """The command modules of sfs3dsl.cli a fresh process has imported after ``argv``."""
    code = ("import sys\nfrom sfs3dsl.cli import main\n"
            f"try:\n    main({list(argv)!r})\nexcept SystemExit:\n    pass\n"
            "import json\n"
            f"print(json.dumps(sorted(m for m in {COMMAND_MODULES!r} "
            "if 'sfs3dsl.cli.' + m in sys.modules)))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True, cwd=ROOT, timeout=120)
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


@pytest.mark.parametrize(("argv", "loaded"), [
    (["--help"], []),
    (["--version"], []),
    (["compile", "--help"], ["build"]),
    (["serve", "--help"], ["service"]),
    (["graph", "--help"], ["review"]),
    (["test-state", "--help"], ["local"]),
])
def test_a_process_imports_only_the_module_of_its_command(argv: list[str],
                                                          loaded: list[str]) -> None:
    assert _modules_after(*argv) == loaded


@pytest.mark.parametrize(("argv", "collecting"), [
    (["--version"], True),
    (["nope"], True),
    (["test-state", "--help"], True),
    (["validate", "workflows/process_a.py"], False),  # a pure build: paused to the end
])
def test_the_process_entry_freezes_its_heap_at_exit(argv: list[str], collecting: bool) -> None:
    # an exit handler registered before entry() runs after the one entry() registers
    code = ("import atexit, gc, sys\n"
            "atexit.register(lambda: print('at exit:', gc.isenabled(), "
            "gc.get_freeze_count() > 10_000, len(gc.get_objects()) < 50, file=sys.stderr))\n"
            f"sys.argv = ['sfs3dsl', *{argv!r}]\n"
            "from sfs3dsl.cli import entry\nentry()\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=False, cwd=ROOT, timeout=120)
    assert done.returncode == (2 if argv == ["nope"] else 0), done.stderr
    # everything frozen: nothing left for the last collections to walk
    assert done.stderr.endswith(f"at exit: {collecting} True True\n"), done.stderr


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_a_pure_build_is_one_whose_callback_pauses_the_collector(name: str) -> None:
    callback = _defined_commands()[name][2].callback
    assert COMMANDS[name].build == (getattr(callback, "__wrapped__", None) is not None)


def test_the_group_takes_no_option_with_a_value_so_command_of_finds_the_command() -> None:
    assert all(isinstance(p, click.Option) and p.is_flag for p in cli.params)
    assert command_of(["--version"]) is None
    assert command_of(["-h", "compile", "--out", "x"]) == "compile"
    assert command_of(["run", "compile.py"]) == "run"


def test_main_in_a_running_program_changes_nothing_process_wide() -> None:
    frozen = gc.get_freeze_count()
    with pytest.raises(SystemExit) as ended:
        main(["--version"])
    assert ended.value.code == 0
    assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


def test_compile_runs_with_the_collector_paused_and_turns_it_back_on(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sfs3dsl.deploy import artifacts

    real = artifacts.workflow_artifacts
    seen: list[bool] = []

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(gc.isenabled())
        return real(*args, **kwargs)

    monkeypatch.setattr(artifacts, "workflow_artifacts", spy)
    module = tmp_path / "wf.py"
    module.write_text("from sfs3dsl import Pass, Workflow\nwf = Workflow('wf', Pass('a'))\n",
                      encoding="utf-8")
    assert gc.isenabled()
    result = CliRunner().invoke(cli, ["compile", str(module), "--out", str(tmp_path / "g")])
    assert result.exit_code == 0, result.output
    assert seen == [False]
    assert gc.isenabled()
