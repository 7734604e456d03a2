#!/usr/bin/env bash
# Builds the pinned offline Pulumi engine toolchain into .tools/bin:
#   pulumi                      the Pulumi CLI ($PULUMI_VERSION), from tools/pulumi-cli
#   pulumi-resource-kubernetes  the Kubernetes provider ($K8S_PROVIDER_VERSION)
# Everything comes from the Go module proxy. Finished binaries are kept in
# $HEARTBEAT_CACHE/engine (default ~/.cache/heartbeat-platform), so a second run, even from a
# fresh clone, only copies them. A `pulumi` already on PATH at the pinned version is used as is.
# Idempotent. Usage: tools/build-engine.sh
set -euo pipefail
source "$(dirname "$0")/engine-env.sh"

ENGINE_CACHE=$CACHE/engine
mkdir -p "$ENGINE_CACHE"

# install_cached NAME CACHED: copies a cached binary into .tools/bin unless already identical.
install_cached() {
    if ! cmp -s "$2" "$TOOLS_BIN/$1"; then
        install -m 0755 "$2" "$TOOLS_BIN/$1.tmp" && mv "$TOOLS_BIN/$1.tmp" "$TOOLS_BIN/$1"
    fi
}

build_pulumi_cli() {
    local cached=$ENGINE_CACHE/pulumi-$PULUMI_VERSION
    local ambient
    ambient=$(PATH=${PATH//$TOOLS_BIN:/} command -v pulumi || true)
    if [ -n "$ambient" ] && [ "$("$ambient" version 2>/dev/null)" = "$PULUMI_VERSION" ]; then
        log "pulumi: using $ambient ($PULUMI_VERSION already on PATH)"
        ln -sf "$ambient" "$TOOLS_BIN/pulumi"
        return
    fi
    if [ ! -x "$cached" ]; then
        grep -q "github.com/pulumi/pulumi/pkg/v3 $PULUMI_VERSION" "$ROOT/tools/pulumi-cli/go.mod" ||
            die "tools/pulumi-cli/go.mod does not require pkg/v3 $PULUMI_VERSION: update both together"
        log "pulumi: building $PULUMI_VERSION (cold: 10-40 min on 2 cores, depending on load)"
        (cd "$ROOT/tools/pulumi-cli" && go build -trimpath -tags osusergo,grpcnotrace \
            -ldflags "-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VERSION" \
            -o "$cached.tmp" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi)
        mv "$cached.tmp" "$cached"
    fi
    [ -L "$TOOLS_BIN/pulumi" ] && rm "$TOOLS_BIN/pulumi"
    install_cached pulumi "$cached"
    log "pulumi: $("$TOOLS_BIN/pulumi" version)"
}

build_kubernetes_provider() {
    # Helm's default Kubernetes version (used when no cluster answers, as in the offline
    # render) is stamped at link time; like Helm's own build, stamp the client-go version the
    # provider is built with (v0.33.x -> 1.33), not Helm's fallback 1.20.
    local cached=$ENGINE_CACHE/pulumi-resource-kubernetes-$K8S_PROVIDER_VERSION-$K8S_PROVIDER_MODULE_VERSION-helm-kube
    if [ ! -x "$cached" ]; then
        log "pulumi-resource-kubernetes: building $K8S_PROVIDER_VERSION (cold: 10-40 min on 2 cores, depending on load)"
        local moddir src=$CACHE/src/pulumi-kubernetes-provider-$K8S_PROVIDER_MODULE_VERSION
        moddir=$(cd "$CACHE" && go mod download -json "$K8S_PROVIDER_MODULE@$K8S_PROVIDER_MODULE_VERSION" |
            sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
        [ -d "$moddir" ] || die "could not download $K8S_PROVIDER_MODULE@$K8S_PROVIDER_MODULE_VERSION"
        # The module's go.mod replaces sdk/v4 with ../sdk (not in the module zip): copy the
        # module out of the read-only cache, require the tagged sdk instead, generate the
        # embedded schema files, build.
        rm -rf "$src" && mkdir -p "$(dirname "$src")" && cp -r "$moddir" "$src" && chmod -R u+w "$src"
        (
            cd "$src"
            go mod edit -dropreplace=github.com/pulumi/pulumi-kubernetes/sdk/v4 \
                -require="github.com/pulumi/pulumi-kubernetes/sdk/v4@$K8S_SDK_VERSION"
            export GOFLAGS="$GOFLAGS -mod=mod"
            (cd cmd/pulumi-resource-kubernetes && VERSION=$K8S_PROVIDER_VERSION go run ./generate.go)
            # client-go v0.N.x is the client of Kubernetes 1.N.
            local minor chartutil=helm.sh/helm/v3/pkg/chartutil
            minor=$(go list -m -f '{{.Version}}' k8s.io/client-go | cut -d. -f2)
            go build -trimpath -tags osusergo \
                -ldflags "-s -w -X github.com/pulumi/pulumi-kubernetes/provider/v4/pkg/version.Version=$K8S_PROVIDER_VERSION -X $chartutil.k8sVersionMajor=1 -X $chartutil.k8sVersionMinor=$minor" \
                -o "$cached.tmp" ./cmd/pulumi-resource-kubernetes
        )
        mv "$cached.tmp" "$cached"
    fi
    install_cached pulumi-resource-kubernetes "$cached"
    log "pulumi-resource-kubernetes: $K8S_PROVIDER_VERSION"
}

start=$SECONDS
setup_go
build_pulumi_cli
build_kubernetes_provider
log "engine toolchain ready in $TOOLS_BIN ($((SECONDS - start)) s)"
