//! The YugabyteStack component (`heartbeat:yugabyte:YugabyteStack`): a multi-zone YugabyteDB
//! cluster and the application database the pipeline writes to.
//!
//! # What it provisions
//! 1. A namespace per zone (`<namespace>-<zone>`) and one install of the official `yugabyte`
//!    Helm chart ([`versions::CHART_VERSION`]) per zone, in the chart's multi-zone layout:
//!    every release gets the same `masterAddresses` (3 masters in all, spread round robin
//!    over the zones), `isMultiAz`, its zone's `nodeSelector`, and the placement flags
//!    (`placement_cloud/region/zone`) that make YugabyteDB put one replica of each tablet in
//!    each zone (replication factor 3). Tablet servers from the capacity model (or
//!    `yugabyte.tservers`), split evenly over the zones; persistent gp3 volumes sized by the
//!    model; CPU and memory from config; TLS node-to-node and client-to-server with
//!    certificates from a cert-manager ClusterIssuer shared by all zones; YSQL
//!    authentication on. The chart adds a PodDisruptionBudget per release.
//! 2. In `yugabyte.namespace`: two Secrets filled from Pulumi secrets (the superuser's and
//!    the application role's password), a ConfigMap with the migration script and the
//!    schema migrations, and a Job that creates the role and database and applies the
//!    migrations. Every step is idempotent, so a re-run changes nothing; the Job's name
//!    carries a digest of the migrations, so changed migrations run in a new Job.
//!
//! # Why the Helm chart and not the YBCluster operator
//! The community `YBCluster` operator (`yugabyte.com/v1alpha1`) is unmaintained and has no
//! zone placement, which the platform needs to survive the loss of a zone. The chart is
//! maintained by Yugabyte, versioned with the database, and its documented multi-zone
//! layout (a release per zone sharing the master addresses) is what this component
//! registers. The price: no operator reconciles the cluster; upgrades are chart upgrades,
//! one zone at a time, which `pulumi up` performs release by release.
//!
//! # Outputs
//! [`YugabyteStack`]: the YSQL endpoint (one host per zone, and a multi-host JDBC URL), the
//! database name, the application credentials Secret.
//!
//! Each zone's chart is rendered on the client and its objects (StatefulSets, Services,
//! PodDisruptionBudgets) are resources of their own (see [`platform_core::helm`]), so a
//! preview shows what changes per zone and the render-to-directory mode writes them out.
//! `yugabyte.install: preinstalled` leaves the database to others (the application
//! database, roles and migrations are still applied).

pub mod config;
pub mod migration;
pub mod placement;
pub mod versions;

pub use cert_manager::Issuer;
use platform_core::capacity::Sizing;
use platform_core::helm::OperatorInstall;
use platform_core::helm::{ChartInputs, ChartSource, install_chart};
use platform_core::kubernetes::Manifest;
use platform_core::kubernetes::namespace;
use platform_core::{ComponentScope, Problems};
use pulumi_runtime::{AsResource, Context, Output, ProviderResource, ResourceOptions};
use serde::Serialize;

pub use config::{PodResources, TlsConfig, YugabyteConfig};

/// The config section YugabyteStack reads.
pub const CONFIG_KEY: &str = "heartbeat-platform:yugabyte";

/// YugabyteStack's typed inputs.
#[derive(Clone)]
pub struct YugabyteStackArgs<'a> {
    /// The kubernetes provider of the target cluster.
    pub provider: &'a ProviderResource,
    /// The capacity model's sizes.
    pub sizing: &'a Sizing,
    /// The availability zones, in order.
    pub zones: &'a [String],
    /// Section `heartbeat-platform:yugabyte`.
    pub config: &'a YugabyteConfig,
    /// The ClusterIssuer that signs the nodes' certificates (required when `tls.enabled`).
    pub tls_issuer: Option<&'a Issuer>,
    /// The superuser (`yugabyte`) password, a Pulumi secret.
    pub admin_password: Output<String>,
    /// The application role's password, a Pulumi secret.
    pub app_password: Output<String>,
    /// Service accounts that may read the application credentials Secret (Kafka Connect's,
    /// whose connectors reference the password as [`YugabyteStack::password_reference`]).
    pub credential_readers: Vec<SecretReader>,
    /// Idempotent SQL migrations, applied in order to the application database (such as
    /// `ksql_pipeline::ysql_migration_script`).
    pub migrations: Vec<String>,
}

/// A service account, in another namespace, allowed to read the application credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretReader {
    /// Its namespace.
    pub namespace: String,
    /// Its name.
    pub service_account: String,
}

/// What YugabyteStack hands to the components that follow.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct YugabyteStack {
    /// The namespace of the credentials and the migration Job.
    pub namespace: String,
    /// One YSQL `host:port` per zone.
    pub ysql_endpoints: Vec<String>,
    /// The first zone's YSQL `host:port`.
    pub ysql_endpoint: String,
    /// `jdbc:postgresql://<every zone>/<database>` (with `?sslmode=require` under TLS), for
    /// clients that fail over between hosts; available once the migration Job has run.
    pub jdbc_url: Output<String>,
    /// The application database.
    pub database: String,
    /// The application role.
    pub app_user: String,
    /// The Secret with the application role's `username` and `password`.
    pub credentials_secret: String,
    /// The password as a Kafka Connect config-provider reference,
    /// `${secrets:<namespace>/<secret>:password}`.
    pub password_reference: String,
}

impl YugabyteStack {
    /// Provisions the database layer; fails, registering nothing, when the config does not
    /// fit the sizing and zones.
    pub fn new(
        ctx: &Context,
        name: &str,
        args: YugabyteStackArgs<'_>,
        options: ResourceOptions,
    ) -> anyhow::Result<Self> {
        let YugabyteStackArgs {
            provider,
            sizing,
            zones,
            config,
            tls_issuer,
            admin_password,
            app_password,
            credential_readers,
            migrations,
        } = args;
        let mut problems = Problems::new(CONFIG_KEY);
        config.validate(sizing, zones.len(), &mut problems);
        if zones.is_empty() {
            problems.add("", "(no zones)", "the cluster needs at least one zone");
        }
        problems.check(
            !config.tls.enabled || tls_issuer.is_some(),
            "tls.enabled",
            true,
            "TLS needs a cert-manager ClusterIssuer: hand the component CertManager's issuer (the stack program does), or set tls.enabled to false",
        );
        let issuer = tls_issuer.filter(|_| config.tls.enabled);
        problems.into_result()?;

        let scope = ComponentScope::new(ctx, "yugabyte", "YugabyteStack", name, options);
        let shares = placement::shares(config, zones, config.tservers(sizing));
        let master_addresses = shares
            .iter()
            .flat_map(placement::ZoneShare::master_addresses)
            .collect::<Vec<_>>()
            .join(",");

        let mut charts = Vec::new();
        for share in &shares {
            let ns = scope.kubernetes(provider, &Manifest::new(namespace(&share.namespace)));
            if config.install == OperatorInstall::Helm {
                let source = ChartSource::pinned(
                    versions::CHART_REPO,
                    versions::CHART,
                    versions::CHART_VERSION,
                    config.chart_path.as_deref(),
                );
                let values = placement::zone_values(
                    config,
                    share,
                    &master_addresses,
                    sizing.database_disk_gib,
                    issuer.map(|i| i.name.as_str()),
                );
                let chart = ChartInputs::new(
                    &format!("yb-{}", share.zone),
                    &share.namespace,
                    &source,
                    values,
                );
                charts.push(install_chart(
                    &scope,
                    provider,
                    &chart,
                    issuer
                        .map_or(ResourceOptions::new(), |i| i.after(ResourceOptions::new()))
                        .depends_on(&ns),
                ));
            }
        }

        let app_ns = scope.kubernetes(provider, &Manifest::new(namespace(&config.namespace)));
        let after_ns = || ResourceOptions::new().depends_on(&app_ns);
        let admin_secret = format!("{name}-admin");
        let app_secret = format!("{name}-app");
        scope.kubernetes_with(
            provider,
            &migration::credentials(&admin_secret, &config.namespace, "yugabyte", admin_password),
            after_ns(),
        );
        scope.kubernetes_with(
            provider,
            &migration::credentials(
                &app_secret,
                &config.namespace,
                &config.app_user,
                app_password,
            ),
            after_ns(),
        );
        if !credential_readers.is_empty() {
            let (role, binding) =
                migration::secret_readers(&app_secret, &config.namespace, &credential_readers);
            scope.kubernetes_with(provider, &Manifest::new(role), after_ns());
            scope.kubernetes_with(provider, &Manifest::new(binding), after_ns());
        }
        let job_name = format!("{name}-migrate-{}", migration::digest(&migrations));
        let config_map = scope.kubernetes_with(
            provider,
            &Manifest::new(migration::migrations_config_map(
                &job_name,
                &config.namespace,
                &migrations,
            )),
            after_ns(),
        );
        let ysql_endpoints: Vec<String> = shares
            .iter()
            .map(|s| format!("{}:{}", s.ysql_host(), placement::YSQL_PORT))
            .collect();
        let job_options = charts
            .iter()
            .fold(after_ns().depends_on(&config_map), |o, chart| {
                chart.after(o)
            });
        let job = scope.kubernetes_with(
            provider,
            &Manifest::new(migration::job(
                config,
                &migration::JobInputs {
                    name: &job_name,
                    ysql_host: &shares[0].ysql_host(),
                    admin_secret: &admin_secret,
                    app_secret: &app_secret,
                },
            )),
            job_options,
        );
        let tls = if config.tls.enabled {
            "?sslmode=require"
        } else {
            ""
        };
        let jdbc_url = format!(
            "jdbc:postgresql://{}/{}{tls}",
            ysql_endpoints.join(","),
            config.database
        );

        Ok(scope.finish(YugabyteStack {
            namespace: config.namespace.clone(),
            ysql_endpoint: ysql_endpoints[0].clone(),
            ysql_endpoints,
            jdbc_url: job.urn().map(move |_| jdbc_url),
            database: config.database.clone(),
            app_user: config.app_user.clone(),
            password_reference: format!("${{secrets:{}/{app_secret}:password}}", config.namespace),
            credentials_secret: app_secret,
        }))
    }
}
