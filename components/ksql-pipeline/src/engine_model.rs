//! A model of how ksqlDB 7.9 (Kafka Streams 3.9) executes the statements, as opposed to
//! [`crate::model`], which computes what the business expects. Tests run both over the same
//! traces: where they agree the pipeline is right, where they differ the docs must say so.
//!
//! What it models, per statement:
//! - **Tasks and stream time.** A repartition (by `event_id` for the dedup, by viewer and video
//!   for the segments, by ad and campaign for the impressions) sends each record to the task of
//!   its key's partition; each task's stream time is the highest event time it has seen. The
//!   trace order is the order the tasks consume (the interleaving of the source partitions).
//! - **Lateness.** A tumbling window drops a record whose window ended at or before stream time
//!   minus grace; a session window drops one whose merged session ends before stream time
//!   minus grace minus gap (its close time).
//! - **Retention.** Window stores keep windows in segments of `max(retention / 2, 60 s)` (by
//!   window start; sessions by their end) and drop a whole segment once it ends more than the
//!   retention behind stream time, as soon as a record moves stream time forward.
//! - **`EMIT FINAL`.** A check throttled by the wall clock, run after a record is processed
//!   (modelled as every `emit_every` records, and every ten simulated seconds of steady
//!   traffic after the trace), publishes the windows that closed since the last check:
//!   sessions ending before stream time minus grace minus gap, tumbling windows ending at or
//!   before stream time minus grace. A window expired before the check is never published.
//! - **`EMIT CHANGES`** aggregations (dedup, watched time per day) emit every update at once.
//!
//! Simplifications, stated: one record per poll (no record cache, which the dedup turns off and
//! which only folds updates elsewhere); exactly-once, so no re-processing after a crash; the
//! output of one step is consumed in the order it was produced.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use heartbeat_contract::{HEARTBEAT_INTERVAL_SECS, Heartbeat, HeartbeatRecord};

use crate::model::{AdImpressions, VideoWatchDay, WatchedSegment, utc_day};
use crate::settings::{IMPRESSION_WINDOW_SECS, PipelineSettings};

const INTERVAL: i64 = HEARTBEAT_INTERVAL_SECS as i64;

/// How the engine is laid out and how often its wall-clock emit check runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EngineLayout {
    /// Partitions (tasks) of every repartition topic.
    pub partitions: u32,
    /// Records processed between two `EMIT FINAL` checks (about one second's worth).
    pub emit_every: usize,
}

impl Default for EngineLayout {
    fn default() -> Self {
        Self {
            partitions: 3,
            emit_every: 100,
        }
    }
}

/// What the engine produced, and what it dropped.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EngineOutput {
    /// Published segments, in key order.
    pub segments: Vec<WatchedSegment>,
    /// Watched seconds per video and day, in key order.
    pub watch_days: Vec<VideoWatchDay>,
    /// Published impression hours, in key order.
    pub impressions: Vec<AdImpressions>,
    /// Heartbeats the dedup window dropped as late (first copies and duplicates).
    pub dropped_by_dedup: usize,
    /// First copies the segment windows dropped as late.
    pub dropped_by_segments: usize,
    /// Closed windows (segments and impression hours) expired before they were published.
    pub expired_unpublished: usize,
}

fn task_of(key: &str, partitions: u32) -> usize {
    // FNV-1a: any fixed hash spreads keys over tasks; Kafka's murmur2 is not needed for the
    // model's purpose.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in key.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    (h % u64::from(partitions.max(1))) as usize
}

fn segment_interval(retention_ms: i64) -> i64 {
    (retention_ms / 2).max(60_000)
}

/// One session store task.
#[derive(Default)]
struct SessionTask {
    stream_time: i64,
    sessions: BTreeMap<(String, String, i64), WatchedSegment>,
    published_until: i64,
}

/// An open impression hour: the (viewer, session) pairs seen and the heartbeat count.
type OpenHour = (BTreeSet<(String, String)>, i64);

/// One tumbling-window store task (ad hours).
#[derive(Default)]
struct HourTask {
    stream_time: i64,
    hours: BTreeMap<(String, String, i64), OpenHour>,
    published_until: i64,
}

struct Engine<'a> {
    settings: &'a PipelineSettings,
    layout: EngineLayout,
    dedup_time: Vec<i64>,
    copies: HashMap<(String, i64), i64>,
    sessions: Vec<SessionTask>,
    hours: Vec<HourTask>,
    out: EngineOutput,
    days: BTreeMap<(String, String), i64>,
}

impl<'a> Engine<'a> {
    fn new(settings: &'a PipelineSettings, layout: EngineLayout) -> Self {
        let n = layout.partitions.max(1) as usize;
        Self {
            settings,
            layout,
            dedup_time: vec![i64::MIN; n],
            copies: HashMap::new(),
            sessions: (0..n).map(|_| SessionTask::default()).collect(),
            hours: (0..n).map(|_| HourTask::default()).collect(),
            out: EngineOutput::default(),
            days: BTreeMap::new(),
        }
    }

    fn grace(&self) -> i64 {
        i64::from(self.settings.grace_period_secs) * 1_000
    }

    fn gap(&self) -> i64 {
        i64::from(self.settings.session_gap_secs) * 1_000
    }

    fn retention(&self) -> i64 {
        i64::from(self.settings.window_retention_secs) * 1_000
    }

    /// `heartbeat_copies` then its readers, for one record.
    fn process(&mut self, h: &Heartbeat) {
        let t = h.event_time_ms;
        let size = i64::from(self.settings.dedup_window_secs) * 1_000;
        let task = task_of(&h.event_id, self.layout.partitions);
        let stream_time = self.dedup_time[task].max(t);
        self.dedup_time[task] = stream_time;
        let window_start = t.div_euclid(size) * size;
        if window_start + size <= stream_time - self.grace() {
            self.out.dropped_by_dedup += 1;
            return;
        }
        let copies = self
            .copies
            .entry((h.event_id.clone(), window_start))
            .or_default();
        *copies += 1;
        if *copies != 1 {
            return;
        }
        *self
            .days
            .entry((h.video_id.clone(), utc_day(t)))
            .or_default() += 1;
        self.session_put(h);
        self.hour_put(h);
    }

    fn session_put(&mut self, h: &Heartbeat) {
        let (gap, grace, retention) = (self.gap(), self.grace(), self.retention());
        let task = &mut self.sessions[task_of(
            &format!("{}/{}", h.viewer_id, h.video_id),
            self.layout.partitions,
        )];
        let t = h.event_time_ms;
        task.stream_time = task.stream_time.max(t);
        expire_sessions(task, retention, &mut self.out.expired_unpublished);
        let key = (h.viewer_id.clone(), h.video_id.clone());
        let overlapping: Vec<(String, String, i64)> = task
            .sessions
            .iter()
            .filter(|((v, w, _), s)| {
                (v, w) == (&key.0, &key.1) && s.start_time_ms - gap <= t && t <= s.end_time_ms + gap
            })
            .map(|(k, _)| k.clone())
            .collect();
        let mut merged = WatchedSegment {
            viewer_id: key.0.clone(),
            video_id: key.1.clone(),
            start_time_ms: t,
            end_time_ms: t,
            start_position_secs: h.position_secs,
            end_position_secs: h.position_secs,
            heartbeat_count: 1,
            watched_secs: INTERVAL,
        };
        for k in &overlapping {
            let s = &task.sessions[k];
            merged.start_time_ms = merged.start_time_ms.min(s.start_time_ms);
            merged.end_time_ms = merged.end_time_ms.max(s.end_time_ms);
            merged.start_position_secs = merged.start_position_secs.min(s.start_position_secs);
            merged.end_position_secs = merged.end_position_secs.max(s.end_position_secs);
            merged.heartbeat_count += s.heartbeat_count;
            merged.watched_secs += s.watched_secs;
        }
        // Kafka Streams' session aggregation closes a session at stream time - grace - gap,
        // for dropping late records as for emitting.
        if merged.end_time_ms < task.stream_time - grace - gap {
            self.out.dropped_by_segments += 1;
            return;
        }
        for k in overlapping {
            task.sessions.remove(&k);
        }
        task.sessions
            .insert((key.0, key.1, merged.start_time_ms), merged);
    }

    fn hour_put(&mut self, h: &Heartbeat) {
        let Some(ad) = &h.ad else { return };
        let (grace, retention) = (self.grace(), self.retention());
        let size = i64::from(IMPRESSION_WINDOW_SECS) * 1_000;
        let task = &mut self.hours[task_of(
            &format!("{}/{}", ad.ad_id, ad.campaign_id),
            self.layout.partitions,
        )];
        let t = h.event_time_ms;
        task.stream_time = task.stream_time.max(t);
        expire_hours(task, retention, size, &mut self.out.expired_unpublished);
        let start = t.div_euclid(size) * size;
        if start + size <= task.stream_time - grace {
            return;
        }
        let (sessions, beats) = task
            .hours
            .entry((ad.ad_id.clone(), ad.campaign_id.clone(), start))
            .or_default();
        sessions.insert((h.viewer_id.clone(), h.session_id.clone()));
        *beats += 1;
    }

    /// The wall-clock `EMIT FINAL` check of every task.
    fn emit_check(&mut self) {
        let (gap, grace) = (self.gap(), self.grace());
        for task in &mut self.sessions {
            let close = task.stream_time.saturating_sub(grace + gap);
            let closed: Vec<_> = task
                .sessions
                .iter()
                .filter(|(_, s)| s.end_time_ms < close && s.end_time_ms >= task.published_until)
                .map(|(k, _)| k.clone())
                .collect();
            for k in closed {
                self.out.segments.push(task.sessions[&k].clone());
            }
            task.published_until = task.published_until.max(close);
        }
        let size = i64::from(IMPRESSION_WINDOW_SECS) * 1_000;
        for task in &mut self.hours {
            let close = task.stream_time.saturating_sub(grace);
            for ((ad, campaign, start), (sessions, beats)) in &task.hours {
                let end = start + size;
                if end <= close && end > task.published_until {
                    self.out.impressions.push(AdImpressions {
                        ad_id: ad.clone(),
                        campaign_id: campaign.clone(),
                        hour_start_ms: *start,
                        hour_end_ms: end,
                        impressions: sessions.len() as i64,
                        seconds_shown: beats * INTERVAL,
                    });
                }
            }
            task.published_until = task.published_until.max(close);
        }
    }

    /// Steady traffic after the trace: stream time moves on ten seconds per emit check, on
    /// every task, until every window has been published or expired.
    fn drain(&mut self) {
        let horizon = self.gap() + self.grace() + i64::from(IMPRESSION_WINDOW_SECS) * 1_000;
        let latest = self
            .sessions
            .iter()
            .map(|t| t.stream_time)
            .chain(self.hours.iter().map(|t| t.stream_time))
            .max()
            .unwrap_or(0);
        let retention = self.retention();
        let size = i64::from(IMPRESSION_WINDOW_SECS) * 1_000;
        let mut now = latest;
        while now <= latest + horizon + 10_000 {
            now += 10_000;
            for task in &mut self.sessions {
                task.stream_time = task.stream_time.max(now);
                expire_sessions(task, retention, &mut self.out.expired_unpublished);
            }
            for task in &mut self.hours {
                task.stream_time = task.stream_time.max(now);
                expire_hours(task, retention, size, &mut self.out.expired_unpublished);
            }
            self.emit_check();
        }
    }
}

/// Drops the session segments that stream time has left behind by more than the retention;
/// counts the closed sessions among them that were never published.
fn expire_sessions(task: &mut SessionTask, retention: i64, lost: &mut usize) {
    let si = segment_interval(retention);
    let min_live = (task.stream_time - retention + 1).div_euclid(si);
    let expired: Vec<_> = task
        .sessions
        .iter()
        .filter(|(_, s)| s.end_time_ms.div_euclid(si) < min_live)
        .map(|(k, s)| (k.clone(), s.end_time_ms))
        .collect();
    for (k, end) in expired {
        task.sessions.remove(&k);
        if end >= task.published_until {
            *lost += 1;
        }
    }
}

/// Drops the hour segments that stream time has left behind by more than the retention;
/// counts the hours among them that were never published.
fn expire_hours(task: &mut HourTask, retention: i64, size: i64, lost: &mut usize) {
    let si = segment_interval(retention);
    let min_live = (task.stream_time - retention + 1).div_euclid(si);
    let expired: Vec<_> = task
        .hours
        .keys()
        .filter(|(_, _, start)| start.div_euclid(si) < min_live)
        .cloned()
        .collect();
    for k in expired {
        task.hours.remove(&k);
        if k.2 + size > task.published_until {
            *lost += 1;
        }
    }
}

/// Runs the engine model over `trace` (records in the order the tasks consume them).
pub fn run_engine(
    trace: &[HeartbeatRecord],
    settings: &PipelineSettings,
    layout: EngineLayout,
) -> EngineOutput {
    let mut engine = Engine::new(settings, layout);
    for (i, record) in trace.iter().enumerate() {
        engine.process(&record.heartbeat);
        if (i + 1) % layout.emit_every.max(1) == 0 {
            engine.emit_check();
        }
    }
    engine.drain();
    let mut out = engine.out;
    out.segments.sort_by(|a, b| {
        (&a.viewer_id, &a.video_id, a.start_time_ms).cmp(&(
            &b.viewer_id,
            &b.video_id,
            b.start_time_ms,
        ))
    });
    out.impressions.sort_by(|a, b| {
        (&a.ad_id, &a.campaign_id, a.hour_start_ms).cmp(&(
            &b.ad_id,
            &b.campaign_id,
            b.hour_start_ms,
        ))
    });
    out.watch_days = engine
        .days
        .into_iter()
        .map(|((video_id, watch_day), beats)| VideoWatchDay {
            video_id,
            watch_day,
            heartbeat_count: beats,
            watched_secs: beats * INTERVAL,
        })
        .collect();
    out
}
