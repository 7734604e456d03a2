//! Config section `heartbeat-platform:yugabyte`, its defaults and its checks.

use platform_core::Problems;
use platform_core::capacity::Sizing;
use platform_core::helm::OperatorInstall;
use platform_core::kubernetes::is_dns_label;
use serde::{Deserialize, Serialize};

/// Config section `heartbeat-platform:yugabyte`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct YugabyteConfig {
    /// The namespace of the credentials and the migration Job; each zone's release goes to
    /// `<namespace>-<zone>`.
    pub namespace: String,
    /// Tablet servers; unset means the capacity model's figure.
    pub tservers: Option<u32>,
    /// `helm` (this stack installs the chart per zone) or `preinstalled` (the database
    /// exists already).
    pub install: OperatorInstall,
    /// A local `yugabyte` chart instead of the vendor's repository (air-gapped deploys).
    pub chart_path: Option<String>,
    /// The StorageClass of every volume (default `gp3-retain`: volumes outlive their claims,
    /// see [`eks_cluster::storage_class::RETAINED_NAME`]).
    pub storage_class: String,
    /// Disk per master, GiB.
    pub master_disk_gib: u64,
    /// CPU and memory per master.
    pub master_resources: PodResources,
    /// CPU and memory per tablet server.
    pub tserver_resources: PodResources,
    /// TLS between nodes and from clients, with certificates from a cert-manager
    /// ClusterIssuer (one CA for every zone).
    pub tls: TlsConfig,
    /// The application database.
    pub database: String,
    /// The role the pipeline's JDBC sinks log in as.
    pub app_user: String,
}

/// CPU and memory of one pod (the chart sets requests and limits alike).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PodResources {
    /// CPU, a Kubernetes quantity.
    pub cpu: String,
    /// Memory in whole `Gi` (the chart derives the memory flags from it).
    pub memory: String,
}

/// TLS settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct TlsConfig {
    /// Encrypt node-to-node and client-to-server traffic, with certificates from the
    /// cert-manager ClusterIssuer handed to the component (`certManager.clusterIssuer`).
    pub enabled: bool,
}

impl Default for TlsConfig {
    fn default() -> Self {
        Self { enabled: true }
    }
}

impl Default for YugabyteConfig {
    fn default() -> Self {
        Self {
            namespace: "yugabyte".into(),
            tservers: None,
            install: OperatorInstall::Helm,
            chart_path: None,
            storage_class: eks_cluster::storage_class::RETAINED_NAME.into(),
            master_disk_gib: 20,
            master_resources: PodResources {
                cpu: "1".into(),
                memory: "2Gi".into(),
            },
            tserver_resources: PodResources {
                cpu: "4".into(),
                memory: "16Gi".into(),
            },
            tls: TlsConfig::default(),
            database: "heartbeat".into(),
            app_user: "heartbeat_sink".into(),
        }
    }
}

fn is_identifier(value: &str) -> bool {
    (1..=63).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}

impl YugabyteConfig {
    /// The tablet server count: the override, else the capacity model's.
    pub fn tservers(&self, sizing: &Sizing) -> u32 {
        self.tservers.unwrap_or(sizing.database_tservers)
    }

    /// Checks the section against the sizing and the zone count.
    pub fn validate(&self, sizing: &Sizing, zones: usize, problems: &mut Problems) {
        let tservers = self.tservers(sizing);
        problems.check(
            tservers >= 3 && (tservers as usize).is_multiple_of(zones.max(1)),
            "tservers",
            tservers,
            format!("replication factor 3 needs at least 3 tablet servers, spread evenly: use a multiple of the {zones} zones"),
        );
        problems.check(
            is_dns_label(&self.namespace) && self.namespace.len() <= 40,
            "namespace",
            &self.namespace,
            "use a DNS label of at most 40 characters (each zone's namespace appends -<zone>)",
        );
        for (field, value) in [("database", &self.database), ("appUser", &self.app_user)] {
            problems.check(
                is_identifier(value),
                field,
                value,
                "use a lower-case SQL identifier: letters, digits and '_', starting with a letter",
            );
        }
        problems.check(
            self.app_user != "yugabyte",
            "appUser",
            &self.app_user,
            "the application must not log in as the superuser `yugabyte`; pick another role name",
        );
        for (field, resources) in [
            ("masterResources", &self.master_resources),
            ("tserverResources", &self.tserver_resources),
        ] {
            let memory_ok = resources
                .memory
                .strip_suffix("Gi")
                .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
            problems.check(
                memory_ok,
                &format!("{field}.memory"),
                &resources.memory,
                "use whole gibibytes such as 4Gi (the chart derives memory flags from it)",
            );
            problems.check(
                !resources.cpu.is_empty(),
                &format!("{field}.cpu"),
                &resources.cpu,
                "use a Kubernetes quantity such as 2 or 500m",
            );
        }
        problems.check(
            self.master_disk_gib >= 1,
            "masterDiskGib",
            self.master_disk_gib,
            "give each master at least 1 GiB",
        );
    }
}
