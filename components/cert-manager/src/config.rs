//! Config section `heartbeat-platform:certManager`, its defaults and its checks.

use platform_core::Problems;
use platform_core::helm::OperatorInstall;
use platform_core::kubernetes::is_dns_label;
use serde::{Deserialize, Serialize};

/// Config section `heartbeat-platform:certManager`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct CertManagerConfig {
    /// `helm` (this stack installs cert-manager and the platform CA) or `preinstalled`
    /// (cert-manager and a ClusterIssuer named `clusterIssuer` exist already).
    pub install: OperatorInstall,
    /// cert-manager's namespace; the CA's key pair is stored there.
    pub namespace: String,
    /// A local `cert-manager` chart instead of the vendor's repository (air-gapped deploys).
    pub chart_path: Option<String>,
    /// The ClusterIssuer that signs the platform's in-cluster certificates.
    pub cluster_issuer: String,
    /// The CA certificate's lifetime in days (renewed a third of it before expiry).
    pub ca_days: u32,
}

impl Default for CertManagerConfig {
    fn default() -> Self {
        Self {
            install: OperatorInstall::Helm,
            namespace: "cert-manager".into(),
            chart_path: None,
            cluster_issuer: "heartbeat-ca".into(),
            ca_days: 3650,
        }
    }
}

impl CertManagerConfig {
    /// Checks the section.
    pub fn validate(&self, problems: &mut Problems) {
        problems.check(
            is_dns_label(&self.namespace),
            "namespace",
            &self.namespace,
            "use a DNS label: lower-case letters, digits and '-', at most 63 characters",
        );
        problems.check(
            is_dns_label(&self.cluster_issuer),
            "clusterIssuer",
            &self.cluster_issuer,
            "use a DNS label such as heartbeat-ca",
        );
        problems.check(
            (30..=36500).contains(&self.ca_days),
            "caDays",
            self.ca_days,
            "give the CA between 30 and 36500 days",
        );
        problems.check(
            self.chart_path
                .as_deref()
                .is_none_or(|p| !p.trim().is_empty()),
            "chartPath",
            "(empty)",
            "remove the key to use the vendor's chart, or give a chart directory or .tgz",
        );
    }
}
