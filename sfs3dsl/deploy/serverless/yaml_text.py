"""YAML text of a serverless.yml fragment, written by PyYAML (libyaml's emitter when there).

The text is kept in the compile cache (:mod:`sfs3dsl.deploy.cache`) under the data, this module's
source and PyYAML's installed files, so an unchanged workflow compiles without importing
PyYAML.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sfs3dsl.deploy.cache import cached_text, package_stamp

if TYPE_CHECKING:
    import yaml


@functools.cache
def dumpers() -> tuple[type[yaml.SafeDumper], type[yaml.SafeDumper]]:
    """``(pure Python, libyaml)`` dumpers that write a value shared by two places twice
    rather than as an anchor and alias. Their text is identical (a test checks it); the
    second is PyYAML's C emitter, about 4x faster, or the first when libyaml is missing."""
    import yaml

    class PyDumper(yaml.SafeDumper):
        def ignore_aliases(self, data: Any) -> bool:
            return True

    class CDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):  # type: ignore[misc]
        def ignore_aliases(self, data: Any) -> bool:
            return True

    return PyDumper, (CDumper if yaml.__with_libyaml__ else PyDumper)


def dump_with(data: dict[str, Any], dumper: type[yaml.SafeDumper]) -> str:
    """The fragment's YAML as ``dumper`` writes it."""
    import yaml

    text: str = yaml.dump(data, Dumper=dumper, sort_keys=False, default_flow_style=False,
                          width=100, allow_unicode=True)
    return text


@functools.cache
def _own_inputs() -> tuple[bytes, bytes]:
    return Path(__file__).read_bytes(), package_stamp("yaml").encode()


def yaml_text(data: dict[str, Any]) -> str:
    """The fragment's YAML (block style, keys in the data's order, width 100)."""
    def produce() -> str:
        return dump_with(data, dumpers()[1])

    try:
        # key order is part of the output: not sort_keys
        key = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):  # not plain JSON data: no stable key, no cache
        return produce()
    return cached_text("yaml", [*_own_inputs(), key], produce)
