//! `pulumi-resource-aws` (**offline test tooling, not the AWS provider**): started by the
//! Pulumi engine, prints its gRPC port and serves the stub `ResourceProvider` for pulumi-aws.

fn main() -> anyhow::Result<()> {
    stub_aws_provider::serve("aws")
}
