#!/usr/bin/env bash
# Prepares the Helm charts the offline gates install, in $CACHE/charts/<chart> (prints that
# directory). Real deploys never need this: the kubernetes provider fetches each chart from
# its vendor's repository at the version pinned in the component's versions.rs.
#   - cert-manager: the vendor's chart source at the pinned tag, from the Go module proxy
#     (github.com/cert-manager/cert-manager), with version and appVersion stamped as the
#     vendor's release tool does;
#   - strimzi-kafka-operator, yugabyte: from $HEARTBEAT_CHARTS_DIR/<chart> when given (a
#     `helm pull --untar` of the pinned version, or the vendor's repository checkout);
#     otherwise tools/stand-in-chart, which renders only the values it was given. No package
#     registry serves these two charts, so an offline machine without them gets the
#     stand-in, and the gates say so.
set -euo pipefail
source "$(dirname "$0")/engine-env.sh"

# pinned FILE CONST: the string constant CONST of a Rust versions file.
pinned() { sed -n "s/^pub const $2: &str = \"\(.*\)\";/\1/p" "$ROOT/$1"; }

charts=$CACHE/charts
mkdir -p "$charts"

cert_manager_version=$(pinned components/cert-manager/src/versions.rs VERSION)
target=$charts/cert-manager
if [ "$(sed -n 's/^version: //p' "$target/Chart.yaml" 2>/dev/null)" != "$cert_manager_version" ]; then
    setup_go
    log "cert-manager chart $cert_manager_version from the Go module proxy"
    dir=$(cd "$CACHE" && go mod download -json "github.com/cert-manager/cert-manager@$cert_manager_version" |
        sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
    [ -d "$dir/deploy/charts/cert-manager" ] || die "no chart in github.com/cert-manager/cert-manager@$cert_manager_version"
    rm -rf "$target" && cp -r "$dir/deploy/charts/cert-manager" "$target" && chmod -R u+w "$target"
    sed -i "s/^version: .*/version: $cert_manager_version/; s/^appVersion: .*/appVersion: $cert_manager_version/" \
        "$target/Chart.yaml"
fi

for chart in strimzi-kafka-operator yugabyte; do
    target=$charts/$chart
    rm -rf "$target"
    if [ -n "${HEARTBEAT_CHARTS_DIR:-}" ] && [ -f "$HEARTBEAT_CHARTS_DIR/$chart/Chart.yaml" ]; then
        cp -rL "$HEARTBEAT_CHARTS_DIR/$chart" "$target"
        log "$chart chart: the vendor's, from $HEARTBEAT_CHARTS_DIR/$chart"
    else
        cp -r "$ROOT/tools/stand-in-chart" "$target"
        echo "standsInFor: $chart" >"$target/values.yaml"
        log "$chart chart: STAND-IN (no registry serves it; set HEARTBEAT_CHARTS_DIR to render the vendor's)"
    fi
done
echo "$charts"
