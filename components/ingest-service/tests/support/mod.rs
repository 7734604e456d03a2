//! Shared test support: dev and prod sizings, and IngestService registered on a mock engine
//! after a real KafkaStack, with fake AWS outputs and a fake Ingress status.

#![allow(dead_code, unused_imports)]

use eks_cluster::OidcIssuer;
use ingest_service::{
    API_KEYS_KEY, CLOUDFLARE_TOKEN_KEY, CloudflareConfig, ControllerSite, IngestConfig,
    IngestSecrets, IngestService, IngestServiceArgs, KafkaAccess, Route53Config,
};
use kafka_stack::{KafkaConfig, KafkaStack, KafkaStackArgs};
pub use mock_engine::query::{named, of_type, one, plain_strings};
use mock_engine::{MockEngine, Mode, Registration};
use platform_core::ComponentScope;
use platform_core::capacity::{LoadFigures, Sizing};
use platform_core::kubernetes::{ClusterAccess, register_provider};
use platform_core::stack_config::NAMESPACE;
use pulumi_runtime::{Output, ResourceOptions};
use serde_json::{Map, json};

/// The device API keys file the tests configure as a secret.
pub const API_KEYS: &str = "device-1 0123456789abcdef0123456789abcdef";
/// The Cloudflare token the tests configure as a secret.
pub const CLOUDFLARE_TOKEN: &str = "cf-token-which-must-never-appear-in-plain-text";
/// The Cloudflare zone.
pub const ZONE_ID: &str = "023e105f4ecef8ad9ca31a8372d0c353";
/// The fake certificate ARN.
pub const CERTIFICATE_ARN: &str = "arn:aws:acm:eu-west-1:123456789012:certificate/abc";
/// The host name of the scenarios with a DNS zone (a name under example.com is refused there).
pub const HOSTNAME: &str = "ingest.heartbeats.streamco.eu";
/// The Route 53 hosted zone.
pub const HOSTED_ZONE_ID: &str = "Z0123456789ABCDEFGHIJ";
/// The value of the ACM validation record the fake certificate asks for (with ACM's trailing
/// dot); its name is [`validation_name`] with a trailing dot.
pub const VALIDATION_VALUE: &str = "_4567.acm-validations.aws.";
/// The VPC the controller is told about.
pub const VPC_ID: &str = "vpc-0123456789abcdef0";
/// The ALB host name the fake Ingress status reports.
pub const ALB_HOSTNAME: &str =
    "k8s-kafka-ingestap-0123456789-1234567890.eu-west-1.elb.amazonaws.com";

/// One scenario: sizes, zones and configs.
#[derive(Clone)]
pub struct Scenario {
    /// The capacity model's sizes.
    pub sizing: Sizing,
    /// The zones.
    pub zones: Vec<String>,
    /// KafkaStack's section.
    pub kafka: KafkaConfig,
    /// IngestService's section.
    pub ingest: IngestConfig,
    /// Set `ingestApiKeys` (secret).
    pub api_keys: bool,
    /// Preview or update.
    pub mode: Mode,
}

fn load(peak: u64, daily: u64, headroom: f64) -> LoadFigures {
    LoadFigures {
        growth_headroom: headroom,
        ..LoadFigures::new(peak, daily)
    }
}

/// A few hundred heartbeats per second on two zones.
pub fn dev() -> Scenario {
    Scenario {
        sizing: load(200, 1_000_000, 1.0).size(2, 1),
        zones: ["eu-west-1a", "eu-west-1b"].map(String::from).to_vec(),
        kafka: KafkaConfig {
            replication_factor: 1,
            min_insync_replicas: 1,
            ..KafkaConfig::default()
        },
        ingest: IngestConfig::default(),
        api_keys: true,
        mode: Mode::Update,
    }
}

/// The seed design's peak on three zones.
pub fn prod() -> Scenario {
    Scenario {
        sizing: load(100_000, 300_000_000, 2.0).size(3, 3),
        zones: ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
            .map(String::from)
            .to_vec(),
        kafka: KafkaConfig::default(),
        ingest: IngestConfig::default(),
        api_keys: true,
        mode: Mode::Update,
    }
}

/// The name of ACM's validation record for `hostname` (as the fake certificate asks for it),
/// without the trailing dot.
pub fn validation_name(hostname: &str) -> String {
    format!("_0123.{hostname}")
}

impl Scenario {
    /// With Cloudflare DNS for the zone of [`HOSTNAME`].
    pub fn with_cloudflare(mut self, proxied: bool) -> Self {
        self.ingest.hostname = HOSTNAME.into();
        self.ingest.cloudflare = Some(CloudflareConfig {
            zone_id: ZONE_ID.into(),
            proxied,
        });
        self
    }

    /// With the Route 53 hosted zone of [`HOSTNAME`].
    pub fn with_route53(mut self) -> Self {
        self.ingest.hostname = HOSTNAME.into();
        self.ingest.route53 = Some(Route53Config {
            hosted_zone_id: HOSTED_ZONE_ID.into(),
        });
        self
    }
}

fn fakes(engine: &MockEngine) {
    engine.fake_outputs("aws:iam/role:Role", |r| {
        Map::from_iter([
            (
                "arn".into(),
                json!(format!("arn:aws:iam::123456789012:role/{}", r.name)),
            ),
            ("name".into(), json!(r.name)),
        ])
    });
    engine.fake_outputs("aws:iam/policy:Policy", |r| {
        Map::from_iter([(
            "arn".into(),
            json!(format!("arn:aws:iam::123456789012:policy/{}", r.name)),
        )])
    });
    engine.fake_outputs("aws:acm/certificate:Certificate", |r| {
        let domain = r.input_str("domainName").unwrap_or_default();
        Map::from_iter([
            ("arn".into(), json!(CERTIFICATE_ARN)),
            (
                "domainValidationOptions".into(),
                json!([{
                    "resourceRecordName": format!("{}.", validation_name(&domain)),
                    "domainName": domain,
                    "resourceRecordType": "CNAME",
                    "resourceRecordValue": VALIDATION_VALUE,
                }]),
            ),
        ])
    });
    engine.fake_outputs("kubernetes:networking.k8s.io/v1:Ingress", |_| {
        Map::from_iter([(
            "status".into(),
            json!({"loadBalancer": {"ingress": [{"hostname": ALB_HOSTNAME}]}}),
        )])
    });
}

/// What a run left: every registration, and the program's result.
pub struct Synth {
    /// Every registration, in order.
    pub registrations: Vec<Registration>,
    /// The program's result.
    pub result: anyhow::Result<()>,
}

/// Registers KafkaStack and IngestService for `scenario`, the secrets coming from the stack
/// configuration as `pulumi config set --secret` leaves them.
pub async fn synth(scenario: Scenario) -> Synth {
    let engine = MockEngine::start(scenario.mode).await.unwrap();
    fakes(&engine);
    let mut config = Vec::new();
    if scenario.api_keys {
        config.push((format!("{NAMESPACE}:{API_KEYS_KEY}"), API_KEYS));
    }
    if scenario.ingest.cloudflare.is_some() {
        config.push((
            format!("{NAMESPACE}:{CLOUDFLARE_TOKEN_KEY}"),
            CLOUDFLARE_TOKEN,
        ));
    }
    let pairs: Vec<(&str, &str)> = config.iter().map(|(k, v)| (k.as_str(), *v)).collect();
    let mut settings = engine.settings(NAMESPACE, "test", &pairs);
    settings.secret_keys = config.iter().map(|(k, _)| k.clone()).collect();
    let result = pulumi_runtime::run(settings, move |ctx| async move {
        let harness =
            ComponentScope::new(&ctx, "test", "Harness", "harness", ResourceOptions::new());
        let provider = register_provider(
            &harness,
            ClusterAccess::Kubeconfig(Output::new("kubeconfig".to_owned())),
            ResourceOptions::new(),
        );
        let oidc = OidcIssuer::existing(
            "arn:aws:iam::123456789012:oidc-provider/oidc.eks.eu-west-1.amazonaws.com/id/ABC",
            "https://oidc.eks.eu-west-1.amazonaws.com/id/ABC",
        );
        // Connect's image is not this component's concern: a configured registry, no ECR.
        let mut kafka_config = scenario.kafka.clone();
        kafka_config.connect.build_image = Some("registry.example.com/heartbeat-connect:1".into());
        let kafka = KafkaStack::new(
            &ctx,
            "kafka",
            KafkaStackArgs {
                provider: &provider,
                sizing: &scenario.sizing,
                zones: &scenario.zones,
                config: &kafka_config,
                oidc: None,
            },
            ResourceOptions::new(),
        )?;
        let secrets = IngestSecrets::from_config(ctx.config(), &scenario.ingest)?;
        IngestService::new(
            &ctx,
            "ingest",
            IngestServiceArgs {
                config: &scenario.ingest,
                sizing: &scenario.sizing,
                zones: &scenario.zones,
                provider: &provider,
                kafka: KafkaAccess::from_stack(&kafka),
                controller: ControllerSite {
                    cluster_name: "heartbeat-test".into(),
                    region: "eu-west-1".into(),
                    vpc_id: Output::new(VPC_ID.to_owned()),
                    oidc: oidc.clone(),
                },
                secrets,
            },
            ResourceOptions::new(),
        )
    })
    .await;
    Synth {
        registrations: engine.registrations(),
        result,
    }
}

/// Runs `scenario`, which must succeed; returns the registrations.
pub async fn registrations(scenario: Scenario) -> Vec<Registration> {
    let synth = synth(scenario).await;
    synth.result.expect("the program succeeds");
    synth.registrations
}
