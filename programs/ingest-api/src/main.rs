//! `ingest-api`: reads its configuration from the environment (see `docs/ingest.md`), logs
//! JSON lines to stdout, and serves until SIGTERM or SIGINT, then shuts down gracefully.

use std::process::ExitCode;
use std::sync::Arc;

use ingest_api::config::Config;
use ingest_api::{AppState, serve};
use tokio::signal::unix::{SignalKind, signal};

/// mimalloc: glibc's allocator spent a quarter of the CPU in the benchmark (records are allocated
/// on request threads and freed on librdkafka's).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .init();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(errors) => {
            eprintln!("ingest-api: invalid configuration:\n{errors}");
            return ExitCode::from(2);
        }
    };
    match run(config).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            tracing::error!(error = format!("{e:#}"), "ingest-api failed");
            ExitCode::FAILURE
        }
    }
}

async fn run(config: Config) -> anyhow::Result<()> {
    let state = Arc::new(AppState::from_config(&config)?);
    let listener = tokio::net::TcpListener::bind(config.listen_addr).await?;
    tracing::info!(
        addr = %config.listen_addr,
        null_sink = config.kafka.is_none(),
        "ingest-api listening"
    );
    let mut term = signal(SignalKind::terminate())?;
    let shutdown = async move {
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
        tracing::info!("shutdown signal received");
    };
    serve(listener, state, shutdown).await
}
