//! The `KafkaNodePool` resource: a set of KRaft nodes with the same roles, storage and size.

use k8s_openapi::api::core::v1::{ResourceRequirements, TopologySpreadConstraint};
use kube::CustomResource;
use serde::{Deserialize, Serialize};

use super::common::JvmOptions;

/// `KafkaNodePool.spec`.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "kafka.strimzi.io",
    version = "v1",
    kind = "KafkaNodePool",
    namespaced,
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct KafkaNodePoolSpec {
    /// Nodes in the pool.
    pub replicas: u32,
    /// What the nodes do.
    pub roles: Vec<NodeRole>,
    /// Their volumes.
    pub storage: Storage,
    /// CPU and memory per node.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// JVM heap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jvm_options: Option<JvmOptions>,
    /// Templates of the generated pods.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<NodePoolTemplate>,
}

/// `KafkaNodePool.spec.template`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NodePoolTemplate {
    /// The pods.
    pub pod: PodTemplate,
}

/// `template.pod`: how the pool's pods are scheduled.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplate {
    /// Spread over zones (and nodes).
    pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
}

/// The label Strimzi puts on every pod of a node pool.
pub const POOL_LABEL: &str = "strimzi.io/pool-name";

/// A KRaft role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NodeRole {
    /// Runs the metadata quorum.
    Controller,
    /// Hosts partitions and serves clients.
    Broker,
}

/// `storage`: a JBOD of persistent volumes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Storage {
    /// Always `jbod` here.
    #[serde(rename = "type")]
    pub storage_type: String,
    /// The volumes.
    pub volumes: Vec<StorageVolume>,
}

/// One persistent volume claim per node.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StorageVolume {
    /// Its id within the JBOD.
    pub id: u32,
    /// Always `persistent-claim` here.
    #[serde(rename = "type")]
    pub volume_type: String,
    /// Its size, such as `840Gi`.
    pub size: String,
    /// The StorageClass (`gp3`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub class: Option<String>,
    /// Whether the claim is deleted with the cluster; false keeps the data.
    pub delete_claim: bool,
    /// `shared`: this volume also holds the KRaft metadata log.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kraft_metadata: Option<String>,
}

impl Storage {
    /// One persistent gp3-style volume of `size_gib` that also holds the KRaft metadata log.
    pub fn single_volume(size_gib: u64, class: &str) -> Self {
        Self {
            storage_type: "jbod".into(),
            volumes: vec![StorageVolume {
                id: 0,
                volume_type: "persistent-claim".into(),
                size: format!("{size_gib}Gi"),
                class: Some(class.to_owned()),
                delete_claim: false,
                kraft_metadata: Some("shared".into()),
            }],
        }
    }
}
