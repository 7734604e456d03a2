//! The EKS control plane: its IAM role, the cluster itself, and the access entries of its
//! admins and viewers.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output, OutputError};
use serde::{Deserialize, Serialize};

use crate::config::{EksConfig, SupportType};
use crate::iam::{self, PolicyDocument, RoleWithPolicies};
use crate::preview_access::PREVIEWERS_GROUP;

/// The control-plane log streams sent to CloudWatch Logs: all of them.
pub const CONTROL_PLANE_LOGS: [&str; 5] = [
    "api",
    "audit",
    "authenticator",
    "controllerManager",
    "scheduler",
];

/// The EKS access policy given to admins.
pub const CLUSTER_ADMIN_POLICY: &str =
    "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy";

/// What an access entry lets its principal do, cluster-wide.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccessLevel {
    /// [`CLUSTER_ADMIN_POLICY`].
    Admin,
    /// Member of [`PREVIEWERS_GROUP`]: read everything, write only as a dry run
    /// ([`crate::preview_access`]).
    Viewer,
}

impl AccessLevel {
    /// The EKS access policy associated with the entry, if any.
    pub fn policy_arn(self) -> Option<&'static str> {
        match self {
            Self::Admin => Some(CLUSTER_ADMIN_POLICY),
            Self::Viewer => None,
        }
    }

    /// The Kubernetes groups of the entry, which RBAC bindings name.
    pub fn kubernetes_groups(self) -> Vec<String> {
        match self {
            Self::Admin => Vec::new(),
            Self::Viewer => vec![PREVIEWERS_GROUP.into()],
        }
    }

    /// The part name prefix of its access entries (`admin-0`, `viewer-0`).
    pub fn part(self) -> &'static str {
        match self {
            Self::Admin => "admin",
            Self::Viewer => "viewer",
        }
    }
}

/// `aws:eks/cluster:Cluster` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Cluster {
    /// The cluster name (also in the subnets' discovery tags).
    pub name: String,
    /// The control plane's IAM role.
    pub role_arn: Output<String>,
    /// The Kubernetes minor version.
    pub version: String,
    /// Where the control plane's network interfaces go and who reaches the API.
    pub vpc_config: ClusterVpcConfig,
    /// Envelope encryption of Kubernetes secrets.
    pub encryption_config: ClusterEncryptionConfig,
    /// The control-plane logs sent to CloudWatch Logs.
    pub enabled_cluster_log_types: Vec<String>,
    /// The Kubernetes service range.
    pub kubernetes_network_config: ClusterKubernetesNetworkConfig,
    /// Authentication through access entries.
    pub access_config: ClusterAccessConfig,
    /// Off: vpc-cni, coredns and kube-proxy come as managed add-ons instead.
    pub bootstrap_self_managed_addons: bool,
    /// Standard or extended support at the end of the version's standard support.
    pub upgrade_policy: ClusterUpgradePolicy,
    /// Tags.
    pub tags: Tags,
}

/// `ClusterUpgradePolicy`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterUpgradePolicy {
    /// `STANDARD` or `EXTENDED`.
    pub support_type: SupportType,
}

impl AwsInputs for Cluster {
    const TYPE_TOKEN: &'static str = "aws:eks/cluster:Cluster";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:cloudwatch/logGroup:LogGroup` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LogGroup {
    /// The group EKS writes to: `/aws/eks/<cluster>/cluster`.
    pub name: String,
    /// Days the logs are kept (EKS's own group would keep them forever).
    pub retention_in_days: u32,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for LogGroup {
    const TYPE_TOKEN: &'static str = "aws:cloudwatch/logGroup:LogGroup";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `ClusterVpcConfig`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterVpcConfig {
    /// Where the control-plane network interfaces go: the private subnets only (load
    /// balancers find their subnets by tag, not through this list).
    pub subnet_ids: Vec<Output<String>>,
    /// Extra security groups on the control-plane interfaces (only there, not on nodes).
    pub security_group_ids: Vec<Output<String>>,
    /// The API is reachable from inside the VPC.
    pub endpoint_private_access: bool,
    /// The API is reachable from the internet (only from `public_access_cidrs`).
    pub endpoint_public_access: bool,
    /// The ranges allowed to reach a public endpoint.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub public_access_cidrs: Vec<String>,
}

/// `ClusterEncryptionConfig`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEncryptionConfig {
    /// The key.
    pub provider: ClusterEncryptionConfigProvider,
    /// What is encrypted: `secrets`.
    pub resources: Vec<String>,
}

/// `ClusterEncryptionConfigProvider`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterEncryptionConfigProvider {
    /// The KMS key's ARN.
    pub key_arn: Output<String>,
}

/// `ClusterKubernetesNetworkConfig`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterKubernetesNetworkConfig {
    /// The Kubernetes service range.
    pub service_ipv4_cidr: String,
}

/// `ClusterAccessConfig`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterAccessConfig {
    /// `API`: access entries only, no `aws-auth` ConfigMap.
    pub authentication_mode: String,
    /// The identity running Pulumi stays admin, so the stack's kubernetes provider works.
    pub bootstrap_cluster_creator_admin_permissions: bool,
}

/// `aws:eks/accessEntry:AccessEntry` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessEntry {
    /// The cluster.
    pub cluster_name: Output<String>,
    /// The IAM role or user.
    pub principal_arn: String,
    /// `STANDARD`.
    #[serde(rename = "type")]
    pub entry_type: String,
    /// The Kubernetes groups the principal is in (RBAC bindings name them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub kubernetes_groups: Vec<String>,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for AccessEntry {
    const TYPE_TOKEN: &'static str = "aws:eks/accessEntry:AccessEntry";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:eks/accessPolicyAssociation:AccessPolicyAssociation` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessPolicyAssociation {
    /// The cluster.
    pub cluster_name: Output<String>,
    /// The IAM role or user of the access entry.
    pub principal_arn: String,
    /// The EKS access policy.
    pub policy_arn: String,
    /// Where it applies.
    pub access_scope: AccessPolicyAssociationAccessScope,
}

impl AwsInputs for AccessPolicyAssociation {
    const TYPE_TOKEN: &'static str = "aws:eks/accessPolicyAssociation:AccessPolicyAssociation";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// `AccessPolicyAssociationAccessScope`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccessPolicyAssociationAccessScope {
    /// `cluster`.
    #[serde(rename = "type")]
    pub scope_type: String,
}

/// The cluster role: EKS may assume it, with `AmazonEKSClusterPolicy` and use of the secrets
/// key, nothing more.
pub fn cluster_role(scope: &ComponentScope, key_arn: &Output<String>) -> RoleWithPolicies {
    let mut role = RoleWithPolicies::new(
        scope,
        "cluster-role",
        "EKS control plane",
        Output::new(iam::service_trust_policy("eks.amazonaws.com")),
        &[iam::managed_policy("AmazonEKSClusterPolicy")],
    );
    role.add_inline(
        scope,
        "cluster-role-secrets-key",
        key_arn.map(|arn| {
            PolicyDocument::new(vec![iam::allow(
                &[
                    "kms:Encrypt",
                    "kms:Decrypt",
                    "kms:ListGrants",
                    "kms:DescribeKey",
                ],
                &arn,
            )])
        }),
    );
    role
}

/// What the cluster is built from.
pub struct ClusterInputs<'a> {
    /// The cluster name.
    pub name: &'a str,
    /// The config section.
    pub config: &'a EksConfig,
    /// The control plane's role.
    pub role: &'a RoleWithPolicies,
    /// The secrets key.
    pub key_arn: Output<String>,
    /// The private subnet ids.
    pub private_subnet_ids: Vec<Output<String>>,
    /// The extra security groups of the control-plane interfaces: the network's baseline and
    /// the API endpoint's group.
    pub security_group_ids: Vec<Output<String>>,
}

/// Registers the cluster once its role can act and its log group exists (created first, so
/// that the logs expire).
pub fn cluster(scope: &ComponentScope, inputs: ClusterInputs<'_>) -> CustomResource {
    let config = inputs.config;
    let log_group = scope.aws(
        "control-plane-logs",
        LogGroup {
            name: format!("/aws/eks/{}/cluster", inputs.name),
            retention_in_days: config.control_plane_log_retention_days,
            tags: Tags::new(),
        },
    );
    let mut options = scope.child_options().depends_on(&log_group);
    for attachment in &inputs.role.attachments {
        options = options.depends_on(attachment);
    }
    scope.aws_with(
        "cluster",
        Cluster {
            name: inputs.name.to_owned(),
            role_arn: inputs.role.arn(),
            version: config.kubernetes_version.clone(),
            vpc_config: ClusterVpcConfig {
                subnet_ids: inputs.private_subnet_ids,
                security_group_ids: inputs.security_group_ids,
                endpoint_private_access: true,
                endpoint_public_access: config.public_endpoint,
                public_access_cidrs: if config.public_endpoint {
                    config
                        .public_access_cidrs
                        .iter()
                        .map(ToString::to_string)
                        .collect()
                } else {
                    Vec::new()
                },
            },
            encryption_config: ClusterEncryptionConfig {
                provider: ClusterEncryptionConfigProvider {
                    key_arn: inputs.key_arn,
                },
                resources: vec!["secrets".into()],
            },
            enabled_cluster_log_types: CONTROL_PLANE_LOGS.map(String::from).to_vec(),
            kubernetes_network_config: ClusterKubernetesNetworkConfig {
                service_ipv4_cidr: config.service_cidr.to_string(),
            },
            access_config: ClusterAccessConfig {
                authentication_mode: "API".into(),
                bootstrap_cluster_creator_admin_permissions: true,
            },
            bootstrap_self_managed_addons: false,
            upgrade_policy: ClusterUpgradePolicy {
                support_type: config.upgrade_support_type,
            },
            tags: Tags::new(),
        },
        options,
    )
}

/// Registers an access entry for each of `principals`, with `access`'s policy over the whole
/// cluster or its Kubernetes groups, once every one of `after` exists.
pub fn access_entries(
    scope: &ComponentScope,
    cluster_name: &Output<String>,
    access: AccessLevel,
    principals: &[String],
    after: &[CustomResource],
) {
    for (i, principal) in principals.iter().enumerate() {
        let part = format!("{}-{i}", access.part());
        let options = after
            .iter()
            .fold(scope.child_options(), |options, resource| {
                options.depends_on(resource)
            });
        let entry = scope.aws_with(
            &part,
            AccessEntry {
                cluster_name: cluster_name.clone(),
                principal_arn: principal.clone(),
                entry_type: "STANDARD".into(),
                kubernetes_groups: access.kubernetes_groups(),
                tags: Tags::new(),
            },
            options,
        );
        if let Some(policy_arn) = access.policy_arn() {
            scope.aws_with(
                &format!("{part}-policy"),
                AccessPolicyAssociation {
                    cluster_name: cluster_name.clone(),
                    principal_arn: principal.clone(),
                    policy_arn: policy_arn.into(),
                    access_scope: AccessPolicyAssociationAccessScope {
                        scope_type: "cluster".into(),
                    },
                },
                scope.child_options().depends_on(&entry),
            );
        }
    }
}

/// The cluster's API endpoint URL.
pub fn endpoint(cluster: &CustomResource) -> Output<String> {
    cluster.output("endpoint")
}

/// The `certificateAuthority` output (`ClusterCertificateAuthority`).
#[derive(Deserialize, Clone)]
struct CertificateAuthority {
    data: String,
}

/// One of the `identities` output (`ClusterIdentity`).
#[derive(Deserialize, Clone)]
struct Identity {
    oidcs: Vec<Oidc>,
}

/// `ClusterIdentityOidc`.
#[derive(Deserialize, Clone)]
struct Oidc {
    issuer: String,
}

/// The cluster's certificate authority (base64 PEM).
pub fn certificate_authority(cluster: &CustomResource) -> Output<String> {
    cluster
        .output::<CertificateAuthority>("certificateAuthority")
        .map(|ca| ca.data)
}

/// The cluster's OIDC issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`).
pub fn oidc_issuer(cluster: &CustomResource) -> Output<String> {
    cluster
        .output::<Vec<Identity>>("identities")
        .try_map(|identities| {
            identities
                .into_iter()
                .flat_map(|identity| identity.oidcs)
                .map(|oidc| oidc.issuer)
                .next()
                .ok_or_else(|| OutputError::new("the EKS cluster reported no OIDC issuer"))
        })
}
