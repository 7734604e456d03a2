//! Kafka Connect: a `KafkaConnect` cluster that takes its connectors from `KafkaConnector`
//! resources, authenticates with its `KafkaUser`'s certificate, and runs an image Strimzi
//! builds with the Debezium JDBC sink and the Schema Registry converter.

use std::collections::BTreeMap;

use serde_json::Value;

use crate::cluster::{bootstrap_address, cluster_ca_secret};
use crate::config::KafkaConfig;
use crate::strimzi::{
    BuildArtifact, BuildOutput, BuildPlugin, CertificateAndKey, ClientAuthentication, ClientTls,
    ConnectBuild, JvmOptions, KafkaConnect, KafkaConnectSpec, MetricsConfig,
    PodDisruptionBudgetTemplate, Rack, ResourceTemplate, TrustedCertificate,
    USE_CONNECTOR_RESOURCES,
};
use crate::versions;

/// The Connect cluster's name for Kafka cluster `config.clusterName`; `KafkaConnector`s name
/// it in their `strimzi.io/cluster` label.
pub fn connect_name(config: &KafkaConfig) -> String {
    format!("{}-connect", config.cluster_name)
}

/// Connect's group id, also the prefix of its internal topics.
pub fn connect_group(config: &KafkaConfig) -> String {
    format!("{}-connect", config.cluster_name)
}

/// The Connect REST API inside the cluster.
pub fn connect_url(config: &KafkaConfig) -> String {
    format!(
        "http://{}-connect-api.{}.svc:8083",
        connect_name(config),
        config.namespace
    )
}

/// The Maven artifacts of the Schema Registry converters (Avro and JSON Schema, so either
/// value format of the pipeline works), at the Confluent Platform version of ksqlDB.
const CONVERTERS: [&str; 2] = [
    "kafka-connect-avro-converter",
    "kafka-connect-json-schema-converter",
];

/// The plugins Strimzi builds into the Connect image.
pub fn plugins() -> Vec<BuildPlugin> {
    let mut plugins = vec![BuildPlugin {
        name: "debezium-jdbc-sink".into(),
        artifacts: vec![BuildArtifact::Tgz {
            url: versions::DEBEZIUM_JDBC_PLUGIN_URL.into(),
            sha512sum: versions::DEBEZIUM_JDBC_PLUGIN_SHA512.into(),
        }],
    }];
    plugins.extend(CONVERTERS.iter().map(|artifact| BuildPlugin {
        name: (*artifact).into(),
        artifacts: vec![BuildArtifact::Maven {
            repository: versions::CONFLUENT_MAVEN_REPO.into(),
            group: "io.confluent".into(),
            artifact: (*artifact).into(),
            version: versions::CONFLUENT_PLATFORM_VERSION.into(),
        }],
    }));
    plugins
}

/// The `KafkaConnect` resource with `workers` workers, authenticating as `user`.
pub fn kafka_connect(config: &KafkaConfig, workers: u32, user: &str) -> KafkaConnect {
    let group = connect_group(config);
    let rf = config.replication_factor;
    let settings: BTreeMap<String, Value> = [
        ("config.storage.replication.factor", Value::from(rf)),
        ("offset.storage.replication.factor", Value::from(rf)),
        ("status.storage.replication.factor", Value::from(rf)),
        // ksqlDB writes its outputs in transactions (exactly-once): sinks read only what was
        // committed, never the records of an aborted attempt.
        ("consumer.isolation.level", Value::from("read_committed")),
        // Connectors read secrets as ${secrets:<namespace>/<secret>:<key>}, never inline.
        ("config.providers", Value::from("secrets")),
        (
            "config.providers.secrets.class",
            Value::from("io.strimzi.kafka.KubernetesSecretConfigProvider"),
        ),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let resources = &config.connect.resources;
    let mut connect = KafkaConnect::new(
        &connect_name(config),
        KafkaConnectSpec {
            replicas: workers,
            bootstrap_servers: bootstrap_address(config),
            group_id: group.clone(),
            config_storage_topic: format!("{group}-configs"),
            status_storage_topic: format!("{group}-status"),
            offset_storage_topic: format!("{group}-offsets"),
            tls: Some(ClientTls {
                trusted_certificates: vec![TrustedCertificate {
                    secret_name: cluster_ca_secret(config),
                    pattern: "*.crt".into(),
                }],
            }),
            authentication: Some(ClientAuthentication::Tls {
                certificate_and_key: CertificateAndKey::of_user(user),
            }),
            config: settings,
            resources: Some(resources.requirements()),
            jvm_options: Some(JvmOptions {
                xms: Some(resources.heap.clone()),
                xmx: Some(resources.heap.clone()),
            }),
            rack: Some(Rack {
                topology_key: crate::cluster::ZONE_LABEL.into(),
            }),
            metrics_config: Some(MetricsConfig::StrimziMetricsReporter),
            build: Some(ConnectBuild {
                output: BuildOutput {
                    output_type: "docker".into(),
                    // Laid over by `registry::ConnectImage` when the stack creates the repository.
                    image: config.connect.build_image.clone().unwrap_or_default(),
                    push_secret: config.connect.push_secret.clone(),
                },
                plugins: plugins(),
            }),
            template: Some(ResourceTemplate {
                pod_disruption_budget: PodDisruptionBudgetTemplate { max_unavailable: 1 },
            }),
        },
    );
    connect.metadata.namespace = Some(config.namespace.clone());
    connect.metadata.annotations = Some(BTreeMap::from([(
        USE_CONNECTOR_RESOURCES.to_owned(),
        "true".to_owned(),
    )]));
    connect
}
