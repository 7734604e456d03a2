# Shared environment for the engine scripts: sourced, not run.
# Sets ROOT, CACHE, TOOLS_BIN, the pinned versions, and a Go environment whose module and
# build caches live under the project cache so that a second run is fast.
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source=tools/engine-versions.env
source "$ROOT/tools/engine-versions.env"
CACHE=${HEARTBEAT_CACHE:-$HOME/.cache/heartbeat-platform}
TOOLS_BIN=$ROOT/.tools/bin
mkdir -p "$CACHE" "$TOOLS_BIN"

log() { printf '[%s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# Go with its caches under $CACHE; GOTOOLCHAIN falls back to the proxy-served toolchain when
# the local Go is older than the pinned CLI needs.
setup_go() {
    command -v go >/dev/null || die "go not found: install Go >= 1.21 (go.dev/doc/install or your distribution) and re-run"
    export GOMODCACHE=$CACHE/go/mod GOCACHE=$CACHE/go/build GOFLAGS=-modcacherw CGO_ENABLED=0
    local have
    have=$(GOTOOLCHAIN=local go env GOVERSION | sed 's/^go//')
    if [ "$(printf '%s\n%s\n' "$GO_MIN_VERSION" "$have" | sort -V | head -1)" = "$GO_MIN_VERSION" ]; then
        export GOTOOLCHAIN=local
    else
        log "local Go $have < $GO_MIN_VERSION: using GOTOOLCHAIN=$GO_FALLBACK_TOOLCHAIN from the module proxy"
        export GOTOOLCHAIN=$GO_FALLBACK_TOOLCHAIN
    fi
}

# Offline Pulumi settings: local file backend, no update checks, no plugin downloads.
setup_pulumi_env() {
    export PATH="$TOOLS_BIN:$ROOT/target/release:$PATH"
    export PULUMI_HOME=$ROOT/.tools/pulumi-home
    export PULUMI_SKIP_UPDATE_CHECK=true
    export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
    export PULUMI_AUTOMATION_API_SKIP_VERSION_CHECK=true
    mkdir -p "$ROOT/out/state"
    export PULUMI_BACKEND_URL=file://$ROOT/out/state
    # A fixed passphrase for the local, throw-away state only; real stacks set their own.
    export PULUMI_CONFIG_PASSPHRASE=${PULUMI_CONFIG_PASSPHRASE-heartbeat-local}
}
