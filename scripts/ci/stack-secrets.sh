#!/usr/bin/env bash
# Puts a stack's secrets into its config for one CI run, from environment variables that the
# workflow fills from the GitHub environment's secrets; nothing is committed, nothing is echoed.
#   DATABASE_PASSWORD        -> heartbeat-platform:databasePassword       (required)
#   DATABASE_ADMIN_PASSWORD  -> heartbeat-platform:databaseAdminPassword  (required)
#   INGEST_API_KEYS          -> heartbeat-platform:ingestApiKeys          (optional)
#   CLOUDFLARE_API_TOKEN     -> heartbeat-platform:cloudflareApiToken     (optional)
# Values are encrypted with the stack's own secrets provider: the `encryptionsalt` of the stack
# file when it is committed, else the one in the stack's state
# (PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER), so the passphrase (PULUMI_CONFIG_PASSPHRASE) is
# the only secret CI needs besides the values. Values go to `pulumi config set` on standard
# input, never on a command line. Every missing variable is reported at once.
# Usage: scripts/ci/stack-secrets.sh STACK [CONFIG_FILE]   (default: Pulumi.STACK.yaml)
set -euo pipefail
stack=${1:?usage: stack-secrets.sh STACK [CONFIG_FILE]}
file=${2:-Pulumi.$stack.yaml}
export PULUMI_FALLBACK_TO_STATE_SECRETS_MANAGER=true

missing=()
for pair in DATABASE_PASSWORD:databasePassword:required \
    DATABASE_ADMIN_PASSWORD:databaseAdminPassword:required \
    INGEST_API_KEYS:ingestApiKeys:optional CLOUDFLARE_API_TOKEN:cloudflareApiToken:optional; do
    IFS=: read -r variable key need <<<"$pair"
    if [ -z "${!variable:-}" ]; then
        [ "$need" = optional ] || missing+=("$variable (for heartbeat-platform:$key)")
        continue
    fi
    printf '%s' "${!variable}" | pulumi config set --secret "heartbeat-platform:$key" \
        --stack "$stack" --config-file "$file" --non-interactive
    echo "stack $stack: heartbeat-platform:$key set as a secret from \$$variable"
done
if [ ${#missing[@]} -gt 0 ]; then
    for variable in "${missing[@]}"; do
        echo "::error title=missing stack secret::$variable is empty: add it to the GitHub environment of stack $stack (Settings > Environments), see docs/engine.md#deploying-for-real"
    done
    exit 1
fi
