//! KafkaStack's resource graph on a mock engine: namespaces and operator dependencies, sizes
//! from the capacity model, clients wired to the bootstrap address, no plain-text secrets.

mod support;

use kafka_stack::{KafkaConfig, OperatorInstall};
use mock_engine::Registration;
use support::{dev, named, of_type, prod, synth};

const STRIMZI_KINDS: [&str; 5] = [
    "kubernetes:kafka.strimzi.io/v1:Kafka",
    "kubernetes:kafka.strimzi.io/v1:KafkaNodePool",
    "kubernetes:kafka.strimzi.io/v1:KafkaTopic",
    "kubernetes:kafka.strimzi.io/v1:KafkaUser",
    "kubernetes:kafka.strimzi.io/v1:KafkaConnect",
];

fn strimzi_resources(registrations: &[Registration]) -> Vec<&Registration> {
    registrations
        .iter()
        .filter(|r| STRIMZI_KINDS.contains(&r.type_token.as_str()))
        .collect()
}

#[tokio::test]
async fn every_custom_resource_is_in_the_watched_namespace_and_depends_on_the_operator() {
    let (sizing, zones, config) = prod();
    let registrations = synth(sizing, zones, config).await;
    let releases = of_type(&registrations, "kubernetes:helm.sh/v4:Chart");
    assert_eq!(releases.len(), 1);
    let operator = releases[0];
    assert_eq!(operator.input_str("namespace").as_deref(), Some("strimzi"));
    assert_eq!(
        operator.input_str("chart").as_deref(),
        Some("strimzi-kafka-operator")
    );
    assert_eq!(operator.input_str("version").as_deref(), Some("1.2.0"));
    assert_eq!(
        operator.input_str("repositoryOpts/repo").as_deref(),
        Some("https://strimzi.io/charts/")
    );
    let watched = operator.input("values/watchNamespaces").unwrap();
    assert_eq!(watched, serde_json::json!(["kafka"]));

    let resources = strimzi_resources(&registrations);
    assert_eq!(
        resources.len(),
        1 + 2 + 8 + 5 + 1,
        "Kafka, pools, topics, users, Connect"
    );
    for resource in resources {
        assert_eq!(
            resource.input_str("metadata/namespace").as_deref(),
            Some("kafka"),
            "{}",
            resource.name
        );
        assert!(
            resource.dependencies.contains(&operator.urn),
            "{} does not depend on the operator release",
            resource.name
        );
        assert!(
            !resource.provider.is_empty(),
            "{} has no provider",
            resource.name
        );
    }
}

#[tokio::test]
async fn preinstalled_operator_means_no_release() {
    let (sizing, zones, config) = dev();
    let config = KafkaConfig {
        operator_install: OperatorInstall::Preinstalled,
        ..config
    };
    let registrations = synth(sizing, zones, config).await;
    assert!(of_type(&registrations, "kubernetes:helm.sh/v4:Chart").is_empty());
    let namespace = named(&registrations, "kubernetes:core/v1:Namespace", "kafka");
    for resource in strimzi_resources(&registrations) {
        assert!(
            resource.dependencies.contains(&namespace.urn),
            "{}",
            resource.name
        );
    }
}

fn node_counts_and_partitions(registrations: &[Registration]) -> (u64, u64, String, u64) {
    let pool = |name| {
        named(
            registrations,
            "kubernetes:kafka.strimzi.io/v1:KafkaNodePool",
            name,
        )
    };
    let brokers = pool("brokers");
    assert_eq!(
        brokers.input("spec/roles").unwrap(),
        serde_json::json!(["broker"])
    );
    let controllers = pool("controllers");
    assert_eq!(
        controllers.input("spec/roles").unwrap(),
        serde_json::json!(["controller"])
    );
    assert_eq!(controllers.input("spec/replicas").unwrap(), 3);
    let heartbeats = named(
        registrations,
        "kubernetes:kafka.strimzi.io/v1:KafkaTopic",
        "heartbeats",
    );
    (
        brokers.input("spec/replicas").unwrap().as_u64().unwrap(),
        heartbeats
            .input("spec/partitions")
            .unwrap()
            .as_u64()
            .unwrap(),
        brokers.input_str("spec/storage/volumes/0/size").unwrap(),
        heartbeats.input("spec/replicas").unwrap().as_u64().unwrap(),
    )
}

#[tokio::test]
async fn prod_sizes_follow_the_capacity_model() {
    let (sizing, zones, config) = prod();
    let expected = (
        u64::from(sizing.kafka_brokers),
        u64::from(sizing.heartbeat_partitions),
        format!("{}Gi", sizing.broker_disk_gib),
        3,
    );
    assert_eq!(
        expected,
        (6, 24, "840Gi".to_owned(), 3),
        "the seed design's figures"
    );
    let registrations = synth(sizing, zones, config).await;
    assert_eq!(node_counts_and_partitions(&registrations), expected);
    let kafka = named(
        &registrations,
        "kubernetes:kafka.strimzi.io/v1:Kafka",
        "heartbeat",
    );
    assert_eq!(
        kafka
            .input("spec/kafka/config/min.insync.replicas")
            .unwrap(),
        2
    );
    assert_eq!(
        kafka.input_str("spec/kafka/rack/topologyKey").as_deref(),
        Some("topology.kubernetes.io/zone")
    );
    assert_eq!(
        kafka
            .input("spec/kafka/template/podDisruptionBudget/maxUnavailable")
            .unwrap(),
        1
    );
    let brokers = named(
        &registrations,
        "kubernetes:kafka.strimzi.io/v1:KafkaNodePool",
        "brokers",
    );
    let spread = brokers
        .input("spec/template/pod/topologySpreadConstraints/0")
        .unwrap();
    assert_eq!(spread["topologyKey"], "topology.kubernetes.io/zone");
    assert_eq!(spread["whenUnsatisfiable"], "DoNotSchedule");
    assert_eq!(
        spread["labelSelector"]["matchLabels"]["strimzi.io/pool-name"],
        "brokers"
    );
    assert_eq!(
        brokers.input_str("spec/storage/volumes/0/class").as_deref(),
        Some("gp3-retain")
    );
    assert_eq!(
        brokers.input_str("spec/storage/volumes/0/type").as_deref(),
        Some("persistent-claim")
    );
    let ksql = named(
        &registrations,
        "kubernetes:apps/v1:Deployment",
        "heartbeat-ksqldb",
    );
    assert_eq!(
        ksql.input("spec/replicas").unwrap(),
        4,
        "the seed design's ksqlDB servers"
    );
    named(
        &registrations,
        "kubernetes:policy/v1:PodDisruptionBudget",
        "heartbeat-ksqldb",
    );
}

#[tokio::test]
async fn dev_sizes_follow_the_capacity_model() {
    let (sizing, zones, config) = dev();
    let expected = (1, 1, "20Gi".to_owned(), 1);
    assert_eq!(
        (
            u64::from(sizing.kafka_brokers),
            u64::from(sizing.heartbeat_partitions)
        ),
        (expected.0, expected.1)
    );
    let registrations = synth(sizing, zones, config).await;
    assert_eq!(node_counts_and_partitions(&registrations), expected);
    assert!(
        of_type(&registrations, "kubernetes:policy/v1:PodDisruptionBudget").is_empty(),
        "single replicas get no PodDisruptionBudget"
    );
}

fn env_value(deployment: &Registration, name: &str) -> Option<String> {
    let env = deployment
        .input("spec/template/spec/containers/0/env")
        .unwrap();
    env.as_array()
        .unwrap()
        .iter()
        .find(|e| e["name"] == name)
        .and_then(|e| e["value"].as_str().map(str::to_owned))
}

#[tokio::test]
async fn clients_point_at_the_bootstrap_address_the_kafka_resource_defines() {
    let (sizing, zones, config) = prod();
    let registrations = synth(sizing, zones, config).await;
    let kafka = named(
        &registrations,
        "kubernetes:kafka.strimzi.io/v1:Kafka",
        "heartbeat",
    );
    let listener = kafka.input("spec/kafka/listeners/0").unwrap();
    assert_eq!(listener["tls"], true);
    assert_eq!(listener["authentication"]["type"], "tls");
    let bootstrap = format!(
        "{}-kafka-bootstrap.{}.svc:{}",
        kafka.input_str("metadata/name").unwrap(),
        kafka.input_str("metadata/namespace").unwrap(),
        listener["port"]
    );

    let connect = named(
        &registrations,
        "kubernetes:kafka.strimzi.io/v1:KafkaConnect",
        "heartbeat-connect",
    );
    assert_eq!(
        connect.input_str("spec/bootstrapServers"),
        Some(bootstrap.clone())
    );
    let annotations = connect.input("metadata/annotations").unwrap();
    assert_eq!(annotations["strimzi.io/use-connector-resources"], "true");

    let deployment = |name| named(&registrations, "kubernetes:apps/v1:Deployment", name);
    assert_eq!(
        env_value(deployment("heartbeat-ksqldb"), "KSQL_BOOTSTRAP_SERVERS"),
        Some(bootstrap.clone())
    );
    assert_eq!(
        env_value(
            deployment("heartbeat-kafka-ui"),
            "KAFKA_CLUSTERS_0_BOOTSTRAPSERVERS"
        ),
        Some(bootstrap.clone())
    );
    assert_eq!(
        env_value(
            deployment("heartbeat-schema-registry"),
            "SCHEMA_REGISTRY_KAFKASTORE_BOOTSTRAP_SERVERS"
        ),
        Some(format!("SSL://{bootstrap}"))
    );
    assert_eq!(
        env_value(
            deployment("heartbeat-kafka-ui"),
            "KAFKA_CLUSTERS_0_KAFKACONNECT_0_ADDRESS"
        )
        .as_deref(),
        Some("http://heartbeat-connect-connect-api.kafka.svc:8083")
    );
    for service in of_type(&registrations, "kubernetes:core/v1:Service") {
        assert_eq!(
            service.input_str("spec/type").as_deref(),
            Some("ClusterIP"),
            "{}",
            service.name
        );
    }
    let stack = registrations
        .iter()
        .find(|r| r.type_token == "heartbeat:kafka:KafkaStack")
        .unwrap();
    let outputs = stack.registered_outputs.clone().unwrap();
    let bootstrap_output = mock_engine_decode(&outputs["bootstrapServers"]);
    assert_eq!(bootstrap_output, bootstrap);
}

fn mock_engine_decode(value: &serde_json::Value) -> String {
    pulumi_runtime::wire::decode(value)
        .0
        .unwrap()
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn the_ingest_user_may_only_write_heartbeats() {
    let (sizing, zones, config) = prod();
    let registrations = synth(sizing, zones, config).await;
    let ingest = named(
        &registrations,
        "kubernetes:kafka.strimzi.io/v1:KafkaUser",
        "heartbeat-ingest",
    );
    assert_eq!(
        ingest.input_str("spec/authentication/type").as_deref(),
        Some("tls")
    );
    assert_eq!(
        ingest.input("spec/authorization/acls").unwrap(),
        serde_json::json!([{
            "resource": {"type": "topic", "name": "heartbeats", "patternType": "literal"},
            "operations": ["Write", "Describe"],
        }])
    );
}

#[tokio::test]
async fn ksqldb_runs_exactly_once_with_the_transactional_ids_it_uses_and_sinks_read_committed() {
    let (sizing, zones, config) = prod();
    let registrations = synth(sizing, zones, config).await;
    let ksqldb = named(
        &registrations,
        "kubernetes:apps/v1:Deployment",
        "heartbeat-ksqldb",
    );
    // The Confluent image turns KSQL_KSQL_STREAMS_PROCESSING_GUARANTEE into
    // ksql.streams.processing.guarantee in ksql-server.properties.
    assert_eq!(
        env_value(ksqldb, "KSQL_KSQL_STREAMS_PROCESSING_GUARANTEE").as_deref(),
        Some("exactly_once_v2")
    );
    let service_id = env_value(ksqldb, "KSQL_KSQL_SERVICE_ID").unwrap();
    let user = named(
        &registrations,
        "kubernetes:kafka.strimzi.io/v1:KafkaUser",
        "heartbeat-ksqldb",
    );
    let acls = user.input("spec/authorization/acls").unwrap();
    let transactional: Vec<String> = acls
        .as_array()
        .unwrap()
        .iter()
        .filter(|a| a["resource"]["type"] == "transactionalId")
        .map(|a| {
            assert_eq!(a["resource"]["patternType"], "prefix");
            assert_eq!(a["operations"], serde_json::json!(["Write", "Describe"]));
            a["resource"]["name"].as_str().unwrap().to_owned()
        })
        .collect();
    // ksqlDB's command producer: transactional.id = the service id. A query's Kafka Streams
    // producers: <application id>-<process>-<thread>, application id
    // _confluent-ksql-<service id>query_<id>.
    let command_producer = service_id.clone();
    let query_producer = format!("_confluent-ksql-{service_id}query_CTAS_X_1-0b5e-1");
    for id in [command_producer, query_producer] {
        assert!(
            transactional.iter().any(|prefix| id.starts_with(prefix)),
            "{id} is not covered by {transactional:?}"
        );
    }
    let connect = named(
        &registrations,
        "kubernetes:kafka.strimzi.io/v1:KafkaConnect",
        "heartbeat-connect",
    );
    assert_eq!(
        connect
            .input_str("spec/config/consumer.isolation.level")
            .as_deref(),
        Some("read_committed")
    );
}

#[tokio::test]
async fn no_plain_text_password_in_any_input() {
    let (sizing, zones, config) = prod();
    let registrations = synth(sizing, zones, config).await;
    let mut password_fields = 0;
    for registration in &registrations {
        let inputs = serde_json::Value::Object(registration.inputs.clone());
        visit(&inputs, "", &mut |path, value| {
            if path.to_ascii_lowercase().contains("password") {
                password_fields += 1;
                // Only references to Secrets may carry a password: env valueFrom or keys.
                assert!(
                    value.is_null() || !value.is_string() || value.as_str() == Some(""),
                    "{}: plain value at {path}: {value}",
                    registration.name
                );
            }
            if let Some(name) = value.get("name").and_then(|n| n.as_str())
                && name.contains("PASSWORD")
            {
                password_fields += 1;
                assert!(
                    value.get("value").is_none(),
                    "{}: {name} is inline",
                    registration.name
                );
                assert!(
                    value["valueFrom"]["secretKeyRef"]["key"].is_string(),
                    "{name}"
                );
            }
        });
    }
    assert!(
        password_fields >= 6,
        "keystore and truststore passwords of three clients"
    );
}

fn visit(value: &serde_json::Value, path: &str, f: &mut impl FnMut(&str, &serde_json::Value)) {
    f(path, value);
    match value {
        serde_json::Value::Object(map) => {
            for (k, v) in map {
                visit(v, &format!("{path}/{k}"), f);
            }
        }
        serde_json::Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                visit(v, &format!("{path}/{i}"), f);
            }
        }
        _ => {}
    }
}

#[tokio::test]
async fn bad_config_registers_nothing_and_names_the_key() {
    let (sizing, zones, config) = prod();
    let config = KafkaConfig {
        min_insync_replicas: 3,
        ..config
    };
    let engine = mock_engine::MockEngine::start(mock_engine::Mode::Update)
        .await
        .unwrap();
    let settings = engine.settings("heartbeat-platform", "test", &[]);
    let result = pulumi_runtime::run(settings, move |ctx| async move {
        let provider = platform_core::kubernetes::render_target(&ctx, "out");
        kafka_stack::KafkaStack::new(
            &ctx,
            "kafka",
            kafka_stack::KafkaStackArgs {
                provider: &provider,
                sizing: &sizing,
                zones: &zones,
                config: &config,
                oidc: None,
            },
            pulumi_runtime::ResourceOptions::new(),
        )?;
        Ok(serde_json::json!({}))
    })
    .await;
    let error = format!("{:#}", result.unwrap_err());
    assert!(
        error.contains("heartbeat-platform:kafka.minInsyncReplicas = 3"),
        "{error}"
    );
    assert!(
        error.contains("heartbeat-platform:kafka.connect.buildImage = (unset)"),
        "without the cluster's OIDC issuer no ECR repository can be made: {error}"
    );
    assert!(
        engine
            .registrations()
            .iter()
            .all(|r| !r.type_token.starts_with("kubernetes:kafka.strimzi.io")),
        "nothing of Kafka was registered"
    );
}

#[tokio::test]
async fn connect_pushes_to_its_own_ecr_repository_through_irsa() {
    let (sizing, zones, config) = prod();
    let registrations = synth(sizing, zones, config).await;
    let repository = mock_engine::query::one(&registrations, "aws:ecr/repository:Repository");
    assert_eq!(
        repository.input_str("name").as_deref(),
        Some("heartbeat-platform-test/heartbeat-connect")
    );
    assert_eq!(
        repository.input("imageScanningConfiguration/scanOnPush"),
        Some(serde_json::json!(true))
    );
    assert_eq!(
        repository
            .input_str("encryptionConfigurations/0/encryptionType")
            .as_deref(),
        Some("KMS")
    );
    assert_eq!(
        repository.input("forceDelete"),
        Some(serde_json::json!(false))
    );
    let lifecycle =
        mock_engine::query::one(&registrations, "aws:ecr/lifecyclePolicy:LifecyclePolicy");
    assert!(lifecycle.dependencies.contains(&repository.urn));

    // The push policy: a registry token, and push only to this repository.
    let policy = mock_engine::query::one(&registrations, "aws:iam/policy:Policy");
    let document: serde_json::Value =
        serde_json::from_str(&policy.input_str("policy").unwrap()).unwrap();
    for statement in document["Statement"].as_array().unwrap() {
        let actions = statement["Action"].as_array().unwrap();
        if actions.iter().any(|a| a == "ecr:PutImage") {
            assert!(
                statement["Resource"]
                    .as_str()
                    .unwrap()
                    .ends_with("kafka-connect-images"),
                "push is scoped to the repository, not {}",
                statement["Resource"]
            );
        } else {
            assert_eq!(actions, &[serde_json::json!("ecr:GetAuthorizationToken")]);
        }
    }

    // Only Strimzi's build service account may assume the role.
    let role = mock_engine::query::one(&registrations, "aws:iam/role:Role");
    let trust = role.input_str("assumeRolePolicy").unwrap();
    assert!(
        trust.contains("system:serviceaccount:kafka:heartbeat-connect-connect-build"),
        "{trust}"
    );

    let connect = mock_engine::query::one(
        &registrations,
        "kubernetes:kafka.strimzi.io/v1:KafkaConnect",
    );
    assert_eq!(
        connect.input_str("spec/build/output/image").as_deref(),
        Some(
            "123456789012.dkr.ecr.eu-west-1.amazonaws.com/kafka-connect-images:debezium-jdbc-3.3.1.Final"
        )
    );
    assert!(connect.input("spec/build/output/pushSecret").is_none());
    let annotations = connect
        .input("spec/template/buildServiceAccount/metadata/annotations")
        .unwrap();
    assert_eq!(
        annotations["eks.amazonaws.com/role-arn"],
        format!("arn:aws:iam:eu-west-1:123456789012:role/{}", role.name).as_str(),
        "the build pod runs as the role"
    );
    let attachment = mock_engine::query::one(
        &registrations,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    );
    assert!(
        connect.dependencies.contains(&attachment.urn),
        "Connect waits until the build may push"
    );
}

#[tokio::test]
async fn a_configured_registry_means_no_ecr_and_without_either_the_key_is_named() {
    let (sizing, zones, mut config) = dev();
    config.connect.build_image = Some("registry.example.com/connect:7".into());
    config.connect.push_secret = Some("registry-credentials".into());
    let registrations = synth(sizing, zones, config).await;
    assert!(
        registrations
            .iter()
            .all(|r| !r.type_token.starts_with("aws:"))
    );
    let connect = mock_engine::query::one(
        &registrations,
        "kubernetes:kafka.strimzi.io/v1:KafkaConnect",
    );
    assert_eq!(
        connect.input_str("spec/build/output/image").as_deref(),
        Some("registry.example.com/connect:7")
    );
    assert_eq!(
        connect.input_str("spec/build/output/pushSecret").as_deref(),
        Some("registry-credentials")
    );
}

#[tokio::test]
async fn the_http_services_run_with_the_restricted_profile() {
    let (sizing, zones, config) = prod();
    let registrations = synth(sizing, zones, config).await;
    for (name, pinned_user) in [
        ("heartbeat-schema-registry", true),
        ("heartbeat-ksqldb", true),
        ("heartbeat-kafka-ui", false),
    ] {
        let deployment = named(&registrations, "kubernetes:apps/v1:Deployment", name);
        let context = deployment
            .input("spec/template/spec/containers/0/securityContext")
            .unwrap_or_else(|| panic!("{name} has no security context"));
        assert_eq!(context["allowPrivilegeEscalation"], false, "{name}");
        assert_eq!(
            context["capabilities"]["drop"],
            serde_json::json!(["ALL"]),
            "{name}"
        );
        assert_eq!(
            context["seccompProfile"]["type"], "RuntimeDefault",
            "{name}"
        );
        if pinned_user {
            assert_eq!(context["runAsNonRoot"], true, "{name}");
            assert_eq!(
                context["runAsUser"], 1000,
                "{name} runs as Confluent's appuser"
            );
        } else {
            assert!(
                context.get("runAsUser").is_none(),
                "{name}: the image's own user"
            );
        }
    }
}

#[tokio::test]
async fn load_balancers_are_internal_nlbs_unless_public_is_asked_for() {
    use kafka_stack::ServiceExposure;
    let services = [
        "heartbeat-schema-registry",
        "heartbeat-ksqldb",
        "heartbeat-kafka-ui",
    ];
    let scheme_key = "service.beta.kubernetes.io/aws-load-balancer-scheme";
    for (exposure, want) in [
        (ServiceExposure::ClusterIP, None),
        (ServiceExposure::LoadBalancer, Some("internal")),
        (ServiceExposure::PublicLoadBalancer, Some("internet-facing")),
    ] {
        let (sizing, zones, config) = prod();
        let config = KafkaConfig {
            service_type: exposure,
            ..config
        };
        let registrations = synth(sizing, zones, config).await;
        for name in services {
            let service = named(&registrations, "kubernetes:core/v1:Service", name);
            let scheme = service
                .input("metadata/annotations")
                .and_then(|annotations| annotations.get(scheme_key).cloned());
            let class = service.input_str("spec/loadBalancerClass");
            match want {
                None => {
                    assert_eq!(service.input_str("spec/type").as_deref(), Some("ClusterIP"));
                    assert!(
                        scheme.is_none() && class.is_none(),
                        "{name}: no load balancer"
                    );
                }
                Some(want) => {
                    assert_eq!(
                        service.input_str("spec/type").as_deref(),
                        Some("LoadBalancer")
                    );
                    // The controller, not the in-tree provider (an internet-facing Classic LB).
                    assert_eq!(class.as_deref(), Some("service.k8s.aws/nlb"), "{name}");
                    assert_eq!(
                        scheme
                            .and_then(|s| s.as_str().map(str::to_owned))
                            .as_deref(),
                        Some(want),
                        "{name}"
                    );
                }
            }
        }
    }
}
