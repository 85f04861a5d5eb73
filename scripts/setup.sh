#!/usr/bin/env bash
# Create .venv and install sfs3dsl into it (pinned by constraints.txt).
#   bash scripts/setup.sh          the library and CLI with the `local` extra: enough to compile
#                                  workflows and run them (moto is the embedded S3 of `run`)
#   bash scripts/setup.sh --test   also the test tools and the independent checkers
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$repo"
python="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==25.3"
extras="[local]"
if [ "${1:-}" = "--test" ]; then
    extras="[local,test]"
fi
# stepfunctions-asl (what the test extra held before the real Data Science SDK) installs the
# same stepfunctions/ folder: remove it first, or uninstalling it later would delete the SDK's
if .venv/bin/python -m pip show --quiet stepfunctions-asl 2>/dev/null; then
    .venv/bin/python -m pip uninstall --quiet --yes stepfunctions-asl
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -c constraints.txt \
    -e ".${extras}"
if [ "${1:-}" = "--test" ]; then
    bash scripts/install-oracles.sh
    bash scripts/install-serverless.sh
    bash scripts/install-sam.sh
    if [ -f scripts/install-graph-tools.sh ]; then
        bash scripts/install-graph-tools.sh
    fi
fi
echo "setup: .venv is ready ($(.venv/bin/sfs3dsl --version))"
