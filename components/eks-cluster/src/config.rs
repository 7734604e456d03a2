//! Config section `heartbeat-platform:eks`: the Kubernetes version and its support policy,
//! who reaches the API endpoint and from where, the admins and viewers, and the two node
//! pools.

use std::collections::BTreeMap;

use ipnet::Ipv4Net;
use platform_core::Problems;
use serde::{Deserialize, Serialize};

/// The retention periods CloudWatch Logs accepts, in days.
pub const LOG_RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// Config section `heartbeat-platform:eks`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct EksConfig {
    /// The Kubernetes minor version, such as `1.33`.
    pub kubernetes_version: String,
    /// Whether the API endpoint is reachable from the internet (then only from
    /// `publicAccessCidrs`).
    pub public_endpoint: bool,
    /// The CIDRs allowed to reach a public endpoint; required when it is on.
    pub public_access_cidrs: Vec<Ipv4Net>,
    /// Ranges outside the VPC (a VPN, a peered VPC) admitted on TCP 443 to the private
    /// endpoint, through the private subnets' network ACL and the endpoint's security group.
    pub api_access_cidrs: Vec<Ipv4Net>,
    /// The Kubernetes service range; must not overlap the VPC.
    pub service_cidr: Ipv4Net,
    /// IAM principals given cluster-admin access entries; at least one, or no person could
    /// use the cluster.
    pub admin_principal_arns: Vec<String>,
    /// IAM principals that preview the stack: access entries in the Kubernetes group
    /// [`crate::preview_access::PREVIEWERS_GROUP`], which reads everything and writes only as
    /// dry runs.
    pub viewer_principal_arns: Vec<String>,
    /// The cluster's support policy once its version leaves standard support.
    pub upgrade_support_type: SupportType,
    /// Days CloudWatch Logs keeps the control-plane logs (one of CloudWatch's retention
    /// periods).
    pub control_plane_log_retention_days: u32,
    /// The system node pool (operators, ingest, ksqlDB).
    pub system_nodes: NodePoolConfig,
    /// The node pool for stateful workloads (Kafka, YugabyteDB).
    pub stateful_nodes: NodePoolConfig,
}

impl Default for EksConfig {
    fn default() -> Self {
        Self {
            kubernetes_version: "1.33".into(),
            public_endpoint: false,
            public_access_cidrs: Vec::new(),
            api_access_cidrs: Vec::new(),
            service_cidr: "172.20.0.0/16".parse().expect("a valid default CIDR"),
            admin_principal_arns: Vec::new(),
            viewer_principal_arns: Vec::new(),
            upgrade_support_type: SupportType::Standard,
            control_plane_log_retention_days: 90,
            system_nodes: NodePoolConfig::default(),
            stateful_nodes: NodePoolConfig {
                instance_types: vec!["r6i.xlarge".into()],
                ..NodePoolConfig::default()
            },
        }
    }
}

/// What EKS does with a cluster whose Kubernetes version leaves standard support (EKS's
/// `upgradePolicy.supportType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum SupportType {
    /// Upgraded automatically to the next version at the end of standard support (no extra
    /// charge).
    Standard,
    /// Kept on the version through extended support (12 more months, billed per cluster
    /// hour).
    Extended,
}

/// The most ranges `apiAccessCidrs` takes: each is a rule of the private subnets' network
/// ACL, whose default quota is 20 inbound rules.
pub const MAX_API_ACCESS_CIDRS: usize = 10;

/// One managed node group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct NodePoolConfig {
    /// EC2 instance types, first preferred.
    pub instance_types: Vec<String>,
    /// Minimum nodes.
    pub min: u32,
    /// Desired nodes at creation.
    pub desired: u32,
    /// Maximum nodes.
    pub max: u32,
    /// Root disk size, GiB.
    pub disk_gib: u32,
    /// Node labels (the pool's `heartbeat.io/node-pool` label is added).
    pub labels: BTreeMap<String, String>,
    /// Node taints: only pods that tolerate them run on the pool.
    pub taints: Vec<TaintConfig>,
}

/// One node taint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct TaintConfig {
    /// The taint key.
    pub key: String,
    /// The taint value, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// What happens to pods that do not tolerate it.
    pub effect: TaintEffect,
}

/// A taint's effect, spelled as the EKS API spells it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TaintEffect {
    /// New pods that do not tolerate it are not scheduled.
    NoSchedule,
    /// The scheduler avoids the nodes when it can.
    PreferNoSchedule,
    /// Running pods that do not tolerate it are evicted.
    NoExecute,
}

impl Default for NodePoolConfig {
    fn default() -> Self {
        Self {
            instance_types: vec!["m6i.large".into()],
            min: 2,
            desired: 2,
            max: 4,
            disk_gib: 50,
            labels: BTreeMap::new(),
            taints: Vec::new(),
        }
    }
}

/// The first Kubernetes minor version that serves `admissionregistration.k8s.io/v1`
/// ValidatingAdmissionPolicies, which keep the viewers to dry runs.
pub const ADMISSION_POLICY_MINOR: u32 = 30;

impl EksConfig {
    /// Checks the section; `vpc_cidr` is the network's range (`None` when the network section
    /// does not read, which skips only the overlap check).
    pub fn validate(&self, vpc_cidr: Option<Ipv4Net>, problems: &mut Problems) {
        let minor = self
            .kubernetes_version
            .split_once('.')
            .filter(|(major, _)| *major == "1")
            .and_then(|(_, minor)| minor.parse::<u32>().ok())
            .filter(|minor| (29..=35).contains(minor));
        problems.check(
            minor.is_some(),
            "kubernetesVersion",
            &self.kubernetes_version,
            "use a supported EKS version, 1.29 to 1.35, as \"1.33\"",
        );
        problems.check(
            self.viewer_principal_arns.is_empty()
                || minor.is_none_or(|minor| minor >= ADMISSION_POLICY_MINOR),
            "viewerPrincipalArns",
            format!("{:?}", self.viewer_principal_arns),
            format!(
                "viewers are kept to dry runs by a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1), which Kubernetes serves from 1.{ADMISSION_POLICY_MINOR}: set kubernetesVersion to \"1.{ADMISSION_POLICY_MINOR}\" or later, or list no viewers"
            ),
        );
        problems.check(
            !self.public_endpoint || !self.public_access_cidrs.is_empty(),
            "publicAccessCidrs",
            "[]",
            "a public API endpoint needs an explicit CIDR allow-list; list your office or VPN ranges, or set publicEndpoint: false",
        );
        for (field, cidrs) in [
            ("publicAccessCidrs", &self.public_access_cidrs),
            ("apiAccessCidrs", &self.api_access_cidrs),
        ] {
            for (i, cidr) in cidrs.iter().enumerate() {
                problems.check(
                    cidr.prefix_len() > 0,
                    &format!("{field}[{i}]"),
                    cidr,
                    "0.0.0.0/0 opens the API to every address; list specific ranges",
                );
            }
        }
        problems.check(
            self.api_access_cidrs.len() <= MAX_API_ACCESS_CIDRS,
            "apiAccessCidrs",
            self.api_access_cidrs.len(),
            format!(
                "list at most {MAX_API_ACCESS_CIDRS} ranges (each is a network ACL rule); summarise them into wider ranges"
            ),
        );
        if let Some(vpc_cidr) = vpc_cidr {
            problems.check(
                !(self.service_cidr.contains(&vpc_cidr.network())
                    || vpc_cidr.contains(&self.service_cidr.network())),
                "serviceCidr",
                self.service_cidr,
                format!(
                    "overlaps the VPC range {vpc_cidr}; pick a range outside it, such as 172.20.0.0/16"
                ),
            );
        }
        for (field, pool) in [
            ("systemNodes", &self.system_nodes),
            ("statefulNodes", &self.stateful_nodes),
        ] {
            problems.check(
                !pool.instance_types.is_empty(),
                &format!("{field}.instanceTypes"),
                "[]",
                "list at least one EC2 instance type",
            );
            problems.check(
                pool.min <= pool.max,
                &format!("{field}.min"),
                pool.min,
                format!("must not exceed {field}.max ({})", pool.max),
            );
            problems.check(
                pool.min <= pool.desired && pool.desired <= pool.max,
                &format!("{field}.desired"),
                pool.desired,
                format!(
                    "must lie between {field}.min ({}) and {field}.max ({})",
                    pool.min, pool.max
                ),
            );
            problems.check(
                pool.max >= 1,
                &format!("{field}.max"),
                pool.max,
                "must be at least 1",
            );
            problems.check(
                (20..=16_384).contains(&pool.disk_gib),
                &format!("{field}.diskGib"),
                pool.disk_gib,
                "use 20 to 16384 GiB",
            );
            for (i, taint) in pool.taints.iter().enumerate() {
                problems.check(
                    !taint.key.is_empty() && taint.key.len() <= 63,
                    &format!("{field}.taints[{i}].key"),
                    &taint.key,
                    "use a Kubernetes label-style key of 1 to 63 characters",
                );
            }
            let graviton = pool
                .instance_types
                .iter()
                .filter(|t| crate::node_groups::is_graviton(t))
                .count();
            problems.check(
                graviton == 0 || graviton == pool.instance_types.len(),
                &format!("{field}.instanceTypes"),
                pool.instance_types.join(", "),
                "mix no Graviton (arm64) types with x86 ones: a node group has one AMI",
            );
            problems.check(
                pool.instance_types.len() <= 20,
                &format!("{field}.instanceTypes"),
                pool.instance_types.len(),
                "a managed node group takes at most 20 instance types",
            );
        }
        problems.check(
            LOG_RETENTION_DAYS.contains(&self.control_plane_log_retention_days),
            "controlPlaneLogRetentionDays",
            self.control_plane_log_retention_days,
            format!("use one of CloudWatch's retention periods: {LOG_RETENTION_DAYS:?}"),
        );
        problems.check(
            !self.admin_principal_arns.is_empty(),
            "adminPrincipalArns",
            "[]",
            "list the IAM roles of the people who administer the cluster, such as arn:aws:iam::<account>:role/platform-admin: without one only the identity that runs `pulumi up` may use the cluster",
        );
        for (field, arns) in [
            ("adminPrincipalArns", &self.admin_principal_arns),
            ("viewerPrincipalArns", &self.viewer_principal_arns),
        ] {
            for (i, arn) in arns.iter().enumerate() {
                problems.check(
                    arn.starts_with("arn:aws:iam::")
                        && (arn.contains(":role/") || arn.contains(":user/")),
                    &format!("{field}[{i}]"),
                    arn,
                    "use an IAM role or user ARN, such as arn:aws:iam::123456789012:role/platform-admin",
                );
                problems.check(
                    !arns[..i].contains(arn),
                    &format!("{field}[{i}]"),
                    arn,
                    "list each principal once (EKS keeps one access entry per principal)",
                );
            }
        }
        for (i, arn) in self.viewer_principal_arns.iter().enumerate() {
            problems.check(
                !self.admin_principal_arns.contains(arn),
                &format!("viewerPrincipalArns[{i}]"),
                arn,
                "is also in adminPrincipalArns; EKS keeps one access entry per principal, so list it in one of them",
            );
        }
    }
}
