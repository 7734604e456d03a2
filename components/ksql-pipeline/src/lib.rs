//! The KsqlPipeline component of heartbeat-platform.
