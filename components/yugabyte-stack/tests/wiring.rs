//! YugabyteStack's resource graph on a mock engine: one release per zone with shared master
//! addresses and placement flags, sizes from the capacity model, credentials only as
//! secrets, an idempotent migration Job after the database.

use cert_manager::{CertManager, CertManagerConfig};
use mock_engine::{MockEngine, Mode, Registration};
use platform_core::capacity::{LoadFigures, Sizing};
use platform_core::kubernetes::render_target;
use pulumi_runtime::{Output, ResourceOptions, wire};
use serde_json::{Value, json};
use yugabyte_stack::{SecretReader, YugabyteConfig, YugabyteStack, YugabyteStackArgs};

const PASSWORD: &str = "app-pw-from-config";
const ADMIN_PASSWORD: &str = "admin-pw-from-config";
const MIGRATION: &str = "CREATE TABLE IF NOT EXISTS t (id BIGINT PRIMARY KEY);";

fn sizing(peak: u64, daily: u64, zones: u32) -> Sizing {
    LoadFigures::new(peak, daily).size(zones, 3)
}

fn zones(n: usize) -> Vec<String> {
    ["eu-west-1a", "eu-west-1b", "eu-west-1c"][..n]
        .iter()
        .map(|z| z.to_string())
        .collect()
}

async fn synth(
    sizing: Sizing,
    zones: Vec<String>,
    config: YugabyteConfig,
) -> (Vec<Registration>, anyhow::Result<()>) {
    synth_with(sizing, zones, config, true).await
}

/// As [`synth`]; `with_issuer` hands the component the ClusterIssuer of a CertManager.
async fn synth_with(
    sizing: Sizing,
    zones: Vec<String>,
    config: YugabyteConfig,
    with_issuer: bool,
) -> (Vec<Registration>, anyhow::Result<()>) {
    let engine = MockEngine::start(Mode::Update).await.unwrap();
    let settings = engine.settings("heartbeat-platform", "test", &[]);
    let result = pulumi_runtime::run(settings, move |ctx| async move {
        let provider = render_target(&ctx, "out/k8s");
        let tls = CertManager::new(
            &ctx,
            "tls",
            &provider,
            &CertManagerConfig::default(),
            ResourceOptions::new(),
        )?;
        let stack = YugabyteStack::new(
            &ctx,
            "yugabyte",
            YugabyteStackArgs {
                provider: &provider,
                sizing: &sizing,
                zones: &zones,
                config: &config,
                tls_issuer: with_issuer.then_some(&tls.issuer),
                admin_password: Output::secret(ADMIN_PASSWORD.to_owned()),
                app_password: Output::secret(PASSWORD.to_owned()),
                credential_readers: vec![SecretReader {
                    namespace: "kafka".into(),
                    service_account: "heartbeat-connect-connect".into(),
                }],
                migrations: vec![MIGRATION.to_owned()],
            },
            ResourceOptions::new(),
        )?;
        Ok(stack)
    })
    .await;
    (engine.registrations(), result)
}

/// The zone charts, in zone order.
fn releases(registrations: &[Registration]) -> Vec<&Registration> {
    let mut releases: Vec<_> = registrations
        .iter()
        .filter(|r| {
            r.type_token == "kubernetes:helm.sh/v4:Chart" && r.name.starts_with("yugabyte-")
        })
        .collect();
    releases.sort_by_key(|r| r.input_str("namespace"));
    releases
}

/// Whether `password` appears in the wire-form `value` outside a secret wrapper.
fn in_the_clear(value: &Value, password: &str) -> bool {
    match value {
        Value::Object(map)
            if map.get(wire::SIGNATURE_KEY) == Some(&json!(wire::SECRET_SIGNATURE)) =>
        {
            false
        }
        Value::Object(map) => map.values().any(|v| in_the_clear(v, password)),
        Value::Array(items) => items.iter().any(|v| in_the_clear(v, password)),
        Value::String(text) => text.contains(password),
        _ => false,
    }
}

fn sum(releases: &[&Registration], path: &str) -> u64 {
    releases
        .iter()
        .map(|r| r.input(path).unwrap().as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn prod_one_release_per_zone_with_shared_masters_and_placement() {
    let sizing = sizing(100_000, 300_000_000, 3);
    let (registrations, result) = synth(sizing.clone(), zones(3), YugabyteConfig::default()).await;
    result.unwrap();
    let releases = releases(&registrations);
    assert_eq!(releases.len(), 3);
    let issuer = mock_engine::query::named(
        &registrations,
        "kubernetes:cert-manager.io/v1:ClusterIssuer",
        "heartbeat-ca",
    );
    assert_eq!(sum(&releases, "values/replicas/master"), 3);
    assert_eq!(
        sum(&releases, "values/replicas/tserver"),
        u64::from(sizing.database_tservers)
    );
    let masters = releases[0].input_str("values/masterAddresses").unwrap();
    assert_eq!(masters.split(',').count(), 3);
    for (release, zone) in releases.iter().zip(zones(3)) {
        assert_eq!(release.input_str("chart").as_deref(), Some("yugabyte"));
        assert_eq!(
            release.input_str("repositoryOpts/repo").as_deref(),
            Some("https://charts.yugabyte.com")
        );
        assert_eq!(
            release.input_str("namespace"),
            Some(format!("yugabyte-{zone}"))
        );
        assert_eq!(
            release.input_str("values/masterAddresses").as_deref(),
            Some(masters.as_str())
        );
        assert_eq!(
            release.input("values/replicas/master").unwrap(),
            1,
            "one master per zone"
        );
        assert_eq!(release.input("values/replicas/totalMasters").unwrap(), 3);
        assert_eq!(release.input("values/isMultiAz").unwrap(), true);
        let flags = release.input("values/gflags/tserver").unwrap();
        assert_eq!(flags["placement_zone"], zone.as_str());
        assert_eq!(flags["placement_region"], "eu-west-1");
        assert_eq!(flags["ysql_enable_auth"], true);
        assert_eq!(
            release.input("values/nodeSelector").unwrap()["topology.kubernetes.io/zone"],
            zone.as_str()
        );
        assert_eq!(
            release.input_str("values/storage/tserver/size"),
            Some(format!("{}Gi", sizing.database_disk_gib))
        );
        assert_eq!(
            release
                .input_str("values/storage/tserver/storageClass")
                .as_deref(),
            Some("gp3-retain")
        );
        assert_eq!(release.input("values/tls/enabled").unwrap(), true);
        assert_eq!(
            release
                .input_str("values/tls/certManager/clusterIssuer")
                .as_deref(),
            Some("heartbeat-ca")
        );
        assert_eq!(
            release.input_str("values/tls/rootCA/cert").as_deref(),
            Some(""),
            "no fallback root CA: the chart's default is a public sample"
        );
        assert!(
            release.dependencies.contains(&issuer.urn),
            "the zone's chart waits for the CA issuer"
        );
        assert_eq!(release.input("values/enableLoadBalancer").unwrap(), false);
        assert!(masters.contains(&format!(
            "yb-masters.yugabyte-{zone}.svc.cluster.local:7100"
        )));
    }
}

#[tokio::test]
async fn dev_two_zones_split_masters_and_tservers() {
    let sizing = sizing(200, 1_000_000, 2);
    assert_eq!(sizing.database_tservers, 4);
    let (registrations, result) = synth(sizing, zones(2), YugabyteConfig::default()).await;
    result.unwrap();
    let releases = releases(&registrations);
    let masters: Vec<_> = releases
        .iter()
        .map(|r| r.input("values/replicas/master").unwrap())
        .collect();
    assert_eq!(masters, [json!(2), json!(1)]);
    assert_eq!(sum(&releases, "values/replicas/tserver"), 4);
}

fn named<'a>(registrations: &'a [Registration], token: &str, prefix: &str) -> &'a Registration {
    let found: Vec<_> = registrations
        .iter()
        .filter(|r| r.type_token == token)
        .filter(|r| {
            r.input_str("metadata/name")
                .is_some_and(|n| n.starts_with(prefix))
        })
        .collect();
    assert_eq!(found.len(), 1, "{token} {prefix}*");
    found[0]
}

#[tokio::test]
async fn credentials_are_secrets_and_the_job_runs_after_the_database() {
    let (registrations, result) = synth(
        sizing(100_000, 300_000_000, 3),
        zones(3),
        YugabyteConfig::default(),
    )
    .await;
    result.unwrap();
    for (name, password) in [
        ("yugabyte-app", PASSWORD),
        ("yugabyte-admin", ADMIN_PASSWORD),
    ] {
        let secret = named(&registrations, "kubernetes:core/v1:Secret", name);
        assert!(secret.input_is_secret("stringData/password"), "{name}");
        assert_eq!(
            secret.input_str("stringData/password").as_deref(),
            Some(password)
        );
    }
    for registration in &registrations {
        let inputs = Value::Object(registration.inputs.clone());
        for password in [PASSWORD, ADMIN_PASSWORD] {
            assert!(
                !in_the_clear(&inputs, password),
                "{} carries a password in the clear",
                registration.name
            );
        }
    }
    let job = named(
        &registrations,
        "kubernetes:batch/v1:Job",
        "yugabyte-migrate-",
    );
    for release in releases(&registrations) {
        assert!(
            job.dependencies.contains(&release.urn),
            "the Job waits for {}",
            release.name
        );
    }
    let env = job.input("spec/template/spec/containers/0/env").unwrap();
    let by_name = |name: &str| {
        env.as_array()
            .unwrap()
            .iter()
            .find(|e| e["name"] == name)
            .unwrap()
            .clone()
    };
    assert_eq!(
        by_name("APP_PASSWORD")["valueFrom"]["secretKeyRef"]["name"],
        "yugabyte-app"
    );
    assert_eq!(by_name("PGSSLMODE")["value"], "require");
    assert_eq!(
        by_name("PGHOST")["value"],
        "yb-tservers.yugabyte-eu-west-1a.svc.cluster.local"
    );
    let job_name = job.input_str("metadata/name").unwrap();
    let config_map = named(&registrations, "kubernetes:core/v1:ConfigMap", &job_name);
    assert_eq!(
        config_map.input_str("data/001.sql").as_deref(),
        Some(MIGRATION)
    );
    assert!(
        config_map
            .input_str("data/migrate.sh")
            .unwrap()
            .contains("CREATE ROLE %I LOGIN")
    );
    let binding = named(
        &registrations,
        "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
        "yugabyte-app-readers",
    );
    assert_eq!(
        binding.input("subjects/0/name").unwrap(),
        "heartbeat-connect-connect"
    );
    let role = named(
        &registrations,
        "kubernetes:rbac.authorization.k8s.io/v1:Role",
        "yugabyte-app-readers",
    );
    assert_eq!(
        role.input("rules/0/resourceNames").unwrap(),
        json!(["yugabyte-app"])
    );

    let stack = registrations
        .iter()
        .find(|r| r.type_token == "heartbeat:yugabyte:YugabyteStack")
        .unwrap();
    let outputs = stack.registered_outputs.clone().unwrap();
    assert_eq!(outputs["database"], "heartbeat");
    let jdbc_url = wire::decode(&outputs["jdbcUrl"]).0.unwrap();
    assert_eq!(
        jdbc_url,
        "jdbc:postgresql://yb-tservers.yugabyte-eu-west-1a.svc.cluster.local:5433,\
         yb-tservers.yugabyte-eu-west-1b.svc.cluster.local:5433,\
         yb-tservers.yugabyte-eu-west-1c.svc.cluster.local:5433/heartbeat?sslmode=require"
    );
    assert_eq!(outputs["credentialsSecret"], "yugabyte-app");
    assert_eq!(
        outputs["ysqlEndpoint"],
        "yb-tservers.yugabyte-eu-west-1a.svc.cluster.local:5433"
    );
    assert_eq!(
        outputs["passwordReference"],
        "${secrets:yugabyte/yugabyte-app:password}"
    );
}

#[tokio::test]
async fn changed_migrations_get_a_new_job_and_preinstalled_means_no_release() {
    let config = YugabyteConfig {
        install: kafka_stack::OperatorInstall::Preinstalled,
        ..YugabyteConfig::default()
    };
    let (registrations, result) = synth(sizing(100_000, 300_000_000, 3), zones(3), config).await;
    result.unwrap();
    assert!(releases(&registrations).is_empty());
    let job = named(
        &registrations,
        "kubernetes:batch/v1:Job",
        "yugabyte-migrate-",
    );
    let a = yugabyte_stack::migration::digest(&[MIGRATION.to_owned()]);
    let b = yugabyte_stack::migration::digest(&[format!("{MIGRATION}\n-- v2")]);
    assert_ne!(a, b);
    assert_eq!(
        job.input_str("metadata/name"),
        Some(format!("yugabyte-migrate-{a}"))
    );
}

#[tokio::test]
async fn bad_config_registers_nothing_and_names_the_key() {
    let config = YugabyteConfig {
        app_user: "yugabyte".into(),
        tservers: Some(4),
        ..YugabyteConfig::default()
    };
    let (registrations, result) = synth(sizing(100_000, 300_000_000, 3), zones(3), config).await;
    let error = format!("{:#}", result.unwrap_err());
    assert!(
        error.contains("heartbeat-platform:yugabyte.appUser = yugabyte"),
        "{error}"
    );
    assert!(
        error.contains("heartbeat-platform:yugabyte.tservers = 4"),
        "{error}"
    );
    assert!(
        registrations
            .iter()
            .all(|r| !r.name.starts_with("yugabyte"))
    );
}

#[tokio::test]
async fn tls_without_an_issuer_is_refused_before_anything_registers() {
    let sizing = sizing(200, 1_000_000, 2);
    let (registrations, result) =
        synth_with(sizing.clone(), zones(2), YugabyteConfig::default(), false).await;
    let error = format!("{:#}", result.unwrap_err());
    assert!(error.contains("tls.enabled"), "{error}");
    assert!(error.contains("ClusterIssuer"), "{error}");
    assert!(
        !registrations
            .iter()
            .any(|r| r.type_token.starts_with("heartbeat:yugabyte")),
        "nothing of the component registered"
    );

    let mut plain = YugabyteConfig::default();
    plain.tls.enabled = false;
    let (registrations, result) = synth_with(sizing, zones(2), plain, false).await;
    result.unwrap();
    for release in releases(&registrations) {
        assert_eq!(release.input("values/tls/enabled").unwrap(), false);
        assert!(release.input("values/tls/certManager").is_none());
    }
}
