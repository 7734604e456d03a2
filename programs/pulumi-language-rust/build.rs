//! Generates the tonic glue (server trait, server, client) for Pulumi's `LanguageRuntime`
//! service from a hand-written method list: no `.proto` file or `protoc` is needed. The
//! message types are declared by hand in `src/proto.rs`.

use tonic_build::manual::{Builder, Method, Service};

/// (Rust method name, gRPC route name, request type, response type, server-streaming).
const METHODS: &[(&str, &str, &str, &str, bool)] = &[
    (
        "handshake",
        "Handshake",
        "LanguageHandshakeRequest",
        "LanguageHandshakeResponse",
        false,
    ),
    (
        "get_required_plugins",
        "GetRequiredPlugins",
        "GetRequiredPluginsRequest",
        "GetRequiredPluginsResponse",
        false,
    ),
    (
        "get_required_packages",
        "GetRequiredPackages",
        "GetRequiredPackagesRequest",
        "GetRequiredPackagesResponse",
        false,
    ),
    ("run", "Run", "RunRequest", "RunResponse", false),
    (
        "get_plugin_info",
        "GetPluginInfo",
        "EmptyMessage",
        "PluginInfo",
        false,
    ),
    (
        "install_dependencies",
        "InstallDependencies",
        "InstallDependenciesRequest",
        "InstallDependenciesResponse",
        true,
    ),
    ("about", "About", "AboutRequest", "AboutResponse", false),
    (
        "get_program_dependencies",
        "GetProgramDependencies",
        "GetProgramDependenciesRequest",
        "GetProgramDependenciesResponse",
        false,
    ),
    ("cancel", "Cancel", "EmptyMessage", "EmptyMessage", false),
];

fn main() {
    let mut service = Service::builder()
        .name("LanguageRuntime")
        .package("pulumirpc");
    for &(name, route, input, output, streaming) in METHODS {
        let path = |ty: &str| format!("crate::proto::{ty}");
        let mut method = Method::builder()
            .name(name)
            .route_name(route)
            .input_type(path(input))
            .output_type(path(output))
            .codec_path("tonic_prost::ProstCodec");
        if streaming {
            method = method.server_streaming();
        }
        service = service.method(method.build());
    }
    Builder::new().compile(&[service.build()]);
    println!("cargo:rerun-if-changed=build.rs");
}
