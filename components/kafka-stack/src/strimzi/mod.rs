//! Strimzi's custom resources (`kafka.strimzi.io/v1`, the only version Strimzi 1.x serves) as
//! typed `kube::CustomResource` structs, with the fields heartbeat-platform uses.
//!
//! Every resource names its cluster in the `strimzi.io/cluster` label: [`cluster_labels`].
//! The pipeline component builds its sink connectors with [`KafkaConnector`] and
//! [`KafkaConnectorSpec`].

mod common;
mod connect;
mod kafka;
mod node_pool;
mod topic;
mod user;

pub use common::{
    JvmOptions, MetricsConfig, PodDisruptionBudgetTemplate, Rack, ResourceTemplate, cluster_labels,
};
pub use connect::{
    BuildArtifact, BuildOutput, BuildPlugin, CertificateAndKey, ClientAuthentication, ClientTls,
    ConnectBuild, ConnectTemplate, KafkaConnect, KafkaConnectSpec, KafkaConnector,
    KafkaConnectorSpec, TrustedCertificate, USE_CONNECTOR_RESOURCES,
};
pub use kafka::{
    EntityOperatorSpec, EntityTopicOperator, EntityUserOperator, Kafka, KafkaAuthorization,
    KafkaClusterSpec, KafkaClusterTemplate, KafkaListener, KafkaSpec, ListenerAuthentication,
};
pub use node_pool::{
    KafkaNodePool, KafkaNodePoolSpec, NodePoolTemplate, NodeRole, POOL_LABEL, PodTemplate, Storage,
    StorageVolume,
};
pub use topic::{KafkaTopic, KafkaTopicSpec};
pub use user::{AclOperation, AclResource, AclRule, KafkaUser, KafkaUserSpec, UserAuthorization};

/// The API group of every Strimzi resource.
pub const GROUP: &str = "kafka.strimzi.io";
/// The label that ties a resource to its Kafka (or Connect) cluster.
pub const CLUSTER_LABEL: &str = "strimzi.io/cluster";
