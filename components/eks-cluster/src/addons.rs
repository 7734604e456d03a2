//! EKS managed add-ons: vpc-cni and kube-proxy before the nodes start, coredns and the EBS CSI
//! driver once they run. vpc-cni and the EBS CSI driver act through their own IRSA roles.
//!
//! vpc-cni enforces Kubernetes NetworkPolicies ([`VPC_CNI_CONFIGURATION`]): the add-on then
//! runs the network policy agent (`aws-network-policy-agent`, eBPF) as a second container of
//! every `aws-node` pod, and EKS's control plane runs the policy controller. Without it the
//! platform's NetworkPolicies are accepted by the API server and enforced by nothing. The
//! add-on version is EKS's default for the cluster version (network policies need vpc-cni
//! 1.14 or later, which every supported EKS version's default is; AL2023's 6.1 kernel meets
//! the agent's 5.10 minimum).

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

/// The configuration of ours for add-on `addon_name`, if any (`configurationValues`, checked
/// by EKS against the add-on version's schema).
pub fn configuration(addon_name: &str) -> Option<String> {
    match addon_name {
        "vpc-cni" => Some(VPC_CNI_CONFIGURATION.to_string()),
        _ => None,
    }
}

/// vpc-cni's configuration: NetworkPolicy enforcement on (the schema types the flag as a
/// string).
pub const VPC_CNI_CONFIGURATION: &str = r#"{"enableNetworkPolicy":"true"}"#;

/// `aws:eks/addon:Addon` inputs (the version is EKS's default for the cluster version).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Addon {
    /// The cluster.
    pub cluster_name: Output<String>,
    /// `vpc-cni`, `coredns`, `kube-proxy`, `aws-ebs-csi-driver`.
    pub addon_name: String,
    /// The IRSA role of the add-on's service account.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_account_role_arn: Option<Output<String>>,
    /// The add-on's settings (JSON), if not EKS's defaults ([`configuration`]).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub configuration_values: Option<String>,
    /// `OVERWRITE`: take over the settings of anything installed before.
    pub resolve_conflicts_on_create: String,
    /// `PRESERVE`: keep changes made in the cluster on upgrades.
    pub resolve_conflicts_on_update: String,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for Addon {
    const TYPE_TOKEN: &'static str = "aws:eks/addon:Addon";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// Registers add-on `name`, after `after`.
pub fn register(
    scope: &ComponentScope,
    cluster_name: &Output<String>,
    name: &str,
    role_arn: Option<Output<String>>,
    after: &[&CustomResource],
) -> CustomResource {
    let mut options = scope.child_options();
    for resource in after {
        options = options.depends_on(*resource);
    }
    scope.aws_with(
        name,
        Addon {
            cluster_name: cluster_name.clone(),
            addon_name: name.to_owned(),
            service_account_role_arn: role_arn,
            configuration_values: configuration(name),
            resolve_conflicts_on_create: "OVERWRITE".into(),
            resolve_conflicts_on_update: "PRESERVE".into(),
            tags: Tags::new(),
        },
        options,
    )
}
