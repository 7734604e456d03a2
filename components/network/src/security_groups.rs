//! Security groups: the baseline every member of the platform shares, the one in front of
//! the interface endpoints, and the two that decide who reaches the EKS API endpoint inside
//! the VPC: "API clients" (egress only; a deploy runner or bastion joins it) and "API
//! endpoint" (on the control plane's interfaces: HTTPS from API clients and the configured
//! outside ranges).

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

/// `aws:ec2/securityGroup:SecurityGroup` inputs with inline rules.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroup {
    /// The VPC.
    pub vpc_id: Output<String>,
    /// What the group is for (shown in the console; changing it replaces the group).
    pub description: String,
    /// Inbound rules.
    pub ingress: Vec<SecurityGroupRule>,
    /// Outbound rules.
    pub egress: Vec<SecurityGroupRule>,
    /// Remove the rules before deleting, so groups that refer to each other can go.
    pub revoke_rules_on_delete: bool,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for SecurityGroup {
    const TYPE_TOKEN: &'static str = "aws:ec2/securityGroup:SecurityGroup";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// One inline rule (`SecurityGroupIngress` / `SecurityGroupEgress`).
#[derive(Serialize, Debug, Clone)]
#[serde(rename_all = "camelCase")]
pub struct SecurityGroupRule {
    /// What the rule allows.
    pub description: String,
    /// `tcp`, `udp`, or `-1` for every protocol.
    pub protocol: String,
    /// First port.
    pub from_port: u16,
    /// Last port.
    pub to_port: u16,
    /// Remote ranges.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cidr_blocks: Vec<String>,
    /// Remote security groups: their members are the remote side.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub security_groups: Vec<Output<String>>,
    /// Whether members of this group are the remote side.
    #[serde(rename = "self", skip_serializing_if = "std::ops::Not::not")]
    pub self_: bool,
}

impl SecurityGroupRule {
    fn all_traffic(description: &str) -> Self {
        Self {
            description: description.into(),
            protocol: "-1".into(),
            from_port: 0,
            to_port: 0,
            cidr_blocks: Vec::new(),
            security_groups: Vec::new(),
            self_: false,
        }
    }

    fn https(description: &str) -> Self {
        Self {
            description: description.into(),
            protocol: "tcp".into(),
            from_port: 443,
            to_port: 443,
            cidr_blocks: Vec::new(),
            security_groups: Vec::new(),
            self_: false,
        }
    }
}

/// Registers the baseline group: members reach each other on every port, and may send
/// anywhere; nothing else may reach them.
pub fn baseline(scope: &ComponentScope, vpc_id: &Output<String>) -> CustomResource {
    scope.aws(
        "baseline-sg",
        SecurityGroup {
            vpc_id: vpc_id.clone(),
            description: "heartbeat-platform baseline: members talk to each other, egress anywhere"
                .into(),
            ingress: vec![SecurityGroupRule {
                self_: true,
                ..SecurityGroupRule::all_traffic("from other members")
            }],
            egress: vec![SecurityGroupRule {
                cidr_blocks: vec!["0.0.0.0/0".into()],
                ..SecurityGroupRule::all_traffic("anywhere")
            }],
            revoke_rules_on_delete: true,
            tags: Tags::new(),
        },
    )
}

/// Registers the group of the interface endpoints: HTTPS from inside the VPC only.
pub fn endpoints(
    scope: &ComponentScope,
    vpc_id: &Output<String>,
    vpc_cidr: &str,
) -> CustomResource {
    scope.aws(
        "endpoints-sg",
        SecurityGroup {
            vpc_id: vpc_id.clone(),
            description: "heartbeat-platform VPC interface endpoints: HTTPS from the VPC".into(),
            ingress: vec![SecurityGroupRule {
                cidr_blocks: vec![vpc_cidr.to_owned()],
                ..SecurityGroupRule::https("HTTPS from the VPC")
            }],
            egress: Vec::new(),
            revoke_rules_on_delete: true,
            tags: Tags::new(),
        },
    )
}

/// Registers the API clients group: no inbound rules, egress anywhere. What joins it (the
/// stack's deploy runner, a bastion) may reach the EKS API endpoint.
pub fn api_clients(scope: &ComponentScope, vpc_id: &Output<String>) -> CustomResource {
    scope.aws(
        "api-clients-sg",
        SecurityGroup {
            vpc_id: vpc_id.clone(),
            description: "heartbeat-platform EKS API clients: members reach the cluster API".into(),
            ingress: Vec::new(),
            egress: vec![SecurityGroupRule {
                cidr_blocks: vec!["0.0.0.0/0".into()],
                ..SecurityGroupRule::all_traffic("anywhere")
            }],
            revoke_rules_on_delete: true,
            tags: Tags::new(),
        },
    )
}

/// Registers the API endpoint group, for the EKS control plane's interfaces: HTTPS from the
/// members of `clients` and from `outside_ranges`; nothing else, and no egress (security
/// groups are stateful: answers go out regardless).
pub fn api_endpoint(
    scope: &ComponentScope,
    vpc_id: &Output<String>,
    clients: &CustomResource,
    outside_ranges: &[String],
) -> CustomResource {
    let mut ingress = vec![SecurityGroupRule {
        security_groups: vec![clients.id()],
        ..SecurityGroupRule::https("HTTPS from the API clients group")
    }];
    if !outside_ranges.is_empty() {
        ingress.push(SecurityGroupRule {
            cidr_blocks: outside_ranges.to_vec(),
            ..SecurityGroupRule::https("HTTPS from the API access ranges")
        });
    }
    scope.aws(
        "api-endpoint-sg",
        SecurityGroup {
            vpc_id: vpc_id.clone(),
            description: "heartbeat-platform EKS API endpoint: HTTPS from API clients".into(),
            ingress,
            egress: Vec::new(),
            revoke_rules_on_delete: true,
            tags: Tags::new(),
        },
    )
}
