//! Golden tests: the exact text of every statement for the default topics and settings,
//! written out by hand.

use ksql_pipeline::{PipelineSettings, PipelineTopics, pipeline_statements};

const GOLDEN: [(&str, &str); 7] = [
    (
        "heartbeats",
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
) WITH (KAFKA_TOPIC='heartbeats', KEY_FORMAT='KAFKA', VALUE_FORMAT='JSON', TIMESTAMP='event_time_ms');",
    ),
    (
        "heartbeat_copies",
        "CREATE TABLE IF NOT EXISTS heartbeat_copies WITH (KAFKA_TOPIC='heartbeats-unique', PARTITIONS=6, KEY_FORMAT='KAFKA', VALUE_FORMAT='AVRO') AS
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
  WINDOW TUMBLING (SIZE 60 SECONDS, RETENTION 660 SECONDS, GRACE PERIOD 600 SECONDS)
  GROUP BY event_id
  EMIT CHANGES;",
    ),
    (
        "unique_heartbeats",
        "CREATE STREAM IF NOT EXISTS unique_heartbeats (
  viewer_id VARCHAR,
  video_id VARCHAR,
  session_id VARCHAR,
  position_secs DOUBLE,
  event_time_ms BIGINT,
  ad_id VARCHAR,
  campaign_id VARCHAR,
  copies BIGINT
) WITH (KAFKA_TOPIC='heartbeats-unique', KEY_FORMAT='NONE', VALUE_FORMAT='AVRO', TIMESTAMP='event_time_ms');",
    ),
    (
        "watched_segments",
        "CREATE TABLE IF NOT EXISTS watched_segments WITH (KAFKA_TOPIC='watched-segments', PARTITIONS=6, KEY_FORMAT='JSON', VALUE_FORMAT='AVRO') AS
  SELECT viewer_id AS viewer_key,
         video_id AS video_key,
         AS_VALUE(viewer_id) AS viewer_id,
         AS_VALUE(video_id) AS video_id,
         WINDOWSTART AS start_time_ms,
         WINDOWEND AS end_time_ms,
         MIN(position_secs) AS start_position_secs,
         MAX(position_secs) AS end_position_secs,
         COUNT(*) AS heartbeat_count,
         COUNT(*) * 5 AS watched_secs
  FROM unique_heartbeats
  WINDOW SESSION (20 SECONDS, RETENTION 172800 SECONDS, GRACE PERIOD 600 SECONDS)
  WHERE copies = 1
  GROUP BY viewer_id, video_id
  EMIT FINAL;",
    ),
    (
        "continue_watching",
        "CREATE TABLE IF NOT EXISTS continue_watching WITH (KAFKA_TOPIC='continue-watching', PARTITIONS=6, KEY_FORMAT='JSON', VALUE_FORMAT='AVRO') AS
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
    ),
    (
        "video_watch_daily",
        "CREATE TABLE IF NOT EXISTS video_watch_daily WITH (KAFKA_TOPIC='video-watch-daily', PARTITIONS=3, KEY_FORMAT='JSON', VALUE_FORMAT='AVRO') AS
  SELECT video_id AS video_key,
         TIMESTAMPTOSTRING(event_time_ms, 'yyyy-MM-dd', 'UTC') AS watch_day_key,
         AS_VALUE(video_id) AS video_id,
         AS_VALUE(TIMESTAMPTOSTRING(event_time_ms, 'yyyy-MM-dd', 'UTC')) AS watch_day,
         COUNT(*) AS heartbeat_count,
         COUNT(*) * 5 AS watched_secs
  FROM unique_heartbeats
  WHERE copies = 1
  GROUP BY video_id, TIMESTAMPTOSTRING(event_time_ms, 'yyyy-MM-dd', 'UTC')
  EMIT CHANGES;",
    ),
    (
        "ad_impressions_hourly",
        "CREATE TABLE IF NOT EXISTS ad_impressions_hourly WITH (KAFKA_TOPIC='ad-impressions-hourly', PARTITIONS=3, KEY_FORMAT='JSON', VALUE_FORMAT='AVRO') AS
  SELECT ad_id AS ad_key,
         campaign_id AS campaign_key,
         AS_VALUE(ad_id) AS ad_id,
         AS_VALUE(campaign_id) AS campaign_id,
         WINDOWSTART AS hour_start_ms,
         WINDOWEND AS hour_end_ms,
         COUNT_DISTINCT(CONCAT(viewer_id, '/', session_id)) AS impressions,
         COUNT(*) * 5 AS seconds_shown
  FROM unique_heartbeats
  WINDOW TUMBLING (SIZE 3600 SECONDS, RETENTION 172800 SECONDS, GRACE PERIOD 600 SECONDS)
  WHERE copies = 1 AND ad_id IS NOT NULL
  GROUP BY ad_id, campaign_id
  EMIT FINAL;",
    ),
];

#[test]
fn every_statement_matches_its_golden_text_in_order() {
    let statements =
        pipeline_statements(&PipelineTopics::default(), &PipelineSettings::default()).unwrap();
    assert_eq!(statements.len(), GOLDEN.len());
    for (statement, (name, sql)) in statements.iter().zip(GOLDEN) {
        assert_eq!(statement.name, name);
        assert_eq!(statement.sql, sql, "statement {name}");
    }
}

#[test]
fn persistent_queries_start_from_the_earliest_offset_and_dedup_runs_uncached() {
    let statements =
        pipeline_statements(&PipelineTopics::default(), &PipelineSettings::default()).unwrap();
    for statement in &statements {
        let is_query = statement.sql.contains(" AS\n  SELECT");
        assert_eq!(
            statement
                .properties
                .get("auto.offset.reset")
                .map(String::as_str),
            is_query.then_some("earliest"),
            "{}",
            statement.name
        );
    }
    let dedup = &statements[1];
    assert_eq!(
        dedup.properties["ksql.streams.cache.max.bytes.buffering"],
        "0"
    );
}

#[test]
fn json_sr_changes_only_the_value_format_of_what_ksqldb_writes() {
    let settings = PipelineSettings {
        value_format: ksql_pipeline::ValueFormat::JsonSr,
        ..Default::default()
    };
    let avro =
        pipeline_statements(&PipelineTopics::default(), &PipelineSettings::default()).unwrap();
    let json_sr = pipeline_statements(&PipelineTopics::default(), &settings).unwrap();
    for (a, j) in avro.iter().zip(&json_sr) {
        assert_eq!(
            a.sql
                .replace("VALUE_FORMAT='AVRO'", "VALUE_FORMAT='JSON_SR'"),
            j.sql
        );
    }
    assert!(json_sr[0].sql.contains("VALUE_FORMAT='JSON'"));
}
