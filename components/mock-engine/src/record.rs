//! What the mock engine recorded.

use std::collections::{BTreeMap, BTreeSet};

use pulumi_runtime::wire;
use serde_json::{Map, Value};

/// One `RegisterResource` call and the engine's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Registration {
    /// The URN the mock assigned.
    pub urn: String,
    /// The id the mock assigned (empty for components, and during a preview).
    pub id: String,
    /// The type token.
    pub type_token: String,
    /// The logical name.
    pub name: String,
    /// True for provider-managed resources, false for components.
    pub custom: bool,
    /// The parent's URN (empty only for the stack).
    pub parent: String,
    /// The URNs the resource depends on.
    pub dependencies: BTreeSet<String>,
    /// The URNs each input property depends on.
    pub property_dependencies: BTreeMap<String, BTreeSet<String>>,
    /// The explicit provider reference (`urn::id`), if any.
    pub provider: String,
    /// True for a component that a provider constructs (a multi-language component).
    pub remote: bool,
    /// The providers handed to a remote component, by package.
    pub providers: BTreeMap<String, String>,
    /// The inputs in wire form (secrets wrapped, unknowns as the sentinel).
    pub inputs: Map<String, Value>,
    /// The `protect` option.
    pub protect: bool,
    /// The `ignore_changes` option.
    pub ignore_changes: Vec<String>,
    /// The `delete_before_replace` option.
    pub delete_before_replace: bool,
    /// The `additional_secret_outputs` option.
    pub additional_secret_outputs: Vec<String>,
    /// The number of aliases given.
    pub aliases: usize,
    /// The `version` option.
    pub version: String,
    /// Outputs recorded later by `RegisterResourceOutputs` (components and the stack).
    pub registered_outputs: Option<Map<String, Value>>,
}

impl Registration {
    /// The input at a `/`-separated path (`tags/Name`, `vpcConfig/subnetIds/0`) in wire form.
    pub fn wire_input(&self, path: &str) -> Option<&Value> {
        let mut parts = path.split('/');
        let mut value = self.inputs.get(parts.next()?)?;
        for part in parts {
            value = match value {
                Value::Object(map) => map.get(part)?,
                Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
                _ => return None,
            };
        }
        Some(value)
    }

    /// The input at `path` with secret markers removed; `None` if absent or unknown.
    pub fn input(&self, path: &str) -> Option<Value> {
        self.wire_input(path).and_then(|v| wire::decode(v).0)
    }

    /// Whether the input at `path` is, or contains, a secret.
    pub fn input_is_secret(&self, path: &str) -> bool {
        self.wire_input(path).is_some_and(|v| wire::decode(v).1)
    }

    /// Whether the input at `path` is, or contains, an unknown value.
    pub fn input_is_unknown(&self, path: &str) -> bool {
        self.wire_input(path)
            .is_some_and(|v| wire::decode(v).0.is_none())
    }

    /// The input at `path` as a string, if it is one.
    pub fn input_str(&self, path: &str) -> Option<String> {
        self.input(path).and_then(|v| v.as_str().map(str::to_owned))
    }
}

/// One message the program logged to the engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogEntry {
    /// The severity as the protocol numbers it (0 debug .. 3 error).
    pub severity: i32,
    /// The text.
    pub message: String,
}
