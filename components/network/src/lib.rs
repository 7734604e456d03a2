//! The Network component (`heartbeat:network:Network`): the multi-zone VPC the platform runs in.
//!
//! Status: configuration and validation are in place; the AWS resources land with the
//! Network/EksCluster issue.

use ipnet::Ipv4Net;
use platform_core::{ComponentScope, Problems};
use pulumi_runtime::{Context, ResourceOptions};
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
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            cidr: "10.0.0.0/16".parse().expect("a valid default CIDR"),
            zones: Vec::new(),
            nat_gateway_per_zone: false,
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
                letter.len() == 1 && letter.chars().all(|c| c.is_ascii_lowercase()),
                &format!("zones[{i}]"),
                zone,
                format!("use a zone of region {region}, such as {region}a"),
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
    }
}

/// What the Network component hands to the components that follow.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Network {
    /// The zones spanned, in order.
    pub zones: Vec<String>,
}

impl Network {
    /// Provisions the network.
    pub fn new(
        ctx: &Context,
        name: &str,
        config: &NetworkConfig,
        options: ResourceOptions,
    ) -> Self {
        let scope = ComponentScope::new(ctx, "network", "Network", name, options);
        scope.finish(Network {
            zones: config.zones.clone(),
        })
    }
}
