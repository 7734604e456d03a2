#!/usr/bin/env bash
# The real-engine gates, for each stack given (default: dev prod), on a throw-away local file
# backend (out/gates/state): `pulumi preview` passes; `pulumi up` passes; a second
# `pulumi preview --expect-no-changes` passes (the program is deterministic); `pulumi destroy`
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

for stack in "${stacks[@]}"; do
    prepare_stack "$stack" "$gates/$stack"
    gate "$stack" preview preview
    gate "$stack" up up --yes --skip-preview
    created=$(resource_count "$stack")
    manifests=$(find "$RENDER_DIR" -type f | wc -l)
    gate "$stack" preview-no-changes preview --expect-no-changes
    gate "$stack" destroy destroy --yes --skip-preview
    left=$(resource_count "$stack")
    [ "$left" -eq 0 ] || die "[$stack] state not empty after destroy: $left resources left"
    summary+=("$(printf '%-5s resources after up: %d, Kubernetes manifests rendered: %d, after destroy: %d' \
        "$stack" "$created" "$manifests" "$left")")
done

echo
echo "engine gates passed:"
printf '  %s\n' "${summary[@]}"
