#!/usr/bin/env bash
# Install the deploy-time checkers of the serverless.yml fragments, pinned, outside the service:
#
#   Serverless Framework 3.40.0 + serverless-step-functions 3.28.1 (npm)
#       -> $SFS3DSL_TOOLS/serverless/node_modules  (serverless at .../.bin/serverless)
#   cfn-lint 1.58.0 (PyPI) -> the project's virtualenv (.venv, or $SFS3DSL_VENV)
#
# $SFS3DSL_TOOLS defaults to ~/.cache/sfs3dsl-tools (shared with install-oracles.sh; each npm
# tool has its own folder). Version 4 of the framework needs a login, so 3.x is pinned.
# Idempotent: a second run only checks the versions. Network: npm and PyPI, only when
# something is missing. Exits non-zero when a tool cannot be installed.
set -euo pipefail
name="install-serverless"
# shellcheck source=scripts/_tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/_tools.sh"

SERVERLESS_VERSION="3.40.0"
STEP_FUNCTIONS_PLUGIN_VERSION="3.28.1"
CFN_LINT_VERSION="1.58.0"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SFS3DSL_VENV:-$repo/.venv}"
python="$venv/bin/python"
export SLS_TELEMETRY_DISABLED=1

command -v node >/dev/null 2>&1 || die "node is not on PATH (serverless 3 needs Node >= 14)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH"

sls_dir="$tools/serverless"

installed_versions() {
    (cd "$sls_dir" 2>/dev/null && node -e '
        const a = require("serverless/package.json").version;
        const b = require("serverless-step-functions/package.json").version;
        process.stdout.write(a + " " + b);
    ' 2>/dev/null) || true
}

want="$SERVERLESS_VERSION $STEP_FUNCTIONS_PLUGIN_VERSION"
if [[ "$(installed_versions)" != "$want" ]]; then
    mkdir -p "$sls_dir"
    cat >"$sls_dir/package.json" <<JSON
{
  "name": "sfs3dsl-oracle-serverless",
  "private": true,
  "description": "Installed by sfs3dsl scripts/install-serverless.sh; safe to delete.",
  "dependencies": {
    "serverless": "$SERVERLESS_VERSION",
    "serverless-step-functions": "$STEP_FUNCTIONS_PLUGIN_VERSION"
  }
}
JSON
    if ! (cd "$sls_dir" && npm install --no-audit --no-fund --update-notifier=false \
            --loglevel=error) >"$log" 2>&1; then
        cat "$log" >&2
        die "npm install serverless@$SERVERLESS_VERSION failed in $sls_dir"
    fi
    got="$(installed_versions)"
    [[ "$got" == "$want" ]] || die "$sls_dir holds '${got:-nothing}', expected '$want'"
fi
[[ -x "$sls_dir/node_modules/.bin/serverless" ]] || die "$sls_dir/node_modules/.bin/serverless is missing"
echo "serverless $SERVERLESS_VERSION + serverless-step-functions $STEP_FUNCTIONS_PLUGIN_VERSION ($sls_dir)"

[[ -x "$python" ]] || die "no virtualenv python at $python (run scripts/setup.sh first)"
cfn_lint_version() {
    "$python" -c 'import importlib.metadata as m, cfnlint; print(m.version("cfn-lint"), end="")' \
        2>/dev/null || true
}
if [[ "$(cfn_lint_version)" != "$CFN_LINT_VERSION" ]]; then
    if ! "$python" -m pip install --quiet --disable-pip-version-check \
            "cfn-lint==$CFN_LINT_VERSION" >"$log" 2>&1; then
        cat "$log" >&2
        die "pip install cfn-lint==$CFN_LINT_VERSION failed in $venv"
    fi
    got="$(cfn_lint_version)"
    [[ "$got" == "$CFN_LINT_VERSION" ]] || die "cfn-lint in $venv is '${got:-missing}', expected $CFN_LINT_VERSION"
fi
echo "cfn-lint $CFN_LINT_VERSION ($venv/bin/cfn-lint)"
