#!/usr/bin/env bash
# Fails a CI job early, with the fix, when the runner cannot reach the stack's Kubernetes API:
# a private endpoint is reachable only from inside the VPC (the stack's self-hosted runner,
# launched in a private subnet with the `apiClientsSecurityGroupId` output's security group) or
# from `eks.apiAccessCidrs`; a public one only from `eks.publicAccessCidrs`. Without this, every
# Kubernetes resource of a preview or up would fail one by one after long timeouts.
# Any HTTP answer (401 and 403 included) proves the network path; no answer fails the job.
# A stack with no cluster yet (first deploy) passes: there is nothing to reach.
# Needs the AWS CLI, which the kubeconfig the stack builds runs (`aws eks get-token`).
# Usage: scripts/ci/check-cluster-access.sh STACK
#   CLUSTER_ENDPOINT overrides the stack output (for tests).
set -euo pipefail
stack=${1:?usage: check-cluster-access.sh STACK}
runner=${RUNNER_NAME:-$(hostname)}
fail() {
    echo "::error title=cluster API unreachable::$*"
    exit 1
}

endpoint=${CLUSTER_ENDPOINT:-}
if [ -z "$endpoint" ]; then
    outputs=$(pulumi stack output --json --stack "$stack" --non-interactive) ||
        fail "cannot read the outputs of stack $stack (is the backend $PULUMI_BACKEND_URL reachable and the stack initialised? see docs/engine.md)"
    endpoint=$(python3 -c 'import json, sys; print(json.load(sys.stdin).get("clusterEndpoint") or "")' <<<"$outputs")
fi
if [ -z "$endpoint" ]; then
    echo "stack $stack has no cluster yet (no clusterEndpoint output): nothing to reach"
    exit 0
fi
command -v aws >/dev/null ||
    fail "the AWS CLI is not installed on runner $runner; the stack's kubeconfig runs 'aws eks get-token'"
code=$(curl --silent --insecure --connect-timeout 10 --max-time 20 --output /dev/null \
    --write-out '%{http_code}' "$endpoint/livez" || true)
case "$code" in
    "" | 000)
        fail "runner $runner cannot reach the Kubernetes API of stack $stack ($endpoint). Run this job on the stack's self-hosted runner inside the VPC (label heartbeat-$stack), launched with the security group of the stack output apiClientsSecurityGroupId, or list the runner's range in eks.apiAccessCidrs; see docs/aws.md#the-deploy-path"
        ;;
    *) echo "stack $stack: Kubernetes API $endpoint answers HTTP $code from runner $runner" ;;
esac
