//! Every Strimzi resource KafkaStack emits (and a `KafkaConnector` as the pipeline builds it)
//! validates against Strimzi 1.2.0's published CRD schema.
//!
//! The CRDs are read from `../shared/crds/strimzi-1.2.0/` beside the repository (located
//! from this crate's directory). Kubernetes silently prunes fields a structural schema does
//! not know, so the schemas are made strict first: every object that lists its properties
//! and does not preserve unknown fields rejects others, and a misspelt field fails here.
//! When the files are missing the test prints SKIPPED and passes.

mod support;

use std::collections::BTreeMap;
use std::path::PathBuf;

use kafka_stack::strimzi::{KafkaConnector, KafkaConnectorSpec};
use serde_json::Value;
use support::{dev, prod, synth};

const CRD_FILES: [(&str, &str); 6] = [
    ("Kafka", "040-Crd-kafka.yaml"),
    ("KafkaConnect", "041-Crd-kafkaconnect.yaml"),
    ("KafkaTopic", "043-Crd-kafkatopic.yaml"),
    ("KafkaUser", "044-Crd-kafkauser.yaml"),
    ("KafkaNodePool", "045-Crd-kafkanodepool.yaml"),
    ("KafkaConnector", "047-Crd-kafkaconnector.yaml"),
];

fn crd_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/crds/strimzi-1.2.0")
}

/// Adds `additionalProperties: false` wherever Kubernetes would prune unknown fields. The
/// branches of `oneOf`/`anyOf`/`allOf`/`not` only constrain (Kubernetes forbids them to
/// declare fields), so they stay as they are.
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            let preserves = map
                .get("x-kubernetes-preserve-unknown-fields")
                .is_some_and(|v| v == true);
            if map.contains_key("properties")
                && !preserves
                && !map.contains_key("additionalProperties")
            {
                map.insert("additionalProperties".into(), Value::Bool(false));
            }
            map.iter_mut()
                .filter(|(key, _)| !matches!(key.as_str(), "oneOf" | "anyOf" | "allOf" | "not"))
                .for_each(|(_, value)| strict(value));
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// The strict v1 schema of each kind, or `None` when the CRD files are missing.
fn validators() -> Option<BTreeMap<&'static str, jsonschema::Validator>> {
    let dir = crd_dir();
    if !dir.is_dir() {
        println!(
            "SKIPPED: Strimzi 1.2.0 CRDs not found at {} (expected ../shared/crds/strimzi-1.2.0 beside the repository)",
            dir.display()
        );
        return None;
    }
    let mut validators = BTreeMap::new();
    for (kind, file) in CRD_FILES {
        let path = dir.join(file);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let crd: Value = serde_yaml_ng::from_str(&text).unwrap();
        assert_eq!(crd["spec"]["names"]["kind"], kind, "{file}");
        let version = crd["spec"]["versions"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == "v1" && v["served"] == true)
            .unwrap_or_else(|| panic!("{file} does not serve v1"));
        let mut schema = version["schema"]["openAPIV3Schema"].clone();
        strict(&mut schema);
        validators.insert(kind, jsonschema::draft4::new(&schema).unwrap());
    }
    Some(validators)
}

fn check(
    validators: &BTreeMap<&str, jsonschema::Validator>,
    what: &str,
    object: &Value,
) -> Vec<String> {
    let kind = object["kind"].as_str().unwrap_or_default();
    let Some(validator) = validators.get(kind) else {
        return vec![format!("{what}: no CRD for kind {kind:?}")];
    };
    let mut problems: Vec<String> = validator
        .iter_errors(object)
        .map(|e| format!("{what}: {} at {}", e, e.instance_path()))
        .collect();
    if object["apiVersion"] != "kafka.strimzi.io/v1" {
        problems.push(format!("{what}: apiVersion {}", object["apiVersion"]));
    }
    problems
}

fn strimzi_objects(registrations: &[mock_engine::Registration]) -> Vec<(String, Value)> {
    registrations
        .iter()
        .filter(|r| r.type_token.starts_with("kubernetes:kafka.strimzi.io/v1:"))
        .map(|r| {
            let object = pulumi_runtime::wire::decode(&Value::Object(r.inputs.clone()))
                .0
                .unwrap();
            (r.name.clone(), object)
        })
        .collect()
}

#[tokio::test]
async fn every_strimzi_resource_matches_the_published_crd_schema() {
    let Some(validators) = validators() else {
        return;
    };
    let mut problems = Vec::new();
    let mut checked = 0;
    for (sizing, zones, config) in [dev(), prod()] {
        for (name, object) in strimzi_objects(&synth(sizing, zones, config).await) {
            problems.extend(check(&validators, &name, &object));
            checked += 1;
        }
    }
    let connector = KafkaConnector::for_cluster(
        "watched-segments-jdbc-sink",
        "kafka",
        "heartbeat-connect",
        KafkaConnectorSpec {
            class: "io.debezium.connector.jdbc.JdbcSinkConnector".into(),
            tasks_max: 2,
            config: BTreeMap::from([("topics".to_owned(), Value::from("watched-segments"))]),
        },
    );
    problems.extend(check(
        &validators,
        "connector",
        &serde_json::to_value(&connector).unwrap(),
    ));
    assert_eq!(
        checked,
        2 * 17,
        "dev and prod: Kafka, 2 pools, 8 topics, 5 users, Connect"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_strict_schemas_catch_a_misspelt_field() {
    let Some(validators) = validators() else {
        return;
    };
    let topic = serde_json::json!({
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaTopic",
        "metadata": {"name": "t"},
        "spec": {"partitions": 3, "replicas": 3, "retentionMs": 1000},
    });
    let problems = check(&validators, "topic", &topic);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("retentionMs"), "{problems:?}");
    let pool = serde_json::json!({
        "apiVersion": "kafka.strimzi.io/v1",
        "kind": "KafkaNodePool",
        "metadata": {"name": "p"},
        "spec": {"replicas": 1, "roles": ["broker"]},
    });
    let problems = check(&validators, "pool", &pool);
    assert!(
        problems.iter().any(|p| p.contains("storage")),
        "{problems:?}"
    );
}
