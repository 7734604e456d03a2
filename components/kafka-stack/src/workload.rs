//! The one way KafkaStack runs an HTTP service next to Kafka (Schema Registry, ksqlDB, Kafka
//! UI): a Deployment, a Service, a PodDisruptionBudget when it has more than one replica, and
//! mutual-TLS access to Kafka with a `KafkaUser`'s certificate.

use std::collections::BTreeMap;

use k8s_openapi::api::apps::v1::{Deployment, DeploymentSpec};
use k8s_openapi::api::core::v1::{
    Container, ContainerPort, EnvVar, EnvVarSource, ObjectFieldSelector, PodSpec, PodTemplateSpec,
    ResourceRequirements, SecretVolumeSource, SecurityContext, Service, ServicePort, ServiceSpec,
    Volume, VolumeMount,
};
use k8s_openapi::api::policy::v1::{PodDisruptionBudget, PodDisruptionBudgetSpec};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::{LabelSelector, ObjectMeta};
use k8s_openapi::apimachinery::pkg::util::intstr::IntOrString;
use platform_core::kubernetes::env_from_secret;

use crate::config::ServiceExposure;

const USER_DIR: &str = "/etc/kafka/user";
const CA_DIR: &str = "/etc/kafka/ca";

/// One HTTP service.
#[derive(Debug, Clone)]
pub struct Workload {
    /// Deployment, Service and pod label name.
    pub name: String,
    /// Its namespace.
    pub namespace: String,
    /// The container image.
    pub image: String,
    /// Pods.
    pub replicas: u32,
    /// The HTTP port.
    pub port: u16,
    /// Environment.
    pub env: Vec<EnvVar>,
    /// Extra volumes beyond the Kafka certificates.
    pub volumes: Vec<Volume>,
    /// Their mounts.
    pub mounts: Vec<VolumeMount>,
    /// CPU and memory.
    pub resources: Option<ResourceRequirements>,
    /// How the Service is exposed.
    pub exposure: ServiceExposure,
    /// The container's security context.
    pub security_context: SecurityContext,
}

/// A plain environment variable.
pub fn env(name: &str, value: impl Into<String>) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: Some(value.into()),
        value_from: None,
    }
}

/// The pod's own IP, for services that advertise a host name.
pub fn env_pod_ip(name: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: None,
        value_from: Some(EnvVarSource {
            field_ref: Some(ObjectFieldSelector {
                field_path: "status.podIP".into(),
                api_version: None,
            }),
            ..Default::default()
        }),
    }
}

/// A Java Kafka client's mutual-TLS settings as environment variables named
/// `<prefix>SECURITY_PROTOCOL`, `<prefix>SSL_KEYSTORE_LOCATION`, ... (the convention of the
/// Confluent images and of Kafka UI): the keystore is `KafkaUser` `user`'s PKCS12 file, the
/// truststore the cluster CA's; both passwords come from their Secrets.
pub fn java_tls_env(prefix: &str, user: &str, ca_secret: &str) -> Vec<EnvVar> {
    vec![
        env(&format!("{prefix}SECURITY_PROTOCOL"), "SSL"),
        env(
            &format!("{prefix}SSL_KEYSTORE_LOCATION"),
            format!("{USER_DIR}/user.p12"),
        ),
        env(&format!("{prefix}SSL_KEYSTORE_TYPE"), "PKCS12"),
        env_from_secret(
            &format!("{prefix}SSL_KEYSTORE_PASSWORD"),
            user,
            "user.password",
        ),
        env(
            &format!("{prefix}SSL_TRUSTSTORE_LOCATION"),
            format!("{CA_DIR}/ca.p12"),
        ),
        env(&format!("{prefix}SSL_TRUSTSTORE_TYPE"), "PKCS12"),
        env_from_secret(
            &format!("{prefix}SSL_TRUSTSTORE_PASSWORD"),
            ca_secret,
            "ca.password",
        ),
    ]
}

/// The volumes and mounts of `user`'s certificate and the cluster CA.
pub fn tls_volumes(user: &str, ca_secret: &str) -> (Vec<Volume>, Vec<VolumeMount>) {
    let secret_volume = |name: &str, secret: &str| Volume {
        name: name.into(),
        secret: Some(SecretVolumeSource {
            secret_name: Some(secret.into()),
            ..Default::default()
        }),
        ..Default::default()
    };
    let mount = |name: &str, path: &str| VolumeMount {
        name: name.into(),
        mount_path: path.into(),
        read_only: Some(true),
        ..Default::default()
    };
    (
        vec![
            secret_volume("kafka-user", user),
            secret_volume("kafka-ca", ca_secret),
        ],
        vec![mount("kafka-user", USER_DIR), mount("kafka-ca", CA_DIR)],
    )
}

impl Workload {
    fn labels(&self) -> BTreeMap<String, String> {
        BTreeMap::from([
            ("app.kubernetes.io/name".to_owned(), self.name.clone()),
            (
                "app.kubernetes.io/part-of".to_owned(),
                "heartbeat-platform".to_owned(),
            ),
        ])
    }

    fn meta(&self) -> ObjectMeta {
        ObjectMeta {
            name: Some(self.name.clone()),
            namespace: Some(self.namespace.clone()),
            labels: Some(self.labels()),
            ..Default::default()
        }
    }

    fn selector(&self) -> LabelSelector {
        LabelSelector {
            match_labels: Some(self.labels()),
            ..Default::default()
        }
    }

    /// The in-cluster URL of the Service.
    pub fn url(&self) -> String {
        format!("http://{}.{}.svc:{}", self.name, self.namespace, self.port)
    }

    /// The Deployment.
    pub fn deployment(&self) -> Deployment {
        Deployment {
            metadata: self.meta(),
            spec: Some(DeploymentSpec {
                replicas: Some(self.replicas as i32),
                selector: self.selector(),
                template: PodTemplateSpec {
                    metadata: Some(ObjectMeta {
                        labels: Some(self.labels()),
                        ..Default::default()
                    }),
                    spec: Some(PodSpec {
                        containers: vec![Container {
                            name: self.name.clone(),
                            image: Some(self.image.clone()),
                            ports: Some(vec![ContainerPort {
                                name: Some("http".into()),
                                container_port: i32::from(self.port),
                                ..Default::default()
                            }]),
                            env: Some(self.env.clone()),
                            volume_mounts: Some(self.mounts.clone()),
                            resources: self.resources.clone(),
                            security_context: Some(self.security_context.clone()),
                            ..Default::default()
                        }],
                        volumes: Some(self.volumes.clone()),
                        ..Default::default()
                    }),
                },
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// The Service.
    pub fn service(&self) -> Service {
        Service {
            metadata: ObjectMeta {
                annotations: self.exposure.annotations(),
                ..self.meta()
            },
            spec: Some(ServiceSpec {
                type_: Some(self.exposure.service_type().into()),
                load_balancer_class: self
                    .exposure
                    .scheme()
                    .map(|_| crate::config::NLB_CLASS.to_owned()),
                selector: Some(self.labels()),
                ports: Some(vec![ServicePort {
                    name: Some("http".into()),
                    port: i32::from(self.port),
                    target_port: Some(IntOrString::String("http".into())),
                    ..Default::default()
                }]),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    /// A PodDisruptionBudget allowing one pod down, when there is more than one.
    pub fn disruption_budget(&self) -> Option<PodDisruptionBudget> {
        (self.replicas > 1).then(|| PodDisruptionBudget {
            metadata: self.meta(),
            spec: Some(PodDisruptionBudgetSpec {
                max_unavailable: Some(IntOrString::Int(1)),
                selector: Some(self.selector()),
                ..Default::default()
            }),
            ..Default::default()
        })
    }
}
