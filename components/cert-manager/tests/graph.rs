//! CertManager's resource graph on a mock engine: the chart through the cluster's provider,
//! then the CA bootstrapped in order; nothing when preinstalled; bad config refused whole.

use std::sync::{Arc, Mutex};

use cert_manager::{CertManager, CertManagerConfig, versions};
use mock_engine::query::{named, of_type, one};
use mock_engine::{MockEngine, Mode, Registration};
use platform_core::helm::{CHART_TYPE, OperatorInstall};
use platform_core::kubernetes::render_target;
use pulumi_runtime::ResourceOptions;

const ISSUER: &str = "kubernetes:cert-manager.io/v1:ClusterIssuer";
const CERTIFICATE: &str = "kubernetes:cert-manager.io/v1:Certificate";
/// The URN the mock's chart reports for an object it rendered (a CRD).
const CHART_OBJECT: &str = "urn:pulumi:test::heartbeat-platform::kubernetes:apiextensions.k8s.io/v1:CustomResourceDefinition::certificates";

/// The registrations, and the component's outputs (or the program's error).
async fn synth(config: CertManagerConfig) -> (Vec<Registration>, anyhow::Result<CertManager>) {
    let engine = MockEngine::start(Mode::Update).await.unwrap();
    // The provider's answer to Construct: references to the objects the chart rendered.
    engine.fake_outputs(CHART_TYPE, |_| {
        let crd = serde_json::json!({
            pulumi_runtime::wire::SIGNATURE_KEY: pulumi_runtime::wire::RESOURCE_SIGNATURE,
            "urn": CHART_OBJECT,
        });
        serde_json::json!({ "resources": [crd] })
            .as_object()
            .unwrap()
            .clone()
    });
    let settings = engine.settings("heartbeat-platform", "test", &[]);
    let built = Arc::new(Mutex::new(None));
    let slot = Arc::clone(&built);
    let result = pulumi_runtime::run(settings, move |ctx| async move {
        let provider = render_target(&ctx, "out/k8s");
        let outputs = CertManager::new(&ctx, "tls", &provider, &config, ResourceOptions::new())?;
        *slot.lock().unwrap() = Some(outputs.clone());
        Ok(outputs)
    })
    .await;
    let outputs = result.map(|()| built.lock().unwrap().take().expect("outputs"));
    (engine.registrations(), outputs)
}

#[tokio::test]
async fn the_chart_then_a_self_signed_bootstrap_then_the_ca_issuer() {
    let (regs, result) = synth(CertManagerConfig::default()).await;
    let outputs = result.unwrap();
    assert_eq!(outputs.issuer.name, "heartbeat-ca");

    let provider = one(&regs, "pulumi:providers:kubernetes");
    let provider_ref = format!("{}::{}", provider.urn, provider.id);
    let chart = one(&regs, CHART_TYPE);
    assert!(chart.remote, "the provider constructs the chart");
    assert_eq!(chart.providers.get("kubernetes"), Some(&provider_ref));
    assert_eq!(chart.input_str("chart").as_deref(), Some("cert-manager"));
    assert_eq!(
        chart.input_str("version").as_deref(),
        Some(versions::VERSION)
    );
    assert_eq!(
        chart.input_str("repositoryOpts/repo").as_deref(),
        Some("https://charts.jetstack.io")
    );
    assert_eq!(
        chart.input_str("namespace").as_deref(),
        Some("cert-manager")
    );
    assert_eq!(chart.input("values/crds/enabled").unwrap(), true);
    for image in [
        "image",
        "webhook/image",
        "cainjector/image",
        "acmesolver/image",
    ] {
        assert_eq!(
            chart.input_str(&format!("values/{image}/tag")).as_deref(),
            Some(versions::VERSION),
            "{image} pinned to the chart's version"
        );
    }
    let namespace = named(&regs, "kubernetes:core/v1:Namespace", "cert-manager");
    assert!(chart.dependencies.contains(&namespace.urn));

    let bootstrap = named(&regs, ISSUER, "heartbeat-ca-bootstrap");
    assert!(bootstrap.input("spec/selfSigned").is_some());
    assert!(bootstrap.input("spec/ca").is_none());
    assert!(bootstrap.dependencies.contains(&chart.urn));
    assert!(
        bootstrap.dependencies.contains(CHART_OBJECT),
        "after each object of the chart (its CRDs), so a destroy deletes the issuer first"
    );

    let certificate = named(&regs, CERTIFICATE, "heartbeat-ca");
    assert_eq!(
        certificate.input_str("metadata/namespace").as_deref(),
        Some("cert-manager")
    );
    assert_eq!(certificate.input("spec/isCA").unwrap(), true);
    assert_eq!(
        certificate.input_str("spec/secretName").as_deref(),
        Some("heartbeat-ca")
    );
    assert_eq!(
        certificate.input_str("spec/duration").as_deref(),
        Some("87600h")
    );
    assert_eq!(
        certificate.input_str("spec/renewBefore").as_deref(),
        Some("29200h")
    );
    assert_eq!(
        certificate.input_str("spec/issuerRef/name").as_deref(),
        Some("heartbeat-ca-bootstrap")
    );
    assert!(certificate.dependencies.contains(&bootstrap.urn));

    let ca = named(&regs, ISSUER, "heartbeat-ca");
    assert_eq!(
        ca.input_str("spec/ca/secretName").as_deref(),
        Some("heartbeat-ca")
    );
    assert!(ca.dependencies.contains(&certificate.urn));
    for custom in of_type(&regs, ISSUER)
        .into_iter()
        .chain(of_type(&regs, CERTIFICATE))
    {
        assert_eq!(custom.provider, provider_ref);
    }
}

#[tokio::test]
async fn a_local_chart_is_used_as_is() {
    let config = CertManagerConfig {
        chart_path: Some("/charts/cert-manager".into()),
        ..CertManagerConfig::default()
    };
    let (regs, result) = synth(config).await;
    result.unwrap();
    let chart = one(&regs, CHART_TYPE);
    assert_eq!(
        chart.input_str("chart").as_deref(),
        Some("/charts/cert-manager")
    );
    assert!(chart.input("version").is_none());
    assert!(chart.input("repositoryOpts").is_none());
}

#[tokio::test]
async fn preinstalled_registers_nothing_and_names_the_existing_issuer() {
    let config = CertManagerConfig {
        install: OperatorInstall::Preinstalled,
        cluster_issuer: "corp-ca".into(),
        ..CertManagerConfig::default()
    };
    let (regs, result) = synth(config).await;
    let outputs = result.unwrap();
    assert_eq!(outputs.issuer.name, "corp-ca");
    assert!(outputs.issuer.ready.is_none());
    assert!(
        !regs
            .iter()
            .any(|r| r.type_token.starts_with("heartbeat:tls"))
    );
    assert!(of_type(&regs, CHART_TYPE).is_empty());
}

#[tokio::test]
async fn bad_config_names_every_field_and_registers_nothing() {
    let config = CertManagerConfig {
        namespace: "Cert_Manager".into(),
        cluster_issuer: String::new(),
        ca_days: 5,
        chart_path: Some(" ".into()),
        ..CertManagerConfig::default()
    };
    let (regs, result) = synth(config).await;
    let error = format!("{:#}", result.unwrap_err());
    for field in [
        "certManager.namespace",
        "certManager.clusterIssuer",
        "certManager.caDays",
        "certManager.chartPath",
    ] {
        assert!(error.contains(field), "{field} missing from: {error}");
    }
    assert!(
        !regs
            .iter()
            .any(|r| r.type_token.starts_with("heartbeat:tls"))
    );
}
