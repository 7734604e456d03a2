//! The application database: credentials Secrets filled from Pulumi secrets, and a Job that
//! creates the role and database and applies the schema migrations ([`MIGRATE_SCRIPT`]).

use std::collections::BTreeMap;

use k8s_openapi::api::batch::v1::{Job, JobSpec};
use k8s_openapi::api::core::v1::{
    ConfigMap, ConfigMapVolumeSource, Container, EnvVar, PodSpec, PodTemplateSpec, Secret, Volume,
    VolumeMount,
};
use k8s_openapi::api::rbac::v1::{PolicyRule, Role, RoleBinding, RoleRef, Subject};
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platform_core::kubernetes::Manifest;
use platform_core::kubernetes::{content_digest, env_from_secret};
use pulumi_runtime::Output;

use crate::SecretReader;
use crate::config::YugabyteConfig;
use crate::versions;

/// The migration script the Job runs (idempotent; see the file).
pub const MIGRATE_SCRIPT: &str = include_str!("migrate.sh");

fn meta(name: &str, namespace: &str) -> ObjectMeta {
    ObjectMeta {
        name: Some(name.to_owned()),
        namespace: Some(namespace.to_owned()),
        ..Default::default()
    }
}

/// A Secret `name` with `username` and a `password` laid over from a Pulumi secret (so the
/// registered input is secret too).
pub fn credentials(
    name: &str,
    namespace: &str,
    username: &str,
    password: Output<String>,
) -> Manifest<Secret> {
    Manifest::new(Secret {
        metadata: meta(name, namespace),
        string_data: Some(BTreeMap::from([(
            "username".to_owned(),
            username.to_owned(),
        )])),
        type_: Some("Opaque".into()),
        ..Default::default()
    })
    .with_output("/stringData/password", password.into_secret())
}

/// The ConfigMap with the script and the migrations, numbered `001.sql`, `002.sql`, ...
pub fn migrations_config_map(name: &str, namespace: &str, migrations: &[String]) -> ConfigMap {
    let mut data = BTreeMap::from([("migrate.sh".to_owned(), MIGRATE_SCRIPT.to_owned())]);
    data.extend(
        migrations
            .iter()
            .enumerate()
            .map(|(i, sql)| (format!("{:03}.sql", i + 1), sql.clone())),
    );
    ConfigMap {
        metadata: meta(name, namespace),
        data: Some(data),
        ..Default::default()
    }
}

fn plain(name: &str, value: impl Into<String>) -> EnvVar {
    EnvVar {
        name: name.into(),
        value: Some(value.into()),
        ..Default::default()
    }
}

/// Where the Job finds what it needs.
#[derive(Debug, Clone)]
pub struct JobInputs<'a> {
    /// The Job's name (also of its ConfigMap).
    pub name: &'a str,
    /// The YSQL host it connects to.
    pub ysql_host: &'a str,
    /// The admin credentials Secret.
    pub admin_secret: &'a str,
    /// The application credentials Secret.
    pub app_secret: &'a str,
}

/// The migration Job.
pub fn job(config: &YugabyteConfig, inputs: &JobInputs<'_>) -> Job {
    let env = vec![
        plain("PGHOST", inputs.ysql_host),
        plain("PGPORT", crate::placement::YSQL_PORT.to_string()),
        plain(
            "PGSSLMODE",
            if config.tls.enabled {
                "require"
            } else {
                "disable"
            },
        ),
        plain("DATABASE", &config.database),
        plain("APP_USER", &config.app_user),
        env_from_secret("ADMIN_PASSWORD", inputs.admin_secret, "password"),
        env_from_secret("APP_PASSWORD", inputs.app_secret, "password"),
    ];
    Job {
        metadata: meta(inputs.name, &config.namespace),
        spec: Some(JobSpec {
            backoff_limit: Some(10),
            template: PodTemplateSpec {
                metadata: None,
                spec: Some(PodSpec {
                    restart_policy: Some("OnFailure".into()),
                    containers: vec![Container {
                        name: "migrate".into(),
                        image: Some(format!(
                            "{}:{}",
                            versions::IMAGE_REPOSITORY,
                            versions::IMAGE_TAG
                        )),
                        command: Some(vec!["bash".into(), "/migrations/migrate.sh".into()]),
                        env: Some(env),
                        volume_mounts: Some(vec![VolumeMount {
                            name: "migrations".into(),
                            mount_path: "/migrations".into(),
                            read_only: Some(true),
                            ..Default::default()
                        }]),
                        ..Default::default()
                    }],
                    volumes: Some(vec![Volume {
                        name: "migrations".into(),
                        config_map: Some(ConfigMapVolumeSource {
                            name: inputs.name.into(),
                            ..Default::default()
                        }),
                        ..Default::default()
                    }]),
                    ..Default::default()
                }),
            },
            ..Default::default()
        }),
        ..Default::default()
    }
}

/// A short, stable digest of the script and migrations (64-bit FNV-1a, hex): the Job's name
/// carries it, so changed migrations make a new Job that runs them.
pub fn digest(migrations: &[String]) -> String {
    content_digest(std::iter::once(MIGRATE_SCRIPT).chain(migrations.iter().map(String::as_str)))
}

/// A Role that may read only Secret `secret`, bound to `readers`.
pub fn secret_readers(
    secret: &str,
    namespace: &str,
    readers: &[SecretReader],
) -> (Role, RoleBinding) {
    let name = format!("{secret}-readers");
    let role = Role {
        metadata: meta(&name, namespace),
        rules: Some(vec![PolicyRule {
            api_groups: Some(vec![String::new()]),
            resources: Some(vec!["secrets".into()]),
            resource_names: Some(vec![secret.into()]),
            verbs: vec!["get".into()],
            ..Default::default()
        }]),
    };
    let binding = RoleBinding {
        metadata: meta(&name, namespace),
        role_ref: RoleRef {
            api_group: "rbac.authorization.k8s.io".into(),
            kind: "Role".into(),
            name: name.clone(),
        },
        subjects: Some(
            readers
                .iter()
                .map(|reader| Subject {
                    kind: "ServiceAccount".into(),
                    name: reader.service_account.clone(),
                    namespace: Some(reader.namespace.clone()),
                    api_group: None,
                })
                .collect(),
        ),
    };
    (role, binding)
}
