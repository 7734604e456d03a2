//! Prometheus metrics, served on `/metrics` in the OpenMetrics text format.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

/// The labels of a request count.
#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    /// The matched route, such as `/v1/heartbeats` (`unmatched` for a 404).
    pub route: String,
    /// The response's HTTP status.
    pub status: u16,
}

/// Every metric the API exports.
#[derive(Debug)]
pub struct Metrics {
    registry: Registry,
    /// Requests by route and status.
    pub requests: Family<RequestLabels, Counter>,
    /// Heartbeats acknowledged by Kafka (and answered 202).
    pub heartbeats_accepted: Counter,
    /// Time from handing a request's records to the producer until Kafka acknowledged all.
    pub delivery_seconds: Histogram,
    /// Records handed to the producer and not yet acknowledged.
    pub in_flight: Gauge,
}

impl Default for Metrics {
    fn default() -> Self {
        let mut registry = Registry::with_prefix("ingest");
        let requests = Family::<RequestLabels, Counter>::default();
        let heartbeats_accepted = Counter::default();
        // 0.5 ms to about 16 s.
        let delivery_seconds = Histogram::new(exponential_buckets(0.0005, 2.0, 16));
        let in_flight = Gauge::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "heartbeats_accepted",
            "Heartbeats acknowledged by Kafka and answered 202",
            heartbeats_accepted.clone(),
        );
        registry.register(
            "kafka_delivery_seconds",
            "Time until Kafka acknowledged every record of a request",
            delivery_seconds.clone(),
        );
        registry.register(
            "kafka_in_flight_records",
            "Records handed to the producer and not yet acknowledged",
            in_flight.clone(),
        );
        Self {
            registry,
            requests,
            heartbeats_accepted,
            delivery_seconds,
            in_flight,
        }
    }
}

impl Metrics {
    /// The registry in the OpenMetrics text format.
    pub fn encode(&self) -> String {
        let mut text = String::new();
        prometheus_client::encoding::text::encode(&mut text, &self.registry)
            .expect("writing to a String cannot fail");
        text
    }
}
