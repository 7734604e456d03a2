//! The composition of the components.

use cert_manager::CertManager;
use eks_cluster::{EksCluster, EksClusterArgs};
use ingest_service::certificate::ValidationRecord;
use ingest_service::{
    ControllerSite, IngestSecrets, IngestService, IngestServiceArgs, KafkaAccess,
};
use kafka_stack::{KafkaStack, KafkaStackArgs, OperatorInstall};
use ksql_pipeline::{KsqlPipeline, KsqlPipelineArgs, SinkDatabase};
use network::{Network, NetworkArgs};
use platform_core::capacity::Sizing;
use pulumi_runtime::{Context, Output, PackageRequirement, ResourceOptions, Severity};
use serde::Serialize;
use yugabyte_stack::{SecretReader, YugabyteStack, YugabyteStackArgs};

use crate::config::PlatformConfig;

/// The provider plugins the program needs (answered to `get-packages`).
pub const PACKAGES: &[PackageRequirement] = &[
    PackageRequirement {
        name: "aws",
        version: platform_core::scope::AWS_PROVIDER_VERSION,
    },
    PackageRequirement {
        name: "kubernetes",
        version: platform_core::kubernetes::KUBERNETES_PROVIDER_VERSION,
    },
    // Only used with `ingest.cloudflare`, but declared always, as an SDK dependency would be,
    // so `pulumi plugin install` and the CLI's plugin check see it before the config decides.
    PackageRequirement {
        name: "cloudflare",
        version: ingest_service::cloudflare::CLOUDFLARE_PROVIDER_VERSION,
    },
];

/// The stack's outputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct StackOutputs {
    /// The availability zones the platform spans.
    pub zones: Vec<String>,
    /// The sizes the capacity model derived from the load figures.
    pub sizing: Sizing,
    /// The public URL devices post heartbeats to.
    pub ingest_url: Output<String>,
    /// The ingest load balancer's DNS name (unknown until the ALB exists).
    pub ingest_load_balancer: Output<Option<String>>,
    /// The CNAME ACM checks before it issues the ingest certificate: `{name, type, value}`.
    pub ingest_certificate_validation_record: Output<ValidationRecord>,
    /// Where the host name's DNS records are: in the configured zone, or what a person must
    /// create (without a zone the certificate stays pending until they do).
    pub ingest_dns: String,
    /// The EKS cluster's name (`aws eks update-kubeconfig --name`).
    pub cluster_name: Output<String>,
    /// The cluster API endpoint (private unless `eks.publicEndpoint`).
    pub cluster_endpoint: Output<String>,
    /// The security group to launch the stack's deploy runner in: its members reach the API.
    pub api_clients_security_group_id: Output<String>,
    /// The private subnets, in zone order (where the deploy runner goes).
    pub private_subnet_ids: Vec<Output<String>>,
}

/// The program: validate the configuration, then register the platform.
pub async fn program(ctx: Context) -> anyhow::Result<StackOutputs> {
    let config = PlatformConfig::load(ctx.config())?;
    let ingest_secrets = IngestSecrets::from_config(ctx.config(), &config.ingest)?;
    let cluster_name = format!("{}-{}", ctx.project(), ctx.stack());
    let network = Network::new(
        &ctx,
        "network",
        &NetworkArgs {
            config: &config.network,
            region: &config.region,
            cluster_name: &cluster_name,
            api_access_ranges: &config.eks.api_access_cidrs,
        },
        ResourceOptions::new(),
    )?;
    let cluster = EksCluster::new(
        &ctx,
        "eks",
        &EksClusterArgs {
            config: &config.eks,
            network: &network,
            render_directory: config.render_directory.as_deref(),
        },
        ResourceOptions::new(),
    )?;
    let cert_manager = CertManager::new(
        &ctx,
        "tls",
        &cluster.provider,
        &config.cert_manager,
        ResourceOptions::new(),
    )?;
    let zones = &config.network.zones;
    // The AWS Load Balancer Controller's chart asks the cluster for its webhook Secret while
    // it renders (Helm `lookup`), which the render-to-directory provider cannot answer: an
    // offline render treats the controller as preinstalled (docs/ingest-service.md).
    let mut ingest_config = config.ingest.clone();
    if config.render_directory.is_some() {
        ingest_config.load_balancer_controller = OperatorInstall::Preinstalled;
    }
    let kafka = KafkaStack::new(
        &ctx,
        "kafka",
        KafkaStackArgs {
            provider: &cluster.provider,
            sizing: &config.sizing,
            zones,
            config: &config.kafka,
            oidc: Some(&cluster.oidc),
        },
        ResourceOptions::new(),
    )?;
    let tablets = config.yugabyte.tservers(&config.sizing);
    let database = YugabyteStack::new(
        &ctx,
        "yugabyte",
        YugabyteStackArgs {
            provider: &cluster.provider,
            sizing: &config.sizing,
            zones,
            config: &config.yugabyte,
            tls_issuer: Some(&cert_manager.issuer),
            admin_password: config.database_admin_password.clone(),
            app_password: config.database_password.clone(),
            credential_readers: vec![SecretReader {
                namespace: kafka.namespace.clone(),
                service_account: kafka.connect_service_account.clone(),
            }],
            migrations: vec![ksql_pipeline::ysql_migration_script(tablets)?],
        },
        ResourceOptions::new(),
    )?;
    KsqlPipeline::new(
        &ctx,
        "pipeline",
        KsqlPipelineArgs {
            provider: &cluster.provider,
            kafka: &kafka,
            database: SinkDatabase::from_stack(&database),
            settings: &config.pipeline,
            replication_factor: config.kafka.replication_factor,
        },
        ResourceOptions::new(),
    )?;
    let ingest = IngestService::new(
        &ctx,
        "ingest",
        IngestServiceArgs {
            config: &ingest_config,
            sizing: &config.sizing,
            zones,
            provider: &cluster.provider,
            kafka: KafkaAccess::from_stack(&kafka),
            controller: ControllerSite {
                cluster_name: network.cluster_name.clone(),
                region: network.region.clone(),
                vpc_id: network.vpc_id.clone(),
                oidc: cluster.oidc.clone(),
            },
            secrets: ingest_secrets,
        },
        ResourceOptions::new(),
    )?;
    if ingest.dns_records_by_hand {
        ctx.log(Severity::Warning, &ingest.dns).await;
    }
    Ok(StackOutputs {
        private_subnet_ids: network.private_subnet_ids(),
        zones: network.zones,
        sizing: config.sizing,
        ingest_url: ingest.url,
        ingest_load_balancer: ingest.load_balancer_hostname,
        ingest_certificate_validation_record: ingest.certificate_validation_record,
        ingest_dns: ingest.dns,
        cluster_name: cluster.name,
        cluster_endpoint: cluster.endpoint,
        api_clients_security_group_id: cluster.api_clients_security_group_id,
    })
}
