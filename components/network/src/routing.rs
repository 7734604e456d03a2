//! Route tables per tier: one public table (default route to the internet gateway) and one
//! private table per zone (default route to the zone's NAT gateway, or the shared one).

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

use crate::nat;
use crate::subnets::ZoneSubnetResources;

/// The IPv4 default route.
const ANYWHERE: &str = "0.0.0.0/0";

/// `aws:ec2/routeTable:RouteTable` inputs (routes are separate [`Route`] resources).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteTable {
    /// The VPC.
    pub vpc_id: Output<String>,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for RouteTable {
    const TYPE_TOKEN: &'static str = "aws:ec2/routeTable:RouteTable";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:ec2/route:Route` inputs: a default route through a gateway or a NAT gateway.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Route {
    /// The table the route belongs to.
    pub route_table_id: Output<String>,
    /// The destination range.
    pub destination_cidr_block: String,
    /// The internet gateway, for public routes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub gateway_id: Option<Output<String>>,
    /// The NAT gateway, for private routes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub nat_gateway_id: Option<Output<String>>,
}

impl AwsInputs for Route {
    const TYPE_TOKEN: &'static str = "aws:ec2/route:Route";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// `aws:ec2/routeTableAssociation:RouteTableAssociation` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RouteTableAssociation {
    /// The route table.
    pub route_table_id: Output<String>,
    /// The subnet that uses it.
    pub subnet_id: Output<String>,
}

impl AwsInputs for RouteTableAssociation {
    const TYPE_TOKEN: &'static str = "aws:ec2/routeTableAssociation:RouteTableAssociation";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// Registers every route table, default route and association; returns the private tables
/// (the S3 gateway endpoint is added to them).
pub fn register(
    scope: &ComponentScope,
    vpc_id: &Output<String>,
    subnets: &[ZoneSubnetResources],
    internet_gateway: &CustomResource,
    nat_gateways: &[CustomResource],
) -> Vec<CustomResource> {
    let table = |part: &str| {
        scope.aws(
            part,
            RouteTable {
                vpc_id: vpc_id.clone(),
                tags: Tags::new(),
            },
        )
    };
    let associate = |part: String, table: &CustomResource, subnet: &CustomResource| {
        scope.aws(
            &part,
            RouteTableAssociation {
                route_table_id: table.id(),
                subnet_id: subnet.id(),
            },
        );
    };

    let public = table("public-rt");
    scope.aws(
        "public-rt-default",
        Route {
            route_table_id: public.id(),
            destination_cidr_block: ANYWHERE.into(),
            gateway_id: Some(internet_gateway.id()),
            nat_gateway_id: None,
        },
    );
    for zone in subnets {
        associate(
            format!("public-rt-{}-assoc", zone.zone),
            &public,
            &zone.public,
        );
    }

    subnets
        .iter()
        .enumerate()
        .map(|(index, zone)| {
            let part = format!("private-rt-{}", zone.zone);
            let private = table(&part);
            scope.aws(
                &format!("{part}-default"),
                Route {
                    route_table_id: private.id(),
                    destination_cidr_block: ANYWHERE.into(),
                    gateway_id: None,
                    nat_gateway_id: Some(nat::for_zone(nat_gateways, index).id()),
                },
            );
            associate(format!("{part}-assoc"), &private, &zone.private);
            private
        })
        .collect()
}
