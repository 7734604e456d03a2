//! `pulumi-resource-aws` (**offline test tooling, not the AWS provider**): started by the
//! Pulumi engine, prints its gRPC port and serves the stub `ResourceProvider`.

use anyhow::{Context, Result};
use pulumi_gestalt_proto::pulumi::pulumirpc::resource_provider_server::ResourceProviderServer;
use stub_aws_provider::provider::StubAwsProvider;
use stub_aws_provider::schema::Schema;
use tokio::net::TcpListener;
use tokio::signal::unix::{SignalKind, signal};
use tokio_stream::wrappers::TcpListenerStream;

#[tokio::main]
async fn main() -> Result<()> {
    let schema = Schema::load().context("stub pulumi-resource-aws (offline test tooling)")?;
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .context("binding a local port")?;
    println!("{}", listener.local_addr()?.port());
    let mut terminate = signal(SignalKind::terminate())?;
    tonic::transport::Server::builder()
        .add_service(ResourceProviderServer::new(StubAwsProvider::new(schema)))
        .serve_with_incoming_shutdown(TcpListenerStream::new(listener), async move {
            tokio::select! {
                _ = tokio::signal::ctrl_c() => {}
                _ = terminate.recv() => {}
            }
        })
        .await
        .context("serving ResourceProvider")
}
