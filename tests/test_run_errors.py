"""``sfs3dsl run`` never prints a traceback: every error is one line and a documented exit code.

0 succeeded, 1 the execution failed, 2 the run could not start, 130 interrupted (Ctrl-C).
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from sfs3dsl.cli import cli

ROOT = Path(__file__).resolve().parent.parent
REMINDER = ROOT / "workflows" / "reminder.py"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, ["run", *args], catch_exceptions=False)


def write(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value), encoding="utf-8")
    return path


def no_traceback(result: Result) -> None:
    assert "Traceback" not in result.output
    assert "Traceback" not in (result.stderr if result.stderr_bytes is not None else "")


PASS = {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}


def s3_task(name: str, action: str, key: str, then: str | None = None) -> dict[str, Any]:
    body = {"Body.$": "$"} if action == "putObject" else {}
    state: dict[str, Any] = {"Type": "Task", "Resource": f"arn:aws:states:::s3:{action}",
                             "Parameters": {"Bucket": "in-bucket", "Key": key, **body}}
    return {name: {**state, **({"Next": then, "ResultPath": None} if then else {"End": True})}}


# --- 1. a Distributed Map whose ItemReader object is missing fails as AWS does ---------------

def distributed_map(put_first: bool) -> dict[str, Any]:
    """Reads items from s3://in/items.json; ``put_first`` writes them there first."""
    map_state = {"M": {"Type": "Map", "End": True, "ItemReader": {
        "Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"},
        "Parameters": {"Bucket": "in-bucket", "Key.$": "$.key"}}, "ItemProcessor": {
        "ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
        "StartAt": "P", "States": {"P": {"Type": "Pass", "End": True}}}}}
    if not put_first:
        return {"StartAt": "M", "States": map_state}
    put = {"Put": {"Type": "Task", "Resource": "arn:aws:states:::s3:putObject",
                   "Parameters": {"Bucket": "in-bucket", "Key": "items.json", "Body.$": "$.items"},
                   "ResultPath": None, "Next": "M"}}
    return {"StartAt": "Put", "States": {**put, **map_state}}


@pytest.mark.parametrize(("put_first", "cause"), [
    (False, "cause: Failed to get the S3 object of bucket 'in-bucket', key 'items.json': The "
            "specified bucket does not exist. (Service: S3, Status Code: 404, Error Code: "
            "NoSuchBucket)"),
    (True, "cause: Failed to get the S3 object of bucket 'in-bucket', key 'missing.json': The "
           "specified key does not exist. (Service: S3, Status Code: 404, Error Code: "
           "NoSuchKey)"),
])
def test_item_reader_of_a_missing_bucket_or_key_fails_the_execution(
        put_first: bool, cause: str, tmp_path: Path) -> None:
    path = write(tmp_path / "dmap.json", distributed_map(put_first))
    key = "missing.json" if put_first else "items.json"
    result = run(str(path), "--input", json.dumps({"key": key, "items": [1]}))
    assert result.exit_code == 1, result.output
    assert "xx M (Map) failed after 0 ms: States.ItemReaderFailed" in result.output
    assert result.output.splitlines()[-3:] == [
        "status: FAILED", "error: States.ItemReaderFailed", cause]
    no_traceback(result)


def test_item_reader_reads_what_an_earlier_state_put_in_the_embedded_s3(tmp_path: Path) -> None:
    path = write(tmp_path / "dmap.json", distributed_map(True))
    result = run(str(path), "--input", '{"key": "items.json", "items": [1, 2]}', "--no-trace")
    assert result.exit_code == 0, result.output
    assert result.output.endswith("output:\n[\n  1,\n  2\n]\n")


# --- 2. Ctrl-C: exit 130, the history so far, one line ----------------------------------------

def test_sigint_stops_the_execution_writes_the_history_and_exits_130(tmp_path: Path) -> None:
    path = write(tmp_path / "wait.json", {"StartAt": "A", "States": {
        "A": {"Type": "Pass", "Next": "W"}, "W": {"Type": "Wait", "Seconds": 600, "End": True}}})
    history = tmp_path / "history.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "sfs3dsl", "run", str(path), "--clock", "real",
         "--history", str(history)], cwd=tmp_path, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert process.stdout is not None
    try:
        first = [process.stdout.readline() for _ in range(3)]
        assert first[-1] == "-> W (Wait)\n"
        time.sleep(0.2)  # the Wait has begun: its thread sleeps on the real clock
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        process.kill()
    lines = out.splitlines()
    assert process.returncode == 130, out + err
    assert lines[0].startswith("xx W (Wait) aborted after ")
    assert lines[1].startswith("interrupted: execution arn:aws:states:us-east-1:123456789012:"
                               "execution:wait:")
    assert lines[1].endswith(f" stopped after 5 events; history written to {history}")
    assert len(lines) == 2
    assert "Traceback" not in out + err
    assert err == ""
    events = json.loads(history.read_text(encoding="utf-8"))["events"]
    assert [e["type"] for e in events] == ["ExecutionStarted", "PassStateEntered",
                                           "PassStateExited", "WaitStateEntered",
                                           "ExecutionAborted"]


def test_ctrl_c_while_a_task_function_runs_waits_a_little_then_exits_130(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sfs3dsl.run.command

    monkeypatch.setattr(sfs3dsl.run.command, "STOP_PATIENCE", 0.1)
    module = tmp_path / "slow.py"
    module.write_text(
        "import _thread, time\n"
        "def work(payload, ctx):\n"
        "    time.sleep(0.2)  # the main thread is polling the execution by now\n"
        "    _thread.interrupt_main()  # what Ctrl-C does to the main thread\n"
        "    time.sleep(1.0)\n"
        "    return {}\n", encoding="utf-8")
    path = write(tmp_path / "m.json", {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:work", "End": True}}})
    result = run(str(path), "--mock", f"work={module}:work", "--no-trace")
    assert result.exit_code == 130, result.output
    assert result.output.startswith("interrupted: execution arn:aws:states:")
    assert result.output.endswith(" still running after 4 events (a task function did not "
                                  "return within 0.1 s); pass --history FILE to keep it\n")
    no_traceback(result)


def test_ctrl_c_before_the_execution_starts_exits_130(tmp_path: Path) -> None:
    module = tmp_path / "slow_import.py"
    module.write_text("raise KeyboardInterrupt  # Ctrl-C while the module imports\n",
                      encoding="utf-8")
    result = run(str(module))
    assert result.exit_code == 130
    assert result.output == "interrupted: before the execution started; nothing ran\n"


# --- 3. a --mock that targets nothing is refused ----------------------------------------------

@pytest.mark.parametrize(("path", "mock", "message"), [
    (REMINDER, "nope=1", "Error: --mock nope: no Task state, resource or function of workflow "
                         "'reminder' is called 'nope'; targets are: convdate, send_reminder, "
                         "lambda:invoke, sns:publish\n"),
    (REMINDER, "convdat=1", "Error: --mock convdat: no Task state, resource or function of "
                            "workflow 'reminder' is called 'convdat'; targets are: convdate, "
                            "send_reminder, lambda:invoke, sns:publish; did you mean "
                            "'convdate'?\n"),
    (None, "P=1", "Error: --mock P: workflow 'pass' has no Task state, so nothing can be "
                  "mocked; drop --mock P\n"),
])
def test_mock_of_no_state_resource_or_function_exits_2(path: Path | None, mock: str,
                                                       message: str, tmp_path: Path) -> None:
    target = path or write(tmp_path / "pass.json", PASS)
    result = run(str(target), "--mock", mock)
    assert result.exit_code == 2
    assert result.output == message
    no_traceback(result)


# --- 4. an explicit mock wins over the embedded S3, and the run says so ----------------------

@pytest.mark.parametrize("target", ["Get", "s3:getObject", "arn:aws:states:::s3:getObject"])
def test_mock_of_an_s3_task_wins_over_the_embedded_s3(target: str, tmp_path: Path) -> None:
    path = write(tmp_path / "s3.json", {"StartAt": "Put", "States": {
        **s3_task("Put", "putObject", "k.json", then="Get"), **s3_task("Get", "getObject",
                                                                       "k.json")}})
    result = run(str(path), "--input", '{"a": 1}', "--mock", f'{target}={{"Body": "mocked"}}')
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == ("mock: state 'Get' (arn:aws:states:::s3:getObject) uses --mock "
                        "instead of the embedded S3")
    assert lines[1] == "-> Put (Task)"
    assert result.output.endswith('output:\n{\n  "Body": "mocked"\n}\n')


def test_unmocked_s3_tasks_still_use_the_embedded_s3(tmp_path: Path) -> None:
    # Put is mocked (writes nothing), so Get reads a bucket that was never made
    path = write(tmp_path / "s3.json", {"StartAt": "Put", "States": {
        **s3_task("Put", "putObject", "k.json", then="Get"), **s3_task("Get", "getObject",
                                                                       "k.json")}})
    result = run(str(path), "--mock", 'Put={"ETag": "e"}')
    assert result.exit_code == 1, result.output
    assert result.output.splitlines()[0] == (
        "mock: state 'Put' (arn:aws:states:::s3:putObject) uses --mock instead of the "
        "embedded S3")
    assert "error: NoSuchBucket" in result.output


# --- 5. everything else: one line naming the problem and a fix --------------------------------

def make_files(root: Path) -> None:
    write(root / "pass.json", PASS)
    (root / "binary.bin").write_bytes(b"\x00\xff\xfe binary")
    (root / "binary.json").write_bytes(b"\x00\xff\xfe binary")
    (root / "folder").mkdir()
    (root / "raises.py").write_text("raise RuntimeError('boom at import')\n", encoding="utf-8")
    (root / "mock_raises.py").write_text("raise RuntimeError('mock boom')\n", encoding="utf-8")
    (root / "fails.py").write_text("def work(payload, ctx):\n    raise ValueError('bad')\n",
                                   encoding="utf-8")
    write(root / "task.json", {"StartAt": "T", "States": {"T": {
        "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:work", "End": True}}})


#: (argv after ``run``, exit code, a fragment of the output); run in a folder of make_files.
ROWS: list[tuple[list[str], int, str]] = [
    (["pass.json"], 0, "status: SUCCEEDED"),
    (["pass.json", "--input", "@binary.bin"], 2,
     "Error: --input: binary.bin is not UTF-8 text; give a JSON file, e.g. --input @input.json"),
    (["pass.json", "--input", "@folder"], 2, "Error: --input: cannot read folder: Is a directory"),
    (["pass.json", "--input", "@nothing.json"], 2,
     "Error: --input: cannot read nothing.json: No such file or directory"),
    (["binary.json"], 2, "Error: binary.json: is not UTF-8 text"),
    (["folder"], 2, "Error: folder: is a folder; give a workflow module (.py) or an ASL file "
                    "(.json, .yaml)"),
    (["nothing.json"], 2, "Error: nothing.json: no such file"),
    (["raises.py"], 2, "Error: raises.py:1: importing the workflow module raised "
                       "RuntimeError: boom at import"),
    (["pass.json", "--history", "folder"], 2,
     "Error: Invalid value for '--history': File 'folder' is a directory; fix: give --history "
     "another value (`sfs3dsl run --help` says what it takes)\n"),
    (["pass.json", "--history", "no/such/folder/h.json"], 2,
     "Error: --history: cannot write no/such/folder/h.json: there is no folder no/such/folder; "
     "create it or give another path"),
    (["pass.json", "--generated", "pass.json"], 2,
     "Error: Invalid value for '--generated': Directory 'pass.json' is a file; fix: give "
     "--generated another value (`sfs3dsl run --help` says what it takes)\n"),
    (["task.json", "--mock", "work=nothing.py:work"], 2,
     "Error: 'nothing.py:work': there is no file nothing.py; give the path of a Python file, "
     "relative to the current folder"),
    (["task.json", "--mock", "work=mock_raises.py:work"], 2,
     "Error: mock_raises.py:1: importing it raised RuntimeError: mock boom"),
    (["task.json", "--mock", "work=fails.py:nope"], 2,
     "Error: 'fails.py:nope': fails.py has no function 'nope'"),
    (["task.json", "--mock", "work=fails.py:work"], 1, "error: ValueError"),
    (["task.json", "--mock", "T=@nothing.json"], 2,
     "Error: --mock T: cannot read nothing.json: No such file or directory"),
    (["task.json", "--mock", "nope=1"], 2,
     "Error: --mock nope: no Task state, resource or function of workflow 'task' is called "
     "'nope'; targets are: T, work"),
    (["pass.json", "--s3-endpoint", "not-a-url"], 2,
     "Error: S3 endpoint 'not-a-url': Invalid endpoint: not-a-url; give a URL such as "
     "http://localhost:9000"),
]


@pytest.mark.parametrize(("argv", "code", "fragment"), ROWS,
                         ids=[" ".join(row[0]) for row in ROWS])
def test_run_errors_are_one_line_with_the_documented_exit_code(
        argv: list[str], code: int, fragment: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    make_files(tmp_path)
    monkeypatch.chdir(tmp_path)
    result = run(*argv)
    assert result.exit_code == code, result.output
    assert fragment in result.output
    no_traceback(result)


def test_the_history_is_written_even_when_printing_the_report_fails(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sfs3dsl.run.command

    def closed(*args: object) -> None:  # `sfs3dsl run ... | head -2`: the reader has left
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(sfs3dsl.run.command, "_report", closed)
    machine = tmp_path / "m.json"
    machine.write_text('{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}')
    history = tmp_path / "h.json"
    result = CliRunner().invoke(cli, ["run", str(machine), "--history", str(history)])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    events = json.loads(history.read_text())["events"]
    assert [e["type"] for e in events][-1] == "ExecutionSucceeded"
