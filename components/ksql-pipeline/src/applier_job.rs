//! The objects that apply the statements in the cluster: a ConfigMap holding the
//! [`StatementFile`](crate::StatementFile) and a Job running `ksql-applier` on it.
//!
//! Both are named `<prefix>-<digest of the statements file>`: an unchanged pipeline keeps its
//! Job (nothing re-runs), a changed one gets a new ConfigMap and a new Job that applies it.

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, Container, KeyToPath, PodSecurityContext, PodSpec,
    PodTemplateSpec, ResourceRequirements, SeccompProfile, Volume, VolumeMount,
};
use k8s_openapi::apimachinery::pkg::api::resource::Quantity;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platform_core::kubernetes::{content_digest, restricted_security_context};

/// The directory the statements file is mounted at.
pub const STATEMENTS_DIR: &str = "/etc/pipeline";
/// The statements file's key in the ConfigMap (and its file name).
pub const STATEMENTS_ITEM: &str = "statements.json";
/// The user and group the applier runs as (distroless `nonroot`).
pub const RUN_AS: i64 = 65532;
/// Pod retries after a failure. A statement error is final (the applier exits 1 with
/// ksqlDB's message and a retry would fail the same way); connection errors are already
/// retried inside the applier for about ten minutes, so one more pod covers a lost node.
pub const BACKOFF_LIMIT: i32 = 1;
/// The Job's deadline: twice the applier's own retry budget.
pub const ACTIVE_DEADLINE_SECS: i64 = 1_200;
/// The kubernetes provider waits for a Job to complete, 10 minutes by default; this
/// annotation makes it wait as long as the Job may run.
pub const AWAIT_TIMEOUT_ANNOTATION: &str = "pulumi.com/timeoutSeconds";

/// A short digest of the statements file: 64-bit FNV-1a, hex. FNV is fixed by its
/// specification, so the digest (and the Job's name) is stable across Rust releases, which
/// `std`'s `DefaultHasher` does not promise.
pub fn statements_digest(statements_json: &str) -> String {
    content_digest([statements_json])
}

/// The name of the ConfigMap and Job for this statements file: `<prefix>-<digest>`.
pub fn applier_name(prefix: &str, statements_json: &str) -> String {
    format!("{prefix}-{}", statements_digest(statements_json))
}

fn meta(name: &str, namespace: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: Some(namespace.to_owned()),
        labels: Some(BTreeMap::from([
            (
                "app.kubernetes.io/name".to_owned(),
                "ksql-applier".to_owned(),
            ),
            (
                "app.kubernetes.io/part-of".to_owned(),
                "heartbeat-platform".to_owned(),
            ),
        ])),
        ..ObjectMeta::default()
    }
}

/// The ConfigMap `name` in `namespace` holding the statements file.
pub fn statements_config_map(name: &str, namespace: &str, statements_json: &str) -> ConfigMap {
    ConfigMap {
        metadata: meta(name, namespace),
        data: Some(BTreeMap::from([(
            STATEMENTS_ITEM.to_owned(),
            statements_json.to_owned(),
        )])),
        immutable: Some(true),
        ..ConfigMap::default()
    }
}

/// The applier container: `ksql-applier --server <ksqldb_url> --statements
/// /etc/pipeline/statements.json`, non-root, read-only root filesystem, no capabilities.
pub fn applier_container(image: &str, ksqldb_url: &str) -> Container {
    let quantity = |q: &str| Quantity(q.to_owned());
    Container {
        name: "ksql-applier".into(),
        image: Some(image.to_owned()),
        args: Some(vec![
            "--server".into(),
            ksqldb_url.to_owned(),
            "--statements".into(),
            format!("{STATEMENTS_DIR}/{STATEMENTS_ITEM}"),
        ]),
        resources: Some(ResourceRequirements {
            requests: Some(BTreeMap::from([
                ("cpu".to_owned(), quantity("50m")),
                ("memory".to_owned(), quantity("32Mi")),
            ])),
            limits: Some(BTreeMap::from([("memory".to_owned(), quantity("64Mi"))])),
            ..ResourceRequirements::default()
        }),
        security_context: Some(restricted_security_context(Some(RUN_AS), true)),
        volume_mounts: Some(vec![VolumeMount {
            name: "statements".into(),
            mount_path: STATEMENTS_DIR.into(),
            read_only: Some(true),
            ..VolumeMount::default()
        }]),
        ..Container::default()
    }
}

/// The Job `name` in `namespace` running `container` on the ConfigMap of the same name.
pub fn applier_job(name: &str, namespace: &str, container: Container) -> Job {
    let mut metadata = meta(name, namespace);
    metadata.annotations = Some(BTreeMap::from([(
        AWAIT_TIMEOUT_ANNOTATION.to_owned(),
        ACTIVE_DEADLINE_SECS.to_string(),
    )]));
    Job {
        metadata,
        spec: Some(JobSpec {
            backoff_limit: Some(BACKOFF_LIMIT),
            active_deadline_seconds: Some(ACTIVE_DEADLINE_SECS),
            template: PodTemplateSpec {
                metadata: Some(meta(name, namespace)),
                spec: Some(PodSpec {
                    restart_policy: Some("Never".into()),
                    automount_service_account_token: Some(false),
                    security_context: Some(PodSecurityContext {
                        run_as_non_root: Some(true),
                        run_as_user: Some(RUN_AS),
                        run_as_group: Some(RUN_AS),
                        seccomp_profile: Some(SeccompProfile {
                            type_: "RuntimeDefault".into(),
                            localhost_profile: None,
                        }),
                        ..PodSecurityContext::default()
                    }),
                    containers: vec![container],
                    volumes: Some(vec![Volume {
                        name: "statements".into(),
                        config_map: Some(ConfigMapVolumeSource {
                            name: name.to_owned(),
                            items: Some(vec![KeyToPath {
                                key: STATEMENTS_ITEM.into(),
                                path: STATEMENTS_ITEM.into(),
                                mode: None,
                            }]),
                            ..ConfigMapVolumeSource::default()
                        }),
                        ..Volume::default()
                    }]),
                    ..PodSpec::default()
                }),
            },
            ..JobSpec::default()
        }),
        ..Job::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_name_follows_the_content() {
        let a = applier_name("pipeline-ksql", r#"{"statements": ["a"]}"#);
        assert_eq!(a, applier_name("pipeline-ksql", r#"{"statements": ["a"]}"#));
        assert_ne!(a, applier_name("pipeline-ksql", r#"{"statements": ["b"]}"#));
        assert!(a.starts_with("pipeline-ksql-") && a.len() == "pipeline-ksql-".len() + 16);
        // FNV-1a's published test vector: the digest does not depend on the Rust release.
        assert_eq!(statements_digest("a"), "af63dc4c8601ec8c");
    }
}
