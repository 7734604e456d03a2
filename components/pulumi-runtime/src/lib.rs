//! A small Pulumi language SDK for Rust on Pulumi Gestalt's protocol crate: outputs, custom and component resources, config, stack outputs.
