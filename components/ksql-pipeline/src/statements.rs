//! The ksqlDB statements of the pipeline, in dependency order, built from typed inputs.
//!
//! ```text
//! heartbeats (stream, JSON from the ingest API, event time from the payload)
//!   -> heartbeat_copies (table: copies per event id so far, tumbling dedup window)
//!        -> unique_heartbeats (stream over its topic; COPIES = 1 is the first copy)
//!             -> watched_segments (session windows per viewer and video, EMIT FINAL)
//!             -> video_watch_daily (per video and UTC day, EMIT CHANGES; royalties are
//!                computed from it in the database, with the license terms)
//!             -> ad_impressions_hourly (tumbling hour per ad and campaign, EMIT FINAL)
//!   -> continue_watching (table: latest position per viewer and video, EMIT CHANGES)
//! ```

use std::collections::BTreeMap;

use anyhow::Result;
use heartbeat_contract::HEARTBEAT_INTERVAL_SECS;
use serde::{Deserialize, Serialize};

use crate::settings::{IMPRESSION_WINDOW_SECS, PipelineSettings};
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

/// The UTC day of a heartbeat's event time, `yyyy-MM-dd`.
const DAY_OF_EVENT: &str = "TIMESTAMPTOSTRING(event_time_ms, 'yyyy-MM-dd', 'UTC')";

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
    // The dedup window emits every change at once (EMIT CHANGES): an expired window loses no
    // output, so it keeps the least Kafka Streams accepts, size + grace.
    let dedup_retention = dedup + grace;
    let retention = settings.window_retention_secs;
    let hour = IMPRESSION_WINDOW_SECS;
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

    // No HAVING: a HAVING that stops holding turns the row into a tombstone, which every
    // reader of the topic meets as a null value. Each copy is a row with its count instead,
    // and readers keep COPIES = 1.
    let copies = format!(
        "CREATE TABLE IF NOT EXISTS heartbeat_copies {} AS
  SELECT event_id,
         EARLIEST_BY_OFFSET(viewer_id) AS viewer_id,
         EARLIEST_BY_OFFSET(video_id) AS video_id,
         EARLIEST_BY_OFFSET(session_id) AS session_id,
         EARLIEST_BY_OFFSET(position_secs) AS position_secs,
         EARLIEST_BY_OFFSET(event_time_ms) AS event_time_ms,
         EARLIEST_BY_OFFSET(ad->ad_id) AS ad_id,
         EARLIEST_BY_OFFSET(ad->campaign_id) AS campaign_id,
         COUNT(*) AS copies
  FROM heartbeats
  WINDOW TUMBLING (SIZE {dedup} SECONDS, RETENTION {dedup_retention} SECONDS, GRACE PERIOD {grace} SECONDS)
  GROUP BY event_id
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
  campaign_id VARCHAR,
  copies BIGINT
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
  WINDOW SESSION ({gap} SECONDS, RETENTION {retention} SECONDS, GRACE PERIOD {grace} SECONDS)
  WHERE copies = 1
  GROUP BY viewer_id, video_id
  EMIT FINAL;",
        with(&topics.watched_segments, "JSON")
    );

    // Every heartbeat, duplicates included (a copy repeats the same position), straight from
    // the input: no dedup hop, no window, so nothing is too late for it. LATEST_BY_OFFSET is
    // the last to arrive; the database keeps the row with the latest event time.
    let continue_watching = format!(
        "CREATE TABLE IF NOT EXISTS continue_watching {} AS
  SELECT viewer_id AS viewer_key,
         video_id AS video_key,
         AS_VALUE(viewer_id) AS viewer_id,
         AS_VALUE(video_id) AS video_id,
         LATEST_BY_OFFSET(position_secs) AS position_secs,
         LATEST_BY_OFFSET(event_time_ms) AS event_time_ms,
         LATEST_BY_OFFSET(device) AS device
  FROM heartbeats
  GROUP BY viewer_id, video_id
  EMIT CHANGES;",
        with(&topics.continue_watching, "JSON")
    );

    let video_watch_daily = format!(
        "CREATE TABLE IF NOT EXISTS video_watch_daily {} AS
  SELECT video_id AS video_key,
         {DAY_OF_EVENT} AS watch_day_key,
         AS_VALUE(video_id) AS video_id,
         AS_VALUE({DAY_OF_EVENT}) AS watch_day,
         COUNT(*) AS heartbeat_count,
         COUNT(*) * {interval} AS watched_secs
  FROM unique_heartbeats
  WHERE copies = 1
  GROUP BY video_id, {DAY_OF_EVENT}
  EMIT CHANGES;",
        with(&topics.video_watch_daily, "JSON")
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
  WINDOW TUMBLING (SIZE {hour} SECONDS, RETENTION {retention} SECONDS, GRACE PERIOD {grace} SECONDS)
  WHERE copies = 1 AND ad_id IS NOT NULL
  GROUP BY ad_id, campaign_id
  EMIT FINAL;",
        with(&topics.ad_impressions_hourly, "JSON")
    );

    let from_earliest = [("auto.offset.reset", "earliest")];
    // Without the record cache every copy's row is emitted; with it, the first copy's row
    // (COPIES = 1) and the second's could be folded into the second, and the heartbeat lost.
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
        statement("heartbeat_copies", copies, &uncached),
        statement("unique_heartbeats", unique_heartbeats, &[]),
        statement("watched_segments", watched_segments, &from_earliest),
        statement("continue_watching", continue_watching, &from_earliest),
        statement("video_watch_daily", video_watch_daily, &from_earliest),
        statement("ad_impressions_hourly", impressions, &from_earliest),
    ])
}
