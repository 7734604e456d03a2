//! The heartbeat ingest API: devices post watch-progress heartbeats; the API authenticates
//! them, validates them strictly against the heartbeat contract and answers `202 Accepted`
//! only after Kafka acknowledged (acks=all, idempotent producer) every record, keyed by
//! viewer id. See `docs/ingest.md` for routes, status codes, authentication and configuration.

pub mod auth;
pub mod body;
pub mod config;
pub mod delivery;
pub mod error;
pub mod metrics;
pub mod poller;
pub mod rate_limit;
pub mod record;
pub mod routes;
pub mod sink;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context;

use crate::auth::ApiKeys;
use crate::config::Config;
use crate::metrics::Metrics;
use crate::rate_limit::RateLimiter;
use crate::sink::Sink;

/// Everything a request handler needs.
pub struct AppState {
    /// The API keys.
    pub keys: ApiKeys,
    /// Per-client token buckets.
    pub limiter: RateLimiter,
    /// Where heartbeats go.
    pub sink: Sink,
    /// The exported metrics.
    pub metrics: Metrics,
    /// The largest accepted body, in bytes.
    pub max_body_bytes: usize,
}

impl AppState {
    /// Builds the state from a validated configuration (reads the keys file, creates the
    /// producer).
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        Ok(Self {
            keys: ApiKeys::load(&config.api_keys_file)?,
            limiter: RateLimiter::new(config.rate_limit_per_sec, config.rate_limit_burst),
            sink: Sink::from_config(config).context("creating the Kafka producer")?,
            metrics: Metrics::default(),
            max_body_bytes: config.max_body_bytes,
        })
    }
}

/// Serves on `listener` until `shutdown` completes; then stops accepting connections, lets
/// in-flight requests finish (each waits for its Kafka acknowledgement), and flushes the
/// producer before returning.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app = routes::router(state.clone());
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
        .context("serving HTTP")?;
    tracing::info!("stopped accepting; flushing the producer");
    state.sink.flush(std::time::Duration::from_secs(30)).await;
    Ok(())
}
