//! A reference model of what the ksqlDB statements compute, in plain Rust: from a trace of
//! heartbeat records (in arrival order) and the license table, the rows of the three outputs.
//!
//! It follows the statements step by step: the first copy of each event id counts; segments
//! are session windows per viewer and video (a heartbeat within `session_gap_secs` of a
//! segment, inclusive, joins it); royalties join segments to licenses by video (segments of
//! unlicensed videos are dropped, as by the inner join) and sum per holder, video and UTC day
//! of the segment start; impressions are tumbling hours per ad and campaign. Window results are
//! final, as with `EMIT FINAL`, so arrival order does not matter. The model assumes every
//! heartbeat arrives within the grace period; ksqlDB drops later ones.
//!
//! The output rows serialize exactly as the statements' values: upper-case field names (ksqlDB
//! upper-cases unquoted identifiers), integers and doubles as the column types say.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use heartbeat_contract::{HEARTBEAT_INTERVAL_SECS, Heartbeat, HeartbeatRecord};
use serde::{Deserialize, Serialize};

use crate::settings::PipelineSettings;

/// The value of a `video-licenses` record (the key is the video id).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VideoLicense {
    /// Who holds the rights to the video.
    pub license_holder_id: String,
    /// Royalty owed per watched hour.
    pub rate_per_hour: f64,
}

/// A row of `watched_segments`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct WatchedSegment {
    /// The viewer.
    pub viewer_id: String,
    /// The video.
    pub video_id: String,
    /// Event time of the first heartbeat (the session window start), epoch ms.
    pub start_time_ms: i64,
    /// Event time of the last heartbeat (the session window end), epoch ms.
    pub end_time_ms: i64,
    /// Lowest playhead position seen, seconds.
    pub start_position_secs: f64,
    /// Highest playhead position seen, seconds.
    pub end_position_secs: f64,
    /// Distinct heartbeats in the segment.
    pub heartbeat_count: i64,
    /// Seconds of playback: one heartbeat interval per heartbeat.
    pub watched_secs: i64,
}

/// A row of `royalties_daily`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct Royalty {
    /// The license holder.
    pub license_holder_id: String,
    /// The video.
    pub video_id: String,
    /// UTC day of the segments' start, `yyyy-MM-dd`.
    pub watch_day: String,
    /// Watched seconds that day.
    pub watched_secs: i64,
    /// Sum of watched seconds times the hourly rate / 3600.
    pub royalty_amount: f64,
}

/// A row of `ad_impressions_hourly`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct AdImpressions {
    /// The ad.
    pub ad_id: String,
    /// Its campaign.
    pub campaign_id: String,
    /// Start of the hour, epoch ms.
    pub hour_start_ms: i64,
    /// End of the hour (exclusive), epoch ms.
    pub hour_end_ms: i64,
    /// Distinct playback sessions (viewer and session id) that showed the ad.
    pub impressions: i64,
    /// Seconds the ad was on screen: one heartbeat interval per heartbeat.
    pub seconds_shown: i64,
}

/// Everything the pipeline outputs, each list in key order.
#[derive(Debug, Clone, PartialEq)]
pub struct PipelineOutput {
    /// Watched segments, by viewer, video and start.
    pub segments: Vec<WatchedSegment>,
    /// Royalties, by holder, video and day.
    pub royalties: Vec<Royalty>,
    /// Ad impressions, by ad, campaign and hour.
    pub impressions: Vec<AdImpressions>,
}

const INTERVAL: i64 = HEARTBEAT_INTERVAL_SECS as i64;
const HOUR_MS: i64 = 3_600_000;

/// Runs the whole pipeline over `trace` (records in arrival order).
pub fn run_pipeline(
    trace: &[HeartbeatRecord],
    licenses: &BTreeMap<String, VideoLicense>,
    settings: &PipelineSettings,
) -> PipelineOutput {
    let unique = unique_heartbeats(trace);
    let segments = watched_segments(&unique, settings.session_gap_secs);
    let royalties = royalties_daily(&segments, licenses);
    let impressions = ad_impressions_hourly(&unique);
    PipelineOutput {
        segments,
        royalties,
        impressions,
    }
}

/// The first copy of each event id, in arrival order (`heartbeat_first_copies`).
pub fn unique_heartbeats(trace: &[HeartbeatRecord]) -> Vec<&Heartbeat> {
    let mut seen = HashSet::new();
    trace
        .iter()
        .map(|r| &r.heartbeat)
        .filter(|h| seen.insert(h.event_id.as_str()))
        .collect()
}

/// Session windows per viewer and video (`watched_segments`).
pub fn watched_segments(unique: &[&Heartbeat], gap_secs: u32) -> Vec<WatchedSegment> {
    let gap_ms = i64::from(gap_secs) * 1_000;
    let mut by_pair: BTreeMap<(&str, &str), Vec<&Heartbeat>> = BTreeMap::new();
    for h in unique {
        by_pair
            .entry((h.viewer_id.as_str(), h.video_id.as_str()))
            .or_default()
            .push(h);
    }
    let mut segments = Vec::new();
    for ((viewer, video), mut beats) in by_pair {
        beats.sort_by_key(|h| h.event_time_ms);
        let mut current: Option<WatchedSegment> = None;
        for h in beats {
            match current.as_mut() {
                Some(s) if h.event_time_ms - s.end_time_ms <= gap_ms => {
                    s.end_time_ms = h.event_time_ms;
                    s.start_position_secs = s.start_position_secs.min(h.position_secs);
                    s.end_position_secs = s.end_position_secs.max(h.position_secs);
                    s.heartbeat_count += 1;
                    s.watched_secs += INTERVAL;
                }
                _ => {
                    segments.extend(current.take());
                    current = Some(WatchedSegment {
                        viewer_id: viewer.into(),
                        video_id: video.into(),
                        start_time_ms: h.event_time_ms,
                        end_time_ms: h.event_time_ms,
                        start_position_secs: h.position_secs,
                        end_position_secs: h.position_secs,
                        heartbeat_count: 1,
                        watched_secs: INTERVAL,
                    });
                }
            }
        }
        segments.extend(current);
    }
    segments
}

/// Watched seconds and amounts per license holder, video and UTC day (`royalties_daily`).
pub fn royalties_daily(
    segments: &[WatchedSegment],
    licenses: &BTreeMap<String, VideoLicense>,
) -> Vec<Royalty> {
    let mut rows: BTreeMap<(String, String, String), (i64, f64)> = BTreeMap::new();
    for s in segments {
        let Some(license) = licenses.get(&s.video_id) else {
            continue;
        };
        let key = (
            license.license_holder_id.clone(),
            s.video_id.clone(),
            utc_day(s.start_time_ms),
        );
        let row = rows.entry(key).or_default();
        row.0 += s.watched_secs;
        row.1 += s.watched_secs as f64 * license.rate_per_hour / 3600.0;
    }
    rows.into_iter()
        .map(
            |((license_holder_id, video_id, watch_day), (watched_secs, royalty_amount))| Royalty {
                license_holder_id,
                video_id,
                watch_day,
                watched_secs,
                royalty_amount,
            },
        )
        .collect()
}

/// Impressions and seconds shown per ad, campaign and hour (`ad_impressions_hourly`).
pub fn ad_impressions_hourly(unique: &[&Heartbeat]) -> Vec<AdImpressions> {
    type Hour<'a> = (BTreeSet<(&'a str, &'a str)>, i64);
    let mut hours: BTreeMap<(&str, &str, i64), Hour> = BTreeMap::new();
    for h in unique {
        let Some(ad) = &h.ad else { continue };
        let hour_start = h.event_time_ms.div_euclid(HOUR_MS) * HOUR_MS;
        let (sessions, beats) = hours
            .entry((ad.ad_id.as_str(), ad.campaign_id.as_str(), hour_start))
            .or_default();
        sessions.insert((h.viewer_id.as_str(), h.session_id.as_str()));
        *beats += 1;
    }
    hours
        .into_iter()
        .map(
            |((ad_id, campaign_id, hour_start_ms), (sessions, beats))| AdImpressions {
                ad_id: ad_id.into(),
                campaign_id: campaign_id.into(),
                hour_start_ms,
                hour_end_ms: hour_start_ms + HOUR_MS,
                impressions: sessions.len() as i64,
                seconds_shown: beats * INTERVAL,
            },
        )
        .collect()
}

/// The UTC day of `epoch_ms` as `yyyy-MM-dd` (what `TIMESTAMPTOSTRING(ms, 'yyyy-MM-dd', 'UTC')`
/// returns).
pub fn utc_day(epoch_ms: i64) -> String {
    // Days to civil date, after Howard Hinnant's `civil_from_days`.
    let z = epoch_ms.div_euclid(86_400_000) + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use heartbeat_contract::{AdContext, Device};

    /// 2026-06-01T00:00:00Z.
    const T0: i64 = 1_780_272_000_000;

    fn hb(event: &str, viewer: &str, video: &str, secs: i64, position: f64) -> HeartbeatRecord {
        Heartbeat {
            event_id: format!("event-{event}"),
            viewer_id: viewer.into(),
            video_id: video.into(),
            session_id: "sess-1".into(),
            position_secs: position,
            event_time_ms: T0 + secs * 1_000,
            device: Device::Web,
            ad: None,
        }
        .into_record(T0 + secs * 1_000 + 40)
    }

    fn with_ad(mut r: HeartbeatRecord, session: &str, ad: &str) -> HeartbeatRecord {
        r.heartbeat.session_id = session.into();
        r.heartbeat.ad = Some(AdContext {
            ad_id: ad.into(),
            campaign_id: "camp-1".into(),
        });
        r
    }

    fn segments(trace: &[HeartbeatRecord]) -> Vec<WatchedSegment> {
        let s = PipelineSettings::default();
        run_pipeline(trace, &BTreeMap::new(), &s).segments
    }

    fn segment(start: i64, end: i64, positions: (f64, f64), count: i64) -> WatchedSegment {
        WatchedSegment {
            viewer_id: "v1".into(),
            video_id: "A".into(),
            start_time_ms: T0 + start * 1_000,
            end_time_ms: T0 + end * 1_000,
            start_position_secs: positions.0,
            end_position_secs: positions.1,
            heartbeat_count: count,
            watched_secs: count * 5,
        }
    }

    #[test]
    fn out_of_order_and_duplicate_heartbeats_make_one_segment() {
        // Played 0 s..20 s; arrived shuffled, the 5 s heartbeat twice (a device retry).
        let trace = [
            hb("10", "v1", "A", 10, 10.0),
            hb("00", "v1", "A", 0, 0.0),
            hb("05", "v1", "A", 5, 5.0),
            hb("20", "v1", "A", 20, 20.0),
            hb("05", "v1", "A", 5, 5.0),
            hb("15", "v1", "A", 15, 15.0),
        ];
        assert_eq!(segments(&trace), [segment(0, 20, (0.0, 20.0), 5)]);
    }

    #[test]
    fn a_pause_longer_than_the_gap_splits_and_a_shorter_one_does_not() {
        // Gap 20 s: 10 -> 30 (exactly 20 s) merges; 35 -> 95 (60 s) splits.
        let trace = [
            hb("a", "v1", "A", 0, 100.0),
            hb("b", "v1", "A", 5, 105.0),
            hb("c", "v1", "A", 10, 110.0),
            hb("d", "v1", "A", 30, 110.0),
            hb("e", "v1", "A", 35, 115.0),
            hb("f", "v1", "A", 95, 115.0),
            hb("g", "v1", "A", 100, 120.0),
        ];
        assert_eq!(
            segments(&trace),
            [
                segment(0, 35, (100.0, 115.0), 5),
                segment(95, 100, (115.0, 120.0), 2)
            ]
        );
    }

    #[test]
    fn a_seek_widens_the_positions_but_not_the_watched_seconds() {
        // Watched 0..10, sought forward to 600, watched 2 more heartbeats, then back to 300.
        let trace = [
            hb("a", "v1", "A", 0, 0.0),
            hb("b", "v1", "A", 5, 5.0),
            hb("c", "v1", "A", 10, 10.0),
            hb("d", "v1", "A", 15, 600.0),
            hb("e", "v1", "A", 20, 605.0),
            hb("f", "v1", "A", 25, 300.0),
        ];
        let got = segments(&trace);
        assert_eq!(got, [segment(0, 25, (0.0, 605.0), 6)]);
        assert_eq!(got[0].watched_secs, 30);
    }

    #[test]
    fn viewers_and_videos_are_separate_segments() {
        let trace = [
            hb("a", "v1", "A", 0, 0.0),
            hb("b", "v2", "A", 0, 0.0),
            hb("c", "v1", "B", 2, 0.0),
        ];
        let keys: Vec<_> = segments(&trace)
            .into_iter()
            .map(|s| (s.viewer_id, s.video_id, s.heartbeat_count))
            .collect();
        assert_eq!(
            keys,
            [
                ("v1".into(), "A".into(), 1),
                ("v1".into(), "B".into(), 1),
                ("v2".into(), "A".into(), 1)
            ]
        );
    }

    #[test]
    fn royalties_sum_per_holder_video_and_utc_day_and_skip_unlicensed_videos() {
        let licenses = BTreeMap::from([
            (
                "A".to_string(),
                VideoLicense {
                    license_holder_id: "studio-1".into(),
                    rate_per_hour: 36.0,
                },
            ),
            (
                "C".to_string(),
                VideoLicense {
                    license_holder_id: "studio-1".into(),
                    rate_per_hour: 7.2,
                },
            ),
        ]);
        let trace = [
            // Day 1: v1 watches A for 4 heartbeats, v2 for 2; v1 watches C for 1.
            hb("1", "v1", "A", 0, 0.0),
            hb("2", "v1", "A", 5, 5.0),
            hb("3", "v1", "A", 10, 10.0),
            hb("4", "v1", "A", 15, 15.0),
            hb("5", "v2", "A", 100, 0.0),
            hb("6", "v2", "A", 105, 5.0),
            hb("7", "v1", "C", 200, 0.0),
            // B has no license: dropped by the join.
            hb("8", "v1", "B", 300, 0.0),
            // Day 2 (starts 86,400 s after T0): v1 watches A again.
            hb("9", "v1", "A", 86_400, 20.0),
            hb("9", "v1", "A", 86_400, 20.0),
        ];
        let out = run_pipeline(&trace, &licenses, &PipelineSettings::default());
        let row = |video: &str, day: &str, secs: i64, amount: f64| Royalty {
            license_holder_id: "studio-1".into(),
            video_id: video.into(),
            watch_day: day.into(),
            watched_secs: secs,
            royalty_amount: amount,
        };
        // 30 s at 36/h = 0.30; 5 s at 7.2/h = 0.01; 5 s at 36/h = 0.05.
        assert_eq!(
            out.royalties,
            [
                row("A", "2026-06-01", 30, 0.2 + 0.1),
                row("A", "2026-06-02", 5, 0.05),
                row("C", "2026-06-01", 5, 0.01),
            ]
        );
    }

    #[test]
    fn a_segment_counts_on_the_day_it_starts() {
        // Starts 23:59:55 on 1 June, ends 00:00:05 on 2 June.
        let licenses = BTreeMap::from([(
            "A".to_string(),
            VideoLicense {
                license_holder_id: "h".into(),
                rate_per_hour: 0.0,
            },
        )]);
        let trace = [
            hb("a", "v1", "A", 86_395, 0.0),
            hb("b", "v1", "A", 86_400, 5.0),
            hb("c", "v1", "A", 86_405, 10.0),
        ];
        let out = run_pipeline(&trace, &licenses, &PipelineSettings::default());
        assert_eq!(out.royalties.len(), 1);
        assert_eq!(out.royalties[0].watch_day, "2026-06-01");
        assert_eq!(out.royalties[0].watched_secs, 15);
    }

    #[test]
    fn impressions_count_distinct_playback_sessions_per_hour() {
        let trace = [
            // v1 session s1 sees ad X for 3 heartbeats (one sent twice).
            with_ad(hb("1", "v1", "A", 0, 0.0), "s1", "X"),
            with_ad(hb("2", "v1", "A", 5, 5.0), "s1", "X"),
            with_ad(hb("2", "v1", "A", 5, 5.0), "s1", "X"),
            with_ad(hb("3", "v1", "A", 10, 10.0), "s1", "X"),
            // v2 uses the same session id string: still another playback session.
            with_ad(hb("4", "v2", "A", 20, 0.0), "s1", "X"),
            // v1 presses play again: a new session.
            with_ad(hb("5", "v1", "A", 600, 0.0), "s2", "X"),
            // No ad: not an impression.
            hb("6", "v1", "A", 605, 5.0),
            // Next hour.
            with_ad(hb("7", "v2", "A", 3_600, 0.0), "s9", "X"),
        ];
        let out = run_pipeline(&trace, &BTreeMap::new(), &PipelineSettings::default());
        let row = |hour: i64, impressions: i64, seconds: i64| AdImpressions {
            ad_id: "X".into(),
            campaign_id: "camp-1".into(),
            hour_start_ms: T0 + hour * HOUR_MS,
            hour_end_ms: T0 + (hour + 1) * HOUR_MS,
            impressions,
            seconds_shown: seconds,
        };
        assert_eq!(out.impressions, [row(0, 3, 25), row(1, 1, 5)]);
    }

    #[test]
    fn utc_days() {
        assert_eq!(utc_day(0), "1970-01-01");
        assert_eq!(utc_day(T0 - 1), "2026-05-31");
        assert_eq!(utc_day(T0), "2026-06-01");
        assert_eq!(utc_day(951_782_400_000), "2000-02-29");
    }

    #[test]
    fn rows_serialize_with_ksqldb_field_names() {
        let row = segment(0, 5, (0.0, 5.0), 2);
        let value = serde_json::to_value(&row).unwrap();
        assert_eq!(value["VIEWER_ID"], "v1");
        assert_eq!(value["WATCHED_SECS"], 10);
    }
}
