//! Kafka's delivery reports, counted per request: every record of a request carries the same
//! [`Pending`] as its delivery opaque, and the report of the request's last record settles it
//! once (one wake-up per request, however many records it has).
//!
//! A [`Pending`] also owns the request's in-flight permits and its share of the in-flight gauge,
//! and releases them when the last record is reported, not when the request returns: records a
//! dropped request (the client went away) left with librdkafka stay counted against the bound
//! until Kafka answers for them.

use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use prometheus_client::metrics::gauge::Gauge;
use rdkafka::ClientContext;
use rdkafka::message::DeliveryResult;
use rdkafka::producer::ProducerContext;
use tokio::sync::{OwnedSemaphorePermit, oneshot};

/// The producer's context: routes each delivery report to its request's [`Pending`], and counts
/// the reports it served (so the poller knows whether a poll found any).
#[derive(Default)]
pub struct Reports {
    served: AtomicU64,
}

impl Reports {
    /// How many delivery reports were served so far.
    pub fn served(&self) -> u64 {
        self.served.load(Ordering::Relaxed)
    }
}

impl ClientContext for Reports {}

impl ProducerContext for Reports {
    type DeliveryOpaque = Arc<Pending>;

    fn delivery(&self, result: &DeliveryResult<'_>, pending: Arc<Pending>) {
        if let Err((error, _)) = result
            && pending.fail()
        {
            tracing::warn!(%error, "Kafka did not acknowledge a record");
        }
        pending.settle(1);
        self.served.fetch_add(1, Ordering::Relaxed);
    }
}

/// One request's records that Kafka has not yet answered for.
pub struct Pending {
    unsettled: AtomicUsize,
    failed: AtomicBool,
    on_settled: Mutex<Option<Settled>>,
}

/// What happens once, when the last record is settled.
struct Settled {
    /// Told whether every record was acknowledged (nobody listens if the request was dropped).
    done: oneshot::Sender<bool>,
    /// The request's in-flight permits.
    permits: OwnedSemaphorePermit,
    /// The request's share of the in-flight gauge.
    gauge: InFlightGauge,
}

impl Pending {
    /// Tracks `count` (at least 1) records holding `permits`; the receiver gets `true` once all
    /// are acknowledged, `false` once all are settled and at least one failed.
    pub fn new(
        count: usize,
        permits: OwnedSemaphorePermit,
        gauge: InFlightGauge,
    ) -> (Arc<Self>, oneshot::Receiver<bool>) {
        assert!(count > 0, "a request has at least one record");
        let (done, receiver) = oneshot::channel();
        let pending = Self {
            unsettled: AtomicUsize::new(count),
            failed: AtomicBool::new(false),
            on_settled: Mutex::new(Some(Settled {
                done,
                permits,
                gauge,
            })),
        };
        (Arc::new(pending), receiver)
    }

    /// Marks the request failed; true for its first failure only.
    pub fn fail(&self) -> bool {
        !self.failed.swap(true, Ordering::Relaxed)
    }

    /// Records that `count` more records were answered for (or never handed to the producer);
    /// the last one releases the permits and the gauge, then tells the request.
    pub fn settle(&self, count: usize) {
        let before = self.unsettled.fetch_sub(count, Ordering::AcqRel);
        debug_assert!(before >= count, "more records settled than sent");
        if before != count {
            return;
        }
        let settled = self
            .on_settled
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(Settled {
            done,
            permits,
            gauge,
        }) = settled
        {
            // Released before the request hears of it, so it finds them back.
            drop((permits, gauge));
            // Err: the request was dropped (the client went away); nothing to tell.
            let _ = done.send(!self.failed.load(Ordering::Acquire));
        }
    }
}

/// Counts records in the in-flight gauge until dropped.
pub struct InFlightGauge {
    gauge: Gauge,
    count: i64,
}

impl InFlightGauge {
    /// Adds `count` records to `gauge`.
    pub fn add(gauge: &Gauge, count: i64) -> Self {
        gauge.inc_by(count);
        Self {
            gauge: gauge.clone(),
            count,
        }
    }
}

impl Drop for InFlightGauge {
    fn drop(&mut self) {
        self.gauge.dec_by(self.count);
    }
}

#[cfg(test)]
mod tests {
    use tokio::sync::Semaphore;
    use tokio::sync::oneshot::error::TryRecvError;

    use super::*;

    /// A pending request of `count` records from a semaphore of 10 permits.
    fn pending(count: usize) -> (Arc<Semaphore>, Gauge, Arc<Pending>, oneshot::Receiver<bool>) {
        let semaphore = Arc::new(Semaphore::new(10));
        let permits = semaphore
            .clone()
            .try_acquire_many_owned(count as u32)
            .unwrap();
        let gauge = Gauge::default();
        let (pending, receiver) =
            Pending::new(count, permits, InFlightGauge::add(&gauge, count as i64));
        (semaphore, gauge, pending, receiver)
    }

    #[test]
    fn the_last_report_releases_the_permits_and_answers_once() {
        let (semaphore, gauge, pending, mut receiver) = pending(3);
        pending.settle(1);
        pending.settle(1);
        assert_eq!(receiver.try_recv(), Err(TryRecvError::Empty));
        assert_eq!((semaphore.available_permits(), gauge.get()), (7, 3));
        pending.settle(1);
        assert_eq!((semaphore.available_permits(), gauge.get()), (10, 0));
        assert_eq!(receiver.try_recv(), Ok(true));
    }

    #[test]
    fn one_failed_record_fails_the_request_after_all_are_settled() {
        let (_, _, pending, mut receiver) = pending(3);
        assert!(pending.fail(), "the first failure is reported");
        assert!(!pending.fail(), "later ones are not");
        pending.settle(2);
        assert_eq!(receiver.try_recv(), Err(TryRecvError::Empty));
        pending.settle(1);
        assert_eq!(receiver.try_recv(), Ok(false));
    }

    #[test]
    fn a_dropped_request_still_releases_its_permits_when_the_reports_arrive() {
        let (semaphore, gauge, pending, receiver) = pending(2);
        drop(receiver);
        pending.settle(1);
        assert_eq!(semaphore.available_permits(), 8, "still with Kafka");
        pending.settle(1);
        assert_eq!((semaphore.available_permits(), gauge.get()), (10, 0));
    }
}
