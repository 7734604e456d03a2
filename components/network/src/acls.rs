//! Network ACLs, one per tier, as a stateless second fence around the security groups.
//!
//! Public tier: HTTP(S) from anywhere, everything from inside the VPC, and return traffic on
//! ephemeral ports (answers to NAT and load-balancer connections). Private tier: everything
//! from inside the VPC, HTTPS from the API access ranges (a VPN or peered network reaching
//! the EKS private endpoint), and return traffic on ephemeral ports only; nothing from the
//! internet can open a connection to it. Both tiers may send anywhere.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

use crate::subnets::Tier;

const ANYWHERE: &str = "0.0.0.0/0";
/// The ports the operating systems pick for the client side of a connection.
const EPHEMERAL: (u16, u16) = (1024, 65535);

/// `aws:ec2/networkAcl:NetworkAcl` inputs, with inline rules and the subnets it covers.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NetworkAcl {
    /// The VPC.
    pub vpc_id: Output<String>,
    /// The subnets the ACL applies to.
    pub subnet_ids: Vec<Output<String>>,
    /// Inbound rules.
    pub ingress: Vec<AclRule>,
    /// Outbound rules.
    pub egress: Vec<AclRule>,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for NetworkAcl {
    const TYPE_TOKEN: &'static str = "aws:ec2/networkAcl:NetworkAcl";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// One ACL rule (`NetworkAclIngress` / `NetworkAclEgress`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct AclRule {
    /// Evaluation order, lowest first.
    pub rule_no: u16,
    /// `tcp`, `udp`, or `-1` for every protocol.
    pub protocol: String,
    /// `allow` or `deny`.
    pub action: String,
    /// The remote range.
    pub cidr_block: String,
    /// First port (0 with protocol `-1`).
    pub from_port: u16,
    /// Last port (0 with protocol `-1`).
    pub to_port: u16,
}

impl AclRule {
    fn allow(rule_no: u16, protocol: &str, cidr: &str, (from_port, to_port): (u16, u16)) -> Self {
        Self {
            rule_no,
            protocol: protocol.into(),
            action: "allow".into(),
            cidr_block: cidr.into(),
            from_port,
            to_port,
        }
    }

    fn allow_all(rule_no: u16, cidr: &str) -> Self {
        Self::allow(rule_no, "-1", cidr, (0, 0))
    }
}

/// The first rule number of the private tier's API access rules (one per range, in order).
const API_ACCESS_RULES: u16 = 200;

/// The inbound rules of a tier's ACL in a VPC of range `vpc_cidr`; the private tier also
/// admits HTTPS from `api_access_ranges`.
pub fn ingress_rules(tier: Tier, vpc_cidr: &str, api_access_ranges: &[String]) -> Vec<AclRule> {
    let mut rules = vec![
        AclRule::allow_all(100, vpc_cidr),
        AclRule::allow(110, "tcp", ANYWHERE, EPHEMERAL),
        AclRule::allow(120, "udp", ANYWHERE, EPHEMERAL),
    ];
    match tier {
        Tier::Public => {
            rules.push(AclRule::allow(130, "tcp", ANYWHERE, (443, 443)));
            rules.push(AclRule::allow(140, "tcp", ANYWHERE, (80, 80)));
        }
        Tier::Private => rules.extend(
            (API_ACCESS_RULES..)
                .zip(api_access_ranges)
                .map(|(rule_no, range)| AclRule::allow(rule_no, "tcp", range, (443, 443))),
        ),
    }
    rules
}

/// Registers the ACL of `tier` over `subnet_ids`.
pub fn register(
    scope: &ComponentScope,
    tier: Tier,
    vpc_id: &Output<String>,
    vpc_cidr: &str,
    api_access_ranges: &[String],
    subnet_ids: Vec<Output<String>>,
) -> CustomResource {
    scope.aws(
        &format!("{}-acl", tier.name()),
        NetworkAcl {
            vpc_id: vpc_id.clone(),
            subnet_ids,
            ingress: ingress_rules(tier, vpc_cidr, api_access_ranges),
            egress: vec![AclRule::allow_all(100, ANYWHERE)],
            tags: Tags::new(),
        },
    )
}
