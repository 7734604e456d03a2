//! The component pattern against the mock engine: naming, tagging, parents, typed AWS and
//! Kubernetes registration, outputs laid over typed objects, and the kubernetes provider.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::Secret;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use mock_engine::{MockEngine, Mode};
use platform_core::kubernetes::{ClusterAccess, Manifest, register_provider};
use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{Output, ResourceOptions};
use serde::Serialize;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct BucketArgs {
    bucket_prefix: String,
    tags: Tags,
}

impl AwsInputs for BucketArgs {
    const TYPE_TOKEN: &'static str = "aws:s3/bucketV2:BucketV2";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

#[tokio::test]
async fn a_scope_names_tags_parents_and_lays_outputs_over_objects() {
    let engine = MockEngine::start(Mode::Update).await.unwrap();
    pulumi_runtime::run(
        engine.settings("heartbeat-platform", "dev", &[]),
        |ctx| async move {
            let scope = ComponentScope::new(&ctx, "demo", "Demo", "demo", ResourceOptions::new());
            let bucket = scope.aws(
                "logs",
                BucketArgs {
                    bucket_prefix: "logs".into(),
                    tags: Tags::from([
                        ("Name".into(), "custom".into()),
                        ("team".into(), "data".into()),
                    ]),
                },
            );
            let provider = register_provider(
                &scope,
                ClusterAccess::RenderToDirectory("out/x".into()),
                ResourceOptions::new().depends_on(&bucket),
            );
            let secret = Secret {
                metadata: ObjectMeta {
                    name: Some("db".into()),
                    namespace: Some("data".into()),
                    ..ObjectMeta::default()
                },
                ..Secret::default()
            };
            let password = Output::secret("pw".to_string());
            scope.kubernetes(
                &provider,
                &Manifest::new(secret)
                    .with_output("/stringData/password", password)
                    .with_output("/metadata/annotations/bucket", bucket.id()),
            );
            scope.finish(BTreeMap::from([("bucket", bucket.id())]));
            Ok(BTreeMap::<String, String>::new())
        },
    )
    .await
    .unwrap();

    let regs = engine.registrations();
    let find = |name: &str| {
        regs.iter()
            .find(|r| r.name == name)
            .unwrap_or_else(|| panic!("{name}"))
    };
    let component = find("demo");
    assert_eq!(component.type_token, "heartbeat:demo:Demo");
    assert!(!component.custom && component.registered_outputs.is_some());

    let bucket = find("demo-logs");
    assert_eq!(bucket.parent, component.urn);
    assert_eq!(bucket.version, platform_core::scope::AWS_PROVIDER_VERSION);
    assert_eq!(
        bucket.input_str("tags/Name").as_deref(),
        Some("custom"),
        "explicit tags win"
    );
    assert_eq!(bucket.input_str("tags/team").as_deref(), Some("data"));
    assert_eq!(
        bucket.input_str("tags/heartbeat:component").as_deref(),
        Some("demo")
    );
    assert_eq!(
        bucket.input_str("tags/heartbeat:stack").as_deref(),
        Some("dev")
    );

    let provider = find("demo-kubernetes");
    assert_eq!(provider.type_token, "pulumi:providers:kubernetes");
    assert_eq!(
        provider.input_str("renderYamlToDirectory").as_deref(),
        Some("out/x")
    );
    assert!(provider.dependencies.contains(&bucket.urn));

    let secret = find("demo-secret-data-db");
    assert_eq!(secret.type_token, "kubernetes:core/v1:Secret");
    assert_eq!(secret.parent, component.urn);
    assert!(secret.provider.starts_with(&provider.urn));
    assert_eq!(secret.input_str("apiVersion").as_deref(), Some("v1"));
    assert_eq!(secret.input_str("kind").as_deref(), Some("Secret"));
    assert!(secret.input_is_secret("stringData/password"));
    assert!(!secret.input_is_secret("metadata/name"));
    assert_eq!(
        secret.input_str("metadata/annotations/bucket").as_deref(),
        Some("demo-logs-id")
    );
    assert_eq!(
        secret.property_dependencies["metadata"],
        [bucket.urn.clone()].into()
    );
}
