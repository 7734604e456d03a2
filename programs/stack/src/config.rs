//! The stack configuration: one typed tree for the whole platform, read strictly from the
//! stack's Pulumi config and validated before anything is registered. Validation reports every
//! problem at once, each naming the key, the value and the fix.

use cert_manager::CertManagerConfig;
use eks_cluster::EksConfig;
use ingest_service::IngestConfig;
use kafka_stack::KafkaConfig;
use ksql_pipeline::PipelineSettings;
use network::NetworkConfig;
use platform_core::capacity::{LoadFigures, Sizing};
use platform_core::stack_config::{NAMESPACE, check_known_keys, required_section, section};
use platform_core::{ConfigError, Problems};
use pulumi_runtime::{Config, Output};
use yugabyte_stack::YugabyteConfig;

/// Every key of the `heartbeat-platform` namespace.
pub const KNOWN_KEYS: &[&str] = &[
    "load",
    "network",
    "eks",
    "certManager",
    "kafka",
    "yugabyte",
    "pipeline",
    "ingest",
    "databasePassword",
    "databaseAdminPassword",
    "kubernetesRenderDirectory",
    "ingestApiKeys",
    "cloudflareApiToken",
];

/// The whole platform's configuration, validated, with the capacity model applied.
#[derive(Debug, Clone)]
pub struct PlatformConfig {
    /// `aws:region`.
    pub region: String,
    /// `heartbeat-platform:load`: the load figures the capacity model sizes from.
    pub load: LoadFigures,
    /// The sizes the capacity model derived (config overrides are applied per component).
    pub sizing: Sizing,
    /// `heartbeat-platform:network`.
    pub network: NetworkConfig,
    /// `heartbeat-platform:eks`.
    pub eks: EksConfig,
    /// `heartbeat-platform:certManager`.
    pub cert_manager: CertManagerConfig,
    /// `heartbeat-platform:kafka`.
    pub kafka: KafkaConfig,
    /// `heartbeat-platform:yugabyte`.
    pub yugabyte: YugabyteConfig,
    /// `heartbeat-platform:pipeline`.
    pub pipeline: PipelineSettings,
    /// `heartbeat-platform:ingest`.
    pub ingest: IngestConfig,
    /// `heartbeat-platform:databasePassword` (secret): the application database password.
    pub database_password: Output<String>,
    /// `heartbeat-platform:databaseAdminPassword` (secret): the database superuser password.
    pub database_admin_password: Output<String>,
    /// `heartbeat-platform:kubernetesRenderDirectory`: when set, Kubernetes objects are written
    /// there as YAML instead of applied to a cluster (the offline synth).
    pub render_directory: Option<String>,
}

impl PlatformConfig {
    /// Reads and validates the configuration; the error lists every problem.
    pub fn load(config: &Config) -> Result<Self, ConfigError> {
        let mut problems = Problems::new("");
        check_known_keys(config, NAMESPACE, KNOWN_KEYS, &mut problems);
        let region = config.get("aws:region").map(|v| v.text.clone());
        if region.is_none() {
            problems.add(
                "aws:region",
                "(unset)",
                "set the AWS region: pulumi config set aws:region eu-west-1",
            );
        }
        let load: Option<LoadFigures> = required_section(
            config,
            NAMESPACE,
            "load",
            "set the load figures (peakHeartbeatsPerSecond, dailyHeartbeats); see README",
            &mut problems,
        );
        let network: Option<NetworkConfig> = required_section(
            config,
            NAMESPACE,
            "network",
            "set at least the VPC cidr and the zones; see README",
            &mut problems,
        );
        let eks: Option<EksConfig> = section(config, NAMESPACE, "eks", &mut problems);
        let cert_manager: Option<CertManagerConfig> =
            section(config, NAMESPACE, "certManager", &mut problems);
        let kafka: Option<KafkaConfig> = section(config, NAMESPACE, "kafka", &mut problems);
        let yugabyte: Option<YugabyteConfig> =
            section(config, NAMESPACE, "yugabyte", &mut problems);
        let pipeline: Option<PipelineSettings> =
            section(config, NAMESPACE, "pipeline", &mut problems);
        let ingest: Option<IngestConfig> = section(config, NAMESPACE, "ingest", &mut problems);
        let database_password = required_secret(
            config,
            "databasePassword",
            "the application database password",
            &mut problems,
        );
        let database_admin_password = required_secret(
            config,
            "databaseAdminPassword",
            "the database superuser password (used only by the migration Job)",
            &mut problems,
        );
        let render_directory = config
            .get("kubernetesRenderDirectory")
            .map(|v| v.text.clone())
            .filter(|directory| !directory.is_empty());

        // Each section's rules run whenever that section and what its rules need have read,
        // so one bad section never hides the problems of another.
        let zones = network
            .as_ref()
            .map(|network| network.zones.len())
            .or_else(|| listed_zones(config));
        let replication_factor = kafka
            .as_ref()
            .map_or(KafkaConfig::default().replication_factor, |kafka| {
                kafka.replication_factor
            });
        let sizing = load
            .as_ref()
            .zip(zones)
            .map(|(load, zones)| load.size(zones.max(1) as u32, replication_factor));
        let mut section_problems = |name: &str, check: &dyn Fn(&mut Problems)| {
            let mut found = Problems::new(format!("{NAMESPACE}:{name}"));
            check(&mut found);
            problems.extend(found);
        };
        if let Some(load) = &load {
            section_problems("load", &|p| load.validate(p));
        }
        if let (Some(network), Some(region)) = (&network, &region) {
            section_problems("network", &|p| network.validate(region, p));
        }
        if let Some(eks) = &eks {
            let vpc_cidr = network.as_ref().map(|network| network.cidr);
            section_problems("eks", &|p| eks.validate(vpc_cidr, p));
        }
        if let Some(cert_manager) = &cert_manager {
            section_problems("certManager", &|p| cert_manager.validate(p));
        }
        if let (Some(sizing), Some(zones)) = (&sizing, zones) {
            if let Some(kafka) = &kafka {
                section_problems("kafka", &|p| kafka.validate(sizing, zones, p));
            }
            if let Some(yugabyte) = &yugabyte {
                section_problems("yugabyte", &|p| yugabyte.validate(sizing, zones, p));
            }
            if let Some(ingest) = &ingest {
                section_problems("ingest", &|p| ingest.validate(sizing, zones, p));
            }
        }
        if let Some(pipeline) = &pipeline {
            section_problems("pipeline", &|p| pipeline.check(p));
        }
        let (
            Some(region),
            Some(load),
            Some(sizing),
            Some(network),
            Some(eks),
            Some(cert_manager),
            Some(kafka),
            Some(yugabyte),
            Some(pipeline),
            Some(ingest),
            Some(database_password),
            Some(database_admin_password),
            true,
        ) = (
            region,
            load,
            sizing,
            network,
            eks,
            cert_manager,
            kafka,
            yugabyte,
            pipeline,
            ingest,
            database_password,
            database_admin_password,
            problems.list().is_empty(),
        )
        else {
            return Err(problems
                .into_result()
                .expect_err("every section that is missing recorded a problem"));
        };
        Ok(Self {
            region,
            load,
            sizing,
            network,
            eks,
            cert_manager,
            kafka,
            yugabyte,
            pipeline,
            ingest,
            database_password,
            database_admin_password,
            render_directory,
        })
    }
}

/// The number of zones in `network.zones` when the section as a whole does not read (a bad
/// `cidr`, say), so that the rules of the sections sized per zone still run.
fn listed_zones(config: &Config) -> Option<usize> {
    let text = &config.get(&format!("{NAMESPACE}:network"))?.text;
    let section: serde_json::Value = serde_json::from_str(text).ok()?;
    let zones = section.get("zones")?.as_array()?;
    zones
        .iter()
        .all(serde_json::Value::is_string)
        .then_some(zones.len())
}

/// Reads secret `key`, which must be set and set as a secret; records a problem otherwise.
fn required_secret(
    config: &Config,
    key: &str,
    what: &str,
    problems: &mut Problems,
) -> Option<Output<String>> {
    let full = format!("{NAMESPACE}:{key}");
    let fix = format!("set {what} as a secret: pulumi config set --secret {key} <value>");
    match config.get(key) {
        None => {
            problems.add(&full, "(unset)", fix);
            None
        }
        Some(value) if !value.secret => {
            problems.add(&full, "(plain text)", fix);
            None
        }
        Some(value) => Some(Output::secret(value.text.clone())),
    }
}
