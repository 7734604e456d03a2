//! Where accepted heartbeats go: Kafka (acknowledged with acks=all before the API answers 2xx),
//! or nowhere (the benchmark's null sink).
//!
//! Back-pressure: a semaphore holds one permit per record that may wait for Kafka's
//! acknowledgement; a request that cannot take permits for all its records at once is refused
//! (503) instead of queued, and librdkafka's own queue is bounded by the same number, so memory
//! stays bounded whatever Kafka does.

use std::sync::Arc;
use std::time::{Duration, Instant};

use heartbeat_contract::Heartbeat;
use rdkafka::ClientConfig;
use rdkafka::producer::{FutureProducer, FutureRecord, Producer};
use tokio::sync::Semaphore;

use crate::config::{Config, KafkaConfig};
use crate::error::ApiError;
use crate::metrics::Metrics;

/// The Kafka producer and its in-flight bound.
pub struct KafkaSink {
    producer: FutureProducer,
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
    /// Builds the sink the configuration asks for (does not contact Kafka yet).
    pub fn from_config(config: &Config) -> anyhow::Result<Self> {
        let Some(kafka) = &config.kafka else {
            return Ok(Self::Null);
        };
        Ok(Self::Kafka(KafkaSink {
            producer: producer_config(kafka, config.max_in_flight)?.create()?,
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
        let count = heartbeats.len() as u32;
        let _permits = kafka
            .in_flight
            .try_acquire_many(count)
            .map_err(|_| ApiError::Busy)?;
        let _gauge = InFlightGauge::add(metrics, count.into());
        let started = Instant::now();
        let result = kafka.produce_all(heartbeats, received_at_ms).await;
        metrics
            .delivery_seconds
            .observe(started.elapsed().as_secs_f64());
        result
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

/// Counts records in the in-flight gauge until dropped (also when the client goes away and the
/// request's future is dropped mid-delivery).
struct InFlightGauge<'a> {
    metrics: &'a Metrics,
    count: i64,
}

impl<'a> InFlightGauge<'a> {
    fn add(metrics: &'a Metrics, count: i64) -> Self {
        metrics.in_flight.inc_by(count);
        Self { metrics, count }
    }
}

impl Drop for InFlightGauge<'_> {
    fn drop(&mut self) {
        self.metrics.in_flight.dec_by(self.count);
    }
}

impl KafkaSink {
    async fn produce_all(
        &self,
        heartbeats: Vec<Heartbeat>,
        received_at_ms: i64,
    ) -> Result<(), ApiError> {
        // One buffer for all values of the request (one allocation instead of one per record).
        let records: Vec<_> = heartbeats
            .into_iter()
            .map(|h| h.into_record(received_at_ms))
            .collect();
        let mut values = Vec::with_capacity(records.len() * 320);
        let mut ends = Vec::with_capacity(records.len());
        for record in &records {
            serde_json::to_writer(&mut values, record).expect("a heartbeat record serializes");
            ends.push(values.len());
        }
        let mut deliveries = Vec::with_capacity(records.len());
        let mut start = 0;
        for (record, end) in records.iter().zip(ends) {
            let value = &values[start..end];
            start = end;
            let key = &record.heartbeat.viewer_id;
            match self
                .producer
                .send_result(FutureRecord::to(&self.topic).key(key).payload(value))
            {
                Ok(delivery) => deliveries.push(delivery),
                Err((error, _)) => {
                    tracing::warn!(%error, "the producer refused a record");
                    return Err(ApiError::KafkaUnavailable);
                }
            }
        }
        for delivery in deliveries {
            match delivery.await {
                Ok(Ok(_)) => {}
                Ok(Err((error, _))) => {
                    tracing::warn!(%error, "Kafka did not acknowledge a record");
                    return Err(ApiError::KafkaUnavailable);
                }
                Err(_) => return Err(ApiError::KafkaUnavailable),
            }
        }
        Ok(())
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
