//! The KMS key that envelope-encrypts the cluster's Kubernetes secrets (and the default
//! StorageClass's volumes).

use platform_core::{AwsInputs, ComponentScope, Tags};
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

/// Registers the secrets key of cluster `cluster_name` (rotation on; a deleted key can be
/// recovered for 30 days) and its alias `alias/<cluster_name>-secrets`.
pub fn secrets_key(scope: &ComponentScope, cluster_name: &str) -> CustomResource {
    let key = scope.aws(
        "secrets-key",
        Key {
            description: format!("EKS secrets encryption for cluster {cluster_name}"),
            enable_key_rotation: true,
            deletion_window_in_days: 30,
            tags: Tags::new(),
        },
    );
    scope.aws(
        "secrets-key-alias",
        Alias {
            name: format!("alias/{cluster_name}-secrets"),
            target_key_id: key.id(),
        },
    );
    key
}
