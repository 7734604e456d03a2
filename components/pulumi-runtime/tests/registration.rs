//! Registration against the mock engine: components, parents, dependencies, secrets, options.

use std::collections::BTreeMap;

use mock_engine::{MockEngine, Mode};
use pulumi_runtime::{AsResource, Context, Output, ResourceOptions, wire};
use serde::Serialize;
use serde_json::json;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Args {
    cidr_block: Output<String>,
    tags: serde_json::Value,
    password: Output<String>,
    nested: Vec<Output<String>>,
}

/// String properties, some of them outputs (`json!` serialises at once, so it cannot hold outputs).
fn props<const N: usize>(
    pairs: [(&'static str, Output<String>); N],
) -> BTreeMap<&'static str, Output<String>> {
    pairs.into_iter().collect()
}

async fn program(ctx: Context) -> anyhow::Result<BTreeMap<&'static str, Output<String>>> {
    let component = ctx.register_component("heartbeat:test:Thing", "thing", ResourceOptions::new());
    let first = ctx.register_custom(
        "aws:ec2/vpc:Vpc",
        "first",
        &json!({"cidrBlock": "10.0.0.0/16"}),
        ResourceOptions::new().parent(&component).protect(true),
    );
    let provider = ctx.register_provider(
        "kubernetes",
        "k8s",
        &props([("kubeconfig", Output::secret("cfg".to_string()))]),
        ResourceOptions::new().parent(&component),
    );
    let second = ctx.register_custom(
        "aws:ec2/subnet:Subnet",
        "second",
        &Args {
            cidr_block: first.output::<String>("cidrBlock"),
            tags: json!({"Name": "second"}),
            password: Output::secret("hunter2".into()),
            nested: vec![first.id(), Output::new("plain".into())],
        },
        ResourceOptions::new()
            .parent(&component)
            .provider(&provider)
            .ignore_changes(["tags"])
            .delete_before_replace(true)
            .additional_secret_outputs(["password"])
            .version("7.0.0"),
    );
    let third = ctx.register_custom(
        "aws:s3/bucket:Bucket",
        "third",
        &json!({}),
        ResourceOptions::new().depends_on(&second),
    );
    ctx.register_outputs(&component, &props([("subnetId", second.id())]));
    Ok(props([
        ("bucket", third.id()),
        ("urn", third.urn().map(|u| u.0)),
    ]))
}

#[tokio::test]
async fn update_records_the_graph() {
    let engine = MockEngine::start(Mode::Update).await.unwrap();
    pulumi_runtime::run(engine.settings("proj", "dev", &[]), program)
        .await
        .unwrap();
    let regs = engine.registrations();
    let find = |name: &str| regs.iter().find(|r| r.name == name).unwrap().clone();

    let stack = find("proj-dev");
    assert_eq!(stack.type_token, pulumi_runtime::STACK_TYPE);
    assert!(!stack.custom && stack.parent.is_empty());
    assert_eq!(
        stack.registered_outputs.as_ref().unwrap()["bucket"],
        "third-id"
    );

    let component = find("thing");
    assert!(!component.custom);
    assert_eq!(component.parent, stack.urn);
    assert_eq!(
        component.registered_outputs.as_ref().unwrap()["subnetId"],
        "second-id"
    );

    let first = find("first");
    assert!(first.custom && first.protect);
    assert_eq!(first.parent, component.urn);
    assert_eq!(
        first.urn,
        "urn:pulumi:dev::proj::heartbeat:test:Thing$aws:ec2/vpc:Vpc::first"
    );

    let second = find("second");
    assert_eq!(
        second.input_str("cidrBlock").as_deref(),
        Some("10.0.0.0/16")
    );
    assert!(second.input_is_secret("password"));
    assert!(!second.input_is_secret("cidrBlock"));
    assert_eq!(second.input("nested"), Some(json!(["first-id", "plain"])));
    assert_eq!(second.dependencies, [first.urn.clone()].into());
    assert_eq!(
        second.property_dependencies["cidrBlock"],
        [first.urn.clone()].into()
    );
    assert_eq!(
        second.property_dependencies["nested"],
        [first.urn.clone()].into()
    );
    assert!(!second.property_dependencies.contains_key("tags"));
    let k8s = find("k8s");
    assert_eq!(k8s.type_token, "pulumi:providers:kubernetes");
    assert!(k8s.input_is_secret("kubeconfig"));
    assert_eq!(second.provider, format!("{}::k8s-id", k8s.urn));
    assert_eq!(second.ignore_changes, ["tags"]);
    assert!(second.delete_before_replace);
    assert_eq!(second.additional_secret_outputs, ["password"]);
    assert_eq!(second.version, "7.0.0");

    let third = find("third");
    assert_eq!(
        third.parent, stack.urn,
        "no parent option means a child of the stack"
    );
    assert_eq!(third.dependencies, [second.urn.clone()].into());
}

#[tokio::test]
async fn preview_sends_unknowns_and_provider_references() {
    let engine = MockEngine::start(Mode::Preview).await.unwrap();
    engine.fake_outputs("aws:ec2/vpc:Vpc", |_| {
        json!({"arn": "arn:aws:ec2:::vpc/1"})
            .as_object()
            .unwrap()
            .clone()
    });
    pulumi_runtime::run(engine.settings("proj", "dev", &[]), |ctx| async move {
        let vpc = ctx.register_custom(
            "aws:ec2/vpc:Vpc",
            "vpc",
            &json!({"cidrBlock": "10.0.0.0/16"}),
            ResourceOptions::new(),
        );
        let provider =
            ctx.register_provider("kubernetes", "k8s", &json!({}), ResourceOptions::new());
        ctx.register_custom(
            "aws:ec2/subnet:Subnet",
            "subnet",
            &props([
                ("vpcId", vpc.id()),
                ("arn", vpc.output::<String>("arn")),
                ("cidr", vpc.output::<String>("cidrBlock")),
            ]),
            ResourceOptions::new().provider(&provider),
        );
        Ok(json!({}))
    })
    .await
    .unwrap();
    let regs = engine.registrations();
    let subnet = regs.iter().find(|r| r.name == "subnet").unwrap();
    assert_eq!(subnet.wire_input("vpcId"), Some(&json!(wire::UNKNOWN)));
    assert!(
        subnet.input_is_unknown("arn"),
        "a computed output is unknown in preview"
    );
    assert_eq!(
        subnet.input_str("cidr").as_deref(),
        Some("10.0.0.0/16"),
        "inputs echo even in preview"
    );
    assert!(subnet.provider.ends_with(&format!("::{}", wire::UNKNOWN)));
    assert_eq!(subnet.dependencies.len(), 1);
}

#[tokio::test]
async fn a_failing_program_registers_nothing_and_reports() {
    let engine = MockEngine::start(Mode::Update).await.unwrap();
    let err = pulumi_runtime::run(engine.settings("proj", "dev", &[]), |_ctx| async move {
        anyhow::bail!("config: network.cidr is bad");
        #[allow(unreachable_code)]
        Ok(json!({}))
    })
    .await
    .unwrap_err();
    assert!(err.to_string().contains("network.cidr"));
    assert!(engine.registrations().is_empty());
}

#[tokio::test]
async fn a_failed_registration_fails_the_run_and_its_dependents() {
    let engine = MockEngine::start(Mode::Update).await.unwrap();
    let err = pulumi_runtime::run(engine.settings("proj", "dev", &[]), |ctx| async move {
        // JSON object keys must be strings: these inputs cannot be sent.
        let bad: std::collections::BTreeMap<(i32, i32), i32> = [((1, 2), 3)].into();
        let broken = ctx.register_custom(
            "aws:s3/bucket:Bucket",
            "broken",
            &bad,
            ResourceOptions::new(),
        );
        ctx.register_custom(
            "aws:s3/bucketPolicy:BucketPolicy",
            "policy",
            &props([("bucket", broken.id())]),
            ResourceOptions::new(),
        );
        Ok(json!({}))
    })
    .await;
    let message = format!("{:#}", err.unwrap_err());
    assert!(
        message.contains("aws:s3/bucket:Bucket `broken`: inputs cannot be serialised"),
        "{message}"
    );
    let names: Vec<_> = engine.registrations().into_iter().map(|r| r.name).collect();
    assert!(
        !names.contains(&"broken".to_string()) && !names.contains(&"policy".to_string()),
        "{names:?}"
    );
}

#[tokio::test]
async fn a_remote_component_gets_its_inputs_and_its_provider_by_package() {
    let engine = MockEngine::start(Mode::Update).await.unwrap();
    // What a provider's Construct answers: references to the resources it registered.
    engine.fake_outputs("kubernetes:helm.sh/v4:Chart", |_| {
        let reference = |urn: &str| {
            json!({wire::SIGNATURE_KEY: wire::RESOURCE_SIGNATURE, "urn": urn, "id": "x", "packageVersion": ""})
        };
        json!({"resources": [reference("urn:child:one"), reference("urn:child:two")]})
            .as_object()
            .unwrap()
            .clone()
    });
    pulumi_runtime::run(engine.settings("proj", "dev", &[]), |ctx| async move {
        let provider =
            ctx.register_provider("kubernetes", "k8s", &json!({}), ResourceOptions::new());
        let namespace = ctx.register_custom(
            "kubernetes:core/v1:Namespace",
            "ns",
            &json!({"name": "cert-manager"}),
            ResourceOptions::new().provider(&provider),
        );
        let chart = ctx.register_remote_component(
            "kubernetes:helm.sh/v4:Chart",
            "chart",
            &props([
                ("chart", Output::new("cert-manager".to_string())),
                ("namespace", namespace.output::<String>("name")),
            ]),
            ResourceOptions::new().provider(&provider),
        );
        ctx.register_custom(
            "kubernetes:kafka.strimzi.io/v1:Kafka",
            "after-chart",
            &json!({}),
            ResourceOptions::new()
                .depends_on_all(chart.resource().output("resources"))
                .depends_on_all(namespace.resource().output("absent")),
        );
        ctx.register_component("heartbeat:test:Local", "local", ResourceOptions::new());
        Ok(json!({}))
    })
    .await
    .unwrap();
    let regs = engine.registrations();
    let k8s = regs.iter().find(|r| r.name == "k8s").unwrap();
    let namespace = regs.iter().find(|r| r.name == "ns").unwrap();
    let chart = regs.iter().find(|r| r.name == "chart").unwrap();
    assert!(chart.remote && !chart.custom);
    assert_eq!(chart.input_str("chart").as_deref(), Some("cert-manager"));
    assert_eq!(
        chart.input_str("namespace").as_deref(),
        Some("cert-manager")
    );
    assert_eq!(
        chart.providers.get("kubernetes"),
        Some(&format!("{}::k8s-id", k8s.urn)),
        "the provider goes to the component by package"
    );
    assert!(
        chart.provider.is_empty(),
        "not as a custom resource's provider"
    );
    assert!(chart.dependencies.contains(&namespace.urn));
    let after = regs.iter().find(|r| r.name == "after-chart").unwrap();
    assert_eq!(
        after.dependencies,
        ["urn:child:one", "urn:child:two"].map(String::from).into(),
        "a resource reference reads as its URN; an absent list adds nothing"
    );
    let local = regs.iter().find(|r| r.name == "local").unwrap();
    assert!(!local.remote && local.providers.is_empty());
}
