//! NAT gateways with their Elastic IPs: one per zone, or one shared by every zone.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

use crate::subnets::ZoneSubnetResources;

/// `aws:ec2/eip:Eip` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Eip {
    /// Always `vpc`.
    pub domain: String,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for Eip {
    const TYPE_TOKEN: &'static str = "aws:ec2/eip:Eip";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:ec2/natGateway:NatGateway` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NatGateway {
    /// The Elastic IP's allocation id.
    pub allocation_id: Output<String>,
    /// The public subnet it sits in.
    pub subnet_id: Output<String>,
    /// Always `public`.
    pub connectivity_type: String,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for NatGateway {
    const TYPE_TOKEN: &'static str = "aws:ec2/natGateway:NatGateway";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// Registers the NAT gateways: one in each zone's public subnet when `per_zone`, else one in
/// the first zone's. They wait for the internet gateway, without which they cannot route.
pub fn register(
    scope: &ComponentScope,
    subnets: &[ZoneSubnetResources],
    per_zone: bool,
    internet_gateway: &CustomResource,
) -> Vec<CustomResource> {
    let count = if per_zone { subnets.len() } else { 1 };
    subnets[..count]
        .iter()
        .map(|zone| {
            let part = format!("nat-{}", zone.zone);
            let eip = scope.aws(
                &format!("{part}-eip"),
                Eip {
                    domain: "vpc".into(),
                    tags: Tags::new(),
                },
            );
            scope.aws_with(
                &part,
                NatGateway {
                    allocation_id: eip.id(),
                    subnet_id: zone.public.id(),
                    connectivity_type: "public".into(),
                    tags: Tags::new(),
                },
                scope.child_options().depends_on(internet_gateway),
            )
        })
        .collect()
}

/// The NAT gateway that zone `index` routes through.
pub fn for_zone(nat_gateways: &[CustomResource], index: usize) -> &CustomResource {
    &nat_gateways[index.min(nat_gateways.len() - 1)]
}
