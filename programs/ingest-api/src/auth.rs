//! Device authentication with API keys read from a file mounted from a Kubernetes secret.
//!
//! A device sends `Authorization: Bearer <client_id>.<secret>`. The keys file has one client per
//! line, `<client_id> <secret> [revoked]`; blank lines and lines starting with `#` are ignored.
//! The client id is looked up in a map; the secret is compared in constant time (`subtle`), so
//! the response time says nothing about how much of a guessed secret was right. A missing,
//! malformed or wrong key is 401; a key marked `revoked` is 403.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use anyhow::{Context, bail};
use subtle::ConstantTimeEq;

/// The shortest accepted secret: 128 bits of hex.
pub const MIN_SECRET_LEN: usize = 32;

/// The authenticated client: the unit of rate limiting and of logs.
pub type ClientId = Arc<str>;

/// Why a request is not let in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denied {
    /// No `Authorization: Bearer` header, or one that is not `<client_id>.<secret>`.
    Missing,
    /// An unknown client id or a wrong secret.
    Invalid,
    /// A valid key that has been revoked.
    Revoked,
}

#[derive(Debug)]
struct Key {
    client: ClientId,
    secret: Vec<u8>,
    revoked: bool,
}

/// The API keys, by client id.
#[derive(Debug, Default)]
pub struct ApiKeys {
    by_client: HashMap<String, Key>,
}

impl ApiKeys {
    /// Reads the keys file, naming the line of any malformed entry.
    pub fn load(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading the API keys file {}", path.display()))?;
        Self::parse(&text).with_context(|| format!("in the API keys file {}", path.display()))
    }

    /// Parses the keys file format described in the module documentation.
    pub fn parse(text: &str) -> anyhow::Result<Self> {
        let mut keys = Self::default();
        for (n, line) in text.lines().enumerate().map(|(i, l)| (i + 1, l.trim())) {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let words: Vec<&str> = line.split_whitespace().collect();
            let (client, secret, revoked) = match words[..] {
                [client, secret] => (client, secret, false),
                [client, secret, "revoked"] => (client, secret, true),
                _ => bail!("line {n}: expected `<client_id> <secret> [revoked]`"),
            };
            if client.is_empty() || client.contains('.') {
                bail!("line {n}: the client id must be non-empty and contain no '.'");
            }
            if secret.len() < MIN_SECRET_LEN {
                bail!(
                    "line {n}: the secret of {client} is shorter than {MIN_SECRET_LEN} characters; generate one with `openssl rand -hex 16`"
                );
            }
            let key = Key {
                client: client.into(),
                secret: secret.as_bytes().to_vec(),
                revoked,
            };
            if keys.by_client.insert(client.to_owned(), key).is_some() {
                bail!("line {n}: client {client} is listed twice");
            }
        }
        if keys.by_client.is_empty() {
            bail!("no keys: add a line `<client_id> <secret>`");
        }
        Ok(keys)
    }

    /// Checks an `Authorization` header value.
    pub fn authenticate(&self, authorization: Option<&[u8]>) -> Result<ClientId, Denied> {
        let token = authorization
            .and_then(|h| h.strip_prefix(b"Bearer "))
            .ok_or(Denied::Missing)?;
        let dot = token
            .iter()
            .position(|&b| b == b'.')
            .ok_or(Denied::Missing)?;
        let (client, secret) = (&token[..dot], &token[dot + 1..]);
        let key = std::str::from_utf8(client)
            .ok()
            .and_then(|c| self.by_client.get(c))
            .ok_or(Denied::Invalid)?;
        if !bool::from(key.secret.ct_eq(secret)) {
            return Err(Denied::Invalid);
        }
        if key.revoked {
            return Err(Denied::Revoked);
        }
        Ok(key.client.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "0123456789abcdef0123456789abcdef";

    fn keys() -> ApiKeys {
        ApiKeys::parse(&format!(
            "# tv app\ntv-app {SECRET}\n\nold-app {SECRET} revoked\n"
        ))
        .unwrap()
    }

    #[test]
    fn a_valid_key_names_its_client() {
        let header = format!("Bearer tv-app.{SECRET}");
        assert_eq!(
            &*keys().authenticate(Some(header.as_bytes())).unwrap(),
            "tv-app"
        );
    }

    #[test]
    fn missing_wrong_and_revoked_keys_are_told_apart() {
        let keys = keys();
        let check = |h: &str| keys.authenticate(Some(h.as_bytes())).unwrap_err();
        assert_eq!(keys.authenticate(None).unwrap_err(), Denied::Missing);
        assert_eq!(check(&format!("Basic tv-app.{SECRET}")), Denied::Missing);
        assert_eq!(check("Bearer no-dot-here"), Denied::Missing);
        assert_eq!(check(&format!("Bearer nobody.{SECRET}")), Denied::Invalid);
        assert_eq!(
            check("Bearer tv-app.0123456789abcdef0123456789abcdeX"),
            Denied::Invalid
        );
        assert_eq!(check("Bearer tv-app.0123"), Denied::Invalid);
        assert_eq!(check(&format!("Bearer old-app.{SECRET}")), Denied::Revoked);
    }

    #[test]
    fn malformed_key_files_name_the_line_and_the_fix() {
        let err = |text: &str| ApiKeys::parse(text).unwrap_err().to_string();
        assert!(err("a short").contains("line 1: the secret of a is shorter than 32"));
        assert!(err(&format!("a {SECRET} maybe")).contains("line 1: expected"));
        assert!(
            err(&format!("a {SECRET}\na {SECRET}")).contains("line 2: client a is listed twice")
        );
        assert!(err(&format!("a.b {SECRET}")).contains("contain no '.'"));
        assert!(err("# nothing\n").contains("no keys"));
    }
}
