//! The connection to the engine: registering resources, invokes, logging, and waiting for all
//! of it before the program ends.

use std::collections::{BTreeSet, HashMap};
use std::sync::{Arc, Mutex};

use anyhow::Context as _;
use pulumi_gestalt_proto::pulumi::pulumirpc::{
    self as rpc, engine_client::EngineClient, resource_monitor_client::ResourceMonitorClient,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tokio::sync::Semaphore;
use tokio::task::JoinHandle;
use tonic::transport::Channel;

use crate::config::Config;
use crate::output::{Output, OutputError, Resolved, serialize_collecting};
use crate::resource::{
    Alias, ComponentResource, CustomResource, ProviderResource, Registered, Resource,
    ResourceOptions,
};
use crate::{Settings, Urn, wire};

/// The type token of the stack's root resource.
pub const STACK_TYPE: &str = "pulumi:pulumi:Stack";

/// How serious a message logged to the engine is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// Hidden unless the user asks for debug output.
    Debug,
    /// Shown with the resource operations.
    Info,
    /// Shown as a warning.
    Warning,
    /// Shown as an error; the update fails.
    Error,
}

/// The program's handle on the engine. Cheap to clone.
#[derive(Clone)]
pub struct Context {
    inner: Arc<Inner>,
}

struct Inner {
    settings: Settings,
    config: Config,
    monitor: ResourceMonitorClient<Channel>,
    engine: Option<EngineClient<Channel>>,
    permits: Semaphore,
    pending: Mutex<Vec<JoinHandle<()>>>,
    failures: Mutex<Vec<String>>,
    stack: std::sync::OnceLock<ComponentResource>,
}

/// What a registration sends, before the inputs' outputs are resolved.
struct Request {
    type_token: String,
    name: String,
    custom: bool,
    remote: bool,
    inputs: Result<(Value, Vec<Output<Value>>), String>,
    options: ResourceOptions,
}

impl Context {
    /// Connects to the engine named by `settings`.
    pub async fn connect(settings: Settings) -> anyhow::Result<Self> {
        let monitor = ResourceMonitorClient::new(channel(&settings.monitor).await?);
        let engine = match &settings.engine {
            Some(address) => Some(EngineClient::new(channel(address).await?)),
            None => None,
        };
        let config = Config::new(&settings.project, &settings.config, &settings.secret_keys);
        Ok(Self {
            inner: Arc::new(Inner {
                permits: Semaphore::new(settings.parallel),
                settings,
                config,
                monitor,
                engine,
                pending: Mutex::default(),
                failures: Mutex::default(),
                stack: std::sync::OnceLock::new(),
            }),
        })
    }

    /// The settings the language host gave.
    pub fn settings(&self) -> &Settings {
        &self.inner.settings
    }

    /// The stack's configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// True during a preview, when some outputs are unknown.
    pub fn is_dry_run(&self) -> bool {
        self.inner.settings.dry_run
    }

    /// The project name.
    pub fn project(&self) -> &str {
        &self.inner.settings.project
    }

    /// The stack name.
    pub fn stack(&self) -> &str {
        &self.inner.settings.stack
    }

    /// Registers a custom resource managed by a provider. `inputs` is any serialisable value
    /// whose field names are the provider's property names; [`Output`]s anywhere inside it
    /// become dependencies of the resource and of the property that holds them.
    pub fn register_custom(
        &self,
        type_token: &str,
        name: &str,
        inputs: &impl Serialize,
        options: ResourceOptions,
    ) -> CustomResource {
        CustomResource(self.register(Request {
            type_token: type_token.into(),
            name: name.into(),
            custom: true,
            remote: false,
            inputs: collect(inputs),
            options,
        }))
    }

    /// Registers a component resource of type `type_token` (`heartbeat:<module>:<Name>`);
    /// create its children with `ResourceOptions::new().parent(&component)` and finish with
    /// [`Context::register_outputs`].
    pub fn register_component(
        &self,
        type_token: &str,
        name: &str,
        options: ResourceOptions,
    ) -> ComponentResource {
        ComponentResource(self.register(Request {
            type_token: type_token.into(),
            name: name.into(),
            custom: false,
            remote: false,
            inputs: Ok((Value::Object(Map::new()), Vec::new())),
            options,
        }))
    }

    /// Registers a component that a provider builds (a multi-language component such as the
    /// kubernetes provider's `kubernetes:helm.sh/v4:Chart`): the engine calls the provider's
    /// `Construct` with `inputs`, and the provider registers the children. The provider given in
    /// `options` is handed to the component for its package (the `providers` map), so the
    /// children use it too.
    pub fn register_remote_component(
        &self,
        type_token: &str,
        name: &str,
        inputs: &impl Serialize,
        options: ResourceOptions,
    ) -> ComponentResource {
        ComponentResource(self.register(Request {
            type_token: type_token.into(),
            name: name.into(),
            custom: false,
            remote: true,
            inputs: collect(inputs),
            options,
        }))
    }

    /// Registers an explicit provider instance for `package` with its configuration.
    pub fn register_provider(
        &self,
        package: &str,
        name: &str,
        inputs: &impl Serialize,
        options: ResourceOptions,
    ) -> ProviderResource {
        let custom = self.register_custom(
            &format!("pulumi:providers:{package}"),
            name,
            inputs,
            options,
        );
        ProviderResource {
            custom,
            package: package.into(),
        }
    }

    /// Records a component's outputs with the engine (shown in `pulumi stack` and the state).
    pub fn register_outputs(&self, component: &ComponentResource, outputs: &impl Serialize) {
        let collected = collect(outputs);
        let urn = component.0.urn();
        let this = self.clone();
        self.spawn(component.0.name.clone(), async move {
            let urn = known(urn.resolve().await?, "component URN")?;
            let properties = resolve_properties(collected).await?.properties;
            this.inner
                .monitor
                .clone()
                .register_resource_outputs(rpc::RegisterResourceOutputsRequest {
                    urn: urn.0,
                    outputs: Some(wire::to_struct(&properties)),
                })
                .await
                .map_err(|status| {
                    OutputError::new(format!("RegisterResourceOutputs: {}", status.message()))
                })?;
            Ok(())
        });
    }

    /// Calls a provider function (a data source) and reads its result as `T`.
    pub fn invoke<T>(
        &self,
        token: &str,
        args: &impl Serialize,
        provider: Option<&ProviderResource>,
    ) -> Output<T>
    where
        T: DeserializeOwned + Clone + Send + Sync + 'static,
    {
        let collected = collect(args);
        let provider = provider.map(ProviderResource::reference);
        let token = token.to_owned();
        let label = format!("invoke {token}");
        let this = self.clone();
        let result = Output::from_future(async move {
            let inputs = resolve_properties(collected).await?;
            let provider = match provider {
                Some(reference) => reference.resolve().await?.value.unwrap_or_default(),
                None => String::new(),
            };
            let response = this
                .inner
                .monitor
                .clone()
                .invoke(rpc::ResourceInvokeRequest {
                    tok: token.clone(),
                    args: Some(wire::to_struct(&inputs.properties)),
                    provider,
                    ..Default::default()
                })
                .await
                .map_err(|status| {
                    OutputError::new(format!("invoke {token}: {}", status.message()))
                })?
                .into_inner();
            if let Some(failure) = response.failures.first() {
                return Err(OutputError::new(format!(
                    "invoke {token}: {}: {}",
                    failure.property, failure.reason
                )));
            }
            let returned = Value::Object(
                response
                    .r#return
                    .as_ref()
                    .map(wire::from_struct)
                    .unwrap_or_default(),
            );
            let (value, secret) = wire::decode(&returned);
            let value = value
                .map(|v| {
                    serde_json::from_value(v).map_err(|e| {
                        OutputError::new(format!("invoke {token}: unexpected result: {e}"))
                    })
                })
                .transpose()?;
            Ok(Resolved {
                value,
                secret,
                deps: inputs.deps,
            })
        });
        self.track(&label, result.clone());
        result
    }

    /// Logs a message to the engine (and to standard error when there is no engine).
    pub async fn log(&self, severity: Severity, message: &str) {
        let Some(engine) = &self.inner.engine else {
            eprintln!("{severity:?}: {message}");
            return;
        };
        let severity = match severity {
            Severity::Debug => rpc::LogSeverity::Debug,
            Severity::Info => rpc::LogSeverity::Info,
            Severity::Warning => rpc::LogSeverity::Warning,
            Severity::Error => rpc::LogSeverity::Error,
        };
        let request = rpc::LogRequest {
            severity: severity as i32,
            message: message.to_owned(),
            ..Default::default()
        };
        if engine.clone().log(request).await.is_err() {
            eprintln!("{message}");
        }
    }

    /// The root stack resource, registered on first use so that a program that fails before
    /// registering anything leaves no trace in the engine.
    pub(crate) fn stack_resource(&self) -> &ComponentResource {
        self.inner.stack.get_or_init(|| {
            let name = format!("{}-{}", self.project(), self.stack());
            self.register_component(STACK_TYPE, &name, ResourceOptions::new())
        })
    }

    /// Waits for every registration and registered-outputs call started so far (including those
    /// started while waiting), then returns every failure, first-cause first, without repeats.
    pub(crate) async fn settle(&self) -> Vec<String> {
        loop {
            let batch: Vec<_> =
                std::mem::take(&mut *self.inner.pending.lock().expect("pending lock"));
            if batch.is_empty() {
                break;
            }
            for handle in batch {
                let _ = handle.await;
            }
        }
        let mut seen = BTreeSet::new();
        let failures = self.inner.failures.lock().expect("failures lock");
        failures
            .iter()
            .filter(|f| seen.insert(f.as_str()))
            .cloned()
            .collect()
    }

    fn register(&self, request: Request) -> Resource {
        let type_token = request.type_token.clone();
        let name = request.name.clone();
        let parent = request
            .options
            .parent
            .clone()
            .or_else(|| (type_token != STACK_TYPE).then(|| self.stack_resource().0.urn()));
        let this = self.clone();
        let registered = Output::from_future(async move {
            let registered = this.send_registration(request, parent).await?;
            let deps = BTreeSet::from([registered.urn.clone()]);
            Ok(Resolved {
                value: Some(registered),
                secret: false,
                deps,
            })
        });
        self.track(&format!("{type_token} `{name}`"), registered.clone());
        Resource {
            type_token,
            name,
            registered,
        }
    }

    async fn send_registration(
        &self,
        request: Request,
        parent: Option<Output<Urn>>,
    ) -> Result<Registered, OutputError> {
        let label = format!("{} `{}`", request.type_token, request.name);
        let fail = |what: String| OutputError::new(format!("{label}: {what}"));
        let inputs = resolve_properties(request.inputs.map_err(&fail)).await?;
        let options = request.options;
        let parent = match parent {
            Some(parent) => known(parent.resolve().await?, "parent URN")?.0,
            None => String::new(),
        };
        let mut dependencies = inputs.deps.clone();
        for dependency in &options.depends_on {
            dependencies.insert(known(dependency.resolve().await?, "dependency URN")?);
        }
        for group in &options.depends_on_all {
            dependencies.extend(group.resolve().await?.value.flatten().unwrap_or_default());
        }
        let provider = match &options.provider {
            Some(provider) => provider
                .reference()
                .resolve()
                .await?
                .value
                .unwrap_or_default(),
            None => String::new(),
        };
        // A remote component takes its provider through the per-package map; a custom resource
        // through `provider`.
        let (provider, providers) = match (&options.provider, request.remote) {
            (Some(explicit), true) => (
                String::new(),
                HashMap::from([(explicit.package.clone(), provider)]),
            ),
            _ => (provider, HashMap::new()),
        };
        let message = rpc::RegisterResourceRequest {
            r#type: request.type_token.clone(),
            name: request.name.clone(),
            parent,
            custom: request.custom,
            remote: request.remote,
            providers,
            object: Some(wire::to_struct(&inputs.properties)),
            protect: Some(options.protect),
            dependencies: dependencies.into_iter().map(|u| u.0).collect(),
            provider,
            property_dependencies: inputs
                .property_deps
                .into_iter()
                .map(|(key, urns)| {
                    let urns = urns.into_iter().map(|u| u.0).collect();
                    (
                        key,
                        rpc::register_resource_request::PropertyDependencies { urns },
                    )
                })
                .collect::<HashMap<_, _>>(),
            delete_before_replace: options.delete_before_replace,
            delete_before_replace_defined: options.delete_before_replace,
            version: options.version.clone().unwrap_or_default(),
            ignore_changes: options.ignore_changes.clone(),
            replace_on_changes: options.replace_on_changes.clone(),
            accept_secrets: true,
            accept_resources: true,
            supports_partial_values: true,
            additional_secret_outputs: options.additional_secret_outputs.clone(),
            aliases: options.aliases.iter().map(alias_message).collect(),
            alias_specs: true,
            ..Default::default()
        };
        let _permit = self
            .inner
            .permits
            .acquire()
            .await
            .map_err(|e| fail(e.to_string()))?;
        let response = self
            .inner
            .monitor
            .clone()
            .register_resource(message)
            .await
            .map_err(|status| fail(status.message().to_owned()))?
            .into_inner();
        Ok(Registered {
            urn: Urn(response.urn),
            id: response.id,
            outputs: response
                .object
                .as_ref()
                .map(wire::from_struct)
                .unwrap_or_default(),
            dry_run: self.is_dry_run(),
        })
    }

    /// Runs `work` in the background; the program does not end before it has, and its error
    /// fails the program.
    fn spawn(
        &self,
        label: String,
        work: impl Future<Output = Result<(), OutputError>> + Send + 'static,
    ) {
        let inner = Arc::clone(&self.inner);
        let handle = tokio::spawn(async move {
            if let Err(error) = work.await {
                let message = error.to_string();
                let message = if message.contains(&label) {
                    message
                } else {
                    format!("{label}: {message}")
                };
                inner.failures.lock().expect("failures lock").push(message);
            }
        });
        self.inner
            .pending
            .lock()
            .expect("pending lock")
            .push(handle);
    }

    fn track<T: Clone + Send + Sync + 'static>(&self, label: &str, output: Output<T>) {
        self.spawn(
            label.to_owned(),
            async move { output.resolve().await.map(drop) },
        );
    }
}

async fn channel(address: &str) -> anyhow::Result<Channel> {
    let uri = if address.contains("://") {
        address.to_owned()
    } else {
        format!("http://{address}")
    };
    tonic::transport::Endpoint::from_shared(uri.clone())
        .with_context(|| format!("bad engine address {address:?}"))?
        .connect()
        .await
        .with_context(|| format!("cannot reach the Pulumi engine at {uri}"))
}

fn collect(inputs: &impl Serialize) -> Result<(Value, Vec<Output<Value>>), String> {
    serialize_collecting(inputs).map_err(|e| format!("inputs cannot be serialised: {e}"))
}

async fn resolve_properties(
    collected: Result<(Value, Vec<Output<Value>>), impl Into<OutputError>>,
) -> Result<wire::WireInputs, OutputError> {
    let (tree, outputs) = collected.map_err(Into::into)?;
    let Value::Object(tree) = tree else {
        return Err(OutputError::new(
            "inputs must serialise to an object of properties",
        ));
    };
    let resolved = futures::future::try_join_all(outputs.iter().map(Output::resolve)).await?;
    wire::substitute(tree, &resolved)
}

fn known<T>(resolved: Resolved<T>, what: &str) -> Result<T, OutputError> {
    resolved
        .value
        .ok_or_else(|| OutputError::new(format!("{what} is unknown")))
}

fn alias_message(alias: &Alias) -> rpc::Alias {
    use rpc::alias::{Alias as Kind, Spec, spec::Parent};
    let kind = match alias {
        Alias::Urn(urn) => Kind::Urn(urn.clone()),
        Alias::Spec {
            name,
            type_token,
            no_parent,
        } => Kind::Spec(Spec {
            name: name.clone().unwrap_or_default(),
            r#type: type_token.clone().unwrap_or_default(),
            parent: no_parent.then_some(Parent::NoParent(true)),
            ..Default::default()
        }),
    };
    rpc::Alias { alias: Some(kind) }
}

impl From<String> for OutputError {
    fn from(message: String) -> Self {
        OutputError::new(message)
    }
}
