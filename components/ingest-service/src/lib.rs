//! The IngestService component of heartbeat-platform.
