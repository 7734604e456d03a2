//! The JDBC sink connectors, one per sink table, as data for Strimzi `KafkaConnector`
//! resources (`spec.class`, `spec.tasksMax`, `spec.config`).
//!
//! Each connector upserts by the primary key taken from the record value (ksqlDB's windowed
//! keys are binary, so the window bounds are value fields and the key is read as raw bytes and
//! ignored), sends records it cannot write to a dead-letter topic with the error in headers,
//! and reads values with the Schema Registry converter matching the pipeline's value format.

use std::collections::BTreeMap;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

use crate::settings::PipelineSettings;
use crate::sink_tables::{SINK_TABLES, SinkTable};
use crate::topics::PipelineTopics;

/// The Debezium JDBC sink connector class (Maven Central `io.debezium:debezium-connector-jdbc`).
pub const DEBEZIUM_JDBC_SINK_CLASS: &str = "io.debezium.connector.jdbc.JdbcSinkConnector";
/// The key converter: keys are not used by the sink, so they are passed through as bytes.
pub const KEY_CONVERTER_CLASS: &str = "org.apache.kafka.connect.converters.ByteArrayConverter";

/// Where and how the sinks write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JdbcSinkSettings {
    /// JDBC URL of the database, `jdbc:postgresql://host:port/database` (YSQL speaks it).
    pub connection_url: String,
    /// Database user.
    pub username: String,
    /// The password as a Kafka Connect config provider reference, such as
    /// `${secrets:heartbeat/yugabyte-sink:password}`; never the password itself.
    pub password: String,
    /// URL of the Schema Registry the converter reads schemas from.
    pub schema_registry_url: String,
    /// Tasks per connector.
    pub tasks_max: u32,
    /// Replication factor of the dead-letter topic if Connect has to create it.
    pub dead_letter_replication_factor: u16,
}

impl JdbcSinkSettings {
    /// Checks every field; the error names it and says what is accepted.
    pub fn validate(&self) -> Result<()> {
        if !self.connection_url.starts_with("jdbc:postgresql://") {
            bail!(
                "sink.connection_url {:?}: must be a PostgreSQL JDBC URL, jdbc:postgresql://host:port/database",
                self.connection_url
            );
        }
        if self.username.is_empty() {
            bail!("sink.username: must not be empty");
        }
        if !(self.password.starts_with("${") && self.password.ends_with('}')) {
            bail!(
                "sink.password: must be a Kafka Connect config provider reference such as \
                 ${{secrets:namespace/secret:key}}, so the password never appears in the KafkaConnector resource"
            );
        }
        if !(self.schema_registry_url.starts_with("http://")
            || self.schema_registry_url.starts_with("https://"))
        {
            bail!(
                "sink.schema_registry_url {:?}: must be an http:// or https:// URL",
                self.schema_registry_url
            );
        }
        if self.tasks_max == 0 {
            bail!("sink.tasks_max: must be at least 1");
        }
        if self.dead_letter_replication_factor == 0 {
            bail!("sink.dead_letter_replication_factor: must be at least 1");
        }
        Ok(())
    }
}

/// One JDBC sink connector: what a Strimzi `KafkaConnector` carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JdbcSinkConnector {
    /// Connector name (the `KafkaConnector` resource name).
    pub name: String,
    /// `spec.class`.
    pub class: String,
    /// `spec.tasksMax`.
    pub tasks_max: u32,
    /// `spec.config`.
    pub config: BTreeMap<String, String>,
}

/// The name of `table`'s connector (and of its `KafkaConnector` resource):
/// `<table with dashes>-jdbc-sink`.
pub fn connector_name(table: &SinkTable) -> String {
    format!("{}-jdbc-sink", table.name.replace('_', "-"))
}

/// One connector per sink table, after validating every input.
pub fn jdbc_sink_connectors(
    topics: &PipelineTopics,
    settings: &PipelineSettings,
    sink: &JdbcSinkSettings,
) -> Result<Vec<JdbcSinkConnector>> {
    topics.validate()?;
    settings.validate()?;
    sink.validate()?;
    let format = settings.value_format;
    Ok(SINK_TABLES
        .iter()
        .map(|table| {
            let config: BTreeMap<String, String> = [
                ("topics", table.topic(topics).name.clone()),
                ("connection.url", sink.connection_url.clone()),
                ("connection.username", sink.username.clone()),
                ("connection.password", sink.password.clone()),
                ("insert.mode", "upsert".into()),
                ("delete.enabled", "false".into()),
                ("primary.key.mode", "record_value".into()),
                ("primary.key.fields", table.primary_key_fields().join(",")),
                ("collection.name.format", table.name.into()),
                ("schema.evolution", "none".into()),
                ("quote.identifiers", "false".into()),
                ("key.converter", KEY_CONVERTER_CLASS.into()),
                ("value.converter", format.converter_class().into()),
                (
                    "value.converter.schema.registry.url",
                    sink.schema_registry_url.clone(),
                ),
                ("errors.tolerance", "all".into()),
                ("errors.log.enable", "true".into()),
                (
                    "errors.deadletterqueue.topic.name",
                    topics.dead_letter.name.clone(),
                ),
                (
                    "errors.deadletterqueue.topic.replication.factor",
                    sink.dead_letter_replication_factor.to_string(),
                ),
                (
                    "errors.deadletterqueue.context.headers.enable",
                    "true".into(),
                ),
            ]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
            JdbcSinkConnector {
                name: connector_name(table),
                class: DEBEZIUM_JDBC_SINK_CLASS.into(),
                tasks_max: sink.tasks_max,
                config,
            }
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn sink() -> JdbcSinkSettings {
        JdbcSinkSettings {
            connection_url: "jdbc:postgresql://yb-tservers.heartbeat:5433/heartbeat".into(),
            username: "pipeline_sink".into(),
            password: "${secrets:heartbeat/yugabyte-sink:password}".into(),
            schema_registry_url: "http://schema-registry.heartbeat:8081".into(),
            tasks_max: 2,
            dead_letter_replication_factor: 3,
        }
    }

    #[test]
    fn one_upserting_connector_per_table() {
        let connectors = jdbc_sink_connectors(
            &PipelineTopics::default(),
            &PipelineSettings::default(),
            &sink(),
        )
        .unwrap();
        let names: Vec<_> = connectors.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "watched-segments-jdbc-sink",
                "continue-watching-jdbc-sink",
                "video-watch-daily-jdbc-sink",
                "ad-impressions-hourly-jdbc-sink"
            ]
        );
        let segments = &connectors[0].config;
        assert_eq!(segments["topics"], "watched-segments");
        assert_eq!(segments["insert.mode"], "upsert");
        assert_eq!(segments["primary.key.mode"], "record_value");
        assert_eq!(
            segments["primary.key.fields"],
            "VIEWER_ID,VIDEO_ID,START_TIME_MS"
        );
        assert_eq!(
            segments["value.converter"],
            "io.confluent.connect.avro.AvroConverter"
        );
        assert_eq!(
            segments["errors.deadletterqueue.topic.name"],
            "pipeline-sink-dead-letter"
        );
    }

    #[test]
    fn the_converter_follows_the_value_format() {
        let settings = PipelineSettings {
            value_format: crate::ValueFormat::JsonSr,
            ..Default::default()
        };
        let connectors =
            jdbc_sink_connectors(&PipelineTopics::default(), &settings, &sink()).unwrap();
        assert!(connectors.iter().all(
            |c| c.config["value.converter"] == "io.confluent.connect.json.JsonSchemaConverter"
        ));
    }

    #[test]
    fn a_plaintext_password_is_refused() {
        let mut bad = sink();
        bad.password = "hunter2".into();
        let err = jdbc_sink_connectors(
            &PipelineTopics::default(),
            &PipelineSettings::default(),
            &bad,
        )
        .unwrap_err()
        .to_string();
        assert!(err.starts_with("sink.password:"), "{err}");
        let mut bad = sink();
        bad.connection_url = "postgres://db/heartbeat".into();
        let err = bad.validate().unwrap_err().to_string();
        assert!(err.starts_with("sink.connection_url"), "{err}");
    }
}
