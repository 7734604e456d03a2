//! The stack program against the mock engine, for the shipped dev and prod configs, in preview
//! and update mode: the graph's shape, components, parents and tags.

mod support;

use mock_engine::Mode;
use mock_engine::query::one;
use support::{run, stack_config};

const COMPONENTS: &[&str] = &[
    "heartbeat:network:Network",
    "heartbeat:eks:EksCluster",
    "heartbeat:tls:CertManager",
    "heartbeat:kafka:KafkaStack",
    "heartbeat:yugabyte:YugabyteStack",
    "heartbeat:pipeline:KsqlPipeline",
    "heartbeat:ingest:IngestService",
];

async fn check_graph(stack: &str, mode: Mode) {
    let (engine, result) = run(mode, &stack_config(stack)).await;
    result.unwrap_or_else(|e| panic!("{stack} {mode:?}: {e:#}"));
    let registrations = engine.registrations();
    let root = one(&registrations, pulumi_runtime::STACK_TYPE);
    assert!(root.parent.is_empty() && !root.custom);
    assert!(
        root.registered_outputs.is_some(),
        "stack outputs registered"
    );

    for type_token in COMPONENTS {
        let component = one(&registrations, type_token);
        assert!(!component.custom, "{type_token} is a component");
        assert!(type_token.starts_with("heartbeat:"));
        assert!(
            component.registered_outputs.is_some(),
            "{type_token} registered its outputs"
        );
    }
    for registration in &registrations {
        if registration.type_token == pulumi_runtime::STACK_TYPE {
            continue;
        }
        let parent = registrations
            .iter()
            .find(|r| r.urn == registration.parent)
            .unwrap_or_else(|| panic!("{} has no registered parent", registration.urn));
        if registration.custom {
            assert!(
                !parent.custom,
                "{} is parented to a component",
                registration.urn
            );
            assert_ne!(
                parent.type_token,
                pulumi_runtime::STACK_TYPE,
                "{} sits under a component, not the stack",
                registration.urn
            );
        }
        if registration.type_token.starts_with("aws:") && registration.wire_input("tags").is_some()
        {
            for tag in [
                "heartbeat:project",
                "heartbeat:stack",
                "heartbeat:component",
                "Name",
            ] {
                assert!(
                    registration.input(&format!("tags/{tag}")).is_some(),
                    "{} lacks tag {tag}",
                    registration.urn
                );
            }
        }
    }
}

#[tokio::test]
async fn dev_preview() {
    check_graph("dev", Mode::Preview).await;
}

#[tokio::test]
async fn dev_update() {
    check_graph("dev", Mode::Update).await;
}

#[tokio::test]
async fn prod_preview() {
    check_graph("prod", Mode::Preview).await;
}

#[tokio::test]
async fn prod_update() {
    check_graph("prod", Mode::Update).await;
}

/// The registrations and stack outputs of an update of shipped stack `stack`.
async fn updated(stack: &str) -> (Vec<mock_engine::Registration>, serde_json::Value) {
    let (engine, result) = run(Mode::Update, &stack_config(stack)).await;
    result.unwrap();
    let registrations = engine.registrations();
    let outputs = one(&registrations, pulumi_runtime::STACK_TYPE)
        .registered_outputs
        .clone()
        .unwrap();
    (registrations, serde_json::Value::Object(outputs))
}

#[tokio::test]
async fn prod_is_sized_by_the_capacity_model() {
    let (_, outputs) = updated("prod").await;
    // 100,000/s × 2.0 headroom on 3 zones, replication factor 3 (worked in platform-core's tests).
    assert_eq!(outputs["sizing"]["kafkaBrokers"], 6);
    assert_eq!(outputs["sizing"]["heartbeatPartitions"], 24);
    assert_eq!(outputs["sizing"]["ingestReplicas"], 9);
    assert_eq!(
        outputs["zones"],
        serde_json::json!(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
    );
}

#[tokio::test]
async fn the_database_waits_for_the_platform_ca() {
    let (engine, result) = run(Mode::Update, &stack_config("dev")).await;
    result.unwrap();
    let registrations = engine.registrations();
    let issuer = mock_engine::query::named(
        &registrations,
        "kubernetes:cert-manager.io/v1:ClusterIssuer",
        "heartbeat-ca",
    );
    let zone_charts: Vec<_> =
        mock_engine::query::of_type(&registrations, "kubernetes:helm.sh/v4:Chart")
            .into_iter()
            .filter(|chart| chart.name.starts_with("yugabyte-"))
            .collect();
    assert_eq!(zone_charts.len(), 2, "one chart per dev zone");
    for chart in zone_charts {
        assert!(
            chart.dependencies.contains(&issuer.urn),
            "{} waits for the CA",
            chart.name
        );
        assert_eq!(
            chart
                .input_str("values/tls/certManager/clusterIssuer")
                .as_deref(),
            Some("heartbeat-ca")
        );
    }
}

#[tokio::test]
async fn the_outputs_name_the_cluster_and_the_group_the_deploy_runner_joins() {
    for stack in ["dev", "prod"] {
        let (registrations, outputs) = updated(stack).await;
        let cluster = one(&registrations, "aws:eks/cluster:Cluster");
        assert_eq!(
            outputs["clusterName"],
            serde_json::json!("heartbeat-platform-test")
        );
        assert_eq!(
            cluster.input_str("name").as_deref(),
            Some("heartbeat-platform-test")
        );
        assert!(
            outputs["clusterEndpoint"]
                .as_str()
                .is_some_and(|e| e.starts_with("https://")),
            "{stack}: {}",
            outputs["clusterEndpoint"]
        );
        let clients =
            mock_engine::query::of_type(&registrations, "aws:ec2/securityGroup:SecurityGroup")
                .into_iter()
                .find(|g| g.name.ends_with("-api-clients-sg"))
                .unwrap();
        assert_eq!(
            outputs["apiClientsSecurityGroupId"],
            serde_json::json!(clients.id)
        );
        let private: Vec<serde_json::Value> =
            mock_engine::query::of_type(&registrations, "aws:ec2/subnet:Subnet")
                .into_iter()
                .filter(|s| s.name.contains("-private-"))
                .map(|s| serde_json::json!(s.id))
                .collect();
        assert_eq!(outputs["privateSubnetIds"], serde_json::json!(private));
        // The shipped stacks keep the endpoint private, so the runner's group is the way in.
        assert_eq!(
            cluster.input("vpcConfig/endpointPublicAccess"),
            Some(serde_json::json!(false))
        );
        let endpoint_groups = cluster.input("vpcConfig/securityGroupIds").unwrap();
        let endpoint =
            mock_engine::query::of_type(&registrations, "aws:ec2/securityGroup:SecurityGroup")
                .into_iter()
                .find(|g| g.name.ends_with("-api-endpoint-sg"))
                .unwrap();
        assert!(
            endpoint_groups
                .as_array()
                .unwrap()
                .contains(&serde_json::json!(endpoint.id))
        );
        assert_eq!(
            endpoint.input("ingress/0/securityGroups"),
            Some(serde_json::json!([clients.id]))
        );
    }
}
