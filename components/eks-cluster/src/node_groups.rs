//! Managed node groups in the private subnets: the system pool and the stateful pool, sharing
//! one node role.

use std::collections::BTreeMap;

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

use crate::config::{NodePoolConfig, TaintEffect};
use crate::iam::{self, RoleWithPolicies};

/// The label every node carries with its pool's name (`system` or `stateful`).
pub const POOL_LABEL: &str = "heartbeat.io/node-pool";

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
    /// Root disk size, GiB.
    pub disk_size: u32,
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

/// Registers a managed node group; the autoscaler's changes to the desired size are kept.
pub fn register(scope: &ComponentScope, inputs: NodeGroupInputs<'_>) -> CustomResource {
    let config = inputs.config;
    let mut labels = config.labels.clone();
    labels.insert(POOL_LABEL.into(), inputs.pool.into());
    let mut options = scope
        .child_options()
        .ignore_changes(["scalingConfig.desiredSize"]);
    for resource in inputs.role.attachments.iter().chain(inputs.after) {
        options = options.depends_on(resource);
    }
    scope.aws_with(
        &format!("{}-nodes", inputs.pool),
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
            disk_size: config.disk_gib,
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
