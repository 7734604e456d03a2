//! The Kafka cluster: the `Kafka` resource (KRaft, a mutual-TLS listener, ACLs, rack
//! awareness, metrics, a PodDisruptionBudget) and its two `KafkaNodePool`s.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::TopologySpreadConstraint;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::LabelSelector;
use serde_json::Value;

use crate::config::{KafkaConfig, NodeResources};
use crate::strimzi::{
    CLUSTER_LABEL, EntityOperatorSpec, EntityTopicOperator, EntityUserOperator, JvmOptions, Kafka,
    KafkaAuthorization, KafkaClusterSpec, KafkaClusterTemplate, KafkaListener, KafkaNodePool,
    KafkaNodePoolSpec, KafkaSpec, ListenerAuthentication, MetricsConfig, NodePoolTemplate,
    NodeRole, POOL_LABEL, PodDisruptionBudgetTemplate, PodTemplate, Rack, Storage, cluster_labels,
};

/// The node label that holds a node's availability zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// The port of the mutual-TLS listener.
pub const TLS_PORT: u16 = 9093;
/// Controllers in the KRaft quorum.
pub const CONTROLLERS: u32 = 3;

/// The in-cluster bootstrap address Strimzi gives the TLS listener of `config.clusterName`.
pub fn bootstrap_address(config: &KafkaConfig) -> String {
    format!(
        "{}-kafka-bootstrap.{}.svc:{TLS_PORT}",
        config.cluster_name, config.namespace
    )
}

/// The Secret holding the cluster CA certificate clients trust (`ca.crt`, `ca.p12`,
/// `ca.password`).
pub fn cluster_ca_secret(config: &KafkaConfig) -> String {
    format!("{}-cluster-ca-cert", config.cluster_name)
}

/// The `Kafka` resource.
pub fn kafka(config: &KafkaConfig) -> Kafka {
    let rf = config.replication_factor;
    let settings: BTreeMap<String, Value> = [
        ("default.replication.factor", Value::from(rf)),
        (
            "min.insync.replicas",
            Value::from(config.min_insync_replicas),
        ),
        ("offsets.topic.replication.factor", Value::from(rf)),
        ("transaction.state.log.replication.factor", Value::from(rf)),
        (
            "transaction.state.log.min.isr",
            Value::from(config.min_insync_replicas),
        ),
        ("auto.create.topics.enable", Value::from(false)),
        (
            "replica.selector.class",
            Value::from("org.apache.kafka.common.replica.RackAwareReplicaSelector"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let mut kafka = Kafka::new(
        &config.cluster_name,
        KafkaSpec {
            kafka: KafkaClusterSpec {
                version: config.kafka_version.clone(),
                listeners: vec![KafkaListener {
                    name: "tls".into(),
                    port: TLS_PORT,
                    listener_type: "internal".into(),
                    tls: true,
                    authentication: Some(ListenerAuthentication::Tls),
                }],
                config: settings,
                authorization: Some(KafkaAuthorization {
                    authorization_type: "simple".into(),
                    super_users: Vec::new(),
                }),
                rack: Some(Rack {
                    topology_key: ZONE_LABEL.into(),
                }),
                metrics_config: Some(MetricsConfig::StrimziMetricsReporter),
                template: Some(KafkaClusterTemplate {
                    pod_disruption_budget: PodDisruptionBudgetTemplate { max_unavailable: 1 },
                }),
            },
            entity_operator: Some(EntityOperatorSpec {
                topic_operator: Some(EntityTopicOperator::default()),
                user_operator: Some(EntityUserOperator::default()),
            }),
        },
    );
    kafka.metadata.namespace = Some(config.namespace.clone());
    kafka
}

fn pool(
    config: &KafkaConfig,
    name: &str,
    replicas: u32,
    role: NodeRole,
    disk_gib: u64,
    resources: &NodeResources,
) -> KafkaNodePool {
    let spread = TopologySpreadConstraint {
        max_skew: 1,
        topology_key: ZONE_LABEL.into(),
        when_unsatisfiable: "DoNotSchedule".into(),
        label_selector: Some(LabelSelector {
            match_labels: Some(BTreeMap::from([
                (CLUSTER_LABEL.to_owned(), config.cluster_name.clone()),
                (POOL_LABEL.to_owned(), name.to_owned()),
            ])),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mut pool = KafkaNodePool::new(
        name,
        KafkaNodePoolSpec {
            replicas,
            roles: vec![role],
            storage: Storage::single_volume(disk_gib, &config.storage_class),
            resources: Some(resources.requirements()),
            jvm_options: Some(JvmOptions {
                xms: Some(resources.heap.clone()),
                xmx: Some(resources.heap.clone()),
            }),
            template: Some(NodePoolTemplate {
                pod: PodTemplate {
                    topology_spread_constraints: vec![spread],
                },
            }),
        },
    );
    pool.metadata.namespace = Some(config.namespace.clone());
    pool.metadata.labels = Some(cluster_labels(&config.cluster_name));
    pool
}

/// The node pools: 3 controllers, and `brokers` brokers with `broker_disk_gib` each; each
/// pool's pods spread evenly over the zones (at most one more in any zone).
pub fn node_pools(config: &KafkaConfig, brokers: u32, broker_disk_gib: u64) -> [KafkaNodePool; 2] {
    [
        pool(
            config,
            "controllers",
            CONTROLLERS,
            NodeRole::Controller,
            config.controller_disk_gib,
            &config.controller_resources,
        ),
        pool(
            config,
            "brokers",
            brokers,
            NodeRole::Broker,
            broker_disk_gib,
            &config.broker_resources,
        ),
    ]
}
