//! Helm releases (`kubernetes:helm.sh/v3:Release`) with typed inputs: how the operators and
//! charts are installed.
//!
//! The kubernetes provider fetches the chart at deploy time, from the vendor's repository or
//! from a local chart directory (air-gapped users). A Release does **not** work with the
//! provider's `renderYamlToDirectory` mode: the provider loads the chart during `check`
//! (network access to the repository) and refuses to create a Release without a reachable
//! cluster (pulumi/pulumi-kubernetes#1716 is the open request to render Releases).

use pulumi_runtime::{CustomResource, ProviderResource, ResourceOptions};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ComponentScope;

/// How an operator gets onto the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OperatorInstall {
    /// This stack installs it as a Helm release (real deploys).
    #[default]
    HelmRelease,
    /// It is already on the cluster (installed by a platform team), or there is no cluster:
    /// the kubernetes provider's render-to-directory mode cannot run a Helm release.
    Preinstalled,
}

/// The Pulumi type token of a Helm release.
pub const RELEASE_TYPE: &str = "kubernetes:helm.sh/v3:Release";

/// Where a chart comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChartSource {
    /// A chart in a Helm repository, at a pinned version.
    Repository {
        /// The repository URL.
        repo: String,
        /// The chart's name in it.
        chart: String,
        /// The chart version.
        version: String,
    },
    /// An unpacked chart directory (or `.tgz`) on the machine that runs Pulumi.
    LocalPath(String),
}

impl ChartSource {
    /// The vendor's chart, unless `local_path` is set.
    pub fn pinned(repo: &str, chart: &str, version: &str, local_path: Option<&str>) -> Self {
        match local_path {
            Some(path) => Self::LocalPath(path.to_owned()),
            None => Self::Repository {
                repo: repo.into(),
                chart: chart.into(),
                version: version.into(),
            },
        }
    }
}

/// The inputs of `kubernetes:helm.sh/v3:Release` (wire names of the kubernetes provider).
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ReleaseInputs {
    /// The release name.
    pub name: String,
    /// The namespace it installs into (created beforehand, as a typed Namespace).
    pub namespace: String,
    /// The chart name, or a local path.
    pub chart: String,
    /// The chart version (unset for a local path).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// The repository.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub repository_opts: Option<RepositoryOpts>,
    /// Chart values.
    pub values: Value,
    /// Roll back a failed install or upgrade.
    pub atomic: bool,
    /// Seconds to wait for the release's resources.
    pub timeout: u32,
}

/// `repositoryOpts` of a Release.
#[derive(Debug, Clone, Serialize)]
pub struct RepositoryOpts {
    /// The repository URL.
    pub repo: String,
}

impl ReleaseInputs {
    /// A release `name` of `source` into `namespace` with `values`.
    pub fn new(name: &str, namespace: &str, source: &ChartSource, values: Value) -> Self {
        let (chart, version, repository_opts) = match source {
            ChartSource::Repository {
                repo,
                chart,
                version,
            } => (
                chart.clone(),
                Some(version.clone()),
                Some(RepositoryOpts { repo: repo.clone() }),
            ),
            ChartSource::LocalPath(path) => (path.clone(), None, None),
        };
        Self {
            name: name.to_owned(),
            namespace: namespace.to_owned(),
            chart,
            version,
            repository_opts,
            values,
            atomic: true,
            timeout: 900,
        }
    }
}

/// Registers `release` under `scope` through `provider`; its logical name is
/// `<component>-release-<release name>`.
pub fn register_release(
    scope: &ComponentScope,
    provider: &ProviderResource,
    release: &ReleaseInputs,
    options: ResourceOptions,
) -> CustomResource {
    scope.ctx().register_custom(
        RELEASE_TYPE,
        &scope.child_name(&format!("release-{}", release.name)),
        release,
        options.parent(scope.component()).provider(provider),
    )
}
