//! The KafkaStack component of heartbeat-platform.
