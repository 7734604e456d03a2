//! Reading the stack configuration: every key of the project's namespace must be known, each
//! section deserialises on its own so one bad section does not hide another's problems, and
//! every error names the key path.

use pulumi_runtime::Config;
use serde::de::DeserializeOwned;

use crate::problems::Problems;

/// The config namespace of heartbeat-platform (the project name).
pub const NAMESPACE: &str = "heartbeat-platform";

/// Reports every key of `namespace` that is not in `known`, with the nearest known key.
pub fn check_known_keys(config: &Config, namespace: &str, known: &[&str], problems: &mut Problems) {
    for key in config.namespace(namespace).keys() {
        if !known.contains(key) {
            let nearest = known
                .iter()
                .min_by_key(|k| edit_distance(k, key))
                .copied()
                .unwrap_or_default();
            problems.add(
                &format!("{namespace}:{key}"),
                "(set)",
                format!(
                    "unknown config key; did you mean `{namespace}:{nearest}`? Known keys: {}",
                    known.join(", ")
                ),
            );
        }
    }
}

/// Reads section `key` of `namespace` as `T`: its default when unset, `None` (with problems
/// recorded) when it does not fit.
pub fn section<T: DeserializeOwned + Default>(
    config: &Config,
    namespace: &str,
    key: &str,
    problems: &mut Problems,
) -> Option<T> {
    match config.get(&format!("{namespace}:{key}")) {
        None => Some(T::default()),
        Some(value) => parse(&value.text, &format!("{namespace}:{key}"), problems),
    }
}

/// Reads required section `key`; unset is a problem that says what to set.
pub fn required_section<T: DeserializeOwned>(
    config: &Config,
    namespace: &str,
    key: &str,
    hint: &str,
    problems: &mut Problems,
) -> Option<T> {
    let full = format!("{namespace}:{key}");
    match config.get(&full) {
        None => {
            problems.add(&full, "(unset)", format!("this key is required: {hint}"));
            None
        }
        Some(value) => parse(&value.text, &full, problems),
    }
}

fn parse<T: DeserializeOwned>(text: &str, key: &str, problems: &mut Problems) -> Option<T> {
    // Structured values arrive as JSON text; a plain string value is taken as a JSON string.
    let json: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()));
    match serde_path_to_error::deserialize::<_, T>(json) {
        Ok(value) => Some(value),
        Err(error) => {
            let path = error.path().to_string();
            let field = if path == "." {
                key.to_owned()
            } else {
                format!("{key}.{path}")
            };
            problems.add(&field, "(as written)", error.into_inner().to_string());
            None
        }
    }
}

/// Levenshtein distance, for "did you mean" hints.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(row[j + 1])
            };
            previous = current;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{BTreeMap, BTreeSet};

    #[derive(Debug, Default, serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Section {
        #[serde(default)]
        node_count: u32,
    }

    fn config(pairs: &[(&str, &str)]) -> Config {
        let values: BTreeMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::new("p", &values, &BTreeSet::new())
    }

    #[test]
    fn unknown_keys_get_the_nearest_known_one() {
        let mut problems = Problems::new("");
        check_known_keys(
            &config(&[("p:netwrk", "{}")]),
            "p",
            &["network", "eks"],
            &mut problems,
        );
        assert_eq!(problems.list()[0].key, "p:netwrk");
        assert!(problems.list()[0].fix.contains("did you mean `p:network`"));
    }

    #[test]
    fn errors_name_the_nested_path() {
        let mut problems = Problems::new("");
        let parsed: Option<Section> = section(
            &config(&[("p:s", r#"{"nodeCount": "three"}"#)]),
            "p",
            "s",
            &mut problems,
        );
        assert!(parsed.is_none());
        assert_eq!(problems.list()[0].key, "p:s.nodeCount");
        assert!(
            problems.list()[0].fix.contains("invalid type"),
            "{}",
            problems.list()[0].fix
        );
        let mut problems = Problems::new("");
        let _: Option<Section> = section(
            &config(&[("p:s", r#"{"nodeCont": 3}"#)]),
            "p",
            "s",
            &mut problems,
        );
        assert!(problems.list()[0].fix.contains("unknown field `nodeCont`"));
    }

    #[test]
    fn unset_sections_default_and_required_ones_are_named() {
        let mut problems = Problems::new("");
        let parsed: Option<Section> = section(&config(&[]), "p", "s", &mut problems);
        assert_eq!(parsed.unwrap().node_count, 0);
        let missing: Option<Section> = required_section(
            &config(&[]),
            "p",
            "load",
            "set the load figures",
            &mut problems,
        );
        assert!(missing.is_none());
        assert_eq!(problems.list()[0].key, "p:load");
    }
}
