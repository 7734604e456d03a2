//! VPC endpoints that keep image pulls and IRSA token exchange off the NAT gateways: the S3
//! gateway endpoint (ECR serves image layers from S3) and the ECR api/dkr and STS interface
//! endpoints.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

/// `aws:ec2/vpcEndpoint:VpcEndpoint` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VpcEndpoint {
    /// The VPC.
    pub vpc_id: Output<String>,
    /// `com.amazonaws.<region>.<service>`.
    pub service_name: String,
    /// `Gateway` or `Interface`.
    pub vpc_endpoint_type: String,
    /// Gateway endpoints: the route tables that get the service's prefix-list route.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub route_table_ids: Vec<Output<String>>,
    /// Interface endpoints: the subnets that get an endpoint network interface.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subnet_ids: Vec<Output<String>>,
    /// Interface endpoints: the groups on those interfaces.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_group_ids: Vec<Output<String>>,
    /// Interface endpoints: answer the service's public DNS name with the private addresses.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub private_dns_enabled: Option<bool>,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for VpcEndpoint {
    const TYPE_TOKEN: &'static str = "aws:ec2/vpcEndpoint:VpcEndpoint";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// The services that get an interface endpoint.
pub const INTERFACE_SERVICES: [&str; 3] = ["ecr.api", "ecr.dkr", "sts"];

fn service_name(region: &str, service: &str) -> String {
    format!("com.amazonaws.{region}.{service}")
}

/// Registers the S3 gateway endpoint on the private route tables.
pub fn s3_gateway(
    scope: &ComponentScope,
    region: &str,
    vpc_id: &Output<String>,
    private_route_tables: &[CustomResource],
) -> CustomResource {
    scope.aws(
        "s3-endpoint",
        VpcEndpoint {
            vpc_id: vpc_id.clone(),
            service_name: service_name(region, "s3"),
            vpc_endpoint_type: "Gateway".into(),
            route_table_ids: private_route_tables.iter().map(|t| t.id()).collect(),
            subnet_ids: Vec::new(),
            security_group_ids: Vec::new(),
            private_dns_enabled: None,
            tags: Tags::new(),
        },
    )
}

/// Registers the ECR and STS interface endpoints in the private subnets.
pub fn interfaces(
    scope: &ComponentScope,
    region: &str,
    vpc_id: &Output<String>,
    private_subnet_ids: &[Output<String>],
    security_group: &CustomResource,
) -> Vec<CustomResource> {
    INTERFACE_SERVICES
        .iter()
        .map(|service| {
            scope.aws(
                &format!("{}-endpoint", service.replace('.', "-")),
                VpcEndpoint {
                    vpc_id: vpc_id.clone(),
                    service_name: service_name(region, service),
                    vpc_endpoint_type: "Interface".into(),
                    route_table_ids: Vec::new(),
                    subnet_ids: private_subnet_ids.to_vec(),
                    security_group_ids: vec![security_group.id()],
                    private_dns_enabled: Some(true),
                    tags: Tags::new(),
                },
            )
        })
        .collect()
}
