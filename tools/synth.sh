#!/usr/bin/env bash
# The offline main job: `tools/synth.sh <stack>` (dev or prod) builds what is missing (the
# pinned Pulumi CLI and Kubernetes provider, our language host, the stub AWS provider, the
# stack program), then runs `pulumi up` for the stack on a local file backend (out/state):
#   - every Kubernetes object is rendered as YAML to out/<stack>/manifests/ (no cluster);
#   - AWS resources are checked and PLANNED against a stub provider that checks every input
#     against the official pulumi-aws SDK: nothing is created in AWS.
# Idempotent: a second run updates the same stack (normally with no changes).
set -euo pipefail
source "$(dirname "$0")/engine-env.sh"
source "$ROOT/tools/engine-stack.sh"

stack=${1:?usage: tools/synth.sh <stack>   (dev or prod)}
start=$SECONDS
build_stack_tools
setup_pulumi_env
prepare_stack "$stack" "$ROOT/out/$stack"
# The Kubernetes provider writes a manifest only when it creates or updates an object, so the
# render directory is kept between runs; when it has gone while the stack still has state, the
# (offline, fake) stack is destroyed first so that every object is rendered again.
if [ ! -d "$RENDER_DIR" ] && [ "$(resource_count "$stack")" -gt 0 ]; then
    log "${RENDER_DIR#"$ROOT"/} is missing: destroying the offline stack to render everything again"
    pulumi_op "$stack" destroy --yes --skip-preview >/dev/null
fi
log "pulumi up --stack $stack (local backend $PULUMI_BACKEND_URL)"
pulumi_op "$stack" up --yes --skip-preview
count=$(resource_count "$stack")
manifests=$(find "$RENDER_DIR" -type f 2>/dev/null | wc -l)
cat <<MSG

synth $stack: done in $((SECONDS - start)) s.
  state:      $count resources in $PULUMI_BACKEND_URL (stack $stack)
  manifests:  $manifests files in ${RENDER_DIR#"$ROOT"/}/
  AWS:        every AWS resource was PLANNED against the offline stub provider (inputs
              checked against the pulumi-aws $AWS_SDK_VERSION SDK); NOTHING was created in AWS.
              To deploy for real, see docs/engine.md.
MSG
