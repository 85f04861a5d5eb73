"""Run the independent checkers ("oracles") of /work/shared/ORACLES.md from the tests.

Nobody on this project wrote these checkers; the tests use them to judge the project's output.
This module only runs them and reads their answers; it defines no pytest fixtures (the test
files that need a long-lived checker build their own fixture on :class:`AslValidatorProcess`).

* :func:`asl_validator` -- asl-validator 4.0.0 (npm) on many definitions, one node process.
* :class:`AslValidatorProcess` -- the same, kept alive between calls (session fixtures,
  hypothesis tests sending hundreds of definitions).
* :func:`statelint` -- statelint 3.1.0 (PyPI, the venv's console script) on many files, one
  process, with the known false alarms of :data:`STATELINT_FALSE_ALARMS` filtered out.

A missing checker raises :class:`OracleMissing` -- never a skip: ``scripts/install-oracles.sh``
installs them, and CI must fail if it did not.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import selectors
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

ASL_VALIDATOR_VERSION = "4.0.0"
STATELINT_VERSION = "3.1.0"

INSTALL_HINT = "run scripts/install-oracles.sh (the test command does)"

_BATCH_SCRIPT = Path(__file__).resolve().with_name("asl_validator_batch.js")


class OracleError(RuntimeError):
    """A checker could not give an answer (crashed, hung, spoke nonsense).

    Not raised when a checker rejects a definition: that is a :class:`Result`.
    """


class OracleMissing(OracleError):
    """A checker is not installed where the harness looks for it."""


# --------------------------------------------------------------------------------------
# Locations
# --------------------------------------------------------------------------------------


def tools_dir() -> Path:
    """Where ``scripts/install-oracles.sh`` installs npm tools (``$SFS3DSL_TOOLS``)."""
    configured = os.environ.get("SFS3DSL_TOOLS")
    if configured:
        return Path(configured).expanduser()
    return Path.home() / ".cache" / "sfs3dsl-tools"


def asl_validator_node_modules() -> Path:
    """The ``node_modules`` holding asl-validator 4.0.0; raises :class:`OracleMissing`."""
    modules = tools_dir() / "asl-validator" / "node_modules"
    package_json = modules / "asl-validator" / "package.json"
    try:
        version = json.loads(package_json.read_text(encoding="utf-8"))["version"]
    except (OSError, ValueError, KeyError) as err:
        raise OracleMissing(
            f"asl-validator {ASL_VALIDATOR_VERSION} is not installed at {modules} "
            f"({err.__class__.__name__}: {err}); {INSTALL_HINT}"
        ) from err
    if version != ASL_VALIDATOR_VERSION:
        raise OracleMissing(
            f"asl-validator {version} at {modules}, expected {ASL_VALIDATOR_VERSION}; "
            f"{INSTALL_HINT}"
        )
    return modules


def node_executable() -> str:
    """The ``node`` on PATH; raises :class:`OracleMissing`."""
    node = shutil.which("node")
    if node is None:
        raise OracleMissing(f"node is not on PATH; asl-validator needs Node >= 18; {INSTALL_HINT}")
    return node


def statelint_executable() -> Path:
    """The ``statelint`` console script of the running interpreter's environment."""
    script = Path(sys.executable).parent / "statelint"
    if not (script.is_file() and os.access(script, os.X_OK)):
        raise OracleMissing(
            f"statelint {STATELINT_VERSION} is not installed next to {sys.executable} "
            f"(no {script}); pip install -e '.[test]' or {INSTALL_HINT}"
        )
    return script


# --------------------------------------------------------------------------------------
# asl-validator
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Result:
    """One checker's verdict on one definition."""

    is_valid: bool
    errors: tuple[str, ...] = ()
    #: the checker threw instead of answering (asl-validator on a non-object, for example);
    #: ``is_valid`` is then False and ``errors`` holds the exception text.
    crashed: bool = False

    def __bool__(self) -> bool:
        return self.is_valid

    def describe(self) -> str:
        """Errors one per line, for assertion messages."""
        if self.is_valid:
            return "valid"
        return "\n".join(f"  - {error}" for error in self.errors) or "  (invalid, no message)"


class AslValidatorProcess:
    """A long-lived ``node tests/asl_validator_batch.js``: one definition in, one verdict out.

    asl-validator compiles its JSON schemas on every call (~0.1 s a definition, ORACLES.md);
    what this saves is node's start-up and module loading (~0.3 s) per definition. Use it as a
    context manager or call :meth:`close`; it is safe to share between threads.

    ``check_arn=False`` is deliberately not offered: asl-validator 4.0.0 then accepts every
    string as an ARN *and* as a ``${...}`` placeholder, and its ``oneOf`` rejects every Task.
    """

    def __init__(self, *, timeout: float = 60.0) -> None:
        self.timeout = timeout
        modules = asl_validator_node_modules()
        node = node_executable()
        self._lock = threading.Lock()
        self._counter = 0
        self._buffer = b""
        self._stderr: IO[bytes] = tempfile.TemporaryFile()  # noqa: SIM115 (closed in close())
        try:
            self._proc: subprocess.Popen[bytes] = subprocess.Popen(
                [node, str(_BATCH_SCRIPT), str(modules)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=self._stderr,
            )
        except OSError:
            self._stderr.close()
            raise
        self._selector = selectors.DefaultSelector()
        assert self._proc.stdout is not None
        self._selector.register(self._proc.stdout, selectors.EVENT_READ)
        try:
            hello = self._read_message()
            if hello.get("ready") is not True or hello.get("version") != ASL_VALIDATOR_VERSION:
                raise OracleError(f"asl_validator_batch.js did not start properly: {hello!r}")
        except BaseException:
            self.close()
            raise

    # -- public ---------------------------------------------------------------------------

    def check(self, definition: object) -> Result:
        """asl-validator's verdict on ``definition`` (any JSON value; it is not modified)."""
        with self._lock:
            self._counter += 1
            request_id = self._counter
            try:
                line = json.dumps({"id": request_id, "definition": definition}, allow_nan=False)
            except (TypeError, ValueError) as err:
                raise TypeError(f"definition is not JSON: {err}") from err
            self._send(line.encode("utf-8") + b"\n")
            answer = self._read_message()
        if answer.get("id") != request_id:
            raise OracleError(f"asl_validator_batch.js answered {answer!r} to request {request_id}")
        return Result(
            is_valid=bool(answer["isValid"]),
            errors=tuple(str(error) for error in answer["errors"]),
            crashed=bool(answer.get("crashed", False)),
        )

    def check_many(self, definitions: Mapping[str, object]) -> dict[str, Result]:
        """:meth:`check` on each value, keyed like ``definitions``."""
        return {key: self.check(definition) for key, definition in definitions.items()}

    def close(self) -> None:
        """End the node process (idempotent)."""
        proc = self._proc if hasattr(self, "_proc") else None
        if proc is not None:
            if proc.stdin is not None and not proc.stdin.closed:
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.close()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()
        if hasattr(self, "_selector"):
            self._selector.close()
        self._stderr.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- plumbing -------------------------------------------------------------------------

    def _send(self, data: bytes) -> None:
        stdin = self._proc.stdin
        assert stdin is not None
        try:
            stdin.write(data)
            stdin.flush()
        except (BrokenPipeError, ValueError) as err:
            raise OracleError(f"asl-validator process is gone: {self._failure()}") from err

    def _read_message(self) -> dict[str, Any]:
        raw = self._read_line()
        try:
            message = json.loads(raw)
        except ValueError as err:
            raise OracleError(f"asl_validator_batch.js wrote {raw!r}: {err}") from err
        if not isinstance(message, dict):
            raise OracleError(f"asl_validator_batch.js wrote {raw!r}")
        if "protocolError" in message:
            raise OracleError(f"asl_validator_batch.js: {message['protocolError']}")
        return message

    def _read_line(self) -> bytes:
        stdout = self._proc.stdout
        assert stdout is not None
        deadline = time.monotonic() + self.timeout
        while b"\n" not in self._buffer:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._selector.select(remaining):
                raise OracleError(
                    f"asl-validator gave no answer within {self.timeout} s: {self._failure()}"
                )
            chunk = os.read(stdout.fileno(), 1 << 16)
            if not chunk:
                raise OracleError(f"asl-validator process ended: {self._failure()}")
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return line

    def _failure(self) -> str:
        code = self._proc.poll()
        self._stderr.seek(0)
        err = self._stderr.read().decode("utf-8", "replace").strip()
        status = "still running" if code is None else f"exit status {code}"
        return f"{status}; stderr: {err or '(empty)'}"


def asl_validator(definitions: Mapping[str, object]) -> dict[str, Result]:
    """asl-validator 4.0.0's verdict on each definition, in one node process."""
    with AslValidatorProcess() as process:
        return process.check_many(definitions)


# --------------------------------------------------------------------------------------
# statelint
# --------------------------------------------------------------------------------------

Predicate = Callable[[Any, "re.Match[str]"], bool]


@dataclass(frozen=True)
class FalseAlarm:
    """A statelint message that is wrong where ``applies`` holds, and why."""

    pattern: re.Pattern[str]
    reason: str
    #: (the whole definition, the match) -> is this message really a false alarm here?
    applies: Predicate


_JSONATA_FIELDS = (
    "Seconds",
    "Timestamp",
    "TimeoutSeconds",
    "HeartbeatSeconds",
    "MaxConcurrency",
    "ToleratedFailurePercentage",
    "ToleratedFailureCount",
)


def _is_distributed_map(definition: Any, match: re.Match[str]) -> bool:
    state = resolve_state_path(definition, match["state"])
    if not isinstance(state, dict) or state.get("Type") != "Map":
        return False
    processor = state.get("ItemProcessor")
    config = processor.get("ProcessorConfig") if isinstance(processor, dict) else None
    return isinstance(config, dict) and config.get("Mode") == "DISTRIBUTED"


def _is_jsonata_expression_in_jsonata_state(definition: Any, match: re.Match[str]) -> bool:
    state = resolve_state_path(definition, match["state"])
    if not (isinstance(definition, dict) and isinstance(state, dict)):
        return False
    value = state.get(match["field"])
    if not (isinstance(value, str) and value.startswith("{%") and value.endswith("%}")):
        return False
    root_language = definition.get("QueryLanguage", "JSONPath")
    return bool(state.get("QueryLanguage", root_language) == "JSONata")


#: statelint 3.1.0's known false alarms, the one place they are listed (ORACLES.md).
#: Each is filtered only where its predicate confirms the case, so the same message about a
#: real mistake (``Label`` on an INLINE Map, a JSONata string in a JSONPath state) still counts.
STATELINT_FALSE_ALARMS: tuple[FalseAlarm, ...] = (
    FalseAlarm(
        re.compile(r'^Field "Label" not allowed in State Machine\.(?P<state>.+)$'),
        "statelint 3.1.0 predates Distributed Map's Label field, which the Step Functions "
        "developer guide (Map state, Distributed mode: Label) allows on a Map whose "
        "ItemProcessor.ProcessorConfig.Mode is DISTRIBUTED.",
        _is_distributed_map,
    ),
    FalseAlarm(
        re.compile(
            r"^State Machine\.(?P<state>.+)\.(?P<field>" + "|".join(_JSONATA_FIELDS) + r")"
            r' is "\{%.*%\}" but should be (?:an Integer|numeric|an RFC3339 timestamp)$',
            re.DOTALL,
        ),
        "statelint 3.1.0 type-checks these fields as in JSONPath even in a JSONata state, "
        "where the developer guide (Transforming data with JSONata) lets each of them be a "
        "{% ... %} expression (Wait Seconds/Timestamp, Task TimeoutSeconds/HeartbeatSeconds, "
        "Map MaxConcurrency/ToleratedFailurePercentage/ToleratedFailureCount); ORACLES.md "
        "names Seconds, the same check fires on all seven.",
        _is_jsonata_expression_in_jsonata_state,
    ),
    FalseAlarm(
        re.compile(
            r"^State Machine\.(?P<state>.+)\.Retry\[\d+\]\.BackoffRate is [1-9]\d* "
            r"but should be a Float$"
        ),
        "statelint 3.1.0 wants a JSON float; the ASL specification only asks for a number "
        ">= 1.0 and statelint's own later fixture backoff-with-backoffrate-integer.json "
        "(shared corpus, 'should allow BackOffRate integer') is valid. Only integers >= 1 are "
        "excused: for 0 or a negative integer this is statelint's only message.",
        lambda _definition, _match: True,
    ),
    FalseAlarm(
        re.compile(
            r'^Field "(?:InputType|CSVHeaderLocation|CSVHeaders|CSVDelimiter|ManifestType)" '
            r"not allowed in State Machine\.(?P<state>.+)\.ItemReader\.ReaderConfig$"
        ),
        "statelint 3.1.0 knows only MaxItems/MaxItemsPath in an ItemReader's ReaderConfig; "
        "the developer guide (Map state ItemReader, ReaderConfig) documents InputType, "
        "CSVHeaderLocation, CSVHeaders, CSVDelimiter and ManifestType for S3 readers "
        "(seen in real-world/ distributed-map-state-gif-generator, migrate-csv-to-ddb).",
        lambda definition, match: (
            isinstance(state := resolve_state_path(definition, match["state"]), dict)
            and state.get("Type") == "Map"
        ),
    ),
)


def resolve_state_path(definition: Any, path: str) -> Any:
    """The node at a state path (``States.P.Branches[0].States.B``) or None.

    State names may contain dots and spaces: at each dict the longest key that fits wins.
    """
    node = definition
    rest = path
    while rest:
        if isinstance(node, list):
            found = re.match(r"\[(\d+)\]", rest)
            if found is None or int(found[1]) >= len(node):
                return None
            node = node[int(found[1])]
            rest = rest[found.end() :]
        elif isinstance(node, dict):
            fits = [
                key
                for key in node
                if isinstance(key, str)
                and rest.startswith(key)
                and rest[len(key) : len(key) + 1] in ("", ".", "[")
            ]
            if not fits:
                return None
            key = max(fits, key=len)
            node = node[key]
            rest = rest[len(key) :]
        else:
            return None
        rest = rest.removeprefix(".")
    return node


def filter_false_alarms(
    definition: Any,
    problems: Sequence[str],
    allow: Sequence[FalseAlarm] = STATELINT_FALSE_ALARMS,
) -> list[str]:
    """``problems`` without those that :data:`STATELINT_FALSE_ALARMS` explains."""
    kept = []
    for problem in problems:
        explained = False
        for alarm in allow:
            match = alarm.pattern.match(problem)
            if match is not None and alarm.applies(definition, match):
                explained = True
                break
        if not explained:
            kept.append(problem)
    return kept


_HEADER = re.compile(r"^(?:One error|(?P<count>\d+) errors):$")
_STATELINT_CHUNK = 200  # files per process: keeps the command line well under ARG_MAX


def statelint_raw(paths: Sequence[Path], *, timeout: float = 120.0) -> dict[Path, list[str]]:
    """statelint 3.1.0's messages for each file, unfiltered; ``[]`` for a clean file."""
    resolved = [Path(path).resolve() for path in paths]
    for path in resolved:
        if not path.is_file():
            # statelint would lint the path itself as JSON text and report a parse error.
            raise FileNotFoundError(f"statelint: no such file {path}")
    script = statelint_executable()
    results: dict[Path, list[str]] = {path: [] for path in resolved}
    for start in range(0, len(resolved), _STATELINT_CHUNK):
        chunk = resolved[start : start + _STATELINT_CHUNK]
        results.update(_statelint_chunk(script, chunk, timeout))
    return results


def statelint(
    paths: Sequence[Path],
    *,
    allow: Sequence[FalseAlarm] = STATELINT_FALSE_ALARMS,
    timeout: float = 120.0,
) -> dict[Path, list[str]]:
    """statelint 3.1.0's real problems for each file (keys resolved); ``[]`` means accepted.

    Messages that :data:`STATELINT_FALSE_ALARMS` explains for that file are dropped; pass
    ``allow=()`` to keep them (or use :func:`statelint_raw`).
    """
    results = statelint_raw(paths, timeout=timeout)
    for path, problems in results.items():
        if problems and allow:
            definition = json.loads(path.read_text(encoding="utf-8"))
            results[path] = filter_false_alarms(definition, problems, allow)
    return results


def _statelint_chunk(script: Path, chunk: Sequence[Path], timeout: float) -> dict[Path, list[str]]:
    try:
        done = subprocess.run(
            [str(script), *map(str, chunk)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise OracleError(f"statelint gave no answer within {timeout} s") from err
    if done.returncode == 0:
        return {path: [] for path in chunk}
    if done.returncode != 1:
        raise OracleError(
            f"statelint exited {done.returncode}: {done.stderr.strip() or done.stdout.strip()}"
        )
    return _parse_statelint_output(done.stdout, chunk)


def _parse_statelint_output(output: str, chunk: Sequence[Path]) -> dict[Path, list[str]]:
    """Read statelint's report: ``[file]`` (only when given several), a header, `` message``s."""
    by_name = {str(path): path for path in chunk}
    results: dict[Path, list[str]] = {path: [] for path in chunk}
    expected: dict[Path, int] = {}
    current: Path | None = chunk[0] if len(chunk) == 1 else None
    lines = output.splitlines()
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        header = _HEADER.match(line)
        if len(chunk) > 1 and line in by_name and _HEADER.match(following):
            current = by_name[line]
        elif header is not None and current is not None and current not in expected:
            expected[current] = int(header["count"] or 1)
        elif current is None:
            raise OracleError(f"cannot read statelint's output at {line!r}:\n{output}")
        elif line.startswith(" "):
            results[current].append(line[1:])
        elif results[current]:
            results[current][-1] += "\n" + line  # a message that spans lines
        else:
            raise OracleError(f"cannot read statelint's output at {line!r}:\n{output}")
    for path, count in expected.items():
        if len(results[path]) != count:
            raise OracleError(
                f"statelint announced {count} problems for {path}, read {len(results[path])}:"
                f"\n{output}"
            )
    if set(expected) != {path for path, problems in results.items() if problems}:
        raise OracleError(f"statelint's output does not match its files:\n{output}")
    if not expected:
        raise OracleError(f"statelint exited 1 without reporting a problem:\n{output}")
    return results


def statelint_definitions(
    definitions: Mapping[str, object],
    workdir: Path,
    *,
    allow: Sequence[FalseAlarm] = STATELINT_FALSE_ALARMS,
) -> dict[str, list[str]]:
    """:func:`statelint` on in-memory definitions, written as files under ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    for index, (key, definition) in enumerate(definitions.items()):
        path = (workdir / f"definition-{index:05d}.json").resolve()
        path.write_text(json.dumps(definition, indent=1), encoding="utf-8")
        files[key] = path
    found = statelint(list(files.values()), allow=allow)
    return {key: found[path] for key, path in files.items()}


# --------------------------------------------------------------------------------------
# CloudFormation / SAM / Terraform placeholders
# --------------------------------------------------------------------------------------

_PLACEHOLDER = re.compile(r"\$\{(?P<name>[^}]*)\}")
_WHOLE_PLACEHOLDER = re.compile(r"^\$\{(?P<name>[^}]*)\}$")


def _placeholder_value(match: re.Match[str]) -> str:
    name = match["name"]
    lowered = name.lower()
    if "partition" in lowered:
        return "aws"
    if "region" in lowered:
        return "us-east-1"
    if "account" in lowered:
        return "123456789012"
    return re.sub(r"[^A-Za-z0-9_-]", "_", name) or "placeholder"


def _substitute_string(text: str, *, resource: bool) -> str:
    whole = _WHOLE_PLACEHOLDER.match(text)
    if resource and whole is not None:
        # A whole Resource such as ${ValidatePolicyArn}: stand in a Lambda function ARN.
        function = re.sub(r"[^A-Za-z0-9_-]", "_", whole["name"]) or "placeholder"
        return f"arn:aws:lambda:us-east-1:123456789012:function:{function}"
    return _PLACEHOLDER.sub(_placeholder_value, text)


def substitute_placeholders(document: Any) -> Any:
    """A copy of ``document`` with template placeholders (``${Name}``) filled in.

    Definitions kept in SAM/CDK/Terraform projects carry substitutions that only the deploy
    step fills (``"Resource": "${ValidatePolicyArn}"``, ``arn:${AWS::Partition}:states:::...``,
    ``"$.${DynamoDBTable_PartitionKey}"``). statelint 3.1.0 reports a whole ``${X}`` Resource
    as "should be A URI"; asl-validator 4.0.0 accepts a whole ``${X}`` but rejects one inside
    an ARN. So every ``${...}`` in every key and string becomes a plausible value: a whole
    Resource becomes a Lambda function ARN; a partition/region/account placeholder becomes
    ``aws``/``us-east-1``/``123456789012``; any other becomes its name made identifier-safe.
    """
    return _substitute(document, None)


def _substitute(document: Any, key: object) -> Any:
    if isinstance(document, dict):
        return {
            (_substitute_string(k, resource=False) if isinstance(k, str) else k): _substitute(v, k)
            for k, v in document.items()
        }
    if isinstance(document, list):
        return [_substitute(item, None) for item in document]
    if isinstance(document, str):
        return _substitute_string(document, resource=key == "Resource")
    return document
