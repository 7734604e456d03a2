//! `pulumi-resource-cloudflare` (**offline test tooling, not the Cloudflare provider**): the
//! same stub for the package the stack program declares for DNS, checking inputs against the
//! pulumi-cloudflare SDK's schema.

fn main() -> anyhow::Result<()> {
    stub_aws_provider::serve("cloudflare")
}
