//! The API's errors: each knows its HTTP status and renders as
//! `{"error": code, "message": text, "field": path?}`.

use std::time::Duration;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use heartbeat_contract::FieldError;
use serde_json::json;

/// Why a request was not accepted.
#[derive(Debug)]
pub enum ApiError {
    /// 401: no valid API key.
    Unauthenticated,
    /// 403: a revoked API key.
    Forbidden,
    /// 415: the body is not `application/json`.
    UnsupportedMediaType,
    /// 413: the body is larger than the limit (bytes).
    PayloadTooLarge(usize),
    /// 400: the body could not be read, or broke the contract.
    Invalid(FieldError),
    /// 429: the client is over its rate; retry after the duration.
    RateLimited(Duration),
    /// 503: too many records are waiting for Kafka (back-pressure).
    Busy,
    /// 503: Kafka did not acknowledge every record in time.
    KafkaUnavailable,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, field, retry_after) = match self {
            Self::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                "unauthenticated",
                "send `Authorization: Bearer <client_id>.<secret>` with a valid API key".into(),
                None,
                None,
            ),
            Self::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "this API key has been revoked".into(),
                None,
                None,
            ),
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_media_type",
                "send `Content-Type: application/json`".into(),
                None,
                None,
            ),
            Self::PayloadTooLarge(limit) => (
                StatusCode::PAYLOAD_TOO_LARGE,
                "payload_too_large",
                format!("the body is larger than {limit} bytes; send smaller batches"),
                None,
                None,
            ),
            Self::Invalid(e) => (
                StatusCode::BAD_REQUEST,
                "invalid",
                e.reason,
                Some(e.field),
                None,
            ),
            Self::RateLimited(wait) => (
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "this client is sending more heartbeats than its rate allows".into(),
                None,
                Some(wait),
            ),
            Self::Busy => (
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "too many heartbeats are waiting for Kafka; retry later".into(),
                None,
                Some(Duration::from_secs(1)),
            ),
            Self::KafkaUnavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "kafka_unavailable",
                "Kafka did not acknowledge the heartbeats in time; none may be counted as received, retry them".into(),
                None,
                Some(Duration::from_secs(2)),
            ),
        };
        let mut body = json!({"error": code, "message": message});
        if let Some(field) = field {
            body["field"] = field.into();
        }
        let mut response = (status, axum::Json(body)).into_response();
        if let Some(wait) = retry_after {
            // Whole seconds, rounded up, at least 1.
            let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(secs.max(1)));
        }
        if status == StatusCode::UNAUTHORIZED {
            response
                .headers_mut()
                .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}
