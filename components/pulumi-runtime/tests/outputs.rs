//! Output semantics: unknowns propagate, secrets survive every combinator, dependencies union.

use std::collections::BTreeSet;

use pulumi_runtime::{Output, Resolved, Urn, all};

fn with_dep<T: Clone + Send + Sync + 'static>(value: T, urn: &str) -> Output<T> {
    Output::new(value).with_deps([Urn(urn.into())])
}

fn deps(urns: &[&str]) -> BTreeSet<Urn> {
    urns.iter().map(|u| Urn(u.to_string())).collect()
}

#[tokio::test]
async fn map_keeps_value_secret_and_deps() {
    let out = with_dep(20, "urn:a").into_secret().map(|n| n + 1);
    assert_eq!(
        out.resolve().await.unwrap(),
        Resolved {
            value: Some(21),
            secret: true,
            deps: deps(&["urn:a"])
        }
    );
}

#[tokio::test]
async fn unknown_propagates_without_running_the_closure() {
    let out = Output::<i32>::unknown()
        .with_deps([Urn("urn:a".into())])
        .map(|_| -> i32 { panic!("must not run") });
    let resolved = out.resolve().await.unwrap();
    assert_eq!(resolved.value, None);
    assert_eq!(resolved.deps, deps(&["urn:a"]));
    let zipped = Output::new(1).zip(&Output::<i32>::unknown());
    assert_eq!(zipped.resolve().await.unwrap().value, None);
}

#[tokio::test]
async fn all_is_secret_if_any_and_unions_deps() {
    let out = all([
        with_dep(1, "urn:a"),
        with_dep(2, "urn:b").into_secret(),
        Output::new(3),
    ]);
    assert_eq!(
        out.resolve().await.unwrap(),
        Resolved {
            value: Some(vec![1, 2, 3]),
            secret: true,
            deps: deps(&["urn:a", "urn:b"])
        }
    );
    let with_unknown = all([Output::new(1), Output::unknown()]);
    assert_eq!(with_unknown.resolve().await.unwrap().value, None);
}

#[tokio::test]
async fn apply_merges_both_sides() {
    let out = with_dep("a".to_string(), "urn:a")
        .apply(|s| with_dep(format!("{s}b"), "urn:b").into_secret());
    assert_eq!(
        out.resolve().await.unwrap(),
        Resolved {
            value: Some("ab".into()),
            secret: true,
            deps: deps(&["urn:a", "urn:b"])
        }
    );
}

#[tokio::test]
async fn try_map_errors_fail_the_output() {
    let out = Output::new(1)
        .try_map(|_| -> Result<i32, _> { Err(pulumi_runtime::OutputError::new("nope")) });
    assert_eq!(out.resolve().await.unwrap_err().to_string(), "nope");
}

#[test]
fn an_output_outside_a_registration_refuses_to_serialise() {
    let err = serde_json::to_string(&Output::new(1)).unwrap_err();
    assert!(err.to_string().contains("resource input"), "{err}");
}
