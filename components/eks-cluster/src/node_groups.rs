//! Managed node groups in the private subnets: the system pool and the stateful pool, sharing
//! one node role, each launched from its own launch template.
//!
//! The launch template carries what a node group without one would set itself, and what it
//! cannot: IMDSv2 required with a hop limit of 2 (AL2023 nodes default to a hop limit of 1,
//! which keeps pods off the instance metadata service; terraform-aws-modules/eks v20 sets 2 as
//! we do), the root volume (gp3, encrypted, `diskGib`) and the stack's tags on the instances,
//! their volumes and network interfaces (a node group's own tags stay on the node group). EKS
//! refuses `diskSize` on a node group with a launch template, so the size lives only here. The
//! template names no AMI, instance type, security group or user data: EKS still chooses the
//! AL2023 AMI of `amiType`, merges its bootstrap user data and attaches the cluster security
//! group.
//!
//! The root volume is encrypted with the account's default EBS key (`aws/ebs`, or the
//! customer-managed key the account sets as its EBS default), not the cluster's volumes key:
//! instances of a managed node group are launched by the `AWSServiceRoleForAutoScaling`
//! service-linked role, which may use a customer-managed key only when that key's policy
//! names it, and a key policy naming that role is refused in an account where the role does
//! not exist yet. Root volumes hold the OS, images and logs; the platform's data lives on
//! persistent volumes encrypted with the volumes key ([`crate::storage_class`]).

use std::collections::BTreeMap;

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

use crate::config::{NodePoolConfig, TaintEffect};
use crate::iam::{self, RoleWithPolicies};

/// The label every node carries with its pool's name (`system` or `stateful`).
pub const POOL_LABEL: &str = "heartbeat.io/node-pool";

/// The root device of the EKS-optimized AL2023 AMIs (x86_64 and arm64).
pub const ROOT_DEVICE: &str = "/dev/xvda";

/// The hop limit of IMDSv2 responses: 2 lets pods (one hop behind the node) reach it.
pub const METADATA_HOP_LIMIT: u32 = 2;

/// The EC2 resources launched from a node template that carry the stack's tags.
pub const TAGGED_RESOURCE_TYPES: [&str; 3] = ["instance", "volume", "network-interface"];

/// `aws:ec2/launchTemplate:LaunchTemplate` inputs (auto-named; no AMI, instance type or user
/// data: the node group supplies those).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchTemplate {
    /// What the template is for.
    pub description: String,
    /// Each change becomes the default version (the node group pins the latest anyway).
    pub update_default_version: bool,
    /// IMDSv2 only, reachable from pods.
    pub metadata_options: LaunchTemplateMetadataOptions,
    /// The root volume.
    pub block_device_mappings: Vec<LaunchTemplateBlockDeviceMapping>,
    /// Tags for what is launched from the template.
    pub tag_specifications: Vec<LaunchTemplateTagSpecification>,
    /// Tags of the template itself.
    pub tags: Tags,
}

impl AwsInputs for LaunchTemplate {
    const TYPE_TOKEN: &'static str = "aws:ec2/launchTemplate:LaunchTemplate";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `LaunchTemplateMetadataOptions`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchTemplateMetadataOptions {
    /// `enabled`.
    pub http_endpoint: String,
    /// `required`: IMDSv2 session tokens only.
    pub http_tokens: String,
    /// [`METADATA_HOP_LIMIT`].
    pub http_put_response_hop_limit: u32,
}

/// `LaunchTemplateBlockDeviceMapping`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchTemplateBlockDeviceMapping {
    /// [`ROOT_DEVICE`].
    pub device_name: String,
    /// The volume.
    pub ebs: LaunchTemplateBlockDeviceMappingEbs,
}

/// `LaunchTemplateBlockDeviceMappingEbs` (the SDK types the flags as strings).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchTemplateBlockDeviceMappingEbs {
    /// GiB.
    pub volume_size: u32,
    /// `gp3`.
    pub volume_type: String,
    /// `"true"`: with the account's default EBS key.
    pub encrypted: String,
    /// `"true"`: the volume goes with its node.
    pub delete_on_termination: String,
}

/// `LaunchTemplateTagSpecification`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LaunchTemplateTagSpecification {
    /// `instance`, `volume` or `network-interface`.
    pub resource_type: String,
    /// The tags.
    pub tags: Tags,
}

/// `NodeGroupLaunchTemplate`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupLaunchTemplate {
    /// The template's id.
    pub id: Output<String>,
    /// The template version (its latest, so a change rolls the nodes).
    pub version: Output<String>,
}

/// `aws:eks/nodeGroup:NodeGroup` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroup {
    /// The cluster.
    pub cluster_name: Output<String>,
    /// The nodes' IAM role.
    pub node_role_arn: Output<String>,
    /// The private subnets.
    pub subnet_ids: Vec<Output<String>>,
    /// Minimum, desired and maximum node counts.
    pub scaling_config: NodeGroupScalingConfig,
    /// EC2 instance types, first preferred.
    pub instance_types: Vec<String>,
    /// `AL2023_x86_64_STANDARD` or `AL2023_ARM_64_STANDARD`, from the instance types.
    pub ami_type: String,
    /// `ON_DEMAND`.
    pub capacity_type: String,
    /// The pool's launch template (root volume, IMDS, tags); no `diskSize` with it.
    pub launch_template: NodeGroupLaunchTemplate,
    /// The Kubernetes minor version (the cluster's).
    pub version: String,
    /// Node labels.
    pub labels: BTreeMap<String, String>,
    /// Node taints.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<NodeGroupTaint>,
    /// Rolling updates replace one node at a time.
    pub update_config: NodeGroupUpdateConfig,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for NodeGroup {
    const TYPE_TOKEN: &'static str = "aws:eks/nodeGroup:NodeGroup";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `NodeGroupScalingConfig`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupScalingConfig {
    /// Minimum nodes.
    pub min_size: u32,
    /// Nodes at creation (the autoscaler owns it afterwards).
    pub desired_size: u32,
    /// Maximum nodes.
    pub max_size: u32,
}

/// `NodeGroupTaint`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupTaint {
    /// The key.
    pub key: String,
    /// The value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The effect.
    pub effect: TaintEffect,
}

/// `NodeGroupUpdateConfig`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeGroupUpdateConfig {
    /// Nodes replaced at once.
    pub max_unavailable: u32,
}

/// The node role: EC2 may assume it, with the worker-node and image-pull policies. The CNI
/// policy is not here: vpc-cni has its own IRSA role.
pub fn node_role(scope: &ComponentScope) -> RoleWithPolicies {
    RoleWithPolicies::new(
        scope,
        "node-role",
        "EKS managed node groups",
        Output::new(iam::service_trust_policy("ec2.amazonaws.com")),
        &[
            iam::managed_policy("AmazonEKSWorkerNodePolicy"),
            iam::managed_policy("AmazonEC2ContainerRegistryPullOnly"),
        ],
    )
}

/// Whether an instance type is an AWS Graviton (arm64) type: a `g` among the letters after
/// the generation digit (`m7g.large`, `r6gd.xlarge`; not `g5.xlarge`).
pub fn is_graviton(instance_type: &str) -> bool {
    let family = instance_type.split('.').next().unwrap_or_default();
    family
        .find(|c: char| c.is_ascii_digit())
        .is_some_and(|digit| family[digit..].contains('g'))
}

/// The AMI type for a pool of `instance_types` (validation keeps them one architecture).
pub fn ami_type(instance_types: &[String]) -> &'static str {
    if instance_types.first().is_some_and(|t| is_graviton(t)) {
        "AL2023_ARM_64_STANDARD"
    } else {
        "AL2023_x86_64_STANDARD"
    }
}

/// What a node group is built from.
pub struct NodeGroupInputs<'a> {
    /// `system` or `stateful`.
    pub pool: &'a str,
    /// The pool's config.
    pub config: &'a NodePoolConfig,
    /// The cluster's name output (the group depends on the cluster through it).
    pub cluster_name: &'a Output<String>,
    /// The Kubernetes version.
    pub version: &'a str,
    /// The private subnet ids.
    pub private_subnet_ids: &'a [Output<String>],
    /// The node role.
    pub role: &'a RoleWithPolicies,
    /// What must exist before nodes start (the role's attachments, the CNI add-on).
    pub after: &'a [CustomResource],
}

/// Registers the launch template of pool `pool`: IMDSv2 required with hop limit 2, an
/// encrypted gp3 root volume of `disk_gib`, and `tags` on the instances, volumes and network
/// interfaces launched from it.
pub fn launch_template(
    scope: &ComponentScope,
    pool: &str,
    disk_gib: u32,
    tags: &Tags,
) -> CustomResource {
    scope.aws(
        &format!("{pool}-nodes-template"),
        LaunchTemplate {
            description: format!("EKS managed node group {pool}: IMDSv2, encrypted gp3 root"),
            update_default_version: true,
            metadata_options: LaunchTemplateMetadataOptions {
                http_endpoint: "enabled".into(),
                http_tokens: "required".into(),
                http_put_response_hop_limit: METADATA_HOP_LIMIT,
            },
            block_device_mappings: vec![LaunchTemplateBlockDeviceMapping {
                device_name: ROOT_DEVICE.into(),
                ebs: LaunchTemplateBlockDeviceMappingEbs {
                    volume_size: disk_gib,
                    volume_type: "gp3".into(),
                    encrypted: "true".into(),
                    delete_on_termination: "true".into(),
                },
            }],
            tag_specifications: TAGGED_RESOURCE_TYPES
                .iter()
                .map(|resource_type| LaunchTemplateTagSpecification {
                    resource_type: (*resource_type).into(),
                    tags: tags.clone(),
                })
                .collect(),
            tags: Tags::new(),
        },
    )
}

/// Registers a managed node group launched from its own [`launch_template`]; the
/// autoscaler's changes to the desired size are kept.
pub fn register(scope: &ComponentScope, inputs: NodeGroupInputs<'_>) -> CustomResource {
    let config = inputs.config;
    let part = format!("{}-nodes", inputs.pool);
    let template = launch_template(scope, inputs.pool, config.disk_gib, &scope.tags(&part));
    let mut labels = config.labels.clone();
    labels.insert(POOL_LABEL.into(), inputs.pool.into());
    let mut options = scope
        .child_options()
        .ignore_changes(["scalingConfig.desiredSize"]);
    for resource in inputs.role.attachments.iter().chain(inputs.after) {
        options = options.depends_on(resource);
    }
    scope.aws_with(
        &part,
        NodeGroup {
            cluster_name: inputs.cluster_name.clone(),
            node_role_arn: inputs.role.arn(),
            subnet_ids: inputs.private_subnet_ids.to_vec(),
            scaling_config: NodeGroupScalingConfig {
                min_size: config.min,
                desired_size: config.desired,
                max_size: config.max,
            },
            instance_types: config.instance_types.clone(),
            ami_type: ami_type(&config.instance_types).into(),
            capacity_type: "ON_DEMAND".into(),
            launch_template: NodeGroupLaunchTemplate {
                id: template.id(),
                version: template
                    .output::<u64>("latestVersion")
                    .map(|version| version.to_string()),
            },
            version: inputs.version.to_owned(),
            labels,
            taints: config
                .taints
                .iter()
                .map(|t| NodeGroupTaint {
                    key: t.key.clone(),
                    value: t.value.clone(),
                    effect: t.effect,
                })
                .collect(),
            update_config: NodeGroupUpdateConfig { max_unavailable: 1 },
            tags: Tags::new(),
        },
        options,
    )
}
