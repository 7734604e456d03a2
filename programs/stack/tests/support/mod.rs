//! Shared test support: the shipped stack files as engine config, and a mock-engine run.

#![allow(dead_code)]

use std::collections::BTreeMap;

use mock_engine::{MockEngine, Mode};

/// The config of a shipped `Pulumi.<stack>.yaml`, as the engine passes it (objects as JSON
/// text), plus the database password as a secret.
pub fn stack_config(stack: &str) -> BTreeMap<String, String> {
    let path = format!("{}/../../Pulumi.{stack}.yaml", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file: serde_yaml_ng::Value = serde_yaml_ng::from_str(&text).unwrap();
    let mut config: BTreeMap<String, String> = file["config"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| {
            let json: serde_json::Value = serde_yaml_ng::from_value(v.clone()).unwrap();
            let text = match json {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (k.as_str().unwrap().to_owned(), text)
        })
        .collect();
    for key in SECRET_KEYS {
        config.insert(key.to_string(), format!("s3cret-for-{key}"));
    }
    config
}

/// The secret config keys the shipped stacks need (set with `pulumi config set --secret`).
pub const SECRET_KEYS: &[&str] = &[
    "heartbeat-platform:databasePassword",
    "heartbeat-platform:databaseAdminPassword",
];

/// Runs the stack program against a mock engine; returns the engine and the run's result.
pub async fn run(
    mode: Mode,
    config: &BTreeMap<String, String>,
) -> (MockEngine, anyhow::Result<()>) {
    let engine = MockEngine::start(mode).await.unwrap();
    // What the components read from providers beyond their inputs (cluster endpoint, CA, ...).
    engine.fake_computed(
        eks_cluster::computed_outputs::READ,
        eks_cluster::computed_outputs::example,
    );
    engine.fake_computed(
        network::computed_outputs::READ,
        network::computed_outputs::example,
    );
    engine.fake_computed(kafka_stack::registry::READ, kafka_stack::registry::example);
    let pairs: Vec<(&str, &str)> = config
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let mut settings = engine.settings("heartbeat-platform", "test", &pairs);
    settings
        .secret_keys
        .extend(SECRET_KEYS.iter().map(|key| key.to_string()));
    let result = pulumi_runtime::run(settings, heartbeat_stack::program).await;
    (engine, result)
}
