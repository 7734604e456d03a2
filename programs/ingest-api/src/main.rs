//! The heartbeat ingest API (being written).
fn main() {}
