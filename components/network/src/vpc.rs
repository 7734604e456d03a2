//! The VPC itself, its internet gateway, and the default security group locked down.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

/// `aws:ec2/vpc:Vpc` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Vpc {
    /// The VPC's IPv4 range.
    pub cidr_block: String,
    /// Whether the Amazon DNS server answers in the VPC.
    pub enable_dns_support: bool,
    /// Whether instances get DNS host names (EKS and private endpoints need both).
    pub enable_dns_hostnames: bool,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for Vpc {
    const TYPE_TOKEN: &'static str = "aws:ec2/vpc:Vpc";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:ec2/internetGateway:InternetGateway` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct InternetGateway {
    /// The VPC it is attached to.
    pub vpc_id: Output<String>,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for InternetGateway {
    const TYPE_TOKEN: &'static str = "aws:ec2/internetGateway:InternetGateway";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:ec2/defaultSecurityGroup:DefaultSecurityGroup` inputs: adopting the VPC's default
/// group with no rules removes all of its rules, so nothing can use it by accident.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DefaultSecurityGroup {
    /// The VPC whose default group is adopted.
    pub vpc_id: Output<String>,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for DefaultSecurityGroup {
    const TYPE_TOKEN: &'static str = "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// The VPC and what every VPC gets: an internet gateway and a default group with no rules.
pub struct VpcCore {
    /// The VPC.
    pub vpc: CustomResource,
    /// The internet gateway.
    pub internet_gateway: CustomResource,
}

/// Registers the VPC with DNS support and host names, its internet gateway, and the locked
/// default security group.
pub fn register(scope: &ComponentScope, cidr: &str) -> VpcCore {
    let vpc = scope.aws(
        "vpc",
        Vpc {
            cidr_block: cidr.to_owned(),
            enable_dns_support: true,
            enable_dns_hostnames: true,
            tags: Tags::new(),
        },
    );
    let internet_gateway = scope.aws(
        "igw",
        InternetGateway {
            vpc_id: vpc.id(),
            tags: Tags::new(),
        },
    );
    scope.aws(
        "default-sg",
        DefaultSecurityGroup {
            vpc_id: vpc.id(),
            tags: Tags::new(),
        },
    );
    VpcCore {
        vpc,
        internet_gateway,
    }
}
