"""``--mock TARGET=VALUE`` of ``sfs3dsl run``: what a Task runs instead of its resource.

VALUE is ``@result.json``, JSON text, or ``file.py:function`` (or ``package.module:function``);
a constant answers a ``.waitForTaskToken`` Task by sending its token the value.
"""

from __future__ import annotations

import importlib
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.run.definitions import RunSetupError
from sfs3dsl.run.handlers import constant_task, import_file

if TYPE_CHECKING:
    from sfs3dsl.run.interpreter.tasks import TaskFn


def load_callable(ref: str) -> Any:
    """``path/to/file.py:func`` or ``package.module:func`` -> the function."""
    target, _, attr = ref.rpartition(":")
    if not target or not attr.isidentifier():
        raise RunSetupError(f"{ref!r} names no callable; write file.py:function or "
                            "package.module:function")
    if target.endswith(".py"):
        if not Path(target).is_file():
            raise RunSetupError(f"{ref!r}: there is no file {target}; give the path of a "
                                "Python file, relative to the current folder")
        module = import_file(Path(target))
    else:
        try:
            module = importlib.import_module(target)
        except ImportError as exc:
            raise RunSetupError(f"{ref!r}: cannot import {target!r}: {exc}") from None
    fn = getattr(module, attr, None)
    if not callable(fn):
        raise RunSetupError(f"{ref!r}: {target} has no function {attr!r}")
    return fn


def parse_mock(spec: str) -> tuple[str, TaskFn]:
    """``KEY=@file.json``, ``KEY=<JSON>`` or ``KEY=file.py:func`` -> (key, callable)."""
    key, sep, value = spec.partition("=")
    if not sep or not key:
        raise RunSetupError(f"--mock {spec!r}: write RESOURCE=@result.json, RESOURCE='<json>' "
                            "or RESOURCE=file.py:function")
    if value.startswith("@"):
        path = Path(value[1:])
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise RunSetupError(f"--mock {key}: cannot read {path}: {exc.strerror}") from None
        try:
            return key, constant_task(json.loads(text))
        except json.JSONDecodeError as exc:
            raise RunSetupError(f"--mock {key}: {path}:{exc.lineno}:{exc.colno}: invalid "
                                f"JSON: {exc.msg}") from None
    try:
        return key, constant_task(json.loads(value))
    except json.JSONDecodeError:
        pass
    if re.fullmatch(r"[\w./\\-]+:\w+", value):
        fn = load_callable(value)
        return key, fn
    raise RunSetupError(f"--mock {key}: {value!r} is neither JSON, @file.json nor "
                        "file.py:function")
