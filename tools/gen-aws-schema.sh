#!/usr/bin/env bash
# Generates .tools/aws-schema.json, the property names and types of every resource in the
# official pulumi-aws Go SDK ($AWS_SDK_MODULE@$AWS_SDK_VERSION), for the stub AWS provider
# (programs/stub-aws-provider). The SDK source comes from the Go module proxy and is read with
# go/parser by tools/aws-schema; it is never compiled. Idempotent: skipped when the schema for
# this SDK version and extractor source is already there. Usage: tools/gen-aws-schema.sh
set -euo pipefail
source "$(dirname "$0")/engine-env.sh"
setup_go

out=$ROOT/.tools/aws-schema.json
stamp=$ROOT/.tools/aws-schema.stamp
want="$AWS_SDK_MODULE@$AWS_SDK_VERSION $(cat "$ROOT/tools/aws-schema/main.go" | cksum)"
if [ -s "$out" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$want" ]; then
    log "aws schema: up to date ($out)"
    exit 0
fi
sdk=$(cd "$CACHE" && go mod download -json "$AWS_SDK_MODULE@$AWS_SDK_VERSION" |
    sed -n 's/^\t"Dir": "\(.*\)",$/\1/p')
[ -d "$sdk" ] || die "could not download $AWS_SDK_MODULE@$AWS_SDK_VERSION from the Go module proxy"
(cd "$ROOT/tools/aws-schema" && go run . -sdk "$sdk" -version "${AWS_SDK_VERSION#v}" -out "$out.tmp")
mv "$out.tmp" "$out"
echo "$want" >"$stamp"
