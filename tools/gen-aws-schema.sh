#!/usr/bin/env bash
# Generates .tools/<package>-schema.json for the stub providers (programs/stub-aws-provider):
# the property names and types of every resource in the official Go SDKs of pulumi-aws
# ($AWS_SDK_MODULE@$AWS_SDK_VERSION) and pulumi-cloudflare ($CLOUDFLARE_SDK_MODULE@...), the
# packages the stack program declares. The SDK source comes from the Go module proxy and is
# read with go/parser by tools/aws-schema; it is never compiled. Idempotent: skipped when the
# schema for this SDK version and extractor source is already there.
# Usage: tools/gen-aws-schema.sh
set -euo pipefail
source "$(dirname "$0")/engine-env.sh"
setup_go
# The module proxy's checksum database does not answer for pulumi-cloudflare's SDK; its zip is
# still served (and only read, never built).
export GONOSUMDB=${GONOSUMDB:+$GONOSUMDB,}$CLOUDFLARE_SDK_MODULE

schema() {
    local package=$1 module=$2 version=$3
    local out=$ROOT/.tools/$package-schema.json stamp=$ROOT/.tools/$package-schema.stamp
    local want sdk
    want="$module@$version $(cksum <"$ROOT/tools/aws-schema/main.go")"
    if [ -s "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
        log "$package schema: up to date ($out)"
        return
    fi
    sdk=$(cd "$CACHE" && go mod download -json "$module@$version" |
        sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
    [ -d "$sdk" ] || die "could not download $module@$version from the Go module proxy"
    (cd "$ROOT/tools/aws-schema" &&
        go run . -package "$package" -sdk "$sdk" -version "${version#v}" -out "$out.tmp")
    mv "$out.tmp" "$out"
    echo "$want" >"$stamp"
}

schema aws "$AWS_SDK_MODULE" "$AWS_SDK_VERSION"
schema cloudflare "$CLOUDFLARE_SDK_MODULE" "$CLOUDFLARE_SDK_VERSION"
