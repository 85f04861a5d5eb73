# Sourced by the install-*.sh scripts (not run): the shared tools folder, `die`, a scratch
# log, and a lock so that two test runs starting at once install one at a time.
# The caller sets `name` (its messages' prefix) before sourcing.
tools="${SFS3DSL_TOOLS:-$HOME/.cache/sfs3dsl-tools}"

die() {
    echo "$name: $*" >&2
    exit 1
}

mkdir -p "$tools"
log="$(mktemp "${TMPDIR:-/tmp}/$name.XXXXXX")"
trap 'rm -f "$log"' EXIT

exec 9>"$tools/.install.lock"
if command -v flock >/dev/null 2>&1; then
    flock 9
fi
