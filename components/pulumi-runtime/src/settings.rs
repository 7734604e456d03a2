//! The environment contract between a Pulumi language host and the program it runs.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use anyhow::{Context as _, bail};

/// Everything a program learns from its language host.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// `PULUMI_MONITOR`: the address of the engine's ResourceMonitor service.
    pub monitor: String,
    /// `PULUMI_ENGINE`: the address of the engine's Engine service (logging), if given.
    pub engine: Option<String>,
    /// `PULUMI_PROJECT`.
    pub project: String,
    /// `PULUMI_STACK`.
    pub stack: String,
    /// `PULUMI_ORGANIZATION` (defaults to `organization`).
    pub organization: String,
    /// `PULUMI_ROOT_DIRECTORY`: the directory holding `Pulumi.yaml`.
    pub root_directory: Option<PathBuf>,
    /// `PULUMI_DRY_RUN`: true during a preview.
    pub dry_run: bool,
    /// `PULUMI_PARALLEL`: how many resource operations may run at once.
    pub parallel: usize,
    /// `PULUMI_CONFIG`: configuration values by `namespace:key`.
    pub config: BTreeMap<String, String>,
    /// `PULUMI_CONFIG_SECRET_KEYS`: the keys whose values are secret.
    pub secret_keys: BTreeSet<String>,
}

/// The parallelism used when `PULUMI_PARALLEL` is unset (as Pulumi's own SDKs do, unbounded in
/// practice; the engine applies its own limit).
const DEFAULT_PARALLEL: usize = 48;

impl Settings {
    /// Reads the settings from the process environment.
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads the settings through `lookup` (the environment, or a map in tests).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> anyhow::Result<Self> {
        let required = |name: &str| {
            lookup(name).filter(|v| !v.is_empty()).with_context(|| {
                format!(
                    "{name} is not set: run this program through `pulumi up` or `pulumi preview`"
                )
            })
        };
        let config = match lookup("PULUMI_CONFIG") {
            Some(json) if !json.trim().is_empty() => parse_config(&json)?,
            _ => BTreeMap::new(),
        };
        let secret_keys = match lookup("PULUMI_CONFIG_SECRET_KEYS") {
            Some(json) if !json.trim().is_empty() => serde_json::from_str(&json)
                .context("PULUMI_CONFIG_SECRET_KEYS is not a JSON array of strings")?,
            _ => BTreeSet::new(),
        };
        let parallel = match lookup("PULUMI_PARALLEL") {
            Some(text) if !text.is_empty() => match text.parse::<usize>() {
                Ok(0) | Err(_) => bail!("PULUMI_PARALLEL is {text:?}: expected a positive integer"),
                Ok(n) => n,
            },
            _ => DEFAULT_PARALLEL,
        };
        Ok(Self {
            monitor: required("PULUMI_MONITOR")?,
            engine: lookup("PULUMI_ENGINE").filter(|v| !v.is_empty()),
            project: required("PULUMI_PROJECT")?,
            stack: required("PULUMI_STACK")?,
            organization: lookup("PULUMI_ORGANIZATION")
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| "organization".into()),
            root_directory: lookup("PULUMI_ROOT_DIRECTORY")
                .filter(|v| !v.is_empty())
                .map(PathBuf::from),
            dry_run: lookup("PULUMI_DRY_RUN").is_some_and(|v| v == "true"),
            parallel,
            config,
            secret_keys,
        })
    }
}

/// `PULUMI_CONFIG` is a JSON object of `namespace:key` to string; structured values arrive as
/// JSON text inside the string. Non-string values (older hosts) are kept as their JSON text.
fn parse_config(json: &str) -> anyhow::Result<BTreeMap<String, String>> {
    let object: serde_json::Map<String, serde_json::Value> =
        serde_json::from_str(json).context("PULUMI_CONFIG is not a JSON object")?;
    Ok(object
        .into_iter()
        .map(|(key, value)| {
            let text = match value {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            (key, text)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn reads_the_language_host_contract() {
        let settings = Settings::from_lookup(env(&[
            ("PULUMI_MONITOR", "127.0.0.1:1"),
            ("PULUMI_PROJECT", "p"),
            ("PULUMI_STACK", "dev"),
            ("PULUMI_DRY_RUN", "true"),
            ("PULUMI_PARALLEL", "4"),
            ("PULUMI_CONFIG", r#"{"p:a":"1","p:b":{"c":2}}"#),
            ("PULUMI_CONFIG_SECRET_KEYS", r#"["p:a"]"#),
        ]))
        .unwrap();
        assert!(settings.dry_run);
        assert_eq!(settings.parallel, 4);
        assert_eq!(settings.organization, "organization");
        assert_eq!(settings.config["p:a"], "1");
        assert_eq!(settings.config["p:b"], r#"{"c":2}"#);
        assert!(settings.secret_keys.contains("p:a"));
    }

    #[test]
    fn missing_monitor_says_how_to_run() {
        let err = Settings::from_lookup(env(&[("PULUMI_PROJECT", "p")])).unwrap_err();
        assert!(
            err.to_string().contains("PULUMI_MONITOR is not set"),
            "{err}"
        );
    }

    #[test]
    fn bad_parallel_is_named() {
        let err = Settings::from_lookup(env(&[
            ("PULUMI_MONITOR", "x"),
            ("PULUMI_PROJECT", "p"),
            ("PULUMI_STACK", "s"),
            ("PULUMI_PARALLEL", "zero"),
        ]))
        .unwrap_err();
        assert!(err.to_string().contains("PULUMI_PARALLEL"), "{err}");
    }
}
