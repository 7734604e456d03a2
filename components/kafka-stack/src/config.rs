//! Config section `heartbeat-platform:kafka`, its defaults and its checks.

use k8s_openapi::api::core::v1::ResourceRequirements;
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use platform_core::Problems;
use platform_core::capacity::Sizing;
pub use platform_core::helm::OperatorInstall;
use platform_core::kubernetes::is_dns_label;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Config section `heartbeat-platform:kafka`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct KafkaConfig {
    /// The namespace Kafka, its operator's watch and every Kafka custom resource live in.
    pub namespace: String,
    /// The namespace of the Strimzi operator itself.
    pub operator_namespace: String,
    /// How the Strimzi operator gets onto the cluster.
    pub operator_install: OperatorInstall,
    /// A local Strimzi chart (directory or `.tgz`) instead of the vendor's repository, for
    /// air-gapped deploys.
    pub operator_chart_path: Option<String>,
    /// The Kafka cluster's name (`Kafka` resource name; prefixes its services).
    pub cluster_name: String,
    /// The Kafka version; unset means the Strimzi release's default.
    pub kafka_version: Option<String>,
    /// Brokers; unset means the capacity model's figure.
    pub brokers: Option<u32>,
    /// Partitions of the heartbeats topic; unset means the capacity model's figure.
    pub heartbeat_partitions: Option<u32>,
    /// Partitions of the small output topics (keyed by video or ad).
    pub license_partitions: u32,
    /// Replication factor of every topic (3 in prod; dev may run 1 broker with 1).
    pub replication_factor: u32,
    /// `min.insync.replicas`: below the replication factor, so one broker may be down.
    pub min_insync_replicas: u32,
    /// Hours raw and intermediate topics keep records.
    pub retention_hours: u32,
    /// Hours output and dead-letter topics keep records.
    pub output_retention_hours: u32,
    /// The StorageClass of every Kafka volume (default `gp3-retain`: volumes outlive their
    /// claims, see [`eks_cluster::storage_class::RETAINED_NAME`]).
    pub storage_class: String,
    /// Disk per KRaft controller, GiB (the metadata log is small).
    pub controller_disk_gib: u64,
    /// CPU, memory and heap per broker.
    pub broker_resources: NodeResources,
    /// CPU, memory and heap per controller.
    pub controller_resources: NodeResources,
    /// Kafka Connect.
    pub connect: ConnectConfig,
    /// ksqlDB servers; unset means the capacity model's figure.
    pub ksql_servers: Option<u32>,
    /// CPU, memory and heap per ksqlDB server.
    pub ksql_resources: NodeResources,
    /// How Schema Registry, ksqlDB and Kafka UI are exposed.
    pub service_type: ServiceExposure,
}

/// CPU, memory and JVM heap of one pod.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct NodeResources {
    /// CPU request, a Kubernetes quantity (`2`, `500m`).
    pub cpu: String,
    /// Memory request and limit (`8Gi`).
    pub memory: String,
    /// JVM heap (`-Xms` and `-Xmx`, such as `4g`): about half the memory.
    pub heap: String,
}

impl NodeResources {
    fn new(cpu: &str, memory: &str, heap: &str) -> Self {
        Self {
            cpu: cpu.into(),
            memory: memory.into(),
            heap: heap.into(),
        }
    }

    /// Requests of `cpu` and `memory`, and a memory limit equal to the request.
    pub fn requirements(&self) -> ResourceRequirements {
        let quantity = |value: &str| Quantity(value.to_owned());
        ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".to_owned(), quantity(&self.cpu)),
                ("memory".to_owned(), quantity(&self.memory)),
            ])),
            limits: Some(BTreeMap::from([(
                "memory".to_owned(),
                quantity(&self.memory),
            )])),
            ..Default::default()
        }
    }

    fn validate(&self, field: &str, problems: &mut Problems) {
        for (part, value) in [("cpu", &self.cpu), ("memory", &self.memory)] {
            problems.check(
                is_quantity(value),
                &format!("{field}.{part}"),
                value,
                "use a Kubernetes quantity such as 2, 500m, 8Gi",
            );
        }
        let heap_ok = self.heap.len() > 1
            && self.heap[..self.heap.len() - 1]
                .bytes()
                .all(|b| b.is_ascii_digit())
            && matches!(self.heap.as_bytes()[self.heap.len() - 1], b'm' | b'g');
        problems.check(
            heap_ok,
            &format!("{field}.heap"),
            &self.heap,
            "use a JVM size such as 512m or 4g (about half the memory)",
        );
    }
}

fn is_quantity(value: &str) -> bool {
    let digits = value.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let suffix = &value[digits.len()..];
    !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && ["", "m", "k", "M", "G", "T", "Ki", "Mi", "Gi", "Ti"].contains(&suffix)
}

/// Kafka Connect settings (`heartbeat-platform:kafka.connect`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct ConnectConfig {
    /// Workers; unset means the capacity model's figure.
    pub workers: Option<u32>,
    /// Where Strimzi pushes the Connect image it builds with the plugins (a registry
    /// repository the cluster can pull from) and its tag; unset: an ECR repository that
    /// KafkaStack creates, pushed to through the build's own IAM role.
    pub build_image: Option<String>,
    /// A Secret with push credentials for that registry, if it needs one.
    pub push_secret: Option<String>,
    /// CPU, memory and heap per worker.
    pub resources: NodeResources,
}

impl Default for ConnectConfig {
    fn default() -> Self {
        Self {
            workers: None,
            build_image: None,
            push_secret: None,
            resources: NodeResources::new("1", "4Gi", "2g"),
        }
    }
}

/// How the HTTP services (Schema Registry, ksqlDB, Kafka UI) are reachable. None of them
/// authenticates its clients, so a load balancer is internal unless the config says otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum ServiceExposure {
    /// Inside the cluster only.
    #[default]
    ClusterIP,
    /// Through an internal Network Load Balancer as well (reachable from the VPC and what is
    /// routed to it), made by the AWS Load Balancer Controller.
    LoadBalancer,
    /// Through an internet-facing Network Load Balancer: anyone on the internet reaches
    /// services that have no authentication. An explicit opt-in, for short-lived test stacks.
    PublicLoadBalancer,
}

/// The `loadBalancerClass` that hands a Service to the AWS Load Balancer Controller (an NLB)
/// instead of the in-tree cloud provider, which would make an internet-facing Classic LB.
pub const NLB_CLASS: &str = "service.k8s.aws/nlb";

impl ServiceExposure {
    /// The Service `type`.
    pub fn service_type(self) -> &'static str {
        match self {
            Self::ClusterIP => "ClusterIP",
            Self::LoadBalancer | Self::PublicLoadBalancer => "LoadBalancer",
        }
    }

    /// The load balancer's scheme (`None` without one).
    pub fn scheme(self) -> Option<&'static str> {
        match self {
            Self::ClusterIP => None,
            Self::LoadBalancer => Some("internal"),
            Self::PublicLoadBalancer => Some("internet-facing"),
        }
    }

    /// The Service annotations the AWS Load Balancer Controller reads: the scheme, spelt out
    /// (the controller's default is internal, but an existing NLB keeps its scheme when the
    /// annotation is absent), and pod IPs as targets.
    pub fn annotations(self) -> Option<BTreeMap<String, String>> {
        self.scheme().map(|scheme| {
            BTreeMap::from([
                (
                    "service.beta.kubernetes.io/aws-load-balancer-scheme".to_owned(),
                    scheme.to_owned(),
                ),
                (
                    "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type".to_owned(),
                    "ip".to_owned(),
                ),
            ])
        })
    }
}

impl Default for KafkaConfig {
    fn default() -> Self {
        Self {
            namespace: "kafka".into(),
            operator_namespace: "strimzi".into(),
            operator_install: OperatorInstall::Helm,
            operator_chart_path: None,
            cluster_name: "heartbeat".into(),
            kafka_version: None,
            brokers: None,
            heartbeat_partitions: None,
            license_partitions: 3,
            replication_factor: 3,
            min_insync_replicas: 2,
            retention_hours: 168,
            output_retention_hours: 720,
            storage_class: eks_cluster::storage_class::RETAINED_NAME.into(),
            controller_disk_gib: 20,
            broker_resources: NodeResources::new("2", "8Gi", "4g"),
            controller_resources: NodeResources::new("500m", "2Gi", "1g"),
            connect: ConnectConfig::default(),
            ksql_servers: None,
            ksql_resources: NodeResources::new("2", "8Gi", "3g"),
            service_type: ServiceExposure::ClusterIP,
        }
    }
}

impl KafkaConfig {
    /// The broker count: the override, else the capacity model's.
    pub fn brokers(&self, sizing: &Sizing) -> u32 {
        self.brokers.unwrap_or(sizing.kafka_brokers)
    }

    /// The heartbeats topic's partitions: the override, else the capacity model's.
    pub fn heartbeat_partitions(&self, sizing: &Sizing) -> u32 {
        self.heartbeat_partitions
            .unwrap_or(sizing.heartbeat_partitions)
    }

    /// Connect workers: the override, else the capacity model's.
    pub fn connect_workers(&self, sizing: &Sizing) -> u32 {
        self.connect.workers.unwrap_or(sizing.connect_workers)
    }

    /// ksqlDB servers: the override, else the capacity model's.
    pub fn ksql_servers(&self, sizing: &Sizing) -> u32 {
        self.ksql_servers.unwrap_or(sizing.ksql_servers)
    }

    /// Checks the section against the sizing and the zone count.
    pub fn validate(&self, sizing: &Sizing, zones: usize, problems: &mut Problems) {
        let brokers = self.brokers(sizing);
        problems.check(brokers >= 1, "brokers", brokers, "run at least 1 broker");
        problems.check(
            self.replication_factor >= 1 && self.replication_factor <= brokers,
            "replicationFactor",
            self.replication_factor,
            format!("must be from 1 to the broker count ({brokers}); add brokers or lower it"),
        );
        let isr_ok = if self.replication_factor == 1 {
            self.min_insync_replicas == 1
        } else {
            self.min_insync_replicas >= 1 && self.min_insync_replicas < self.replication_factor
        };
        problems.check(
            isr_ok,
            "minInsyncReplicas",
            self.min_insync_replicas,
            format!(
                "must be below the replication factor ({}) so a broker can be down without stopping writes (1 when the factor is 1)",
                self.replication_factor
            ),
        );
        problems.check(
            brokers == 1 || brokers as usize >= zones,
            "brokers",
            brokers,
            format!("{brokers} brokers cannot spread over {zones} zones; use 1 (dev) or at least {zones}"),
        );
        if let Some(partitions) = self.heartbeat_partitions {
            problems.check(
                partitions >= 1,
                "heartbeatPartitions",
                partitions,
                "use at least 1 partition",
            );
        }
        problems.check(
            self.license_partitions >= 1,
            "licensePartitions",
            self.license_partitions,
            "use at least 1 partition",
        );
        for (field, value) in [
            ("namespace", &self.namespace),
            ("operatorNamespace", &self.operator_namespace),
            ("clusterName", &self.cluster_name),
        ] {
            problems.check(
                is_dns_label(value),
                field,
                value,
                "use a DNS label: 1 to 63 lower-case letters, digits or '-', starting with a letter",
            );
        }
        for (field, hours) in [
            ("retentionHours", self.retention_hours),
            ("outputRetentionHours", self.output_retention_hours),
        ] {
            problems.check(hours >= 1, field, hours, "keep records at least 1 hour");
        }
        problems.check(
            !self.storage_class.is_empty(),
            "storageClass",
            &self.storage_class,
            "name the StorageClass of the Kafka volumes (gp3 on EKS)",
        );
        problems.check(
            self.controller_disk_gib >= 1,
            "controllerDiskGib",
            self.controller_disk_gib,
            "give each controller at least 1 GiB",
        );
        self.broker_resources.validate("brokerResources", problems);
        self.controller_resources
            .validate("controllerResources", problems);
        self.ksql_resources.validate("ksqlResources", problems);
        self.connect
            .resources
            .validate("connect.resources", problems);
        if let Some(image) = &self.connect.build_image {
            problems.check(
                !image.is_empty() && !image.contains(' '),
                "connect.buildImage",
                image,
                "give the registry repository and tag Strimzi pushes the Connect image to, such as registry.example.com/heartbeat-connect:3.3.1, or remove the key for an ECR repository",
            );
        }
        for (field, count) in [
            ("connect.workers", self.connect.workers),
            ("ksqlServers", self.ksql_servers),
        ] {
            if let Some(count) = count {
                problems.check(count >= 1, field, count, "run at least 1");
            }
        }
    }
}
