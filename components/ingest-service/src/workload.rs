//! The ingest API's Kubernetes objects: ServiceAccount, API keys Secret, Deployment, Service,
//! HorizontalPodAutoscaler, PodDisruptionBudget and NetworkPolicy, as typed `k8s-openapi`
//! objects.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{
    Deployment, DeploymentSpec, DeploymentStrategy, RollingUpdateDeployment,
};
use k8s_openapi::api::autoscaling::v2::{
    CrossVersionObjectReference, HPAScalingRules, HorizontalPodAutoscaler,
    HorizontalPodAutoscalerBehavior, HorizontalPodAutoscalerSpec, MetricSpec, MetricTarget,
    ResourceMetricSource,
};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EmptyDirVolumeSource, EnvVar, HTTPGetAction, KeyToPath, Lifecycle,
    LifecycleHandler, PodSecurityContext, PodSpec, PodTemplateSpec, Probe, ResourceRequirements,
    SeccompProfile, Secret, SecretVolumeSource, Service, ServiceAccount, ServicePort, ServiceSpec,
    SleepAction, TopologySpreadConstraint, Volume, VolumeMount,
};
use k8s_openapi::api::networking::v1::{
    NetworkPolicy, NetworkPolicyEgressRule, NetworkPolicyIngressRule, NetworkPolicyPeer,
    NetworkPolicyPort, NetworkPolicySpec,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use platform_core::kubernetes::restricted_security_context;

use kafka_stack::KafkaStack;
use pulumi_runtime::Output;

use crate::config::IngestConfig;

/// The app name: Deployment, Service, ServiceAccount and pod label.
pub const APP: &str = "ingest-api";
/// The port the API listens on (`INGEST_LISTEN_ADDR`), named `http`.
pub const PORT: u16 = 8080;
/// The node label that holds a node's availability zone.
pub const ZONE_LABEL: &str = "topology.kubernetes.io/zone";
/// The user and group the API runs as (distroless `nonroot`).
pub const RUN_AS: i64 = 65532;
/// The key of the API keys file in its Secret.
pub const API_KEYS_ITEM: &str = "keys";

const API_KEYS_DIR: &str = "/etc/ingest/api-keys";
const KAFKA_USER_DIR: &str = "/etc/ingest/kafka-user";
const KAFKA_CA_DIR: &str = "/etc/ingest/kafka-ca";
/// Owner and group may read; with `fsGroup` the non-root user reads through its group.
const SECRET_FILE_MODE: i32 = 0o440;

/// How the API reaches Kafka: what KafkaStack hands over, narrowed to what the API needs
/// ([`KafkaAccess::from_stack`]).
#[derive(Debug, Clone)]
pub struct KafkaAccess {
    /// The mutual-TLS bootstrap address; depends on the `Kafka` resource.
    pub bootstrap_servers: Output<String>,
    /// The namespace of the Kafka cluster, where Strimzi writes the user's Secret.
    pub namespace: String,
    /// The `Kafka` resource's name (its pods carry `strimzi.io/cluster: <name>`).
    pub cluster_name: String,
    /// The heartbeats topic.
    pub topic: String,
    /// The ingest `KafkaUser`'s Secret (`user.crt`, `user.key`).
    pub user_secret: String,
    /// The cluster CA Secret (`ca.crt`).
    pub cluster_ca_secret: String,
    /// The broker port the API connects to (mutual TLS).
    pub port: u16,
}

impl KafkaAccess {
    /// What the API needs of `kafka`: its TLS listener, the heartbeats topic and the
    /// ingest user's certificate.
    pub fn from_stack(kafka: &KafkaStack) -> Self {
        Self {
            bootstrap_servers: kafka.bootstrap_servers.clone(),
            namespace: kafka.namespace.clone(),
            cluster_name: kafka.cluster_name.clone(),
            topic: kafka.topics.heartbeats.name.clone(),
            user_secret: kafka.users.ingest.clone(),
            cluster_ca_secret: kafka.cluster_ca_secret.clone(),
            port: kafka_stack::cluster::TLS_PORT,
        }
    }
}

/// The ingest API's objects, built from the config and the sizing.
#[derive(Debug, Clone)]
pub struct IngestWorkload {
    /// The section `heartbeat-platform:ingest`.
    pub config: IngestConfig,
    /// Where the objects live: the Kafka namespace (see the crate documentation).
    pub namespace: String,
    /// Replicas, and the autoscaler's minimum.
    pub replicas: u32,
    /// The autoscaler's maximum.
    pub max_replicas: u32,
    /// Availability zones the pods spread over.
    pub zones: u32,
    /// Kafka access.
    pub kafka: KafkaAccess,
}

fn labels() -> BTreeMap<String, String> {
    BTreeMap::from([
        ("app.kubernetes.io/name".to_owned(), APP.to_owned()),
        (
            "app.kubernetes.io/part-of".to_owned(),
            "heartbeat-platform".to_owned(),
        ),
    ])
}

fn selector() -> LabelSelector {
    LabelSelector {
        match_labels: Some(labels()),
        ..LabelSelector::default()
    }
}

fn quantity(value: &str) -> Quantity {
    Quantity(value.to_owned())
}

fn secret_volume(name: &str, secret: &str, items: &[&str]) -> Volume {
    Volume {
        name: name.into(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(secret.into()),
            items: Some(
                items
                    .iter()
                    .map(|item| KeyToPath {
                        key: (*item).into(),
                        path: (*item).into(),
                        mode: None,
                    })
                    .collect(),
            ),
            default_mode: Some(SECRET_FILE_MODE),
            optional: Some(false),
        }),
        ..Volume::default()
    }
}

fn mount(name: &str, path: &str) -> VolumeMount {
    VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        read_only: Some(true),
        ..VolumeMount::default()
    }
}

fn http_probe(path: &str, period: i32, failures: i32) -> Probe {
    Probe {
        http_get: Some(HTTPGetAction {
            path: Some(path.into()),
            port: IntOrString::String("http".into()),
            ..HTTPGetAction::default()
        }),
        period_seconds: Some(period),
        timeout_seconds: Some(2),
        failure_threshold: Some(failures),
        ..Probe::default()
    }
}

impl IngestWorkload {
    fn meta(&self, name: &str) -> ObjectMeta {
        ObjectMeta {
            name: Some(name.to_owned()),
            namespace: Some(self.namespace.clone()),
            labels: Some(labels()),
            ..ObjectMeta::default()
        }
    }

    /// The API's environment, per `programs/ingest-api/src/config.rs`.
    pub fn env(&self, bootstrap_servers: &str) -> Vec<EnvVar> {
        let kafka = &self.kafka;
        [
            ("INGEST_LISTEN_ADDR", format!("0.0.0.0:{PORT}")),
            (
                "INGEST_API_KEYS_FILE",
                format!("{API_KEYS_DIR}/{API_KEYS_ITEM}"),
            ),
            (
                "INGEST_KAFKA_BOOTSTRAP_SERVERS",
                bootstrap_servers.to_owned(),
            ),
            ("INGEST_KAFKA_TOPIC", kafka.topic.clone()),
            ("INGEST_KAFKA_SECURITY_PROTOCOL", "ssl".to_owned()),
            ("INGEST_KAFKA_TLS_CA_FILE", format!("{KAFKA_CA_DIR}/ca.crt")),
            (
                "INGEST_KAFKA_TLS_CERT_FILE",
                format!("{KAFKA_USER_DIR}/user.crt"),
            ),
            (
                "INGEST_KAFKA_TLS_KEY_FILE",
                format!("{KAFKA_USER_DIR}/user.key"),
            ),
            ("RUST_LOG", "info".to_owned()),
        ]
        .into_iter()
        .map(|(name, value)| EnvVar {
            name: name.into(),
            value: Some(value),
            value_from: None,
        })
        .collect()
    }

    /// The API container, connecting to `bootstrap_servers`.
    pub fn container(&self, bootstrap_servers: &str) -> Container {
        let resources = &self.config.resources;
        Container {
            name: APP.into(),
            image: Some(self.config.image.clone()),
            ports: Some(vec![ContainerPort {
                name: Some("http".into()),
                container_port: i32::from(PORT),
                protocol: Some("TCP".into()),
                ..ContainerPort::default()
            }]),
            env: Some(self.env(bootstrap_servers)),
            resources: Some(ResourceRequirements {
                requests: Some(BTreeMap::from([
                    ("cpu".to_owned(), quantity(&resources.cpu)),
                    ("memory".to_owned(), quantity(&resources.memory)),
                ])),
                limits: Some(BTreeMap::from([
                    ("cpu".to_owned(), quantity(&resources.cpu_limit)),
                    ("memory".to_owned(), quantity(&resources.memory_limit)),
                ])),
                ..ResourceRequirements::default()
            }),
            startup_probe: Some(http_probe("/healthz", 2, 30)),
            liveness_probe: Some(http_probe("/healthz", 10, 3)),
            readiness_probe: Some(http_probe("/readyz", 5, 2)),
            // Keep serving while the load balancer deregisters the pod, then shut down
            // gracefully (the API flushes in-flight writes on SIGTERM).
            lifecycle: Some(Lifecycle {
                pre_stop: Some(LifecycleHandler {
                    sleep: Some(SleepAction { seconds: 15 }),
                    ..LifecycleHandler::default()
                }),
                ..Lifecycle::default()
            }),
            security_context: Some(restricted_security_context(Some(RUN_AS), true)),
            volume_mounts: Some(vec![
                mount("api-keys", API_KEYS_DIR),
                mount("kafka-user", KAFKA_USER_DIR),
                mount("kafka-ca", KAFKA_CA_DIR),
                VolumeMount {
                    read_only: Some(false),
                    ..mount("tmp", "/tmp")
                },
            ]),
            ..Container::default()
        }
    }

    /// The ServiceAccount (no API token mounted: the API does not call Kubernetes).
    pub fn service_account(&self) -> ServiceAccount {
        ServiceAccount {
            metadata: self.meta(APP),
            automount_service_account_token: Some(false),
            ..ServiceAccount::default()
        }
    }

    /// The API keys Secret; its `keys` item is laid over from a Pulumi secret.
    pub fn api_keys_secret(&self) -> Secret {
        Secret {
            metadata: self.meta(&self.config.api_keys_secret),
            type_: Some("Opaque".into()),
            ..Secret::default()
        }
    }

    /// The Deployment, with `container` (built by [`IngestWorkload::container`]).
    pub fn deployment(&self, container: Container) -> Deployment {
        let spread = |key: &str, when: &str| TopologySpreadConstraint {
            max_skew: 1,
            topology_key: key.into(),
            when_unsatisfiable: when.into(),
            label_selector: Some(selector()),
            ..TopologySpreadConstraint::default()
        };
        let metrics = BTreeMap::from([
            ("prometheus.io/scrape".to_owned(), "true".to_owned()),
            ("prometheus.io/port".to_owned(), PORT.to_string()),
            ("prometheus.io/path".to_owned(), "/metrics".to_owned()),
        ]);
        Deployment {
            metadata: self.meta(APP),
            spec: Some(DeploymentSpec {
                replicas: Some(self.replicas as i32),
                selector: selector(),
                strategy: Some(DeploymentStrategy {
                    type_: Some("RollingUpdate".into()),
                    rolling_update: Some(RollingUpdateDeployment {
                        max_unavailable: Some(IntOrString::Int(0)),
                        max_surge: Some(IntOrString::String("25%".into())),
                    }),
                }),
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some(labels()),
                        annotations: Some(metrics),
                        ..ObjectMeta::default()
                    }),
                    spec: Some(PodSpec {
                        service_account_name: Some(APP.into()),
                        automount_service_account_token: Some(false),
                        termination_grace_period_seconds: Some(45),
                        security_context: Some(PodSecurityContext {
                            run_as_non_root: Some(true),
                            run_as_user: Some(RUN_AS),
                            run_as_group: Some(RUN_AS),
                            fs_group: Some(RUN_AS),
                            seccomp_profile: Some(SeccompProfile {
                                type_: "RuntimeDefault".into(),
                                localhost_profile: None,
                            }),
                            ..PodSecurityContext::default()
                        }),
                        topology_spread_constraints: Some(vec![
                            spread(ZONE_LABEL, "DoNotSchedule"),
                            spread("kubernetes.io/hostname", "ScheduleAnyway"),
                        ]),
                        containers: vec![container],
                        volumes: Some(vec![
                            secret_volume(
                                "api-keys",
                                &self.config.api_keys_secret,
                                &[API_KEYS_ITEM],
                            ),
                            secret_volume(
                                "kafka-user",
                                &self.kafka.user_secret,
                                &["user.crt", "user.key"],
                            ),
                            secret_volume("kafka-ca", &self.kafka.cluster_ca_secret, &["ca.crt"]),
                            Volume {
                                name: "tmp".into(),
                                empty_dir: Some(EmptyDirVolumeSource {
                                    medium: Some("Memory".into()),
                                    size_limit: Some(quantity("16Mi")),
                                }),
                                ..Volume::default()
                            },
                        ]),
                        ..PodSpec::default()
                    }),
                },
                ..DeploymentSpec::default()
            }),
            ..Deployment::default()
        }
    }

    /// The Service the Ingress routes to (the ALB targets pod IPs directly).
    pub fn service(&self) -> Service {
        Service {
            metadata: self.meta(APP),
            spec: Some(ServiceSpec {
                type_: Some("ClusterIP".into()),
                selector: Some(labels()),
                ports: Some(vec![ServicePort {
                    name: Some("http".into()),
                    port: 80,
                    target_port: Some(IntOrString::String("http".into())),
                    protocol: Some("TCP".into()),
                    ..ServicePort::default()
                }]),
                ..ServiceSpec::default()
            }),
            ..Service::default()
        }
    }

    /// The autoscaler: from the replicas to the maximum on average CPU use.
    pub fn autoscaler(&self) -> HorizontalPodAutoscaler {
        HorizontalPodAutoscaler {
            metadata: self.meta(APP),
            spec: Some(HorizontalPodAutoscalerSpec {
                scale_target_ref: CrossVersionObjectReference {
                    api_version: Some("apps/v1".into()),
                    kind: "Deployment".into(),
                    name: APP.into(),
                },
                min_replicas: Some(self.replicas as i32),
                max_replicas: self.max_replicas as i32,
                metrics: Some(vec![MetricSpec {
                    type_: "Resource".into(),
                    resource: Some(ResourceMetricSource {
                        name: "cpu".into(),
                        target: MetricTarget {
                            type_: "Utilization".into(),
                            average_utilization: Some(self.config.target_cpu_percent as i32),
                            ..MetricTarget::default()
                        },
                    }),
                    ..MetricSpec::default()
                }]),
                behavior: Some(HorizontalPodAutoscalerBehavior {
                    scale_down: Some(HPAScalingRules {
                        stabilization_window_seconds: Some(300),
                        ..HPAScalingRules::default()
                    }),
                    ..HorizontalPodAutoscalerBehavior::default()
                }),
            }),
            ..HorizontalPodAutoscaler::default()
        }
    }

    /// The disruption budget: at most one zone's share of the pods down at once.
    pub fn disruption_budget(&self) -> PodDisruptionBudget {
        let per_zone = (self.replicas / self.zones.max(1)).max(1);
        PodDisruptionBudget {
            metadata: self.meta(APP),
            spec: Some(PodDisruptionBudgetSpec {
                max_unavailable: Some(IntOrString::Int(per_zone as i32)),
                selector: Some(selector()),
                ..PodDisruptionBudgetSpec::default()
            }),
            ..PodDisruptionBudget::default()
        }
    }

    /// The NetworkPolicy: in, only the HTTP port; out, only the Kafka brokers and DNS.
    pub fn network_policy(&self) -> NetworkPolicy {
        let port = |port: i32, protocol: &str| NetworkPolicyPort {
            port: Some(IntOrString::Int(port)),
            protocol: Some(protocol.into()),
            ..NetworkPolicyPort::default()
        };
        let brokers = NetworkPolicyPeer {
            pod_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([
                    (
                        "strimzi.io/cluster".to_owned(),
                        self.kafka.cluster_name.clone(),
                    ),
                    ("strimzi.io/kind".to_owned(), "Kafka".to_owned()),
                ])),
                ..LabelSelector::default()
            }),
            ..NetworkPolicyPeer::default()
        };
        let dns = NetworkPolicyPeer {
            namespace_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "kubernetes.io/metadata.name".to_owned(),
                    "kube-system".to_owned(),
                )])),
                ..LabelSelector::default()
            }),
            pod_selector: Some(LabelSelector {
                match_labels: Some(BTreeMap::from([(
                    "k8s-app".to_owned(),
                    "kube-dns".to_owned(),
                )])),
                ..LabelSelector::default()
            }),
            ..NetworkPolicyPeer::default()
        };
        NetworkPolicy {
            metadata: self.meta(APP),
            spec: Some(NetworkPolicySpec {
                pod_selector: Some(selector()),
                policy_types: Some(vec!["Ingress".into(), "Egress".into()]),
                ingress: Some(vec![NetworkPolicyIngressRule {
                    from: None,
                    ports: Some(vec![port(i32::from(PORT), "TCP")]),
                }]),
                egress: Some(vec![
                    NetworkPolicyEgressRule {
                        to: Some(vec![brokers]),
                        ports: Some(vec![port(i32::from(self.kafka.port), "TCP")]),
                    },
                    NetworkPolicyEgressRule {
                        to: Some(vec![dns]),
                        ports: Some(vec![port(53, "UDP"), port(53, "TCP")]),
                    },
                ]),
            }),
        }
    }
}
