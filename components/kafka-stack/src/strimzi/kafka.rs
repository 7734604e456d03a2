//! The `Kafka` resource: the cluster-wide settings of a KRaft cluster whose nodes come from
//! `KafkaNodePool`s.

use std::collections::BTreeMap;

use kube::CustomResource;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{MetricsConfig, PodDisruptionBudgetTemplate, Rack};

/// `Kafka.spec`.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "kafka.strimzi.io",
    version = "v1",
    kind = "Kafka",
    namespaced,
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct KafkaSpec {
    /// The brokers' settings.
    pub kafka: KafkaClusterSpec,
    /// The topic and user operators.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entity_operator: Option<EntityOperatorSpec>,
}

/// `Kafka.spec.kafka`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KafkaClusterSpec {
    /// The Kafka version; unset means the operator's default.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The listeners clients connect to.
    pub listeners: Vec<KafkaListener>,
    /// Broker configuration (`server.properties` keys).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, Value>,
    /// Who may do what: ACLs from `KafkaUser`s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authorization: Option<KafkaAuthorization>,
    /// Rack awareness.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rack: Option<Rack>,
    /// Prometheus metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_config: Option<MetricsConfig>,
    /// Templates of the generated objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<KafkaClusterTemplate>,
}

/// One listener.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct KafkaListener {
    /// Its name (lower case letters and digits).
    pub name: String,
    /// Its port.
    pub port: u16,
    /// `internal` (in-cluster only) or an external kind.
    #[serde(rename = "type")]
    pub listener_type: String,
    /// Whether traffic is encrypted.
    pub tls: bool,
    /// How clients authenticate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication: Option<ListenerAuthentication>,
}

/// How clients of a listener authenticate.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum ListenerAuthentication {
    /// Mutual TLS: client certificates issued by the clients CA for each `KafkaUser`.
    Tls,
    /// SCRAM-SHA-512 passwords.
    #[serde(rename = "scram-sha-512")]
    ScramSha512,
}

/// `authorization` of a Kafka cluster.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KafkaAuthorization {
    /// `simple`: Kafka's ACL authorizer.
    #[serde(rename = "type")]
    pub authorization_type: String,
    /// Principals allowed everything (`User:CN=...`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub super_users: Vec<String>,
}

/// `Kafka.spec.kafka.template`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct KafkaClusterTemplate {
    /// The PodDisruptionBudget over every node of the cluster.
    pub pod_disruption_budget: PodDisruptionBudgetTemplate,
}

/// `Kafka.spec.entityOperator`.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityOperatorSpec {
    /// Reconciles `KafkaTopic`s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub topic_operator: Option<EntityTopicOperator>,
    /// Reconciles `KafkaUser`s.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_operator: Option<EntityUserOperator>,
}

/// The topic operator.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityTopicOperator {
    /// The namespace it watches; unset means the Kafka resource's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watched_namespace: Option<String>,
}

/// The user operator.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EntityUserOperator {
    /// The namespace it watches; unset means the Kafka resource's.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub watched_namespace: Option<String>,
}
