//! DNS in a Route 53 public hosted zone, through the stack's AWS provider: `Record`s.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

use crate::config::Route53Config;

/// `aws:route53/record:Record` inputs (a plain record: `records` and `ttl`, no alias).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Record {
    /// The hosted zone.
    pub zone_id: String,
    /// The record's full name.
    pub name: Output<String>,
    /// The record type (`CNAME`).
    #[serde(rename = "type")]
    pub record_type: String,
    /// Seconds.
    pub ttl: u32,
    /// The values (one target for a CNAME).
    pub records: Vec<Output<String>>,
    /// Take over a record of the same name that exists already (off: creating fails instead).
    pub allow_overwrite: bool,
}

impl AwsInputs for Record {
    const TYPE_TOKEN: &'static str = "aws:route53/record:Record";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// The TTL of the records made here: a minute, so a moved load balancer is followed quickly.
pub const RECORD_TTL: u32 = 60;

/// The hosted zone of `ingest.route53`.
pub struct HostedZone {
    config: Route53Config,
}

impl HostedZone {
    /// The zone of `config`.
    pub fn new(config: &Route53Config) -> Self {
        Self {
            config: config.clone(),
        }
    }

    /// Registers CNAME `name` → `target` as `part`. `allow_overwrite` is for records whose
    /// name and value only this stack can hold (ACM's validation record, the same for every
    /// certificate of the name in the account, which a replaced certificate makes again).
    pub fn cname(
        &self,
        scope: &ComponentScope,
        part: &str,
        name: Output<String>,
        target: Output<String>,
        allow_overwrite: bool,
    ) -> CustomResource {
        scope.aws(
            part,
            Record {
                zone_id: self.config.hosted_zone_id.clone(),
                name,
                record_type: "CNAME".into(),
                ttl: RECORD_TTL,
                records: vec![target],
                allow_overwrite,
            },
        )
    }
}
