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

/// How many problems one section may report before reading it stops (a guard against loops).
const MAX_SECTION_PROBLEMS: usize = 64;

/// Deserialises `text` as `T`, reporting every problem of the section, not just the first:
/// an unknown field is reported and dropped (the rest still reads, so its rules can run); a
/// value of the wrong type or range is reported and dropped, and the section as a whole is then
/// `None`, after the remaining fields have been read for problems of their own.
fn parse<T: DeserializeOwned>(text: &str, key: &str, problems: &mut Problems) -> Option<T> {
    // Structured values arrive as JSON text; a plain string value is taken as a JSON string.
    let mut json: serde_json::Value =
        serde_json::from_str(text).unwrap_or_else(|_| serde_json::Value::String(text.to_owned()));
    let mut dropped_values: Vec<String> = Vec::new();
    for _ in 0..MAX_SECTION_PROBLEMS {
        let error = match serde_path_to_error::deserialize::<_, T>(&json) {
            Ok(value) => return dropped_values.is_empty().then_some(value),
            Err(error) => error,
        };
        let path = error.path().clone();
        let message = error.into_inner().to_string();
        let at = |field: &str| match (path.to_string().as_str(), field) {
            (".", "") => key.to_owned(),
            (".", field) => format!("{key}.{field}"),
            (holder, "") => format!("{key}.{holder}"),
            (holder, field) => format!("{key}.{holder}.{field}"),
        };
        if let Some(missing) = quoted_after(&message, "missing field `") {
            // A field this loop dropped for a bad value is "missing" now: already reported.
            let full = at(missing);
            if !dropped_values.contains(&full) {
                problems.add(
                    &full,
                    "(unset)",
                    format!("this field is required ({message})"),
                );
            }
            return None;
        }
        let full = at("");
        let unknown = message.starts_with("unknown field `");
        problems.add(&full, "(as written)", message);
        if !unknown {
            dropped_values.push(full);
        }
        if !drop_value(&mut json, &path) {
            return None;
        }
    }
    None
}

/// The text between `prefix` and the next backtick in `message`.
fn quoted_after<'m>(message: &'m str, prefix: &str) -> Option<&'m str> {
    let rest = message.strip_prefix(prefix)?;
    rest.split_once('`').map(|(name, _)| name)
}

/// Removes the object member at `path` from `json`; false when the path is the whole value or
/// ends in an array element (removing it would renumber the elements after it).
fn drop_value(json: &mut serde_json::Value, path: &serde_path_to_error::Path) -> bool {
    use serde_path_to_error::Segment;
    let segments: Vec<&Segment> = path.iter().collect();
    let Some((Segment::Map { key: last }, parents)) = segments.split_last() else {
        return false;
    };
    let mut holder = json;
    for segment in parents {
        let next = match segment {
            Segment::Map { key } => holder.get_mut(key.as_str()),
            Segment::Seq { index } => holder.get_mut(*index),
            _ => None,
        };
        let Some(next) = next else { return false };
        holder = next;
    }
    holder
        .as_object_mut()
        .is_some_and(|members| members.remove(last.as_str()).is_some())
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

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields, rename_all = "camelCase")]
    struct Nested {
        name: String,
        #[serde(default)]
        inner: Section,
        #[serde(default)]
        zones: Vec<String>,
    }

    fn problems_of<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> (Option<T>, Vec<String>) {
        let mut problems = Problems::new("");
        let parsed = parse::<T>(json, "p:s", &mut problems);
        let keys = problems.list().iter().map(|p| p.key.clone()).collect();
        (parsed, keys)
    }

    #[test]
    fn every_problem_of_a_section_is_reported_not_only_the_first() {
        let (parsed, keys) = problems_of::<Nested>(
            r#"{"name": 3, "colour": "red", "inner": {"nodeCount": -1, "nodeCont": 2}}"#,
        );
        assert!(parsed.is_none(), "a bad value leaves the section unusable");
        let mut sorted = keys.clone();
        sorted.sort();
        assert_eq!(
            sorted,
            [
                "p:s.colour",
                "p:s.inner.nodeCont",
                "p:s.inner.nodeCount",
                "p:s.name"
            ],
            "each problem once, and no spurious `missing field name`: {keys:?}"
        );
    }

    #[test]
    fn unknown_fields_alone_leave_the_section_readable() {
        let (parsed, keys) = problems_of::<Nested>(r#"{"name": "a", "replicas": 3}"#);
        assert_eq!(keys, ["p:s.replicas"]);
        let parsed = parsed.unwrap();
        assert_eq!(parsed.name, "a", "the rest is read, so its rules can run");
        assert_eq!((parsed.inner.node_count, parsed.zones.len()), (0, 0));
    }

    #[test]
    fn a_missing_required_field_is_named_and_a_bad_element_stops_at_its_index() {
        let (_, keys) = problems_of::<Nested>(r#"{"inner": {}}"#);
        assert_eq!(keys, ["p:s.name"]);
        let (_, keys) = problems_of::<Nested>(r#"{"name": "a", "zones": ["x", 3, 4]}"#);
        assert_eq!(keys, ["p:s.zones[1]"]);
        let (_, keys) = problems_of::<Nested>(r#""just text""#);
        assert_eq!(keys, ["p:s"]);
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
