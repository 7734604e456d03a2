//! The output tables as the database sees them: columns, types, keys and the migration that
//! creates them. The DDL and the JDBC sink connectors are built from these; tests hold them to
//! the ksqlDB statements.

use crate::topics::{PipelineTopics, TopicSpec};

/// The type of a sink column, as ksqlDB writes it and as the database stores it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnType {
    /// ksqlDB `VARCHAR`, Avro `string`, PostgreSQL `TEXT`.
    Text,
    /// ksqlDB `BIGINT`, Avro `long`, PostgreSQL `BIGINT`.
    BigInt,
    /// ksqlDB `DOUBLE`, Avro `double`, PostgreSQL `DOUBLE PRECISION`.
    Double,
}

impl ColumnType {
    /// The PostgreSQL (and YSQL) type.
    pub fn sql_type(self) -> &'static str {
        match self {
            Self::Text => "TEXT",
            Self::BigInt => "BIGINT",
            Self::Double => "DOUBLE PRECISION",
        }
    }
}

/// One column of a sink table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SinkColumn {
    /// The column name (lower case; the record field is the same name in upper case, as
    /// ksqlDB writes unquoted identifiers).
    pub name: &'static str,
    /// The column type.
    pub ty: ColumnType,
}

/// Which pipeline topic feeds a sink table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SinkSource {
    /// `topics.watched_segments`.
    WatchedSegments,
    /// `topics.continue_watching`.
    ContinueWatching,
    /// `topics.video_watch_daily`.
    VideoWatchDaily,
    /// `topics.ad_impressions_hourly`.
    AdImpressionsHourly,
}

/// An output table of the pipeline in the database.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SinkTable {
    /// The table name (also the name of the ksqlDB table that feeds it).
    pub name: &'static str,
    /// The topic it is loaded from.
    pub source: SinkSource,
    /// Every column, in order.
    pub columns: &'static [SinkColumn],
    /// The primary key: the upsert key, taken from the record value.
    pub primary_key: &'static [&'static str],
    /// The leading primary key columns that YSQL hash-shards on.
    pub hash_key: &'static [&'static str],
    /// The schema migration that creates the table.
    pub migration: u32,
}

impl SinkTable {
    /// The topic this table is loaded from.
    pub fn topic<'a>(&self, topics: &'a PipelineTopics) -> &'a TopicSpec {
        match self.source {
            SinkSource::WatchedSegments => &topics.watched_segments,
            SinkSource::ContinueWatching => &topics.continue_watching,
            SinkSource::VideoWatchDaily => &topics.video_watch_daily,
            SinkSource::AdImpressionsHourly => &topics.ad_impressions_hourly,
        }
    }

    /// The record field names of the primary key (upper case, as ksqlDB writes them).
    pub fn primary_key_fields(&self) -> Vec<String> {
        self.primary_key
            .iter()
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }
}

const fn col(name: &'static str, ty: ColumnType) -> SinkColumn {
    SinkColumn { name, ty }
}

use ColumnType::{BigInt, Double, Text};

/// Watched segments: one row per final session window of a viewer on a video. Hash-sharded on
/// the viewer ("continue watching" reads one viewer's rows).
pub const WATCHED_SEGMENTS: SinkTable = SinkTable {
    name: "watched_segments",
    source: SinkSource::WatchedSegments,
    columns: &[
        col("viewer_id", Text),
        col("video_id", Text),
        col("start_time_ms", BigInt),
        col("end_time_ms", BigInt),
        col("start_position_secs", Double),
        col("end_position_secs", Double),
        col("heartbeat_count", BigInt),
        col("watched_secs", BigInt),
    ],
    primary_key: &["viewer_id", "video_id", "start_time_ms"],
    hash_key: &["viewer_id"],
    migration: 1,
};

/// The latest position of each viewer on each video, whichever device played it: what
/// "continue watching" reads. Hash-sharded on the viewer; the database keeps the row with the
/// latest event time (a trigger, see [`crate::ddl`]), so a late or replayed record cannot move
/// it back.
pub const CONTINUE_WATCHING: SinkTable = SinkTable {
    name: "continue_watching",
    source: SinkSource::ContinueWatching,
    columns: &[
        col("viewer_id", Text),
        col("video_id", Text),
        col("position_secs", Double),
        col("event_time_ms", BigInt),
        col("device", Text),
    ],
    primary_key: &["viewer_id", "video_id"],
    hash_key: &["viewer_id"],
    migration: 2,
};

/// Watched seconds per video and UTC day of the heartbeats' event time, every accepted,
/// de-duplicated heartbeat counted once; royalties are computed from it with the license
/// terms in force that day (the `royalties_daily` view). Hash-sharded on the video.
pub const VIDEO_WATCH_DAILY: SinkTable = SinkTable {
    name: "video_watch_daily",
    source: SinkSource::VideoWatchDaily,
    columns: &[
        col("video_id", Text),
        col("watch_day", Text),
        col("heartbeat_count", BigInt),
        col("watched_secs", BigInt),
    ],
    primary_key: &["video_id", "watch_day"],
    hash_key: &["video_id"],
    migration: 2,
};

/// Ad impressions: distinct playback sessions and seconds shown per ad, campaign and hour.
/// Hash-sharded on the ad.
pub const AD_IMPRESSIONS_HOURLY: SinkTable = SinkTable {
    name: "ad_impressions_hourly",
    source: SinkSource::AdImpressionsHourly,
    columns: &[
        col("ad_id", Text),
        col("campaign_id", Text),
        col("hour_start_ms", BigInt),
        col("hour_end_ms", BigInt),
        col("impressions", BigInt),
        col("seconds_shown", BigInt),
    ],
    primary_key: &["ad_id", "campaign_id", "hour_start_ms"],
    hash_key: &["ad_id"],
    migration: 1,
};

/// The sink tables.
pub const SINK_TABLES: [SinkTable; 4] = [
    WATCHED_SEGMENTS,
    CONTINUE_WATCHING,
    VIDEO_WATCH_DAILY,
    AD_IMPRESSIONS_HOURLY,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_columns_and_hash_keys_lead_the_primary_key() {
        for table in SINK_TABLES {
            for key in table.primary_key {
                assert!(
                    table.columns.iter().any(|c| c.name == *key),
                    "{}: key {key} is not a column",
                    table.name
                );
            }
            assert_eq!(
                &table.primary_key[..table.hash_key.len()],
                table.hash_key,
                "{}",
                table.name
            );
        }
    }
}
