//! Config section `heartbeat-platform:ingest`, with its defaults and validation.

use platform_core::Problems;
use platform_core::capacity::Sizing;
use platform_core::helm::OperatorInstall;
use serde::{Deserialize, Serialize};

/// The TLS policy family the load balancer must use: TLS 1.3, with TLS 1.2 as the floor.
pub const TLS13_POLICY_PREFIX: &str = "ELBSecurityPolicy-TLS13-";

/// Config section `heartbeat-platform:ingest`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct IngestConfig {
    /// The container image, with its tag.
    pub image: String,
    /// Replicas; unset means the capacity model's figure. Also the autoscaler's minimum.
    pub replicas: Option<u32>,
    /// The autoscaler's maximum; unset means twice the replicas.
    pub max_replicas: Option<u32>,
    /// The average CPU use, in percent of the request, the autoscaler keeps replicas at.
    pub target_cpu_percent: u32,
    /// The API container's requests and limits.
    pub resources: ContainerResources,
    /// The public host name devices post to, such as `ingest.example.com`.
    pub hostname: String,
    /// The Secret holding the device API keys file (key `keys`). Managed by the stack when
    /// the secret config `heartbeat-platform:ingestApiKeys` is set, else created by hand.
    pub api_keys_secret: String,
    /// The ALB's TLS policy (a TLS 1.3 policy).
    pub ssl_policy: String,
    /// How the AWS Load Balancer Controller gets onto the cluster: `helm` (its chart, with its
    /// IAM role) or `preinstalled` (installed by others).
    pub load_balancer_controller: OperatorInstall,
    /// A local chart directory or archive for the controller (air-gapped installs).
    pub load_balancer_controller_chart_path: Option<String>,
    /// The Cloudflare zone that holds `hostname`: the stack makes the certificate's validation
    /// record and the public record there. At most one of `cloudflare` and `route53`; with
    /// neither, a person makes both records (the stack outputs them).
    pub cloudflare: Option<CloudflareConfig>,
    /// The Route 53 public hosted zone that holds `hostname`, used as `cloudflare` is.
    pub route53: Option<Route53Config>,
}

/// The DNS zone the stack makes the host name's records in, when one is configured.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DnsProvider<'a> {
    /// `ingest.cloudflare`.
    Cloudflare(&'a CloudflareConfig),
    /// `ingest.route53`.
    Route53(&'a Route53Config),
}

/// CPU and memory for the API container, as Kubernetes quantities.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ContainerResources {
    /// CPU request (the autoscaler's 100 %).
    pub cpu: String,
    /// Memory request.
    pub memory: String,
    /// CPU limit.
    pub cpu_limit: String,
    /// Memory limit.
    pub memory_limit: String,
}

impl Default for ContainerResources {
    fn default() -> Self {
        Self {
            cpu: "1".into(),
            memory: "512Mi".into(),
            cpu_limit: "2".into(),
            memory_limit: "1Gi".into(),
        }
    }
}

/// The Cloudflare zone that fronts the platform. The API token comes from the secret config
/// key `heartbeat-platform:cloudflareApiToken`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct CloudflareConfig {
    /// The zone id (32 hex digits, from the zone's overview page).
    pub zone_id: String,
    /// Proxy the public host name through Cloudflare (TLS then ends at Cloudflare and again at
    /// the ALB); off means plain DNS pointing at the ALB.
    #[serde(default)]
    pub proxied: bool,
}

/// The Route 53 public hosted zone that holds the host name. The stack's AWS credentials need
/// `route53:ChangeResourceRecordSets`, `GetChange` and `ListResourceRecordSets` on it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct Route53Config {
    /// The hosted zone's id (`Z` and capitals and digits, as the Route 53 console shows it).
    pub hosted_zone_id: String,
}

/// Domains reserved for documentation and tests (RFC 2606, RFC 6761): no one can answer ACM's
/// validation query for a name under them.
const RESERVED_DOMAINS: &[&str] = &[
    "example.com",
    "example.net",
    "example.org",
    "example",
    "test",
    "invalid",
    "localhost",
];

/// Whether `hostname` is under a reserved domain, so a certificate for it can never validate.
pub fn is_reserved_name(hostname: &str) -> bool {
    RESERVED_DOMAINS
        .iter()
        .any(|domain| hostname == *domain || hostname.ends_with(&format!(".{domain}")))
}

impl Default for IngestConfig {
    fn default() -> Self {
        Self {
            image: "ghcr.io/heartbeat-platform/ingest-api:0.1.0".into(),
            replicas: None,
            max_replicas: None,
            target_cpu_percent: 60,
            resources: ContainerResources::default(),
            hostname: "ingest.example.com".into(),
            api_keys_secret: "ingest-api-keys".into(),
            ssl_policy: "ELBSecurityPolicy-TLS13-1-2-2021-06".into(),
            load_balancer_controller: OperatorInstall::Helm,
            load_balancer_controller_chart_path: None,
            cloudflare: None,
            route53: None,
        }
    }
}

impl IngestConfig {
    /// The replica count: the override, else the capacity model's.
    pub fn replicas(&self, sizing: &Sizing) -> u32 {
        self.replicas.unwrap_or(sizing.ingest_replicas)
    }

    /// The autoscaler's maximum: the override, else twice the replicas.
    pub fn max_replicas(&self, sizing: &Sizing) -> u32 {
        self.max_replicas
            .unwrap_or_else(|| self.replicas(sizing) * 2)
    }

    /// The DNS zone configured for the host name's records, if any (after [`Self::validate`],
    /// at most one).
    pub fn dns_provider(&self) -> Option<DnsProvider<'_>> {
        match (&self.cloudflare, &self.route53) {
            (Some(cloudflare), _) => Some(DnsProvider::Cloudflare(cloudflare)),
            (None, Some(route53)) => Some(DnsProvider::Route53(route53)),
            (None, None) => None,
        }
    }

    /// The public URL devices post single heartbeats to.
    pub fn url(&self) -> String {
        format!("https://{}/v1/heartbeats", self.hostname)
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
        let max = self.max_replicas(sizing);
        problems.check(
            max >= replicas,
            "maxReplicas",
            max,
            format!("the autoscaler's maximum must be at least the replicas ({replicas})"),
        );
        problems.check(
            (10..=95).contains(&self.target_cpu_percent),
            "targetCpuPercent",
            self.target_cpu_percent,
            "use a percentage of the CPU request from 10 to 95 (default 60)",
        );
        problems.check(
            self.image.contains(':') && !self.image.ends_with(":latest"),
            "image",
            &self.image,
            "pin an image tag (not :latest), such as registry/ingest-api:0.1.0",
        );
        problems.check(
            is_host_name(&self.hostname),
            "hostname",
            &self.hostname,
            "use a DNS host name such as ingest.example.com",
        );
        problems.check(
            is_host_label(&self.api_keys_secret),
            "apiKeysSecret",
            &self.api_keys_secret,
            "use a Kubernetes object name: lower-case letters, digits and '-'",
        );
        problems.check(
            self.ssl_policy.starts_with(TLS13_POLICY_PREFIX),
            "sslPolicy",
            &self.ssl_policy,
            format!(
                "use a TLS 1.3 ALB policy ({TLS13_POLICY_PREFIX}...), such as ELBSecurityPolicy-TLS13-1-2-2021-06"
            ),
        );
        let resources = &self.resources;
        for (field, value) in [
            ("resources.cpu", &resources.cpu),
            ("resources.memory", &resources.memory),
            ("resources.cpuLimit", &resources.cpu_limit),
            ("resources.memoryLimit", &resources.memory_limit),
        ] {
            problems.check(
                is_quantity(value),
                field,
                value,
                "use a Kubernetes quantity such as 500m, 2, 512Mi or 1Gi",
            );
        }
        if let Some(cloudflare) = &self.cloudflare {
            problems.check(
                cloudflare.zone_id.len() == 32
                    && cloudflare.zone_id.chars().all(|c| c.is_ascii_hexdigit()),
                "cloudflare.zoneId",
                &cloudflare.zone_id,
                "use the zone id from the Cloudflare dashboard: 32 hex digits",
            );
        }
        if let Some(route53) = &self.route53 {
            problems.check(
                is_hosted_zone_id(&route53.hosted_zone_id),
                "route53.hostedZoneId",
                &route53.hosted_zone_id,
                "use the hosted zone's id as the Route 53 console shows it, such as Z0123456789ABCDEFGHIJ (no /hostedzone/ prefix)",
            );
        }
        problems.check(
            self.cloudflare.is_none() || self.route53.is_none(),
            "route53",
            "(set with cloudflare)",
            "the host name's records go to one DNS zone: keep ingest.route53 or ingest.cloudflare, not both",
        );
        problems.check(
            self.dns_provider().is_none() || !is_reserved_name(&self.hostname),
            "hostname",
            &self.hostname,
            "a name under a reserved domain (example.com, .test...) can never be validated by ACM: use a name in the configured DNS zone",
        );
    }
}

/// An RFC 1123 label (may start with a digit, unlike a Kubernetes object name).
fn is_host_label(name: &str) -> bool {
    (1..=63).contains(&name.len())
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-')
}

fn is_host_name(name: &str) -> bool {
    name.len() <= 253 && name.contains('.') && name.split('.').all(is_host_label)
}

/// A Route 53 hosted zone id: `Z` and up to 31 more capitals or digits.
fn is_hosted_zone_id(id: &str) -> bool {
    id.starts_with('Z')
        && (2..=32).contains(&id.len())
        && id
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
}

fn is_quantity(value: &str) -> bool {
    let number_end = value
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(value.len());
    let (number, unit) = value.split_at(number_end);
    number.parse::<f64>().is_ok_and(|n| n > 0.0)
        && ["", "m", "k", "M", "G", "Ki", "Mi", "Gi"].contains(&unit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use platform_core::capacity::LoadFigures;

    fn sizing() -> Sizing {
        let load: LoadFigures = serde_json::from_value(serde_json::json!({
            "peakHeartbeatsPerSecond": 100000, "dailyHeartbeats": 300000000
        }))
        .unwrap();
        load.size(3, 3)
    }

    fn problems_of(config: &IngestConfig) -> String {
        let mut problems = Problems::new("heartbeat-platform:ingest");
        config.validate(&sizing(), 3, &mut problems);
        problems
            .into_result()
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default()
    }

    #[test]
    fn defaults_are_valid() {
        assert_eq!(problems_of(&IngestConfig::default()), "");
    }

    #[test]
    fn every_bad_field_is_named_with_its_fix() {
        let config = IngestConfig {
            replicas: Some(4),
            max_replicas: Some(3),
            target_cpu_percent: 100,
            hostname: "https://ingest".into(),
            api_keys_secret: "Keys_File".into(),
            ssl_policy: "ELBSecurityPolicy-2016-08".into(),
            resources: ContainerResources {
                memory: "lots".into(),
                ..ContainerResources::default()
            },
            cloudflare: Some(CloudflareConfig {
                zone_id: "example.com".into(),
                proxied: false,
            }),
            route53: Some(Route53Config {
                hosted_zone_id: "/hostedzone/Z0123".into(),
            }),
            ..IngestConfig::default()
        };
        let text = problems_of(&config);
        for expected in [
            "heartbeat-platform:ingest.maxReplicas",
            "heartbeat-platform:ingest.targetCpuPercent",
            "heartbeat-platform:ingest.hostname",
            "heartbeat-platform:ingest.apiKeysSecret",
            "heartbeat-platform:ingest.sslPolicy",
            "heartbeat-platform:ingest.resources.memory",
            "heartbeat-platform:ingest.cloudflare.zoneId",
            "heartbeat-platform:ingest.route53.hostedZoneId = /hostedzone/Z0123",
            "heartbeat-platform:ingest.route53 = (set with cloudflare)",
            "not both",
            "use a TLS 1.3 ALB policy",
        ] {
            assert!(text.contains(expected), "missing {expected:?} in:\n{text}");
        }
        assert!(!text.contains("resources.cpuLimit"), "{text}");
    }

    #[test]
    fn a_reserved_host_name_is_refused_only_with_a_dns_zone() {
        let route53 = |hostname: &str| IngestConfig {
            hostname: hostname.into(),
            route53: Some(Route53Config {
                hosted_zone_id: "Z0123456789ABCDEFGHIJ".into(),
            }),
            ..IngestConfig::default()
        };
        let refused = problems_of(&route53("ingest.dev.example.com"));
        assert!(
            refused.contains("heartbeat-platform:ingest.hostname = ingest.dev.example.com")
                && refused.contains("can never be validated by ACM"),
            "{refused}"
        );
        assert!(problems_of(&route53("heartbeat.test")).contains("hostname"));
        assert_eq!(problems_of(&route53("ingest.streaming-company.eu")), "");
        // Without a zone the stack only outputs the records: the sample stacks synthesize.
        assert_eq!(problems_of(&IngestConfig::default()), "");
        assert!(!is_reserved_name("ingest.notexample.com"));
    }

    #[test]
    fn the_autoscaler_maximum_defaults_to_twice_the_replicas() {
        let config = IngestConfig::default();
        assert_eq!(config.replicas(&sizing()), 9);
        assert_eq!(config.max_replicas(&sizing()), 18);
    }
}
