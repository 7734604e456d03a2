//! The AWS Load Balancer Controller's IAM permissions, as a typed policy document, and the IAM
//! role its service account assumes (IRSA).
//!
//! The statements follow the policy the controller publishes for the pinned release
//! ([`crate::controller::CHART_VERSION`]): read access to EC2, ELB, ACM, WAF and Shield; the
//! right to create load balancers, target groups and security groups only with the
//! controller's cluster tag; and to change or delete only what carries that tag.

use std::collections::BTreeMap;

use eks_cluster::{OidcIssuer, ServiceAccountRole};
use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

/// An IAM policy document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    /// Always `2012-10-17`.
    pub version: &'static str,
    /// The statements.
    pub statement: Vec<Statement>,
}

/// One `Allow` statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    /// Always `Allow`.
    pub effect: &'static str,
    /// The actions allowed.
    pub action: Vec<&'static str>,
    /// The resources they apply to.
    pub resource: &'static str,
    /// Operator → condition key → values.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub condition: BTreeMap<&'static str, BTreeMap<String, serde_json::Value>>,
}

const INGRESS_TAG: &str = "ingress.k8s.aws/cluster";
const SERVICE_TAG: &str = "service.k8s.aws/cluster";

fn allow(actions: &[&'static str], resource: &'static str) -> Statement {
    Statement {
        effect: "Allow",
        action: actions.to_vec(),
        resource,
        condition: BTreeMap::new(),
    }
}

impl Statement {
    fn when(mut self, operator: &'static str, key: &str, value: serde_json::Value) -> Self {
        self.condition
            .entry(operator)
            .or_default()
            .insert(key.to_owned(), value);
        self
    }

    /// Only for resources that carry the controller's `tag` (`Null: false`).
    fn tagged(self, tag: &str) -> Self {
        self.when("Null", &format!("aws:ResourceTag/{tag}"), "false".into())
    }
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
            "ec2:DescribeRouteTables",
            "ec2:GetCoipPoolUsage",
            "ec2:DescribeCoipPools",
            "ec2:DescribeIpamPools",
            "ec2:GetSecurityGroupsForVpc",
            "elasticloadbalancing:DescribeLoadBalancers",
            "elasticloadbalancing:DescribeLoadBalancerAttributes",
            "elasticloadbalancing:DescribeListeners",
            "elasticloadbalancing:DescribeListenerCertificates",
            "elasticloadbalancing:DescribeListenerAttributes",
            "elasticloadbalancing:DescribeSSLPolicies",
            "elasticloadbalancing:DescribeRules",
            "elasticloadbalancing:DescribeTargetGroups",
            "elasticloadbalancing:DescribeTargetGroupAttributes",
            "elasticloadbalancing:DescribeTargetHealth",
            "elasticloadbalancing:DescribeTags",
            "elasticloadbalancing:DescribeTrustStores",
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
    let load_balancer_arns = "arn:aws:elasticloadbalancing:*:*:loadbalancer/*";
    let target_group_arns = "arn:aws:elasticloadbalancing:*:*:targetgroup/*";
    let mutate_balancers = [
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
        allow(&["ec2:CreateTags"], "arn:aws:ec2:*:*:security-group/*")
            .when(
                "StringEquals",
                "ec2:CreateAction",
                "CreateSecurityGroup".into(),
            )
            .when(
                "Null",
                &format!("aws:RequestTag/{INGRESS_TAG}"),
                "false".into(),
            ),
        allow(
            &["ec2:CreateTags", "ec2:DeleteTags"],
            "arn:aws:ec2:*:*:security-group/*",
        )
        .when(
            "Null",
            &format!("aws:RequestTag/{INGRESS_TAG}"),
            "true".into(),
        )
        .tagged(INGRESS_TAG),
        allow(
            &[
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupIngress",
                "ec2:DeleteSecurityGroup",
            ],
            "*",
        )
        .tagged(INGRESS_TAG),
        allow(
            &[
                "elasticloadbalancing:CreateLoadBalancer",
                "elasticloadbalancing:CreateTargetGroup",
            ],
            "*",
        )
        .when(
            "Null",
            &format!("aws:RequestTag/{INGRESS_TAG}"),
            "false".into(),
        ),
        allow(
            &[
                "elasticloadbalancing:CreateListener",
                "elasticloadbalancing:DeleteListener",
                "elasticloadbalancing:CreateRule",
                "elasticloadbalancing:DeleteRule",
            ],
            "*",
        ),
        allow(
            &[
                "elasticloadbalancing:AddTags",
                "elasticloadbalancing:RemoveTags",
            ],
            load_balancer_arns,
        )
        .when(
            "Null",
            &format!("aws:RequestTag/{INGRESS_TAG}"),
            "true".into(),
        )
        .tagged(INGRESS_TAG),
        allow(
            &[
                "elasticloadbalancing:AddTags",
                "elasticloadbalancing:RemoveTags",
            ],
            target_group_arns,
        )
        .when(
            "Null",
            &format!("aws:RequestTag/{INGRESS_TAG}"),
            "true".into(),
        )
        .tagged(INGRESS_TAG),
        allow(&mutate_balancers, "*").tagged(INGRESS_TAG),
        allow(&mutate_balancers, "*").tagged(SERVICE_TAG),
        allow(&["elasticloadbalancing:AddTags"], load_balancer_arns)
            .when(
                "StringEquals",
                "elasticloadbalancing:CreateAction",
                serde_json::json!(["CreateTargetGroup", "CreateLoadBalancer"]),
            )
            .when(
                "Null",
                &format!("aws:RequestTag/{INGRESS_TAG}"),
                "false".into(),
            ),
        allow(&["elasticloadbalancing:AddTags"], target_group_arns)
            .when(
                "StringEquals",
                "elasticloadbalancing:CreateAction",
                serde_json::json!(["CreateTargetGroup", "CreateLoadBalancer"]),
            )
            .when(
                "Null",
                &format!("aws:RequestTag/{INGRESS_TAG}"),
                "false".into(),
            ),
        allow(
            &[
                "elasticloadbalancing:RegisterTargets",
                "elasticloadbalancing:DeregisterTargets",
            ],
            target_group_arns,
        ),
        allow(
            &[
                "elasticloadbalancing:SetWebAcl",
                "elasticloadbalancing:ModifyListener",
                "elasticloadbalancing:AddListenerCertificates",
                "elasticloadbalancing:RemoveListenerCertificates",
                "elasticloadbalancing:ModifyRule",
            ],
            "*",
        ),
    ];
    PolicyDocument {
        version: "2012-10-17",
        statement: statements,
    }
}

/// `aws:iam/policy:Policy` inputs: a customer-managed policy.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// What the policy is for.
    pub description: String,
    /// The policy document (JSON).
    pub policy: String,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for Policy {
    const TYPE_TOKEN: &'static str = "aws:iam/policy:Policy";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
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
            policy: serde_json::to_string(&controller_policy())?,
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
                    grant["Condition"]["Null"]
                        .as_object()
                        .is_some_and(|c| c.keys().any(|k| k.ends_with(".k8s.aws/cluster"))),
                    "{action} only with the controller's tag: {grant}"
                );
            }
        }
        assert_eq!(document["Version"], "2012-10-17");
        assert!(statements.iter().all(|s| s["Effect"] == "Allow"));
    }
}
