//! A reference model of what the pipeline computes, in plain Rust: from a trace of heartbeat
//! records (in arrival order) and the license terms, the rows the database ends up with.
//!
//! It follows the statements step by step: the first copy of each event id counts; segments
//! are session windows per viewer and video (a heartbeat within `session_gap_secs` of a
//! segment, inclusive, joins it); "continue watching" is the heartbeat with the latest event
//! time per viewer and video (every copy counts there; the database's trigger keeps the
//! latest); watched seconds are summed per video and UTC day of the event time; royalties are
//! those seconds at the rate of the license term in force that day (the database view), in
//! exact millionths; impressions are tumbling hours per ad and campaign. Window results are
//! final, as with `EMIT FINAL`, so arrival order does not matter. The model assumes every
//! heartbeat arrives within the grace period of the de-duplication and the windows; ksqlDB
//! drops later ones (see `docs/pipeline.md`).
//!
//! The output rows serialize exactly as the statements' values: upper-case field names (ksqlDB
//! upper-cases unquoted identifiers), integers and doubles as the column types say.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use heartbeat_contract::{HEARTBEAT_INTERVAL_SECS, Heartbeat, HeartbeatRecord};
use serde::{Deserialize, Serialize};

use crate::settings::PipelineSettings;

/// One license term: a row of the database's `video_licenses`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LicenseTerm {
    /// The video.
    pub video_id: String,
    /// Who holds the rights to it during the term.
    pub license_holder_id: String,
    /// Royalty owed per watched hour, in ten-thousandths (`NUMERIC(12, 4)`): 36.0000 is
    /// 360,000.
    pub rate_per_hour_e4: i64,
    /// First UTC day of the term, `yyyy-MM-dd`.
    pub effective_from: String,
    /// First UTC day after the term, or `None` while it runs.
    pub effective_to: Option<String>,
}

impl LicenseTerm {
    /// Whether the term covers `day` (`yyyy-MM-dd`; such strings order like the days).
    pub fn covers(&self, day: &str) -> bool {
        self.effective_from.as_str() <= day
            && self.effective_to.as_deref().is_none_or(|to| day < to)
    }
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

/// A row of `continue_watching`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct ContinueWatching {
    /// The viewer.
    pub viewer_id: String,
    /// The video.
    pub video_id: String,
    /// The playhead of the latest heartbeat, seconds.
    pub position_secs: f64,
    /// Its event time, epoch ms.
    pub event_time_ms: i64,
    /// The device that sent it (`web`, `tv`, ...).
    pub device: String,
}

/// A row of `video_watch_daily`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub struct VideoWatchDay {
    /// The video.
    pub video_id: String,
    /// UTC day of the heartbeats' event time, `yyyy-MM-dd`.
    pub watch_day: String,
    /// Distinct heartbeats that day.
    pub heartbeat_count: i64,
    /// Watched seconds that day: one heartbeat interval per heartbeat.
    pub watched_secs: i64,
}

/// A row of the database's `royalties_daily` view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Royalty {
    /// The license holder.
    pub license_holder_id: String,
    /// The video.
    pub video_id: String,
    /// The UTC day.
    pub watch_day: String,
    /// Watched seconds that day.
    pub watched_secs: i64,
    /// Watched seconds times the day's hourly rate / 3600, in millionths, rounded half away
    /// from zero (PostgreSQL's `ROUND(numeric, 6)`).
    pub royalty_amount_e6: i64,
}

impl Royalty {
    /// The amount as the database prints a `NUMERIC` with 6 decimals: `0.300000`.
    pub fn amount_text(&self) -> String {
        let sign = if self.royalty_amount_e6 < 0 { "-" } else { "" };
        let a = self.royalty_amount_e6.unsigned_abs();
        format!("{sign}{}.{:06}", a / 1_000_000, a % 1_000_000)
    }
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
    /// Latest positions, by viewer and video.
    pub continue_watching: Vec<ContinueWatching>,
    /// Watched seconds, by video and day.
    pub watch_days: Vec<VideoWatchDay>,
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
    licenses: &[LicenseTerm],
    settings: &PipelineSettings,
) -> PipelineOutput {
    let unique = unique_heartbeats(trace);
    let segments = watched_segments(&unique, settings.session_gap_secs);
    let watch_days = video_watch_daily(&unique);
    let royalties = royalties_daily(&watch_days, licenses);
    PipelineOutput {
        segments,
        continue_watching: continue_watching(trace),
        watch_days,
        royalties,
        impressions: ad_impressions_hourly(&unique),
    }
}

/// The first copy of each event id, in arrival order (`COPIES = 1` of `heartbeat_copies`).
pub fn unique_heartbeats(trace: &[HeartbeatRecord]) -> Vec<&Heartbeat> {
    let mut seen = HashSet::new();
    trace
        .iter()
        .map(|r| &r.heartbeat)
        .filter(|h| seen.insert(h.event_id.as_str()))
        .collect()
}

/// The latest heartbeat by event time per viewer and video: what `continue_watching` holds in
/// the database after every upsert (a later-arriving older heartbeat is refused by the
/// trigger; of two with the same event time, the later arrival wins).
pub fn continue_watching(trace: &[HeartbeatRecord]) -> Vec<ContinueWatching> {
    let mut latest: BTreeMap<(&str, &str), &Heartbeat> = BTreeMap::new();
    for h in trace.iter().map(|r| &r.heartbeat) {
        let key = (h.viewer_id.as_str(), h.video_id.as_str());
        match latest.get(&key) {
            Some(current) if h.event_time_ms < current.event_time_ms => {}
            _ => {
                latest.insert(key, h);
            }
        }
    }
    latest
        .into_iter()
        .map(|((viewer, video), h)| ContinueWatching {
            viewer_id: viewer.into(),
            video_id: video.into(),
            position_secs: h.position_secs,
            event_time_ms: h.event_time_ms,
            device: serde_json::to_value(h.device)
                .ok()
                .and_then(|d| d.as_str().map(str::to_owned))
                .unwrap_or_default(),
        })
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

/// Watched seconds per video and UTC day of the event time (`video_watch_daily`).
pub fn video_watch_daily(unique: &[&Heartbeat]) -> Vec<VideoWatchDay> {
    let mut days: BTreeMap<(&str, String), i64> = BTreeMap::new();
    for h in unique {
        *days
            .entry((h.video_id.as_str(), utc_day(h.event_time_ms)))
            .or_default() += 1;
    }
    days.into_iter()
        .map(|((video, watch_day), beats)| VideoWatchDay {
            video_id: video.into(),
            watch_day,
            heartbeat_count: beats,
            watched_secs: beats * INTERVAL,
        })
        .collect()
}

/// Royalties per license holder, video and day: each day's watched seconds at the rate of the
/// term covering that day (the `royalties_daily` view). Days without a term have no row.
pub fn royalties_daily(days: &[VideoWatchDay], licenses: &[LicenseTerm]) -> Vec<Royalty> {
    let mut rows: Vec<Royalty> = days
        .iter()
        .filter_map(|d| {
            let term = licenses
                .iter()
                .find(|t| t.video_id == d.video_id && t.covers(&d.watch_day))?;
            // seconds × rate(1e-4/h) / 3600 in 1e-6 units = seconds × rate_e4 / 36.
            let numerator = i128::from(d.watched_secs) * i128::from(term.rate_per_hour_e4);
            let amount = (numerator + 18 * numerator.signum()) / 36;
            Some(Royalty {
                license_holder_id: term.license_holder_id.clone(),
                video_id: d.video_id.clone(),
                watch_day: d.watch_day.clone(),
                watched_secs: d.watched_secs,
                royalty_amount_e6: amount as i64,
            })
        })
        .collect();
    rows.sort_by(|a, b| {
        (&a.license_holder_id, &a.video_id, &a.watch_day).cmp(&(
            &b.license_holder_id,
            &b.video_id,
            &b.watch_day,
        ))
    });
    rows
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
        run_pipeline(trace, &[], &s).segments
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

    fn term(video: &str, rate_e4: i64, from: &str, to: Option<&str>) -> LicenseTerm {
        LicenseTerm {
            video_id: video.into(),
            license_holder_id: "studio-1".into(),
            rate_per_hour_e4: rate_e4,
            effective_from: from.into(),
            effective_to: to.map(str::to_owned),
        }
    }

    #[test]
    fn royalties_take_the_term_in_force_each_day_and_skip_unlicensed_videos() {
        // A: 36.00/h until 2 June, 72.00/h from then; C: 7.20/h; B has no terms.
        let licenses = [
            term("A", 360_000, "2026-01-01", Some("2026-06-02")),
            term("A", 720_000, "2026-06-02", None),
            term("C", 72_000, "2026-01-01", None),
        ];
        let trace = [
            // Day 1: v1 watches A for 4 heartbeats, v2 for 2; v1 watches C for 1.
            hb("1", "v1", "A", 0, 0.0),
            hb("2", "v1", "A", 5, 5.0),
            hb("3", "v1", "A", 10, 10.0),
            hb("4", "v1", "A", 15, 15.0),
            hb("5", "v2", "A", 100, 0.0),
            hb("6", "v2", "A", 105, 5.0),
            hb("7", "v1", "C", 200, 0.0),
            hb("8", "v1", "B", 300, 0.0),
            // Day 2 (starts 86,400 s after T0): v1 watches A again, sent twice.
            hb("9", "v1", "A", 86_400, 20.0),
            hb("9", "v1", "A", 86_400, 20.0),
        ];
        let out = run_pipeline(&trace, &licenses, &PipelineSettings::default());
        let amounts: Vec<_> = out
            .royalties
            .iter()
            .map(|r| {
                (
                    r.video_id.as_str(),
                    r.watch_day.as_str(),
                    r.watched_secs,
                    r.amount_text(),
                )
            })
            .collect();
        // 30 s at 36/h = 0.30; 5 s at 72/h = 0.10; 5 s at 7.2/h = 0.01.
        assert_eq!(
            amounts,
            [
                ("A", "2026-06-01", 30, "0.300000".to_string()),
                ("A", "2026-06-02", 5, "0.100000".to_string()),
                ("C", "2026-06-01", 5, "0.010000".to_string()),
            ]
        );
        assert_eq!(out.watch_days.len(), 4, "B's watched time is kept, unpaid");
    }

    #[test]
    fn seconds_count_on_the_day_they_were_watched() {
        // 23:59:55 on 1 June, then 00:00:00 and 00:00:05 on 2 June: one segment, two days.
        let trace = [
            hb("a", "v1", "A", 86_395, 0.0),
            hb("b", "v1", "A", 86_400, 5.0),
            hb("c", "v1", "A", 86_405, 10.0),
        ];
        let out = run_pipeline(&trace, &[], &PipelineSettings::default());
        assert_eq!(out.segments.len(), 1);
        let days: Vec<_> = out
            .watch_days
            .iter()
            .map(|d| (d.watch_day.as_str(), d.watched_secs))
            .collect();
        assert_eq!(days, [("2026-06-01", 5), ("2026-06-02", 10)]);
    }

    #[test]
    fn amounts_round_half_away_from_zero_to_millionths() {
        // 5 s at 0.0001/h = 0.000000138..., rounds to 0; 1 s at 0.0018/h = 0.0000005 -> 0.000001.
        let day = |secs| VideoWatchDay {
            video_id: "A".into(),
            watch_day: "2026-06-01".into(),
            heartbeat_count: 1,
            watched_secs: secs,
        };
        let licenses = [term("A", 1, "2026-06-01", None)];
        assert_eq!(
            royalties_daily(&[day(5)], &licenses)[0].royalty_amount_e6,
            0
        );
        let licenses = [term("A", 18, "2026-06-01", None)];
        assert_eq!(
            royalties_daily(&[day(1)], &licenses)[0].royalty_amount_e6,
            1
        );
    }

    #[test]
    fn continue_watching_is_the_latest_event_whatever_the_arrival_order() {
        let mut tv = hb("1", "v1", "A", 100, 605.0);
        tv.heartbeat.device = Device::Tv;
        let trace = [
            tv,
            // The phone sought back to 300 afterwards...
            hb("2", "v1", "A", 130, 300.0),
            // ...and an older offline heartbeat arrives last.
            hb("3", "v1", "A", 50, 550.0),
        ];
        let rows = continue_watching(&trace);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].position_secs, 300.0);
        assert_eq!(rows[0].device, "web");
        assert_eq!(rows[0].event_time_ms, T0 + 130_000);
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
        let out = run_pipeline(&trace, &[], &PipelineSettings::default());
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
