//! Bad configuration: every problem is reported at once, each naming its key and fix, and
//! nothing is registered — in-process and through the real binary.

mod support;

use std::collections::BTreeMap;
use std::process::Command;

use mock_engine::{MockEngine, Mode};
use support::{run, stack_config};

fn with(stack: &str, key: &str, value: &str) -> BTreeMap<String, String> {
    let mut config = stack_config(stack);
    config.insert(format!("heartbeat-platform:{key}"), value.to_owned());
    config
}

/// Runs the program with `config` and returns the error text; asserts nothing was registered.
async fn error_for(config: BTreeMap<String, String>) -> String {
    let (engine, result) = run(Mode::Preview, &config).await;
    let Err(error) = result else {
        panic!("the config must be refused: {config:?}");
    };
    let message = format!("{error:#}");
    assert!(
        engine.registrations().is_empty(),
        "nothing may be registered: {message}"
    );
    message
}

#[tokio::test]
async fn each_bad_value_gets_its_own_message() {
    let cases: &[(&str, &str, &str, &str)] = &[
        (
            "network",
            r#"{"cidr": "10.0.0.0/33", "zones": ["eu-west-1a", "eu-west-1b"]}"#,
            "heartbeat-platform:network.cidr",
            "invalid",
        ),
        (
            "network",
            r#"{"cidr": "10.0.0.0/16", "zones": ["eu-west-1a"]}"#,
            "heartbeat-platform:network.zones",
            "at least 2 availability zones",
        ),
        (
            "network",
            r#"{"cidr": "10.0.0.0/16", "zones": ["eu-west-1a", "us-east-1b"]}"#,
            "heartbeat-platform:network.zones[1]",
            "use a zone of region eu-west-1",
        ),
        (
            "network",
            r#"{"cidr": "10.0.0.0/24", "zones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"]}"#,
            "heartbeat-platform:network.cidr",
            "too small for 6 subnets",
        ),
        (
            "certManager",
            r#"{"caDays": 5}"#,
            "heartbeat-platform:certManager.caDays",
            "between 30 and 36500",
        ),
        (
            "eks",
            r#"{"serviceCidr": "10.50.128.0/17"}"#,
            "heartbeat-platform:eks.serviceCidr",
            "overlaps the VPC range",
        ),
        (
            "eks",
            r#"{"systemNodes": {"min": 5, "desired": 5, "max": 3}}"#,
            "heartbeat-platform:eks.systemNodes.min",
            "must not exceed systemNodes.max",
        ),
        (
            "eks",
            r#"{"publicEndpoint": true}"#,
            "heartbeat-platform:eks.publicAccessCidrs",
            "explicit CIDR allow-list",
        ),
        (
            "kafka",
            r#"{"brokers": 1, "replicationFactor": 3, "minInsyncReplicas": 2}"#,
            "heartbeat-platform:kafka.replicationFactor",
            "must be from 1 to the broker count (1)",
        ),
        (
            "kafka",
            r#"{"brokers": 3, "replicationFactor": 3, "minInsyncReplicas": 3}"#,
            "heartbeat-platform:kafka.minInsyncReplicas",
            "must be below the replication factor",
        ),
        (
            "kafka",
            r#"{"brokers": 2, "replicationFactor": 2, "minInsyncReplicas": 1}"#,
            "heartbeat-platform:kafka.brokers",
            "cannot spread over 3 zones",
        ),
        (
            "yugabyte",
            r#"{"tservers": 4}"#,
            "heartbeat-platform:yugabyte.tservers",
            "multiple of the 3 zones",
        ),
        (
            "ingest",
            r#"{"replicas": 2}"#,
            "heartbeat-platform:ingest.replicas",
            "cannot cover 3 zones",
        ),
        (
            "ingest",
            r#"{"image": "ingest-api:latest"}"#,
            "heartbeat-platform:ingest.image",
            "pin an image tag",
        ),
        (
            "kafka",
            r#"{"replicas": 3}"#,
            "heartbeat-platform:kafka.replicas",
            "unknown field `replicas`",
        ),
        (
            "load",
            r#"{"peakHeartbeatsPerSecond": 0, "dailyHeartbeats": 1}"#,
            "heartbeat-platform:load.peakHeartbeatsPerSecond",
            "positive integer",
        ),
        (
            "netwrok",
            "{}",
            "heartbeat-platform:netwrok",
            "did you mean `heartbeat-platform:network`",
        ),
    ];
    for (key, value, expected_key, expected_fix) in cases {
        let message = error_for(with("prod", key, value)).await;
        let line = message
            .lines()
            .find(|line| line.contains(&format!("{expected_key} ")))
            .unwrap_or_else(|| panic!("no problem for {expected_key} in:\n{message}"));
        assert!(
            line.contains(expected_fix),
            "{expected_key}: expected {expected_fix:?} in {line:?}"
        );
    }
}

#[tokio::test]
async fn all_problems_are_reported_together() {
    let mut config = with(
        "prod",
        "kafka",
        r#"{"brokers": 3, "replicationFactor": 3, "minInsyncReplicas": 3}"#,
    );
    config.insert(
        "heartbeat-platform:ingest".into(),
        r#"{"image": "x:latest"}"#.into(),
    );
    config.remove("aws:region");
    let message = error_for(config).await;
    for key in ["aws:region", "heartbeat-platform:ingest.image"] {
        assert!(message.contains(key), "{key} missing from:\n{message}");
    }
    assert!(
        message.contains("heartbeat-platform:kafka.minInsyncReplicas"),
        "{message}"
    );
    assert!(message.contains("3 problem(s)"), "{message}");
}

#[tokio::test]
async fn a_plain_text_password_is_refused() {
    let engine = MockEngine::start(Mode::Preview).await.unwrap();
    let config = stack_config("dev");
    let pairs: Vec<(&str, &str)> = config
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let settings = engine.settings("heartbeat-platform", "dev", &pairs); // not marked secret
    let error = pulumi_runtime::run(settings, heartbeat_stack::program)
        .await
        .unwrap_err();
    assert!(
        format!("{error:#}").contains("heartbeat-platform:databasePassword = (plain text)"),
        "{error:#}"
    );
    assert!(engine.registrations().is_empty());
}

#[tokio::test]
async fn parse_and_rule_problems_of_every_section_are_reported_together_once_each() {
    let mut config = with(
        "prod",
        "network",
        r#"{"cidr": "10.40.0.0/33", "zones": ["eu-west-1a", "eu-west-1b", "eu-west-1c"]}"#,
    );
    for (key, value) in [
        ("kafka", r#"{"replicas": 3, "brokers": 2}"#),
        (
            "eks",
            r#"{"adminPrincipalArns": ["arn:aws:iam::123456789012:role/admins"],
                "systemNodes": {"min": 5, "desired": 5, "max": 3}}"#,
        ),
        ("yugabyte", r#"{"tservers": 4, "namespace": 7}"#),
        ("ingest", r#"{"replicas": 2}"#),
        ("certManager", r#"{"caDays": 5}"#),
        ("pipeline", r#"{"sessionGapSecs": 1, "sinkTasksMax": 0}"#),
    ] {
        config.insert(format!("heartbeat-platform:{key}"), value.to_owned());
    }
    let message = error_for(config).await;
    let expected = [
        // parse-level: a bad value, an unknown key, a wrong type
        ("heartbeat-platform:network.cidr", "invalid"),
        (
            "heartbeat-platform:kafka.replicas",
            "unknown field `replicas`",
        ),
        ("heartbeat-platform:yugabyte.namespace", "invalid type"),
        // rule-level, in the sections beside them (sized on the 3 zones listed)
        (
            "heartbeat-platform:kafka.brokers",
            "cannot spread over 3 zones",
        ),
        (
            "heartbeat-platform:kafka.replicationFactor",
            "broker count (2)",
        ),
        (
            "heartbeat-platform:eks.systemNodes.min",
            "must not exceed systemNodes.max",
        ),
        (
            "heartbeat-platform:eks.systemNodes.desired",
            "must lie between",
        ),
        ("heartbeat-platform:ingest.replicas", "cannot cover 3 zones"),
        (
            "heartbeat-platform:certManager.caDays",
            "between 30 and 36500",
        ),
        (
            "heartbeat-platform:pipeline.sessionGapSecs",
            "more than the heartbeat interval",
        ),
        ("heartbeat-platform:pipeline.sinkTasksMax", "from 1 to 64"),
    ];
    for (key, fix) in expected {
        let lines: Vec<_> = message
            .lines()
            .filter(|line| line.contains(&format!("{key} ")))
            .collect();
        assert_eq!(lines.len(), 1, "{key} exactly once in:\n{message}");
        assert!(lines[0].contains(fix), "{key}: {fix} in {}", lines[0]);
    }
    assert!(
        message.contains(&format!("has {} problem(s)", expected.len())),
        "nothing else reported: {message}"
    );
}

#[tokio::test]
async fn the_binary_exits_non_zero_listing_every_problem_and_registers_nothing() {
    let engine = MockEngine::start(Mode::Preview).await.unwrap();
    let mut config = with(
        "dev",
        "eks",
        r#"{"systemNodes": {"min": 4, "desired": 4, "max": 2}}"#,
    );
    config.insert(
        "heartbeat-platform:ingest".into(),
        r#"{"image": "x:latest"}"#.into(),
    );
    let output = tokio::task::spawn_blocking({
        let address = engine.address().to_string();
        move || {
            Command::new(env!("CARGO_BIN_EXE_heartbeat-stack"))
                .env("PULUMI_MONITOR", &address)
                .env("PULUMI_ENGINE", &address)
                .env("PULUMI_PROJECT", "heartbeat-platform")
                .env("PULUMI_STACK", "dev")
                .env("PULUMI_DRY_RUN", "true")
                .env("PULUMI_CONFIG", serde_json::to_string(&config).unwrap())
                .env(
                    "PULUMI_CONFIG_SECRET_KEYS",
                    serde_json::to_string(support::SECRET_KEYS).unwrap(),
                )
                .output()
                .unwrap()
        }
    })
    .await
    .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!output.status.success(), "must fail: {stderr}");
    assert!(engine.registrations().is_empty());
    let errors: Vec<_> = engine
        .logs()
        .into_iter()
        .filter(|log| log.severity == 3)
        .collect();
    assert_eq!(errors.len(), 1, "one diagnostic: {errors:?}");
    for key in [
        "heartbeat-platform:eks.systemNodes.min",
        "heartbeat-platform:ingest.image",
    ] {
        assert_eq!(
            errors[0].message.matches(key).count(),
            1,
            "{}",
            errors[0].message
        );
    }
    assert!(
        !stderr.contains("systemNodes.min"),
        "logged to the engine, so not printed a second time on standard error: {stderr}"
    );
}

#[test]
fn get_packages_lists_the_provider_plugins() {
    let file = std::env::temp_dir().join(format!("heartbeat-packages-{}.json", std::process::id()));
    let status = Command::new(env!("CARGO_BIN_EXE_heartbeat-stack"))
        .args(["get-packages", file.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(status.success());
    let packages: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let names: Vec<_> = packages
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["aws", "kubernetes", "cloudflare"]);
    assert!(packages[0]["version"].as_str().unwrap().starts_with("7."));
    // The offline engine serves the same versions: tools/engine-versions.env pins the SDKs the
    // stub providers check against, and the CLI refuses a declared plugin it cannot find.
    let pins = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../tools/engine-versions.env"
    ))
    .unwrap();
    for (index, variable) in [(0, "AWS_SDK_VERSION"), (2, "CLOUDFLARE_SDK_VERSION")] {
        let pinned = pins
            .lines()
            .find_map(|line| line.strip_prefix(&format!("{variable}=v")))
            .unwrap_or_else(|| panic!("{variable} in tools/engine-versions.env"));
        assert_eq!(packages[index]["version"], pinned, "{variable}");
    }
}
