//! Per-client rate limiting: a token bucket per client id, counted in heartbeats (a batch of 50
//! costs 50), refilled continuously. Limits are per replica.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::auth::ClientId;

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// Token buckets for all clients seen.
#[derive(Debug)]
pub struct RateLimiter {
    per_sec: f64,
    burst: f64,
    buckets: Mutex<HashMap<ClientId, Bucket>>,
}

impl RateLimiter {
    /// A limiter allowing `per_sec` heartbeats per second per client, with bursts of `burst`
    /// (the configuration keeps `burst` at least one full batch, so every request can pass).
    pub fn new(per_sec: u32, burst: u32) -> Self {
        Self {
            per_sec: f64::from(per_sec),
            burst: f64::from(burst),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Takes `count` tokens from `client`'s bucket at time `now`; if there are not enough,
    /// takes none and returns how long until there will be.
    pub fn check(&self, client: &ClientId, count: usize, now: Instant) -> Result<(), Duration> {
        let count = count as f64;
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        let bucket = buckets.entry(client.clone()).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_sec).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= count {
            bucket.tokens -= count;
            Ok(())
        } else {
            let missing = count - bucket.tokens;
            Err(Duration::from_secs_f64(missing / self.per_sec))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refilled_at_the_rate() {
        let limiter = RateLimiter::new(10, 20);
        let (a, b): (ClientId, ClientId) = ("a".into(), "b".into());
        let t0 = Instant::now();
        assert_eq!(limiter.check(&a, 20, t0), Ok(()));
        let wait = limiter.check(&a, 5, t0).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        // Another client has its own bucket.
        assert_eq!(limiter.check(&b, 1, t0), Ok(()));
        // Half a second later, 5 tokens are back.
        assert_eq!(
            limiter.check(&a, 5, t0 + Duration::from_millis(500)),
            Ok(())
        );
        assert!(
            limiter
                .check(&a, 1, t0 + Duration::from_millis(500))
                .is_err()
        );
    }
}
