//! The pinned cert-manager release: the one place its version lives.

/// The vendor's chart repository.
pub const CHART_REPO: &str = "https://charts.jetstack.io";
/// The chart's name there.
pub const CHART: &str = "cert-manager";
/// The chart version, which is also the version of every cert-manager image it runs.
pub const VERSION: &str = "v1.21.2";
