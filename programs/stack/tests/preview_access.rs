//! The preview identities' role against what the shipped stacks apply: a `pulumi preview` under
//! a viewer dry-runs every object of the stack, so the role must allow `create` and `patch` on
//! each one's kind (a refused dry run silently degrades to a client-side preview).

mod support;

use std::collections::BTreeSet;

use mock_engine::Mode;
use mock_engine::query::{of_type, one};
use serde_json::Value;
use support::{run, stack_config};

/// What the Helm charts the stacks install render beyond the components' own objects, by API
/// group and kind: from the manifests of `tools/synth.sh dev` with `HEARTBEAT_CHARTS_DIR`
/// holding the vendors' Strimzi 1.2.0 and YugabyteDB 2025.2.2 charts (../shared/vendor/charts),
/// plus the AWS Load Balancer Controller chart's templates (an offline render treats the
/// controller as preinstalled) and YugabyteDB's own cert-manager `Issuer`.
const CHART_OBJECTS: &[(&str, &str)] = &[
    ("", "ConfigMap"),
    ("", "Secret"),
    ("", "Service"),
    ("", "ServiceAccount"),
    ("apiextensions.k8s.io", "CustomResourceDefinition"),
    ("apps", "Deployment"),
    ("apps", "StatefulSet"),
    ("batch", "Job"),
    ("policy", "PodDisruptionBudget"),
    ("networking.k8s.io", "IngressClass"),
    ("networking.k8s.io", "NetworkPolicy"),
    ("rbac.authorization.k8s.io", "ClusterRole"),
    ("rbac.authorization.k8s.io", "ClusterRoleBinding"),
    ("rbac.authorization.k8s.io", "Role"),
    ("rbac.authorization.k8s.io", "RoleBinding"),
    ("cert-manager.io", "Certificate"),
    ("cert-manager.io", "Issuer"),
    ("elbv2.k8s.aws", "IngressClassParams"),
    (
        "admissionregistration.k8s.io",
        "MutatingWebhookConfiguration",
    ),
    (
        "admissionregistration.k8s.io",
        "ValidatingWebhookConfiguration",
    ),
];

/// The charts [`CHART_OBJECTS`] was drawn from, by the prefix of their logical names.
const CHARTS: &[&str] = &["tls-", "kafka-", "yugabyte-", "ingest-"];

/// The group whose objects admission policies do not see: the previewers only read it.
const ADMISSION: &str = "admissionregistration.k8s.io";

/// The REST resource of a kind (`NetworkPolicy` -> `networkpolicies`).
fn resource(kind: &str) -> String {
    let kind = kind.to_ascii_lowercase();
    if let Some(stem) = kind.strip_suffix('y') {
        format!("{stem}ies")
    } else if kind.ends_with('s') {
        format!("{kind}es")
    } else {
        format!("{kind}s")
    }
}

/// Whether RBAC `rules` allow `verb` on `resource` of `group` (no rule matches by name only).
fn allows(rules: &[Value], group: &str, resource: &str, verb: &str) -> bool {
    let has = |rule: &Value, field: &str, value: &str| {
        rule[field]
            .as_array()
            .is_some_and(|items| items.iter().any(|i| i == "*" || i == value))
    };
    rules.iter().any(|rule| {
        rule.get("resourceNames").is_none()
            && has(rule, "apiGroups", group)
            && has(rule, "resources", resource)
            && has(rule, "verbs", verb)
    })
}

/// (group, kind) of every Kubernetes object the components register (not the charts).
fn registered_kinds(registrations: &[mock_engine::Registration]) -> BTreeSet<(String, String)> {
    registrations
        .iter()
        .filter_map(|r| r.type_token.strip_prefix("kubernetes:"))
        .filter(|token| !token.starts_with("helm.sh/"))
        .map(|token| {
            let (group_version, kind) = token.split_once(':').unwrap();
            let group = group_version.split_once('/').unwrap().0;
            let group = if group == "core" { "" } else { group };
            (group.to_owned(), kind.to_owned())
        })
        .collect()
}

#[tokio::test]
async fn the_previewers_may_dry_run_every_object_the_stacks_apply_and_only_read_admission() {
    for stack in ["dev", "prod"] {
        let (engine, result) = run(Mode::Update, &stack_config(stack)).await;
        result.unwrap();
        let registrations = engine.registrations();
        let role = one(
            &registrations,
            "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole",
        );
        assert_eq!(
            role.input_str("metadata/name").as_deref(),
            Some("heartbeat-previewer")
        );
        let rules = role.input("rules").unwrap();
        let rules = rules.as_array().unwrap();

        let charts: Vec<&str> = of_type(&registrations, "kubernetes:helm.sh/v4:Chart")
            .into_iter()
            .map(|chart| chart.name.as_str())
            .collect();
        for chart in &charts {
            assert!(
                CHARTS.iter().any(|prefix| chart.starts_with(prefix)),
                "{stack}: chart {chart} is new: add what it renders to CHART_OBJECTS"
            );
        }
        let mut kinds = registered_kinds(&registrations);
        assert!(
            kinds.len() >= 15,
            "{stack}: only {} kinds registered: {kinds:?}",
            kinds.len()
        );
        kinds.extend(
            CHART_OBJECTS
                .iter()
                .map(|(group, kind)| ((*group).to_owned(), (*kind).to_owned())),
        );
        let mut writable = 0;
        for (group, kind) in &kinds {
            let resource = resource(kind);
            assert!(
                allows(rules, group, &resource, "get") && allows(rules, group, &resource, "list"),
                "{stack}: previewers cannot read {group}/{resource}"
            );
            if group == ADMISSION {
                for verb in ["create", "update", "patch", "delete"] {
                    assert!(
                        !allows(rules, group, &resource, verb),
                        "{stack}: previewers may {verb} {resource}, which no admission policy guards"
                    );
                }
                continue;
            }
            for verb in ["create", "patch"] {
                assert!(
                    allows(rules, group, &resource, verb),
                    "{stack}: a preview cannot dry-run a {verb} of {group}/{resource} ({kind})"
                );
            }
            writable += 1;
        }
        assert!(writable >= 25, "{stack}: {writable} writable kinds");
        for (group, resource) in [
            ("", "pods/exec"),
            ("", "pods/attach"),
            ("", "pods/portforward"),
            ("", "nodes/proxy"),
            ("", "serviceaccounts/token"),
            ("", "pods"),
            ("certificates.k8s.io", "certificatesigningrequests"),
        ] {
            assert!(
                !allows(rules, group, resource, "create"),
                "{stack}: previewers may create {group}/{resource}"
            );
        }
        for verb in ["impersonate", "delete", "deletecollection"] {
            for (group, resource) in [
                ("", "users"),
                ("", "groups"),
                ("", "serviceaccounts"),
                ("apps", "deployments"),
            ] {
                assert!(
                    !allows(rules, group, resource, verb),
                    "{stack}: previewers may {verb} {resource}"
                );
            }
        }
    }
}
