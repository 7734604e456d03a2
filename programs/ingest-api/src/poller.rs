//! Serves the producer's delivery reports on the tokio runtime, instead of on a polling thread
//! of its own: a report then wakes its request on the thread that runs it (on the API's one
//! core, a thread switch per report batch less).
//!
//! One task polls librdkafka's report queue without blocking: again at once while it finds
//! reports, every 1 ms while records are with Kafka, and when idle only when a request
//! produced (or every 100 ms, for librdkafka's error events). It ends when the producer
//! is dropped.

use std::sync::{Arc, Weak};
use std::time::Duration;

use anyhow::Context;
use rdkafka::producer::{BaseProducer, Producer};
use tokio::sync::Notify;

use crate::delivery::Reports;

/// The Kafka producer, polled by [`spawn`]'s task.
pub type KafkaProducer = BaseProducer<Reports>;

/// The wait between polls while records are with Kafka and the last poll found no report.
const BUSY_TICK: Duration = Duration::from_millis(1);
/// The wait between polls while nothing is with Kafka, unless a request produces.
const IDLE_TICK: Duration = Duration::from_millis(100);

/// Spawns the task serving `producer`'s delivery reports on the current tokio runtime;
/// `produced` is notified by every request after it hands records to the producer.
pub fn spawn(producer: &Arc<KafkaProducer>, produced: Arc<Notify>) -> anyhow::Result<()> {
    let runtime = tokio::runtime::Handle::try_current().context(
        "the Kafka sink is created inside a tokio runtime (it polls the producer there)",
    )?;
    let producer = Arc::downgrade(producer);
    runtime.spawn(async move {
        while let Some(state) = serve_reports(&producer) {
            match state {
                Queue::Served => tokio::task::yield_now().await,
                Queue::Waiting => tokio::time::sleep(BUSY_TICK).await,
                Queue::Idle => {
                    let _ = tokio::time::timeout(IDLE_TICK, produced.notified()).await;
                }
            }
        }
    });
    Ok(())
}

/// What a round of polling found.
enum Queue {
    /// At least one report (more may follow at once).
    Served,
    /// No report, but records are with Kafka.
    Waiting,
    /// Nothing is with Kafka.
    Idle,
}

/// Serves every report waiting now; `None` once the producer is gone.
fn serve_reports(producer: &Weak<KafkaProducer>) -> Option<Queue> {
    let producer = producer.upgrade()?;
    let before = producer.context().served();
    loop {
        let seen = producer.context().served();
        // Serves at most one event (one event holds the reports of a whole message set).
        producer.poll(Duration::ZERO);
        if producer.context().served() == seen {
            break;
        }
    }
    Some(if producer.context().served() != before {
        Queue::Served
    } else if producer.in_flight_count() > 0 {
        Queue::Waiting
    } else {
        Queue::Idle
    })
}
