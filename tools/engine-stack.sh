# Shared steps of tools/synth.sh and tools/engine-gates.sh: sourced after engine-env.sh.
# A stack's config is never written into the committed Pulumi.<stack>.yaml: each run copies it
# to <workdir>/Pulumi.<stack>.yaml, adds the local encryption salt, the database password
# (a fixed local value) and the render directory, and passes that file with --config-file.

# Builds whatever is missing: the engine toolchain, the AWS schema, and the release binaries
# that Pulumi.yaml and the engine run (always into $ROOT/target, the path Pulumi.yaml names).
build_stack_tools() {
    bash "$ROOT/tools/build-engine.sh"
    bash "$ROOT/tools/gen-aws-schema.sh"
    # Local copies of the Helm charts (tools/charts.sh), unless HEARTBEAT_CHARTS_ONLINE=1 lets
    # the kubernetes provider fetch the pinned charts from the vendors' repositories.
    CHARTS_DIR=""
    [ "${HEARTBEAT_CHARTS_ONLINE:-0}" = 1 ] || CHARTS_DIR=$(bash "$ROOT/tools/charts.sh")
    log "cargo build --release -p heartbeat-stack -p pulumi-language-rust -p stub-aws-provider"
    (cd "$ROOT" && CARGO_TARGET_DIR=$ROOT/target cargo build --release --quiet \
        -p heartbeat-stack -p pulumi-language-rust -p stub-aws-provider)
    export HEARTBEAT_AWS_SCHEMA=$ROOT/.tools/aws-schema.json
    export HEARTBEAT_CLOUDFLARE_SCHEMA=$ROOT/.tools/cloudflare-schema.json
}

# stack_exists STACK: whether the backend has the stack.
stack_exists() {
    (cd "$ROOT" && pulumi stack ls --json 2>/dev/null) | grep -q "\"name\": \"$1\""
}

# prepare_stack STACK WORKDIR: ensures the stack exists in the backend and writes its config
# file; sets CONFIG_FILE.
prepare_stack() {
    local stack=$1 workdir=$2 salt=""
    CONFIG_FILE=$workdir/Pulumi.$stack.yaml
    mkdir -p "$workdir"
    [ -f "$ROOT/Pulumi.$stack.yaml" ] || die "no Pulumi.$stack.yaml in $ROOT: stacks are dev and prod"
    if stack_exists "$stack" && [ -f "$CONFIG_FILE" ]; then
        salt=$(grep '^encryptionsalt:' "$CONFIG_FILE" || true)
    fi
    if [ -z "$salt" ]; then
        # Create the stack from a scratch copy of the project, so that the salt `stack init`
        # writes lands there and not in the committed stack file.
        local scratch=$workdir/init
        rm -rf "$scratch" && mkdir -p "$scratch" && cp "$ROOT/Pulumi.yaml" "$scratch/"
        if stack_exists "$stack"; then
            log "stack $stack exists without its local config: recreating it"
            (cd "$scratch" && pulumi stack rm "$stack" --force --yes --non-interactive >/dev/null)
        fi
        (cd "$scratch" && pulumi stack init "$stack" --secrets-provider passphrase --non-interactive >/dev/null)
        salt=$(grep '^encryptionsalt:' "$scratch/Pulumi.$stack.yaml")
        rm -rf "$scratch"
    fi
    { echo "$salt"; cat "$ROOT/Pulumi.$stack.yaml"; } >"$CONFIG_FILE"
    RENDER_DIR=$workdir/manifests
    local_settings "$stack" "$CONFIG_FILE"
    # The secrets arrive as the workflow's do: from the environment, through its script.
    local_secrets bash "$ROOT/scripts/ci/stack-secrets.sh" "$stack" "$CONFIG_FILE" >/dev/null
}

# local_secrets COMMAND...: runs COMMAND with the offline, local-only values of the stack's
# secrets in the variables scripts/ci/stack-secrets.sh reads.
local_secrets() {
    (cd "$ROOT" &&
        DATABASE_PASSWORD=offline-synth-local-only-databasePassword \
            DATABASE_ADMIN_PASSWORD=offline-synth-local-only-databaseAdminPassword "$@")
}

# local_settings STACK FILE: the offline-only settings in config file FILE: render to
# $RENDER_DIR instead of a cluster, and the local chart copies.
local_settings() {
    local stack=$1 file=$2 key
    (
        cd "$ROOT"
        pulumi config set heartbeat-platform:kubernetesRenderDirectory "${RENDER_DIR#"$ROOT"/}" \
            --stack "$stack" --config-file "$file" --non-interactive
        for key in kafka.operatorChartPath:strimzi-kafka-operator yugabyte.chartPath:yugabyte \
            certManager.chartPath:cert-manager; do
            [ -n "$CHARTS_DIR" ] || break
            pulumi config set --path "heartbeat-platform:${key%%:*}" "$CHARTS_DIR/${key#*:}" \
                --stack "$stack" --config-file "$file" --non-interactive
        done
    )
}

# pulumi_op STACK ARGS...: runs a pulumi operation on the stack with its config file.
pulumi_op() {
    local stack=$1
    shift
    (cd "$ROOT" && pulumi "$@" --stack "$stack" --config-file "$CONFIG_FILE" --non-interactive)
}

# resource_count STACK: the number of resources in the stack's state.
resource_count() {
    (cd "$ROOT" && pulumi stack export --stack "$1" --non-interactive) |
        python3 -c 'import json,sys; print(len(json.load(sys.stdin)["deployment"].get("resources") or []))'
}
