//! The applier against a local HTTP server that answers as ksqlDB's REST API documents:
//! `GET /healthcheck` (503 with `"isHealthy": false` until ready), `POST /ksql` answering
//! `currentStatus` for a new stream or table, `warning_entity` for one that exists (IF NOT
//! EXISTS), `statement_error` (HTTP 400) for a bad statement, and 503 while overloaded.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use ksql_applier::{ApplyReport, KsqlClient, RetryPolicy};
use ksql_pipeline::{PipelineSettings, PipelineTopics, StatementFile, pipeline_statements};
use serde_json::{Value, json};

/// What the fake server has seen and how it behaves.
#[derive(Default)]
struct Fake {
    /// Health checks to fail before reporting healthy.
    unhealthy_checks: u32,
    /// `POST /ksql` requests to answer 503 before serving.
    overloaded_posts: u32,
    /// A statement containing this text gets a statement error.
    broken: Option<String>,
    health_checks: u32,
    /// Every `POST /ksql` body, in arrival order.
    requests: Vec<Value>,
    /// Created objects, by the statement text that created them.
    created: BTreeMap<String, String>,
    sequence: i64,
}

type Shared = Arc<Mutex<Fake>>;

async fn healthcheck(State(fake): State<Shared>) -> (StatusCode, Json<Value>) {
    let mut fake = fake.lock().unwrap();
    fake.health_checks += 1;
    let healthy = fake.health_checks > fake.unhealthy_checks;
    let body = json!({
        "isHealthy": healthy,
        "details": {"metastore": {"isHealthy": healthy}, "kafka": {"isHealthy": healthy}}
    });
    let status = if healthy {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}

async fn ksql(State(fake): State<Shared>, Json(request): Json<Value>) -> (StatusCode, Json<Value>) {
    let mut fake = fake.lock().unwrap();
    fake.requests.push(request.clone());
    if fake.overloaded_posts > 0 {
        fake.overloaded_posts -= 1;
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({"@type": "generic_error", "error_code": 50303, "message": "Server not ready"}),
            ),
        );
    }
    let sql = request["ksql"].as_str().unwrap().to_string();
    if fake.broken.as_deref().is_some_and(|b| sql.contains(b)) {
        return (
            StatusCode::BAD_REQUEST,
            Json(json!({
                "@type": "statement_error",
                "error_code": 40001,
                "message": "Function 'LATEST_BY_OFFSET' does not accept parameters (DEVICE).",
                "statementText": sql,
                "entities": []
            })),
        );
    }
    let name = sql.split_whitespace().nth(5).unwrap().to_string();
    if fake.created.contains_key(&name) {
        return (
            StatusCode::OK,
            Json(json!([{
                "@type": "warning_entity",
                "statementText": sql,
                "message": format!("Cannot add stream {name}: A stream with the same name already exists."),
                "warnings": []
            }])),
        );
    }
    fake.sequence += 1;
    fake.created.insert(name, sql.clone());
    (
        StatusCode::OK,
        Json(json!([{
            "@type": "currentStatus",
            "statementText": sql,
            "commandId": "stream/X/create",
            "commandStatus": {"status": "SUCCESS", "message": "Created query"},
            "commandSequenceNumber": fake.sequence,
            "warnings": []
        }])),
    )
}

async fn serve(fake: Fake) -> (String, Shared) {
    let shared = Arc::new(Mutex::new(fake));
    let app = Router::new()
        .route("/healthcheck", get(healthcheck))
        .route("/ksql", post(ksql))
        .with_state(shared.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    (url, shared)
}

fn fast() -> RetryPolicy {
    RetryPolicy {
        attempts: 6,
        initial_backoff: Duration::from_millis(5),
        max_backoff: Duration::from_millis(20),
    }
}

fn pipeline() -> StatementFile {
    let statements =
        pipeline_statements(&PipelineTopics::default(), &PipelineSettings::default()).unwrap();
    // Through the file format, as the Job reads it from the ConfigMap.
    StatementFile::from_json(&StatementFile::new(statements).to_json()).unwrap()
}

fn names(file: &StatementFile) -> Vec<String> {
    file.statements.iter().map(|s| s.name.clone()).collect()
}

#[tokio::test]
async fn applies_every_statement_in_order_each_after_the_previous_command() {
    let (url, fake) = serve(Fake::default()).await;
    let file = pipeline();
    let report = KsqlClient::new(&url, fast())
        .unwrap()
        .apply(&file)
        .await
        .unwrap();
    assert_eq!(
        report,
        ApplyReport {
            created: names(&file),
            already_present: vec![]
        }
    );
    let fake = fake.lock().unwrap();
    let sent: Vec<&str> = fake
        .requests
        .iter()
        .map(|r| r["ksql"].as_str().unwrap())
        .collect();
    let expected: Vec<&str> = file.statements.iter().map(|s| s.sql.as_str()).collect();
    assert_eq!(sent, expected);
    let sequence: Vec<Value> = fake
        .requests
        .iter()
        .map(|r| {
            r.get("commandSequenceNumber")
                .cloned()
                .unwrap_or(Value::Null)
        })
        .collect();
    let mut chained = vec![Value::Null];
    chained.extend((1..file.statements.len() as i64).map(Value::from));
    assert_eq!(sequence, chained);
    assert_eq!(
        fake.requests[1]["streamsProperties"],
        json!({"auto.offset.reset": "earliest", "ksql.streams.cache.max.bytes.buffering": "0"})
    );
}

#[tokio::test]
async fn a_second_run_changes_nothing() {
    let (url, fake) = serve(Fake::default()).await;
    let client = KsqlClient::new(&url, fast()).unwrap();
    let file = pipeline();
    client.apply(&file).await.unwrap();
    let before = fake.lock().unwrap().created.clone();
    let report = client.apply(&file).await.unwrap();
    assert_eq!(report.created, Vec::<String>::new());
    assert_eq!(report.already_present, names(&file));
    assert_eq!(fake.lock().unwrap().created, before);
}

#[tokio::test]
async fn waits_until_the_server_is_healthy_before_sending_statements() {
    let (url, fake) = serve(Fake {
        unhealthy_checks: 3,
        ..Default::default()
    })
    .await;
    KsqlClient::new(&url, fast())
        .unwrap()
        .apply(&pipeline())
        .await
        .unwrap();
    let fake = fake.lock().unwrap();
    assert_eq!(fake.health_checks, 4);
    assert_eq!(fake.requests.len(), 7);
}

#[tokio::test]
async fn a_statement_error_stops_the_run_with_ksqldbs_message_and_is_not_retried() {
    let (url, fake) = serve(Fake {
        broken: Some("LATEST_BY_OFFSET(device)".into()),
        ..Default::default()
    })
    .await;
    let err = KsqlClient::new(&url, fast())
        .unwrap()
        .apply(&pipeline())
        .await
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "statement continue_watching failed: ksqlDB answered 400 Bad Request: \
         Function 'LATEST_BY_OFFSET' does not accept parameters (DEVICE)."
    );
    let fake = fake.lock().unwrap();
    let broken_posts = fake
        .requests
        .iter()
        .filter(|r| r["ksql"].as_str().unwrap().contains("continue_watching"))
        .count();
    assert_eq!(broken_posts, 1);
    assert!(!fake.created.contains_key("ad_impressions_hourly"));
}

#[tokio::test]
async fn server_errors_are_retried_with_backoff() {
    let (url, fake) = serve(Fake {
        overloaded_posts: 2,
        ..Default::default()
    })
    .await;
    let report = KsqlClient::new(&url, fast())
        .unwrap()
        .apply(&pipeline())
        .await
        .unwrap();
    assert_eq!(report.created.len(), 7);
    let fake = fake.lock().unwrap();
    assert_eq!(fake.requests.len(), 9);
    assert_eq!(fake.requests[0], fake.requests[2]);
}

#[tokio::test]
async fn an_unreachable_server_fails_after_the_retries_naming_it() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let err = KsqlClient::new(&url, fast())
        .unwrap()
        .apply(&pipeline())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!(
            "waiting for ksqlDB to be ready: ksqlDB at {url} did not answer after 6 attempts"
        )),
        "{err}"
    );
}
