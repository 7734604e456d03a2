//! The `pulumirpc.LanguageRuntime` messages this host uses, declared by hand with prost.
//!
//! `pulumi_gestalt_proto` carries the resource-monitor and provider protocols but not the
//! language-host one. Field numbers are those of Pulumi's `proto/pulumi/language.proto`
//! (checked against the generated Go code of sdk/v3 v3.274.1). Fields the host never reads
//! are left out: prost skips unknown fields when decoding.

pub use pulumi_gestalt_proto::pulumi::pulumirpc::{
    PackageDependency, PackageParameterization, PluginDependency, PluginInfo,
};

/// `google.protobuf.Empty`, which prost maps to the unit type.
pub type EmptyMessage = ();

/// Where a program lives and the `runtime.options` of its `Pulumi.yaml`.
#[derive(Clone, PartialEq, prost::Message)]
pub struct ProgramInfo {
    /// Absolute path of the directory holding `Pulumi.yaml`.
    #[prost(string, tag = "1")]
    pub root_directory: String,
    /// Absolute path of the program directory (`main`, or the root).
    #[prost(string, tag = "2")]
    pub program_directory: String,
    /// Entry point relative to `program_directory`, usually `.`.
    #[prost(string, tag = "3")]
    pub entry_point: String,
    /// `runtime.options` from `Pulumi.yaml`.
    #[prost(message, optional, tag = "4")]
    pub options: Option<prost_types::Struct>,
}

/// First call from the engine: its address and the project directories.
#[derive(Clone, PartialEq, prost::Message)]
pub struct LanguageHandshakeRequest {
    /// gRPC address of the engine (for logging).
    #[prost(string, tag = "1")]
    pub engine_address: String,
    /// Project root directory, when known.
    #[prost(string, optional, tag = "2")]
    pub root_directory: Option<String>,
    /// Program directory, when known.
    #[prost(string, optional, tag = "3")]
    pub program_directory: Option<String>,
}

/// Answer to the handshake (no fields).
#[derive(Clone, PartialEq, prost::Message)]
pub struct LanguageHandshakeResponse {}

/// Request for the plugins a program needs (deprecated form of `GetRequiredPackages`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetRequiredPluginsRequest {
    /// The program.
    #[prost(message, optional, tag = "4")]
    pub info: Option<ProgramInfo>,
}

/// The plugins a program needs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetRequiredPluginsResponse {
    /// One entry per provider plugin.
    #[prost(message, repeated, tag = "1")]
    pub plugins: Vec<PluginDependency>,
}

/// Request for the packages a program needs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetRequiredPackagesRequest {
    /// The program.
    #[prost(message, optional, tag = "1")]
    pub info: Option<ProgramInfo>,
}

/// The packages a program needs.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetRequiredPackagesResponse {
    /// One entry per provider package.
    #[prost(message, repeated, tag = "1")]
    pub packages: Vec<PackageDependency>,
}

/// Request to run the program against the engine's resource monitor.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RunRequest {
    /// Project name.
    #[prost(string, tag = "1")]
    pub project: String,
    /// Stack name.
    #[prost(string, tag = "2")]
    pub stack: String,
    /// Working directory of the engine.
    #[prost(string, tag = "3")]
    pub pwd: String,
    /// Extra program arguments.
    #[prost(string, repeated, tag = "5")]
    pub args: Vec<String>,
    /// Stack configuration, `namespace:key` to string value.
    #[prost(map = "string, string", tag = "6")]
    pub config: std::collections::HashMap<String, String>,
    /// True for a preview.
    #[prost(bool, tag = "7")]
    pub dry_run: bool,
    /// Degree of parallelism the engine allows.
    #[prost(int32, tag = "8")]
    pub parallel: i32,
    /// gRPC address of the resource monitor.
    #[prost(string, tag = "9")]
    pub monitor_address: String,
    /// True when run for a query rather than a deployment.
    #[prost(bool, tag = "10")]
    pub query_mode: bool,
    /// Configuration keys whose values are secret.
    #[prost(string, repeated, tag = "11")]
    pub config_secret_keys: Vec<String>,
    /// Organization name.
    #[prost(string, tag = "12")]
    pub organization: String,
    /// The program.
    #[prost(message, optional, tag = "14")]
    pub info: Option<ProgramInfo>,
}

/// Outcome of a run.
#[derive(Clone, PartialEq, prost::Message)]
pub struct RunResponse {
    /// Error message when the program failed, empty on success.
    #[prost(string, tag = "1")]
    pub error: String,
    /// True when the program already reported its error to the engine.
    #[prost(bool, tag = "2")]
    pub bail: bool,
}

/// Request to install the program's dependencies.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InstallDependenciesRequest {
    /// The program's directory (deprecated in favour of `info`).
    #[prost(string, tag = "1")]
    pub directory: String,
    /// True when output goes to a terminal.
    #[prost(bool, tag = "2")]
    pub is_terminal: bool,
    /// The program.
    #[prost(message, optional, tag = "3")]
    pub info: Option<ProgramInfo>,
}

/// A chunk of installer output.
#[derive(Clone, PartialEq, prost::Message)]
pub struct InstallDependenciesResponse {
    /// Bytes written to standard output.
    #[prost(bytes = "vec", tag = "1")]
    pub stdout: Vec<u8>,
    /// Bytes written to standard error.
    #[prost(bytes = "vec", tag = "2")]
    pub stderr: Vec<u8>,
}

/// Request for information about the runtime (`pulumi about`).
#[derive(Clone, PartialEq, prost::Message)]
pub struct AboutRequest {
    /// The program.
    #[prost(message, optional, tag = "1")]
    pub info: Option<ProgramInfo>,
}

/// Information about the runtime.
#[derive(Clone, PartialEq, prost::Message)]
pub struct AboutResponse {
    /// Absolute path of the executable that runs programs.
    #[prost(string, tag = "1")]
    pub executable: String,
    /// Version of that runtime.
    #[prost(string, tag = "2")]
    pub version: String,
    /// Other facts about the runtime.
    #[prost(map = "string, string", tag = "3")]
    pub metadata: std::collections::HashMap<String, String>,
}

/// Request for the program's language-level dependencies.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetProgramDependenciesRequest {
    /// Whether transitive dependencies are wanted.
    #[prost(bool, tag = "4")]
    pub transitive_dependencies: bool,
    /// The program.
    #[prost(message, optional, tag = "5")]
    pub info: Option<ProgramInfo>,
}

/// One language-level dependency.
#[derive(Clone, PartialEq, prost::Message)]
pub struct DependencyInfo {
    /// Dependency name.
    #[prost(string, tag = "1")]
    pub name: String,
    /// Dependency version.
    #[prost(string, tag = "2")]
    pub version: String,
}

/// The program's language-level dependencies.
#[derive(Clone, PartialEq, prost::Message)]
pub struct GetProgramDependenciesResponse {
    /// The dependencies.
    #[prost(message, repeated, tag = "1")]
    pub dependencies: Vec<DependencyInfo>,
}

/// Generated tonic server and client for `pulumirpc.LanguageRuntime` (see `build.rs`).
#[allow(missing_docs, clippy::all)]
pub mod language_runtime {
    include!(concat!(env!("OUT_DIR"), "/pulumirpc.LanguageRuntime.rs"));
}
