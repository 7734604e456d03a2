//! Stack configuration as the engine passes it: `namespace:key` to text, some keys secret.

use std::collections::{BTreeMap, BTreeSet};

use crate::Output;

/// One configuration value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigValue {
    /// The value's text (structured values are JSON text).
    pub text: String,
    /// Whether the value was set with `pulumi config set --secret`.
    pub secret: bool,
}

/// The stack's configuration.
#[derive(Debug, Clone, Default)]
pub struct Config {
    project: String,
    values: BTreeMap<String, ConfigValue>,
}

impl Config {
    /// Configuration for `project` from the language host's map and secret keys.
    pub fn new(
        project: &str,
        values: &BTreeMap<String, String>,
        secret_keys: &BTreeSet<String>,
    ) -> Self {
        let values = values
            .iter()
            .map(|(key, text)| {
                let value = ConfigValue {
                    text: text.clone(),
                    secret: secret_keys.contains(key),
                };
                (key.clone(), value)
            })
            .collect();
        Self {
            project: project.to_owned(),
            values,
        }
    }

    /// The value of `key`; a key without a namespace is looked up in the project's.
    pub fn get(&self, key: &str) -> Option<&ConfigValue> {
        self.values.get(&self.full_key(key))
    }

    /// Every key in `namespace`, without the `namespace:` prefix.
    pub fn namespace(&self, namespace: &str) -> BTreeMap<&str, &ConfigValue> {
        let prefix = format!("{namespace}:");
        self.values
            .iter()
            .filter_map(|(key, value)| key.strip_prefix(&prefix).map(|short| (short, value)))
            .collect()
    }

    /// The value of `key` as a secret output, whether or not it was set as a secret.
    pub fn secret(&self, key: &str) -> Option<Output<String>> {
        self.get(key)
            .map(|value| Output::secret(value.text.clone()))
    }

    fn full_key(&self, key: &str) -> String {
        if key.contains(':') {
            key.to_owned()
        } else {
            format!("{}:{key}", self.project)
        }
    }
}
