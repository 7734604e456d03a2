//! Every topic the platform uses, with its partitions, retention and cleanup policy, and the
//! typed [`Topics`] output that the pipeline and ingest take their topic names from.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::config::KafkaConfig;
use crate::strimzi::{KafkaTopic, KafkaTopicSpec, cluster_labels};

/// One topic: its name and partition count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSpec {
    /// The topic name.
    pub name: String,
    /// The number of partitions.
    pub partitions: u32,
}

/// The platform's topics. Names follow the design; partition counts come from the capacity
/// model (`heartbeats` and the topics ksqlDB derives from it per viewer) and from
/// `licensePartitions` (the small topics keyed by video or ad).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Topics {
    /// Heartbeats as the ingest API writes them.
    pub heartbeats: TopicSpec,
    /// Every heartbeat with its copy number per event id (ksqlDB output).
    pub unique_heartbeats: TopicSpec,
    /// Watched segments per viewer and video (ksqlDB output, sink input).
    pub watched_segments: TopicSpec,
    /// The latest position per viewer and video (ksqlDB output, sink input).
    pub continue_watching: TopicSpec,
    /// Watched seconds per video and UTC day (ksqlDB output, sink input; royalties are
    /// computed from it in the database).
    pub video_watch_daily: TopicSpec,
    /// Ad impressions per ad and hour (ksqlDB output, sink input).
    pub ad_impressions_hourly: TopicSpec,
    /// Records the JDBC sinks could not write.
    pub dead_letter: TopicSpec,
    /// ksqlDB's processing log.
    pub ksql_processing_log: TopicSpec,
}

/// How long a topic keeps records and how it cleans up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Cleanup {
    /// Delete records older than `hours`.
    Delete { hours: u32 },
    /// Keep the latest record per key.
    Compact,
}

impl Topics {
    /// The topics for `heartbeat_partitions` and `license_partitions`.
    pub fn with_partitions(heartbeat_partitions: u32, license_partitions: u32) -> Self {
        let spec = |name: &str, partitions| TopicSpec {
            name: name.into(),
            partitions,
        };
        Self {
            heartbeats: spec("heartbeats", heartbeat_partitions),
            unique_heartbeats: spec("heartbeats-unique", heartbeat_partitions),
            watched_segments: spec("watched-segments", heartbeat_partitions),
            continue_watching: spec("continue-watching", heartbeat_partitions),
            video_watch_daily: spec("video-watch-daily", license_partitions),
            ad_impressions_hourly: spec("ad-impressions-hourly", license_partitions),
            dead_letter: spec("pipeline-sink-dead-letter", license_partitions),
            ksql_processing_log: spec("ksql-processing-log", 1),
        }
    }

    /// The topics the pipeline's JDBC sinks read.
    pub fn sink_inputs(&self) -> [&TopicSpec; 4] {
        [
            &self.watched_segments,
            &self.continue_watching,
            &self.video_watch_daily,
            &self.ad_impressions_hourly,
        ]
    }

    /// The topics ksqlDB writes.
    pub fn ksql_outputs(&self) -> [&TopicSpec; 5] {
        [
            &self.unique_heartbeats,
            &self.watched_segments,
            &self.continue_watching,
            &self.video_watch_daily,
            &self.ad_impressions_hourly,
        ]
    }

    fn with_cleanup(&self, config: &KafkaConfig) -> [(&TopicSpec, Cleanup); 8] {
        let raw = Cleanup::Delete {
            hours: config.retention_hours,
        };
        let output = Cleanup::Delete {
            hours: config.output_retention_hours,
        };
        [
            (&self.heartbeats, raw),
            (&self.unique_heartbeats, raw),
            (&self.watched_segments, output),
            // Tables keyed by (viewer, video) and (video, day): the latest row per key is
            // what the sinks need.
            (&self.continue_watching, Cleanup::Compact),
            (&self.video_watch_daily, Cleanup::Compact),
            (&self.ad_impressions_hourly, output),
            (&self.dead_letter, output),
            (&self.ksql_processing_log, raw),
        ]
    }

    /// One `KafkaTopic` per topic, in `config.namespace`, for cluster `config.clusterName`.
    pub fn resources(&self, config: &KafkaConfig) -> Vec<KafkaTopic> {
        self.with_cleanup(config)
            .into_iter()
            .map(|(topic, cleanup)| {
                let mut settings = BTreeMap::from([(
                    "min.insync.replicas".to_owned(),
                    Value::from(config.min_insync_replicas),
                )]);
                match cleanup {
                    Cleanup::Delete { hours } => {
                        settings.insert("cleanup.policy".into(), "delete".into());
                        settings.insert(
                            "retention.ms".into(),
                            Value::from(u64::from(hours) * 3_600_000),
                        );
                    }
                    Cleanup::Compact => {
                        settings.insert("cleanup.policy".into(), "compact".into());
                    }
                }
                let mut resource = KafkaTopic::new(
                    &topic.name,
                    KafkaTopicSpec {
                        topic_name: None,
                        partitions: topic.partitions,
                        replicas: config.replication_factor,
                        config: settings,
                    },
                );
                resource.metadata.namespace = Some(config.namespace.clone());
                resource.metadata.labels = Some(cluster_labels(&config.cluster_name));
                resource
            })
            .collect()
    }
}
