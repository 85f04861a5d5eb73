#!/usr/bin/env bash
# The test command: set up (idempotent), lint, type-check, check generated/, run the tests.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
bash scripts/setup.sh --test
echo "== ruff";    .venv/bin/ruff check .
echo "== mypy";    .venv/bin/mypy
echo "== generated/ is up to date"; .venv/bin/sfs3dsl compile --check
echo "== pytest";  .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
