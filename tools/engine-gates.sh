#!/usr/bin/env bash
# The real-engine gates, for each stack given (default: dev prod), on a throw-away local file
# backend (out/gates/state): `pulumi preview` passes; `pulumi up` passes; a second
# `pulumi preview --expect-no-changes` passes (the program is deterministic), also from a CI
# runner's view (the committed stack file, secrets from the environment through
# scripts/ci/stack-secrets.sh, the salt from the state); `pulumi destroy`
# passes and leaves the state empty. Prints resource counts and wall times; exits non-zero at
# the first failed gate. AWS resources go to the offline stub provider (nothing is created).
# Usage: tools/engine-gates.sh [stack...]
set -euo pipefail
source "$(dirname "$0")/engine-env.sh"
source "$ROOT/tools/engine-stack.sh"

stacks=("$@")
[ ${#stacks[@]} -gt 0 ] || stacks=(dev prod)
build_stack_tools
setup_pulumi_env
gates=$ROOT/out/gates
rm -rf "$gates"
mkdir -p "$gates/state"
export PULUMI_BACKEND_URL=file://$gates/state

summary=()
# gate STACK NAME ARGS...: runs one pulumi operation, timing it; fails the script on error.
gate() {
    local stack=$1 name=$2 t0=$SECONDS
    shift 2
    log "[$stack] $name"
    if ! pulumi_op "$stack" "$@" >"$gates/$stack-$name.log" 2>&1; then
        tail -n 60 "$gates/$stack-$name.log" >&2
        die "[$stack] gate '$name' failed (full log: ${gates#"$ROOT"/}/$stack-$name.log)"
    fi
    summary+=("$(printf '%-5s %-24s %4d s' "$stack" "$name" $((SECONDS - t0)))")
}

# chart_kind CHART: "vendor" or "stand-in", by the local chart the stack installed.
chart_kind() {
    if grep -q '^name: stand-in$' "$CHARTS_DIR/$1/Chart.yaml"; then echo stand-in; else echo vendor; fi
}

# check_charts STACK DIR: the Helm charts' objects are among the rendered manifests: the
# vendor's workloads, or for a stand-in the ConfigMap holding the values the stack passed.
check_charts() {
    local stack=$1 dir=$2 zone missing=()
    [ -n "$CHARTS_DIR" ] || return 0
    have() { [ -n "$(find "$dir" -name "$1" -print -quit)" ] || missing+=("$1"); }
    have 'apps_v1-deployment-cert-manager-cert-manager.yaml'
    have '*customresourcedefinition*certificates.cert-manager.io.yaml'
    have 'cert-manager.io_v1-clusterissuer-*-heartbeat-ca.yaml'
    if [ "$(chart_kind strimzi-kafka-operator)" = vendor ]; then
        have 'apps_v1-deployment-*-strimzi-cluster-operator.yaml'
        have '*customresourcedefinition*kafkas.kafka.strimzi.io.yaml'
    else
        have 'v1-configmap-*-strimzi-stand-in.yaml'
    fi
    local zones
    zones=$(find "$dir" -name 'v1-namespace-*yugabyte-*.yaml' | sed 's/.*yugabyte-\(.*\)\.yaml/\1/')
    [ -n "$zones" ] || missing+=("a namespace per YugabyteDB zone")
    for zone in $zones; do
        if [ "$(chart_kind yugabyte)" = vendor ]; then
            have "apps_v1-statefulset-yugabyte-$zone-yb-master.yaml"
            have "apps_v1-statefulset-yugabyte-$zone-yb-tserver.yaml"
        else
            have "v1-configmap-yugabyte-$zone-yb-$zone-stand-in.yaml"
            grep -q "placement_zone\":\"$zone\"" "$dir"/*/v1-configmap-yugabyte-"$zone"-*stand-in.yaml 2>/dev/null ||
                missing+=("zone $zone's chart values with placement_zone $zone")
        fi
    done
    [ ${#missing[@]} -eq 0 ] || die "[$stack] rendered manifests lack: ${missing[*]}"
    summary+=("$(printf '%-5s charts rendered: cert-manager %s, strimzi-kafka-operator %s, yugabyte %s (zones: %s)' \
        "$stack" "$(chart_kind cert-manager)" "$(chart_kind strimzi-kafka-operator)" "$(chart_kind yugabyte)" \
        "$(echo $zones)")")
}

# ci_runner_preview STACK WORKDIR: the workflow's path on a CI runner's fresh checkout: the
# committed stack file (no encryption salt, no secrets), the secrets put in by
# scripts/ci/stack-secrets.sh from the environment with the salt taken from the stack's state;
# then a preview must see no changes (the same secrets, decrypted with the same key).
ci_runner_preview() {
    local stack=$1 ci_file=$2/Pulumi.$stack.ci.yaml t0=$SECONDS
    cp "$ROOT/Pulumi.$stack.yaml" "$ci_file"
    local_settings "$stack" "$ci_file"
    if ! local_secrets bash "$ROOT/scripts/ci/stack-secrets.sh" "$stack" "$ci_file" >"$gates/$stack-ci-secrets.log" 2>&1 ||
        ! (cd "$ROOT" && pulumi preview --expect-no-changes --stack "$stack" --config-file "$ci_file" \
            --non-interactive) >>"$gates/$stack-ci-secrets.log" 2>&1; then
        tail -n 40 "$gates/$stack-ci-secrets.log" >&2
        die "[$stack] gate 'ci-runner-preview' failed (full log: ${gates#"$ROOT"/}/$stack-ci-secrets.log)"
    fi
    [ "$(grep '^encryptionsalt:' "$ci_file")" = "$(grep '^encryptionsalt:' "$CONFIG_FILE")" ] ||
        die "[$stack] the CI secrets were not encrypted with the stack's own salt"
    summary+=("$(printf '%-5s %-24s %4d s' "$stack" "ci-runner-preview" $((SECONDS - t0)))")
}

for stack in "${stacks[@]}"; do
    prepare_stack "$stack" "$gates/$stack"
    gate "$stack" preview preview
    gate "$stack" up up --yes --skip-preview
    created=$(resource_count "$stack")
    manifests=$(find "$RENDER_DIR" -type f | wc -l)
    check_charts "$stack" "$RENDER_DIR"
    gate "$stack" preview-no-changes preview --expect-no-changes
    ci_runner_preview "$stack" "$gates/$stack"
    gate "$stack" destroy destroy --yes --skip-preview
    left=$(resource_count "$stack")
    [ "$left" -eq 0 ] || die "[$stack] state not empty after destroy: $left resources left"
    summary+=("$(printf '%-5s resources after up: %d, Kubernetes manifests rendered: %d, after destroy: %d' \
        "$stack" "$created" "$manifests" "$left")")
done

echo
echo "engine gates passed:"
printf '  %s\n' "${summary[@]}"
