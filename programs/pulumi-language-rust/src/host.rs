//! The `LanguageRuntime` service: what the Pulumi CLI asks of a language host.

use std::sync::Mutex;

use tonic::{Request, Response, Status};

use crate::options::Program;
use crate::packages::{self, Package};
use crate::proto::language_runtime::language_runtime_server::LanguageRuntime;
use crate::proto::{
    AboutRequest, AboutResponse, EmptyMessage, GetProgramDependenciesRequest,
    GetProgramDependenciesResponse, GetRequiredPackagesRequest, GetRequiredPackagesResponse,
    GetRequiredPluginsRequest, GetRequiredPluginsResponse, InstallDependenciesRequest,
    InstallDependenciesResponse, LanguageHandshakeRequest, LanguageHandshakeResponse, PluginInfo,
    ProgramInfo, RunRequest, RunResponse,
};
use crate::run;

/// The language host: runs prebuilt `runtime: rust` programs.
#[derive(Debug, Default)]
pub struct RustLanguageHost {
    engine_address: Mutex<String>,
}

impl RustLanguageHost {
    /// A host that reports `engine_address` to programs until the engine's handshake says
    /// otherwise.
    pub fn new(engine_address: String) -> Self {
        Self {
            engine_address: Mutex::new(engine_address),
        }
    }

    fn engine_address(&self) -> String {
        self.engine_address
            .lock()
            .map(|a| a.clone())
            .unwrap_or_default()
    }
}

/// Turns any error into a gRPC status carrying the whole cause chain.
fn status(error: anyhow::Error) -> Status {
    Status::failed_precondition(format!("{error:#}"))
}

async fn program_packages(info: Option<&ProgramInfo>) -> Result<Vec<Package>, Status> {
    let program = Program::from_info(info).map_err(status)?;
    packages::discover(&program).await.map_err(status)
}

#[tonic::async_trait]
impl LanguageRuntime for RustLanguageHost {
    async fn handshake(
        &self,
        request: Request<LanguageHandshakeRequest>,
    ) -> Result<Response<LanguageHandshakeResponse>, Status> {
        let address = request.into_inner().engine_address;
        if !address.is_empty()
            && let Ok(mut current) = self.engine_address.lock()
        {
            *current = address;
        }
        Ok(Response::new(LanguageHandshakeResponse {}))
    }

    async fn get_required_plugins(
        &self,
        request: Request<GetRequiredPluginsRequest>,
    ) -> Result<Response<GetRequiredPluginsResponse>, Status> {
        let packages = program_packages(request.get_ref().info.as_ref()).await?;
        Ok(Response::new(GetRequiredPluginsResponse {
            plugins: packages.iter().map(Package::to_plugin_dependency).collect(),
        }))
    }

    async fn get_required_packages(
        &self,
        request: Request<GetRequiredPackagesRequest>,
    ) -> Result<Response<GetRequiredPackagesResponse>, Status> {
        let packages = program_packages(request.get_ref().info.as_ref()).await?;
        Ok(Response::new(GetRequiredPackagesResponse {
            packages: packages
                .iter()
                .map(Package::to_package_dependency)
                .collect(),
        }))
    }

    async fn run(&self, request: Request<RunRequest>) -> Result<Response<RunResponse>, Status> {
        let request = request.into_inner();
        let program = Program::from_info(request.info.as_ref()).map_err(status)?;
        let response = run::run(&program, &request, &self.engine_address())
            .await
            .map_err(status)?;
        Ok(Response::new(response))
    }

    async fn get_plugin_info(
        &self,
        _request: Request<EmptyMessage>,
    ) -> Result<Response<PluginInfo>, Status> {
        Ok(Response::new(PluginInfo {
            version: env!("CARGO_PKG_VERSION").to_owned(),
        }))
    }

    type InstallDependenciesStream =
        tokio_stream::Empty<Result<InstallDependenciesResponse, Status>>;

    /// Nothing to install: the program is a prebuilt binary.
    async fn install_dependencies(
        &self,
        _request: Request<InstallDependenciesRequest>,
    ) -> Result<Response<Self::InstallDependenciesStream>, Status> {
        Ok(Response::new(tokio_stream::empty()))
    }

    async fn about(
        &self,
        request: Request<AboutRequest>,
    ) -> Result<Response<AboutResponse>, Status> {
        let executable = Program::from_info(request.get_ref().info.as_ref())
            .map(|program| program.binary.display().to_string())
            .unwrap_or_default();
        Ok(Response::new(AboutResponse {
            executable,
            version: env!("CARGO_PKG_VERSION").to_owned(),
            metadata: [(
                "host".to_owned(),
                "pulumi-language-rust (offline)".to_owned(),
            )]
            .into(),
        }))
    }

    async fn get_program_dependencies(
        &self,
        request: Request<GetProgramDependenciesRequest>,
    ) -> Result<Response<GetProgramDependenciesResponse>, Status> {
        let packages = program_packages(request.get_ref().info.as_ref()).await?;
        Ok(Response::new(GetProgramDependenciesResponse {
            dependencies: packages.iter().map(Package::to_dependency_info).collect(),
        }))
    }

    async fn cancel(
        &self,
        _request: Request<EmptyMessage>,
    ) -> Result<Response<EmptyMessage>, Status> {
        Ok(Response::new(()))
    }
}
