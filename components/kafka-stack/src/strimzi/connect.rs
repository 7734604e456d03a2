//! `KafkaConnect` (a Connect cluster whose image Strimzi builds with our plugins) and
//! `KafkaConnector` (one connector, managed as a resource).

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::ResourceRequirements;
use kube::CustomResource;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::common::{JvmOptions, MetricsConfig, Rack, ResourceTemplate};

/// The annotation that makes a Connect cluster take its connectors from `KafkaConnector`
/// resources (and nothing else).
pub const USE_CONNECTOR_RESOURCES: &str = "strimzi.io/use-connector-resources";

/// `KafkaConnect.spec`.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "kafka.strimzi.io",
    version = "v1",
    kind = "KafkaConnect",
    namespaced,
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct KafkaConnectSpec {
    /// Workers.
    pub replicas: u32,
    /// The Kafka bootstrap address.
    pub bootstrap_servers: String,
    /// The Connect group id.
    pub group_id: String,
    /// Topic of connector configurations.
    pub config_storage_topic: String,
    /// Topic of connector and task status.
    pub status_storage_topic: String,
    /// Topic of source offsets.
    pub offset_storage_topic: String,
    /// Which CA the workers trust.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tls: Option<ClientTls>,
    /// How the workers authenticate to Kafka.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub authentication: Option<ClientAuthentication>,
    /// Worker configuration.
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, Value>,
    /// CPU and memory per worker.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resources: Option<ResourceRequirements>,
    /// JVM heap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub jvm_options: Option<JvmOptions>,
    /// Rack awareness (consumers fetch from the closest replica).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rack: Option<Rack>,
    /// Prometheus metrics.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metrics_config: Option<MetricsConfig>,
    /// The image build with the connector plugins.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub build: Option<ConnectBuild>,
    /// Templates of the generated objects.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub template: Option<ConnectTemplate>,
}

/// `KafkaConnect.spec.template`.
pub type ConnectTemplate = ResourceTemplate;

/// The certificates a client trusts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClientTls {
    /// Secrets holding CA certificates.
    pub trusted_certificates: Vec<TrustedCertificate>,
}

/// CA certificates in a Secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TrustedCertificate {
    /// The Secret (`<cluster>-cluster-ca-cert`).
    pub secret_name: String,
    /// The keys to load, as a glob (`*.crt`).
    pub pattern: String,
}

/// Client authentication of a Strimzi-managed client.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum ClientAuthentication {
    /// Mutual TLS with a `KafkaUser`'s certificate.
    #[serde(rename = "tls")]
    Tls {
        /// Where the certificate is.
        #[serde(rename = "certificateAndKey")]
        certificate_and_key: CertificateAndKey,
    },
}

/// A certificate and its key in a Secret.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateAndKey {
    /// The Secret (a `KafkaUser`'s, named like the user).
    pub secret_name: String,
    /// The certificate's key in it (`user.crt`).
    pub certificate: String,
    /// The private key's key in it (`user.key`).
    pub key: String,
}

impl CertificateAndKey {
    /// The certificate Strimzi's user operator writes for `KafkaUser` `user`.
    pub fn of_user(user: &str) -> Self {
        Self {
            secret_name: user.to_owned(),
            certificate: "user.crt".into(),
            key: "user.key".into(),
        }
    }
}

/// `KafkaConnect.spec.build`: Strimzi builds an image with these plugins and pushes it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConnectBuild {
    /// Where the image goes.
    pub output: BuildOutput,
    /// The plugins.
    pub plugins: Vec<BuildPlugin>,
}

/// The built image's destination.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BuildOutput {
    /// `docker`: a container registry.
    #[serde(rename = "type")]
    pub output_type: String,
    /// The image reference.
    pub image: String,
    /// A Secret with registry credentials, if it needs them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub push_secret: Option<String>,
}

/// One plugin: a directory of artifacts on the plugin path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BuildPlugin {
    /// The plugin's directory name.
    pub name: String,
    /// Its artifacts.
    pub artifacts: Vec<BuildArtifact>,
}

/// A plugin artifact.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum BuildArtifact {
    /// An archive at a URL, checked against its SHA-512.
    Tgz {
        /// Where to download it.
        url: String,
        /// Its SHA-512, hex.
        sha512sum: String,
    },
    /// A Maven artifact with its runtime dependencies (Strimzi has no checksum for these; the
    /// version pins them).
    Maven {
        /// The repository URL.
        repository: String,
        /// `groupId`.
        group: String,
        /// `artifactId`.
        artifact: String,
        /// The version.
        version: String,
    },
}

/// `KafkaConnector.spec`.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "kafka.strimzi.io",
    version = "v1",
    kind = "KafkaConnector",
    namespaced,
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct KafkaConnectorSpec {
    /// The connector class.
    pub class: String,
    /// The most tasks it may run.
    pub tasks_max: u32,
    /// Its configuration; secrets only as config-provider references.
    pub config: BTreeMap<String, Value>,
}

impl KafkaConnector {
    /// A connector named `name` in `namespace`, run by the Connect cluster `connect_cluster`.
    pub fn for_cluster(
        name: &str,
        namespace: &str,
        connect_cluster: &str,
        spec: KafkaConnectorSpec,
    ) -> Self {
        let mut connector = KafkaConnector::new(name, spec);
        connector.metadata.namespace = Some(namespace.to_owned());
        connector.metadata.labels = Some(super::cluster_labels(connect_cluster));
        connector
    }
}
