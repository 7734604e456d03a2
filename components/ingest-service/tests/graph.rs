//! IngestService's resource graph on a mock engine, after a real KafkaStack: sizes from the
//! capacity model, a hardened Deployment wired to Kafka, no plain-text secret, the ALB's
//! Ingress on the validated certificate, Cloudflare DNS only when configured.

mod support;

use kafka_stack::OperatorInstall;
use mock_engine::{Mode, Registration};
use serde_json::{Value, json};
use support::*;

const DEPLOYMENT: &str = "kubernetes:apps/v1:Deployment";
const INGRESS: &str = "kubernetes:networking.k8s.io/v1:Ingress";
const CERTIFICATE: &str = "aws:acm/certificate:Certificate";
const VALIDATION: &str = "aws:acm/certificateValidation:CertificateValidation";
const DNS_RECORD: &str = "cloudflare:index/dnsRecord:DnsRecord";
const ROUTE53_RECORD: &str = "aws:route53/record:Record";
const RELEASE: &str = "kubernetes:helm.sh/v4:Chart";
const COMPONENT: &str = "heartbeat:ingest:IngestService";
const APP: &str = "ingest-api";

fn deployment(registrations: &[Registration]) -> &Registration {
    named(registrations, DEPLOYMENT, APP)
}

fn container(deployment: &Registration) -> Value {
    deployment
        .input("spec/template/spec/containers/0")
        .expect("one container")
}

fn env(deployment: &Registration, name: &str) -> Option<String> {
    container(deployment)["env"]
        .as_array()?
        .iter()
        .find(|e| e["name"] == name)
        .and_then(|e| e["value"].as_str().map(str::to_owned))
}

/// The ALB annotation `alb.ingress.kubernetes.io/<key>` (keys hold '/', which the
/// registration's path syntax splits on).
fn alb_annotation(ingress: &Registration, key: &str) -> Option<String> {
    ingress
        .input("metadata/annotations")?
        .get(format!("alb.ingress.kubernetes.io/{key}"))?
        .as_str()
        .map(str::to_owned)
}

/// The DNS record (of any provider) whose `name` input is `name`.
fn record_named<'a>(records: &[&'a Registration], name: &str) -> &'a Registration {
    records
        .iter()
        .find(|r| r.input_str("name").as_deref() == Some(name))
        .copied()
        .unwrap_or_else(|| panic!("a record named {name}"))
}

fn controller_release(registrations: &[Registration]) -> Option<&Registration> {
    of_type(registrations, RELEASE)
        .into_iter()
        .find(|r| r.input_str("name").as_deref() == Some("aws-load-balancer-controller"))
}

fn component_outputs(registrations: &[Registration]) -> serde_json::Map<String, Value> {
    one(registrations, COMPONENT)
        .registered_outputs
        .clone()
        .expect("outputs registered")
}

#[tokio::test]
async fn replicas_follow_the_capacity_model() {
    for (scenario, replicas, zone_share) in [(dev(), 2, 1), (prod(), 9, 3)] {
        assert_eq!(scenario.sizing.ingest_replicas, replicas);
        let registrations = registrations(scenario).await;
        let deployment = deployment(&registrations);
        assert_eq!(deployment.input("spec/replicas"), Some(json!(replicas)));
        assert_eq!(deployment.ignore_changes, ["spec.replicas"]);
        let hpa = named(
            &registrations,
            "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
            APP,
        );
        assert_eq!(hpa.input("spec/minReplicas"), Some(json!(replicas)));
        assert_eq!(hpa.input("spec/maxReplicas"), Some(json!(replicas * 2)));
        assert_eq!(
            hpa.input("spec/metrics/0/resource"),
            Some(
                json!({"name": "cpu", "target": {"type": "Utilization", "averageUtilization": 60}})
            )
        );
        assert_eq!(
            hpa.input_str("spec/scaleTargetRef/name").as_deref(),
            Some(APP)
        );
        assert!(hpa.dependencies.contains(&deployment.urn));
        let budget = named(
            &registrations,
            "kubernetes:policy/v1:PodDisruptionBudget",
            APP,
        );
        assert_eq!(budget.input("spec/maxUnavailable"), Some(json!(zone_share)));
    }
}

#[tokio::test]
async fn the_pods_are_non_root_with_a_read_only_root_filesystem() {
    let registrations = registrations(prod()).await;
    let deployment = deployment(&registrations);
    let pod = deployment
        .input("spec/template/spec/securityContext")
        .unwrap();
    assert_eq!(pod["runAsNonRoot"], true);
    assert_eq!(pod["runAsUser"], 65532);
    assert_eq!(pod["seccompProfile"]["type"], "RuntimeDefault");
    let security = &container(deployment)["securityContext"];
    assert_eq!(security["runAsNonRoot"], true);
    assert_eq!(security["readOnlyRootFilesystem"], true);
    assert_eq!(security["allowPrivilegeEscalation"], false);
    assert_eq!(security["capabilities"]["drop"], json!(["ALL"]));
    assert_eq!(security["seccompProfile"]["type"], "RuntimeDefault");
    assert_eq!(
        deployment.input("spec/template/spec/automountServiceAccountToken"),
        Some(json!(false))
    );
    let resources = &container(deployment)["resources"];
    assert_eq!(
        resources["requests"],
        json!({"cpu": "1", "memory": "512Mi"})
    );
    assert_eq!(resources["limits"], json!({"cpu": "2", "memory": "1Gi"}));
}

#[tokio::test]
async fn probes_hit_healthz_and_readyz_on_the_listening_port() {
    let registrations = registrations(dev()).await;
    let deployment = deployment(&registrations);
    let container = container(deployment);
    assert_eq!(container["livenessProbe"]["httpGet"]["path"], "/healthz");
    assert_eq!(container["readinessProbe"]["httpGet"]["path"], "/readyz");
    assert_eq!(container["livenessProbe"]["httpGet"]["port"], "http");
    assert_eq!(
        container["ports"],
        json!([{"name": "http", "containerPort": 8080, "protocol": "TCP"}])
    );
    assert_eq!(
        env(deployment, "INGEST_LISTEN_ADDR").as_deref(),
        Some("0.0.0.0:8080")
    );
}

#[tokio::test]
async fn pods_spread_over_zones() {
    let registrations = registrations(prod()).await;
    let spread = deployment(&registrations)
        .input("spec/template/spec/topologySpreadConstraints/0")
        .unwrap();
    assert_eq!(spread["topologyKey"], "topology.kubernetes.io/zone");
    assert_eq!(spread["maxSkew"], 1);
    assert_eq!(spread["whenUnsatisfiable"], "DoNotSchedule");
    assert_eq!(
        spread["labelSelector"]["matchLabels"]["app.kubernetes.io/name"],
        APP
    );
}

#[tokio::test]
async fn the_api_produces_to_kafka_with_the_ingest_users_certificate() {
    let registrations = registrations(prod()).await;
    let deployment = deployment(&registrations);
    assert_eq!(
        env(deployment, "INGEST_KAFKA_BOOTSTRAP_SERVERS").as_deref(),
        Some("heartbeat-kafka-bootstrap.kafka.svc:9093")
    );
    assert_eq!(
        env(deployment, "INGEST_KAFKA_SECURITY_PROTOCOL").as_deref(),
        Some("ssl")
    );
    assert_eq!(
        env(deployment, "INGEST_KAFKA_TOPIC").as_deref(),
        Some("heartbeats")
    );
    let volumes = deployment.input("spec/template/spec/volumes").unwrap();
    let secret_of = |volume: &str| {
        volumes
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == volume)
            .map(|v| v["secret"]["secretName"].clone())
    };
    assert_eq!(secret_of("kafka-user"), Some(json!("heartbeat-ingest")));
    assert_eq!(
        secret_of("kafka-ca"),
        Some(json!("heartbeat-cluster-ca-cert"))
    );
    assert_eq!(secret_of("api-keys"), Some(json!("ingest-api-keys")));
    for (variable, file) in [
        ("INGEST_KAFKA_TLS_CERT_FILE", "user.crt"),
        ("INGEST_KAFKA_TLS_KEY_FILE", "user.key"),
        ("INGEST_KAFKA_TLS_CA_FILE", "ca.crt"),
        ("INGEST_API_KEYS_FILE", "keys"),
    ] {
        let path = env(deployment, variable).unwrap();
        let mounted = container(deployment)["volumeMounts"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| path == format!("{}/{file}", m["mountPath"].as_str().unwrap()));
        assert!(mounted, "{variable}={path} is in a mounted volume");
    }
    // In the Kafka namespace, and after the Kafka cluster.
    let kafka = one(&registrations, "kubernetes:kafka.strimzi.io/v1:Kafka");
    assert_eq!(
        deployment.input_str("metadata/namespace").as_deref(),
        Some("kafka")
    );
    assert!(deployment.dependencies.contains(&kafka.urn));
    let policy = named(
        &registrations,
        "kubernetes:networking.k8s.io/v1:NetworkPolicy",
        APP,
    );
    assert_eq!(
        policy.input("spec/egress/0/ports/0/port"),
        Some(json!(9093))
    );
}

#[tokio::test]
async fn no_secret_is_sent_in_plain_text() {
    let registrations = registrations(dev().with_cloudflare(false)).await;
    let secret = named(
        &registrations,
        "kubernetes:core/v1:Secret",
        "ingest-api-keys",
    );
    assert!(secret.input_is_secret("stringData/keys"));
    assert_eq!(
        secret.input_str("stringData/keys").as_deref(),
        Some(API_KEYS)
    );
    let provider = one(&registrations, "pulumi:providers:cloudflare");
    assert!(provider.input_is_secret("apiToken"));
    assert_eq!(
        provider.input_str("apiToken").as_deref(),
        Some(CLOUDFLARE_TOKEN)
    );
    for registration in &registrations {
        for text in registration.inputs.values().flat_map(plain_strings) {
            assert!(
                !text.contains(API_KEYS) && !text.contains(CLOUDFLARE_TOKEN),
                "{} has a secret in plain text",
                registration.urn
            );
        }
    }
}

#[tokio::test]
async fn the_ingress_checks_readyz_and_uses_the_validated_certificate() {
    let registrations = registrations(prod().with_route53()).await;
    let ingress = named(&registrations, INGRESS, APP);
    let certificate = one(&registrations, CERTIFICATE);
    let validation = one(&registrations, VALIDATION);
    assert_eq!(
        ingress.input_str("spec/ingressClassName").as_deref(),
        Some("alb")
    );
    assert_eq!(
        alb_annotation(ingress, "healthcheck-path").as_deref(),
        Some("/readyz")
    );
    assert_eq!(
        alb_annotation(ingress, "scheme").as_deref(),
        Some("internet-facing")
    );
    assert_eq!(
        alb_annotation(ingress, "target-type").as_deref(),
        Some("ip")
    );
    assert_eq!(
        alb_annotation(ingress, "ssl-redirect").as_deref(),
        Some("443")
    );
    assert_eq!(
        alb_annotation(ingress, "ssl-policy").as_deref(),
        Some("ELBSecurityPolicy-TLS13-1-2-2021-06")
    );
    let tags = alb_annotation(ingress, "tags").unwrap();
    assert!(tags.contains("heartbeat:component=ingest"), "{tags}");
    assert!(tags.contains("Name=test-ingest-alb"), "{tags}");
    let listeners: Value =
        serde_json::from_str(&alb_annotation(ingress, "listen-ports").unwrap()).unwrap();
    assert!(
        listeners
            .as_array()
            .unwrap()
            .contains(&json!({"HTTPS": 443}))
    );
    assert_eq!(
        alb_annotation(ingress, "certificate-arn").as_deref(),
        Some(CERTIFICATE_ARN)
    );
    let metadata_deps = &ingress.property_dependencies["metadata"];
    assert!(
        metadata_deps.contains(&certificate.urn),
        "{metadata_deps:?}"
    );
    assert!(metadata_deps.contains(&validation.urn), "{metadata_deps:?}");
    let release = controller_release(&registrations).expect("the controller is installed");
    assert!(ingress.dependencies.contains(&release.urn));
    assert_eq!(
        ingress.input("spec/rules/0"),
        Some(json!({"host": HOSTNAME, "http": {"paths": [{
            "path": "/v1", "pathType": "Prefix",
            "backend": {"service": {"name": APP, "port": {"name": "http"}}}
        }]}}))
    );

    assert_eq!(
        certificate.input_str("domainName").as_deref(),
        Some(HOSTNAME)
    );
    assert_eq!(
        certificate.input_str("validationMethod").as_deref(),
        Some("DNS")
    );
    assert_eq!(
        validation.input_str("certificateArn").as_deref(),
        Some(CERTIFICATE_ARN)
    );
    assert_eq!(
        validation.input("validationRecordFqdns"),
        Some(json!([validation_name(HOSTNAME)]))
    );

    let outputs = component_outputs(&registrations);
    assert_eq!(
        outputs["url"],
        json!(format!("https://{HOSTNAME}/v1/heartbeats"))
    );
    assert_eq!(outputs["loadBalancerHostname"], json!(ALB_HOSTNAME));
}

#[tokio::test]
async fn cloudflare_records_exist_only_when_configured() {
    let without = registrations(prod()).await;
    assert!(of_type(&without, DNS_RECORD).is_empty());
    assert!(of_type(&without, "pulumi:providers:cloudflare").is_empty());

    for proxied in [false, true] {
        let registrations = registrations(prod().with_cloudflare(proxied)).await;
        let provider = one(&registrations, "pulumi:providers:cloudflare");
        assert_eq!(provider.version, "6.11.0");
        let records = of_type(&registrations, DNS_RECORD);
        assert_eq!(records.len(), 2);
        for record in &records {
            assert!(record.provider.starts_with(&format!("{}::", provider.urn)));
            assert_eq!(record.input_str("zoneId").as_deref(), Some(ZONE_ID));
            assert_eq!(record.input_str("type").as_deref(), Some("CNAME"));
            assert_eq!(record.input("ttl"), Some(json!(1)));
        }
        let by_name = |name: &str| record_named(&records, name);
        let check = by_name(&validation_name(HOSTNAME));
        assert_eq!(
            check.input_str("content").as_deref(),
            Some("_4567.acm-validations.aws")
        );
        assert_eq!(check.input("proxied"), Some(json!(false)));
        let public = by_name(HOSTNAME);
        assert_eq!(public.input_str("content").as_deref(), Some(ALB_HOSTNAME));
        assert_eq!(public.input("proxied"), Some(json!(proxied)));
        let ingress = named(&registrations, INGRESS, APP);
        assert!(public.property_dependencies["content"].contains(&ingress.urn));
        // ACM is asked to validate only once the record exists.
        let validation = one(&registrations, VALIDATION);
        assert!(validation.property_dependencies["validationRecordFqdns"].contains(&check.urn));
        assert!(ingress.property_dependencies["metadata"].contains(&validation.urn));
        assert!(of_type(&registrations, ROUTE53_RECORD).is_empty());
        let outputs = component_outputs(&registrations);
        assert_eq!(outputs["dnsRecordsByHand"], json!(false));
    }
}

#[tokio::test]
async fn route53_gets_both_records_and_the_validation_waits_for_its_record() {
    let registrations = registrations(prod().with_route53()).await;
    assert!(of_type(&registrations, DNS_RECORD).is_empty());
    assert!(of_type(&registrations, "pulumi:providers:cloudflare").is_empty());
    let records = of_type(&registrations, ROUTE53_RECORD);
    assert_eq!(records.len(), 2);
    for record in &records {
        assert_eq!(record.input_str("zoneId").as_deref(), Some(HOSTED_ZONE_ID));
        assert_eq!(record.input_str("type").as_deref(), Some("CNAME"));
        assert_eq!(record.input("ttl"), Some(json!(60)));
        // Through the stack's AWS provider, pinned like every AWS resource.
        assert_eq!(record.version, "7.0.0");
        assert!(record.input("aliases").is_none());
    }
    let by_name = |name: &str| record_named(&records, name);
    let check = by_name(&validation_name(HOSTNAME));
    assert_eq!(
        check.input("records"),
        Some(json!(["_4567.acm-validations.aws"]))
    );
    // ACM asks for the same record for every certificate of the name: a replaced
    // certificate's record takes over its predecessor's.
    assert_eq!(check.input("allowOverwrite"), Some(json!(true)));
    let certificate = one(&registrations, CERTIFICATE);
    assert!(check.property_dependencies["name"].contains(&certificate.urn));

    let validation = one(&registrations, VALIDATION);
    assert!(validation.property_dependencies["validationRecordFqdns"].contains(&check.urn));
    let ingress = named(&registrations, INGRESS, APP);
    assert!(ingress.property_dependencies["metadata"].contains(&validation.urn));
    assert!(alb_annotation(ingress, "certificate-arn").is_some());
    let annotations = ingress.input("metadata/annotations").unwrap();
    assert!(annotations.get("pulumi.com/skipAwait").is_none());

    let public = by_name(HOSTNAME);
    assert_eq!(public.input("records"), Some(json!([ALB_HOSTNAME])));
    assert_eq!(public.input("allowOverwrite"), Some(json!(false)));
    assert!(public.property_dependencies["records"].contains(&ingress.urn));

    let outputs = component_outputs(&registrations);
    assert_eq!(outputs["dnsRecordsByHand"], json!(false));
    let dns = outputs["dns"].as_str().unwrap();
    assert!(
        dns.contains(&format!("Route 53 hosted zone {HOSTED_ZONE_ID}")),
        "{dns}"
    );
}

#[tokio::test]
async fn without_a_dns_zone_nothing_waits_for_a_record_no_one_makes() {
    let registrations = registrations(prod()).await;
    for token in [VALIDATION, ROUTE53_RECORD, DNS_RECORD] {
        assert!(
            of_type(&registrations, token).is_empty(),
            "{token} registered"
        );
    }
    let certificate = one(&registrations, CERTIFICATE);
    let ingress = named(&registrations, INGRESS, APP);
    assert_eq!(
        alb_annotation(ingress, "certificate-arn").as_deref(),
        Some(CERTIFICATE_ARN)
    );
    assert!(ingress.property_dependencies["metadata"].contains(&certificate.urn));
    // The controller writes the ALB's address only once the HTTPS listener exists, which
    // needs the issued certificate: the provider must not wait for it.
    let annotations = ingress.input("metadata/annotations").unwrap();
    assert_eq!(annotations["pulumi.com/skipAwait"], json!("true"));

    let outputs = component_outputs(&registrations);
    assert_eq!(
        outputs["certificateValidationRecord"],
        json!({
            "name": validation_name("ingest.example.com"),
            "type": "CNAME",
            "value": "_4567.acm-validations.aws",
        })
    );
    assert_eq!(outputs["dnsRecordsByHand"], json!(true));
    let dns = outputs["dns"].as_str().unwrap();
    for expected in [
        "PENDING VALIDATION",
        "ingestCertificateValidationRecord",
        "ingest.route53 or ingest.cloudflare",
        "ingest.example.com is under a reserved domain",
    ] {
        assert!(dns.contains(expected), "{expected:?} in {dns}");
    }
}

#[tokio::test]
async fn two_dns_zones_are_refused_before_anything_is_registered() {
    let mut scenario = prod().with_route53().with_cloudflare(false);
    scenario.ingest.hostname = "ingest.example.com".into();
    let synth = synth(scenario).await;
    let error = format!("{:#}", synth.result.unwrap_err());
    for expected in [
        "heartbeat-platform:ingest.route53 = (set with cloudflare)",
        "not both",
        "heartbeat-platform:ingest.hostname = ingest.example.com",
    ] {
        assert!(error.contains(expected), "{expected:?} in {error}");
    }
    assert!(of_type(&synth.registrations, COMPONENT).is_empty());
    assert!(of_type(&synth.registrations, CERTIFICATE).is_empty());
}

#[tokio::test]
async fn the_controller_runs_with_its_own_iam_role_from_the_pinned_chart() {
    let registrations = registrations(dev()).await;
    let release = controller_release(&registrations).expect("the controller is installed");
    assert_eq!(
        release.input_str("namespace").as_deref(),
        Some("kube-system")
    );
    assert_eq!(release.input_str("version").as_deref(), Some("1.14.0"));
    assert_eq!(
        release.input_str("repositoryOpts/repo").as_deref(),
        Some("https://aws.github.io/eks-charts")
    );
    assert_eq!(
        release.input("values/serviceAccount"),
        Some(json!({"create": false, "name": "aws-load-balancer-controller"}))
    );
    assert_eq!(
        release.input_str("values/clusterName").as_deref(),
        Some("heartbeat-test")
    );
    // Told its region and VPC, the controller does not ask the instance metadata service.
    assert_eq!(
        release.input_str("values/region").as_deref(),
        Some("eu-west-1")
    );
    assert_eq!(release.input_str("values/vpcId").as_deref(), Some(VPC_ID));
    assert_eq!(release.input("values/replicaCount"), Some(json!(2)));

    let policy = one(&registrations, "aws:iam/policy:Policy");
    let document: Value = serde_json::from_str(&policy.input_str("policy").unwrap()).unwrap();
    assert!(
        document
            .to_string()
            .contains("elasticloadbalancing:CreateLoadBalancer")
    );
    assert_eq!(
        policy.input_str("tags/heartbeat:component").as_deref(),
        Some("ingest")
    );
    let role = of_type(&registrations, "aws:iam/role:Role")
        .into_iter()
        .find(|r| r.name.contains("aws-load-balancer-controller"))
        .expect("the controller's role");
    let trust = role.input_str("assumeRolePolicy").unwrap();
    assert!(trust.contains("system:serviceaccount:kube-system:aws-load-balancer-controller"));
    let attachments = of_type(
        &registrations,
        "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
    );
    assert_eq!(attachments.len(), 1);
    let attachment = attachments[0];
    assert!(attachment.dependencies.contains(&policy.urn));
    assert!(release.dependencies.contains(&attachment.urn));

    let account = named(
        &registrations,
        "kubernetes:core/v1:ServiceAccount",
        "aws-load-balancer-controller",
    );
    let annotations = account.input("metadata/annotations").unwrap();
    assert_eq!(
        annotations["eks.amazonaws.com/role-arn"],
        json!(format!("arn:aws:iam::123456789012:role/{}", role.name))
    );
}

#[tokio::test]
async fn a_preinstalled_controller_or_a_local_chart_is_one_switch() {
    let mut scenario = dev();
    scenario.ingest.load_balancer_controller = OperatorInstall::Preinstalled;
    let preinstalled = registrations(scenario).await;
    assert!(controller_release(&preinstalled).is_none());
    assert!(of_type(&preinstalled, "aws:iam/policy:Policy").is_empty());
    assert!(
        named(&preinstalled, INGRESS, APP)
            .dependencies
            .iter()
            .all(|d| !d.contains("aws-load-balancer-controller"))
    );

    let mut scenario = dev();
    scenario.ingest.load_balancer_controller_chart_path =
        Some("charts/aws-load-balancer-controller".into());
    let local = registrations(scenario).await;
    let release = controller_release(&local).unwrap();
    assert_eq!(
        release.input_str("chart").as_deref(),
        Some("charts/aws-load-balancer-controller")
    );
    assert!(release.input("version").is_none() && release.input("repositoryOpts").is_none());
}

#[tokio::test]
async fn a_preview_leaves_the_certificate_and_the_load_balancer_unknown() {
    let mut scenario = prod().with_cloudflare(false);
    scenario.mode = Mode::Preview;
    let registrations = registrations(scenario).await;
    let ingress = named(&registrations, INGRESS, APP);
    assert!(ingress.input_is_unknown("metadata/annotations"));
    assert!(ingress.input_str("spec/ingressClassName").is_some());
    let public = of_type(&registrations, DNS_RECORD)
        .into_iter()
        .find(|r| r.input_str("name").as_deref() == Some(HOSTNAME))
        .unwrap();
    assert!(public.input_is_unknown("content"));
}

#[tokio::test]
async fn a_config_that_does_not_fit_registers_nothing() {
    let mut scenario = prod();
    scenario.ingest.replicas = Some(2);
    let synth = synth(scenario).await;
    let error = format!("{:#}", synth.result.unwrap_err());
    assert!(
        error.contains("heartbeat-platform:ingest.replicas"),
        "{error}"
    );
    assert!(of_type(&synth.registrations, COMPONENT).is_empty());
    assert!(of_type(&synth.registrations, CERTIFICATE).is_empty());
}

#[tokio::test]
async fn api_keys_managed_by_hand_are_only_referenced() {
    let mut scenario = dev();
    scenario.api_keys = false;
    let registrations = registrations(scenario).await;
    assert!(
        of_type(&registrations, "kubernetes:core/v1:Secret")
            .iter()
            .all(|s| s.input_str("metadata/name").as_deref() != Some("ingest-api-keys"))
    );
    let volumes = deployment(&registrations)
        .input("spec/template/spec/volumes")
        .unwrap();
    assert!(volumes.to_string().contains("ingest-api-keys"));
}

#[tokio::test]
async fn aws_inputs_are_pulumi_aws_v7_property_names() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../.tools/aws-schema.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        println!("SKIPPED: {path} not generated; run tools/gen-aws-schema.sh");
        return;
    };
    let schema: Value = serde_json::from_str(&text).unwrap();
    let mut registrations = registrations(prod().with_cloudflare(false)).await;
    registrations.extend(support::registrations(prod().with_route53()).await);
    let ours: Vec<_> = registrations
        .iter()
        .filter(|r| r.type_token.starts_with("aws:") && r.name.starts_with("ingest-"))
        .collect();
    for token in [
        CERTIFICATE,
        VALIDATION,
        ROUTE53_RECORD,
        "aws:iam/policy:Policy",
        "aws:iam/role:Role",
    ] {
        assert!(
            ours.iter().any(|r| r.type_token == token),
            "{token} registered"
        );
    }
    for registration in ours {
        let inputs = &schema["resources"][&registration.type_token]["inputs"];
        assert!(
            inputs.is_object(),
            "{} is in the SDK",
            registration.type_token
        );
        for name in registration.inputs.keys() {
            assert!(
                inputs.get(name).is_some(),
                "{}: `{name}` is not a pulumi-aws v7 input",
                registration.type_token
            );
        }
    }
}
