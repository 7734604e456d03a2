//! Kubernetes objects as Pulumi resources: typed `k8s-openapi` and `kube::CustomResource`
//! structs, with Pulumi outputs laid over fields that come from other resources.

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
