//! Conversion between protobuf `Struct` values (the engine's wire form) and JSON.

use prost_types::value::Kind;
use prost_types::{ListValue, Struct, Value};
use serde_json::{Map, Number, Value as Json};

/// The engine's marker for a value not known until apply.
pub const UNKNOWN: &str = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/// Converts a protobuf value to JSON (non-finite numbers become null).
pub fn to_json(value: &Value) -> Json {
    match &value.kind {
        None | Some(Kind::NullValue(_)) => Json::Null,
        Some(Kind::BoolValue(b)) => Json::Bool(*b),
        Some(Kind::NumberValue(n)) => Number::from_f64(*n).map_or(Json::Null, Json::Number),
        Some(Kind::StringValue(s)) => Json::String(s.clone()),
        Some(Kind::ListValue(list)) => Json::Array(list.values.iter().map(to_json).collect()),
        Some(Kind::StructValue(s)) => Json::Object(struct_to_map(s)),
    }
}

/// Converts a protobuf struct (absent means empty) to a JSON object.
pub fn struct_to_map(value: &Struct) -> Map<String, Json> {
    value
        .fields
        .iter()
        .map(|(k, v)| (k.clone(), to_json(v)))
        .collect()
}

/// Converts an optional protobuf struct to a JSON object.
pub fn opt_struct_to_map(value: Option<&Struct>) -> Map<String, Json> {
    value.map(struct_to_map).unwrap_or_default()
}

/// Converts JSON to a protobuf value.
pub fn from_json(value: &Json) -> Value {
    let kind = match value {
        Json::Null => Kind::NullValue(0),
        Json::Bool(b) => Kind::BoolValue(*b),
        Json::Number(n) => Kind::NumberValue(n.as_f64().unwrap_or_default()),
        Json::String(s) => Kind::StringValue(s.clone()),
        Json::Array(items) => Kind::ListValue(ListValue {
            values: items.iter().map(from_json).collect(),
        }),
        Json::Object(map) => Kind::StructValue(map_to_struct(map)),
    };
    Value { kind: Some(kind) }
}

/// Converts a JSON object to a protobuf struct.
pub fn map_to_struct(map: &Map<String, Json>) -> Struct {
    Struct {
        fields: map.iter().map(|(k, v)| (k.clone(), from_json(v))).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn json_round_trips_through_struct() {
        let value = json!({"a": [1.0, "x", true, null], "b": {"c": 2.5}});
        let map = value.as_object().unwrap();
        assert_eq!(Json::Object(struct_to_map(&map_to_struct(map))), value);
    }
}
