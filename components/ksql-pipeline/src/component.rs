//! The KsqlPipeline component (`heartbeat:pipeline:KsqlPipeline`): registers the pipeline on
//! the cluster, after KafkaStack and YugabyteStack.
//!
//! # What it provisions, in KafkaStack's namespace
//! 1. A ConfigMap with the [`StatementFile`] of [`pipeline_statements`], and a Job running
//!    `ksql-applier --server <ksqlDB> --statements /etc/pipeline/statements.json`
//!    ([`applier_job`]), both named `<name>-ksql-apply-<digest of the file>`: an unchanged
//!    pipeline keeps its Job, a changed one runs a new Job. The Job's container names
//!    KafkaStack's `ksqldb_url` output, so it comes after ksqlDB's Service (which the
//!    kubernetes provider considers ready once ksqlDB's pods are); the applier then waits for
//!    ksqlDB's `/healthcheck` itself. A failed statement fails the Job, and the provider fails
//!    the deployment with it.
//! 2. One Strimzi `KafkaConnector` per sink table ([`jdbc_sink_connectors`]), labelled
//!    `strimzi.io/cluster: <KafkaStack's connect_cluster>`, reading the password through
//!    Connect's config provider (`${secrets:<namespace>/<secret>:<key>}`). Each depends on
//!    the `KafkaConnect` resource (through the label), on the database's migration Job
//!    (through the JDBC URL), on the Schema Registry's Service (through its URL) and on the
//!    Strimzi operator release when KafkaStack installed one.
//!
//! # Outputs
//! [`KsqlPipeline`]: the statement names in order, the connector names, the applier Job's
//! name (available once the Job is registered).

use anyhow::{Context as _, Result, bail};
use kafka_stack::KafkaStack;
use kafka_stack::strimzi::{KafkaConnector, KafkaConnectorSpec, cluster_labels};
use platform_core::ComponentScope;
use platform_core::kubernetes::Manifest;
use pulumi_runtime::{AsResource, Context, Output, OutputError, ProviderResource, ResourceOptions};
use serde::Serialize;
use yugabyte_stack::YugabyteStack;

use crate::applier_job::{applier_container, applier_job, applier_name, statements_config_map};
use crate::connectors::{
    DEBEZIUM_JDBC_SINK_CLASS, JdbcSinkSettings, connector_name, jdbc_sink_connectors,
};
use crate::settings::PipelineSettings;
use crate::sink_tables::SINK_TABLES;
use crate::statement_file::StatementFile;
use crate::statements::pipeline_statements;
use crate::topics::{PipelineTopics, TopicSpec};

/// The longest Kubernetes object name that can also be a label value (a Job's pods carry
/// their Job's name as a label).
const MAX_NAME_LEN: usize = 63;

/// Where the sinks write: what YugabyteStack hands over, narrowed to what the connectors use
/// ([`SinkDatabase::from_stack`]), so another PostgreSQL-compatible database can stand in.
#[derive(Debug, Clone)]
pub struct SinkDatabase {
    /// `jdbc:postgresql://host:port[,host:port...]/database`; should depend on whatever
    /// creates the tables (YugabyteStack's migration Job).
    pub jdbc_url: Output<String>,
    /// The database role the connectors write as.
    pub username: String,
    /// The password as a Kafka Connect config provider reference,
    /// `${secrets:<namespace>/<secret>:<key>}`; Connect's service account must be allowed to
    /// read that Secret.
    pub password_reference: String,
}

impl SinkDatabase {
    /// The application database of `database`, after its migrations.
    pub fn from_stack(database: &YugabyteStack) -> Self {
        Self {
            jdbc_url: database.jdbc_url.clone(),
            username: database.app_user.clone(),
            password_reference: database.password_reference.clone(),
        }
    }
}

/// KsqlPipeline's typed inputs.
#[derive(Clone)]
pub struct KsqlPipelineArgs<'a> {
    /// The kubernetes provider of the cluster.
    pub provider: &'a ProviderResource,
    /// KafkaStack's outputs: namespace, topics, ksqlDB, Connect and the Schema Registry.
    pub kafka: &'a KafkaStack,
    /// The database the sinks write to.
    pub database: SinkDatabase,
    /// Section `heartbeat-platform:pipeline` (the applier image among them).
    pub settings: &'a PipelineSettings,
    /// Kafka's replication factor (`kafka.replicationFactor`), for the dead-letter topic
    /// should Connect ever have to create it.
    pub replication_factor: u32,
}

/// What KsqlPipeline hands over.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KsqlPipeline {
    /// The namespace of the applier Job and the connectors.
    pub namespace: String,
    /// The streams and tables the statements create, in the order they are applied.
    pub statement_names: Vec<String>,
    /// The `KafkaConnector`s, one per sink table.
    pub connector_names: Vec<String>,
    /// The applier Job's name; depends on the Job.
    pub applier_job: Output<String>,
}

/// The pipeline's view of KafkaStack's topics.
pub fn pipeline_topics(topics: &kafka_stack::Topics) -> PipelineTopics {
    let spec = |t: &kafka_stack::TopicSpec| TopicSpec::new(t.name.clone(), t.partitions);
    PipelineTopics {
        heartbeats: spec(&topics.heartbeats),
        unique_heartbeats: spec(&topics.unique_heartbeats),
        watched_segments: spec(&topics.watched_segments),
        continue_watching: spec(&topics.continue_watching),
        video_watch_daily: spec(&topics.video_watch_daily),
        ad_impressions_hourly: spec(&topics.ad_impressions_hourly),
        dead_letter: spec(&topics.dead_letter),
    }
}

impl KsqlPipeline {
    /// Registers the pipeline; fails, registering nothing, when the settings, the topics or
    /// the name are not valid (the error names the setting).
    pub fn new(
        ctx: &Context,
        name: &str,
        args: KsqlPipelineArgs<'_>,
        options: ResourceOptions,
    ) -> Result<Self> {
        let KsqlPipelineArgs {
            provider,
            kafka,
            database,
            settings,
            replication_factor,
        } = args;
        let topics = pipeline_topics(&kafka.topics);
        let statements = pipeline_statements(&topics, settings)
            .context("heartbeat-platform:pipeline: the ksqlDB statements")?;
        let statement_names = statements.iter().map(|s| s.name.clone()).collect();
        let statements_json = StatementFile::new(statements).to_json();
        let job_name = applier_name(&format!("{name}-ksql-apply"), &statements_json);
        if job_name.len() > MAX_NAME_LEN {
            bail!(
                "KsqlPipeline name {name:?}: too long, the applier Job {job_name:?} must be at most \
                 {MAX_NAME_LEN} characters; use a name of at most {} characters",
                name.len() - (job_name.len() - MAX_NAME_LEN)
            );
        }
        let dead_letter_replication_factor = u16::try_from(replication_factor)
            .ok()
            .filter(|rf| *rf > 0)
            .with_context(|| {
                format!("replication_factor {replication_factor}: must be from 1 to 65535")
            })?;
        let namespace = kafka.namespace.clone();

        let scope = ComponentScope::new(ctx, "pipeline", "KsqlPipeline", name, options);

        // KafkaStack's namespace exists once its `Kafka` resource does: the ConfigMap takes
        // the namespace from an output that depends on it.
        let namespace_ready = kafka.bootstrap_servers.map({
            let namespace = namespace.clone();
            move |_| namespace
        });
        let config_map = scope.kubernetes(
            provider,
            &Manifest::new(statements_config_map(
                &job_name,
                &namespace,
                &statements_json,
            ))
            .with_output("/metadata/namespace", namespace_ready),
        );
        // The container names ksqlDB's URL, an output: the typed Job is built with an empty
        // server and its containers are laid over once the URL is known (which also makes
        // the Job depend on ksqlDB's Service).
        let image = settings.applier_image.clone();
        let containers = kafka
            .ksqldb_url
            .map(move |url| vec![applier_container(&image, &url)]);
        let job = scope.kubernetes_with(
            provider,
            &Manifest::new(applier_job(
                &job_name,
                &namespace,
                applier_container(&settings.applier_image, ""),
            ))
            .with_output("/spec/template/spec/containers", containers),
            ResourceOptions::new().depends_on(&config_map),
        );

        let connectors = {
            let (topics, settings, name) = (topics.clone(), settings.clone(), name.to_owned());
            let SinkDatabase {
                jdbc_url,
                username,
                password_reference,
            } = database;
            jdbc_url.zip(&kafka.schema_registry_url).try_map(
                move |(connection_url, schema_registry_url)| {
                    let sink = JdbcSinkSettings {
                        connection_url,
                        username,
                        password: password_reference,
                        schema_registry_url,
                        tasks_max: settings.sink_tasks_max,
                        dead_letter_replication_factor,
                    };
                    jdbc_sink_connectors(&topics, &settings, &sink)
                        .map_err(|e| OutputError::new(format!("KsqlPipeline {name}: {e:#}")))
                },
            )
        };
        let labels = kafka
            .connect_cluster
            .map(|cluster| cluster_labels(&cluster));
        let after_operator = match &kafka.operator {
            Some(chart) => chart.after(ResourceOptions::new()),
            None => ResourceOptions::new(),
        };
        let connector_names: Vec<String> = SINK_TABLES.iter().map(connector_name).collect();
        for connector in &connector_names {
            // Placeholder spec and labels, laid over from the outputs they come from.
            let object = KafkaConnector::for_cluster(
                connector,
                &namespace,
                "",
                KafkaConnectorSpec {
                    class: DEBEZIUM_JDBC_SINK_CLASS.into(),
                    tasks_max: settings.sink_tasks_max,
                    config: Default::default(),
                },
            );
            let spec = connectors.try_map({
                let connector = connector.clone();
                move |connectors| {
                    let built = connectors.into_iter().find(|c| c.name == connector);
                    let built = built.ok_or_else(|| {
                        OutputError::new(format!("no JDBC sink connector named {connector}"))
                    })?;
                    Ok(KafkaConnectorSpec {
                        class: built.class,
                        tasks_max: built.tasks_max,
                        config: built
                            .config
                            .into_iter()
                            .map(|(k, v)| (k, v.into()))
                            .collect(),
                    })
                }
            });
            scope.kubernetes_with(
                provider,
                &Manifest::new(object)
                    .with_output("/metadata/labels", labels.clone())
                    .with_output("/spec", spec),
                after_operator.clone(),
            );
        }

        Ok(scope.finish(KsqlPipeline {
            namespace,
            statement_names,
            connector_names,
            applier_job: job.urn().map(move |_| job_name),
        }))
    }
}
