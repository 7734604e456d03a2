//! The CertManager component (`heartbeat:tls:CertManager`): cert-manager, and the platform's
//! private certificate authority that signs in-cluster TLS (YugabyteDB's node and client
//! certificates).
//!
//! # What it provisions
//! 1. The namespace `certManager.namespace` (default `cert-manager`).
//! 2. cert-manager [`versions::VERSION`] from its Helm chart (the vendor's repository, or
//!    `certManager.chartPath` for air-gapped installs), CRDs included, every image at the
//!    chart's own version. The chart's objects are resources of their own (see
//!    [`platform_core::helm`]); its post-install API check (a Helm hook) is not run.
//! 3. The CA, bootstrapped the way cert-manager documents it: a self-signing ClusterIssuer
//!    `<clusterIssuer>-bootstrap` issues a CA Certificate (ECDSA P-256, `caDays` long,
//!    renewed with a new key a third of its lifetime before expiry) into the Secret
//!    `<clusterIssuer>` of cert-manager's namespace, and the ClusterIssuer `<clusterIssuer>`
//!    signs with it. The CA key never leaves the cluster and never enters Pulumi state.
//!
//! With `certManager.install: preinstalled` nothing is registered: an existing
//! ClusterIssuer named `clusterIssuer` is used as is.
//!
//! # Outputs
//! [`CertManager::issuer`]: an [`Issuer`], the only way to hand a ClusterIssuer to a
//! component that needs certificates, so that its objects wait for the issuer.

pub mod config;
pub mod resources;
pub mod versions;

use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platform_core::ComponentScope;
use platform_core::helm::{ChartInputs, ChartSource, OperatorInstall, install_chart};
use platform_core::kubernetes::{Manifest, namespace};
use pulumi_runtime::{Context, CustomResource, ProviderResource, ResourceOptions};
use serde::Serialize;
use serde_json::json;

pub use config::CertManagerConfig;
use resources::{
    CaIssuer, Certificate, CertificateSpec, ClusterIssuer, ClusterIssuerSpec, IssuerRef,
    PrivateKey, SelfSignedIssuer,
};

/// The config key of this component's section.
pub const CONFIG_KEY: &str = "certManager";

/// A cert-manager ClusterIssuer that components may request certificates from.
#[derive(Debug, Clone, Serialize)]
pub struct Issuer {
    /// The ClusterIssuer's name.
    pub name: String,
    /// The resource that must exist before certificates are requested (none for an issuer
    /// installed by others).
    #[serde(skip)]
    pub ready: Option<CustomResource>,
}

impl Issuer {
    /// A ClusterIssuer that exists on the cluster already.
    pub fn existing(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            ready: None,
        }
    }

    /// `options` plus a dependency on the issuer, when this stack creates it.
    pub fn after(&self, options: ResourceOptions) -> ResourceOptions {
        match &self.ready {
            Some(resource) => options.depends_on(resource),
            None => options,
        }
    }
}

/// The component's outputs.
#[derive(Debug, Clone, Serialize)]
pub struct CertManager {
    /// The platform CA's ClusterIssuer.
    pub issuer: Issuer,
}

impl CertManager {
    /// Installs cert-manager and the platform CA through `provider` (or, when preinstalled,
    /// only names the existing issuer); fails, registering nothing, on bad config.
    pub fn new(
        ctx: &Context,
        name: &str,
        provider: &ProviderResource,
        config: &CertManagerConfig,
        options: ResourceOptions,
    ) -> anyhow::Result<Self> {
        let mut problems = platform_core::Problems::new(CONFIG_KEY);
        config.validate(&mut problems);
        problems.into_result()?;
        if config.install == OperatorInstall::Preinstalled {
            return Ok(Self {
                issuer: Issuer::existing(&config.cluster_issuer),
            });
        }
        let scope = ComponentScope::new(ctx, "tls", "CertManager", name, options);
        let ns = scope.kubernetes(provider, &Manifest::new(namespace(&config.namespace)));
        let chart = install_chart(
            &scope,
            provider,
            &chart_inputs(config),
            ResourceOptions::new().depends_on(&ns),
        );
        let after_chart = || chart.after(ResourceOptions::new());
        let bootstrap_name = format!("{}-bootstrap", config.cluster_issuer);
        let bootstrap = scope.kubernetes_with(
            provider,
            &Manifest::new(cluster_issuer(
                &bootstrap_name,
                ClusterIssuerSpec {
                    self_signed: Some(SelfSignedIssuer {}),
                    ca: None,
                },
            )),
            after_chart(),
        );
        let certificate = scope.kubernetes_with(
            provider,
            &Manifest::new(ca_certificate(config, &bootstrap_name)),
            after_chart().depends_on(&bootstrap),
        );
        let issuer = scope.kubernetes_with(
            provider,
            &Manifest::new(cluster_issuer(
                &config.cluster_issuer,
                ClusterIssuerSpec {
                    self_signed: None,
                    ca: Some(CaIssuer {
                        secret_name: config.cluster_issuer.clone(),
                    }),
                },
            )),
            after_chart().depends_on(&certificate),
        );
        Ok(scope.finish(Self {
            issuer: Issuer {
                name: config.cluster_issuer.clone(),
                ready: Some(issuer),
            },
        }))
    }
}

/// The chart's inputs: CRDs on, every image pinned to the chart's version.
pub fn chart_inputs(config: &CertManagerConfig) -> ChartInputs {
    let source = ChartSource::pinned(
        versions::CHART_REPO,
        versions::CHART,
        versions::VERSION,
        config.chart_path.as_deref(),
    );
    let image = json!({ "tag": versions::VERSION });
    ChartInputs::new(
        "cert-manager",
        &config.namespace,
        &source,
        json!({
            "crds": { "enabled": true, "keep": true },
            "image": image,
            "webhook": { "image": image },
            "cainjector": { "image": image },
            "acmesolver": { "image": image },
            "startupapicheck": { "enabled": false },
            "prometheus": { "enabled": true },
        }),
    )
}

fn cluster_issuer(name: &str, spec: ClusterIssuerSpec) -> ClusterIssuer {
    ClusterIssuer {
        metadata: ObjectMeta {
            name: Some(name.to_owned()),
            ..ObjectMeta::default()
        },
        spec,
    }
}

fn ca_certificate(config: &CertManagerConfig, bootstrap_issuer: &str) -> Certificate {
    let hours = u64::from(config.ca_days) * 24;
    Certificate {
        metadata: ObjectMeta {
            name: Some(config.cluster_issuer.clone()),
            namespace: Some(config.namespace.clone()),
            ..ObjectMeta::default()
        },
        spec: CertificateSpec {
            is_ca: true,
            common_name: format!("{} certificate authority", config.cluster_issuer),
            secret_name: config.cluster_issuer.clone(),
            duration: format!("{hours}h"),
            renew_before: format!("{}h", hours / 3),
            private_key: PrivateKey {
                algorithm: "ECDSA".into(),
                size: 256,
                rotation_policy: "Always".into(),
            },
            issuer_ref: IssuerRef {
                name: bootstrap_issuer.to_owned(),
                kind: "ClusterIssuer".into(),
                group: "cert-manager.io".into(),
            },
        },
    }
}
