//! The secret config keys IngestService takes, read as secret outputs and refused in plain
//! text.

use platform_core::stack_config::NAMESPACE;
use platform_core::{ConfigError, Problems};
use pulumi_runtime::{Config, Output};

use crate::config::IngestConfig;

/// Secret config key: the device API keys file (`<client_id> <secret> [revoked]` lines).
pub const API_KEYS_KEY: &str = "ingestApiKeys";
/// Secret config key: the Cloudflare API token (DNS edit on the zone).
pub const CLOUDFLARE_TOKEN_KEY: &str = "cloudflareApiToken";

/// The secrets IngestService takes from the stack configuration.
#[derive(Debug, Clone, Default)]
pub struct IngestSecrets {
    /// The API keys file; unset means the Secret `ingest.apiKeysSecret` is managed by hand.
    pub api_keys: Option<Output<String>>,
    /// The Cloudflare API token; set exactly when `ingest.cloudflare` is.
    pub cloudflare_api_token: Option<Output<String>>,
}

impl IngestSecrets {
    /// Reads both keys; every problem (plain text, a token without a zone or the reverse) is
    /// reported at once, naming the key and the fix.
    pub fn from_config(config: &Config, ingest: &IngestConfig) -> Result<Self, ConfigError> {
        let mut problems = Problems::new("");
        let mut secret = |key: &str, what: &str| {
            let full = format!("{NAMESPACE}:{key}");
            let value = config.get(&full)?;
            if !value.secret {
                problems.add(
                    &full,
                    "(plain text)",
                    format!("store {what} as a secret: pulumi config set --secret {key} <value>"),
                );
            }
            Some(Output::secret(value.text.clone()))
        };
        let api_keys = secret(API_KEYS_KEY, "the API keys file");
        let cloudflare_api_token = secret(CLOUDFLARE_TOKEN_KEY, "the Cloudflare API token");
        match (&ingest.cloudflare, &cloudflare_api_token) {
            (Some(_), None) => problems.add(
                &format!("{NAMESPACE}:{CLOUDFLARE_TOKEN_KEY}"),
                "(unset)",
                format!(
                    "ingest.cloudflare is set: pulumi config set --secret {CLOUDFLARE_TOKEN_KEY} <token with DNS edit on the zone>"
                ),
            ),
            (None, Some(_)) => problems.add(
                &format!("{NAMESPACE}:{CLOUDFLARE_TOKEN_KEY}"),
                "(set)",
                "unused without ingest.cloudflare: set ingest.cloudflare.zoneId or remove the token",
            ),
            _ => {}
        }
        problems.into_result()?;
        Ok(Self {
            api_keys,
            cloudflare_api_token,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::CloudflareConfig;
    use std::collections::{BTreeMap, BTreeSet};

    fn config(values: &[(&str, &str, bool)]) -> Config {
        let map: BTreeMap<String, String> = values
            .iter()
            .map(|(k, v, _)| (format!("{NAMESPACE}:{k}"), v.to_string()))
            .collect();
        let secret: BTreeSet<String> = values
            .iter()
            .filter(|(_, _, s)| *s)
            .map(|(k, _, _)| format!("{NAMESPACE}:{k}"))
            .collect();
        Config::new(NAMESPACE, &map, &secret)
    }

    fn with_cloudflare() -> IngestConfig {
        IngestConfig {
            cloudflare: Some(CloudflareConfig {
                zone_id: "0".repeat(32),
                proxied: false,
            }),
            ..IngestConfig::default()
        }
    }

    #[test]
    fn plain_text_secrets_are_refused() {
        let error = IngestSecrets::from_config(
            &config(&[
                (API_KEYS_KEY, "device-1 0123", false),
                (CLOUDFLARE_TOKEN_KEY, "token", false),
            ]),
            &with_cloudflare(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            error.contains("heartbeat-platform:ingestApiKeys = (plain text)"),
            "{error}"
        );
        assert!(
            error.contains("heartbeat-platform:cloudflareApiToken = (plain text)"),
            "{error}"
        );
    }

    #[test]
    fn the_token_and_the_zone_go_together() {
        let missing = IngestSecrets::from_config(&config(&[]), &with_cloudflare()).unwrap_err();
        assert!(missing.to_string().contains("cloudflareApiToken = (unset)"));
        let unused = IngestSecrets::from_config(
            &config(&[(CLOUDFLARE_TOKEN_KEY, "token", true)]),
            &IngestConfig::default(),
        )
        .unwrap_err();
        assert!(
            unused
                .to_string()
                .contains("unused without ingest.cloudflare")
        );
    }

    #[test]
    fn nothing_set_is_fine() {
        let secrets = IngestSecrets::from_config(&config(&[]), &IngestConfig::default()).unwrap();
        assert!(secrets.api_keys.is_none() && secrets.cloudflare_api_token.is_none());
    }
}
