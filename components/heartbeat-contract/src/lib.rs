//! The heartbeat contract, version 1: what a player sends every 5 seconds while a video plays,
//! and the exact record the ingest API writes to Kafka for the ksqlDB pipeline to read.
//!
//! One contract serves both ends, so the ingest API cannot accept a field the pipeline does not
//! know, and the pipeline cannot read a field the API never writes.
//!
//! | field | type | rule |
//! | --- | --- | --- |
//! | `event_id` | string | 8–64 chars of `[A-Za-z0-9_.:-]`; the device's unique id for this heartbeat, used for de-duplication |
//! | `viewer_id` | string | 1–64 chars of `[A-Za-z0-9_.:-]`; the Kafka key, so one viewer's heartbeats stay ordered |
//! | `video_id` | string | 1–64 chars of `[A-Za-z0-9_.:-]` |
//! | `session_id` | string | 1–64 chars of `[A-Za-z0-9_.:-]`; one playback session (one press of play) |
//! | `position_secs` | number | 0 ≤ position ≤ 172,800 (48 h); the playhead, in seconds from the start of the video |
//! | `event_time_ms` | integer | Unix epoch milliseconds on the device; at most 7 days old and 5 minutes ahead of the server |
//! | `device` | string | one of `tv`, `mobile`, `tablet`, `web`, `console`, `other` |
//! | `ad` | object or absent | the ad on screen, if any: `{ "ad_id": id, "campaign_id": id }` (ids as above) |
//!
//! Unknown fields are rejected. The record on the `heartbeats` topic is the same object plus
//! `schema_version` (always [`SCHEMA_VERSION`]) and `received_at_ms` (server time), keyed by
//! `viewer_id`.

use serde::{Deserialize, Serialize};

/// The version of this contract; written into every Kafka record.
pub const SCHEMA_VERSION: u32 = 1;
/// The interval at which players send heartbeats, in seconds.
pub const HEARTBEAT_INTERVAL_SECS: u32 = 5;
/// The largest accepted playhead position: 48 hours.
pub const MAX_POSITION_SECS: f64 = 172_800.0;
/// How old a heartbeat may be when it arrives (devices buffer while offline): 7 days.
pub const MAX_AGE_MS: i64 = 7 * 24 * 3_600_000;
/// How far ahead of the server clock a device's clock may run: 5 minutes.
pub const MAX_CLOCK_SKEW_MS: i64 = 5 * 60_000;
/// The longest accepted identifier.
pub const MAX_ID_LEN: usize = 64;
/// The shortest accepted event id (a random id shorter than this collides too often).
pub const MIN_EVENT_ID_LEN: usize = 8;
/// The most heartbeats one batch request may carry (a device that was offline for 40 minutes
/// has about 500 buffered).
pub const MAX_BATCH_LEN: usize = 500;

/// One watch-progress heartbeat, as a device posts it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Heartbeat {
    /// The device's unique id for this heartbeat (de-duplication key).
    pub event_id: String,
    /// The viewer (account profile) watching.
    pub viewer_id: String,
    /// The video being watched.
    pub video_id: String,
    /// The playback session: one continuous use of the player for this video.
    pub session_id: String,
    /// The playhead, in seconds from the start of the video.
    pub position_secs: f64,
    /// When the device took the heartbeat, in Unix epoch milliseconds.
    pub event_time_ms: i64,
    /// The kind of device.
    pub device: Device,
    /// The ad on screen when the heartbeat was taken, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ad: Option<AdContext>,
}

/// The ad on screen during a heartbeat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdContext {
    /// The ad creative.
    pub ad_id: String,
    /// The advertiser's campaign the ad belongs to.
    pub campaign_id: String,
}

/// The kind of device that sent a heartbeat.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Device {
    /// A smart TV or streaming stick.
    Tv,
    /// A phone.
    Mobile,
    /// A tablet.
    Tablet,
    /// A web browser.
    Web,
    /// A games console.
    Console,
    /// Anything else.
    Other,
}

/// The record the ingest API writes to the `heartbeats` topic (value; the key is `viewer_id`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeartbeatRecord {
    /// Always [`SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Server time when the API accepted the heartbeat, in Unix epoch milliseconds.
    pub received_at_ms: i64,
    /// The heartbeat as the device sent it.
    #[serde(flatten)]
    pub heartbeat: Heartbeat,
}

/// A rule a heartbeat broke: the JSON path of the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's path, such as `ad.campaign_id`.
    pub field: String,
    /// What is wrong and what is accepted.
    pub reason: String,
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.reason)
    }
}

impl std::error::Error for FieldError {}

impl Heartbeat {
    /// Checks every rule of the contract against the server clock `now_ms`; returns the first
    /// field that breaks one.
    pub fn validate(&self, now_ms: i64) -> Result<(), FieldError> {
        check_id("event_id", &self.event_id, MIN_EVENT_ID_LEN)?;
        check_id("viewer_id", &self.viewer_id, 1)?;
        check_id("video_id", &self.video_id, 1)?;
        check_id("session_id", &self.session_id, 1)?;
        if !(self.position_secs.is_finite()
            && (0.0..=MAX_POSITION_SECS).contains(&self.position_secs))
        {
            return Err(FieldError {
                field: "position_secs".into(),
                reason: format!("must be a number from 0 to {MAX_POSITION_SECS}"),
            });
        }
        if self.event_time_ms < now_ms - MAX_AGE_MS
            || self.event_time_ms > now_ms + MAX_CLOCK_SKEW_MS
        {
            return Err(FieldError {
                field: "event_time_ms".into(),
                reason: "must be Unix epoch milliseconds no more than 7 days old and no more than 5 minutes ahead of the server clock".into(),
            });
        }
        if let Some(ad) = &self.ad {
            check_id("ad.ad_id", &ad.ad_id, 1)?;
            check_id("ad.campaign_id", &ad.campaign_id, 1)?;
        }
        Ok(())
    }

    /// Wraps the heartbeat in the Kafka record the pipeline reads.
    pub fn into_record(self, received_at_ms: i64) -> HeartbeatRecord {
        HeartbeatRecord {
            schema_version: SCHEMA_VERSION,
            received_at_ms,
            heartbeat: self,
        }
    }
}

fn check_id(field: &str, value: &str, min_len: usize) -> Result<(), FieldError> {
    let ok_chars = value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-'));
    if value.len() < min_len || value.len() > MAX_ID_LEN || !ok_chars {
        return Err(FieldError {
            field: field.into(),
            reason: format!(
                "must be {min_len} to {MAX_ID_LEN} characters of letters, digits, '_', '.', ':' or '-'"
            ),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000_000;

    fn valid() -> Heartbeat {
        Heartbeat {
            event_id: "evt-00000001".into(),
            viewer_id: "viewer-1".into(),
            video_id: "video-9".into(),
            session_id: "sess-1".into(),
            position_secs: 125.0,
            event_time_ms: NOW - 1_000,
            device: Device::Tv,
            ad: Some(AdContext {
                ad_id: "ad-1".into(),
                campaign_id: "camp-1".into(),
            }),
        }
    }

    #[test]
    fn a_valid_heartbeat_passes() {
        assert_eq!(valid().validate(NOW), Ok(()));
    }

    #[test]
    fn each_rule_names_its_field() {
        type BreaksARule = Box<dyn Fn(&mut Heartbeat)>;
        let cases: Vec<(&str, BreaksARule)> = vec![
            ("event_id", Box::new(|h| h.event_id = "short".into())),
            ("viewer_id", Box::new(|h| h.viewer_id = String::new())),
            ("video_id", Box::new(|h| h.video_id = "a b".into())),
            ("session_id", Box::new(|h| h.session_id = "x".repeat(65))),
            ("position_secs", Box::new(|h| h.position_secs = -1.0)),
            ("position_secs", Box::new(|h| h.position_secs = f64::NAN)),
            (
                "event_time_ms",
                Box::new(|h| h.event_time_ms = NOW + MAX_CLOCK_SKEW_MS + 1),
            ),
            (
                "event_time_ms",
                Box::new(|h| h.event_time_ms = NOW - MAX_AGE_MS - 1),
            ),
            (
                "ad.campaign_id",
                Box::new(|h| h.ad.as_mut().unwrap().campaign_id = "é".into()),
            ),
        ];
        for (field, breaks) in cases {
            let mut h = valid();
            breaks(&mut h);
            assert_eq!(h.validate(NOW).unwrap_err().field, field);
        }
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let mut v = serde_json::to_value(valid()).unwrap();
        v["colour"] = "red".into();
        let err = serde_json::from_value::<Heartbeat>(v).unwrap_err();
        assert!(err.to_string().contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn the_record_is_the_heartbeat_plus_version_and_receipt_time() {
        let record = serde_json::to_value(valid().into_record(NOW)).unwrap();
        assert_eq!(record["schema_version"], 1);
        assert_eq!(record["received_at_ms"], NOW);
        assert_eq!(record["viewer_id"], "viewer-1");
        assert_eq!(record["ad"]["campaign_id"], "camp-1");
        let back: HeartbeatRecord = serde_json::from_value(record).unwrap();
        assert_eq!(back.heartbeat, valid());
    }
}
