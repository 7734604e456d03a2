//! The AWS Load Balancer Controller's IAM permissions, as a typed policy document, and the IAM
//! role its service account assumes (IRSA).
//!
//! The statements follow the policy the controller publishes for the pinned release
//! ([`crate::controller::CHART_VERSION`]): read access to EC2, ELB, ACM, WAF and Shield; the
//! right to create load balancers, target groups and security groups only with the
//! controller's cluster tag; and to change or delete only what carries that tag.

use eks_cluster::iam::{Policy, PolicyDocument, allow};
use eks_cluster::{OidcIssuer, ServiceAccountRole};
use platform_core::{ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};

const INGRESS_TAG: &str = "ingress.k8s.aws/cluster";
const SERVICE_TAG: &str = "service.k8s.aws/cluster";

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
        .when_tagged(INGRESS_TAG),
        allow(
            &[
                "ec2:AuthorizeSecurityGroupIngress",
                "ec2:RevokeSecurityGroupIngress",
                "ec2:DeleteSecurityGroup",
            ],
            "*",
        )
        .when_tagged(INGRESS_TAG),
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
        .when_tagged(INGRESS_TAG),
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
        .when_tagged(INGRESS_TAG),
        allow(&mutate_balancers, "*").when_tagged(INGRESS_TAG),
        allow(&mutate_balancers, "*").when_tagged(SERVICE_TAG),
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
