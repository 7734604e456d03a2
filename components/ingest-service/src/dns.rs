//! The host name's two DNS records, in the zone configured for them (`ingest.route53` or
//! `ingest.cloudflare`): the CNAME ACM checks before it issues the certificate, and the public
//! CNAME to the load balancer. Without a zone a person makes both, and [`DnsRecords`] says
//! what to make.

use pulumi_runtime::{CustomResource, Output};

use platform_core::ComponentScope;

use crate::certificate::ValidationRecord;
use crate::cloudflare::CloudflareZone;
use crate::config::{DnsProvider, IngestConfig};
use crate::route53::HostedZone;

/// The zone the stack makes the records in.
pub enum DnsZone {
    /// A Cloudflare zone, through its own provider.
    Cloudflare(CloudflareZone),
    /// A Route 53 hosted zone, through the stack's AWS provider.
    Route53(HostedZone),
}

impl DnsZone {
    /// The zone `config` names, if any; `cloudflare_api_token` is there exactly when
    /// `ingest.cloudflare` is (checked by [`crate::IngestSecrets::from_config`]).
    pub fn from_config(
        scope: &ComponentScope,
        config: &IngestConfig,
        cloudflare_api_token: Option<Output<String>>,
    ) -> Option<Self> {
        match config.dns_provider()? {
            DnsProvider::Cloudflare(cloudflare) => cloudflare_api_token
                .map(|token| Self::Cloudflare(CloudflareZone::new(scope, cloudflare, token))),
            DnsProvider::Route53(route53) => Some(Self::Route53(HostedZone::new(route53))),
        }
    }

    /// Registers ACM's validation record for `hostname`'s certificate; returns the record's
    /// name once the record exists (what the certificate's validation waits for).
    pub fn validation_record(
        &self,
        scope: &ComponentScope,
        hostname: &str,
        record: &Output<ValidationRecord>,
    ) -> Output<String> {
        let name = record.map(|record| record.name);
        let value = record.map(|record| record.value);
        let part = "dns-certificate-validation";
        let made: CustomResource = match self {
            Self::Cloudflare(zone) => zone.cname(
                scope,
                part,
                name.clone(),
                value,
                false,
                &format!("ACM validation of {hostname} (heartbeat-platform)"),
            ),
            Self::Route53(zone) => zone.cname(scope, part, name.clone(), value, true),
        };
        name.zip(&made.urn()).map(|(name, _)| name)
    }

    /// Registers the public record `hostname` → `load_balancer` (unknown until the ALB
    /// exists, so the record comes after it).
    pub fn public_record(
        &self,
        scope: &ComponentScope,
        hostname: &str,
        load_balancer: &Output<Option<String>>,
    ) -> CustomResource {
        let target =
            load_balancer.apply(|hostname| hostname.map_or_else(Output::unknown, Output::new));
        let name = Output::new(hostname.to_owned());
        let part = "dns-public";
        match self {
            Self::Cloudflare(zone) => zone.cname(
                scope,
                part,
                name,
                target,
                zone.proxied(),
                "ingest API (heartbeat-platform)",
            ),
            // Someone else's record of the name is not taken over: creating fails instead.
            Self::Route53(zone) => zone.cname(scope, part, name, target, false),
        }
    }
}

/// Where the host name's records are, for the stack's outputs and log: made by the stack in
/// a zone, or to be made by a person.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DnsRecords {
    /// The stack makes both records in this zone (a sentence naming it).
    Managed(String),
    /// No zone is configured: what a person must do before the certificate validates.
    ByHand(String),
}

impl DnsRecords {
    /// The records of `config`'s host name.
    pub fn of(config: &IngestConfig) -> Self {
        let hostname = &config.hostname;
        match config.dns_provider() {
            Some(DnsProvider::Route53(route53)) => Self::Managed(format!(
                "the stack makes {hostname}'s certificate validation record and its public CNAME in Route 53 hosted zone {}",
                route53.hosted_zone_id
            )),
            Some(DnsProvider::Cloudflare(cloudflare)) => Self::Managed(format!(
                "the stack makes {hostname}'s certificate validation record and its public CNAME in Cloudflare zone {}",
                cloudflare.zone_id
            )),
            None => Self::ByHand(format!(
                "no DNS zone is configured (ingest.route53 or ingest.cloudflare): the certificate for {hostname} stays PENDING VALIDATION, and the load balancer serves no HTTPS, until you create the CNAME of the stack output ingestCertificateValidationRecord in the zone of {hostname}; then point {hostname} (CNAME) at the load balancer's name (the ADDRESS of `kubectl get ingress --all-namespaces`){}",
                if crate::config::is_reserved_name(hostname) {
                    format!(
                        ". {hostname} is under a reserved domain, which no one can validate: set ingest.hostname to a name in your zone"
                    )
                } else {
                    String::new()
                }
            )),
        }
    }

    /// The sentence.
    pub fn text(&self) -> &str {
        match self {
            Self::Managed(text) | Self::ByHand(text) => text,
        }
    }
}
