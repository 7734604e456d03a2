//! What the stack hands IngestService and exports from it: the load balancer controller told
//! its cluster, region and VPC; the certificate's DNS records in Route 53 when a hosted zone is
//! configured; and, without a zone (the shipped stacks), the validation record as an output
//! and a warning that the certificate stays pending until someone creates it.

mod support;

use std::collections::BTreeMap;

use mock_engine::Mode;
use mock_engine::query::{of_type, one};
use serde_json::{Value, json};
use support::{run, stack_config};

const VALIDATION: &str = "aws:acm/certificateValidation:CertificateValidation";
const ROUTE53_RECORD: &str = "aws:route53/record:Record";
/// `LogSeverity::WARNING` of the engine protocol.
const WARNING: i32 = 2;

fn stack_outputs(registrations: &[mock_engine::Registration]) -> serde_json::Map<String, Value> {
    one(registrations, pulumi_runtime::STACK_TYPE)
        .registered_outputs
        .clone()
        .expect("stack outputs")
}

/// The dev stack with a host name in Route 53 hosted zone `Z0123456789ABCDEFGHIJ`, and
/// `change` applied to its ingest section.
fn dev_with_route53(change: impl FnOnce(&mut Value)) -> BTreeMap<String, String> {
    let mut config = stack_config("dev");
    let key = "heartbeat-platform:ingest";
    let mut ingest: Value = serde_json::from_str(&config[key]).unwrap();
    ingest["hostname"] = json!("ingest.dev.streamco.eu");
    ingest["route53"] = json!({"hostedZoneId": "Z0123456789ABCDEFGHIJ"});
    change(&mut ingest);
    config.insert(key.into(), ingest.to_string());
    config
}

#[tokio::test]
async fn the_controller_is_told_its_cluster_region_and_vpc() {
    let (engine, result) = run(Mode::Update, &stack_config("prod")).await;
    result.unwrap();
    let registrations = engine.registrations();
    let vpc = one(&registrations, "aws:ec2/vpc:Vpc");
    let chart = of_type(&registrations, "kubernetes:helm.sh/v4:Chart")
        .into_iter()
        .find(|r| r.input_str("name").as_deref() == Some("aws-load-balancer-controller"))
        .expect("the controller's chart");
    assert_eq!(chart.input_str("values/vpcId"), Some(vpc.id.clone()));
    assert!(chart.property_dependencies["values"].contains(&vpc.urn));
    assert_eq!(
        chart.input_str("values/region").as_deref(),
        Some("eu-west-1")
    );
    assert_eq!(
        chart.input_str("values/clusterName").as_deref(),
        Some("heartbeat-platform-test")
    );
}

#[tokio::test]
async fn without_a_dns_zone_the_records_are_outputs_and_a_warning() {
    let (engine, result) = run(Mode::Update, &stack_config("dev")).await;
    result.unwrap();
    let registrations = engine.registrations();
    assert!(of_type(&registrations, VALIDATION).is_empty());
    assert!(of_type(&registrations, ROUTE53_RECORD).is_empty());
    let outputs = stack_outputs(&registrations);
    assert!(
        outputs.contains_key("ingestCertificateValidationRecord"),
        "{outputs:?}"
    );
    let dns = outputs["ingestDns"].as_str().unwrap();
    assert!(dns.contains("PENDING VALIDATION"), "{dns}");
    let warnings: Vec<_> = engine
        .logs()
        .into_iter()
        .filter(|log| log.severity == WARNING)
        .collect();
    assert!(
        warnings
            .iter()
            .any(|log| log.message == dns && log.message.contains("ingest.dev.example.com")),
        "{warnings:?}"
    );
}

#[tokio::test]
async fn a_route53_zone_gets_the_records_and_gates_the_ingress() {
    let config = dev_with_route53(|_| {});
    let (engine, result) = run(Mode::Update, &config).await;
    result.unwrap();
    let registrations = engine.registrations();
    let records = of_type(&registrations, ROUTE53_RECORD);
    assert_eq!(records.len(), 2);
    let validation = one(&registrations, VALIDATION);
    let ingress = one(&registrations, "kubernetes:networking.k8s.io/v1:Ingress");
    assert!(ingress.property_dependencies["metadata"].contains(&validation.urn));
    let outputs = stack_outputs(&registrations);
    assert!(
        outputs["ingestDns"]
            .as_str()
            .unwrap()
            .contains("Route 53 hosted zone Z0123456789ABCDEFGHIJ")
    );
    assert!(engine.logs().iter().all(|log| log.severity != WARNING));
}

#[tokio::test]
async fn two_dns_zones_are_a_config_error() {
    let mut config = dev_with_route53(|ingest| {
        ingest["cloudflare"] = json!({"zoneId": "023e105f4ecef8ad9ca31a8372d0c353"});
    });
    config.insert(
        "heartbeat-platform:cloudflareApiToken".into(),
        "token".into(),
    );
    let (engine, result) = run(Mode::Update, &config).await;
    let error = format!("{:#}", result.unwrap_err());
    assert!(
        error.contains("heartbeat-platform:ingest.route53 = (set with cloudflare)"),
        "{error}"
    );
    assert!(engine.registrations().is_empty(), "nothing registered");
}
