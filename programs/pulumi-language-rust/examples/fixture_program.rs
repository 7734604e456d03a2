//! Test fixture for `pulumi-language-rust` (used by `tests/engine.rs`): a minimal Pulumi
//! program speaking to the engine's resource monitor directly through
//! `pulumi_gestalt_proto`. It answers `get-packages <file>` with `$FIXTURE_PACKAGES`
//! (default `[]`), registers the stack and one component whose `greeting` output is the
//! `fixture:greeting` config value, prints a line, and exits with `$FIXTURE_EXIT_CODE`
//! (default 0).

use anyhow::{Context, Result};
use prost_types::value::Kind;
use prost_types::{Struct, Value};
use pulumi_gestalt_proto::pulumi::pulumirpc::resource_monitor_client::ResourceMonitorClient;
use pulumi_gestalt_proto::pulumi::pulumirpc::{
    RegisterResourceOutputsRequest, RegisterResourceRequest,
};

fn env(name: &str) -> Result<String> {
    std::env::var(name).with_context(|| format!("{name} is not set: run me through `pulumi up`"))
}

fn object(fields: &[(&str, &str)]) -> Struct {
    Struct {
        fields: fields
            .iter()
            .map(|(k, v)| {
                (
                    (*k).to_owned(),
                    Value {
                        kind: Some(Kind::StringValue((*v).to_owned())),
                    },
                )
            })
            .collect(),
    }
}

#[tokio::main]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("get-packages") {
        let packages = std::env::var("FIXTURE_PACKAGES").unwrap_or_else(|_| "[]".into());
        std::fs::write(args.get(2).context("get-packages needs a file")?, packages)?;
        return Ok(());
    }
    let config: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(&env("PULUMI_CONFIG")?)?;
    let greeting = config
        .get("fixture:greeting")
        .and_then(|v| v.as_str())
        .unwrap_or("none")
        .to_owned();
    let dry_run = env("PULUMI_DRY_RUN")?;
    let mut monitor =
        ResourceMonitorClient::connect(format!("http://{}", env("PULUMI_MONITOR")?)).await?;
    let stack = monitor
        .register_resource(RegisterResourceRequest {
            r#type: "pulumi:pulumi:Stack".into(),
            name: format!("{}-{}", env("PULUMI_PROJECT")?, env("PULUMI_STACK")?),
            ..Default::default()
        })
        .await?
        .into_inner();
    let component = monitor
        .register_resource(RegisterResourceRequest {
            r#type: "heartbeat:test:Fixture".into(),
            name: "fixture".into(),
            parent: stack.urn.clone(),
            object: Some(object(&[("greeting", &greeting)])),
            ..Default::default()
        })
        .await?
        .into_inner();
    for (urn, outputs) in [
        (component.urn.clone(), object(&[("greeting", &greeting)])),
        (
            stack.urn,
            object(&[("greeting", &greeting), ("dryRun", &dry_run)]),
        ),
    ] {
        monitor
            .register_resource_outputs(RegisterResourceOutputsRequest {
                urn,
                outputs: Some(outputs),
            })
            .await?;
    }
    println!("fixture: registered {}", component.urn);
    let code: i32 = std::env::var("FIXTURE_EXIT_CODE")
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    std::process::exit(code);
}
