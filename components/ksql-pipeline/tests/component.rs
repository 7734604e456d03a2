//! KsqlPipeline on a mock engine after a real KafkaStack and YugabyteStack: the statements
//! ConfigMap and the applier Job, the sink connectors' namespace, label and dependencies, no
//! plain-text password, outputs, and settings errors that register nothing.

mod support;

use ksql_pipeline::applier_job::{ACTIVE_DEADLINE_SECS, BACKOFF_LIMIT, RUN_AS, applier_name};
use ksql_pipeline::{
    PipelineSettings, StatementFile, ValueFormat, pipeline_statements, pipeline_topics,
};
use mock_engine::query::plain_strings;
use mock_engine::{Mode, Registration};
use platform_core::helm::CHART_TYPE;
use pulumi_runtime::wire;
use serde_json::{Value, json};
use support::{CONFIG_MAP, CONNECTOR, Database, JOB, PASSWORD, of_type, one, synth};

const COMPONENT: &str = "heartbeat:pipeline:KsqlPipeline";

/// The pipeline's own children.
fn children(registrations: &[Registration]) -> Vec<&Registration> {
    let component = &one(registrations, COMPONENT, "pipeline").urn;
    registrations
        .iter()
        .filter(|r| &r.parent == component)
        .collect()
}

/// The one registration of `token` whose `metadata.name` ends with `suffix`.
fn named<'a>(registrations: &'a [Registration], token: &str, suffix: &str) -> &'a Registration {
    let found: Vec<_> = of_type(registrations, token)
        .into_iter()
        .filter(|r| {
            r.input_str("metadata/name")
                .is_some_and(|n| n.ends_with(suffix))
        })
        .collect();
    assert_eq!(found.len(), 1, "{token} *{suffix}: {} found", found.len());
    found[0]
}

#[tokio::test]
async fn the_config_map_holds_exactly_the_statements_in_order_and_the_job_applies_it() {
    let settings = PipelineSettings::default();
    let run = synth(Mode::Update, settings.clone(), Database::FromStack).await;
    run.result.unwrap();
    let regs = &run.registrations;
    let pipeline_children = children(regs);

    let config_maps: Vec<_> = pipeline_children
        .iter()
        .filter(|r| r.type_token == CONFIG_MAP)
        .collect();
    assert_eq!(config_maps.len(), 1);
    let config_map = config_maps[0];
    let text = config_map.input_str("data/statements.json").unwrap();
    let kafka_outputs = one(regs, "heartbeat:kafka:KafkaStack", "kafka")
        .registered_outputs
        .clone()
        .unwrap();
    let topics: kafka_stack::Topics =
        serde_json::from_value(wire::decode(&kafka_outputs["topics"]).0.unwrap()).unwrap();
    let expected = pipeline_statements(&pipeline_topics(&topics), &settings).unwrap();
    let file = StatementFile::from_json(&text).unwrap();
    assert_eq!(
        file,
        StatementFile::new(expected),
        "the same statements, in order"
    );
    assert_eq!(file.statements.len(), 7);
    assert_eq!(config_map.input("immutable"), Some(json!(true)));

    let jobs: Vec<_> = pipeline_children
        .iter()
        .filter(|r| r.type_token == JOB)
        .collect();
    assert_eq!(jobs.len(), 1);
    let job = jobs[0];
    let job_name = job.input_str("metadata/name").unwrap();
    assert_eq!(job_name, applier_name("pipeline-ksql-apply", &text));
    assert_eq!(config_map.input_str("metadata/name").unwrap(), job_name);
    assert_eq!(
        job.input_str("metadata/namespace").as_deref(),
        Some("kafka")
    );
    assert_eq!(
        config_map.input_str("metadata/namespace").as_deref(),
        Some("kafka")
    );
    assert_eq!(job.input("spec/backoffLimit"), Some(json!(BACKOFF_LIMIT)));
    assert_eq!(
        job.input("spec/activeDeadlineSeconds"),
        Some(json!(ACTIVE_DEADLINE_SECS))
    );
    // The provider waits for the Job as long as it may run, not its 10-minute default.
    let annotations = job.input("metadata/annotations").unwrap();
    assert_eq!(
        annotations["pulumi.com/timeoutSeconds"],
        ACTIVE_DEADLINE_SECS.to_string()
    );

    let pod = job.input("spec/template/spec").unwrap();
    assert_eq!(pod["restartPolicy"], "Never");
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(pod["securityContext"]["runAsUser"], RUN_AS);
    assert_eq!(pod["volumes"][0]["configMap"]["name"], job_name.as_str());
    let containers = pod["containers"].as_array().unwrap();
    assert_eq!(containers.len(), 1);
    let container = &containers[0];
    assert_eq!(container["image"], settings.applier_image.as_str());
    let ksqldb = named(regs, "kubernetes:core/v1:Service", "-ksqldb");
    let ksqldb_url = format!(
        "http://{}.kafka.svc:8088",
        ksqldb.input_str("metadata/name").unwrap()
    );
    assert_eq!(
        container["args"],
        json!([
            "--server",
            ksqldb_url,
            "--statements",
            "/etc/pipeline/statements.json"
        ])
    );
    assert_eq!(container["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(
        container["securityContext"]["allowPrivilegeEscalation"],
        false
    );
    assert_eq!(container["volumeMounts"][0]["mountPath"], "/etc/pipeline");

    // The ConfigMap comes after Kafka's namespace (through the `Kafka` resource), the Job
    // after the ConfigMap and after ksqlDB's Service through the URL in its arguments.
    let kafka_cluster = one(regs, "kubernetes:kafka.strimzi.io/v1:Kafka", "kafka-");
    assert!(config_map.dependencies.contains(&kafka_cluster.urn));
    assert!(job.dependencies.contains(&config_map.urn));
    assert!(
        job.dependencies.contains(&ksqldb.urn),
        "the Job waits for ksqlDB's Service: {:?}",
        job.dependencies
    );
}

#[tokio::test]
async fn the_job_is_renamed_only_when_the_statements_change() {
    let job_name = |regs: &[Registration]| {
        let jobs: Vec<String> = children(regs)
            .into_iter()
            .filter(|r| r.type_token == JOB)
            .map(|r| r.input_str("metadata/name").unwrap())
            .collect();
        assert_eq!(jobs.len(), 1);
        jobs[0].clone()
    };
    let first = synth(
        Mode::Update,
        PipelineSettings::default(),
        Database::FromStack,
    )
    .await;
    let again = synth(
        Mode::Update,
        PipelineSettings::default(),
        Database::FromStack,
    )
    .await;
    let changed = PipelineSettings {
        session_gap_secs: 30,
        ..PipelineSettings::default()
    };
    let changed = synth(Mode::Update, changed, Database::FromStack).await;
    let other_image = PipelineSettings {
        applier_image: "registry.example/ksql-applier:0.2.0".into(),
        ..PipelineSettings::default()
    };
    let other_image = synth(Mode::Update, other_image, Database::FromStack).await;
    let first = job_name(&first.registrations);
    assert_eq!(first, job_name(&again.registrations));
    assert_ne!(first, job_name(&changed.registrations));
    assert_eq!(
        first,
        job_name(&other_image.registrations),
        "the name follows the statements, not the image"
    );
}

#[tokio::test]
async fn every_connector_lives_in_kafkas_namespace_on_the_connect_cluster_after_the_database() {
    let run = synth(
        Mode::Update,
        PipelineSettings::default(),
        Database::FromStack,
    )
    .await;
    run.result.unwrap();
    let regs = &run.registrations;
    let connect = one(
        regs,
        "kubernetes:kafka.strimzi.io/v1:KafkaConnect",
        "kafka-",
    );
    let connect_name = connect.input_str("metadata/name").unwrap();
    let migration = one(regs, JOB, "yugabyte-");
    let registry = named(regs, "kubernetes:core/v1:Service", "-schema-registry");
    let operator = one(regs, CHART_TYPE, "kafka-");
    let pipeline_urn = &one(regs, COMPONENT, "pipeline").urn;
    let connectors = of_type(regs, CONNECTOR);
    let mut names: Vec<String> = connectors
        .iter()
        .map(|c| c.input_str("metadata/name").unwrap())
        .collect();
    names.sort_unstable();
    assert_eq!(
        names,
        [
            "ad-impressions-hourly-jdbc-sink",
            "continue-watching-jdbc-sink",
            "video-watch-daily-jdbc-sink",
            "watched-segments-jdbc-sink"
        ]
    );
    for connector in connectors {
        let name = &connector.name;
        assert_eq!(&connector.parent, pipeline_urn, "{name}");
        assert_eq!(
            connector.input_str("metadata/namespace").as_deref(),
            Some("kafka"),
            "{name}"
        );
        let labels = connector.input("metadata/labels").unwrap();
        assert_eq!(
            labels["strimzi.io/cluster"],
            connect_name.as_str(),
            "{name}"
        );
        for (what, urn) in [
            ("the KafkaConnect", &connect.urn),
            ("the database migration Job", &migration.urn),
            ("the Schema Registry", &registry.urn),
            ("the Strimzi operator", &operator.urn),
        ] {
            assert!(
                connector.dependencies.contains(urn),
                "{name} depends on {what}: {:?}",
                connector.dependencies
            );
        }
        let config = connector.input("spec/config").unwrap();
        assert_eq!(
            config["connection.password"],
            "${secrets:yugabyte/yugabyte-app:password}"
        );
        assert!(
            config["connection.url"]
                .as_str()
                .unwrap()
                .starts_with("jdbc:postgresql://")
        );
        assert_eq!(config["connection.username"], "heartbeat_sink");
        assert_eq!(config["tasks.max"], Value::Null, "tasks are spec.tasksMax");
        assert_eq!(connector.input("spec/tasksMax"), Some(json!(2)));
        assert_eq!(
            connector.input_str("spec/class").as_deref(),
            Some("io.debezium.connector.jdbc.JdbcSinkConnector")
        );
    }
}

#[tokio::test]
async fn no_plain_text_password_anywhere_in_the_inputs() {
    let run = synth(
        Mode::Update,
        PipelineSettings::default(),
        Database::FromStack,
    )
    .await;
    run.result.unwrap();
    for registration in &run.registrations {
        let inputs = Value::Object(registration.inputs.clone());
        let strings = plain_strings(&inputs);
        assert!(
            strings.iter().all(|s| !s.contains(PASSWORD)),
            "{} carries the password in plain text",
            registration.urn
        );
    }
    for child in children(&run.registrations) {
        let text = serde_json::to_string(&child.inputs).unwrap();
        assert!(
            !text.contains(PASSWORD),
            "{} carries the password",
            child.urn
        );
    }
}

#[tokio::test]
async fn a_plain_text_password_fails_the_connectors_and_is_never_sent() {
    let run = synth(
        Mode::Update,
        PipelineSettings::default(),
        Database::PasswordReference("hunter2".into()),
    )
    .await;
    let error = format!("{:#}", run.result.unwrap_err());
    assert!(error.contains("sink.password"), "{error}");
    for registration in &run.registrations {
        let text = serde_json::to_string(&registration.inputs).unwrap();
        assert!(!text.contains("hunter2"), "{} carries it", registration.urn);
    }
}

#[tokio::test]
async fn outputs_name_the_statements_the_connectors_and_the_job() {
    let run = synth(
        Mode::Update,
        PipelineSettings::default(),
        Database::FromStack,
    )
    .await;
    run.result.unwrap();
    let regs = &run.registrations;
    let component = one(regs, COMPONENT, "pipeline");
    assert!(!component.custom);
    let outputs = Value::Object(component.registered_outputs.clone().unwrap());
    let outputs = wire::decode(&outputs).0.unwrap();
    assert_eq!(outputs["namespace"], "kafka");
    assert_eq!(outputs["statementNames"].as_array().unwrap().len(), 7);
    assert_eq!(outputs["statementNames"][0], "heartbeats");
    assert_eq!(
        outputs["connectorNames"],
        json!([
            "watched-segments-jdbc-sink",
            "continue-watching-jdbc-sink",
            "video-watch-daily-jdbc-sink",
            "ad-impressions-hourly-jdbc-sink"
        ])
    );
    let job = children(regs)
        .into_iter()
        .find(|r| r.type_token == JOB)
        .unwrap();
    assert_eq!(
        outputs["applierJob"].as_str(),
        job.input_str("metadata/name").as_deref()
    );
}

#[tokio::test]
async fn a_preview_registers_the_same_objects() {
    let run = synth(
        Mode::Preview,
        PipelineSettings::default(),
        Database::FromStack,
    )
    .await;
    run.result.unwrap();
    let mut kinds: Vec<&str> = children(&run.registrations)
        .iter()
        .map(|r| r.type_token.as_str())
        .collect();
    kinds.sort_unstable();
    assert_eq!(
        kinds,
        [JOB, CONFIG_MAP, CONNECTOR, CONNECTOR, CONNECTOR, CONNECTOR]
    );
    let job = one(&run.registrations, JOB, "pipeline-");
    assert!(
        job.input_str("metadata/name").is_some(),
        "known in a preview"
    );
}

#[tokio::test]
async fn bad_settings_register_no_pipeline() {
    let cases = [
        (
            PipelineSettings {
                session_gap_secs: 5,
                ..PipelineSettings::default()
            },
            "sessionGapSecs",
        ),
        (
            PipelineSettings {
                applier_image: "ksql-applier:latest".into(),
                ..PipelineSettings::default()
            },
            "applierImage",
        ),
    ];
    for (settings, key) in cases {
        let run = synth(Mode::Update, settings, Database::FromStack).await;
        let error = format!("{:#}", run.result.unwrap_err());
        assert!(error.contains(key), "{error}");
        assert!(of_type(&run.registrations, COMPONENT).is_empty());
        assert!(of_type(&run.registrations, CONNECTOR).is_empty());
    }
    let json_sr = PipelineSettings {
        value_format: ValueFormat::JsonSr,
        ..PipelineSettings::default()
    };
    let run = synth(Mode::Update, json_sr, Database::FromStack).await;
    run.result.unwrap();
    for connector in of_type(&run.registrations, CONNECTOR) {
        assert_eq!(
            connector
                .input_str("spec/config/value.converter")
                .as_deref(),
            Some("io.confluent.connect.json.JsonSchemaConverter")
        );
    }
}
