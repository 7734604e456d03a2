//! The KsqlPipeline component's business logic: heartbeats become watched segments, royalties
//! and ad impressions in YugabyteDB.
//!
//! Plain Rust with typed inputs, so the Pulumi component (and any test) can call it:
//! - inputs: [`PipelineTopics`] (topic names and partitions, from KafkaStack) and
//!   [`PipelineSettings`] (session gap, grace period, de-duplication window, window
//!   retention, value format);
//! - [`pipeline_statements`]: the ksqlDB statements in dependency order, carried to the
//!   in-cluster applier as a [`StatementFile`];
//! - [`SINK_TABLES`], [`postgres_migration_script`] and [`ysql_migration_script`]: the sink
//!   tables and their idempotent DDL for YugabyteStack's migration job, with the license
//!   terms and the `royalties_daily` view ([`licenses`]);
//! - [`jdbc_sink_connectors`]: one Debezium JDBC sink connector per sink table, as data for
//!   Strimzi `KafkaConnector` resources;
//! - [`model`]: a reference model of what the business expects the statements to compute,
//!   and [`engine_model`]: what ksqlDB's engine does with them (stream time, lateness,
//!   retention, `EMIT FINAL`'s emit check), for tests that compare the two;
//! - [`KsqlPipeline`] (`heartbeat:pipeline:KsqlPipeline`, in [`component`]): the Pulumi
//!   component that puts it on the cluster: a ConfigMap and a Job applying the statements
//!   with `ksql-applier` ([`applier_job`]), and one Strimzi `KafkaConnector` per sink table.
//!
//! ```
//! use ksql_pipeline::{PipelineSettings, PipelineTopics, StatementFile, pipeline_statements};
//! let statements = pipeline_statements(&PipelineTopics::default(), &PipelineSettings::default())?;
//! assert_eq!(statements[0].name, "heartbeats");
//! let config_map_text = StatementFile::new(statements).to_json();
//! # Ok::<(), anyhow::Error>(())
//! ```

pub mod applier_job;
pub mod component;
pub mod connectors;
pub mod ddl;
pub mod engine_model;
pub mod licenses;
pub mod model;
pub mod settings;
pub mod sink_tables;
pub mod statement_file;
pub mod statements;
pub mod topics;

pub use component::{KsqlPipeline, KsqlPipelineArgs, SinkDatabase, pipeline_topics};
pub use connectors::{JdbcSinkConnector, JdbcSinkSettings, connector_name, jdbc_sink_connectors};
pub use ddl::{SqlDialect, postgres_migration_script, ysql_migration_script};
pub use settings::{DEFAULT_APPLIER_IMAGE, PipelineSettings, ValueFormat};
pub use sink_tables::{SINK_TABLES, SinkTable};
pub use statement_file::StatementFile;
pub use statements::{KsqlStatement, pipeline_statements};
pub use topics::{PipelineTopics, TopicSpec};
