#!/usr/bin/env bash
# Prepares the Helm charts the offline gates install, in $CACHE/charts/<chart> (prints that
# directory). Real deploys never need this: the kubernetes provider fetches each chart from
# its vendor's repository at the version pinned in the component's versions.rs.
#   - cert-manager: the vendor's chart source at the pinned tag, from the Go module proxy
#     (github.com/cert-manager/cert-manager), with version and appVersion stamped as the
#     vendor's release tool does;
#   - strimzi-kafka-operator, yugabyte: from $HEARTBEAT_CHARTS_DIR/<chart> when given (a
#     `helm pull --untar` of the pinned version, or the vendor's repository checkout), else
#     from ../shared/vendor/charts/<chart>-<version> beside the repository (CI has it), checked
#     to be the pinned version; otherwise tools/stand-in-chart, which renders only the values
#     it was given. No package registry serves these two charts, so an offline machine
#     without either gets the stand-in, and the gates say so.
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

# The vendors' charts at the pinned versions, as ../shared/vendor/charts/<chart>-<version> holds
# them beside this repository (CI has them; see that folder's README).
shared=$ROOT/../shared/vendor/charts
for chart in strimzi-kafka-operator:$(pinned components/kafka-stack/src/versions.rs STRIMZI_VERSION) \
    yugabyte:$(pinned components/yugabyte-stack/src/versions.rs CHART_VERSION); do
    version=${chart#*:} chart=${chart%%:*}
    target=$charts/$chart
    rm -rf "$target"
    source=""
    if [ -n "${HEARTBEAT_CHARTS_DIR:-}" ]; then
        source=$HEARTBEAT_CHARTS_DIR/$chart
    elif [ -d "$shared/$chart-$version" ]; then
        source=$shared/$chart-$version
    fi
    if [ -n "$source" ] && [ -f "$source/Chart.yaml" ]; then
        [ "$(sed -n 's/^version: //p' "$source/Chart.yaml")" = "$version" ] ||
            die "$source/Chart.yaml is not version $version, the one the component pins"
        cp -rL "$source" "$target" && chmod -R u+w "$target"
        log "$chart chart: the vendor's $version, from $source"
    else
        cp -r "$ROOT/tools/stand-in-chart" "$target"
        echo "standsInFor: $chart" >"$target/values.yaml"
        log "$chart chart: STAND-IN (no registry serves it; set HEARTBEAT_CHARTS_DIR to render the vendor's)"
    fi
done
echo "$charts"
