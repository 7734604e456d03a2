//! The AWS Load Balancer Controller's IAM policy, as registered, is the vendor's published
//! policy for the controller release the pinned chart runs, statement for statement.
//!
//! The vendor's file is read from `../shared/vendor/aws-load-balancer-controller-<version>/
//! iam_policy.json` beside the repository (located from this crate's directory), `<version>`
//! being [`CONTROLLER_VERSION`]. Both documents are normalised (actions, resources and
//! condition values as sets; `Sid` dropped) and compared as multisets of statements, so the
//! order of statements and of their lists does not matter, while a missing or extra action,
//! resource, condition operator, condition key or value does. When the file is missing the
//! test prints SKIPPED and passes.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use ingest_service::controller::CONTROLLER_VERSION;
use ingest_service::controller_iam::controller_policy;
use serde_json::Value;
use support::{dev, one, registrations};

/// A statement with every list made a set.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Normalised {
    effect: String,
    actions: BTreeSet<String>,
    resources: BTreeSet<String>,
    /// Operator -> condition key -> values.
    conditions: BTreeMap<String, BTreeMap<String, BTreeSet<String>>>,
}

/// A string or a list of strings, as a set.
fn set_of(value: &Value, what: &str) -> BTreeSet<String> {
    match value {
        Value::String(one) => BTreeSet::from([one.clone()]),
        Value::Array(many) => many
            .iter()
            .map(|v| {
                v.as_str()
                    .unwrap_or_else(|| panic!("{what}: not a string: {v}"))
                    .to_owned()
            })
            .collect(),
        other => panic!("{what}: neither a string nor a list: {other}"),
    }
}

fn normalise(document: &Value) -> Vec<Normalised> {
    assert_eq!(document["Version"], "2012-10-17");
    let mut statements: Vec<Normalised> = document["Statement"]
        .as_array()
        .expect("a list of statements")
        .iter()
        .map(|statement| {
            let fields = statement.as_object().expect("a statement is an object");
            for key in fields.keys() {
                assert!(
                    ["Sid", "Effect", "Action", "Resource", "Condition"].contains(&key.as_str()),
                    "unexpected statement field {key} (NotAction, Principal...): {statement}"
                );
            }
            let conditions = fields
                .get("Condition")
                .and_then(Value::as_object)
                .map(|operators| {
                    operators
                        .iter()
                        .map(|(operator, keys)| {
                            let keys = keys
                                .as_object()
                                .expect("condition keys")
                                .iter()
                                .map(|(key, values)| (key.clone(), set_of(values, key)))
                                .collect();
                            (operator.clone(), keys)
                        })
                        .collect()
                })
                .unwrap_or_default();
            Normalised {
                effect: statement["Effect"].as_str().expect("Effect").to_owned(),
                actions: set_of(&statement["Action"], "Action"),
                resources: set_of(&statement["Resource"], "Resource"),
                conditions,
            }
        })
        .collect();
    statements.sort();
    statements
}

/// What differs between `ours` and `vendor`: each statement of one without an equal in the
/// other, and the actions granted by one only. Empty when they are equivalent.
fn differences(ours: &Value, vendor: &Value) -> Vec<String> {
    let ours = normalise(ours);
    let vendor = normalise(vendor);
    let mut unmatched_ours = ours.clone();
    let mut problems = Vec::new();
    for statement in &vendor {
        match unmatched_ours.iter().position(|s| s == statement) {
            Some(index) => {
                unmatched_ours.remove(index);
            }
            None => problems.push(format!("missing vendor statement: {statement:?}")),
        }
    }
    problems.extend(
        unmatched_ours
            .iter()
            .map(|statement| format!("extra statement: {statement:?}")),
    );
    let actions = |statements: &[Normalised]| -> BTreeSet<String> {
        statements
            .iter()
            .flat_map(|s| s.actions.iter().cloned())
            .collect()
    };
    let (our_actions, vendor_actions) = (actions(&ours), actions(&vendor));
    problems.extend(
        vendor_actions
            .difference(&our_actions)
            .map(|a| format!("action never granted: {a}")),
    );
    problems.extend(
        our_actions
            .difference(&vendor_actions)
            .map(|a| format!("action the vendor does not grant: {a}")),
    );
    problems
}

fn vendor_policy() -> Option<Value> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!(
        "../../../shared/vendor/aws-load-balancer-controller-{CONTROLLER_VERSION}/iam_policy.json"
    ));
    let Ok(text) = std::fs::read_to_string(&path) else {
        println!(
            "SKIPPED: {} not found (expected ../shared/vendor/aws-load-balancer-controller-{CONTROLLER_VERSION} beside the repository)",
            path.display()
        );
        return None;
    };
    Some(serde_json::from_str(&text).expect("the vendor's policy is JSON"))
}

fn ours() -> Value {
    serde_json::to_value(controller_policy()).unwrap()
}

#[tokio::test]
async fn the_registered_policy_is_the_vendors_for_the_pinned_release() {
    let Some(vendor) = vendor_policy() else {
        return;
    };
    let registrations = registrations(dev()).await;
    let policy = one(&registrations, "aws:iam/policy:Policy");
    let registered: Value = serde_json::from_str(&policy.input_str("policy").unwrap()).unwrap();
    assert_eq!(
        registered,
        ours(),
        "the document registered is controller_policy()"
    );
    let problems = differences(&registered, &vendor);
    assert!(
        problems.is_empty(),
        "the controller's policy differs from the vendor's {CONTROLLER_VERSION}:\n{}",
        problems.join("\n")
    );
}

#[test]
fn a_missing_action_or_a_changed_condition_is_a_difference() {
    let Some(vendor) = vendor_policy() else {
        return;
    };
    let statements = |document: &mut Value| -> Vec<Value> {
        document["Statement"].as_array_mut().unwrap().clone()
    };

    // One action fewer (the one v2.14.0 needs to order listener rules).
    let mut fewer = ours();
    let mut list = statements(&mut fewer);
    for statement in &mut list {
        if let Some(actions) = statement["Action"].as_array_mut() {
            actions.retain(|a| a != "elasticloadbalancing:SetRulePriorities");
        }
    }
    fewer["Statement"] = Value::Array(list);
    let problems = differences(&fewer, &vendor);
    assert!(
        problems
            .iter()
            .any(|p| p == "action never granted: elasticloadbalancing:SetRulePriorities"),
        "{problems:?}"
    );

    // The tag key of controllers before v2.5 in a condition.
    let old_tag = ours()
        .to_string()
        .replace("elbv2.k8s.aws/cluster", "ingress.k8s.aws/cluster");
    let problems = differences(&serde_json::from_str(&old_tag).unwrap(), &vendor);
    assert!(
        problems
            .iter()
            .any(|p| p.starts_with("missing vendor statement"))
            && problems.iter().any(|p| p.starts_with("extra statement")),
        "{problems:?}"
    );

    // One more condition on an otherwise equal statement.
    let mut stricter = ours();
    let mut list = statements(&mut stricter);
    list[0]["Condition"]["StringEquals"]["aws:RequestedRegion"] = "eu-west-1".into();
    stricter["Statement"] = Value::Array(list);
    assert_eq!(differences(&stricter, &vendor).len(), 2);

    // A statement granted twice is one too many.
    let mut doubled = ours();
    let mut list = statements(&mut doubled);
    list.push(list[1].clone());
    doubled["Statement"] = Value::Array(list);
    assert_eq!(differences(&doubled, &vendor).len(), 1);
}
