//! Schema Registry, ksqlDB and Kafka UI as [`Workload`]s, each a mutual-TLS Kafka client with
//! its own `KafkaUser`.

use k8s_openapi::api::core::v1::{EmptyDirVolumeSource, Volume, VolumeMount};
use platform_core::kubernetes::restricted_security_context;

use crate::cluster::{bootstrap_address, cluster_ca_secret};
use crate::config::KafkaConfig;
use crate::connect::{connect_name, connect_url};
use crate::topics::Topics;
use crate::users::{KSQL_SERVICE_ID, SCHEMA_REGISTRY_GROUP, SCHEMAS_TOPIC, UserNames};
use crate::versions;
use crate::workload::{Workload, env, env_pod_ip, java_tls_env, tls_volumes};

fn base(config: &KafkaConfig, name: &str, image: &str, port: u16, user: &str) -> Workload {
    let (volumes, mounts) = tls_volumes(user, &cluster_ca_secret(config));
    Workload {
        name: format!("{}-{name}", config.cluster_name),
        namespace: config.namespace.clone(),
        image: image.into(),
        replicas: 1,
        port,
        env: Vec::new(),
        volumes,
        mounts,
        resources: None,
        exposure: config.service_type,
        // Confluent's images run as their `appuser`; the root filesystem stays writable
        // because their entrypoints write the configuration files at start.
        security_context: restricted_security_context(Some(versions::CONFLUENT_UID), false),
    }
}

/// The Schema Registry: schemas in the `_schemas` topic; two replicas when topics are
/// replicated (one is the leader, the other forwards writes to it).
pub fn schema_registry(config: &KafkaConfig, users: &UserNames) -> Workload {
    let mut registry = base(
        config,
        "schema-registry",
        versions::SCHEMA_REGISTRY_IMAGE,
        8081,
        &users.schema_registry,
    );
    registry.replicas = if config.replication_factor > 1 { 2 } else { 1 };
    registry.env = vec![
        env_pod_ip("SCHEMA_REGISTRY_HOST_NAME"),
        env("SCHEMA_REGISTRY_LISTENERS", "http://0.0.0.0:8081"),
        env(
            "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS",
            format!("SSL://{}", bootstrap_address(config)),
        ),
        env("SCHEMA_REGISTRY_KAFKASTORE_TOPIC", SCHEMAS_TOPIC),
        env(
            "SCHEMA_REGISTRY_KAFKASTORE_TOPIC_REPLICATION_FACTOR",
            config.replication_factor.to_string(),
        ),
        env(
            "SCHEMA_REGISTRY_SCHEMA_REGISTRY_GROUP_ID",
            SCHEMA_REGISTRY_GROUP,
        ),
    ];
    registry.env.extend(java_tls_env(
        "SCHEMA_REGISTRY_KAFKASTORE_",
        &users.schema_registry,
        &cluster_ca_secret(config),
    ));
    registry
}

/// The processing guarantee of every ksqlDB query (Kafka Streams `processing.guarantee`).
/// Needs brokers 2.5 or newer and the `TransactionalId` ACLs of [`crate::users`].
pub const PROCESSING_GUARANTEE: &str = "exactly_once_v2";

/// The ksqlDB server: `servers` replicas sharing one service id, state on an emptyDir
/// (rebuilt from changelog topics), a standby replica of each state store when there are two
/// or more servers, exactly-once processing ([`PROCESSING_GUARANTEE`]), and the processing log
/// in its own topic.
pub fn ksqldb(
    config: &KafkaConfig,
    users: &UserNames,
    topics: &Topics,
    servers: u32,
    schema_registry_url: &str,
) -> Workload {
    let mut ksql = base(
        config,
        "ksqldb",
        versions::KSQLDB_IMAGE,
        8088,
        &users.ksqldb,
    );
    let rf = config.replication_factor.to_string();
    let resources = &config.ksql_resources;
    ksql.replicas = servers;
    ksql.resources = Some(resources.requirements());
    ksql.env = vec![
        env("KSQL_BOOTSTRAP_SERVERS", bootstrap_address(config)),
        env("KSQL_LISTENERS", "http://0.0.0.0:8088"),
        env("KSQL_KSQL_SERVICE_ID", KSQL_SERVICE_ID),
        env("KSQL_KSQL_SCHEMA_REGISTRY_URL", schema_registry_url),
        env(
            "KSQL_KSQL_LOGGING_PROCESSING_TOPIC_NAME",
            &topics.ksql_processing_log.name,
        ),
        env("KSQL_KSQL_LOGGING_PROCESSING_TOPIC_AUTO_CREATE", "false"),
        env("KSQL_KSQL_LOGGING_PROCESSING_STREAM_AUTO_CREATE", "true"),
        env("KSQL_KSQL_INTERNAL_TOPIC_REPLICAS", &rf),
        env("KSQL_KSQL_STREAMS_REPLICATION_FACTOR", &rf),
        env(
            "KSQL_KSQL_STREAMS_NUM_STANDBY_REPLICAS",
            if servers > 1 { "1" } else { "0" },
        ),
        env("KSQL_KSQL_STREAMS_STATE_DIR", "/var/lib/ksqldb/state"),
        // `ksql.streams.processing.guarantee`: every query's state, output and offsets commit
        // in one Kafka transaction, so a crash or rebalance neither loses nor double-counts.
        env(
            "KSQL_KSQL_STREAMS_PROCESSING_GUARANTEE",
            PROCESSING_GUARANTEE,
        ),
        env("KSQL_HEAP_OPTS", format!("-Xms{0} -Xmx{0}", resources.heap)),
    ];
    ksql.env.extend(java_tls_env(
        "KSQL_",
        &users.ksqldb,
        &cluster_ca_secret(config),
    ));
    ksql.volumes.push(Volume {
        name: "state".into(),
        empty_dir: Some(EmptyDirVolumeSource::default()),
        ..Default::default()
    });
    ksql.mounts.push(VolumeMount {
        name: "state".into(),
        mount_path: "/var/lib/ksqldb".into(),
        ..Default::default()
    });
    ksql
}

/// Kafka UI, read-only, wired to the cluster, the Schema Registry, Connect and ksqlDB.
pub fn kafka_ui(
    config: &KafkaConfig,
    users: &UserNames,
    schema_registry_url: &str,
    ksqldb_url: &str,
) -> Workload {
    let mut ui = base(
        config,
        "kafka-ui",
        versions::KAFKA_UI_IMAGE,
        8080,
        &users.kafka_ui,
    );
    // The kafbat image runs as a named user whose uid it does not publish, so the kubelet
    // could not verify `runAsNonRoot`; the rest of the restricted profile applies.
    ui.security_context.run_as_non_root = None;
    ui.security_context.run_as_user = None;
    ui.security_context.run_as_group = None;
    ui.env = vec![
        env("DYNAMIC_CONFIG_ENABLED", "false"),
        env("KAFKA_CLUSTERS_0_NAME", &config.cluster_name),
        env(
            "KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS",
            bootstrap_address(config),
        ),
        env("KAFKA_CLUSTERS_0_READONLY", "true"),
        env("KAFKA_CLUSTERS_0_SCHEMAREGISTRY", schema_registry_url),
        env("KAFKA_CLUSTERS_0_KAFKACONNECT_0_NAME", connect_name(config)),
        env(
            "KAFKA_CLUSTERS_0_KAFKACONNECT_0_ADDRESS",
            connect_url(config),
        ),
        env("KAFKA_CLUSTERS_0_KSQLDBSERVER", ksqldb_url),
    ];
    ui.env.extend(java_tls_env(
        "KAFKA_CLUSTERS_0_PROPERTIES_",
        &users.kafka_ui,
        &cluster_ca_secret(config),
    ));
    ui
}
