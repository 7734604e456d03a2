//! The AWS Load Balancer Controller's IAM permissions, as a typed policy document, and the IAM
//! role its service account assumes (IRSA).
//!
//! The document is the policy the controller publishes for the release the pinned chart runs
//! ([`crate::controller::CONTROLLER_VERSION`], `docs/install/iam_policy.json` at that tag),
//! statement for statement: read access to EC2, ELB, ACM, WAF and Shield; the right to create
//! load balancers, target groups and security groups only with the controller's cluster tag
//! ([`CLUSTER_TAG`]); and to change or delete only what carries that tag. A test compares it
//! with the vendor's file (`tests/controller_policy.rs`): bump the chart, and the test names
//! every action and condition that moved.

use eks_cluster::iam::{Policy, PolicyDocument, Statement, allow, allow_on};
use eks_cluster::{OidcIssuer, ServiceAccountRole};
use platform_core::{ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};

/// The tag the controller puts on every load balancer, target group and security group it
/// creates (v2.14.0 tags with `elbv2.k8s.aws/cluster`, for Ingresses and Services alike).
pub const CLUSTER_TAG: &str = "elbv2.k8s.aws/cluster";

/// Only when the request tags the new resource with [`CLUSTER_TAG`].
fn tagging_for_the_cluster(statement: Statement) -> Statement {
    statement.when(
        "Null",
        &format!("aws:RequestTag/{CLUSTER_TAG}"),
        "false".into(),
    )
}

/// Only on resources tagged with [`CLUSTER_TAG`] by a request that does not change that tag.
fn keeping_the_cluster_tag(statement: Statement) -> Statement {
    statement
        .when(
            "Null",
            &format!("aws:RequestTag/{CLUSTER_TAG}"),
            "true".into(),
        )
        .when_tagged(CLUSTER_TAG)
}

/// The controller's policy document.
pub fn controller_policy() -> PolicyDocument {
    let describe = allow(
        &[
            "ec2:DescribeAccountAttributes",
            "ec2:DescribeAddresses",
            "ec2:DescribeAvailabilityZones",
            "ec2:DescribeInternetGateways",
            "ec2:DescribeVpcs",
            "ec2:DescribeVpcPeeringConnections",
            "ec2:DescribeSubnets",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeInstances",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeTags",
            "ec2:GetCoipPoolUsage",
            "ec2:DescribeCoipPools",
            "ec2:GetSecurityGroupsForVpc",
            "ec2:DescribeIpamPools",
            "ec2:DescribeRouteTables",
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeListenerCertificates",
            "elasticloadbalancing:DescribeSSLPolicies",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetGroupAttributes",
            "elasticloadbalancing:DescribeTargetHealth",
            "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeTrustStores",
            "elasticloadbalancing:DescribeListenerAttributes",
            "elasticloadbalancing:DescribeCapacityReservation",
        ],
        "*",
    );
    let integrations = allow(
        &[
            "cognito-idp:DescribeUserPoolClient",
            "acm:ListCertificates",
            "acm:DescribeCertificate",
            "iam:ListServerCertificates",
            "iam:GetServerCertificate",
            "waf-regional:GetWebACL",
            "waf-regional:GetWebACLForResource",
            "waf-regional:AssociateWebACL",
            "waf-regional:DisassociateWebACL",
            "wafv2:GetWebACL",
            "wafv2:GetWebACLForResource",
            "wafv2:AssociateWebACL",
            "wafv2:DisassociateWebACL",
            "shield:GetSubscriptionState",
            "shield:DescribeProtection",
            "shield:CreateProtection",
            "shield:DeleteProtection",
        ],
        "*",
    );
    let security_groups = "arn:aws:ec2:*:*:security-group/*";
    let target_groups = "arn:aws:elasticloadbalancing:*:*:targetgroup/*/*";
    let balancers = [
        target_groups,
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/net/*/*",
        "arn:aws:elasticloadbalancing:*:*:loadbalancer/app/*/*",
    ];
    let listeners_and_rules = [
        "arn:aws:elasticloadbalancing:*:*:listener/net/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener/app/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener-rule/net/*/*/*",
        "arn:aws:elasticloadbalancing:*:*:listener-rule/app/*/*/*",
    ];
    let add_and_remove_tags = [
        "elasticloadbalancing:AddTags",
        "elasticloadbalancing:RemoveTags",
    ];
    let statements = vec![
        allow(&["iam:CreateServiceLinkedRole"], "*").when(
            "StringEquals",
            "iam:AWSServiceName",
            "elasticloadbalancing.amazonaws.com".into(),
        ),
        describe,
        integrations,
        allow(
            &[
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupIngress",
            ],
            "*",
        ),
        allow(&["ec2:CreateSecurityGroup"], "*"),
        tagging_for_the_cluster(allow(&["ec2:CreateTags"], security_groups).when(
            "StringEquals",
            "ec2:CreateAction",
            "CreateSecurityGroup".into(),
        )),
        keeping_the_cluster_tag(allow(
            &["ec2:CreateTags", "ec2:DeleteTags"],
            security_groups,
        )),
        allow(
            &[
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupIngress",
                "ec2:DeleteSecurityGroup",
            ],
            "*",
        )
        .when_tagged(CLUSTER_TAG),
        tagging_for_the_cluster(allow(
            &[
                "elasticloadbalancing:CreateLoadBalancer",
                "elasticloadbalancing:CreateTargetGroup",
            ],
            "*",
        )),
        allow(
            &[
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            "*",
        ),
        keeping_the_cluster_tag(allow_on(&add_and_remove_tags, &balancers)),
        // Listeners and rules are tagged on every change (they carry the Ingress's tags).
        allow_on(&add_and_remove_tags, &listeners_and_rules),
        allow(
            &[
                "elasticloadbalancing:ModifyLoadBalancerAttributes",
                "elasticloadbalancing:SetIpAddressType",
                "elasticloadbalancing:SetSecurityGroups",
                "elasticloadbalancing:SetSubnets",
                "elasticloadbalancing:DeleteLoadBalancer",
                "elasticloadbalancing:ModifyTargetGroup",
                "elasticloadbalancing:ModifyTargetGroupAttributes",
                "elasticloadbalancing:DeleteTargetGroup",
                "elasticloadbalancing:ModifyListenerAttributes",
                "elasticloadbalancing:ModifyCapacityReservation",
                "elasticloadbalancing:ModifyIpPools",
            ],
            "*",
        )
        .when_tagged(CLUSTER_TAG),
        tagging_for_the_cluster(
            allow_on(&["elasticloadbalancing:AddTags"], &balancers).when(
                "StringEquals",
                "elasticloadbalancing:CreateAction",
                serde_json::json!(["CreateTargetGroup", "CreateLoadBalancer"]),
            ),
        ),
        allow(
            &[
                "elasticloadbalancing:RegisterTargets",
                "elasticloadbalancing:DeregisterTargets",
            ],
            target_groups,
        ),
        allow(
            &[
                "elasticloadbalancing:SetWebAcl",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
                "elasticloadbalancing:SetRulePriorities",
            ],
            "*",
        ),
    ];
    PolicyDocument::new(statements)
}

/// The controller's IAM role with its policy attached; depend on the attachment to know the
/// controller can act.
pub struct ControllerRole {
    /// The role's ARN, for the service account's `eks.amazonaws.com/role-arn` annotation.
    pub arn: Output<String>,
    /// The attachment of the controller's policy.
    pub attachment: CustomResource,
}

/// Registers the policy and a role that only `namespace/service_account` may assume.
pub fn controller_role(
    scope: &ComponentScope,
    oidc: &OidcIssuer,
    namespace: &str,
    service_account: &str,
) -> anyhow::Result<ControllerRole> {
    let policy = scope.aws(
        "lb-controller-policy",
        Policy {
            description: "AWS Load Balancer Controller: ALBs for the ingest API".into(),
            policy: Output::new(controller_policy().to_json()),
            tags: Tags::new(),
        },
    );
    let mut role = ServiceAccountRole::new(scope, oidc, namespace, service_account, &[]);
    let attachment = role.attach(
        scope,
        "lb-controller-policy-attachment",
        policy.output("arn"),
    );
    Ok(ControllerRole {
        arn: role.arn(),
        attachment,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn creation_and_deletion_are_scoped_to_the_cluster_tag() {
        let document = serde_json::to_value(controller_policy()).unwrap();
        let statements = document["Statement"].as_array().unwrap();
        let granting = |action: &str| {
            statements
                .iter()
                .filter(|s| s["Action"].as_array().unwrap().iter().any(|a| a == action))
                .collect::<Vec<_>>()
        };
        for action in [
            "elasticloadbalancing:CreateLoadBalancer",
            "elasticloadbalancing:DeleteLoadBalancer",
            "ec2:DeleteSecurityGroup",
        ] {
            let grants = granting(action);
            assert!(!grants.is_empty(), "{action} is granted");
            for grant in grants {
                assert!(
                    grant["Condition"]["Null"].as_object().is_some_and(|c| c
                        .contains_key(&format!("aws:ResourceTag/{CLUSTER_TAG}"))
                        || c.contains_key(&format!("aws:RequestTag/{CLUSTER_TAG}"))),
                    "{action} only with the controller's tag: {grant}"
                );
            }
        }
        assert_eq!(document["Version"], "2012-10-17");
        assert!(statements.iter().all(|s| s["Effect"] == "Allow"));
    }
}
