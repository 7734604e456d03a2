//! The public and private subnet of each zone, tagged for EKS load-balancer discovery.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

use crate::config::ZoneRanges;

/// `aws:ec2/subnet:Subnet` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Subnet {
    /// The VPC.
    pub vpc_id: Output<String>,
    /// The subnet's IPv4 range.
    pub cidr_block: String,
    /// The availability zone.
    pub availability_zone: String,
    /// Whether instances get a public address; off in every tier (load balancers and NAT
    /// gateways get theirs explicitly).
    pub map_public_ip_on_launch: bool,
    /// Tags, including the EKS discovery tags.
    pub tags: Tags,
}

impl AwsInputs for Subnet {
    const TYPE_TOKEN: &'static str = "aws:ec2/subnet:Subnet";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// A subnet tier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tier {
    /// Internet-facing load balancers and NAT gateways.
    Public,
    /// Nodes, pods, internal load balancers and interface endpoints.
    Private,
}

impl Tier {
    /// The tier's name in resource names.
    pub fn name(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::Private => "private",
        }
    }

    /// The tag the AWS load balancer controller looks for when it places a load balancer.
    fn load_balancer_role(self) -> &'static str {
        match self {
            Tier::Public => "kubernetes.io/role/elb",
            Tier::Private => "kubernetes.io/role/internal-elb",
        }
    }
}

/// The EKS discovery tags of a subnet of `tier` shared with cluster `cluster_name`.
pub fn discovery_tags(tier: Tier, cluster_name: &str) -> Tags {
    Tags::from([
        (tier.load_balancer_role().to_owned(), "1".to_owned()),
        (
            format!("kubernetes.io/cluster/{cluster_name}"),
            "shared".to_owned(),
        ),
    ])
}

/// The registered subnets of one zone.
pub struct ZoneSubnetResources {
    /// The availability zone.
    pub zone: String,
    /// The public subnet.
    pub public: CustomResource,
    /// The private subnet.
    pub private: CustomResource,
}

/// Registers the public and private subnet of every zone.
pub fn register(
    scope: &ComponentScope,
    vpc_id: &Output<String>,
    layout: &[ZoneRanges],
    cluster_name: &str,
) -> Vec<ZoneSubnetResources> {
    let subnet = |tier: Tier, ranges: &ZoneRanges| {
        let cidr = match tier {
            Tier::Public => ranges.public,
            Tier::Private => ranges.private,
        };
        scope.aws(
            &format!("{}-{}", tier.name(), ranges.zone),
            Subnet {
                vpc_id: vpc_id.clone(),
                cidr_block: cidr.to_string(),
                availability_zone: ranges.zone.clone(),
                map_public_ip_on_launch: false,
                tags: discovery_tags(tier, cluster_name),
            },
        )
    };
    layout
        .iter()
        .map(|ranges| ZoneSubnetResources {
            zone: ranges.zone.clone(),
            public: subnet(Tier::Public, ranges),
            private: subnet(Tier::Private, ranges),
        })
        .collect()
}
