//! The ksqlDB statements of the pipeline, in dependency order, built from typed inputs.
//!
//! ```text
//! heartbeats (stream, JSON from the ingest API, event time from the payload)
//!   -> heartbeat_first_copies (table: first copy of each event id)  -> unique_heartbeats (stream)
//!        -> watched_segments (session windows per viewer and video, EMIT FINAL)
//!             -> watched_segment_events (stream) -> segments_by_video (re-keyed by video id)
//!                  -> royalties_daily (JOIN video_licenses; per holder, video and day)
//!        -> ad_impressions_hourly (tumbling hour per ad and campaign, EMIT FINAL)
//! video_licenses (table, JSON, keyed by video id)
//! ```

use std::collections::BTreeMap;

use anyhow::Result;
use heartbeat_contract::HEARTBEAT_INTERVAL_SECS;
use serde::{Deserialize, Serialize};

use crate::settings::PipelineSettings;
use crate::topics::PipelineTopics;

/// One ksqlDB statement and the properties it must run with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KsqlStatement {
    /// The stream or table the statement creates.
    pub name: String,
    /// The statement, ending with `;`.
    pub sql: String,
    /// Property overrides sent with it (`streamsProperties` of ksqlDB's `POST /ksql`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub properties: BTreeMap<String, String>,
}

/// Format of the UTC day that royalties are grouped by.
const DAY_OF_START: &str = "TIMESTAMPTOSTRING(s.start_time_ms, 'yyyy-MM-dd', 'UTC')";

/// Every statement of the pipeline, in the order they must be applied. Validates the inputs
/// first; the error names the bad field.
pub fn pipeline_statements(
    topics: &PipelineTopics,
    settings: &PipelineSettings,
) -> Result<Vec<KsqlStatement>> {
    topics.validate()?;
    settings.validate()?;
    let format = settings.value_format.ksql_name();
    let gap = settings.session_gap_secs;
    let grace = settings.grace_period_secs;
    let dedup = settings.dedup_window_secs;
    let interval = HEARTBEAT_INTERVAL_SECS;
    let with = |topic: &crate::topics::TopicSpec, key_format: &str| {
        format!(
            "WITH (KAFKA_TOPIC='{}', PARTITIONS={}, KEY_FORMAT='{key_format}', VALUE_FORMAT='{format}')",
            topic.name, topic.partitions
        )
    };

    let heartbeats = format!(
        "CREATE STREAM IF NOT EXISTS heartbeats (
  viewer_id VARCHAR KEY,
  event_id VARCHAR,
  video_id VARCHAR,
  session_id VARCHAR,
  position_secs DOUBLE,
  event_time_ms BIGINT,
  device VARCHAR,
  ad STRUCT<ad_id VARCHAR, campaign_id VARCHAR>,
  schema_version INT,
  received_at_ms BIGINT
) WITH (KAFKA_TOPIC='{}', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', TIMESTAMP='event_time_ms');",
        topics.heartbeats.name
    );

    let video_licenses = format!(
        "CREATE TABLE IF NOT EXISTS video_licenses (
  video_id VARCHAR PRIMARY KEY,
  license_holder_id VARCHAR,
  rate_per_hour DOUBLE
) WITH (KAFKA_TOPIC='{}', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON');",
        topics.video_licenses.name
    );

    let first_copies = format!(
        "CREATE TABLE IF NOT EXISTS heartbeat_first_copies {} AS
  SELECT event_id,
         EARLIEST_BY_OFFSET(viewer_id) AS viewer_id,
         EARLIEST_BY_OFFSET(video_id) AS video_id,
         EARLIEST_BY_OFFSET(session_id) AS session_id,
         EARLIEST_BY_OFFSET(position_secs) AS position_secs,
         EARLIEST_BY_OFFSET(event_time_ms) AS event_time_ms,
         EARLIEST_BY_OFFSET(ad->ad_id) AS ad_id,
         EARLIEST_BY_OFFSET(ad->campaign_id) AS campaign_id
  FROM heartbeats
  WINDOW TUMBLING (SIZE {dedup} SECONDS, GRACE PERIOD {grace} SECONDS)
  GROUP BY event_id
  HAVING COUNT(*) = 1
  EMIT CHANGES;",
        with(&topics.unique_heartbeats, "KAFKA")
    );

    let unique_heartbeats = format!(
        "CREATE STREAM IF NOT EXISTS unique_heartbeats (
  viewer_id VARCHAR,
  video_id VARCHAR,
  session_id VARCHAR,
  position_secs DOUBLE,
  event_time_ms BIGINT,
  ad_id VARCHAR,
  campaign_id VARCHAR
) WITH (KAFKA_TOPIC='{}', KEY_FORMAT='NONE', VALUE_FORMAT='{format}', TIMESTAMP='event_time_ms');",
        topics.unique_heartbeats.name
    );

    let watched_segments = format!(
        "CREATE TABLE IF NOT EXISTS watched_segments {} AS
  SELECT viewer_id AS viewer_key,
         video_id AS video_key,
         AS_VALUE(viewer_id) AS viewer_id,
         AS_VALUE(video_id) AS video_id,
         WINDOWSTART AS start_time_ms,
         WINDOWEND AS end_time_ms,
         MIN(position_secs) AS start_position_secs,
         MAX(position_secs) AS end_position_secs,
         COUNT(*) AS heartbeat_count,
         COUNT(*) * {interval} AS watched_secs
  FROM unique_heartbeats
  WINDOW SESSION ({gap} SECONDS, GRACE PERIOD {grace} SECONDS)
  GROUP BY viewer_id, video_id
  EMIT FINAL;",
        with(&topics.watched_segments, "JSON")
    );

    let segment_events = format!(
        "CREATE STREAM IF NOT EXISTS watched_segment_events (
  viewer_id VARCHAR,
  video_id VARCHAR,
  start_time_ms BIGINT,
  end_time_ms BIGINT,
  start_position_secs DOUBLE,
  end_position_secs DOUBLE,
  heartbeat_count BIGINT,
  watched_secs BIGINT
) WITH (KAFKA_TOPIC='{}', KEY_FORMAT='NONE', VALUE_FORMAT='{format}');",
        topics.watched_segments.name
    );

    let segments_by_video = format!(
        "CREATE STREAM IF NOT EXISTS segments_by_video {} AS
  SELECT video_id,
         viewer_id,
         start_time_ms,
         watched_secs
  FROM watched_segment_events
  PARTITION BY video_id
  EMIT CHANGES;",
        with(&topics.segments_by_video, "KAFKA")
    );

    let royalties = format!(
        "CREATE TABLE IF NOT EXISTS royalties_daily {} AS
  SELECT l.license_holder_id AS license_holder_key,
         s.video_id AS video_key,
         {DAY_OF_START} AS watch_day_key,
         AS_VALUE(l.license_holder_id) AS license_holder_id,
         AS_VALUE(s.video_id) AS video_id,
         AS_VALUE({DAY_OF_START}) AS watch_day,
         SUM(s.watched_secs) AS watched_secs,
         SUM(s.watched_secs * l.rate_per_hour / 3600.0) AS royalty_amount
  FROM segments_by_video s
  JOIN video_licenses l ON s.video_id = l.video_id
  GROUP BY l.license_holder_id, s.video_id, {DAY_OF_START}
  EMIT CHANGES;",
        with(&topics.royalties_daily, "JSON")
    );

    let impressions = format!(
        "CREATE TABLE IF NOT EXISTS ad_impressions_hourly {} AS
  SELECT ad_id AS ad_key,
         campaign_id AS campaign_key,
         AS_VALUE(ad_id) AS ad_id,
         AS_VALUE(campaign_id) AS campaign_id,
         WINDOWSTART AS hour_start_ms,
         WINDOWEND AS hour_end_ms,
         COUNT_DISTINCT(CONCAT(viewer_id, '/', session_id)) AS impressions,
         COUNT(*) * {interval} AS seconds_shown
  FROM unique_heartbeats
  WINDOW TUMBLING (SIZE 1 HOUR, GRACE PERIOD {grace} SECONDS)
  WHERE ad_id IS NOT NULL
  GROUP BY ad_id, campaign_id
  EMIT FINAL;",
        with(&topics.ad_impressions_hourly, "JSON")
    );

    let from_earliest = [("auto.offset.reset", "earliest")];
    // Without the record cache the first copy of an event id is emitted before a duplicate can
    // overwrite it with the tombstone that HAVING COUNT(*) = 1 produces.
    let uncached = [
        ("auto.offset.reset", "earliest"),
        ("ksql.streams.cache.max.bytes.buffering", "0"),
    ];
    let statement = |name: &str, sql: String, properties: &[(&str, &str)]| KsqlStatement {
        name: name.into(),
        sql,
        properties: properties
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
    };
    Ok(vec![
        statement("heartbeats", heartbeats, &[]),
        statement("video_licenses", video_licenses, &[]),
        statement("heartbeat_first_copies", first_copies, &uncached),
        statement("unique_heartbeats", unique_heartbeats, &[]),
        statement("watched_segments", watched_segments, &from_earliest),
        statement("watched_segment_events", segment_events, &[]),
        statement("segments_by_video", segments_by_video, &from_earliest),
        statement("royalties_daily", royalties, &from_earliest),
        statement("ad_impressions_hourly", impressions, &from_earliest),
    ])
}
