//! The engine model against the business model: the same traces through what ksqlDB does
//! (`engine_model`) and through what the business expects (`model`). Seeded random scenarios
//! (a small xorshift generator: no shrinking, the seed is printed on failure) and the cases
//! observed on ksqlDB 7.9.9 that issue 12 reports.

use heartbeat_contract::{AdContext, Device, Heartbeat, HeartbeatRecord};
use ksql_pipeline::PipelineSettings;
use ksql_pipeline::engine_model::{EngineLayout, run_engine};
use ksql_pipeline::model::run_pipeline;

/// 2026-06-01T00:00:00Z.
const T0: i64 = 1_780_272_000_000;

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn heartbeat(event: String, viewer: &str, video: &str, at_ms: i64, ad: bool) -> HeartbeatRecord {
    Heartbeat {
        event_id: event,
        viewer_id: viewer.into(),
        video_id: video.into(),
        session_id: format!("{viewer}-{video}"),
        position_secs: ((at_ms - T0) / 1_000) as f64,
        event_time_ms: at_ms,
        device: Device::Tv,
        ad: ad.then(|| AdContext {
            ad_id: "ad-1".into(),
            campaign_id: "camp-1".into(),
        }),
    }
    .into_record(at_ms + 40)
}

/// Viewers playing videos in bursts of heartbeats 5 s apart, with pauses; duplicates sent
/// again a few records later; arrival disorder of up to `disorder_ms` in event time; and, if
/// `jump_ms > 0`, one viewer's device whose heartbeats arrive `jump_ms` ahead of the rest.
fn scenario(rng: &mut Rng, disorder_ms: i64, jump_ms: i64) -> Vec<HeartbeatRecord> {
    let mut beats: Vec<(i64, HeartbeatRecord)> = Vec::new();
    let mut event = 0;
    for viewer in 0..(2 + rng.below(4)) {
        let viewer = format!("v{viewer}");
        let mut at = T0 + rng.below(600) as i64 * 1_000;
        for _ in 0..(1 + rng.below(3)) {
            let video = format!("video-{}", rng.below(3));
            let ad = rng.below(2) == 0;
            for _ in 0..(1 + rng.below(30)) {
                event += 1;
                let record = heartbeat(format!("event-{event:06}"), &viewer, &video, at, ad);
                let arrival = at + rng.below(disorder_ms as u64 + 1) as i64;
                if rng.below(10) == 0 {
                    beats.push((arrival + 2_000, record.clone()));
                }
                beats.push((arrival, record));
                at += 5_000;
            }
            // A pause: shorter or longer than the gap, sometimes across an hour.
            at += [3_000, 60_000, 900_000, 3_600_000][rng.below(4) as usize];
        }
    }
    if jump_ms > 0 {
        let last = beats.iter().map(|(a, _)| *a).max().unwrap();
        let at = last + jump_ms;
        beats.push((
            at,
            heartbeat("event-jump".into(), "clock-ahead", "video-9", at, false),
        ));
    }
    beats.sort_by_key(|(arrival, _)| *arrival);
    beats.into_iter().map(|(_, r)| r).collect()
}

#[test]
fn within_the_grace_and_the_designed_jump_the_engine_gives_the_business_numbers() {
    let settings = PipelineSettings::default();
    for seed in 1..=300u64 {
        let mut rng = Rng(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15));
        let disorder = rng.below(500_000) as i64; // below the 600 s grace
        let jump = [0, 3_600_000, 12 * 3_600_000][rng.below(3) as usize];
        let trace = scenario(&mut rng, disorder, jump);
        let layout = EngineLayout {
            partitions: 1 + rng.below(4) as u32,
            emit_every: 1 + rng.below(200) as usize,
        };
        let engine = run_engine(&trace, &settings, layout);
        let business = run_pipeline(&trace, &[], &settings);
        let context = format!("seed {seed}, disorder {disorder} ms, jump {jump} ms, {layout:?}");
        assert_eq!(engine.dropped_by_dedup, 0, "{context}");
        assert_eq!(engine.expired_unpublished, 0, "{context}");
        assert_eq!(engine.watch_days, business.watch_days, "{context}");
        assert_eq!(engine.segments, business.segments, "{context}");
        assert_eq!(engine.impressions, business.impressions, "{context}");
        // The business totals: watched seconds = 5 s per distinct heartbeat.
        let distinct = trace
            .iter()
            .map(|r| &r.heartbeat.event_id)
            .collect::<std::collections::BTreeSet<_>>()
            .len() as i64;
        let watched: i64 = engine.watch_days.iter().map(|d| d.watched_secs).sum();
        assert_eq!(watched, 5 * distinct, "{context}");
    }
}

/// One viewer watches 20 s; one record two hours ahead then arrives on the same tasks.
fn two_hour_jump() -> Vec<HeartbeatRecord> {
    let mut trace: Vec<_> = (0..5)
        .map(|i| heartbeat(format!("event-{i}"), "v1", "A", T0 + i * 5_000, true))
        .collect();
    let at = T0 + 2 * 3_600_000;
    trace.push(heartbeat("event-ahead".into(), "v2", "B", at, true));
    trace
}

#[test]
fn a_two_hour_jump_loses_closed_windows_at_the_default_retention_and_not_at_ours() {
    let layout = EngineLayout {
        partitions: 1,
        emit_every: 1_000,
    };
    // ksqlDB's default without RETENTION: window + grace (observed: zero segments).
    let old = PipelineSettings {
        window_retention_secs: 20 + 600,
        ..Default::default()
    };
    let lost = run_engine(&two_hour_jump(), &old, layout);
    assert!(
        lost.segments.iter().all(|s| s.viewer_id != "v1"),
        "{lost:?}"
    );
    assert!(lost.expired_unpublished >= 1);

    let ours = run_engine(&two_hour_jump(), &PipelineSettings::default(), layout);
    assert_eq!(ours.expired_unpublished, 0);
    let v1: Vec<_> = ours
        .segments
        .iter()
        .filter(|s| s.viewer_id == "v1")
        .collect();
    assert_eq!(v1.len(), 1);
    assert_eq!(v1[0].watched_secs, 25);
    assert_eq!(ours.impressions.len(), 2, "both hours published");
}

#[test]
fn beyond_the_grace_the_engine_drops_what_the_business_counts() {
    // What docs/pipeline.md says is not solved: a heartbeat uploaded an hour late (offline
    // viewing, or the slower partition of a backlog) is behind the dedup task's stream time by
    // more than the grace, so it is dropped before anything counts it.
    let settings = PipelineSettings::default();
    let layout = EngineLayout {
        partitions: 1,
        emit_every: 10,
    };
    let mut trace: Vec<_> = (0..10)
        .map(|i| {
            heartbeat(
                format!("event-{i}"),
                "v1",
                "A",
                T0 + 3_600_000 + i * 5_000,
                false,
            )
        })
        .collect();
    trace.push(heartbeat("event-late".into(), "v2", "A", T0, false));
    let engine = run_engine(&trace, &settings, layout);
    let business = run_pipeline(&trace, &[], &settings);
    assert_eq!(engine.dropped_by_dedup, 1);
    let engine_secs: i64 = engine.watch_days.iter().map(|d| d.watched_secs).sum();
    let business_secs: i64 = business.watch_days.iter().map(|d| d.watched_secs).sum();
    assert_eq!((engine_secs, business_secs), (50, 55));
}
