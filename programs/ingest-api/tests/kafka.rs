//! Against a real Kafka broker (KRaft, from Maven Central jars; see components/local-dataplane):
//! everything acknowledged is consumed back, in order per viewer, also across a broker outage.
//! Skipped, with a printed reason, when scripts/dataplane/install.sh has not been run.

mod support;

use std::collections::{BTreeMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures::future::join_all;
use local_dataplane::{Installation, Kafka};
use serde_json::{Value, json};
use support::{Api, heartbeat};
use tokio::task::block_in_place;

const TOPIC: &str = "heartbeats";

fn start_kafka() -> Option<Kafka> {
    if let Err(missing) = Installation::find() {
        println!("SKIPPED: {missing:#}");
        return None;
    }
    let kafka = Kafka::start().unwrap();
    kafka.create_topic(TOPIC, 3).unwrap();
    Some(kafka)
}

async fn api_for(kafka: &Kafka) -> Api {
    Api::start(&[
        ("INGEST_KAFKA_BOOTSTRAP_SERVERS", &kafka.bootstrap_servers()),
        ("INGEST_DELIVERY_TIMEOUT_MS", "3000"),
        ("INGEST_RATE_LIMIT_PER_SEC", "1000000"),
        ("INGEST_RATE_LIMIT_BURST", "1000000"),
    ])
    .await
}

/// The records on the topic, as (key, value JSON), read until `count` arrived or `timeout`.
fn consume(kafka: &Kafka, count: usize, timeout: Duration) -> Vec<(String, Value)> {
    let records = block_in_place(|| kafka.consume(TOPIC, count, timeout)).unwrap();
    records
        .into_iter()
        .map(|r| {
            let key = String::from_utf8(r.key.unwrap()).unwrap();
            (key, serde_json::from_slice(&r.value.unwrap()).unwrap())
        })
        .collect()
}

/// Posts a viewer's heartbeats at positions `positions`, one request at a time as a player
/// does (singles, or batches of `batch`), counting 202s in `acked`; stops at the first refusal
/// (a player backs off) and returns each request's status and event ids.
async fn play(
    api: &Api,
    viewer: String,
    positions: Vec<u32>,
    batch: usize,
    acked: &AtomicUsize,
) -> Vec<(u16, Vec<String>)> {
    let mut results = Vec::new();
    for chunk in positions.chunks(batch) {
        let beats: Vec<Value> = chunk.iter().map(|p| heartbeat(&viewer, *p)).collect();
        let ids = beats
            .iter()
            .map(|b| b["event_id"].as_str().unwrap().to_owned())
            .collect();
        let (status, _) = if batch == 1 {
            api.post("/v1/heartbeats", &beats[0]).await
        } else {
            api.post("/v1/heartbeats:batch", &json!(beats)).await
        };
        results.push((status, ids));
        if status != 202 {
            break;
        }
        acked.fetch_add(1, Ordering::Relaxed);
    }
    results
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posted_heartbeats_are_all_consumed_back_in_order_per_viewer() {
    let Some(kafka) = block_in_place(start_kafka) else {
        return;
    };
    let api = api_for(&kafka).await;
    let positions: Vec<u32> = (1..=40).map(|i| i * 5).collect();
    let acked = AtomicUsize::new(0);
    let viewers = (0..12).map(|v| {
        let batch = if v % 2 == 0 { 1 } else { 8 };
        play(
            &api,
            format!("viewer-{v}"),
            positions.clone(),
            batch,
            &acked,
        )
    });
    for (status, _) in join_all(viewers).await.into_iter().flatten() {
        assert_eq!(status, 202);
    }
    api.stop().await;

    let records = consume(&kafka, 12 * 40, Duration::from_secs(60));
    assert_eq!(records.len(), 12 * 40);
    let mut by_viewer: BTreeMap<String, Vec<f64>> = BTreeMap::new();
    for (key, value) in &records {
        assert_eq!(value["viewer_id"], json!(key), "the key is the viewer id");
        assert_eq!(value["schema_version"], 1);
        assert!(value["received_at_ms"].as_i64().unwrap() > 0);
        by_viewer
            .entry(key.clone())
            .or_default()
            .push(value["position_secs"].as_f64().unwrap());
    }
    let expected: Vec<f64> = positions.iter().map(|p| f64::from(*p)).collect();
    assert_eq!(by_viewer.len(), 12);
    for (viewer, seen) in by_viewer {
        assert_eq!(
            seen, expected,
            "{viewer}'s heartbeats out of order or missing"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn with_the_broker_down_requests_get_503_and_nothing_acknowledged_is_lost() {
    let Some(mut kafka) = block_in_place(start_kafka) else {
        return;
    };
    let api = api_for(&kafka).await;
    let positions: Vec<u32> = (1..=200).collect();
    let acked = AtomicUsize::new(0);
    let mut outcomes = Vec::new();

    // Before: the broker is killed while requests are in flight (after the first 100 acks).
    let players =
        join_all((0..6).map(|v| play(&api, format!("before-{v}"), positions.clone(), 1, &acked)));
    let killer = async {
        for _ in 0..6000 {
            if acked.load(Ordering::Relaxed) >= 100 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        block_in_place(|| kafka.kill());
    };
    let (played, ()) = tokio::join!(players, killer);
    outcomes.extend(played.into_iter().flatten());
    // During: the broker stays down for longer than the delivery timeout of these requests.
    let down = join_all((0..4).map(|v| play(&api, format!("down-{v}"), vec![1], 1, &acked))).await;
    let down: Vec<(u16, Vec<String>)> = down.into_iter().flatten().collect();
    assert!(down.iter().all(|(status, _)| *status == 503), "{down:?}");
    outcomes.extend(down);
    assert_eq!(
        api.get_status("/readyz").await,
        503,
        "not ready while Kafka is down"
    );
    assert_busy_beyond_the_in_flight_bound(&kafka).await;
    // After: the broker is back and the same producer recovers.
    block_in_place(|| kafka.resume()).unwrap();
    let after =
        join_all((0..4).map(|v| play(&api, format!("after-{v}"), positions.clone(), 5, &acked)))
            .await;
    let after: Vec<(u16, Vec<String>)> = after.into_iter().flatten().collect();
    assert!(after.iter().all(|(status, _)| *status == 202), "{after:?}");
    outcomes.extend(after);
    assert_eq!(api.get_status("/readyz").await, 200, "ready again");
    api.stop().await;

    let mut acknowledged = HashSet::new();
    let mut refused = 0;
    for (status, ids) in &outcomes {
        match status {
            202 => acknowledged.extend(ids.iter().cloned()),
            503 => refused += ids.len(),
            other => panic!("status {other} is neither 202 nor 503"),
        }
    }
    // Read everything there may be: a 503'd record may have reached Kafka too (the device
    // retries it; event_id de-duplicates), so wait for up to all of them, for 15 s at most.
    let at_most = acknowledged.len() + refused;
    let consumed: HashSet<String> = consume(&kafka, at_most, Duration::from_secs(15))
        .into_iter()
        .map(|(_, v)| v["event_id"].as_str().unwrap().to_owned())
        .collect();
    let missing: Vec<&String> = acknowledged.difference(&consumed).collect();
    println!(
        "acknowledged {} heartbeats, refused {refused} with 503, consumed {} distinct",
        acknowledged.len(),
        consumed.len()
    );
    assert!(
        missing.is_empty(),
        "acknowledged but not in Kafka: {missing:?}"
    );
}

/// With the broker down, a second API whose in-flight bound is one full batch: while a batch
/// waits for Kafka, the next request is refused at once with 503 `busy` (never queued).
async fn assert_busy_beyond_the_in_flight_bound(kafka: &Kafka) {
    let api = Api::start(&[
        ("INGEST_KAFKA_BOOTSTRAP_SERVERS", &kafka.bootstrap_servers()),
        ("INGEST_DELIVERY_TIMEOUT_MS", "3000"),
        ("INGEST_MAX_IN_FLIGHT", "500"),
    ])
    .await;
    let full = json!((0..500).map(|p| heartbeat("busy", p)).collect::<Vec<_>>());
    let waiting = api.post("/v1/heartbeats:batch", &full);
    let next = async {
        while api.state.metrics.in_flight.get() < 500 {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        api.post("/v1/heartbeats", &heartbeat("busy", 501)).await
    };
    let ((first, _), (second, answer)) = tokio::join!(waiting, next);
    assert_eq!(first, 503, "the waiting batch times out");
    assert_eq!((second, &answer["error"]), (503, &json!("busy")));
    assert_eq!(api.state.metrics.in_flight.get(), 0);
    api.stop().await;
}
