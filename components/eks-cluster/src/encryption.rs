//! The cluster's KMS keys: one envelope-encrypts its Kubernetes secrets, the other encrypts
//! the EBS volumes of the default StorageClass. Both rotate yearly and can be recovered for
//! 30 days after deletion is scheduled.

use platform_core::{AwsInputs, ComponentScope, Tags};

use crate::iam::{PolicyDocument, allow};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

/// `aws:kms/key:Key` inputs (the key policy is AWS's default: the account administers it).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Key {
    /// What the key protects.
    pub description: String,
    /// Rotate the key material yearly.
    pub enable_key_rotation: bool,
    /// Days between scheduling deletion and deletion (7 to 30).
    pub deletion_window_in_days: u32,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for Key {
    const TYPE_TOKEN: &'static str = "aws:kms/key:Key";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:kms/alias:Alias` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Alias {
    /// `alias/<name>`.
    pub name: String,
    /// The key.
    pub target_key_id: Output<String>,
}

impl AwsInputs for Alias {
    const TYPE_TOKEN: &'static str = "aws:kms/alias:Alias";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// Registers the secrets key of cluster `cluster_name` and its alias
/// `alias/<cluster_name>-secrets`.
pub fn secrets_key(scope: &ComponentScope, cluster_name: &str) -> CustomResource {
    key_with_alias(scope, cluster_name, "secrets", "EKS secrets encryption")
}

/// Registers the key of the cluster's EBS volumes and its alias
/// `alias/<cluster_name>-volumes`.
pub fn volumes_key(scope: &ComponentScope, cluster_name: &str) -> CustomResource {
    key_with_alias(scope, cluster_name, "volumes", "EBS volume encryption")
}

fn key_with_alias(
    scope: &ComponentScope,
    cluster_name: &str,
    purpose: &str,
    description: &str,
) -> CustomResource {
    let key = scope.aws(
        &format!("{purpose}-key"),
        Key {
            description: format!("{description} for cluster {cluster_name}"),
            enable_key_rotation: true,
            deletion_window_in_days: 30,
            tags: Tags::new(),
        },
    );
    scope.aws(
        &format!("{purpose}-key-alias"),
        Alias {
            name: format!("alias/{cluster_name}-{purpose}"),
            target_key_id: key.id(),
        },
    );
    key
}

/// What the EBS CSI driver needs of the volumes key: grants for EBS itself (only for AWS
/// resources), and the data-key operations of creating and attaching encrypted volumes.
pub fn ebs_key_policy(key_arn: &str) -> PolicyDocument {
    PolicyDocument::new(vec![
        allow(
            &["kms:CreateGrant", "kms:ListGrants", "kms:RevokeGrant"],
            key_arn,
        )
        .when("Bool", "kms:GrantIsForAWSResource", true.into()),
        allow(
            &[
                "kms:Encrypt",
                "kms:Decrypt",
                "kms:ReEncrypt*",
                "kms:GenerateDataKey*",
                "kms:DescribeKey",
            ],
            key_arn,
        ),
    ])
}
