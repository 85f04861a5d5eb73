"""Print the README's set-up command number N (1: the main job, 2: the tests).

`.ci/run` runs what this prints, so the README and CI cannot drift apart: the commands are
the ``console`` blocks of the README's "Set up" section, in order, one command per block.

Usage: python3 scripts/readme_command.py N [README]
"""

from __future__ import annotations

import re
import sys
from pathlib import Path


def setup_commands(readme: str) -> list[str]:
    """The one-line commands of the ``console`` blocks under the "Set up" heading."""
    section = re.search(r"^## Set up\b.*?(?=^## )", readme, re.S | re.M)
    if section is None:
        raise SystemExit("README.md has no '## Set up' section")
    blocks = re.findall(r"^[ \t]*```console\n(.*?)^[ \t]*```", section.group(0), re.S | re.M)
    commands = [block.strip() for block in blocks]
    for command in commands:
        if "\n" in command:
            raise SystemExit(f"a set-up block must hold one command line, not:\n{command}")
    return commands


def main(argv: list[str]) -> None:
    number = int(argv[1]) if len(argv) > 1 else 1
    path = Path(argv[2]) if len(argv) > 2 else Path(__file__).resolve().parent.parent / "README.md"
    commands = setup_commands(path.read_text(encoding="utf-8"))
    if not 1 <= number <= len(commands):
        raise SystemExit(f"README.md has {len(commands)} set-up command(s), not {number}")
    print(commands[number - 1])


if __name__ == "__main__":
    main(sys.argv)
