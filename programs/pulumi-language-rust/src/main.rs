//! `pulumi-language-rust`: the Pulumi CLI starts it as `pulumi-language-rust [flags] <engine>`;
//! it prints its gRPC port on stdout and serves `LanguageRuntime` until told to stop.

use anyhow::{Context, Result};
use pulumi_language_rust::host::RustLanguageHost;
use pulumi_language_rust::proto::language_runtime::language_runtime_server::LanguageRuntimeServer;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};
use tokio_stream::wrappers::TcpListenerStream;

#[tokio::main]
async fn main() -> Result<()> {
    // Flags (`--logtostderr`, `-v=N`, `--tracing X`) come first; the engine address is the
    // last positional argument.
    let engine_address = std::env::args()
        .skip(1)
        .rfind(|arg| !arg.starts_with('-'))
        .unwrap_or_default();
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding a local port")?;
    println!("{}", listener.local_addr()?.port());
    let mut terminate = signal(SignalKind::terminate())?;
    tonic::transport::Server::builder()
        .add_service(LanguageRuntimeServer::new(RustLanguageHost::new(
            engine_address,
        )))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        })
        .await
        .context("serving LanguageRuntime")
}
