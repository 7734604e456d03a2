//! The EksCluster component of heartbeat-platform.
