//! Helm charts (`kubernetes:helm.sh/v4:Chart`) with typed inputs: how the operators and the
//! database are installed.
//!
//! The kubernetes provider fetches the chart at preview time, from the vendor's repository or
//! from a local chart directory or archive (air-gapped users), renders its templates on the
//! client (`helm template`) and manages every object it yields as a Pulumi resource of its own:
//! a pull request's `pulumi preview` shows each Deployment, CRD and RBAC rule the chart would
//! change, and the provider's render-to-directory mode writes them out like any other object.
//! What this gives up against a Helm *release*: Helm hooks are not run (the charts we install
//! work without them) and `helm list` does not show the install.

use pulumi_runtime::{AsResource, ComponentResource, ProviderResource, ResourceOptions};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::ComponentScope;

/// How an operator (or the database) gets onto the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum OperatorInstall {
    /// This stack installs it from its Helm chart (`helmRelease` is accepted as an old name).
    #[default]
    #[serde(alias = "helmRelease")]
    Helm,
    /// It is already on the cluster, installed by a platform team: this stack leaves it alone.
    Preinstalled,
}

/// The Pulumi type token of a Helm chart component.
pub const CHART_TYPE: &str = "kubernetes:helm.sh/v4:Chart";

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

/// The inputs of `kubernetes:helm.sh/v4:Chart` (wire names of the kubernetes provider).
/// `values` is JSON, or a struct of the values when some are outputs of other resources.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ChartInputs<V = Value> {
    /// The release name the templates see (`.Release.Name`).
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
    pub values: V,
}

/// `repositoryOpts` of a Chart.
#[derive(Debug, Clone, Serialize)]
pub struct RepositoryOpts {
    /// The repository URL.
    pub repo: String,
}

impl<V> ChartInputs<V> {
    /// The chart of `source` installed as `name` into `namespace` with `values`.
    pub fn new(name: &str, namespace: &str, source: &ChartSource, values: V) -> Self {
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
        }
    }
}

/// A chart the provider installed: the component and, through its `resources` output, every
/// object the chart rendered.
#[derive(Debug, Clone)]
pub struct InstalledChart {
    component: ComponentResource,
}

impl InstalledChart {
    /// `options` plus a dependency on the chart and on each of its objects, so that what
    /// needs the chart (custom resources of an operator's CRDs) is created after it and
    /// deleted before it: a dependency on the component alone would not order the deletion of
    /// its objects.
    pub fn after(&self, options: ResourceOptions) -> ResourceOptions {
        options
            .depends_on(&self.component)
            .depends_on_all(self.component.resource().output("resources"))
    }
}

/// Installs `chart` under `scope` through `provider` (the chart's objects use it too); its
/// logical name is `<component>-chart-<release name>`.
pub fn install_chart<V: Serialize>(
    scope: &ComponentScope,
    provider: &ProviderResource,
    chart: &ChartInputs<V>,
    options: ResourceOptions,
) -> InstalledChart {
    InstalledChart {
        component: scope.ctx().register_remote_component(
            CHART_TYPE,
            &scope.child_name(&format!("chart-{}", chart.name)),
            chart,
            options.parent(scope.component()).provider(provider),
        ),
    }
}
