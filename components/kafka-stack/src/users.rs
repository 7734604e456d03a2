//! The `KafkaUser`s (mutual-TLS identities) and what each may do. The user operator writes
//! each user's certificate and key to a Secret named like the user.

use crate::config::KafkaConfig;
use crate::strimzi::{
    AclOperation::{self, *},
    AclResource, AclRule, KafkaUser, KafkaUserSpec, ListenerAuthentication, UserAuthorization,
    cluster_labels,
};
use crate::topics::Topics;

/// The ksqlDB service id; ksqlDB prefixes its internal topics and groups with
/// `_confluent-ksql-<id>`.
pub const KSQL_SERVICE_ID: &str = "heartbeat_ksql_";
/// The Schema Registry's storage topic.
pub const SCHEMAS_TOPIC: &str = "_schemas";
/// The Schema Registry's consumer group prefix.
pub const SCHEMA_REGISTRY_GROUP: &str = "schema-registry";

/// The names of the platform's Kafka users; each is also the name of its Secret.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserNames {
    /// The ingest API: writes heartbeats, nothing else.
    pub ingest: String,
    /// ksqlDB.
    pub ksqldb: String,
    /// Kafka Connect.
    pub connect: String,
    /// The Schema Registry.
    pub schema_registry: String,
    /// Kafka UI (read-only).
    pub kafka_ui: String,
}

impl UserNames {
    /// Users named `<cluster>-<role>`.
    pub fn for_cluster(cluster: &str) -> Self {
        let name = |role: &str| format!("{cluster}-{role}");
        Self {
            ingest: name("ingest"),
            ksqldb: name("ksqldb"),
            connect: name("connect"),
            schema_registry: name("schema-registry"),
            kafka_ui: name("kafka-ui"),
        }
    }
}

fn allow(resource: AclResource, operations: &[AclOperation]) -> AclRule {
    AclRule {
        resource,
        operations: operations.to_vec(),
    }
}

/// The users with their ACLs; `connect_group` is Connect's group id and internal topic prefix.
pub fn users(
    config: &KafkaConfig,
    names: &UserNames,
    topics: &Topics,
    connect_group: &str,
) -> Vec<KafkaUser> {
    let ksql_internal = format!("_confluent-ksql-{KSQL_SERVICE_ID}");
    let produce_consume = [Read, Write, Create, Delete, Describe, DescribeConfigs];

    let ingest = vec![allow(
        AclResource::topic(&topics.heartbeats.name),
        &[Write, Describe],
    )];

    let mut ksqldb = vec![
        allow(
            AclResource::topic(&topics.heartbeats.name),
            &[Read, Describe],
        ),
        allow(
            AclResource::topic(&topics.ksql_processing_log.name),
            &[Write, Describe],
        ),
        allow(AclResource::topic_prefix(&ksql_internal), &produce_consume),
        allow(AclResource::group_prefix(&ksql_internal), &[Read, Describe]),
        // The command topic's producer uses the service id as its transactional id; with
        // exactly-once, each query's Kafka Streams producers use
        // `<application id>-<process id>-<thread>`, the application id being
        // `_confluent-ksql-<service id>query_<query id>`.
        allow(
            AclResource::transactional_id_prefix(KSQL_SERVICE_ID),
            &[Write, Describe],
        ),
        allow(
            AclResource::transactional_id_prefix(&ksql_internal),
            &[Write, Describe],
        ),
        allow(
            AclResource::Cluster,
            &[Describe, DescribeConfigs, IdempotentWrite],
        ),
    ];
    ksqldb.extend(topics.ksql_outputs().into_iter().map(|t| {
        allow(
            AclResource::topic(&t.name),
            &[Read, Write, Describe, DescribeConfigs],
        )
    }));

    let mut connect = vec![
        allow(AclResource::topic_prefix(connect_group), &produce_consume),
        allow(AclResource::group_prefix(connect_group), &[Read, Describe]),
        allow(AclResource::group_prefix("connect-"), &[Read, Describe]),
        allow(
            AclResource::topic(&topics.dead_letter.name),
            &[Write, Describe],
        ),
    ];
    connect.extend(
        topics
            .sink_inputs()
            .into_iter()
            .map(|t| allow(AclResource::topic(&t.name), &[Read, Describe])),
    );

    let schema_registry = vec![
        allow(AclResource::topic(SCHEMAS_TOPIC), &produce_consume),
        allow(
            AclResource::group_prefix(SCHEMA_REGISTRY_GROUP),
            &[Read, Describe],
        ),
        allow(AclResource::Cluster, &[Describe, DescribeConfigs]),
    ];

    let kafka_ui = vec![
        allow(AclResource::topic("*"), &[Read, Describe, DescribeConfigs]),
        allow(AclResource::group("*"), &[Describe]),
        allow(AclResource::Cluster, &[Describe, DescribeConfigs]),
    ];

    [
        (&names.ingest, ingest),
        (&names.ksqldb, ksqldb),
        (&names.connect, connect),
        (&names.schema_registry, schema_registry),
        (&names.kafka_ui, kafka_ui),
    ]
    .into_iter()
    .map(|(name, acls)| {
        let mut user = KafkaUser::new(
            name,
            KafkaUserSpec {
                authentication: ListenerAuthentication::Tls,
                authorization: UserAuthorization {
                    authorization_type: "simple".into(),
                    acls,
                },
            },
        );
        user.metadata.namespace = Some(config.namespace.clone());
        user.metadata.labels = Some(cluster_labels(&config.cluster_name));
        user
    })
    .collect()
}
