//! Window, grace and serialization settings of the pipeline.

use anyhow::{Result, bail};
use heartbeat_contract::HEARTBEAT_INTERVAL_SECS;
use serde::{Deserialize, Serialize};

/// The value format of every topic ksqlDB writes, through the Schema Registry.
///
/// A JDBC sink needs values that carry a schema; plain ksqlDB `JSON` has none. The default is
/// [`ValueFormat::Avro`]: the most used and tested ksqlDB format with the Schema Registry,
/// compact binary on the wire, and its types (long, double, string) map one to one onto the
/// sink's column types. `JSON_SR` works the same way with larger records.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ValueFormat {
    /// Avro, schemas in the Schema Registry.
    #[default]
    Avro,
    /// JSON Schema, schemas in the Schema Registry.
    JsonSr,
}

impl ValueFormat {
    /// The name ksqlDB uses in `VALUE_FORMAT=`.
    pub fn ksql_name(self) -> &'static str {
        match self {
            Self::Avro => "AVRO",
            Self::JsonSr => "JSON_SR",
        }
    }

    /// The Kafka Connect converter class that reads this format.
    pub fn converter_class(self) -> &'static str {
        match self {
            Self::Avro => "io.confluent.connect.avro.AvroConverter",
            Self::JsonSr => "io.confluent.connect.json.JsonSchemaConverter",
        }
    }

    /// The Maven artifact (`group:artifact`) with that converter, published in Confluent's
    /// Maven repository (not Maven Central); its transitive dependencies come with it.
    pub fn converter_artifact(self) -> &'static str {
        match self {
            Self::Avro => "io.confluent:kafka-connect-avro-converter",
            Self::JsonSr => "io.confluent:kafka-connect-json-schema-converter",
        }
    }
}

/// Settings of the pipeline (config section `heartbeat-platform:pipeline`, camelCase keys).
/// Durations are whole seconds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct PipelineSettings {
    /// Inactivity gap that closes a watched segment (session window). Default 20 s: four
    /// heartbeat intervals. Three intervals (15 s) would sit exactly on the boundary of two lost
    /// heartbeats, so a few milliseconds of device timer jitter would split a segment; 20 s
    /// tolerates two lost heartbeats with 5 s to spare, and a pause longer than that starts a
    /// new segment.
    pub session_gap_secs: u32,
    /// How late (in event time) a heartbeat may arrive and still count, for every window.
    /// Default 600 s: mobile players reconnecting within 10 minutes. `EMIT FINAL` publishes a
    /// window only after its end plus this grace, so it is also the output delay.
    pub grace_period_secs: u32,
    /// Size of the tumbling window in which duplicate heartbeats (same event id) are dropped.
    /// Copies carry the same event time, so they always fall into the same window; the size
    /// only bounds state. Default 60 s.
    pub dedup_window_secs: u32,
    /// Value format of every topic ksqlDB writes.
    pub value_format: ValueFormat,
    /// The `ksql-applier` image the statements Job runs, with a pinned tag (not `:latest`).
    pub applier_image: String,
    /// Tasks per JDBC sink connector. Default 2: the design peak is about 1,000 output rows/s
    /// (0.01 per heartbeat), well within one task's upsert rate; the second task spreads the
    /// writes over two Connect workers.
    pub sink_tasks_max: u32,
}

/// The default `ksql-applier` image (built from `programs/ksql-applier/Dockerfile`).
pub const DEFAULT_APPLIER_IMAGE: &str = "ghcr.io/heartbeat-platform/ksql-applier:0.1.0";

impl Default for PipelineSettings {
    fn default() -> Self {
        Self {
            session_gap_secs: 4 * HEARTBEAT_INTERVAL_SECS,
            grace_period_secs: 600,
            dedup_window_secs: 60,
            value_format: ValueFormat::Avro,
            applier_image: DEFAULT_APPLIER_IMAGE.into(),
            sink_tasks_max: 2,
        }
    }
}

/// The longest accepted grace period: one day (state grows with it).
pub const MAX_GRACE_PERIOD_SECS: u32 = 86_400;

impl PipelineSettings {
    /// Checks every setting; the error names the setting and the accepted range.
    pub fn validate(&self) -> Result<()> {
        let interval = HEARTBEAT_INTERVAL_SECS;
        if self.session_gap_secs <= interval || self.session_gap_secs > 3_600 {
            bail!(
                "sessionGapSecs = {}: must be more than the heartbeat interval ({interval} s), \
                 or every heartbeat becomes its own segment, and at most 3600",
                self.session_gap_secs
            );
        }
        if self.grace_period_secs > MAX_GRACE_PERIOD_SECS {
            bail!(
                "gracePeriodSecs = {}: must be at most {MAX_GRACE_PERIOD_SECS} (one day)",
                self.grace_period_secs
            );
        }
        if !(1..=3_600).contains(&self.dedup_window_secs) {
            bail!(
                "dedupWindowSecs = {}: must be from 1 to 3600",
                self.dedup_window_secs
            );
        }
        let tag = self.applier_image.rsplit_once(':').map(|(_, tag)| tag);
        if tag.is_none_or(|tag| tag.is_empty() || tag == "latest" || tag.contains('/')) {
            bail!(
                "applierImage {:?}: pin an image tag (not :latest), such as {DEFAULT_APPLIER_IMAGE}",
                self.applier_image
            );
        }
        if !(1..=64).contains(&self.sink_tasks_max) {
            bail!(
                "sinkTasksMax = {}: must be from 1 to 64",
                self.sink_tasks_max
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_documented() {
        let s = PipelineSettings::default();
        s.validate().unwrap();
        assert_eq!(s.session_gap_secs, 20);
        assert_eq!(s.value_format.ksql_name(), "AVRO");
    }

    #[test]
    fn each_bad_setting_is_named() {
        type Break = fn(&mut PipelineSettings);
        let cases: [(&str, Break); 8] = [
            ("sessionGapSecs", |s| s.session_gap_secs = 5),
            ("sessionGapSecs", |s| s.session_gap_secs = 3_601),
            ("gracePeriodSecs", |s| s.grace_period_secs = 86_401),
            ("dedupWindowSecs", |s| s.dedup_window_secs = 0),
            ("applierImage", |s| s.applier_image = "ksql-applier".into()),
            ("applierImage", |s| {
                s.applier_image = "ksql-applier:latest".into()
            }),
            ("applierImage", |s| {
                s.applier_image = "registry:5000/ksql-applier".into()
            }),
            ("sinkTasksMax", |s| s.sink_tasks_max = 0),
        ];
        for (field, breaks) in cases {
            let mut s = PipelineSettings::default();
            breaks(&mut s);
            let err = s.validate().unwrap_err().to_string();
            assert!(err.starts_with(field), "{err}");
        }
    }

    #[test]
    fn settings_read_from_config_with_defaults() {
        let s: PipelineSettings =
            serde_json::from_str(r#"{"sessionGapSecs": 30, "valueFormat": "JSON_SR"}"#).unwrap();
        assert_eq!(s.session_gap_secs, 30);
        assert_eq!(s.grace_period_secs, 600);
        assert_eq!(s.value_format, ValueFormat::JsonSr);
        assert_eq!(s.applier_image, DEFAULT_APPLIER_IMAGE);
        let err =
            serde_json::from_str::<PipelineSettings>(r#"{"session_gap_secs": 30}"#).unwrap_err();
        assert!(
            err.to_string().contains("unknown field `session_gap_secs`"),
            "{err}"
        );
    }
}
