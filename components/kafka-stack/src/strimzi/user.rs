//! The `KafkaUser` resource: a client identity (a TLS certificate in a Secret of the user's
//! name) and its ACLs.

use kube::CustomResource;
use serde::{Deserialize, Serialize};

use super::kafka::ListenerAuthentication;

/// `KafkaUser.spec`.
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "kafka.strimzi.io",
    version = "v1",
    kind = "KafkaUser",
    namespaced,
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct KafkaUserSpec {
    /// How the user authenticates; `tls` makes the operator issue a client certificate.
    pub authentication: ListenerAuthentication,
    /// What the user may do.
    pub authorization: UserAuthorization,
}

/// `simple` authorization: a list of ACL rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UserAuthorization {
    /// Always `simple` here.
    #[serde(rename = "type")]
    pub authorization_type: String,
    /// The rules.
    pub acls: Vec<AclRule>,
}

/// One ACL rule: allow `operations` on `resource`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AclRule {
    /// What the rule applies to.
    pub resource: AclResource,
    /// The allowed operations.
    pub operations: Vec<AclOperation>,
}

/// A resource an ACL names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum AclResource {
    /// A topic, by exact name or prefix.
    Topic {
        /// The name or prefix.
        name: String,
        /// `literal` or `prefix`.
        #[serde(rename = "patternType")]
        pattern_type: String,
    },
    /// A consumer group, by exact name or prefix.
    Group {
        /// The name or prefix.
        name: String,
        /// `literal` or `prefix`.
        #[serde(rename = "patternType")]
        pattern_type: String,
    },
    /// A transactional id, by exact name or prefix.
    TransactionalId {
        /// The name or prefix.
        name: String,
        /// `literal` or `prefix`.
        #[serde(rename = "patternType")]
        pattern_type: String,
    },
    /// The cluster itself.
    Cluster,
}

impl AclResource {
    /// The topic named exactly `name` (`*`: every topic).
    pub fn topic(name: &str) -> Self {
        Self::Topic {
            name: name.into(),
            pattern_type: "literal".into(),
        }
    }

    /// Every topic whose name starts with `prefix`.
    pub fn topic_prefix(prefix: &str) -> Self {
        Self::Topic {
            name: prefix.into(),
            pattern_type: "prefix".into(),
        }
    }

    /// The consumer group named exactly `name` (`*`: every group).
    pub fn group(name: &str) -> Self {
        Self::Group {
            name: name.into(),
            pattern_type: "literal".into(),
        }
    }

    /// Every consumer group whose name starts with `prefix`.
    pub fn group_prefix(prefix: &str) -> Self {
        Self::Group {
            name: prefix.into(),
            pattern_type: "prefix".into(),
        }
    }

    /// Every transactional id that starts with `prefix`.
    pub fn transactional_id_prefix(prefix: &str) -> Self {
        Self::TransactionalId {
            name: prefix.into(),
            pattern_type: "prefix".into(),
        }
    }
}

/// A Kafka ACL operation (the ones heartbeat-platform grants).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AclOperation {
    /// Consume, or join a group.
    Read,
    /// Produce.
    Write,
    /// Create topics.
    Create,
    /// Delete topics.
    Delete,
    /// Read metadata.
    Describe,
    /// Read topic configuration.
    DescribeConfigs,
    /// Produce idempotently (cluster level).
    IdempotentWrite,
}
