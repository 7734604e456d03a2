//! The stub's Check against the real pulumi-aws v7 SDK schema (`.tools/aws-schema.json`,
//! written by `tools/gen-aws-schema.sh`). Skips, saying so, when the schema is absent.

use std::path::PathBuf;

use pulumi_gestalt_proto::pulumi::pulumirpc::resource_provider_server::ResourceProvider;
use pulumi_gestalt_proto::pulumi::pulumirpc::{CheckFailure, CheckRequest};
use serde_json::json;
use stub_aws_provider::convert::map_to_struct;
use stub_aws_provider::provider::StubAwsProvider;
use stub_aws_provider::schema::Schema;
use tonic::Request;

fn provider() -> Option<StubAwsProvider> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../.tools/aws-schema.json");
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(StubAwsProvider::new(
            Schema::from_json(&text).expect("valid schema"),
        )),
        Err(_) => {
            println!(
                "SKIPPED: {} not generated; run tools/gen-aws-schema.sh",
                path.display()
            );
            None
        }
    }
}

async fn check(
    provider: &StubAwsProvider,
    token: &str,
    inputs: serde_json::Value,
) -> Vec<CheckFailure> {
    let urn = format!("urn:pulumi:dev::heartbeat-platform::{token}::r");
    let request = CheckRequest {
        urn,
        news: Some(map_to_struct(inputs.as_object().unwrap())),
        r#type: token.to_owned(),
        ..Default::default()
    };
    provider
        .check(Request::new(request))
        .await
        .unwrap()
        .into_inner()
        .failures
}

#[tokio::test]
async fn misspelled_vpc_property_is_rejected_with_the_nearest_valid_name() {
    let Some(provider) = provider() else { return };
    let failures = check(
        &provider,
        "aws:ec2/vpc:Vpc",
        json!({"cidrBlok": "10.0.0.0/16"}),
    )
    .await;
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].property, "cidrBlok");
    let reason = &failures[0].reason;
    assert!(reason.starts_with("aws:ec2/vpc:Vpc: "), "{reason}");
    assert!(
        reason.contains("nearest valid name: `cidrBlock`"),
        "{reason}"
    );
}

#[tokio::test]
async fn wrongly_typed_vpc_property_is_rejected() {
    let Some(provider) = provider() else { return };
    let failures = check(
        &provider,
        "aws:ec2/vpc:Vpc",
        json!({"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": "yes"}),
    )
    .await;
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].property, "enableDnsHostnames");
    assert!(
        failures[0].reason.contains("must be a boolean"),
        "{}",
        failures[0].reason
    );
}

#[tokio::test]
async fn nested_eks_field_is_checked_against_its_sdk_type() {
    let Some(provider) = provider() else { return };
    let failures = check(
        &provider,
        "aws:eks/cluster:Cluster",
        json!({"roleArn": "arn:aws:iam::1:role/r", "vpcConfig": {"subnetIdz": ["subnet-1"]}}),
    )
    .await;
    assert_eq!(failures.len(), 1, "{failures:?}");
    assert_eq!(failures[0].property, "vpcConfig.subnetIdz");
    assert!(
        failures[0].reason.contains("eks.ClusterVpcConfig"),
        "{}",
        failures[0].reason
    );
    assert!(
        failures[0].reason.contains("`subnetIds`"),
        "{}",
        failures[0].reason
    );
}

#[tokio::test]
async fn valid_inputs_pass_and_get_an_autoname() {
    let Some(provider) = provider() else { return };
    let (inputs, failures) = provider.check_resource(
        "urn:pulumi:dev::p::aws:iam/role:Role::node-role",
        "aws:iam/role:Role",
        &Default::default(),
        json!({"assumeRolePolicy": "{}", "tags": {"team": "video"}})
            .as_object()
            .unwrap(),
    );
    assert!(failures.is_empty(), "{failures:?}");
    assert!(
        inputs["name"].as_str().unwrap().starts_with("node-role-"),
        "{inputs:?}"
    );
}
