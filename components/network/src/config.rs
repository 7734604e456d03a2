//! Config section `heartbeat-platform:network`: the VPC range, the zones, and the switches for
//! the costly or optional parts (NAT per zone, VPC endpoints, flow logs).

use ipnet::Ipv4Net;
use platform_core::Problems;
use serde::{Deserialize, Serialize};

/// Config section `heartbeat-platform:network`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NetworkConfig {
    /// The VPC's IPv4 range; subnets are carved from it.
    pub cidr: Ipv4Net,
    /// The availability zones to span, in the stack's region (at least 2; 3 keeps quorum
    /// through the loss of a zone).
    pub zones: Vec<String>,
    /// One NAT gateway per zone (resilient, costly) instead of one shared NAT gateway.
    #[serde(default)]
    pub nat_gateway_per_zone: bool,
    /// VPC endpoints that keep image pulls and IRSA token exchange off the NAT gateways.
    #[serde(default)]
    pub vpc_endpoints: VpcEndpointsConfig,
    /// VPC flow logs, delivered to an S3 bucket the component creates.
    #[serde(default)]
    pub flow_logs: FlowLogsConfig,
}

/// Config `network.vpcEndpoints`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct VpcEndpointsConfig {
    /// The S3 gateway endpoint on the private route tables (free; ECR image layers come from
    /// S3). Default on.
    pub s3_gateway: bool,
    /// Interface endpoints for ECR (api, dkr) and STS in the private subnets (billed per zone
    /// and hour). Default off.
    pub ecr_and_sts: bool,
}

impl Default for VpcEndpointsConfig {
    fn default() -> Self {
        Self {
            s3_gateway: true,
            ecr_and_sts: false,
        }
    }
}

/// Config `network.flowLogs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct FlowLogsConfig {
    /// Whether to record the VPC's traffic (accepted and rejected). Default off.
    pub enabled: bool,
    /// Days the bucket keeps the logs.
    pub retention_days: u32,
}

impl Default for FlowLogsConfig {
    fn default() -> Self {
        Self {
            enabled: false,
            retention_days: 30,
        }
    }
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            cidr: "10.0.0.0/16".parse().expect("a valid default CIDR"),
            zones: Vec::new(),
            nat_gateway_per_zone: false,
            vpc_endpoints: VpcEndpointsConfig::default(),
            flow_logs: FlowLogsConfig::default(),
        }
    }
}

/// The smallest prefix per subnet: a /24 leaves 251 usable addresses.
pub const MAX_SUBNET_PREFIX: u8 = 24;

impl NetworkConfig {
    /// The prefix length of each subnet: the VPC split into two tiers × zones, rounded to a
    /// power of two.
    pub fn subnet_prefix(&self) -> u8 {
        let subnets = (2 * self.zones.len()).max(1) as u32;
        self.cidr.prefix_len() + subnets.next_power_of_two().trailing_zeros() as u8
    }

    /// Checks the section against the stack's region.
    pub fn validate(&self, region: &str, problems: &mut Problems) {
        problems.check(
            self.zones.len() >= 2,
            "zones",
            format!("{:?}", self.zones),
            "list at least 2 availability zones (3 to keep Kafka and database quorum through a zone loss)",
        );
        for (i, zone) in self.zones.iter().enumerate() {
            let letter = zone.strip_prefix(region).unwrap_or_default();
            problems.check(
                letter.len() == 1 && letter.chars().all(|c| ('a'..='f').contains(&c)),
                &format!("zones[{i}]"),
                zone,
                format!("use a zone of region {region}: {region}a to {region}f, such as {region}a"),
            );
            problems.check(
                !self.zones[..i].contains(zone),
                &format!("zones[{i}]"),
                zone,
                "each zone may be listed once",
            );
        }
        problems.check(
            self.cidr.prefix_len() >= 16 && self.cidr.prefix_len() <= 24,
            "cidr",
            self.cidr,
            "use a /16 to /24 range (AWS allows VPCs of /16 to /28; subnets need room)",
        );
        problems.check(
            self.subnet_prefix() <= MAX_SUBNET_PREFIX,
            "cidr",
            self.cidr,
            format!(
                "too small for {} subnets of at least /{MAX_SUBNET_PREFIX}: use a prefix of /{} or shorter",
                2 * self.zones.len(),
                MAX_SUBNET_PREFIX - (self.subnet_prefix() - self.cidr.prefix_len())
            ),
        );
        problems.check(
            !self.flow_logs.enabled || (1..=3653).contains(&self.flow_logs.retention_days),
            "flowLogs.retentionDays",
            self.flow_logs.retention_days,
            "keep flow logs 1 to 3653 days",
        );
    }

    /// The subnet ranges, carved in order from the VPC range: the public subnet of each zone,
    /// then the private subnet of each zone, each of [`NetworkConfig::subnet_prefix`].
    /// Call after [`NetworkConfig::validate`] passed.
    pub fn subnet_layout(&self) -> Vec<ZoneRanges> {
        let mut ranges = self
            .cidr
            .subnets(self.subnet_prefix())
            .expect("validate() checked the subnet prefix");
        let public: Vec<Ipv4Net> = ranges.by_ref().take(self.zones.len()).collect();
        let private = ranges.take(self.zones.len());
        self.zones
            .iter()
            .zip(public)
            .zip(private)
            .map(|((zone, public), private)| ZoneRanges {
                zone: zone.clone(),
                public,
                private,
            })
            .collect()
    }
}

/// The two subnet ranges of one zone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRanges {
    /// The availability zone.
    pub zone: String,
    /// The public subnet (load balancers, NAT gateway).
    pub public: Ipv4Net,
    /// The private subnet (nodes, interface endpoints).
    pub private: Ipv4Net,
}
