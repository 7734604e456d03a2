//! The heartbeat-platform Pulumi stack program binary. Run it through `pulumi up` (the
//! project's `Pulumi.yaml` names it); `heartbeat-stack get-packages <file>` writes the provider
//! plugins it needs.

fn main() {
    pulumi_runtime::main(heartbeat_stack::PACKAGES, heartbeat_stack::program)
}
