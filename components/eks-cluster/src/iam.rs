//! IAM: roles with AWS managed policies attached, inline policies, and typed policy documents
//! for customer-managed policies.

use std::collections::BTreeMap;

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;
use serde_json::json;

/// `aws:iam/role:Role` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Role {
    /// Who may assume the role (a JSON policy document).
    pub assume_role_policy: Output<String>,
    /// What the role is for.
    pub description: String,
    /// Detach policies on deletion, so the role can go.
    pub force_detach_policies: bool,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for Role {
    const TYPE_TOKEN: &'static str = "aws:iam/role:Role";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:iam/rolePolicyAttachment:RolePolicyAttachment` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolePolicyAttachment {
    /// The role's name.
    pub role: Output<String>,
    /// The policy: an AWS managed one, or one registered in the same program.
    pub policy_arn: Output<String>,
}

impl AwsInputs for RolePolicyAttachment {
    const TYPE_TOKEN: &'static str = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// `aws:iam/rolePolicy:RolePolicy` inputs: an inline policy.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RolePolicy {
    /// The role's name.
    pub role: Output<String>,
    /// The policy document (JSON).
    pub policy: Output<String>,
}

impl AwsInputs for RolePolicy {
    const TYPE_TOKEN: &'static str = "aws:iam/rolePolicy:RolePolicy";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// `aws:iam/policy:Policy` inputs: a customer-managed policy.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Policy {
    /// What the policy is for.
    pub description: String,
    /// The policy document (JSON).
    pub policy: Output<String>,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for Policy {
    const TYPE_TOKEN: &'static str = "aws:iam/policy:Policy";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// An IAM policy document.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct PolicyDocument {
    /// Always `2012-10-17`.
    pub version: &'static str,
    /// The statements.
    pub statement: Vec<Statement>,
}

impl PolicyDocument {
    /// A document of `statements`.
    pub fn new(statements: Vec<Statement>) -> Self {
        Self {
            version: "2012-10-17",
            statement: statements,
        }
    }

    /// The document as IAM's JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("a policy document serializes")
    }
}

/// One `Allow` statement.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct Statement {
    /// Always `Allow`.
    pub effect: &'static str,
    /// The actions allowed.
    pub action: Vec<&'static str>,
    /// The resources (ARNs or patterns) they apply to.
    pub resource: Resources,
    /// Operator -> condition key -> values.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub condition: BTreeMap<&'static str, BTreeMap<String, serde_json::Value>>,
}

/// A statement's `Resource`: one ARN or pattern (written as a string, as IAM does), or
/// several (a list).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Resources {
    /// One ARN or pattern.
    One(String),
    /// Several.
    Many(Vec<String>),
}

/// A statement allowing `actions` on `resource`.
pub fn allow(actions: &[&'static str], resource: &str) -> Statement {
    Statement {
        effect: "Allow",
        action: actions.to_vec(),
        resource: Resources::One(resource.to_owned()),
        condition: BTreeMap::new(),
    }
}

/// A statement allowing `actions` on each of `resources`.
pub fn allow_on(actions: &[&'static str], resources: &[&str]) -> Statement {
    Statement {
        resource: Resources::Many(resources.iter().map(|&r| r.to_owned()).collect()),
        ..allow(actions, "")
    }
}

impl Statement {
    /// Adds condition `operator` on `key`.
    pub fn when(mut self, operator: &'static str, key: &str, value: serde_json::Value) -> Self {
        self.condition
            .entry(operator)
            .or_default()
            .insert(key.to_owned(), value);
        self
    }

    /// Only for resources that carry tag `tag` (`Null: false`).
    pub fn when_tagged(self, tag: &str) -> Self {
        self.when("Null", &format!("aws:ResourceTag/{tag}"), "false".into())
    }
}

/// The ARN of AWS managed policy `name` (such as `AmazonEKSClusterPolicy`).
pub fn managed_policy(name: &str) -> String {
    format!("arn:aws:iam::aws:policy/{name}")
}

/// A trust policy that lets AWS service `service` (such as `eks.amazonaws.com`) assume a role.
pub fn service_trust_policy(service: &str) -> String {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
        }],
    })
    .to_string()
}

/// A role and the attachments of its managed policies; depend on the attachments to know the
/// role can act.
#[derive(Clone)]
pub struct RoleWithPolicies {
    /// The role.
    pub role: CustomResource,
    /// One attachment per managed policy.
    pub attachments: Vec<CustomResource>,
}

impl RoleWithPolicies {
    /// Registers role `part` assumable per `trust_policy`, with `policy_arns` attached.
    pub fn new(
        scope: &ComponentScope,
        part: &str,
        description: &str,
        trust_policy: Output<String>,
        policy_arns: &[String],
    ) -> Self {
        let role = scope.aws(
            part,
            Role {
                assume_role_policy: trust_policy,
                description: description.to_owned(),
                force_detach_policies: true,
                tags: Tags::new(),
            },
        );
        let mut this = Self {
            role,
            attachments: Vec::new(),
        };
        for arn in policy_arns {
            let policy = arn.rsplit('/').next().unwrap_or(arn);
            this.attach(scope, &format!("{part}-{policy}"), Output::new(arn.clone()));
        }
        this
    }

    /// Attaches one more policy as resource `part`; its ARN may be an output (a policy
    /// registered in the same program).
    pub fn attach(
        &mut self,
        scope: &ComponentScope,
        part: &str,
        policy_arn: Output<String>,
    ) -> CustomResource {
        let attachment = scope.aws(
            part,
            RolePolicyAttachment {
                role: self.name(),
                policy_arn,
            },
        );
        self.attachments.push(attachment.clone());
        attachment
    }

    /// Adds inline policy `document` as resource `part` (for a policy about one resource of
    /// this program, such as a key, that no other role needs).
    pub fn add_inline(
        &mut self,
        scope: &ComponentScope,
        part: &str,
        document: Output<PolicyDocument>,
    ) -> CustomResource {
        let inline = scope.aws(
            part,
            RolePolicy {
                role: self.name(),
                policy: document.map(|d| d.to_json()),
            },
        );
        self.attachments.push(inline.clone());
        inline
    }

    /// The role's ARN.
    pub fn arn(&self) -> Output<String> {
        self.role.output("arn")
    }

    /// The role's name, which is its provider id (auto-named roles have no `name` input).
    pub fn name(&self) -> Output<String> {
        self.role.id()
    }
}
