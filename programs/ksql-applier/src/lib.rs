//! The ksqlDB applier: waits until ksqlDB is ready, then runs the pipeline's statements in
//! file order through `POST /ksql`.
//!
//! - Ready: `GET /healthcheck` answers 200 with `"isHealthy": true`.
//! - Ordered: each request carries the previous statement's `commandSequenceNumber`, so
//!   ksqlDB runs it only after the previous command has been executed.
//! - Idempotent: every statement is `CREATE ... IF NOT EXISTS`; for an object that exists,
//!   ksqlDB answers a `warning_entity` and changes nothing, which the applier counts as
//!   "already there".
//! - Failures: a statement error (HTTP 400, `statement_error`) or a command that ends in
//!   `ERROR` stops the run with ksqlDB's own message and is never retried; connection errors
//!   and HTTP 5xx are retried with exponential backoff.

use std::time::Duration;

use anyhow::{Context, Result, anyhow, bail};
use ksql_pipeline::{KsqlStatement, StatementFile};
use serde::Serialize;
use serde_json::Value;

/// ksqlDB's versioned JSON media type.
pub const KSQL_MEDIA_TYPE: &str = "application/vnd.ksql.v1+json";

/// How often and how patiently to retry what may heal: connection errors, HTTP 5xx and a
/// server that is not healthy yet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included.
    pub attempts: u32,
    /// Wait after the first failure; doubled after each further one.
    pub initial_backoff: Duration,
    /// Longest wait between attempts.
    pub max_backoff: Duration,
}

impl Default for RetryPolicy {
    /// About ten minutes in all: 0.5 s, 1 s, 2 s, ... then every 10 s, 70 attempts.
    fn default() -> Self {
        Self {
            attempts: 70,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(10),
        }
    }
}

impl RetryPolicy {
    fn backoff(&self, failures: u32) -> Duration {
        let factor = 2u32.saturating_pow(failures.saturating_sub(1).min(16));
        self.initial_backoff
            .saturating_mul(factor)
            .min(self.max_backoff)
    }
}

/// What happened to each statement of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyReport {
    /// Statements that created their stream or table.
    pub created: Vec<String>,
    /// Statements whose stream or table already existed (nothing changed).
    pub already_present: Vec<String>,
}

/// The outcome of one attempt: done, worth retrying, or final.
enum Attempt<T> {
    Done(T),
    Retry(String),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct KsqlRequest<'a> {
    ksql: &'a str,
    streams_properties: &'a std::collections::BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    command_sequence_number: Option<i64>,
}

/// A client of one ksqlDB server's REST API.
#[derive(Debug, Clone)]
pub struct KsqlClient {
    http: reqwest::Client,
    server: String,
    retry: RetryPolicy,
}

impl KsqlClient {
    /// A client of the server at `server` (such as `http://ksqldb:8088`).
    pub fn new(server: &str, retry: RetryPolicy) -> Result<Self> {
        if !(server.starts_with("http://") || server.starts_with("https://")) {
            bail!("server {server:?}: must be an http:// or https:// URL of the ksqlDB server");
        }
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            .timeout(Duration::from_secs(120))
            .build()
            .context("building the HTTP client")?;
        Ok(Self {
            http,
            server: server.trim_end_matches('/').to_string(),
            retry,
        })
    }

    async fn with_retries<T, F, Fut>(&self, what: &str, mut attempt: F) -> Result<T>
    where
        F: FnMut() -> Fut,
        Fut: std::future::Future<Output = Result<Attempt<T>>>,
    {
        let mut last = String::new();
        for n in 1..=self.retry.attempts {
            match attempt().await? {
                Attempt::Done(value) => return Ok(value),
                Attempt::Retry(why) => last = why,
            }
            if n < self.retry.attempts {
                tokio::time::sleep(self.retry.backoff(n)).await;
            }
        }
        Err(anyhow!(
            "{what}: ksqlDB at {} did not answer after {} attempts; last: {last}",
            self.server,
            self.retry.attempts
        ))
    }

    /// Waits until `GET /healthcheck` reports the server healthy.
    pub async fn wait_until_ready(&self) -> Result<()> {
        let url = format!("{}/healthcheck", self.server);
        self.with_retries("waiting for ksqlDB to be ready", || async {
            let response = match self.http.get(&url).send().await {
                Ok(r) => r,
                Err(e) => return Ok(Attempt::Retry(format!("GET {url}: {e}"))),
            };
            let status = response.status();
            let body: Value = response.json().await.unwrap_or(Value::Null);
            if status.is_success() && body["isHealthy"] == Value::Bool(true) {
                Ok(Attempt::Done(()))
            } else {
                Ok(Attempt::Retry(format!("GET {url}: {status} {body}")))
            }
        })
        .await
    }

    /// Runs one statement after command `after` (if any). Returns whether it created its
    /// object, and the command sequence number to wait for next.
    pub async fn execute(
        &self,
        statement: &KsqlStatement,
        after: Option<i64>,
    ) -> Result<(bool, Option<i64>)> {
        let url = format!("{}/ksql", self.server);
        let request = KsqlRequest {
            ksql: &statement.sql,
            streams_properties: &statement.properties,
            command_sequence_number: after,
        };
        let what = format!("statement {}", statement.name);
        self.with_retries(&what, || async {
            let sent = self
                .http
                .post(&url)
                .header(reqwest::header::CONTENT_TYPE, KSQL_MEDIA_TYPE)
                .header(reqwest::header::ACCEPT, KSQL_MEDIA_TYPE)
                .json(&request)
                .send()
                .await;
            let response = match sent {
                Ok(r) => r,
                Err(e) => return Ok(Attempt::Retry(format!("POST {url}: {e}"))),
            };
            let status = response.status();
            let text = response.text().await.unwrap_or_default();
            if status.is_server_error() {
                return Ok(Attempt::Retry(format!("POST {url}: {status} {text}")));
            }
            let body: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if !status.is_success() {
                bail!(
                    "statement {} failed: ksqlDB answered {status}: {}",
                    statement.name,
                    body["message"].as_str().unwrap_or(&text)
                );
            }
            Ok(Attempt::Done(read_entities(&statement.name, &body, after)?))
        })
        .await
    }

    /// Waits until ready, then runs every statement of `file` in order.
    pub async fn apply(&self, file: &StatementFile) -> Result<ApplyReport> {
        self.wait_until_ready().await?;
        let mut report = ApplyReport::default();
        let mut after = None;
        for statement in &file.statements {
            let (created, sequence) = self.execute(statement, after).await?;
            after = sequence.or(after);
            let list = if created {
                &mut report.created
            } else {
                &mut report.already_present
            };
            list.push(statement.name.clone());
        }
        Ok(report)
    }
}

/// Reads a 200 answer of `POST /ksql`: one entity per statement.
fn read_entities(name: &str, body: &Value, after: Option<i64>) -> Result<(bool, Option<i64>)> {
    let entities = body.as_array().ok_or_else(|| {
        anyhow!("statement {name}: ksqlDB answered {body}, not a list of results")
    })?;
    let [entity] = entities.as_slice() else {
        bail!(
            "statement {name}: ksqlDB answered {} results for one statement",
            entities.len()
        );
    };
    match entity["@type"].as_str() {
        Some("warning_entity") => Ok((false, after)),
        Some("currentStatus") => {
            let status = &entity["commandStatus"];
            match status["status"].as_str() {
                Some("ERROR") | Some("TERMINATED") => bail!(
                    "statement {name} failed: ksqlDB command ended {}: {}",
                    status["status"].as_str().unwrap_or_default(),
                    status["message"].as_str().unwrap_or_default()
                ),
                _ => Ok((true, entity["commandSequenceNumber"].as_i64().or(after))),
            }
        }
        _ => bail!("statement {name}: unexpected ksqlDB answer {entity}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let policy = RetryPolicy {
            attempts: 10,
            initial_backoff: Duration::from_millis(100),
            max_backoff: Duration::from_millis(700),
        };
        let waits: Vec<u128> = (1..=5).map(|n| policy.backoff(n).as_millis()).collect();
        assert_eq!(waits, [100, 200, 400, 700, 700]);
    }

    #[test]
    fn a_command_that_ends_in_error_fails_with_its_message() {
        let body = serde_json::json!([{
            "@type": "currentStatus",
            "commandStatus": {"status": "ERROR", "message": "Could not create topic"},
            "commandSequenceNumber": 4
        }]);
        let err = read_entities("royalties_daily", &body, None).unwrap_err();
        assert_eq!(
            err.to_string(),
            "statement royalties_daily failed: ksqlDB command ended ERROR: Could not create topic"
        );
    }

    #[test]
    fn a_non_http_server_is_refused() {
        let err = KsqlClient::new("ksqldb:8088", RetryPolicy::default()).unwrap_err();
        assert!(
            err.to_string().starts_with("server \"ksqldb:8088\""),
            "{err}"
        );
    }
}
