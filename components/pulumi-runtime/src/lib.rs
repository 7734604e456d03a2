//! A small Pulumi language SDK for Rust, on Pulumi Gestalt's protocol crate
//! (`pulumi_gestalt_proto`).
//!
//! It exists because `pulumi_gestalt_rust` registers every resource as a custom resource with no
//! parent and no dependencies, so it cannot express component resources. This crate can:
//!
//! - [`Output<T>`]: a value that may be unknown (preview), secret, and that carries the URNs of
//!   the resources it came from; [`Output::map`], [`Output::apply`], [`Output::zip`], [`all`].
//! - custom resources ([`Context::register_custom`]), **component resources**
//!   ([`Context::register_component`], [`Context::register_outputs`]) and explicit providers
//!   ([`Context::register_provider`]), with the options the engine understands
//!   ([`ResourceOptions`]: parent, depends_on, provider, protect, ignore_changes, aliases,
//!   delete_before_replace, additional_secret_outputs, version). Dependencies and property
//!   dependencies are taken from the [`Output`]s found in the inputs.
//! - invokes, config ([`Config`]), stack outputs, messages logged to the engine.
//! - the language host's environment contract ([`Settings`]) and `<binary> get-packages <file>`.
//!
//! Inputs are any `serde::Serialize` value whose field names are the provider's property
//! names. An [`Output`] may sit anywhere inside: serialising leaves a placeholder, the runtime
//! awaits the output, and sends its value (or the unknown sentinel, or a secret wrapper) in its
//! place.
//!
//! ```no_run
//! use pulumi_runtime::{Context, ResourceOptions};
//! use serde::Serialize;
//!
//! #[derive(Serialize)]
//! #[serde(rename_all = "camelCase")]
//! struct VpcArgs { cidr_block: String }
//!
//! pulumi_runtime::main(&[], |ctx: Context| async move {
//!     let component = ctx.register_component("heartbeat:network:Network", "net", ResourceOptions::new());
//!     let vpc = ctx.register_custom(
//!         "aws:ec2/vpc:Vpc",
//!         "net-vpc",
//!         &VpcArgs { cidr_block: "10.0.0.0/16".into() },
//!         ResourceOptions::new().parent(&component),
//!     );
//!     let vpc_id = vpc.id();
//!     ctx.register_outputs(&component, &serde_json::json!({}));
//!     Ok(serde_json::json!({ "vpcId": vpc_id }))
//! });
//! ```

mod config;
mod context;
mod output;
mod program;
mod resource;
mod settings;
pub mod wire;

pub use config::{Config, ConfigValue};
pub use context::{Context, STACK_TYPE, Severity};
pub use output::{Output, OutputError, Resolved, all, concat};
pub use program::{PackageRequirement, main, run};
pub use resource::{
    Alias, AsResource, ComponentResource, CustomResource, ProviderResource, Resource,
    ResourceOptions,
};
pub use settings::Settings;

/// A resource's unique name in the stack's state.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(transparent)]
pub struct Urn(pub String);

impl std::fmt::Display for Urn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
