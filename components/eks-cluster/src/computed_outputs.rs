//! The outputs the AWS provider computes that EksCluster reads. A mock engine or a stub
//! provider must answer them on `pulumi up` (during a preview they may stay unknown).

use serde_json::{Map, Value, json};

/// The account id the [`example`] ARNs use.
pub const EXAMPLE_ACCOUNT: &str = "123456789012";

/// Each type token and the output properties read from it.
pub const READ: &[(&str, &[&str])] = &[
    ("aws:iam/role:Role", &["arn"]),
    ("aws:kms/key:Key", &["arn"]),
    (
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider",
        &["arn"],
    ),
    (
        "aws:eks/cluster:Cluster",
        &["endpoint", "certificateAuthority", "identities"],
    ),
    ("aws:ec2/launchTemplate:LaunchTemplate", &["latestVersion"]),
];

/// Plausible values of the [`READ`] outputs of resource `name` of `type_token` (empty for
/// other types), for tests and stub providers.
pub fn example(type_token: &str, name: &str) -> Map<String, Value> {
    let arn = |service: &str, resource: String| {
        json!(format!("arn:aws:{service}::{EXAMPLE_ACCOUNT}:{resource}"))
    };
    let pairs = match type_token {
        "aws:iam/role:Role" => vec![("arn", arn("iam", format!("role/{name}")))],
        "aws:kms/key:Key" => vec![("arn", arn("kms", format!("key/{name}")))],
        "aws:iam/openIdConnectProvider:OpenIdConnectProvider" => vec![(
            "arn",
            arn(
                "iam",
                format!("oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/{name}"),
            ),
        )],
        "aws:eks/cluster:Cluster" => vec![
            (
                "endpoint",
                json!(format!("https://{name}.gr7.eu-west-1.eks.amazonaws.com")),
            ),
            ("certificateAuthority", json!({"data": "Q0EtREFUQQ=="})),
            (
                "identities",
                json!([{"oidcs": [{"issuer": format!("https://oidc.eks.eu-west-1.amazonaws.com/id/{name}")}]}]),
            ),
        ],
        "aws:ec2/launchTemplate:LaunchTemplate" => vec![("latestVersion", json!(1))],
        _ => Vec::new(),
    };
    pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}
