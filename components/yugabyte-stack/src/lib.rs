//! The YugabyteStack component of heartbeat-platform.
