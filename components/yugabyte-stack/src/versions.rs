//! Every version YugabyteStack deploys, pinned in this one place.

/// The vendor's Helm chart repository.
pub const CHART_REPO: &str = "https://charts.yugabyte.com";
/// The chart.
pub const CHART: &str = "yugabyte";
/// The chart version.
pub const CHART_VERSION: &str = "2025.2.2";
/// The database image the chart runs, also used by the migration Job (for `ysqlsh`).
pub const IMAGE_REPOSITORY: &str = "yugabytedb/yugabyte";
/// Its tag (the chart's appVersion).
pub const IMAGE_TAG: &str = "2025.2.2.2-b11";
