//! Window, grace and serialization settings of the pipeline.

use anyhow::Result;
use heartbeat_contract::HEARTBEAT_INTERVAL_SECS;
use platform_core::Problems;
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
    /// How long the `EMIT FINAL` windows (watched segments, hourly ad impressions) keep closed
    /// windows in their state store (ksqlDB `RETENTION`). Kafka Streams drops a store segment
    /// (half the retention long) once stream time passes it by the retention, and a record
    /// that moves stream time forward drops them *before* the wall-clock emit check publishes
    /// the windows it closed; so a closed window survives a stream-time jump of up to
    /// `retention / 2 - (window + grace)`. Default 2 days (172,800 s); at least
    /// [`PipelineSettings::min_final_window_retention_secs`] for the hour window.
    pub window_retention_secs: u32,
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
            window_retention_secs: 2 * 86_400,
            value_format: ValueFormat::Avro,
            applier_image: DEFAULT_APPLIER_IMAGE.into(),
            sink_tasks_max: 2,
        }
    }
}

/// The longest accepted grace period: one day (state grows with it).
pub const MAX_GRACE_PERIOD_SECS: u32 = 86_400;

/// The largest forward jump of stream time (on one partition, between two emit checks) that
/// the `EMIT FINAL` windows are designed to survive: 12 hours. Jumps come from a partition
/// that was idle (at night, in a small deployment), a device clock ahead (the contract allows
/// 5 minutes), or catching up a backlog.
pub const DESIGNED_STREAM_TIME_JUMP_SECS: u32 = 12 * 3_600;

/// The size of the ad impressions' tumbling window, the longest `EMIT FINAL` window.
pub const IMPRESSION_WINDOW_SECS: u32 = 3_600;

/// The longest accepted window retention: 30 days.
pub const MAX_WINDOW_RETENTION_SECS: u32 = 30 * 86_400;

impl PipelineSettings {
    /// The smallest retention that keeps a closed `EMIT FINAL` window of `window_secs`
    /// (tumbling size or session gap) through a stream-time jump of
    /// [`DESIGNED_STREAM_TIME_JUMP_SECS`]: `2 × (window + grace + jump)`, because Kafka Streams
    /// drops whole store segments of half the retention.
    pub fn min_final_window_retention_secs(&self, window_secs: u32) -> u64 {
        2 * (u64::from(window_secs)
            + u64::from(self.grace_period_secs)
            + u64::from(DESIGNED_STREAM_TIME_JUMP_SECS))
    }

    /// The largest stream-time jump a closed `EMIT FINAL` window of `window_secs` survives
    /// with the configured retention.
    pub fn survivable_stream_time_jump_secs(&self, window_secs: u32) -> u64 {
        (u64::from(self.window_retention_secs) / 2)
            .saturating_sub(u64::from(window_secs) + u64::from(self.grace_period_secs))
    }

    /// Checks every setting; the error names the setting and the accepted range.
    pub fn validate(&self) -> Result<()> {
        let mut problems = Problems::new("");
        self.check(&mut problems);
        problems.into_result().map_err(Into::into)
    }

    /// Records every problem of the settings in `problems`, each under its field name
    /// (`sessionGapSecs`, ...), so the stack reports them all at once.
    pub fn check(&self, problems: &mut Problems) {
        let interval = HEARTBEAT_INTERVAL_SECS;
        problems.check(
            self.session_gap_secs > interval && self.session_gap_secs <= 3_600,
            "sessionGapSecs",
            self.session_gap_secs,
            format!(
                "must be more than the heartbeat interval ({interval} s), or every heartbeat \
                 becomes its own segment, and at most 3600"
            ),
        );
        problems.check(
            self.grace_period_secs <= MAX_GRACE_PERIOD_SECS,
            "gracePeriodSecs",
            self.grace_period_secs,
            format!("must be at most {MAX_GRACE_PERIOD_SECS} (one day)"),
        );
        problems.check(
            (1..=3_600).contains(&self.dedup_window_secs),
            "dedupWindowSecs",
            self.dedup_window_secs,
            "must be from 1 to 3600",
        );
        let longest = IMPRESSION_WINDOW_SECS.max(self.session_gap_secs);
        let min_retention = self.min_final_window_retention_secs(longest);
        problems.check(
            u64::from(self.window_retention_secs) >= min_retention
                && self.window_retention_secs <= MAX_WINDOW_RETENTION_SECS,
            "windowRetentionSecs",
            self.window_retention_secs,
            format!(
                "must be at least {min_retention} (2 × (the {longest} s window + \
                 gracePeriodSecs {} + the designed stream-time jump of \
                 {DESIGNED_STREAM_TIME_JUMP_SECS} s)) and at most {MAX_WINDOW_RETENTION_SECS}",
                self.grace_period_secs
            ),
        );
        let tag = self.applier_image.rsplit_once(':').map(|(_, tag)| tag);
        problems.check(
            !tag.is_none_or(|tag| tag.is_empty() || tag == "latest" || tag.contains('/')),
            "applierImage",
            format!("{:?}", self.applier_image),
            format!("pin an image tag (not :latest), such as {DEFAULT_APPLIER_IMAGE}"),
        );
        problems.check(
            (1..=64).contains(&self.sink_tasks_max),
            "sinkTasksMax",
            self.sink_tasks_max,
            "must be from 1 to 64",
        );
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
        // 2 × (3600 + 600 + 43200): the hour window through a 12-hour jump.
        assert_eq!(s.min_final_window_retention_secs(3_600), 94_800);
        assert_eq!(s.survivable_stream_time_jump_secs(3_600), 86_400 - 4_200);
        assert_eq!(s.survivable_stream_time_jump_secs(20), 86_400 - 620);
    }

    #[test]
    fn each_bad_setting_is_named() {
        type Break = fn(&mut PipelineSettings);
        let cases: [(&str, Break); 10] = [
            ("windowRetentionSecs", |s| s.window_retention_secs = 94_799),
            ("windowRetentionSecs", |s| s.grace_period_secs = 86_400),
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
            assert!(err.contains(&format!("  - {field} = ")), "{err}");
        }
    }

    #[test]
    fn every_bad_setting_is_reported_at_once() {
        let s = PipelineSettings {
            session_gap_secs: 1,
            dedup_window_secs: 0,
            sink_tasks_max: 65,
            ..PipelineSettings::default()
        };
        let mut problems = Problems::new("heartbeat-platform:pipeline");
        s.check(&mut problems);
        let keys: Vec<_> = problems.list().iter().map(|p| p.key.as_str()).collect();
        assert_eq!(
            keys,
            [
                "heartbeat-platform:pipeline.sessionGapSecs",
                "heartbeat-platform:pipeline.dedupWindowSecs",
                "heartbeat-platform:pipeline.sinkTasksMax"
            ]
        );
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
