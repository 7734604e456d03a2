//! The KafkaStack component (`heartbeat:kafka:KafkaStack`): Kafka run by the Strimzi operator,
//! its topics and users, Kafka Connect, a Schema Registry, ksqlDB and Kafka UI, all on the
//! cluster the given kubernetes provider points at.
//!
//! # What it provisions, in dependency order
//! 1. Namespaces: `kafka.operatorNamespace` (default `strimzi`) and `kafka.namespace`
//!    (default `kafka`).
//! 2. The Strimzi operator ([`versions::STRIMZI_VERSION`]) from its Helm chart (the vendor's
//!    chart repository, or `kafka.operatorChartPath` for air-gapped installs), with its CRDs,
//!    watching `kafka.namespace`; every object of the chart is a resource of its own (see
//!    [`helm`]). Every custom resource below lives in that namespace and depends on the
//!    chart. `kafka.operatorInstall: preinstalled` leaves the operator to others.
//! 3. `Kafka` in KRaft mode with two `KafkaNodePool`s: 3 controllers, and brokers from the
//!    capacity model (or `kafka.brokers`), each on a persistent gp3 volume sized by the model;
//!    rack awareness on `topology.kubernetes.io/zone`; one in-cluster listener on port 9093
//!    with TLS and mutual-TLS client authentication; ACL authorization; replication factor
//!    and `min.insync.replicas` from config; a PodDisruptionBudget (one node down at a time);
//!    Strimzi's Prometheus metrics reporter.
//! 4. `KafkaTopic`s ([`Topics`]): partitions from the capacity model, retention and cleanup
//!    policy per topic.
//! 5. `KafkaUser`s ([`UserNames`]) with ACLs: the ingest API may only write `heartbeats`;
//!    ksqlDB, Connect, the Schema Registry and Kafka UI (read-only) get what they use.
//! 6. `KafkaConnect` with `strimzi.io/use-connector-resources`, its image built by Strimzi
//!    with the Debezium JDBC sink (a Maven Central archive pinned by SHA-512) and the
//!    Schema Registry converters. The pipeline adds [`strimzi::KafkaConnector`]s.
//! 7. Schema Registry, ksqlDB server (with its processing-log topic) and Kafka UI: a
//!    Deployment, a Service (ClusterIP unless `kafka.serviceType` says `LoadBalancer`) and a
//!    PodDisruptionBudget when replicated.
//!
//! # Choices
//! - **Schema Registry: Confluent's** (`cp-schema-registry`), at the same Confluent
//!   Platform version as the ksqlDB server and the Avro/JSON-Schema converters Connect loads.
//!   ksqlDB and those converters are Confluent's clients of exactly this API, so one vendor
//!   and one version keep the serialisation path tested end to end. Apicurio Registry
//!   (Apache-2.0) and Karapace (Apache-2.0) re-implement that API; either is a swap of the
//!   image and environment in [`services`] if the Confluent Community License (which
//!   ksqlDB already carries) is unwanted.
//! - **Kafka UI: kafbat/kafka-ui**, the maintained fork of provectus kafka-ui.
//! - Every client authenticates with its own `KafkaUser` certificate; no password appears
//!   in any resource (keystore passwords are read from the user operator's Secrets).
//!
//! # Outputs
//! [`KafkaStack`]: bootstrap address, [`Topics`], user (= Secret) names, the ksqlDB
//! endpoint, the Connect cluster name and URL, the Schema Registry URL.
//!
//! ```no_run
//! # async fn demo(ctx: pulumi_runtime::Context, provider: pulumi_runtime::ProviderResource,
//! #               sizing: platform_core::capacity::Sizing,
//! #               oidc: eks_cluster::OidcIssuer) -> anyhow::Result<()> {
//! use kafka_stack::{KafkaConfig, KafkaStack, KafkaStackArgs};
//! let zones = vec!["eu-west-1a".to_owned(), "eu-west-1b".into(), "eu-west-1c".into()];
//! let kafka = KafkaStack::new(
//!     &ctx,
//!     "kafka",
//!     KafkaStackArgs { provider: &provider, sizing: &sizing, zones: &zones,
//!                      config: &KafkaConfig::default(), oidc: Some(&oidc) },
//!     pulumi_runtime::ResourceOptions::new(),
//! )?;
//! println!("heartbeats has {} partitions", kafka.topics.heartbeats.partitions);
//! # Ok(()) }
//! ```

pub mod cluster;
pub mod config;
pub mod connect;
pub mod registry;
pub mod services;
pub mod strimzi;
pub mod topics;
pub mod users;
pub mod versions;
pub mod workload;

use eks_cluster::OidcIssuer;
use platform_core::capacity::Sizing;
use platform_core::helm;
use platform_core::kubernetes::Manifest;
use platform_core::kubernetes::namespace;
use platform_core::{ComponentScope, Problems};
use pulumi_runtime::{AsResource, Context, Output, ProviderResource, ResourceOptions};
use registry::ConnectImage;
use serde::Serialize;

pub use config::{ConnectConfig, KafkaConfig, NodeResources, OperatorInstall, ServiceExposure};
pub use topics::{TopicSpec, Topics};
pub use users::UserNames;

/// The config section KafkaStack reads.
pub const CONFIG_KEY: &str = "heartbeat-platform:kafka";

/// KafkaStack's typed inputs.
#[derive(Clone, Copy)]
pub struct KafkaStackArgs<'a> {
    /// The kubernetes provider of the target cluster (EksCluster's output).
    pub provider: &'a ProviderResource,
    /// The capacity model's sizes.
    pub sizing: &'a Sizing,
    /// The availability zones the cluster's nodes span.
    pub zones: &'a [String],
    /// Section `heartbeat-platform:kafka`.
    pub config: &'a KafkaConfig,
    /// The cluster's OIDC issuer (EksCluster's output): with it and no
    /// `connect.buildImage`, Connect's image goes to an ECR repository this component
    /// creates ([`registry`]).
    pub oidc: Option<&'a OidcIssuer>,
}

/// What KafkaStack hands to the components that follow.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct KafkaStack {
    /// The namespace of every Kafka resource (put `KafkaConnector`s here).
    pub namespace: String,
    /// The `Kafka` resource's name.
    pub cluster_name: String,
    /// The mutual-TLS bootstrap address, `<cluster>-kafka-bootstrap.<ns>.svc:9093`; depends
    /// on the `Kafka` resource.
    pub bootstrap_servers: Output<String>,
    /// The Secret with the cluster CA clients trust (`ca.crt`, `ca.p12`, `ca.password`).
    pub cluster_ca_secret: String,
    /// Every topic, with partitions.
    pub topics: Topics,
    /// The Kafka users; each user's certificate is in a Secret of the same name.
    pub users: UserNames,
    /// The ksqlDB server's REST endpoint; depends on its Service.
    pub ksqldb_url: Output<String>,
    /// The Connect cluster's name (the `strimzi.io/cluster` label of `KafkaConnector`s);
    /// depends on the `KafkaConnect` resource.
    pub connect_cluster: Output<String>,
    /// The Connect REST API.
    pub connect_url: String,
    /// The service account Connect's workers run as (in `namespace`): grant it read access
    /// to the Secrets its connectors reference as `${secrets:<namespace>/<name>:<key>}`.
    pub connect_service_account: String,
    /// The Schema Registry's URL; depends on its Service.
    pub schema_registry_url: Output<String>,
    /// Kafka UI's URL.
    pub kafka_ui_url: String,
    /// The Strimzi operator chart (none when `operatorInstall` is `preinstalled`):
    /// `KafkaConnector`s added later depend on it.
    #[serde(skip)]
    pub operator: Option<helm::InstalledChart>,
}

/// A value that becomes available once `resource` is registered (and depends on it).
fn after(resource: &impl AsResource, value: String) -> Output<String> {
    resource.urn().map(move |_| value)
}

impl KafkaStack {
    /// Provisions the Kafka layer; fails, registering nothing, when the config does not fit
    /// the sizing and zones.
    pub fn new(
        ctx: &Context,
        name: &str,
        args: KafkaStackArgs<'_>,
        options: ResourceOptions,
    ) -> anyhow::Result<Self> {
        let KafkaStackArgs {
            provider,
            sizing,
            zones,
            config,
            oidc,
        } = args;
        let mut problems = Problems::new(CONFIG_KEY);
        config.validate(sizing, zones.len(), &mut problems);
        problems.check(
            config.connect.build_image.is_some() || oidc.is_some(),
            "connect.buildImage",
            "(unset)",
            "give the registry repository and tag Strimzi pushes the Connect image to (an ECR repository is created only when the component is given the cluster's OIDC issuer)",
        );
        problems.into_result()?;

        let scope = ComponentScope::new(ctx, "kafka", "KafkaStack", name, options);
        let mut namespaces =
            vec![scope.kubernetes(provider, &Manifest::new(namespace(&config.namespace)))];
        if config.operator_namespace != config.namespace {
            namespaces.push(scope.kubernetes(
                provider,
                &Manifest::new(namespace(&config.operator_namespace)),
            ));
        }
        let after_namespaces = namespaces
            .iter()
            .fold(ResourceOptions::new(), |o, ns| o.depends_on(ns));
        let operator = (config.operator_install == OperatorInstall::Helm).then(|| {
            helm::install_chart(
                &scope,
                provider,
                &operator_chart(config),
                after_namespaces.clone(),
            )
        });
        let after_operator = || match &operator {
            Some(chart) => chart.after(ResourceOptions::new()),
            None => after_namespaces.clone(),
        };
        macro_rules! custom_resource {
            ($object:expr) => {
                scope.kubernetes_with(provider, &Manifest::new($object), after_operator())
            };
        }

        let kafka = custom_resource!(cluster::kafka(config));
        let brokers = config.brokers(sizing);
        for pool in cluster::node_pools(config, brokers, sizing.broker_disk_gib) {
            custom_resource!(pool);
        }

        let topics = Topics::with_partitions(
            config.heartbeat_partitions(sizing),
            config.license_partitions,
        );
        for topic in topics.resources(config) {
            custom_resource!(topic);
        }
        let users = UserNames::for_cluster(&config.cluster_name);
        for user in users::users(config, &users, &topics, &connect::connect_group(config)) {
            custom_resource!(user);
        }
        let connect_name = connect::connect_name(config);
        let image = match oidc {
            Some(oidc) => ConnectImage::for_connect(&scope, config, &connect_name, oidc),
            None => ConnectImage::Configured,
        };
        let connect_options = match &image {
            ConnectImage::Ecr { attachment, .. } => after_operator().depends_on(attachment),
            ConnectImage::Configured => after_operator(),
        };
        let connect = scope.kubernetes_with(
            provider,
            &image.apply(connect::kafka_connect(
                config,
                config.connect_workers(sizing),
                &users.connect,
            )),
            connect_options,
        );

        let registry = services::schema_registry(config, &users);
        let ksql = services::ksqldb(
            config,
            &users,
            &topics,
            config.ksql_servers(sizing),
            &registry.url(),
        );
        let ui = services::kafka_ui(config, &users, &registry.url(), &ksql.url());
        let service_of = |workload: &workload::Workload| {
            scope.kubernetes_with(
                provider,
                &Manifest::new(workload.deployment()),
                after_operator(),
            );
            if let Some(budget) = workload.disruption_budget() {
                scope.kubernetes(provider, &Manifest::new(budget));
            }
            scope.kubernetes(provider, &Manifest::new(workload.service()))
        };
        let registry_service = service_of(&registry);
        let ksql_service = service_of(&ksql);
        service_of(&ui);

        Ok(scope.finish(KafkaStack {
            namespace: config.namespace.clone(),
            cluster_name: config.cluster_name.clone(),
            bootstrap_servers: after(&kafka, cluster::bootstrap_address(config)),
            cluster_ca_secret: cluster::cluster_ca_secret(config),
            topics,
            users,
            ksqldb_url: after(&ksql_service, ksql.url()),
            connect_cluster: after(&connect, connect::connect_name(config)),
            connect_url: connect::connect_url(config),
            connect_service_account: format!("{}-connect", connect::connect_name(config)),
            schema_registry_url: after(&registry_service, registry.url()),
            kafka_ui_url: ui.url(),
            operator,
        }))
    }
}

/// The Strimzi operator's Helm chart, watching `config.namespace`.
pub fn operator_chart(config: &KafkaConfig) -> helm::ChartInputs {
    let source = helm::ChartSource::pinned(
        versions::STRIMZI_CHART_REPO,
        versions::STRIMZI_CHART,
        versions::STRIMZI_VERSION,
        config.operator_chart_path.as_deref(),
    );
    helm::ChartInputs::new(
        "strimzi",
        &config.operator_namespace,
        &source,
        serde_json::json!({ "watchNamespaces": [config.namespace] }),
    )
}
