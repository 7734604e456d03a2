//! The gRPC services and the handle tests hold.

use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use pulumi_gestalt_proto::pulumi::pulumirpc::{
    self as rpc, engine_server::EngineServer, resource_monitor_server::ResourceMonitorServer,
};
use pulumi_runtime::{Settings, wire};
use serde_json::{Map, Value};
use tonic::{Request, Response, Status};

use crate::record::{LogEntry, Registration};

/// Whether the mock answers as in `pulumi preview` or `pulumi up`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Computed outputs and new ids are unknown.
    Preview,
    /// Everything is known.
    Update,
}

/// Computes fake outputs for a registration of one type (ids, ARNs, endpoints, ...).
pub type FakeOutputs = Arc<dyn Fn(&Registration) -> Map<String, Value> + Send + Sync>;

#[derive(Default)]
struct State {
    registrations: Vec<Registration>,
    logs: Vec<LogEntry>,
    fakes: HashMap<String, FakeOutputs>,
    invokes: HashMap<String, Map<String, Value>>,
}

#[derive(Clone)]
struct Services {
    mode: Mode,
    state: Arc<Mutex<State>>,
}

/// A running mock engine on a loopback port; stops when dropped.
pub struct MockEngine {
    address: SocketAddr,
    mode: Mode,
    state: Arc<Mutex<State>>,
    _shutdown: tokio::sync::oneshot::Sender<()>,
}

impl MockEngine {
    /// Starts the mock on 127.0.0.1 with a free port.
    pub async fn start(mode: Mode) -> anyhow::Result<Self> {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let address = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let services = Services {
            mode,
            state: Arc::clone(&state),
        };
        let (shutdown, stopped) = tokio::sync::oneshot::channel::<()>();
        let incoming = tokio_stream::wrappers::TcpListenerStream::new(listener);
        tokio::spawn(
            tonic::transport::Server::builder()
                .add_service(ResourceMonitorServer::new(services.clone()))
                .add_service(EngineServer::new(services))
                .serve_with_incoming_shutdown(incoming, async {
                    let _ = stopped.await;
                }),
        );
        Ok(Self {
            address,
            mode,
            state,
            _shutdown: shutdown,
        })
    }

    /// Settings that point a program at this mock, with the given `namespace:key` config.
    pub fn settings(&self, project: &str, stack: &str, config: &[(&str, &str)]) -> Settings {
        Settings {
            monitor: self.address.to_string(),
            engine: Some(self.address.to_string()),
            project: project.into(),
            stack: stack.into(),
            organization: "organization".into(),
            dry_run: self.mode == Mode::Preview,
            parallel: 8,
            config: config
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            ..Settings::default()
        }
    }

    /// The address the services listen on (for `PULUMI_MONITOR` and `PULUMI_ENGINE`).
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// Sets the fake outputs that registrations of `type_token` receive besides their inputs.
    pub fn fake_outputs(
        &self,
        type_token: &str,
        fake: impl Fn(&Registration) -> Map<String, Value> + Send + Sync + 'static,
    ) {
        let mut state = self.state.lock().expect("mock state");
        state.fakes.insert(type_token.into(), Arc::new(fake));
    }

    /// Answers every type token in `read` (a component's list of the provider-computed outputs
    /// it reads) with `example(type_token, name)`.
    pub fn fake_computed(
        &self,
        read: &[(&str, &[&str])],
        example: fn(&str, &str) -> Map<String, Value>,
    ) {
        for (token, _) in read {
            self.fake_outputs(token, move |reg| example(&reg.type_token, &reg.name));
        }
    }

    /// Sets what an invoke of `token` returns.
    pub fn fake_invoke(&self, token: &str, result: Map<String, Value>) {
        let mut state = self.state.lock().expect("mock state");
        state.invokes.insert(token.into(), result);
    }

    /// Every registration so far, in the order they arrived.
    pub fn registrations(&self) -> Vec<Registration> {
        self.state.lock().expect("mock state").registrations.clone()
    }

    /// Every log message so far.
    pub fn logs(&self) -> Vec<LogEntry> {
        self.state.lock().expect("mock state").logs.clone()
    }
}

/// The URN the engine would give: the type is qualified by the parent's type chain.
fn urn_for(stack: &str, project: &str, parent: &str, type_token: &str, name: &str) -> String {
    let parent_type = parent
        .split("::")
        .nth(2)
        .filter(|t| !t.is_empty() && *t != pulumi_runtime::STACK_TYPE);
    let qualified = match parent_type {
        Some(parent_type) => format!("{parent_type}${type_token}"),
        None => type_token.to_owned(),
    };
    format!("urn:pulumi:{stack}::{project}::{qualified}::{name}")
}

fn stack_and_project(parent: &str) -> Option<(String, String)> {
    let rest = parent.strip_prefix("urn:pulumi:")?;
    let mut parts = rest.split("::");
    Some((parts.next()?.to_owned(), parts.next()?.to_owned()))
}

#[tonic::async_trait]
impl rpc::resource_monitor_server::ResourceMonitor for Services {
    async fn supports_feature(
        &self,
        _: Request<rpc::SupportsFeatureRequest>,
    ) -> Result<Response<rpc::SupportsFeatureResponse>, Status> {
        Ok(Response::new(rpc::SupportsFeatureResponse {
            has_support: true,
        }))
    }

    async fn invoke(
        &self,
        request: Request<rpc::ResourceInvokeRequest>,
    ) -> Result<Response<rpc::InvokeResponse>, Status> {
        let token = request.into_inner().tok;
        let state = self.state.lock().expect("mock state");
        let result = state
            .invokes
            .get(&token)
            .ok_or_else(|| Status::not_found(format!("the mock has no fake for invoke {token}")))?;
        Ok(Response::new(rpc::InvokeResponse {
            r#return: Some(wire::to_struct(result)),
            failures: Vec::new(),
        }))
    }

    async fn call(
        &self,
        _: Request<rpc::ResourceCallRequest>,
    ) -> Result<Response<rpc::CallResponse>, Status> {
        Err(Status::unimplemented(
            "the mock engine does not support Call",
        ))
    }

    async fn read_resource(
        &self,
        _: Request<rpc::ReadResourceRequest>,
    ) -> Result<Response<rpc::ReadResourceResponse>, Status> {
        Err(Status::unimplemented(
            "the mock engine does not support ReadResource",
        ))
    }

    async fn register_resource(
        &self,
        request: Request<rpc::RegisterResourceRequest>,
    ) -> Result<Response<rpc::RegisterResourceResponse>, Status> {
        let request = request.into_inner();
        let inputs = request
            .object
            .as_ref()
            .map(wire::from_struct)
            .unwrap_or_default();
        let (stack, project) = stack_and_project(&request.parent)
            .unwrap_or_else(|| stack_from_stack_name(&request.name));
        let urn = urn_for(
            &stack,
            &project,
            &request.parent,
            &request.r#type,
            &request.name,
        );
        let preview = self.mode == Mode::Preview;
        let id = match (request.custom, preview) {
            (false, _) => String::new(),
            (true, true) => wire::UNKNOWN.to_owned(),
            (true, false) => format!("{}-id", request.name),
        };
        let mut registration = Registration {
            urn: urn.clone(),
            id: id.clone(),
            type_token: request.r#type,
            name: request.name,
            custom: request.custom,
            parent: request.parent,
            dependencies: request.dependencies.into_iter().collect(),
            property_dependencies: request
                .property_dependencies
                .into_iter()
                .map(|(k, v)| (k, v.urns.into_iter().collect()))
                .collect::<BTreeMap<_, _>>(),
            provider: request.provider,
            remote: request.remote,
            providers: request.providers.into_iter().collect(),
            inputs: inputs.clone(),
            protect: request.protect.unwrap_or(false),
            ignore_changes: request.ignore_changes,
            delete_before_replace: request.delete_before_replace,
            additional_secret_outputs: request.additional_secret_outputs,
            aliases: request.aliases.len(),
            version: request.version,
            registered_outputs: None,
        };
        let mut state = self.state.lock().expect("mock state");
        let mut outputs = inputs;
        if registration.custom
            && registration.type_token.starts_with("aws:")
            && !outputs.contains_key("arn")
        {
            let arn = if preview {
                wire::UNKNOWN.to_owned()
            } else {
                fake_arn(&registration.type_token, &registration.name)
            };
            outputs.insert("arn".into(), Value::from(arn));
        }
        if let Some(fake) = state.fakes.get(&registration.type_token) {
            for (key, value) in fake(&registration) {
                let value = if preview {
                    Value::from(wire::UNKNOWN)
                } else {
                    value
                };
                outputs.insert(key, value);
            }
        }
        if preview {
            registration.id = String::new();
        }
        state.registrations.push(registration);
        Ok(Response::new(rpc::RegisterResourceResponse {
            urn,
            id: if preview && !id.is_empty() {
                wire::UNKNOWN.into()
            } else {
                id
            },
            object: Some(wire::to_struct(&outputs)),
            ..Default::default()
        }))
    }

    async fn register_resource_outputs(
        &self,
        request: Request<rpc::RegisterResourceOutputsRequest>,
    ) -> Result<Response<()>, Status> {
        let request = request.into_inner();
        let outputs = request
            .outputs
            .as_ref()
            .map(wire::from_struct)
            .unwrap_or_default();
        let mut state = self.state.lock().expect("mock state");
        let registration = state
            .registrations
            .iter_mut()
            .find(|r| r.urn == request.urn)
            .ok_or_else(|| Status::not_found(format!("no resource {}", request.urn)))?;
        if registration.custom {
            return Err(Status::invalid_argument(format!(
                "{} is a custom resource; only components register outputs",
                request.urn
            )));
        }
        registration.registered_outputs = Some(outputs);
        Ok(Response::new(()))
    }

    async fn register_stack_transform(
        &self,
        _: Request<rpc::Callback>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented(
            "transforms are not supported by the mock",
        ))
    }

    async fn register_stack_invoke_transform(
        &self,
        _: Request<rpc::Callback>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented(
            "transforms are not supported by the mock",
        ))
    }

    async fn register_resource_hook(
        &self,
        _: Request<rpc::RegisterResourceHookRequest>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented("hooks are not supported by the mock"))
    }

    async fn register_error_hook(
        &self,
        _: Request<rpc::RegisterErrorHookRequest>,
    ) -> Result<Response<()>, Status> {
        Err(Status::unimplemented("hooks are not supported by the mock"))
    }

    async fn register_package(
        &self,
        request: Request<rpc::RegisterPackageRequest>,
    ) -> Result<Response<rpc::RegisterPackageResponse>, Status> {
        Ok(Response::new(rpc::RegisterPackageResponse {
            r#ref: request.into_inner().name,
        }))
    }

    async fn signal_and_wait_for_shutdown(&self, _: Request<()>) -> Result<Response<()>, Status> {
        Ok(Response::new(()))
    }
}

/// Every AWS resource has an ARN: `arn:aws:<service>:eu-west-1:123456789012:<type>/<name>`.
fn fake_arn(type_token: &str, name: &str) -> String {
    let module = type_token.split(':').nth(1).unwrap_or_default();
    let (service, kind) = module.split_once('/').unwrap_or((module, module));
    format!(
        "arn:aws:{service}:eu-west-1:123456789012:{}/{name}",
        kind.to_ascii_lowercase()
    )
}

/// The stack resource is the only one without a parent; its name is `<project>-<stack>`.
fn stack_from_stack_name(name: &str) -> (String, String) {
    match name.rsplit_once('-') {
        Some((project, stack)) => (stack.to_owned(), project.to_owned()),
        None => (name.to_owned(), name.to_owned()),
    }
}

#[tonic::async_trait]
impl rpc::engine_server::Engine for Services {
    async fn log(&self, request: Request<rpc::LogRequest>) -> Result<Response<()>, Status> {
        let request = request.into_inner();
        self.state.lock().expect("mock state").logs.push(LogEntry {
            severity: request.severity,
            message: request.message,
        });
        Ok(Response::new(()))
    }

    async fn get_root_resource(
        &self,
        _: Request<rpc::GetRootResourceRequest>,
    ) -> Result<Response<rpc::GetRootResourceResponse>, Status> {
        let state = self.state.lock().expect("mock state");
        let urn = state
            .registrations
            .iter()
            .find(|r| r.type_token == pulumi_runtime::STACK_TYPE)
            .map(|r| r.urn.clone())
            .unwrap_or_default();
        Ok(Response::new(rpc::GetRootResourceResponse { urn }))
    }

    async fn set_root_resource(
        &self,
        _: Request<rpc::SetRootResourceRequest>,
    ) -> Result<Response<rpc::SetRootResourceResponse>, Status> {
        Ok(Response::new(rpc::SetRootResourceResponse {}))
    }

    async fn start_debugging(
        &self,
        _: Request<rpc::StartDebuggingRequest>,
    ) -> Result<Response<()>, Status> {
        Ok(Response::new(()))
    }

    async fn require_pulumi_version(
        &self,
        _: Request<rpc::RequirePulumiVersionRequest>,
    ) -> Result<Response<rpc::RequirePulumiVersionResponse>, Status> {
        Ok(Response::new(rpc::RequirePulumiVersionResponse {}))
    }
}
