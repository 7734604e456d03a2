//! The cluster's kubeconfig: the endpoint and CA, with credentials from `aws eks get-token`.

use pulumi_runtime::{Output, all};
use serde_json::json;

/// The kubeconfig (JSON, which is YAML) of cluster `name` at `endpoint` with CA `ca_data`
/// (base64) in `region`, as a secret.
pub fn kubeconfig(
    name: &Output<String>,
    endpoint: &Output<String>,
    ca_data: &Output<String>,
    region: &str,
) -> Output<String> {
    let region = region.to_owned();
    all([name.clone(), endpoint.clone(), ca_data.clone()])
        .map(move |parts| render(&parts[0], &parts[1], &parts[2], &region))
        .into_secret()
}

/// The kubeconfig document for the given, known values.
pub fn render(name: &str, endpoint: &str, ca_data: &str, region: &str) -> String {
    json!({
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{
            "name": name,
            "cluster": {"server": endpoint, "certificate-authority-data": ca_data},
        }],
        "contexts": [{"name": name, "context": {"cluster": name, "user": name}}],
        "current-context": name,
        "users": [{
            "name": name,
            "user": {"exec": {
                "apiVersion": "client.authentication.k8s.io/v1beta1",
                "command": "aws",
                "args": ["eks", "get-token", "--cluster-name", name, "--region", region, "--output", "json"],
                "interactiveMode": "Never",
            }},
        }],
    })
    .to_string()
}
