#!/bin/sh
# Install the renderers that judge sfs3dsl's graph output (see /work/shared/ORACLES.md).
#
#   scripts/install-graph-tools.sh                     Graphviz only (for every CI run)
#   SFS3DSL_MERMAID=1 scripts/install-graph-tools.sh   also mermaid-cli 11.17.0 + chromium
#
# Idempotent and quiet: a tool already present is skipped. Graphviz and chromium come from
# apt (run as root); mermaid-cli goes to $SFS3DSL_TOOLS (default ~/.cache/sfs3dsl-tools),
# outside the repository. The Mermaid part takes about 50 s and 1.3 GB of disk.
set -eu

TOOLS="${SFS3DSL_TOOLS:-$HOME/.cache/sfs3dsl-tools}"
MMDC_VERSION="11.17.0"
APT_UPDATED=""

apt_install() {
    if [ -z "$APT_UPDATED" ]; then
        apt-get update -qq
        APT_UPDATED=1
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

if ! command -v dot >/dev/null 2>&1; then
    echo "installing graphviz"
    apt_install graphviz
fi

if [ "${SFS3DSL_MERMAID:-0}" = "1" ]; then
    if [ ! -x /usr/bin/chromium ]; then
        echo "installing chromium"
        apt_install chromium
    fi
    mermaid="$TOOLS/mermaid"
    if [ ! -x "$mermaid/node_modules/.bin/mmdc" ]; then
        echo "installing @mermaid-js/mermaid-cli@$MMDC_VERSION into $mermaid"
        mkdir -p "$mermaid"
        (cd "$mermaid" && PUPPETEER_SKIP_DOWNLOAD=1 npm install --silent --no-audit --no-fund \
            "@mermaid-js/mermaid-cli@$MMDC_VERSION" >/dev/null)
    fi
    if [ ! -f "$mermaid/puppeteer.json" ]; then
        printf '{"executablePath": "/usr/bin/chromium", "args": ["--no-sandbox"]}\n' \
            >"$mermaid/puppeteer.json"
    fi
fi
