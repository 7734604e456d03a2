//! Types several Strimzi resources share.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::CLUSTER_LABEL;

/// The labels that tie a resource to the Kafka or Connect cluster named `cluster`.
pub fn cluster_labels(cluster: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(CLUSTER_LABEL.to_owned(), cluster.to_owned())])
}

/// JVM heap and options (`jvmOptions`).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct JvmOptions {
    /// Initial heap, such as `2g`.
    #[serde(rename = "-Xms", skip_serializing_if = "Option::is_none")]
    pub xms: Option<String>,
    /// Maximum heap, such as `2g`.
    #[serde(rename = "-Xmx", skip_serializing_if = "Option::is_none")]
    pub xmx: Option<String>,
}

/// Rack awareness: brokers (or Connect workers) learn their zone from a node label.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Rack {
    /// The node label that holds the zone, `topology.kubernetes.io/zone`.
    pub topology_key: String,
}

/// Prometheus metrics (`metricsConfig`); the Strimzi metrics reporter needs no ConfigMap.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum MetricsConfig {
    /// Strimzi's own Prometheus reporter, exposing every metric by default.
    StrimziMetricsReporter,
}

/// The PodDisruptionBudget Strimzi creates for a set of pods.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PodDisruptionBudgetTemplate {
    /// Pods that may be voluntarily evicted at once.
    pub max_unavailable: u32,
}

/// A `template` section holding only a PodDisruptionBudget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ResourceTemplate {
    /// The PodDisruptionBudget.
    pub pod_disruption_budget: PodDisruptionBudgetTemplate,
}
