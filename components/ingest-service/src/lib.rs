//! The IngestService component (`heartbeat:ingest:IngestService`): the ingest API on the
//! cluster and the public HTTPS load balancer in front of it.
//!
//! # What it provisions, in dependency order
//! 1. The API's objects in the Kafka namespace ([`workload`]): ServiceAccount (no token),
//!    the API keys Secret from the secret config `ingestApiKeys` (when set), a Deployment
//!    (replicas from the capacity model, spread over zones with `maxSkew` 1, requests and
//!    limits, `/healthz` liveness and `/readyz` readiness probes, non-root, read-only root
//!    filesystem, no capabilities, seccomp `RuntimeDefault`, the ingest `KafkaUser`'s
//!    certificate and the cluster CA mounted from their Secrets, environment per the API's
//!    `config.rs`), a Service, an `autoscaling/v2` HorizontalPodAutoscaler on CPU, a
//!    PodDisruptionBudget and a NetworkPolicy (in: the HTTP port; out: brokers and DNS).
//!    They live in the Kafka namespace because Strimzi writes the user's Secret there and a
//!    pod can only mount Secrets of its own namespace.
//! 2. The AWS Load Balancer Controller ([`controller`], unless `loadBalancerController:
//!    preinstalled`): an IAM policy ([`controller_iam`]), an IRSA role, its ServiceAccount
//!    and the vendor's Helm chart, pinned.
//! 3. An ACM certificate for `hostname` validated through DNS ([`certificate`]).
//! 4. With a DNS zone (`route53` or `cloudflare`, at most one) ([`dns`]): ACM's validation
//!    CNAME in it ([`route53`], or [`cloudflare`] with its own provider) and the validation,
//!    which waits until ACM has issued the certificate. With neither, no validation is
//!    registered: the certificate stays pending until a person makes the record, and the
//!    component says so ([`IngestService::dns`]).
//! 5. The Ingress (class `alb`, internet-facing, IP targets, HTTPS 443 with redirect from 80,
//!    a TLS 1.3 policy, the certificate, health checks on `/readyz`) ([`ingress`]), after the
//!    validation when there is one (else not awaited: the ALB gets no HTTPS listener before
//!    the certificate is issued), and, with a zone, the public CNAME to the ALB.
//!
//! # Inputs and outputs
//! [`IngestServiceArgs`] in; [`IngestService`] out: the public URL, the ALB's host name,
//! the certificate's ARN, its validation record and where the DNS records are.
//!
//! ```no_run
//! # fn demo(ctx: pulumi_runtime::Context, kafka: kafka_stack::KafkaStack,
//! #         cluster: eks_cluster::EksCluster, sizing: platform_core::capacity::Sizing)
//! #         -> anyhow::Result<()> {
//! use ingest_service::{ControllerSite, IngestConfig, IngestSecrets, IngestService, IngestServiceArgs, KafkaAccess};
//! let zones = vec!["eu-west-1a".to_owned(), "eu-west-1b".into()];
//! let ingest = IngestService::new(
//!     &ctx,
//!     "ingest",
//!     IngestServiceArgs {
//!         config: &IngestConfig::default(),
//!         sizing: &sizing,
//!         zones: &zones,
//!         provider: &cluster.provider,
//!         kafka: KafkaAccess::from_stack(&kafka),
//!         controller: ControllerSite {
//!             cluster_name: "heartbeat-dev".into(),
//!             region: "eu-west-1".into(),
//!             vpc_id: pulumi_runtime::Output::new("vpc-0123456789abcdef0".to_owned()),
//!             oidc: cluster.oidc.clone(),
//!         },
//!         secrets: IngestSecrets::default(),
//!     },
//!     pulumi_runtime::ResourceOptions::new(),
//! )?;
//! let _url = ingest.url; // https://ingest.example.com/v1/heartbeats
//! # Ok(()) }
//! ```

pub mod certificate;
pub mod cloudflare;
mod config;
pub mod controller;
pub mod controller_iam;
pub mod dns;
pub mod ingress;
pub mod route53;
mod secrets;
pub mod workload;

pub use config::{
    CloudflareConfig, ContainerResources, DnsProvider, IngestConfig, Route53Config,
    TLS13_POLICY_PREFIX,
};
pub use controller::ControllerSite;
pub use secrets::{API_KEYS_KEY, CLOUDFLARE_TOKEN_KEY, IngestSecrets};
pub use workload::KafkaAccess;

use platform_core::capacity::Sizing;
use platform_core::helm::OperatorInstall;
use platform_core::kubernetes::Manifest;
use platform_core::{ComponentScope, Problems};
use pulumi_runtime::{AsResource, Context, Output, ProviderResource, ResourceOptions};
use serde::Serialize;

use crate::certificate::ValidationRecord;
use crate::dns::{DnsRecords, DnsZone};
use crate::workload::IngestWorkload;

/// The config section IngestService reads.
pub const CONFIG_KEY: &str = "heartbeat-platform:ingest";

/// IngestService's typed inputs.
pub struct IngestServiceArgs<'a> {
    /// Section `heartbeat-platform:ingest`.
    pub config: &'a IngestConfig,
    /// The capacity model's sizes.
    pub sizing: &'a Sizing,
    /// The availability zones the nodes span.
    pub zones: &'a [String],
    /// The kubernetes provider of the cluster (EksCluster's output).
    pub provider: &'a ProviderResource,
    /// Kafka access (from KafkaStack).
    pub kafka: KafkaAccess,
    /// Where the load balancer controller runs (from Network and EksCluster).
    pub controller: ControllerSite,
    /// The secret config values.
    pub secrets: IngestSecrets,
}

/// What IngestService hands over.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IngestService {
    /// The public URL devices post heartbeats to; depends on the Ingress.
    pub url: Output<String>,
    /// The ALB's DNS name, from the Ingress status; `None` until the controller has
    /// provisioned the ALB.
    pub load_balancer_hostname: Output<Option<String>>,
    /// The certificate's ARN; after its validation when the stack makes the validation record
    /// (else the certificate may still be pending).
    pub certificate_arn: Output<String>,
    /// The CNAME ACM checks (a person creates it when no DNS zone is configured).
    pub certificate_validation_record: Output<ValidationRecord>,
    /// Where the host name's records are: made by the stack in the configured zone, or what a
    /// person must do before the certificate validates.
    pub dns: String,
    /// Whether a person must make the records ([`IngestService::dns`] says which).
    pub dns_records_by_hand: bool,
    /// The namespace of the API's objects.
    pub namespace: String,
}

/// A typed object placed in `namespace`, which carries the dependency on the namespace's
/// owner (the `Kafka` resource, so the objects come after KafkaStack's namespace).
fn placed<K>(object: K, namespace: &Output<String>) -> Manifest<K>
where
    K: kube::Resource<DynamicType = ()> + Serialize,
{
    Manifest::new(object).with_output("/metadata/namespace", namespace.clone())
}

impl IngestService {
    /// Validates the config against the sizing and zones (registering nothing when it does
    /// not fit), then provisions the ingest service.
    pub fn new(
        ctx: &Context,
        name: &str,
        args: IngestServiceArgs<'_>,
        options: ResourceOptions,
    ) -> anyhow::Result<Self> {
        let IngestServiceArgs {
            config,
            sizing,
            zones,
            provider,
            kafka,
            controller,
            secrets,
        } = args;
        let mut problems = Problems::new(CONFIG_KEY);
        config.validate(sizing, zones.len(), &mut problems);
        problems.into_result()?;

        let scope = ComponentScope::new(ctx, "ingest", "IngestService", name, options);
        let namespace = kafka.namespace.clone();
        let namespace_ready = kafka.bootstrap_servers.map({
            let namespace = namespace.clone();
            move |_| namespace
        });
        let workload = IngestWorkload {
            config: config.clone(),
            namespace: namespace.clone(),
            replicas: config.replicas(sizing),
            max_replicas: config.max_replicas(sizing),
            zones: zones.len() as u32,
            kafka,
        };

        let account = scope.kubernetes(
            provider,
            &placed(workload.service_account(), &namespace_ready),
        );
        let mut after_secrets = ResourceOptions::new().depends_on(&account);
        if let Some(keys) = secrets.api_keys {
            let secret = scope.kubernetes(
                provider,
                &placed(workload.api_keys_secret(), &namespace_ready).with_output(
                    &format!("/stringData/{}", workload::API_KEYS_ITEM),
                    keys.into_secret(),
                ),
            );
            after_secrets = after_secrets.depends_on(&secret);
        }
        // The container names KafkaStack's bootstrap address, an output: the typed object is
        // built with a placeholder and its containers are laid over once the address is known.
        let containers = workload.kafka.bootstrap_servers.map({
            let workload = workload.clone();
            move |bootstrap| vec![workload.container(&bootstrap)]
        });
        let deployment = scope.kubernetes_with(
            provider,
            &placed(
                workload.deployment(workload.container("")),
                &namespace_ready,
            )
            .with_output("/spec/template/spec/containers", containers),
            // The autoscaler owns the replica count once the Deployment exists.
            after_secrets.ignore_changes(["spec.replicas"]),
        );
        let service = scope.kubernetes(provider, &placed(workload.service(), &namespace_ready));
        scope.kubernetes_with(
            provider,
            &placed(workload.autoscaler(), &namespace_ready),
            ResourceOptions::new().depends_on(&deployment),
        );
        scope.kubernetes(
            provider,
            &placed(workload.disruption_budget(), &namespace_ready),
        );
        scope.kubernetes(
            provider,
            &placed(workload.network_policy(), &namespace_ready),
        );

        let controller_chart = match config.load_balancer_controller {
            OperatorInstall::Helm => Some(controller::install(
                &scope,
                provider,
                &controller,
                config.load_balancer_controller_chart_path.as_deref(),
            )?),
            OperatorInstall::Preinstalled => None,
        };

        let hostname = config.hostname.clone();
        let certificate = certificate::request(&scope, &hostname);
        let validation_record = certificate::validation_record(&certificate);
        let zone = DnsZone::from_config(&scope, config, secrets.cloudflare_api_token);
        // Without a zone nothing waits for ACM: the validation record is a person's to make.
        let certificate_arn = match &zone {
            Some(zone) => {
                let record_name = zone.validation_record(&scope, &hostname, &validation_record);
                certificate::validate(&scope, &certificate, record_name)
            }
            None => certificate.output::<String>("arn"),
        };

        let ssl_policy = config.ssl_policy.clone();
        let tags = scope.tags("alb");
        let await_address = zone.is_some();
        let annotations = certificate_arn
            .map(move |arn| ingress::annotations(&ssl_policy, &arn, &tags, await_address));
        let mut after_controller = ResourceOptions::new().depends_on(&service);
        if let Some(chart) = &controller_chart {
            after_controller = chart.after(after_controller);
        }
        let ingress = scope.kubernetes_with(
            provider,
            &placed(ingress::ingress(&namespace, &hostname), &namespace_ready)
                .with_output("/metadata/annotations", annotations),
            after_controller,
        );
        let load_balancer_hostname = ingress::load_balancer_hostname(&ingress);
        if let Some(zone) = &zone {
            zone.public_record(&scope, &hostname, &load_balancer_hostname);
        }
        let dns = DnsRecords::of(config);

        let url = config.url();
        Ok(scope.finish(IngestService {
            url: ingress.urn().map(move |_| url),
            load_balancer_hostname,
            certificate_arn,
            certificate_validation_record: validation_record,
            dns_records_by_hand: matches!(dns, DnsRecords::ByHand(_)),
            dns: dns.text().to_owned(),
            namespace,
        }))
    }
}
