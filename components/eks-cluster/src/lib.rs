//! The EksCluster component (`heartbeat:eks:EksCluster`): the Kubernetes cluster, its node
//! pools and add-ons, and a ready kubernetes provider for the components that follow.
//!
//! Status: configuration, validation and the kubernetes provider are in place; the AWS
//! resources land with the Network/EksCluster issue.

use std::collections::BTreeMap;

use ipnet::Ipv4Net;
use platform_core::kubernetes::{ClusterAccess, register_provider};
use platform_core::{ComponentScope, Problems};
use pulumi_runtime::{Context, ProviderResource, ResourceOptions};
use serde::{Deserialize, Serialize};

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
    /// The Kubernetes service range; must not overlap the VPC.
    pub service_cidr: Ipv4Net,
    /// IAM principals given cluster-admin access entries.
    pub admin_principal_arns: Vec<String>,
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
            service_cidr: "172.20.0.0/16".parse().expect("a valid default CIDR"),
            admin_principal_arns: Vec::new(),
            system_nodes: NodePoolConfig::default(),
            stateful_nodes: NodePoolConfig {
                instance_types: vec!["r6i.xlarge".into()],
                ..NodePoolConfig::default()
            },
        }
    }
}

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
    /// Node labels.
    pub labels: BTreeMap<String, String>,
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
        }
    }
}

impl EksConfig {
    /// Checks the section; `vpc_cidr` is the network's range.
    pub fn validate(&self, vpc_cidr: Ipv4Net, problems: &mut Problems) {
        let version_ok = self
            .kubernetes_version
            .split_once('.')
            .is_some_and(|(major, minor)| {
                major == "1" && minor.parse::<u32>().is_ok_and(|m| (29..=35).contains(&m))
            });
        problems.check(
            version_ok,
            "kubernetesVersion",
            &self.kubernetes_version,
            "use a supported EKS version, 1.29 to 1.35, as \"1.33\"",
        );
        problems.check(
            !self.public_endpoint || !self.public_access_cidrs.is_empty(),
            "publicAccessCidrs",
            "[]",
            "a public API endpoint needs an explicit CIDR allow-list; list your office or VPN ranges, or set publicEndpoint: false",
        );
        for (i, cidr) in self.public_access_cidrs.iter().enumerate() {
            problems.check(
                cidr.prefix_len() > 0,
                &format!("publicAccessCidrs[{i}]"),
                cidr,
                "0.0.0.0/0 opens the API to the internet; list specific ranges",
            );
        }
        problems.check(
            !(self.service_cidr.contains(&vpc_cidr.network())
                || vpc_cidr.contains(&self.service_cidr.network())),
            "serviceCidr",
            self.service_cidr,
            format!(
                "overlaps the VPC range {vpc_cidr}; pick a range outside it, such as 172.20.0.0/16"
            ),
        );
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
        }
    }
}

/// What EksCluster hands to the components that follow.
#[derive(Clone)]
pub struct EksCluster {
    /// The kubernetes provider for this cluster (or the render-to-directory provider offline).
    pub provider: ProviderResource,
}

impl EksCluster {
    /// Provisions the cluster. `render_directory` set means no cluster is reached: every
    /// Kubernetes object is written to that directory as YAML.
    pub fn new(
        ctx: &Context,
        name: &str,
        _config: &EksConfig,
        render_directory: Option<&str>,
        options: ResourceOptions,
    ) -> Self {
        let scope = ComponentScope::new(ctx, "eks", "EksCluster", name, options);
        let access = match render_directory {
            Some(directory) => ClusterAccess::RenderToDirectory(directory.to_owned()),
            None => ClusterAccess::RenderToDirectory("out/manifests".to_owned()),
        };
        let provider = register_provider(&scope, access, ResourceOptions::new());
        scope.finish(serde_json::json!({}));
        Self { provider }
    }
}
