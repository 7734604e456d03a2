//! The YugabyteStack component (`heartbeat:yugabyte:YugabyteStack`): a multi-zone YugabyteDB
//! cluster and the application database the pipeline writes to.
//!
//! Status: configuration and validation are in place; the Kubernetes objects land with the
//! KafkaStack/YugabyteStack issue.

use platform_core::capacity::Sizing;
use platform_core::{ComponentScope, Problems};
use pulumi_runtime::{Context, ResourceOptions};
use serde::{Deserialize, Serialize};

/// Config section `heartbeat-platform:yugabyte`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct YugabyteConfig {
    /// The namespace of the database.
    pub namespace: String,
    /// Tablet servers; unset means the capacity model's figure.
    pub tservers: Option<u32>,
}

impl Default for YugabyteConfig {
    fn default() -> Self {
        Self {
            namespace: "yugabyte".into(),
            tservers: None,
        }
    }
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
    }
}

/// What YugabyteStack hands to the components that follow.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct YugabyteStack {
    /// The namespace of the database.
    pub namespace: String,
}

impl YugabyteStack {
    /// Provisions the database layer.
    pub fn new(
        ctx: &Context,
        name: &str,
        config: &YugabyteConfig,
        options: ResourceOptions,
    ) -> Self {
        let scope = ComponentScope::new(ctx, "yugabyte", "YugabyteStack", name, options);
        scope.finish(YugabyteStack {
            namespace: config.namespace.clone(),
        })
    }
}
