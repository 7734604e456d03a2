//! The heartbeat-platform Pulumi stack program.

fn main() {}
