//! Shared test support: KafkaStack, YugabyteStack and KsqlPipeline registered on a mock engine,
//! as the stack program composes them.

#![allow(dead_code)]

use kafka_stack::{KafkaConfig, KafkaStack, KafkaStackArgs};
use ksql_pipeline::{KsqlPipeline, KsqlPipelineArgs, PipelineSettings, SinkDatabase};
pub use mock_engine::query::of_type;
use mock_engine::{MockEngine, Mode, Registration};
use platform_core::capacity::{LoadFigures, Sizing};
use platform_core::kubernetes::render_target;
use pulumi_runtime::{Output, ResourceOptions};
use yugabyte_stack::{Issuer, SecretReader, YugabyteConfig, YugabyteStack, YugabyteStackArgs};

/// The database password the stack is given (a Pulumi secret).
pub const PASSWORD: &str = "db-pw-from-config";

/// The KafkaConnector type token.
pub const CONNECTOR: &str = "kubernetes:kafka.strimzi.io/v1:KafkaConnector";
/// The Job type token.
pub const JOB: &str = "kubernetes:batch/v1:Job";
/// The ConfigMap type token.
pub const CONFIG_MAP: &str = "kubernetes:core/v1:ConfigMap";

/// The design's peak load on three zones.
pub fn sizing() -> Sizing {
    LoadFigures::new(100_000, 300_000_000).size(3, 3)
}

/// What a run registered, and how it ended.
pub struct Synth {
    /// Every registration.
    pub registrations: Vec<Registration>,
    /// The program's result.
    pub result: anyhow::Result<()>,
}

/// How the pipeline is given its database: YugabyteStack's outputs, or them with another
/// password reference.
#[derive(Clone)]
pub enum Database {
    /// `SinkDatabase::from_stack`.
    FromStack,
    /// YugabyteStack's outputs with this password reference instead.
    PasswordReference(String),
}

/// Registers KafkaStack, YugabyteStack (with the pipeline's YSQL migration) and KsqlPipeline
/// `pipeline` with `settings`.
pub async fn synth(mode: Mode, settings: PipelineSettings, database: Database) -> Synth {
    let engine = MockEngine::start(mode).await.unwrap();
    let run_settings = engine.settings("heartbeat-platform", "test", &[]);
    let result = pulumi_runtime::run(run_settings, move |ctx| async move {
        let sizing = sizing();
        let zones: Vec<String> = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
            .map(String::from)
            .to_vec();
        let provider = render_target(&ctx, "out/k8s");
        let mut kafka_config = KafkaConfig::default();
        kafka_config.connect.build_image = Some("registry.example.com/heartbeat-connect:1".into());
        let kafka = KafkaStack::new(
            &ctx,
            "kafka",
            KafkaStackArgs {
                provider: &provider,
                sizing: &sizing,
                zones: &zones,
                config: &kafka_config,
                oidc: None,
            },
            ResourceOptions::new(),
        )?;
        let yugabyte_config = YugabyteConfig::default();
        let tablets = yugabyte_config.tservers(&sizing);
        let yugabyte = YugabyteStack::new(
            &ctx,
            "yugabyte",
            YugabyteStackArgs {
                provider: &provider,
                sizing: &sizing,
                zones: &zones,
                config: &yugabyte_config,
                tls_issuer: Some(&Issuer::existing("heartbeat-ca")),
                admin_password: Output::secret(PASSWORD.to_owned()),
                app_password: Output::secret(PASSWORD.to_owned()),
                credential_readers: vec![SecretReader {
                    namespace: kafka.namespace.clone(),
                    service_account: kafka.connect_service_account.clone(),
                }],
                migrations: vec![ksql_pipeline::ysql_migration_script(tablets)?],
            },
            ResourceOptions::new(),
        )?;
        let mut sink = SinkDatabase::from_stack(&yugabyte);
        if let Database::PasswordReference(reference) = database {
            sink.password_reference = reference;
        }
        let pipeline = KsqlPipeline::new(
            &ctx,
            "pipeline",
            KsqlPipelineArgs {
                provider: &provider,
                kafka: &kafka,
                database: sink,
                settings: &settings,
                replication_factor: kafka_config.replication_factor,
            },
            ResourceOptions::new(),
        )?;
        Ok(pipeline)
    })
    .await;
    Synth {
        registrations: engine.registrations(),
        result,
    }
}

/// The one registration of `token` whose logical name starts with `prefix`.
pub fn one<'a>(registrations: &'a [Registration], token: &str, prefix: &str) -> &'a Registration {
    let found: Vec<_> = of_type(registrations, token)
        .into_iter()
        .filter(|r| r.name.starts_with(prefix))
        .collect();
    assert_eq!(found.len(), 1, "{token} {prefix}*: {} found", found.len());
    found[0]
}
