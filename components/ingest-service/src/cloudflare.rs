//! DNS in the Cloudflare zone that fronts the platform: an explicit `cloudflare` provider
//! (pulumi-cloudflare v6) with the API token, and `DnsRecord`s.

use pulumi_runtime::{CustomResource, Output, ProviderResource};
use serde::Serialize;

use platform_core::ComponentScope;

use crate::config::CloudflareConfig;

/// The cloudflare provider plugin version the program asks for.
pub const CLOUDFLARE_PROVIDER_VERSION: &str = "6.11.0";
/// The type token of a DNS record.
pub const DNS_RECORD_TYPE: &str = "cloudflare:index/dnsRecord:DnsRecord";
/// Cloudflare's "automatic" TTL.
const AUTOMATIC_TTL: u32 = 1;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderInputs {
    api_token: Output<String>,
}

/// `cloudflare:index/dnsRecord:DnsRecord` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsRecord {
    /// The zone.
    pub zone_id: String,
    /// The record's full name.
    pub name: Output<String>,
    /// The record type (`CNAME`).
    #[serde(rename = "type")]
    pub record_type: String,
    /// The target.
    pub content: Output<String>,
    /// Seconds; 1 is automatic (required by v6).
    pub ttl: u32,
    /// Whether traffic goes through Cloudflare's proxy.
    pub proxied: bool,
    /// Why the record exists.
    pub comment: String,
}

/// The zone, reached through its own provider.
pub struct CloudflareZone {
    provider: ProviderResource,
    config: CloudflareConfig,
}

impl CloudflareZone {
    /// Registers the provider with `api_token` (kept secret).
    pub fn new(
        scope: &ComponentScope,
        config: &CloudflareConfig,
        api_token: Output<String>,
    ) -> Self {
        let provider = scope.ctx().register_provider(
            "cloudflare",
            &scope.child_name("cloudflare"),
            &ProviderInputs {
                api_token: api_token.into_secret(),
            },
            scope.child_options().version(CLOUDFLARE_PROVIDER_VERSION),
        );
        Self {
            provider,
            config: config.clone(),
        }
    }

    /// Registers CNAME `name` → `target` as `part`; `proxied` only when asked and allowed.
    pub fn cname(
        &self,
        scope: &ComponentScope,
        part: &str,
        name: Output<String>,
        target: Output<String>,
        proxied: bool,
        comment: &str,
    ) -> CustomResource {
        scope.ctx().register_custom(
            DNS_RECORD_TYPE,
            &scope.child_name(part),
            &DnsRecord {
                zone_id: self.config.zone_id.clone(),
                name,
                record_type: "CNAME".into(),
                content: target,
                ttl: AUTOMATIC_TTL,
                proxied,
                comment: comment.to_owned(),
            },
            scope
                .child_options()
                .provider(&self.provider)
                .version(CLOUDFLARE_PROVIDER_VERSION),
        )
    }

    /// Whether the public host name is proxied.
    pub fn proxied(&self) -> bool {
        self.config.proxied
    }
}
