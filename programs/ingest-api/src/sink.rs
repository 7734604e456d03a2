//! Where accepted heartbeats go: Kafka (acknowledged with acks=all before the API answers 2xx),
//! or nowhere (the benchmark's null sink).
//!
//! Back-pressure: a semaphore holds one permit per record that may wait for Kafka's
//! acknowledgement; a request that cannot take permits for all its records at once is refused
//! (503) instead of queued, and librdkafka's own queue is bounded by the same number, so memory
//! stays bounded whatever Kafka does. The permits go back when Kafka answered for every record of
//! the request (see [`crate::delivery`]).

use std::sync::Arc;
use std::time::{Duration, Instant};

use heartbeat_contract::Heartbeat;
use rdkafka::ClientConfig;
use rdkafka::producer::{BaseRecord, Producer};
use tokio::sync::{Notify, Semaphore};

use crate::config::{Config, KafkaConfig};
use crate::delivery::{InFlightGauge, Pending, Reports};
use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::poller::{self, KafkaProducer};
use crate::record;

/// The Kafka producer and its in-flight bound.
pub struct KafkaSink {
    producer: Arc<KafkaProducer>,
    /// Tells the poller (see [`crate::poller`]) that records were handed to the producer.
    produced: Arc<Notify>,
    topic: String,
    in_flight: Arc<Semaphore>,
}

/// Where heartbeats go.
pub enum Sink {
    /// To Kafka.
    Kafka(KafkaSink),
    /// Nowhere: parse, validate and answer 202 (benchmark ceiling only).
    Null,
}

impl Sink {
    /// Builds the sink the configuration asks for (does not contact Kafka yet); a Kafka sink
    /// must be built inside a tokio runtime, which then serves its delivery reports.
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let Some(kafka) = &config.kafka else {
            return Ok(Self::Null);
        };
        let producer = Arc::new(
            producer_config(kafka, config.max_in_flight)?.create_with_context(Reports::default())?,
        );
        let produced = Arc::new(Notify::new());
        poller::spawn(&producer, produced.clone())?;
        Ok(Self::Kafka(KafkaSink {
            producer,
            produced,
            topic: kafka.topic.clone(),
            in_flight: Arc::new(Semaphore::new(config.max_in_flight as usize)),
        }))
    }

    /// Writes the heartbeats, keyed by viewer id, and returns once Kafka acknowledged every one.
    pub async fn write(
        &self,
        heartbeats: Vec<Heartbeat>,
        received_at_ms: i64,
        metrics: &Metrics,
    ) -> Result<(), ApiError> {
        let Self::Kafka(kafka) = self else {
            return Ok(());
        };
        let count = heartbeats.len();
        let permits = kafka
            .in_flight
            .clone()
            .try_acquire_many_owned(count as u32)
            .map_err(|_| ApiError::Busy)?;
        let gauge = InFlightGauge::add(&metrics.in_flight, count as i64);
        let (pending, settled) = Pending::new(count, permits, gauge);
        let started = Instant::now();
        kafka.produce_all(heartbeats, received_at_ms, pending);
        kafka.produced.notify_one();
        let acknowledged = settled.await.unwrap_or(false);
        metrics
            .delivery_seconds
            .observe(started.elapsed().as_secs_f64());
        if acknowledged {
            Ok(())
        } else {
            Err(ApiError::KafkaUnavailable)
        }
    }

    /// Whether the sink can write: Kafka answers a metadata request for the topic with at least
    /// one partition (always true for the null sink).
    pub async fn ready(&self) -> bool {
        let Self::Kafka(kafka) = self else {
            return true;
        };
        let producer = kafka.producer.clone();
        let topic = kafka.topic.clone();
        tokio::task::spawn_blocking(move || {
            producer
                .client()
                .fetch_metadata(Some(&topic), Duration::from_secs(2))
                .is_ok_and(|m| {
                    m.topics()
                        .iter()
                        .any(|t| t.error().is_none() && !t.partitions().is_empty())
                })
        })
        .await
        .unwrap_or(false)
    }

    /// Waits until every record handed to the producer is acknowledged or has failed.
    pub async fn flush(&self, timeout: Duration) {
        if let Self::Kafka(kafka) = self {
            let producer = kafka.producer.clone();
            let flushed = tokio::task::spawn_blocking(move || producer.flush(timeout)).await;
            if !matches!(flushed, Ok(Ok(()))) {
                tracing::error!(?flushed, "records were still unacknowledged at shutdown");
            }
        }
    }
}

impl KafkaSink {
    /// Hands every record to the producer with `pending` as its delivery opaque; a record the
    /// producer refuses fails the request, and it and the records after it are settled at once.
    fn produce_all(&self, heartbeats: Vec<Heartbeat>, received_at_ms: i64, pending: Arc<Pending>) {
        // One buffer reused for every value: the producer copies each payload it accepts.
        let mut value = Vec::with_capacity(320);
        for (sent, heartbeat) in heartbeats.iter().enumerate() {
            value.clear();
            record::write(&mut value, heartbeat, received_at_ms);
            let record = BaseRecord::with_opaque_to(&self.topic, pending.clone())
                .key(heartbeat.viewer_id.as_str())
                .payload(value.as_slice())
                .timestamp(received_at_ms);
            if let Err((error, _)) = self.producer.send(record) {
                tracing::warn!(%error, "the producer refused a record");
                pending.fail();
                pending.settle(heartbeats.len() - sent);
                return;
            }
        }
    }
}

/// The producer's librdkafka configuration.
fn producer_config(kafka: &KafkaConfig, max_in_flight: u32) -> anyhow::Result<ClientConfig> {
    let mut config = ClientConfig::new();
    config
        .set("bootstrap.servers", &kafka.bootstrap_servers)
        .set("client.id", "ingest-api")
        .set("enable.idempotence", "true")
        .set("acks", "all")
        .set("compression.type", &kafka.compression)
        .set("linger.ms", kafka.linger.as_millis().to_string())
        .set("batch.size", kafka.batch_bytes.to_string())
        .set("batch.num.messages", "100000")
        .set(
            "message.timeout.ms",
            kafka.delivery_timeout.as_millis().to_string(),
        )
        .set("queue.buffering.max.messages", max_in_flight.to_string())
        .set("queue.buffering.max.kbytes", "1048576")
        // The Java clients' keyed partitioning, so tools agree on where a viewer's records are.
        .set("partitioner", "murmur2_random")
        .set("security.protocol", kafka.security_protocol.as_str());
    if let Some(sasl) = &kafka.sasl {
        let password = std::fs::read_to_string(&sasl.password_file).map_err(|e| {
            anyhow::anyhow!(
                "reading INGEST_KAFKA_SASL_PASSWORD_FILE {}: {e}",
                sasl.password_file.display()
            )
        })?;
        config
            .set("sasl.mechanisms", &sasl.mechanism)
            .set("sasl.username", &sasl.username)
            .set("sasl.password", password.trim_end());
    }
    for (key, path) in [
        ("ssl.ca.location", &kafka.tls.ca_file),
        ("ssl.certificate.location", &kafka.tls.cert_file),
        ("ssl.key.location", &kafka.tls.key_file),
    ] {
        if let Some(path) = path {
            config.set(key, path.display().to_string());
        }
    }
    Ok(config)
}

#[cfg(test)]
mod tests {
    use heartbeat_contract::Device;

    use super::*;

    /// A Kafka sink whose broker never answers (a closed loopback port), with the smallest
    /// in-flight bound and a 5 s delivery timeout.
    fn sink_without_broker(keys: &std::path::Path) -> Sink {
        let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let bootstrap = closed.local_addr().unwrap().to_string();
        drop(closed);
        let config = Config::from_lookup(|key| match key {
            "INGEST_API_KEYS_FILE" => Some(keys.display().to_string()),
            "INGEST_KAFKA_BOOTSTRAP_SERVERS" => Some(bootstrap.clone()),
            "INGEST_MAX_IN_FLIGHT" => Some("500".into()),
            "INGEST_DELIVERY_TIMEOUT_MS" => Some("5000".into()),
            _ => None,
        })
        .unwrap();
        Sink::from_config(&config).unwrap()
    }

    fn heartbeat(i: usize) -> Heartbeat {
        Heartbeat {
            event_id: format!("evt-{i:08}"),
            viewer_id: format!("viewer-{i}"),
            video_id: "video-1".into(),
            session_id: "session-1".into(),
            position_secs: 5.0,
            event_time_ms: 1_780_000_000_000,
            device: Device::Tv,
            ad: None,
        }
    }

    #[test]
    fn a_kafka_sink_built_outside_a_tokio_runtime_is_an_error_naming_it() {
        let keys = tempfile::NamedTempFile::new().unwrap();
        let config = Config::from_lookup(|key| match key {
            "INGEST_API_KEYS_FILE" => Some(keys.path().display().to_string()),
            "INGEST_KAFKA_BOOTSTRAP_SERVERS" => Some("127.0.0.1:9".into()),
            _ => None,
        })
        .unwrap();
        let error = Sink::from_config(&config)
            .err()
            .expect("no runtime, no sink");
        assert!(error.to_string().contains("tokio runtime"), "{error}");
    }

    #[tokio::test]
    async fn a_request_dropped_mid_delivery_holds_its_permits_until_kafka_answers_for_its_records()
    {
        let keys = tempfile::NamedTempFile::new().unwrap();
        let sink = sink_without_broker(keys.path());
        let Sink::Kafka(kafka) = &sink else {
            panic!("a Kafka sink")
        };
        let metrics = Metrics::default();
        let heartbeats = (0..4).map(heartbeat).collect();
        // The client goes away while its records wait for the broker.
        let write = sink.write(heartbeats, 1_780_000_000_000, &metrics);
        let dropped = tokio::time::timeout(Duration::from_millis(100), write).await;
        assert!(dropped.is_err(), "no broker, no answer: {dropped:?}");
        assert_eq!(kafka.in_flight.available_permits(), 496);
        assert_eq!(metrics.in_flight.get(), 4);
        // librdkafka reports the records failed after the delivery timeout; the reports find
        // no request to tell, release the permits, and do not panic (the poller task would die
        // and the permits never come back).
        let deadline = Instant::now() + Duration::from_secs(60);
        while kafka.in_flight.available_permits() < 500 && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert_eq!(kafka.in_flight.available_permits(), 500);
        assert_eq!(metrics.in_flight.get(), 0);
        // The same producer still answers a later request (503: no broker).
        let refused = sink.write(vec![heartbeat(9)], 1_780_000_000_000, &metrics);
        assert!(matches!(refused.await, Err(ApiError::KafkaUnavailable)));
        assert_eq!(kafka.in_flight.available_permits(), 500);
    }
}
