//! IAM roles for service accounts (IRSA): the cluster's OIDC provider in IAM, and
//! [`ServiceAccountRole`], a role one Kubernetes service account may assume.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;
use serde_json::json;

use crate::iam::{PolicyDocument, RoleWithPolicies};

/// The audience the pods' projected tokens carry.
const STS_AUDIENCE: &str = "sts.amazonaws.com";

/// `aws:iam/openIdConnectProvider:OpenIdConnectProvider` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OpenIdConnectProvider {
    /// The cluster's issuer URL.
    pub url: Output<String>,
    /// The audiences accepted: STS.
    pub client_id_lists: Vec<String>,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for OpenIdConnectProvider {
    const TYPE_TOKEN: &'static str = "aws:iam/openIdConnectProvider:OpenIdConnectProvider";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// The cluster's identity provider, as IRSA roles need it.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OidcIssuer {
    /// The IAM OIDC provider's ARN.
    pub provider_arn: Output<String>,
    /// The issuer URL (`https://oidc.eks.<region>.amazonaws.com/id/<id>`).
    pub issuer_url: Output<String>,
}

impl OidcIssuer {
    /// The issuer of a cluster this program does not manage, by its IAM OIDC provider's ARN
    /// and its URL (`aws eks describe-cluster --query cluster.identity.oidc.issuer`).
    pub fn existing(provider_arn: &str, issuer_url: &str) -> Self {
        Self {
            provider_arn: Output::new(provider_arn.to_owned()),
            issuer_url: Output::new(issuer_url.to_owned()),
        }
    }
}

/// Registers the IAM OIDC provider for the cluster's issuer.
pub fn register(scope: &ComponentScope, issuer_url: Output<String>) -> OidcIssuer {
    let provider = scope.aws(
        "oidc-provider",
        OpenIdConnectProvider {
            url: issuer_url.clone(),
            client_id_lists: vec![STS_AUDIENCE.into()],
            tags: Tags::new(),
        },
    );
    OidcIssuer {
        provider_arn: provider.output("arn"),
        issuer_url,
    }
}

/// An IAM role that exactly one Kubernetes service account may assume through the cluster's
/// OIDC provider, with AWS managed policies attached.
#[derive(Clone)]
pub struct ServiceAccountRole {
    role: RoleWithPolicies,
}

impl ServiceAccountRole {
    /// Registers, under `scope`, the role of service account `namespace/service_account` with
    /// `policy_arns` attached. Annotate the service account with
    /// `eks.amazonaws.com/role-arn: <arn>`, or give [`ServiceAccountRole::arn`] to an add-on.
    pub fn new(
        scope: &ComponentScope,
        oidc: &OidcIssuer,
        namespace: &str,
        service_account: &str,
        policy_arns: &[String],
    ) -> Self {
        let subject = format!("system:serviceaccount:{namespace}:{service_account}");
        let trust = oidc
            .provider_arn
            .zip(&oidc.issuer_url)
            .map(move |(provider, issuer)| trust_policy(&provider, &issuer, &subject));
        let role = RoleWithPolicies::new(
            scope,
            &format!("irsa-{namespace}-{service_account}"),
            &format!("service account {namespace}/{service_account}"),
            trust,
            policy_arns,
        );
        Self { role }
    }

    /// The role's ARN.
    pub fn arn(&self) -> Output<String> {
        self.role.arn()
    }

    /// Adds an inline policy as resource `part` (see [`RoleWithPolicies::add_inline`]).
    pub fn add_inline(
        &mut self,
        scope: &ComponentScope,
        part: &str,
        document: Output<PolicyDocument>,
    ) -> CustomResource {
        self.role.add_inline(scope, part, document)
    }

    /// Attaches a policy registered in the same program (a customer-managed policy) as
    /// resource `part`; depend on the attachment to know the service account can act.
    pub fn attach(
        &mut self,
        scope: &ComponentScope,
        part: &str,
        policy_arn: Output<String>,
    ) -> CustomResource {
        self.role.attach(scope, part, policy_arn)
    }
}

/// The trust policy that lets the token of `subject` issued by `issuer` assume a role.
pub fn trust_policy(provider_arn: &str, issuer: &str, subject: &str) -> String {
    let host = issuer.trim_start_matches("https://");
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Federated": provider_arn},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {
                format!("{host}:sub"): subject,
                format!("{host}:aud"): STS_AUDIENCE,
            }},
        }],
    })
    .to_string()
}
