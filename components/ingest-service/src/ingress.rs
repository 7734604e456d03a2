//! The Ingress the AWS Load Balancer Controller turns into an internet-facing ALB: HTTPS
//! only (HTTP redirects), TLS 1.3 policy, the ACM certificate, health checks on `/readyz`,
//! pod IPs as targets.

use std::collections::BTreeMap;

use k8s_openapi::api::networking::v1::{
    HTTPIngressPath, HTTPIngressRuleValue, Ingress, IngressBackend, IngressRule,
    IngressServiceBackend, IngressSpec, IngressStatus, ServiceBackendPort,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platform_core::Tags;
use pulumi_runtime::{CustomResource, Output};

use crate::workload::APP;

/// The IngressClass the controller serves.
pub const INGRESS_CLASS: &str = "alb";
/// The path the load balancer health-checks (ready = connected to Kafka).
pub const HEALTH_CHECK_PATH: &str = "/readyz";
/// The annotation that carries the certificate's ARN.
pub const CERTIFICATE_ANNOTATION: &str = "alb.ingress.kubernetes.io/certificate-arn";
/// The path prefix routed to the API (`/v1/heartbeats` and `/v1/heartbeats:batch`); probes and
/// metrics stay inside the cluster.
pub const API_PREFIX: &str = "/v1";

/// The annotation that tells the kubernetes provider not to wait for the Ingress's address.
pub const SKIP_AWAIT_ANNOTATION: &str = "pulumi.com/skipAwait";

/// The ALB's annotations, with the certificate's ARN and the tags every AWS resource of the
/// platform carries (the controller puts them on the ALB and its target groups). Without
/// `await_address` the provider does not wait for the ALB: the controller writes the
/// Ingress's address only once every listener exists, and the HTTPS listener cannot exist
/// before ACM has issued the certificate, which waits for a record a person makes.
pub fn annotations(
    ssl_policy: &str,
    certificate_arn: &str,
    tags: &Tags,
    await_address: bool,
) -> BTreeMap<String, String> {
    let tags = tags
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(",");
    [
        ("scheme", "internet-facing"),
        ("target-type", "ip"),
        ("listen-ports", r#"[{"HTTP": 80}, {"HTTPS": 443}]"#),
        ("ssl-redirect", "443"),
        ("ssl-policy", ssl_policy),
        ("certificate-arn", certificate_arn),
        ("backend-protocol", "HTTP"),
        ("healthcheck-path", HEALTH_CHECK_PATH),
        ("healthcheck-port", "traffic-port"),
        ("healthcheck-interval-seconds", "10"),
        ("healthy-threshold-count", "2"),
        ("unhealthy-threshold-count", "2"),
        ("success-codes", "200"),
        ("tags", &tags),
        (
            "target-group-attributes",
            "deregistration_delay.timeout_seconds=30",
        ),
    ]
    .into_iter()
    .map(|(key, value)| (format!("alb.ingress.kubernetes.io/{key}"), value.to_owned()))
    .chain((!await_address).then(|| (SKIP_AWAIT_ANNOTATION.to_owned(), "true".to_owned())))
    .collect()
}

/// The Ingress for `hostname` in `namespace`; annotations are laid over once the certificate
/// is known.
pub fn ingress(namespace: &str, hostname: &str) -> Ingress {
    Ingress {
        metadata: ObjectMeta {
            name: Some(APP.into()),
            namespace: Some(namespace.into()),
            ..ObjectMeta::default()
        },
        spec: Some(IngressSpec {
            ingress_class_name: Some(INGRESS_CLASS.into()),
            rules: Some(vec![IngressRule {
                host: Some(hostname.into()),
                http: Some(HTTPIngressRuleValue {
                    paths: vec![HTTPIngressPath {
                        path: Some(API_PREFIX.into()),
                        path_type: "Prefix".into(),
                        backend: IngressBackend {
                            service: Some(IngressServiceBackend {
                                name: APP.into(),
                                port: Some(ServiceBackendPort {
                                    name: Some("http".into()),
                                    number: None,
                                }),
                            }),
                            resource: None,
                        },
                    }],
                }),
            }]),
            ..IngressSpec::default()
        }),
        ..Ingress::default()
    }
}

/// The ALB's DNS name from the Ingress status: `None` while the controller has not written it
/// (always, when the provider renders manifests instead of applying them); unknown in a
/// preview of a new Ingress.
pub fn load_balancer_hostname(ingress: &CustomResource) -> Output<Option<String>> {
    ingress
        .output::<Option<IngressStatus>>("status")
        .map(|status| {
            status
                .and_then(|s| s.load_balancer)
                .and_then(|lb| lb.ingress)
                .and_then(|entries| entries.into_iter().find_map(|entry| entry.hostname))
        })
}
