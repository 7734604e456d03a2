//! Queries over recorded registrations, for test assertions.

use pulumi_runtime::wire;
use serde_json::Value;

use crate::Registration;

/// Every registration of type `token`, in registration order.
pub fn of_type<'a>(registrations: &'a [Registration], token: &str) -> Vec<&'a Registration> {
    registrations
        .iter()
        .filter(|r| r.type_token == token)
        .collect()
}

/// The one registration of type `token`; panics unless there is exactly one.
pub fn one<'a>(registrations: &'a [Registration], token: &str) -> &'a Registration {
    let found = of_type(registrations, token);
    assert_eq!(
        found.len(),
        1,
        "expected one {token}, found {}",
        found.len()
    );
    found[0]
}

/// The one Kubernetes object of type `token` whose `metadata.name` is `name`; panics unless
/// there is exactly one.
pub fn named<'a>(registrations: &'a [Registration], token: &str, name: &str) -> &'a Registration {
    let found: Vec<_> = of_type(registrations, token)
        .into_iter()
        .filter(|r| r.input_str("metadata/name").as_deref() == Some(name))
        .collect();
    assert_eq!(found.len(), 1, "{token} {name}: {} found", found.len());
    found[0]
}

/// Every string in a wire value that is not inside a secret wrapper: what would show in
/// plain text in the state and the logs.
pub fn plain_strings(value: &Value) -> Vec<&str> {
    let mut found = Vec::new();
    collect_plain(value, &mut found);
    found
}

fn collect_plain<'a>(value: &'a Value, found: &mut Vec<&'a str>) {
    match value {
        Value::String(text) => found.push(text),
        Value::Array(items) => items.iter().for_each(|v| collect_plain(v, found)),
        Value::Object(map)
            if map.get(wire::SIGNATURE_KEY).and_then(Value::as_str)
                != Some(wire::SECRET_SIGNATURE) =>
        {
            map.values().for_each(|v| collect_plain(v, found));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_not_plain() {
        let value = json!({"a": "x", "b": [wire::secret(json!("pw")), "y"]});
        assert_eq!(plain_strings(&value), ["x", "y"]);
    }
}
