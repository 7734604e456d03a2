//! The HTTP routes and the request-counting middleware.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use axum::Json;
use axum::body::{Body, Bytes};
use axum::extract::{MatchedPath, Request, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use heartbeat_contract::FieldError;
use http_body_util::{BodyExt, LengthLimitError, Limited};
use serde_json::json;

use crate::AppState;
use crate::body::{self, Shape};
use crate::error::ApiError;
use crate::metrics::RequestLabels;

/// The API's router: the heartbeat routes, probes and metrics, all counted in `/metrics`.
pub fn router(state: Arc<AppState>) -> axum::Router {
    axum::Router::new()
        .route("/v1/heartbeats", post(post_heartbeats))
        .route("/v1/heartbeats:batch", post(post_batch))
        .route("/healthz", get(|| async { "ok" }))
        .route("/readyz", get(readyz))
        .route("/metrics", get(metrics))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            count_requests,
        ))
        .with_state(state)
}

async fn post_heartbeats(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    ingest(&state, &headers, body, Shape::ObjectOrArray).await
}

async fn post_batch(
    State(state): State<Arc<AppState>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    ingest(&state, &headers, body, Shape::Array).await
}

/// Authenticate, check the media type, read the bounded body, parse and validate, rate-limit,
/// then write to the sink; 202 only once the sink has every heartbeat.
async fn ingest(
    state: &AppState,
    headers: &HeaderMap,
    body: Body,
    shape: Shape,
) -> Result<Response, ApiError> {
    let client = state
        .keys
        .authenticate(headers.get(header::AUTHORIZATION).map(|v| v.as_bytes()))
        .map_err(|denied| match denied {
            crate::auth::Denied::Revoked => ApiError::Forbidden,
            _ => ApiError::Unauthenticated,
        })?;
    if !is_json(headers) {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = read_body(body, headers, state.max_body_bytes).await?;
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64);
    let heartbeats = body::parse(&bytes, shape, now_ms).map_err(ApiError::Invalid)?;
    let count = heartbeats.len();
    state
        .limiter
        .check(&client, count, Instant::now())
        .map_err(ApiError::RateLimited)?;
    state.sink.write(heartbeats, now_ms, &state.metrics).await?;
    state.metrics.heartbeats_accepted.inc_by(count as u64);
    Ok((StatusCode::ACCEPTED, Json(json!({"accepted": count}))).into_response())
}

/// `application/json`, with or without parameters such as `charset=utf-8`.
fn is_json(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|mime| mime.trim().eq_ignore_ascii_case("application/json"))
}

/// Reads at most `limit` bytes: 413 as soon as `Content-Length` or the data says more.
async fn read_body(body: Body, headers: &HeaderMap, limit: usize) -> Result<Bytes, ApiError> {
    let declared = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok()?.parse::<u64>().ok());
    if declared.is_some_and(|len| len > limit as u64) {
        return Err(ApiError::PayloadTooLarge(limit));
    }
    match Limited::new(body, limit).collect().await {
        Ok(collected) => Ok(collected.to_bytes()),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => {
            Err(ApiError::PayloadTooLarge(limit))
        }
        Err(e) => Err(ApiError::Invalid(FieldError {
            field: "$".into(),
            reason: format!("the body could not be read: {e}"),
        })),
    }
}

async fn readyz(State(state): State<Arc<AppState>>) -> (StatusCode, &'static str) {
    if state.sink.ready().await {
        (StatusCode::OK, "ready")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "kafka is not reachable")
    }
}

async fn metrics(State(state): State<Arc<AppState>>) -> impl IntoResponse {
    (
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.encode(),
    )
}

/// Counts every response by matched route and status.
async fn count_requests(
    State(state): State<Arc<AppState>>,
    request: Request,
    next: Next,
) -> Response {
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let response = next.run(request).await;
    state
        .metrics
        .requests
        .get_or_create(&RequestLabels {
            route,
            status: response.status().as_u16(),
        })
        .inc();
    response
}
