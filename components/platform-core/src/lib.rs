//! What the heartbeat-platform components share, so that each thing is done one way:
//!
//! - [`scope::ComponentScope`]: the component pattern (type token `heartbeat:<module>:<Name>`,
//!   one naming rule, one tagging rule, children parented to the component, outputs
//!   registered), with typed registration of AWS resources ([`scope::AwsInputs`]) and
//!   Kubernetes objects ([`kubernetes::Manifest`]);
//! - [`kubernetes`]: type tokens, outputs laid over typed objects, the kubernetes provider
//!   (a cluster's kubeconfig, or render-to-directory for offline synth);
//! - [`helm`]: Helm releases with typed inputs (operators and charts);
//! - [`capacity`]: the capacity model, from load figures to the size of every tier;
//! - [`problems`]: configuration problems that name the key, the value and the fix;
//! - [`stack_config`]: reading config sections strictly, every error naming its key path.

pub mod capacity;
pub mod helm;
pub mod kubernetes;
pub mod problems;
pub mod scope;
pub mod stack_config;

pub use problems::{ConfigError, Problem, Problems};
pub use scope::{AwsInputs, ComponentScope, Tags};
