#!/usr/bin/env bash
# Install the checker of the generated SAM templates, pinned, in a virtualenv of its own:
#
#   aws-sam-cli 1.170.0 (PyPI) -> $SFS3DSL_TOOLS/sam/venv  (sam at .../venv/bin/sam)
#
# aws-sam-cli pins its own boto3, cfn-lint and aws-sam-translator, which would fight the
# project's versions, so it never goes into .venv. $SFS3DSL_TOOLS defaults to
# ~/.cache/sfs3dsl-tools (shared with install-oracles.sh and install-serverless.sh).
# `sam validate --lint` then runs offline: SAM_CLI_TELEMETRY=0 and a --region.
# Idempotent: a second run only checks the version. Network: PyPI, only when missing
# (about 3 minutes). Exits non-zero when sam cannot be installed.
set -euo pipefail
name="install-sam"
# shellcheck source=scripts/_tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/_tools.sh"

SAM_CLI_VERSION="1.170.0"

python="${PYTHON:-python3}"
sam_venv="$tools/sam/venv"
export SAM_CLI_TELEMETRY=0

installed_version() {
    "$sam_venv/bin/python" -c 'import importlib.metadata as m; print(m.version("aws-sam-cli"), end="")' \
        2>/dev/null || true
}

if [[ "$(installed_version)" != "$SAM_CLI_VERSION" ]]; then
    if [[ ! -x "$sam_venv/bin/python" ]]; then
        "$python" -m venv "$sam_venv" >"$log" 2>&1 || { cat "$log" >&2; die "cannot create $sam_venv"; }
    fi
    if ! "$sam_venv/bin/python" -m pip install --quiet --disable-pip-version-check \
            "aws-sam-cli==$SAM_CLI_VERSION" >"$log" 2>&1; then
        cat "$log" >&2
        die "pip install aws-sam-cli==$SAM_CLI_VERSION failed in $sam_venv"
    fi
    got="$(installed_version)"
    [[ "$got" == "$SAM_CLI_VERSION" ]] || die "$sam_venv holds aws-sam-cli '${got:-nothing}', expected $SAM_CLI_VERSION"
fi
[[ -x "$sam_venv/bin/sam" ]] || die "$sam_venv/bin/sam is missing"
echo "aws-sam-cli $SAM_CLI_VERSION ($sam_venv/bin/sam)"
