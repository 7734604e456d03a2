//! The KafkaStack component (`heartbeat:kafka:KafkaStack`): Kafka (Strimzi, KRaft), its topics
//! and users, Kafka Connect, Schema Registry, ksqlDB and Kafka UI.
//!
//! Status: configuration and validation are in place; the Kubernetes objects land with the
//! KafkaStack/YugabyteStack issue.

use platform_core::capacity::Sizing;
use platform_core::{ComponentScope, Problems};
use pulumi_runtime::{Context, ResourceOptions};
use serde::{Deserialize, Serialize};

/// Config section `heartbeat-platform:kafka`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct KafkaConfig {
    /// The namespace Kafka, its operator's watch and every Kafka custom resource live in.
    pub namespace: String,
    /// Brokers; unset means the capacity model's figure.
    pub brokers: Option<u32>,
    /// Partitions of the heartbeats topic; unset means the capacity model's figure.
    pub heartbeat_partitions: Option<u32>,
    /// Replication factor of every topic (3 in prod; dev may run 1 broker with 1).
    pub replication_factor: u32,
    /// `min.insync.replicas`: below the replication factor, so one broker may be down.
    pub min_insync_replicas: u32,
}

impl Default for KafkaConfig {
    fn default() -> Self {
        Self {
            namespace: "kafka".into(),
            brokers: None,
            heartbeat_partitions: None,
            replication_factor: 3,
            min_insync_replicas: 2,
        }
    }
}

impl KafkaConfig {
    /// The broker count: the override, else the capacity model's.
    pub fn brokers(&self, sizing: &Sizing) -> u32 {
        self.brokers.unwrap_or(sizing.kafka_brokers)
    }

    /// Checks the section against the sizing and the zone count.
    pub fn validate(&self, sizing: &Sizing, zones: usize, problems: &mut Problems) {
        let brokers = self.brokers(sizing);
        problems.check(brokers >= 1, "brokers", brokers, "run at least 1 broker");
        problems.check(
            self.replication_factor >= 1 && self.replication_factor <= brokers,
            "replicationFactor",
            self.replication_factor,
            format!("must be from 1 to the broker count ({brokers}); add brokers or lower it"),
        );
        let isr_ok = if self.replication_factor == 1 {
            self.min_insync_replicas == 1
        } else {
            self.min_insync_replicas >= 1 && self.min_insync_replicas < self.replication_factor
        };
        problems.check(
            isr_ok,
            "minInsyncReplicas",
            self.min_insync_replicas,
            format!(
                "must be below the replication factor ({}) so a broker can be down without stopping writes (1 when the factor is 1)",
                self.replication_factor
            ),
        );
        problems.check(
            brokers == 1 || brokers as usize >= zones,
            "brokers",
            brokers,
            format!("{brokers} brokers cannot spread over {zones} zones; use 1 (dev) or at least {zones}"),
        );
        if let Some(partitions) = self.heartbeat_partitions {
            problems.check(
                partitions >= 1,
                "heartbeatPartitions",
                partitions,
                "use at least 1 partition",
            );
        }
    }
}

/// What KafkaStack hands to the components that follow.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KafkaStack {
    /// The namespace of the Kafka resources.
    pub namespace: String,
}

impl KafkaStack {
    /// Provisions the Kafka layer.
    pub fn new(ctx: &Context, name: &str, config: &KafkaConfig, options: ResourceOptions) -> Self {
        let scope = ComponentScope::new(ctx, "kafka", "KafkaStack", name, options);
        scope.finish(KafkaStack {
            namespace: config.namespace.clone(),
        })
    }
}
