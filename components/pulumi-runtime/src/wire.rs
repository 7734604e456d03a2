//! Pulumi's wire encoding of property values: JSON-like `google.protobuf.Struct`s in which an
//! unknown value is a sentinel string and a secret is an object tagged with a signature key.

use std::collections::{BTreeMap, BTreeSet};

use prost_types::value::Kind;
use serde_json::{Map, Value};

use crate::Urn;
use crate::output::{OutputError, PLACEHOLDER_PREFIX, Resolved};

/// The string that stands for an unknown value during a preview.
pub const UNKNOWN: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/// The key that marks an object as a special value (secret, asset, resource reference).
pub const SIGNATURE_KEY: &str = "4dabf18193072939515e22adb298388d";
/// The signature of a secret value.
pub const SECRET_SIGNATURE: &str = "1b47061264138c4ac30d75fd1eb44270";
/// The signature of a resource reference (`urn`, `id`, `packageVersion`).
pub const RESOURCE_SIGNATURE: &str = "5cf8f73096256a8f31e491e813e4eb8e";

/// Wraps a value as a secret on the wire.
pub fn secret(value: Value) -> Value {
    serde_json::json!({ SIGNATURE_KEY: SECRET_SIGNATURE, "value": value })
}

/// JSON to a protobuf value (numbers become doubles, as on the wire).
pub fn to_protobuf(value: &Value) -> prost_types::Value {
    let kind = match value {
        Value::Null => Kind::NullValue(0),
        Value::Bool(b) => Kind::BoolValue(*b),
        Value::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or_default()),
        Value::String(s) => Kind::StringValue(s.clone()),
        Value::Array(items) => Kind::ListValue(prost_types::ListValue {
            values: items.iter().map(to_protobuf).collect(),
        }),
        Value::Object(map) => Kind::StructValue(to_struct(map)),
    };
    prost_types::Value { kind: Some(kind) }
}

/// A JSON object to a protobuf struct.
pub fn to_struct(map: &Map<String, Value>) -> prost_types::Struct {
    prost_types::Struct {
        fields: map
            .iter()
            .map(|(k, v)| (k.clone(), to_protobuf(v)))
            .collect(),
    }
}

/// A protobuf value to JSON; whole doubles become integers so they read back as integers.
pub fn from_protobuf(value: &prost_types::Value) -> Value {
    match &value.kind {
        None | Some(Kind::NullValue(_)) => Value::Null,
        Some(Kind::BoolValue(b)) => Value::Bool(*b),
        Some(Kind::NumberValue(n)) => {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                Value::from(*n as i64)
            } else {
                serde_json::Number::from_f64(*n).map_or(Value::Null, Value::Number)
            }
        }
        Some(Kind::StringValue(s)) => Value::String(s.clone()),
        Some(Kind::ListValue(list)) => {
            Value::Array(list.values.iter().map(from_protobuf).collect())
        }
        Some(Kind::StructValue(s)) => Value::Object(from_struct(s)),
    }
}

/// A protobuf struct to a JSON object.
pub fn from_struct(s: &prost_types::Struct) -> Map<String, Value> {
    s.fields
        .iter()
        .map(|(k, v)| (k.clone(), from_protobuf(v)))
        .collect()
}

/// A wire value read back as a plain value: `None` when any part of it is unknown, and
/// whether any part of it was secret. A resource reference reads as its URN.
pub fn decode(value: &Value) -> (Option<Value>, bool) {
    let mut secret = false;
    let plain = strip(value, &mut secret);
    (plain, secret)
}

fn strip(value: &Value, secret: &mut bool) -> Option<Value> {
    match value {
        Value::String(s) if s == UNKNOWN => None,
        Value::Array(items) => items
            .iter()
            .map(|v| strip(v, secret))
            .collect::<Option<_>>()
            .map(Value::Array),
        Value::Object(map) => {
            if map.get(SIGNATURE_KEY).and_then(Value::as_str) == Some(SECRET_SIGNATURE) {
                *secret = true;
                return strip(map.get("value").unwrap_or(&Value::Null), secret);
            }
            if map.get(SIGNATURE_KEY).and_then(Value::as_str) == Some(RESOURCE_SIGNATURE) {
                return strip(map.get("urn").unwrap_or(&Value::Null), secret);
            }
            map.iter()
                .map(|(k, v)| strip(v, secret).map(|v| (k.clone(), v)))
                .collect::<Option<Map<_, _>>>()
                .map(Value::Object)
        }
        other => Some(other.clone()),
    }
}

/// Resource inputs with every output resolved into its wire form.
#[derive(Debug, Clone, Default)]
pub struct WireInputs {
    /// The properties, with unknowns and secrets encoded for the wire.
    pub properties: Map<String, Value>,
    /// For each top-level property, the resources its value came from.
    pub property_deps: BTreeMap<String, BTreeSet<Urn>>,
    /// The resources any property came from.
    pub deps: BTreeSet<Urn>,
}

/// Replaces the placeholders that [`crate::output::serialize_collecting`] left in `tree` by
/// the resolved outputs, tracking which top-level property depends on which resources.
pub fn substitute(
    tree: Map<String, Value>,
    resolved: &[Resolved<Value>],
) -> Result<WireInputs, OutputError> {
    let mut inputs = WireInputs::default();
    for (key, value) in tree {
        let mut deps = BTreeSet::new();
        let value = replace(value, resolved, &mut deps)?;
        inputs.deps.extend(deps.iter().cloned());
        if !deps.is_empty() {
            inputs.property_deps.insert(key.clone(), deps);
        }
        inputs.properties.insert(key, value);
    }
    Ok(inputs)
}

fn replace(
    value: Value,
    resolved: &[Resolved<Value>],
    deps: &mut BTreeSet<Urn>,
) -> Result<Value, OutputError> {
    Ok(match value {
        Value::String(s) => match s.strip_prefix(PLACEHOLDER_PREFIX) {
            Some(index) => {
                let item = index
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| resolved.get(i))
                    .ok_or_else(|| {
                        OutputError::new(format!("dangling output placeholder {s:?}"))
                    })?;
                deps.extend(item.deps.iter().cloned());
                let plain = item.value.clone().unwrap_or_else(|| Value::from(UNKNOWN));
                if item.secret { secret(plain) } else { plain }
            }
            None => Value::String(s),
        },
        Value::Array(items) => Value::Array(
            items
                .into_iter()
                .map(|v| replace(v, resolved, deps))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| replace(v, resolved, deps).map(|v| (k, v)))
                .collect::<Result<_, _>>()?,
        ),
        other => other,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn protobuf_round_trip_keeps_integers_and_nesting() {
        let value = json!({"a": 1, "b": 1.5, "c": [true, null, "x"], "d": {"e": -3}});
        let back = from_struct(&to_struct(value.as_object().unwrap()));
        assert_eq!(Value::Object(back), value);
    }

    #[test]
    fn decode_finds_nested_secrets_and_unknowns() {
        assert_eq!(
            decode(&json!({"a": secret(json!("pw"))})),
            (Some(json!({"a": "pw"})), true)
        );
        assert_eq!(decode(&json!(["x", UNKNOWN])), (None, false));
        assert_eq!(decode(&json!({"a": 1})), (Some(json!({"a": 1})), false));
    }
}
