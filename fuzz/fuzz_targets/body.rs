//! Fuzzes the request body parser: any bytes, either route shape, must yield heartbeats that
//! pass validation or a field error with a non-empty path, and never panic.
#![no_main]

use ingest_api::body::{Shape, parse};
use libfuzzer_sys::fuzz_target;

/// A fixed server clock, so a failure replays the same way.
const NOW_MS: i64 = 1_780_000_000_000;

fuzz_target!(|data: &[u8]| {
    for shape in [Shape::ObjectOrArray, Shape::Array] {
        match parse(data, shape, NOW_MS) {
            Ok(heartbeats) => {
                assert!(!heartbeats.is_empty());
                assert!(heartbeats.iter().all(|h| h.validate(NOW_MS).is_ok()));
            }
            Err(error) => assert!(!error.field.is_empty()),
        }
    }
});
