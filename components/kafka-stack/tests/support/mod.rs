//! Shared test support: dev and prod sizings, and KafkaStack registered on a mock engine.

#![allow(dead_code)]

use eks_cluster::OidcIssuer;
use kafka_stack::{KafkaConfig, KafkaStack, KafkaStackArgs};
// Shared by several test binaries; not every one uses both.
#[allow(unused_imports)]
pub use mock_engine::query::{named, of_type};
use mock_engine::{MockEngine, Mode, Registration};
use platform_core::capacity::{LoadFigures, Sizing};
use platform_core::kubernetes::render_target;
use pulumi_runtime::ResourceOptions;

/// The seed design on three zones with replication factor 3 (6 brokers, 24 partitions).
pub fn prod() -> (Sizing, Vec<String>, KafkaConfig) {
    let load = LoadFigures::new(100_000, 300_000_000);
    let zones = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
        .map(String::from)
        .to_vec();
    (load.size(3, 3), zones, KafkaConfig::default())
}

/// A few hundred heartbeats per second on two zones, one broker, replication factor 1.
pub fn dev() -> (Sizing, Vec<String>, KafkaConfig) {
    let load = LoadFigures {
        retention_days: 3,
        growth_headroom: 1.0,
        ..LoadFigures::new(200, 1_000_000)
    };
    let config = KafkaConfig {
        replication_factor: 1,
        min_insync_replicas: 1,
        ..KafkaConfig::default()
    };
    let zones = ["eu-west-1a", "eu-west-1b"].map(String::from).to_vec();
    (load.size(2, 1), zones, config)
}

/// Registers KafkaStack `kafka` with a render-mode provider; returns every registration.
pub async fn synth(sizing: Sizing, zones: Vec<String>, config: KafkaConfig) -> Vec<Registration> {
    let engine = MockEngine::start(Mode::Update).await.unwrap();
    engine.fake_computed(kafka_stack::registry::READ, kafka_stack::registry::example);
    let settings = engine.settings("heartbeat-platform", "test", &[]);
    pulumi_runtime::run(settings, move |ctx| async move {
        let provider = render_target(&ctx, "out/k8s");
        let stack = KafkaStack::new(
            &ctx,
            "kafka",
            KafkaStackArgs {
                provider: &provider,
                sizing: &sizing,
                zones: &zones,
                config: &config,
                oidc: Some(&OidcIssuer::existing(
                    "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/TEST",
                    "https://oidc.eks.eu-west-1.amazonaws.com/id/TEST",
                )),
            },
            ResourceOptions::new(),
        )?;
        Ok(stack)
    })
    .await
    .unwrap();
    engine.registrations()
}
