//! The `KafkaTopic` resource, reconciled by the topic operator.

use std::collections::BTreeMap;

use kube::CustomResource;
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// `KafkaTopic.spec`.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "kafka.strimzi.io",
    version = "v1",
    kind = "KafkaTopic",
    namespaced,
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct KafkaTopicSpec {
    /// The topic's name in Kafka when it differs from the resource name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_name: Option<String>,
    /// Partitions.
    pub partitions: u32,
    /// Replication factor.
    pub replicas: u32,
    /// Topic configuration (`retention.ms`, `cleanup.policy`, ...).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, Value>,
}
