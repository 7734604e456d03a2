//! Fuzzes the request body parser: any bytes, either route shape, must yield heartbeats that
//! pass validation or a field error with a non-empty path, and never panic; every accepted
//! heartbeat's Kafka value is byte for byte serde's `HeartbeatRecord`.
//!
//! The two modules are compiled here from the API's own source files rather than through the
//! `ingest-api` crate, whose Kafka client (librdkafka, C) does not build under the sanitizer
//! flags and is not what is fuzzed.
#![no_main]

#[path = "../../programs/ingest-api/src/body.rs"]
mod body;
#[path = "../../programs/ingest-api/src/record.rs"]
mod record;

use body::{Shape, parse};
use libfuzzer_sys::fuzz_target;

/// A fixed server clock, so a failure replays the same way.
const NOW_MS: i64 = 1_780_000_000_000;

fuzz_target!(|data: &[u8]| {
    for shape in [Shape::ObjectOrArray, Shape::Array] {
        match parse(data, shape, NOW_MS) {
            Ok(heartbeats) => {
                assert!(!heartbeats.is_empty());
                for heartbeat in heartbeats {
                    assert!(heartbeat.validate(NOW_MS).is_ok());
                    let mut value = Vec::new();
                    record::write(&mut value, &heartbeat, NOW_MS);
                    let expected = serde_json::to_vec(&heartbeat.into_record(NOW_MS)).unwrap();
                    assert_eq!(value, expected);
                }
            }
            Err(error) => assert!(!error.field.is_empty()),
        }
    }
});
