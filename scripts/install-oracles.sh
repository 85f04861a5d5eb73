#!/usr/bin/env bash
# Install the independent checkers ("oracles") the tests run, pinned, outside the package.
#
#   asl-validator 4.0.0 (npm)  -> $SFS3DSL_TOOLS/asl-validator/node_modules/asl-validator
#   statelint 3.1.0 (PyPI)     -> the project's virtualenv (.venv, or $SFS3DSL_VENV)
#
# $SFS3DSL_TOOLS defaults to ~/.cache/sfs3dsl-tools; each npm tool gets its own folder there
# (asl-validator/, later serverless/) so their dependency trees never mix.
# Idempotent: a second run only checks. Quiet: one line per tool; the installers' output is
# shown only when they fail. Exits non-zero if a tool cannot be installed or has the wrong
# version. Network: the npm registry and PyPI only, and only when something is missing.
set -euo pipefail
name="install-oracles"
# shellcheck source=scripts/_tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/_tools.sh"

ASL_VALIDATOR_VERSION="4.0.0"
STATELINT_VERSION="3.1.0"

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
venv="${SFS3DSL_VENV:-$repo/.venv}"
python="$venv/bin/python"

# --- asl-validator (npm) -------------------------------------------------------------
command -v node >/dev/null 2>&1 || die "node is not on PATH (asl-validator needs Node >= 18)"
command -v npm >/dev/null 2>&1 || die "npm is not on PATH"

asl_dir="$tools/asl-validator"
asl_pkg="$asl_dir/node_modules/asl-validator"

asl_installed_version() {
    # Prints the version only if the package both is there and loads.
    (cd "$asl_dir" 2>/dev/null && node -e '
        const v = require("asl-validator/package.json").version;
        require("asl-validator");
        process.stdout.write(v);
    ' 2>/dev/null) || true
}

if [[ "$(asl_installed_version)" != "$ASL_VALIDATOR_VERSION" ]]; then
    mkdir -p "$asl_dir"
    cat >"$asl_dir/package.json" <<JSON
{
  "name": "sfs3dsl-oracle-asl-validator",
  "private": true,
  "description": "Installed by sfs3dsl scripts/install-oracles.sh; safe to delete.",
  "dependencies": {
    "asl-validator": "$ASL_VALIDATOR_VERSION"
  }
}
JSON
    if ! (cd "$asl_dir" && npm install --no-audit --no-fund --update-notifier=false \
            --loglevel=error) >"$log" 2>&1; then
        cat "$log" >&2
        die "npm install asl-validator@$ASL_VALIDATOR_VERSION failed in $asl_dir"
    fi
    got="$(asl_installed_version)"
    [[ "$got" == "$ASL_VALIDATOR_VERSION" ]] \
        || die "asl-validator in $asl_dir is '${got:-missing}', expected $ASL_VALIDATOR_VERSION"
fi
echo "asl-validator $ASL_VALIDATOR_VERSION ($asl_pkg, node $(node --version))"

# --- statelint (PyPI, pinned in pyproject's [test] extra) --------------------------------
[[ -x "$python" ]] || die "no virtualenv python at $python (create .venv and pip install -e '.[test]')"

statelint_installed_version() {
    "$python" - <<'PY' 2>/dev/null || true
import importlib.metadata
import statelint.cli  # noqa: F401  (importable, not just listed)
print(importlib.metadata.version("statelint"), end="")
PY
}

if [[ "$(statelint_installed_version)" != "$STATELINT_VERSION" ]]; then
    if ! "$python" -m pip install --quiet --disable-pip-version-check \
            "statelint==$STATELINT_VERSION" >"$log" 2>&1; then
        cat "$log" >&2
        die "pip install statelint==$STATELINT_VERSION failed in $venv"
    fi
    got="$(statelint_installed_version)"
    [[ "$got" == "$STATELINT_VERSION" ]] \
        || die "statelint in $venv is '${got:-missing}', expected $STATELINT_VERSION"
fi
statelint_bin="$venv/bin/statelint"
[[ -x "$statelint_bin" ]] || die "statelint $STATELINT_VERSION is importable but $statelint_bin is missing"
"$statelint_bin" --version >"$log" 2>&1 || { cat "$log" >&2; die "$statelint_bin --version failed"; }
echo "statelint $(cut -d' ' -f1 "$log") ($statelint_bin)"
