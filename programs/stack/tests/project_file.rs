//! `Pulumi.yaml` declares every config key the program reads, with its type, so the CLI
//! validates shapes and secrecy before the program runs.

use std::collections::BTreeMap;

use heartbeat_stack::config::KNOWN_KEYS;

/// Keys read when set and not declared (a declared key without a default is required).
const OPTIONAL_SECRETS: &[&str] = &["ingestApiKeys", "cloudflareApiToken"];
/// Keys that must be declared `secret: true`.
const SECRETS: &[&str] = &["databasePassword", "databaseAdminPassword"];

/// The `config:` block of Pulumi.yaml: key to its `field: value` lines (two-level YAML only).
fn declared() -> BTreeMap<String, BTreeMap<String, String>> {
    let text =
        std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/../../Pulumi.yaml")).unwrap();
    let mut keys: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    let mut current = None;
    let block = text.split("\nconfig:\n").nth(1).expect("a config: block");
    for line in block
        .lines()
        .take_while(|l| l.is_empty() || l.starts_with(' ') || l.starts_with('#'))
    {
        if let Some(key) = line.strip_prefix("  heartbeat-platform:") {
            let key = key.trim_end_matches(':').to_owned();
            keys.entry(key.clone()).or_default();
            current = Some(key);
        } else if let (Some(key), Some(field)) = (&current, line.strip_prefix("    "))
            && let Some((name, value)) = field.split_once(": ")
        {
            keys.get_mut(key)
                .unwrap()
                .insert(name.to_owned(), value.trim().to_owned());
        }
    }
    keys
}

#[test]
fn every_key_is_declared_with_a_type_and_secrets_are_secret() {
    let declared = declared();
    for key in KNOWN_KEYS {
        if OPTIONAL_SECRETS.contains(key) {
            assert!(
                !declared.contains_key(*key),
                "{key} is optional: declaring it makes it required"
            );
            continue;
        }
        let fields = declared
            .get(*key)
            .unwrap_or_else(|| panic!("heartbeat-platform:{key} is not declared in Pulumi.yaml"));
        let kind = fields.get("type").map(String::as_str);
        assert!(
            matches!(
                kind,
                Some("object" | "string" | "integer" | "boolean" | "array")
            ),
            "{key}: type {kind:?}"
        );
        assert_eq!(
            fields.get("secret").map(String::as_str),
            SECRETS.contains(key).then_some("true"),
            "{key}: secret"
        );
    }
    for key in declared.keys() {
        assert!(
            KNOWN_KEYS.contains(&key.as_str()),
            "{key} is declared but the program does not read it"
        );
    }
}
