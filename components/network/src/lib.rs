//! The Network component of heartbeat-platform.
