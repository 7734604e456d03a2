//! EKS managed add-ons: vpc-cni and kube-proxy before the nodes start, coredns and the EBS CSI
//! driver once they run. vpc-cni and the EBS CSI driver act through their own IRSA roles.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

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
            resolve_conflicts_on_create: "OVERWRITE".into(),
            resolve_conflicts_on_update: "PRESERVE".into(),
            tags: Tags::new(),
        },
        options,
    )
}
