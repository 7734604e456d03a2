//! The heartbeat-platform stack program: reads and validates the stack configuration, then
//! composes the six components in dependency order and exports what an operator needs.
//!
//! ```text
//! Network -> EksCluster -> KafkaStack -> YugabyteStack -> KsqlPipeline -> IngestService
//! ```
//!
//! A configuration error stops the program before anything is registered, with every problem
//! listed.

pub mod config;
mod platform;

pub use platform::{PACKAGES, StackOutputs, program};
