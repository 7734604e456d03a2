//! Kubernetes objects as Pulumi resources: typed `k8s-openapi` and `kube::CustomResource`
//! structs, with Pulumi outputs laid over fields that come from other resources.

use k8s_openapi::api::core::v1::{
    Capabilities, EnvVar, EnvVarSource, Namespace, SeccompProfile, SecretKeySelector,
    SecurityContext,
};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use pulumi_runtime::{Output, ProviderResource, ResourceOptions};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::scope::ComponentScope;

/// The kubernetes provider plugin version the program asks for.
pub const KUBERNETES_PROVIDER_VERSION: &str = "4.25.0";

/// The Pulumi type token of a Kubernetes kind: `kubernetes:<group or core>/<version>:<Kind>`.
pub fn type_token<K: kube::Resource<DynamicType = ()>>() -> String {
    let group = K::group(&());
    let group = if group.is_empty() {
        "core"
    } else {
        group.as_ref()
    };
    format!("kubernetes:{group}/{}:{}", K::version(&()), K::kind(&()))
}

/// A typed Kubernetes object plus outputs laid over some of its fields (a secret's data from a
/// Pulumi secret, an address from another resource).
#[derive(Clone)]
pub struct Manifest<K> {
    object: K,
    overlays: Vec<(String, Output<Value>)>,
}

impl<K: kube::Resource<DynamicType = ()> + Serialize> Manifest<K> {
    /// The object as it is.
    pub fn new(object: K) -> Self {
        Self {
            object,
            overlays: Vec::new(),
        }
    }

    /// Sets the field at the JSON pointer `pointer` (such as `/stringData/password`) to the
    /// output's value; missing parent objects are created.
    pub fn with_output<T>(mut self, pointer: &str, value: Output<T>) -> Self
    where
        T: Serialize + Clone + Send + Sync + 'static,
    {
        let value = value.map(|v| serde_json::to_value(v).unwrap_or(Value::Null));
        self.overlays.push((pointer.to_owned(), value));
        self
    }

    /// The typed object.
    pub fn object(&self) -> &K {
        &self.object
    }

    /// `<kind>-<namespace>-<name>`, lower case: unique within a component.
    pub fn name_part(&self) -> String {
        let meta = self.object.meta();
        let kind = K::kind(&()).to_ascii_lowercase();
        let name = meta.name.clone().unwrap_or_default();
        match &meta.namespace {
            Some(namespace) => format!("{kind}-{namespace}-{name}"),
            None => format!("{kind}-{name}"),
        }
    }
}

impl<K: Serialize> Serialize for Manifest<K> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut tree = serde_json::to_value(&self.object).map_err(serde::ser::Error::custom)?;
        for (pointer, output) in &self.overlays {
            // Serialising the output inside the runtime's input collection leaves its placeholder.
            let placeholder = serde_json::to_value(output).map_err(serde::ser::Error::custom)?;
            set_pointer(&mut tree, pointer, placeholder);
        }
        tree.serialize(serializer)
    }
}

fn set_pointer(tree: &mut Value, pointer: &str, value: Value) {
    let mut node = tree;
    let parts: Vec<&str> = pointer.trim_start_matches('/').split('/').collect();
    for part in &parts[..parts.len() - 1] {
        if !node.get(*part).is_some_and(Value::is_object) {
            node[*part] = Value::Object(Default::default());
        }
        node = &mut node[*part];
    }
    node[parts[parts.len() - 1]] = value;
}

/// Whether `value` is a Kubernetes DNS label (RFC 1123, starting with a letter).
pub fn is_dns_label(value: &str) -> bool {
    (1..=63).contains(&value.len())
        && value.starts_with(|c: char| c.is_ascii_lowercase())
        && !value.ends_with('-')
        && value
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// A Namespace object named `name`.
pub fn namespace(name: &str) -> Namespace {
    Namespace {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        ..Namespace::default()
    }
}

/// An environment variable read from key `key` of Secret `secret`.
pub fn env_from_secret(name: &str, secret: &str, key: &str) -> EnvVar {
    EnvVar {
        name: name.into(),
        value_from: Some(EnvVarSource {
            secret_key_ref: Some(SecretKeySelector {
                name: secret.into(),
                key: key.into(),
                optional: None,
            }),
            ..EnvVarSource::default()
        }),
        ..EnvVar::default()
    }
}

/// The container security context every workload of ours runs with (the Kubernetes
/// "restricted" profile): non-root, no privilege escalation, every capability dropped, the
/// runtime's default seccomp profile; `user` pins the uid and gid, and `read_only_root` makes
/// the root filesystem read-only (for images known not to write outside their volumes).
pub fn restricted_security_context(user: Option<i64>, read_only_root: bool) -> SecurityContext {
    SecurityContext {
        run_as_non_root: Some(true),
        run_as_user: user,
        run_as_group: user,
        read_only_root_filesystem: Some(read_only_root),
        allow_privilege_escalation: Some(false),
        capabilities: Some(Capabilities {
            drop: Some(vec!["ALL".into()]),
            add: None,
        }),
        seccomp_profile: Some(SeccompProfile {
            type_: "RuntimeDefault".into(),
            localhost_profile: None,
        }),
        ..SecurityContext::default()
    }
}

/// A short digest of `parts` that is stable across builds and Rust releases (64-bit FNV-1a
/// over the parts joined by zero bytes, as 16 hex digits): Jobs carry it in their names, so
/// changed content makes a new Job and unchanged content none.
pub fn content_digest<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for (index, part) in parts.into_iter().enumerate() {
        let separator = (index > 0).then_some(0u8);
        for byte in separator.into_iter().chain(part.bytes()) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

/// How the kubernetes provider reaches its cluster.
#[derive(Debug, Clone)]
pub enum ClusterAccess {
    /// A kubeconfig (secret), typically built from an EKS cluster's outputs.
    Kubeconfig(Output<String>),
    /// No cluster: render every object as YAML into this directory (offline synth).
    RenderToDirectory(String),
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ProviderInputs {
    #[serde(skip_serializing_if = "Option::is_none")]
    kubeconfig: Option<Output<String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    render_yaml_to_directory: Option<String>,
    enable_server_side_apply: String,
}

/// A kubernetes provider that writes every object as YAML under `directory`, registered under
/// a component of its own (`heartbeat:kubernetes:RenderTarget`): what stands in for
/// EksCluster's provider when one component is rendered alone (its tests, or a look at its
/// manifests without a cluster).
pub fn render_target(ctx: &pulumi_runtime::Context, directory: &str) -> ProviderResource {
    let scope = ComponentScope::new(
        ctx,
        "kubernetes",
        "RenderTarget",
        "render",
        ResourceOptions::new(),
    );
    register_provider(
        &scope,
        ClusterAccess::RenderToDirectory(directory.to_owned()),
        ResourceOptions::new(),
    )
}

/// Registers a kubernetes provider under `scope` for `access`; `options` carries the
/// dependencies (the cluster and its node groups).
pub fn register_provider(
    scope: &ComponentScope,
    access: ClusterAccess,
    options: ResourceOptions,
) -> ProviderResource {
    let inputs = match access {
        ClusterAccess::Kubeconfig(kubeconfig) => ProviderInputs {
            kubeconfig: Some(kubeconfig.into_secret()),
            render_yaml_to_directory: None,
            enable_server_side_apply: "true".into(),
        },
        ClusterAccess::RenderToDirectory(directory) => ProviderInputs {
            kubeconfig: None,
            render_yaml_to_directory: Some(directory),
            enable_server_side_apply: "false".into(),
        },
    };
    scope.ctx().register_provider(
        "kubernetes",
        &scope.child_name("kubernetes"),
        &inputs,
        options
            .parent(scope.component())
            .version(KUBERNETES_PROVIDER_VERSION),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use k8s_openapi::api::apps::v1::Deployment;
    use k8s_openapi::api::core::v1::Secret;

    #[test]
    fn type_tokens_follow_the_provider_schema() {
        assert_eq!(type_token::<Deployment>(), "kubernetes:apps/v1:Deployment");
        assert_eq!(type_token::<Secret>(), "kubernetes:core/v1:Secret");
    }

    #[test]
    fn digests_are_fnv1a_and_separate_parts() {
        // The published FNV-1a 64 test vectors for "" and "a".
        assert_eq!(content_digest([""]), "cbf29ce484222325");
        assert_eq!(content_digest(["a"]), "af63dc4c8601ec8c");
        assert_ne!(content_digest(["ab", "c"]), content_digest(["a", "bc"]));
        assert_eq!(content_digest(["x"]), content_digest(["x"]));
    }

    #[test]
    fn pointers_create_missing_objects() {
        let mut tree = serde_json::json!({"metadata": {"name": "x"}});
        set_pointer(&mut tree, "/stringData/password", Value::from("p"));
        set_pointer(&mut tree, "/metadata/namespace", Value::from("ns"));
        assert_eq!(
            tree,
            serde_json::json!({"metadata": {"name": "x", "namespace": "ns"}, "stringData": {"password": "p"}})
        );
    }
}
