//! Resource handles and the options the engine understands.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::output::{Output, OutputError, Resolved};
use crate::{Urn, wire};

/// What the engine answered for a registered resource.
#[derive(Debug, Clone)]
pub(crate) struct Registered {
    pub urn: Urn,
    /// Empty for components, and for custom resources whose id is not known yet (preview).
    pub id: String,
    /// The resource's output properties in wire form.
    pub outputs: Map<String, Value>,
    pub dry_run: bool,
}

/// A registered resource of any kind: its URN and its output properties.
#[derive(Debug, Clone)]
pub struct Resource {
    pub(crate) type_token: String,
    pub(crate) name: String,
    pub(crate) registered: Output<Registered>,
}

/// Anything that is a resource: it can be a parent or a dependency.
pub trait AsResource {
    /// The underlying resource.
    fn resource(&self) -> &Resource;

    /// The resource's URN; depending on it depends on the resource.
    fn urn(&self) -> Output<Urn> {
        self.resource().urn()
    }
}

impl AsResource for Resource {
    fn resource(&self) -> &Resource {
        self
    }
}

impl Resource {
    /// The type token, such as `aws:ec2/vpc:Vpc`.
    pub fn type_token(&self) -> &str {
        &self.type_token
    }

    /// The logical name given at registration.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The URN, depending on this resource.
    pub fn urn(&self) -> Output<Urn> {
        self.registered.map(|r| r.urn)
    }

    /// An output property, read as `T`. Unknown during a preview when the engine does not know
    /// it yet; secret when the engine marks it secret; depends on this resource.
    pub fn output<T>(&self, property: &str) -> Output<T>
    where
        T: DeserializeOwned + Clone + Send + Sync + 'static,
    {
        let property = property.to_owned();
        let registered = self.registered.clone();
        let name = self.name.clone();
        Output::from_future(async move {
            let resolved = registered.resolve().await?;
            let deps = resolved.deps;
            let Some(registered) = resolved.value else {
                return Ok(Resolved {
                    value: None,
                    secret: false,
                    deps,
                });
            };
            let (value, secret) = match registered.outputs.get(&property) {
                Some(raw) => wire::decode(raw),
                None if registered.dry_run => (None, false),
                None => (Some(Value::Null), false),
            };
            let value = value
                .map(|v| {
                    serde_json::from_value::<T>(v).map_err(|e| {
                        OutputError::new(format!(
                            "output `{property}` of resource `{name}` has an unexpected shape: {e}"
                        ))
                    })
                })
                .transpose()?;
            Ok(Resolved {
                value,
                secret,
                deps,
            })
        })
    }
}

/// A resource managed by a provider (an AWS VPC, a Kubernetes Deployment, ...).
#[derive(Debug, Clone)]
pub struct CustomResource(pub(crate) Resource);

impl CustomResource {
    /// The provider-assigned id; unknown during a preview of a resource not yet created.
    pub fn id(&self) -> Output<String> {
        let registered = self.0.registered.clone();
        Output::from_future(async move {
            let resolved = registered.resolve().await?;
            let value = resolved
                .value
                .and_then(|r| (!r.id.is_empty()).then_some(r.id));
            Ok(Resolved {
                value,
                secret: false,
                deps: resolved.deps,
            })
        })
    }
}

impl AsResource for CustomResource {
    fn resource(&self) -> &Resource {
        &self.0
    }
}

impl std::ops::Deref for CustomResource {
    type Target = Resource;
    fn deref(&self) -> &Resource {
        &self.0
    }
}

/// An explicit provider instance (`pulumi:providers:<package>`), such as a Kubernetes provider
/// pointed at a cluster's kubeconfig.
#[derive(Debug, Clone)]
pub struct ProviderResource {
    pub(crate) custom: CustomResource,
    pub(crate) package: String,
}

impl ProviderResource {
    /// The package this provider serves (`aws`, `kubernetes`).
    pub fn package(&self) -> &str {
        &self.package
    }

    /// The `urn::id` reference the engine expects in a resource's `provider` option.
    pub fn reference(&self) -> Output<String> {
        let id = self.custom.id().resolve_or_unknown();
        self.urn()
            .zip(&id)
            .map(|(urn, id)| format!("{}::{id}", urn.0))
    }
}

impl AsResource for ProviderResource {
    fn resource(&self) -> &Resource {
        &self.custom.0
    }
}

/// A component resource: a logical group whose children are parented to it.
#[derive(Debug, Clone)]
pub struct ComponentResource(pub(crate) Resource);

impl AsResource for ComponentResource {
    fn resource(&self) -> &Resource {
        &self.0
    }
}

impl Output<String> {
    /// An id that is unknown resolves to the unknown sentinel: references must still be sent.
    fn resolve_or_unknown(self) -> Output<String> {
        Output::from_future(async move {
            let mut resolved = self.resolve().await?;
            resolved.value = Some(resolved.value.unwrap_or_else(|| wire::UNKNOWN.to_owned()));
            Ok(resolved)
        })
    }
}

/// Another identity a resource had before, so the engine moves it instead of replacing it.
#[derive(Debug, Clone)]
pub enum Alias {
    /// The old URN, verbatim.
    Urn(String),
    /// The old name and/or type; unset parts mean "unchanged".
    Spec {
        /// The old logical name.
        name: Option<String>,
        /// The old type token.
        type_token: Option<String>,
        /// True when the resource used to have no parent.
        no_parent: bool,
    },
}

/// Options for registering a resource; build with the chained setters.
#[derive(Debug, Clone, Default)]
pub struct ResourceOptions {
    pub(crate) parent: Option<Output<Urn>>,
    pub(crate) depends_on: Vec<Output<Urn>>,
    pub(crate) depends_on_all: Vec<Output<Option<Vec<Urn>>>>,
    pub(crate) provider: Option<ProviderResource>,
    pub(crate) protect: bool,
    pub(crate) ignore_changes: Vec<String>,
    pub(crate) replace_on_changes: Vec<String>,
    pub(crate) aliases: Vec<Alias>,
    pub(crate) delete_before_replace: bool,
    pub(crate) additional_secret_outputs: Vec<String>,
    pub(crate) version: Option<String>,
}

impl ResourceOptions {
    /// No options: the resource is parented to the stack.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parents the resource to `parent` (usually the component that creates it).
    pub fn parent(mut self, parent: &impl AsResource) -> Self {
        self.parent = Some(parent.urn());
        self
    }

    /// Adds an explicit dependency beyond those the inputs carry.
    pub fn depends_on(mut self, resource: &impl AsResource) -> Self {
        self.depends_on.push(resource.urn());
        self
    }

    /// Adds a dependency on every resource in `urns` (such as the children a provider
    /// constructed for a remote component, from its `resources` output); an unknown or absent
    /// list adds none.
    pub fn depends_on_all(mut self, urns: Output<Option<Vec<Urn>>>) -> Self {
        self.depends_on_all.push(urns);
        self
    }

    /// Uses an explicit provider instance.
    pub fn provider(mut self, provider: &ProviderResource) -> Self {
        self.provider = Some(provider.clone());
        self
    }

    /// Refuses to delete the resource until this is turned off (databases, keys).
    pub fn protect(mut self, protect: bool) -> Self {
        self.protect = protect;
        self
    }

    /// Ignores changes to these input properties after creation.
    pub fn ignore_changes(
        mut self,
        properties: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.ignore_changes
            .extend(properties.into_iter().map(Into::into));
        self
    }

    /// Replaces the resource when any of these properties change.
    pub fn replace_on_changes(
        mut self,
        properties: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.replace_on_changes
            .extend(properties.into_iter().map(Into::into));
        self
    }

    /// Adds a former identity.
    pub fn alias(mut self, alias: Alias) -> Self {
        self.aliases.push(alias);
        self
    }

    /// Deletes the old resource before creating its replacement (for unique names).
    pub fn delete_before_replace(mut self, yes: bool) -> Self {
        self.delete_before_replace = yes;
        self
    }

    /// Treats these outputs as secret even when the provider does not.
    pub fn additional_secret_outputs(
        mut self,
        properties: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.additional_secret_outputs
            .extend(properties.into_iter().map(Into::into));
        self
    }

    /// Requires this version of the resource's provider plugin.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }
}
