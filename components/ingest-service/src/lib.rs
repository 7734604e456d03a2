//! The IngestService component (`heartbeat:ingest:IngestService`): the ingest API's
//! Deployment, autoscaling, and the public load balancer in front of it.
//!
//! Status: configuration and validation are in place; the Kubernetes and AWS objects land with
//! the ingest issue.

use platform_core::capacity::Sizing;
use platform_core::{ComponentScope, Problems};
use pulumi_runtime::{Context, ResourceOptions};
use serde::{Deserialize, Serialize};

/// Config section `heartbeat-platform:ingest`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IngestConfig {
    /// The namespace of the ingest API.
    pub namespace: String,
    /// The container image, with its tag.
    pub image: String,
    /// Replicas; unset means the capacity model's figure.
    pub replicas: Option<u32>,
    /// The public host name devices post to, such as `ingest.example.com`.
    pub hostname: String,
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            namespace: "ingest".into(),
            image: "ghcr.io/heartbeat-platform/ingest-api:0.1.0".into(),
            replicas: None,
            hostname: "ingest.example.com".into(),
        }
    }
}

impl IngestConfig {
    /// The replica count: the override, else the capacity model's.
    pub fn replicas(&self, sizing: &Sizing) -> u32 {
        self.replicas.unwrap_or(sizing.ingest_replicas)
    }

    /// Checks the section against the sizing and the zone count.
    pub fn validate(&self, sizing: &Sizing, zones: usize, problems: &mut Problems) {
        let replicas = self.replicas(sizing);
        problems.check(
            replicas as usize >= zones,
            "replicas",
            replicas,
            format!("{replicas} replicas cannot cover {zones} zones; use at least {zones}"),
        );
        problems.check(
            self.image.contains(':') && !self.image.ends_with(":latest"),
            "image",
            &self.image,
            "pin an image tag (not :latest), such as registry/ingest-api:0.1.0",
        );
        problems.check(
            self.hostname.contains('.') && !self.hostname.contains('/'),
            "hostname",
            &self.hostname,
            "use a DNS host name such as ingest.example.com",
        );
    }
}

/// What IngestService hands over.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestService {
    /// The public URL devices post heartbeats to.
    pub url: String,
}

impl IngestService {
    /// Provisions the ingest service.
    pub fn new(ctx: &Context, name: &str, config: &IngestConfig, options: ResourceOptions) -> Self {
        let scope = ComponentScope::new(ctx, "ingest", "IngestService", name, options);
        scope.finish(IngestService {
            url: format!("https://{}/v1/heartbeats", config.hostname),
        })
    }
}
