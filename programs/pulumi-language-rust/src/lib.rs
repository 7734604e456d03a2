//! `pulumi-language-rust`: an offline Pulumi language host for `runtime: rust` projects.
//!
//! It implements the parts of Pulumi's `LanguageRuntime` gRPC service that the CLI needs to
//! preview, update and destroy a project whose `Pulumi.yaml` says
//! `runtime: {name: rust, options: {binary: <path>}}`, the form Pulumi Gestalt's `rust`
//! plugin runs. The program is a prebuilt binary: packages come from
//! `<binary> get-packages <file>`, and `Run` starts the binary with the engine's environment.

pub mod host;
pub mod options;
pub mod packages;
pub mod proto;
pub mod run;
