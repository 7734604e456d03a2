//! Every version KafkaStack deploys, pinned in this one place.
//!
//! Image tags could not be checked against the container registries from the build machine
//! (no registry access); the Maven artifacts and the Debezium checksum were checked against
//! Maven Central.

/// The Strimzi operator's Helm chart repository (the vendor's).
pub const STRIMZI_CHART_REPO: &str = "https://strimzi.io/charts/";
/// The Strimzi operator's chart name.
pub const STRIMZI_CHART: &str = "strimzi-kafka-operator";
/// The Strimzi operator version (its CRDs serve `kafka.strimzi.io/v1` only).
pub const STRIMZI_VERSION: &str = "1.2.0";

/// The Debezium JDBC sink connector's plugin archive (with the PostgreSQL driver), as the
/// local data plane runs it.
pub const DEBEZIUM_JDBC_VERSION: &str = "3.3.1.Final";
/// Where Strimzi's build downloads the Debezium JDBC plugin archive from (Maven Central).
pub const DEBEZIUM_JDBC_PLUGIN_URL: &str = "https://repo1.maven.org/maven2/io/debezium/debezium-connector-jdbc/3.3.1.Final/debezium-connector-jdbc-3.3.1.Final-plugin.tar.gz";
/// Its SHA-512, as published next to it on Maven Central.
pub const DEBEZIUM_JDBC_PLUGIN_SHA512: &str = "b678f4bf662074d4e7e4fe097f8a931b895ce342e0c3a9bd318eb5ae57854a55ca47d15d933a2cc7f0d622625cf7f79ae99f19fc334bdec4fab0a97ec050ed87";

/// Confluent Platform version of ksqlDB and of the Schema Registry converters Connect loads.
pub const CONFLUENT_PLATFORM_VERSION: &str = "7.9.0";
/// The uid of `appuser`, the user Confluent Platform's images run as.
pub const CONFLUENT_UID: i64 = 1000;
/// Confluent's Maven repository (the converters are not on Maven Central).
pub const CONFLUENT_MAVEN_REPO: &str = "https://packages.confluent.io/maven/";
/// The ksqlDB server image.
pub const KSQLDB_IMAGE: &str = "confluentinc/cp-ksqldb-server:7.9.0";

/// The Schema Registry image: Confluent's, at the same platform version as ksqlDB and the
/// converters (see the crate docs for why).
pub const SCHEMA_REGISTRY_IMAGE: &str = "confluentinc/cp-schema-registry:7.9.0";

/// Kafka UI: the maintained kafbat fork of provectus kafka-ui (Apache-2.0).
pub const KAFKA_UI_IMAGE: &str = "ghcr.io/kafbat/kafka-ui:v1.2.0";
