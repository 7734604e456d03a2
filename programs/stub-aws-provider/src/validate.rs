//! Checks inputs against the pulumi-aws SDK's property names and types.

use serde_json::{Map, Value as Json};

use crate::convert::UNKNOWN;
use crate::schema::{PropType, Properties, Schema};

/// The prefix of the tokens under which a schema holds a provider's own configuration.
const PROVIDER_TOKEN_PREFIX: &str = "pulumi:providers:";

/// Properties the engine itself adds to provider inputs.
const ENGINE_PROVIDER_PROPERTIES: &[&str] = &["version", "pluginDownloadURL"];

/// One rejected property.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    /// Dotted path of the property, e.g. `vpcConfig.subnetIds[0]`.
    pub property: String,
    /// What is wrong and how to fix it.
    pub reason: String,
}

/// How strictly scalar types are checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Resource inputs: values must have the SDK's type.
    Strict,
    /// Provider configuration: stack config arrives as strings, so a string holding a value
    /// of the expected type (e.g. `"true"`) is accepted.
    Config,
}

/// Levenshtein distance between two names, compared case-insensitively.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = (previous + usize::from(ca != cb))
                .min(row[j] + 1)
                .min(current + 1);
            previous = current;
        }
    }
    row[b.len()]
}

/// The candidate closest to `name` by edit distance (first in order on ties).
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    candidates
        .into_iter()
        .min_by_key(|candidate| edit_distance(name, candidate))
}

/// Checks a resource's (or, with [`Schema::provider_token`], the provider's) inputs.
pub fn check(schema: &Schema, token: &str, inputs: &Map<String, Json>, mode: Mode) -> Vec<Failure> {
    let Some(resource) = schema.resources.get(token) else {
        let near = nearest(token, schema.resources.keys().map(String::as_str)).unwrap_or("");
        return vec![Failure {
            property: String::new(),
            reason: format!(
                "resource type `{token}` does not exist in pulumi-aws {}; nearest valid type: `{near}`",
                schema.version
            ),
        }];
    };
    let checker = Checker {
        schema,
        token,
        mode,
    };
    let mut failures = Vec::new();
    for (name, value) in inputs {
        let engine_added = name.starts_with("__")
            || (token.starts_with(PROVIDER_TOKEN_PREFIX)
                && ENGINE_PROVIDER_PROPERTIES.contains(&name.as_str()));
        if !engine_added {
            checker.field(&resource.inputs, token, name, name, value, &mut failures);
        }
    }
    failures
}

struct Checker<'a> {
    schema: &'a Schema,
    token: &'a str,
    mode: Mode,
}

impl Checker<'_> {
    /// Checks `name: value` against the fields of `owner` (a resource or nested type).
    fn field(
        &self,
        fields: &Properties,
        owner: &str,
        name: &str,
        path: &str,
        value: &Json,
        out: &mut Vec<Failure>,
    ) {
        match fields.get(name) {
            Some(ty) => match PropType::parse(ty) {
                Ok(ty) => self.value(&ty, path, value, out),
                Err(error) => out.push(self.failure(path, format!("{error:#}"))),
            },
            None => {
                let near = nearest(name, fields.keys().map(String::as_str)).map_or_else(
                    || "it has no input properties".to_owned(),
                    |n| format!("nearest valid name: `{n}`"),
                );
                out.push(self.failure(
                    path,
                    format!(
                        "`{name}` is not a property of {owner} in the pulumi-aws {} SDK; {near}",
                        self.schema.version
                    ),
                ));
            }
        }
    }

    fn value(&self, ty: &PropType, path: &str, value: &Json, out: &mut Vec<Failure>) {
        if value.is_null() || value.as_str() == Some(UNKNOWN) || *ty == PropType::Any {
            return;
        }
        if self.mode == Mode::Config
            && *ty != PropType::String
            && let Some(text) = value.as_str()
        {
            let parsed =
                serde_json::from_str::<Json>(text).unwrap_or(Json::String(text.to_owned()));
            if !parsed.is_string() {
                return self.value(ty, path, &parsed, out);
            }
        }
        let matches = match (ty, value) {
            (PropType::String, Json::String(_)) | (PropType::Boolean, Json::Bool(_)) => true,
            (PropType::Number, Json::Number(_)) => true,
            (PropType::Integer, Json::Number(n)) => n.as_f64().is_some_and(|f| f.fract() == 0.0),
            (PropType::Asset | PropType::Archive, Json::Object(_)) => true,
            (PropType::Array(inner), Json::Array(items)) => {
                for (i, item) in items.iter().enumerate() {
                    self.value(inner, &format!("{path}[{i}]"), item, out);
                }
                true
            }
            (PropType::Map(inner), Json::Object(map)) => {
                for (key, item) in map {
                    self.value(inner, &format!("{path}.{key}"), item, out);
                }
                true
            }
            (PropType::Ref(name), Json::Object(map)) => {
                match self.schema.types.get(name) {
                    Some(fields) => {
                        for (key, item) in map {
                            self.field(fields, name, key, &format!("{path}.{key}"), item, out);
                        }
                    }
                    None => out.push(
                        self.failure(path, format!("type {name} is missing from the aws schema")),
                    ),
                }
                true
            }
            _ => false,
        };
        if !matches {
            out.push(self.failure(
                path,
                format!(
                    "`{path}` must be {} (pulumi-aws {} SDK), got {}",
                    ty.describe(),
                    self.schema.version,
                    kind(value)
                ),
            ));
        }
    }

    fn failure(&self, path: &str, reason: String) -> Failure {
        Failure {
            property: path.to_owned(),
            reason: format!("{}: {reason}", self.token),
        }
    }
}

fn kind(value: &Json) -> String {
    match value {
        Json::Null => "null".into(),
        Json::Bool(b) => format!("the boolean {b}"),
        Json::Number(n) => format!("the number {n}"),
        Json::String(s) => format!("the string {s:?}"),
        Json::Array(_) => "a list".into(),
        Json::Object(_) => "an object".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn schema() -> Schema {
        Schema::from_json(
            &json!({
                "version": "7.0.0",
                "resources": {
                    "aws:ec2/vpc:Vpc": {"inputs": {"cidrBlock": "string", "enableDnsHostnames": "boolean",
                                                    "tags": "map<string>"}, "state": {}},
                    "aws:eks/cluster:Cluster": {"inputs": {"vpcConfig": "ref:eks.ClusterVpcConfig"}, "state": {}},
                    "pulumi:providers:aws": {"inputs": {"region": "string", "maxRetries": "integer"}, "state": {}}
                },
                "types": {"eks.ClusterVpcConfig": {"subnetIds": "array<string>"}}
            })
            .to_string(),
        )
        .unwrap()
    }

    fn inputs(value: Json) -> Map<String, Json> {
        value.as_object().unwrap().clone()
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("cidrBlok", "cidrBlock"), 1);
        assert_eq!(edit_distance("abc", "abc"), 0);
        assert_eq!(edit_distance("", "ab"), 2);
    }

    #[test]
    fn misspelled_nested_field_names_path_and_nearest() {
        let failures = check(
            &schema(),
            "aws:eks/cluster:Cluster",
            &inputs(json!({"vpcConfig": {"subnetIdz": ["a"]}})),
            Mode::Strict,
        );
        assert_eq!(failures.len(), 1);
        assert_eq!(failures[0].property, "vpcConfig.subnetIdz");
        assert!(
            failures[0]
                .reason
                .contains("nearest valid name: `subnetIds`"),
            "{}",
            failures[0].reason
        );
    }

    #[test]
    fn wrong_element_type_is_rejected_with_its_index() {
        let failures = check(
            &schema(),
            "aws:eks/cluster:Cluster",
            &inputs(json!({"vpcConfig": {"subnetIds": ["a", 3]}})),
            Mode::Strict,
        );
        assert_eq!(failures[0].property, "vpcConfig.subnetIds[1]");
        assert!(
            failures[0].reason.contains("must be a string"),
            "{}",
            failures[0].reason
        );
    }

    #[test]
    fn unknowns_nulls_and_engine_keys_pass() {
        let failures = check(
            &schema(),
            "aws:ec2/vpc:Vpc",
            &inputs(json!({"cidrBlock": UNKNOWN, "enableDnsHostnames": null, "__defaults": []})),
            Mode::Strict,
        );
        assert!(failures.is_empty(), "{failures:?}");
    }

    #[test]
    fn provider_config_accepts_stringly_values_but_not_wrong_ones() {
        let schema = schema();
        let ok = inputs(json!({"region": "eu-west-1", "maxRetries": "5", "version": "7.0.0"}));
        assert!(check(&schema, &schema.provider_token(), &ok, Mode::Config).is_empty());
        let bad = inputs(json!({"maxRetries": "five"}));
        assert_eq!(
            check(&schema, &schema.provider_token(), &bad, Mode::Config).len(),
            1
        );
    }

    #[test]
    fn unknown_resource_type_names_the_nearest() {
        let failures = check(&schema(), "aws:ec2/vpc:Vcp", &Map::new(), Mode::Strict);
        assert!(
            failures[0].reason.contains("`aws:ec2/vpc:Vpc`"),
            "{}",
            failures[0].reason
        );
    }
}
