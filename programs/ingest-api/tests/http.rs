//! Status codes and error bodies of the HTTP layer (null sink: no Kafka needed).

mod support;

use serde_json::{Value, json};
use support::{Api, SECRET, heartbeat};

async fn raw(api: &Api, auth: Option<&str>, content_type: &str, body: String) -> (u16, Value) {
    let mut request = reqwest::Client::new()
        .post(format!("{}/v1/heartbeats", api.url))
        .header("content-type", content_type)
        .body(body);
    if let Some(auth) = auth {
        request = request.header("authorization", auth);
    }
    let response = request.send().await.unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn accepted_heartbeats_get_202_with_their_count() {
    let api = Api::start(&[]).await;
    let (status, body) = api.post("/v1/heartbeats", &heartbeat("v1", 5)).await;
    assert_eq!((status, body), (202, json!({"accepted": 1})));
    let batch = json!([heartbeat("v1", 10), heartbeat("v2", 10)]);
    assert_eq!(api.post("/v1/heartbeats:batch", &batch).await.0, 202);
    assert_eq!(api.post("/v1/heartbeats", &batch).await.1["accepted"], 2);
    api.stop().await;
}

#[tokio::test]
async fn authentication_failures_are_401_and_revoked_keys_403() {
    let api = Api::start(&[]).await;
    let body = heartbeat("v1", 5).to_string();
    let json = "application/json";
    assert_eq!(raw(&api, None, json, body.clone()).await.0, 401);
    let wrong = "Bearer device.ffffffffffffffffffffffffffffffff";
    let (status, answer) = raw(&api, Some(wrong), json, body.clone()).await;
    assert_eq!((status, &answer["error"]), (401, &json!("unauthenticated")));
    let revoked = format!("Bearer revoked-device.{SECRET}");
    assert_eq!(raw(&api, Some(&revoked), json, body).await.0, 403);
    api.stop().await;
}

#[tokio::test]
async fn wrong_media_type_is_415_and_oversized_body_413() {
    let api = Api::start(&[("INGEST_MAX_BODY_BYTES", "2048")]).await;
    let auth = format!("Bearer device.{SECRET}");
    let body = heartbeat("v1", 5).to_string();
    assert_eq!(
        raw(&api, Some(&auth), "text/plain", body.clone()).await.0,
        415
    );
    let charset = "application/json; charset=utf-8";
    assert_eq!(raw(&api, Some(&auth), charset, body).await.0, 202);
    let big = json!(vec![heartbeat("v1", 5); 20]).to_string();
    let (status, answer) = raw(&api, Some(&auth), "application/json", big).await;
    assert_eq!(
        (status, &answer["error"]),
        (413, &json!("payload_too_large"))
    );
    api.stop().await;
}

#[tokio::test]
async fn invalid_bodies_are_400_naming_the_field() {
    let api = Api::start(&[]).await;
    let mut bad = heartbeat("v1", 5);
    bad["device"] = json!("fridge");
    let (status, answer) = api.post("/v1/heartbeats", &bad).await;
    assert_eq!((status, &answer["field"]), (400, &json!("device")));
    assert!(answer["message"].as_str().unwrap().contains("fridge"));

    let mut bad = heartbeat("v1", 5);
    bad["position_secs"] = json!(-3);
    let batch = json!([heartbeat("v1", 1), bad]);
    let (status, answer) = api.post("/v1/heartbeats:batch", &batch).await;
    assert_eq!(
        (status, &answer["field"]),
        (400, &json!("[1].position_secs"))
    );

    let (status, answer) = api.post("/v1/heartbeats:batch", &heartbeat("v1", 5)).await;
    assert_eq!((status, &answer["field"]), (400, &json!("$")));
    api.stop().await;
}

#[tokio::test]
async fn a_client_over_its_rate_gets_429_with_retry_after() {
    let api = Api::start(&[
        ("INGEST_RATE_LIMIT_PER_SEC", "1"),
        ("INGEST_RATE_LIMIT_BURST", "500"),
    ])
    .await;
    let full = json!(vec![heartbeat("v1", 5); 500]);
    assert_eq!(api.post("/v1/heartbeats:batch", &full).await.0, 202);
    let response = reqwest::Client::new()
        .post(format!("{}/v1/heartbeats", api.url))
        .header("authorization", format!("Bearer device.{SECRET}"))
        .header("content-type", "application/json")
        .body(heartbeat("v1", 10).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    assert_eq!(response.headers()["retry-after"], "1");
    api.stop().await;
}

#[tokio::test]
async fn probes_and_metrics_answer() {
    let api = Api::start(&[]).await;
    api.post("/v1/heartbeats", &heartbeat("v1", 5)).await;
    assert_eq!(api.get_status("/healthz").await, 200);
    assert_eq!(api.get_status("/readyz").await, 200);
    let response = reqwest::get(format!("{}/metrics", api.url)).await.unwrap();
    assert_eq!(response.status().as_u16(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"ingest_http_requests_total{route="/v1/heartbeats",status="202"} 1"#),
        "{text}"
    );
    assert!(
        text.contains("ingest_heartbeats_accepted_total 1"),
        "{text}"
    );
    api.stop().await;
}
