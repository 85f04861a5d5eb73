#!/usr/bin/env bash
# The test command: set up (idempotent), lint, type-check, check the import contracts and
# generated/, run the tests.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
# mermaid-cli (with Debian's chromium) renders every graph the tests draw; set
# SFS3DSL_MERMAID=0 to leave out that ~1 GB install and its ~2 minute test.
export SFS3DSL_MERMAID="${SFS3DSL_MERMAID:-1}"
bash scripts/setup.sh --test
echo "== ruff";    .venv/bin/ruff check .
echo "== mypy";    .venv/bin/mypy
echo "== import contracts"; .venv/bin/lint-imports --no-cache
echo "== generated/ is up to date"; .venv/bin/sfs3dsl compile --check
echo "== pytest";  .venv/bin/python -m pytest -q -p no:cacheprovider "$@"
