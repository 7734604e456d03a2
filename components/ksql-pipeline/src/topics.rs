//! The Kafka topics the pipeline reads and writes, with their partition counts.

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

/// One Kafka topic: its name and partition count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TopicSpec {
    /// The topic name.
    pub name: String,
    /// The number of partitions.
    pub partitions: u32,
}

impl TopicSpec {
    /// A topic named `name` with `partitions` partitions.
    pub fn new(name: impl Into<String>, partitions: u32) -> Self {
        Self {
            name: name.into(),
            partitions,
        }
    }
}

/// Every topic of the pipeline.
///
/// `heartbeats` is the input: KafkaStack creates it, the ingest API writes it. `dead_letter`
/// is created by KafkaStack for the JDBC sinks. KafkaStack also creates the others, with the
/// partition counts given here, and ksqlDB writes them (`PARTITIONS=` in each
/// `CREATE ... AS SELECT` must match).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PipelineTopics {
    /// Input: the heartbeat records the ingest API writes (JSON, keyed by viewer id).
    pub heartbeats: TopicSpec,
    /// Every heartbeat with the number of copies of its event id seen so far; the first copy
    /// (`COPIES = 1`) is the one that counts.
    pub unique_heartbeats: TopicSpec,
    /// Final watched segments per viewer and video.
    pub watched_segments: TopicSpec,
    /// The latest position per viewer and video ("continue watching").
    pub continue_watching: TopicSpec,
    /// Watched seconds per video and UTC day (royalties are computed from it in the database).
    pub video_watch_daily: TopicSpec,
    /// Ad impressions per ad, campaign and hour.
    pub ad_impressions_hourly: TopicSpec,
    /// Where the JDBC sinks put records they cannot write.
    pub dead_letter: TopicSpec,
}

impl PipelineTopics {
    /// Topic names as in the design, with partition counts sized from the heartbeat topic's
    /// partitions (`heartbeat_partitions`: the topics keyed by viewer) and
    /// `small_partitions` (the topics keyed by video or ad).
    pub fn with_partitions(heartbeat_partitions: u32, small_partitions: u32) -> Self {
        let small = small_partitions;
        Self {
            heartbeats: TopicSpec::new("heartbeats", heartbeat_partitions),
            unique_heartbeats: TopicSpec::new("heartbeats-unique", heartbeat_partitions),
            watched_segments: TopicSpec::new("watched-segments", heartbeat_partitions),
            continue_watching: TopicSpec::new("continue-watching", heartbeat_partitions),
            video_watch_daily: TopicSpec::new("video-watch-daily", small),
            ad_impressions_hourly: TopicSpec::new("ad-impressions-hourly", small),
            dead_letter: TopicSpec::new("pipeline-sink-dead-letter", small),
        }
    }

    /// Every topic with the name of the field that holds it.
    pub fn all(&self) -> [(&'static str, &TopicSpec); 7] {
        [
            ("heartbeats", &self.heartbeats),
            ("unique_heartbeats", &self.unique_heartbeats),
            ("watched_segments", &self.watched_segments),
            ("continue_watching", &self.continue_watching),
            ("video_watch_daily", &self.video_watch_daily),
            ("ad_impressions_hourly", &self.ad_impressions_hourly),
            ("dead_letter", &self.dead_letter),
        ]
    }

    /// The topic named `name`, if it is one of these.
    pub fn by_name(&self, name: &str) -> Option<&TopicSpec> {
        self.all()
            .into_iter()
            .map(|(_, t)| t)
            .find(|t| t.name == name)
    }

    /// Checks names (legal Kafka topic names, all distinct) and partitions (at least 1).
    pub fn validate(&self) -> Result<()> {
        let all = self.all();
        for (field, topic) in all {
            let legal = topic
                .name
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
            if topic.name.is_empty() || topic.name.len() > 249 || !legal {
                bail!(
                    "topics.{field}.name {:?}: a Kafka topic name is 1 to 249 characters of letters, digits, '.', '_' or '-'",
                    topic.name
                );
            }
            if topic.partitions == 0 {
                bail!("topics.{field}.partitions: must be at least 1");
            }
        }
        for (i, (field, topic)) in all.iter().enumerate() {
            if let Some((other, _)) = all[i + 1..].iter().find(|(_, t)| t.name == topic.name) {
                bail!(
                    "topics.{field}.name and topics.{other}.name are both {:?}: each topic needs its own name",
                    topic.name
                );
            }
        }
        Ok(())
    }
}

impl Default for PipelineTopics {
    /// Dev-sized partition counts: 6 for heartbeats, 3 for the small topics.
    fn default() -> Self {
        Self::with_partitions(6, 3)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        PipelineTopics::default().validate().unwrap();
        PipelineTopics::with_partitions(48, 12).validate().unwrap();
    }

    #[test]
    fn bad_names_and_partitions_name_the_field() {
        let mut topics = PipelineTopics::default();
        topics.video_watch_daily.name = "video watch daily".into();
        let err = topics.validate().unwrap_err().to_string();
        assert!(err.starts_with("topics.video_watch_daily.name"), "{err}");

        let mut topics = PipelineTopics::default();
        topics.heartbeats.partitions = 0;
        let err = topics.validate().unwrap_err().to_string();
        assert!(err.starts_with("topics.heartbeats.partitions"), "{err}");

        let mut topics = PipelineTopics::default();
        topics.dead_letter.name = "heartbeats".into();
        let err = topics.validate().unwrap_err().to_string();
        assert!(
            err.contains("topics.heartbeats.name and topics.dead_letter.name"),
            "{err}"
        );
    }
}
