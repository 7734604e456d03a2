//! What the heartbeat-platform components share: typed stack config, the capacity model, naming, tagging and typed registration helpers.
