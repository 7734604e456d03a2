//! Configuration from environment variables, all validated before anything starts: every bad
//! variable is reported at once, each with what is accepted.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use heartbeat_contract::MAX_BATCH_LEN;

/// How records reach Kafka.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SecurityProtocol {
    /// No TLS, no SASL (local development only).
    Plaintext,
    /// TLS; with a client certificate when `INGEST_KAFKA_TLS_CERT_FILE` is set (Strimzi `tls` user).
    Ssl,
    /// SASL (SCRAM) over TLS (Strimzi `scram-sha-512` user).
    SaslSsl,
    /// SASL without TLS.
    SaslPlaintext,
}

impl SecurityProtocol {
    /// librdkafka's name for it.
    pub fn as_str(&self) -> &'static str {
        match self {
            Self::Plaintext => "plaintext",
            Self::Ssl => "ssl",
            Self::SaslSsl => "sasl_ssl",
            Self::SaslPlaintext => "sasl_plaintext",
        }
    }
}

/// SASL credentials (a Strimzi KafkaUser's `password` secret key, mounted as a file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sasl {
    /// `SCRAM-SHA-512`, `SCRAM-SHA-256` or `PLAIN`.
    pub mechanism: String,
    /// The KafkaUser's name.
    pub username: String,
    /// The file holding the password.
    pub password_file: PathBuf,
}

/// TLS files (the cluster CA's `ca.crt`; for a `tls` KafkaUser, its `user.crt` and `user.key`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Tls {
    /// The CA certificate that signed the brokers' certificates.
    pub ca_file: Option<PathBuf>,
    /// The client certificate, for mutual TLS.
    pub cert_file: Option<PathBuf>,
    /// The client certificate's private key.
    pub key_file: Option<PathBuf>,
}

/// Where and how to produce.
#[derive(Debug, Clone, PartialEq)]
pub struct KafkaConfig {
    /// `host:port,...` of the brokers.
    pub bootstrap_servers: String,
    /// The topic heartbeats go to.
    pub topic: String,
    /// Transport security.
    pub security_protocol: SecurityProtocol,
    /// SASL credentials, with `sasl_*` protocols.
    pub sasl: Option<Sasl>,
    /// TLS files, with `ssl`/`sasl_ssl`.
    pub tls: Tls,
    /// `compression.type`: `lz4` or `zstd` (or `none`).
    pub compression: String,
    /// `linger.ms`: how long a partition's batch waits to fill.
    pub linger: Duration,
    /// `batch.size` in bytes.
    pub batch_bytes: u32,
    /// How long a record may take to be acknowledged before the request fails with 503.
    pub delivery_timeout: Duration,
}

/// The whole configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    /// Where the HTTP server listens.
    pub listen_addr: SocketAddr,
    /// The API keys file (mounted from a Kubernetes secret).
    pub api_keys_file: PathBuf,
    /// Heartbeats per second each client may send (per replica).
    pub rate_limit_per_sec: u32,
    /// How many heartbeats a client may send at once above the rate.
    pub rate_limit_burst: u32,
    /// The largest accepted request body, in bytes.
    pub max_body_bytes: usize,
    /// The most records waiting for Kafka's acknowledgement at once; beyond it, 503.
    pub max_in_flight: u32,
    /// Kafka settings; `None` when `INGEST_NULL_SINK=true` (parse, validate and answer 202
    /// without producing: the benchmark's ceiling, never for production).
    pub kafka: Option<KafkaConfig>,
}

impl Config {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, String> {
        Self::from_lookup(|key| std::env::var(key).ok())
    }

    /// Reads configuration through `lookup`; on error, one line per bad variable.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, String> {
        let mut env = Env {
            lookup: &lookup,
            errors: Vec::new(),
        };
        let null_sink = env.parse("INGEST_NULL_SINK", false, "true or false");
        let config = Config {
            listen_addr: env.parse(
                "INGEST_LISTEN_ADDR",
                "0.0.0.0:8080".parse().expect("a valid address"),
                "an address such as 0.0.0.0:8080",
            ),
            api_keys_file: env.required_path("INGEST_API_KEYS_FILE", "the mounted API keys secret"),
            rate_limit_per_sec: env.ranged("INGEST_RATE_LIMIT_PER_SEC", 20_000, 1, 10_000_000),
            rate_limit_burst: env.ranged(
                "INGEST_RATE_LIMIT_BURST",
                40_000,
                MAX_BATCH_LEN as u32,
                100_000_000,
            ),
            max_body_bytes: env.ranged("INGEST_MAX_BODY_BYTES", 512 * 1024, 1024, 16 << 20)
                as usize,
            max_in_flight: env.ranged(
                "INGEST_MAX_IN_FLIGHT",
                100_000,
                MAX_BATCH_LEN as u32,
                10_000_000,
            ),
            kafka: (!null_sink).then(|| env.kafka()),
        };
        if env.errors.is_empty() {
            Ok(config)
        } else {
            Err(env.errors.join("\n"))
        }
    }
}

struct Env<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    errors: Vec<String>,
}

impl Env<'_> {
    fn get(&self, key: &str) -> Option<String> {
        (self.lookup)(key).filter(|v| !v.trim().is_empty())
    }

    fn parse<T: std::str::FromStr>(&mut self, key: &str, default: T, accepted: &str) -> T {
        match self.get(key) {
            None => default,
            Some(v) => v.trim().parse().unwrap_or_else(|_| {
                self.errors
                    .push(format!("{key}={v:?} is invalid: set it to {accepted}"));
                default
            }),
        }
    }

    fn ranged(&mut self, key: &str, default: u32, min: u32, max: u32) -> u32 {
        let accepted = format!("an integer from {min} to {max} (default {default})");
        let value = self.parse(key, default, &accepted);
        if !(min..=max).contains(&value) {
            self.errors.push(format!(
                "{key}={value} is out of range: set it to {accepted}"
            ));
        }
        value
    }

    fn required(&mut self, key: &str, what: &str) -> String {
        self.get(key).unwrap_or_else(|| {
            self.errors
                .push(format!("{key} is not set: set it to {what}"));
            String::new()
        })
    }

    fn required_path(&mut self, key: &str, what: &str) -> PathBuf {
        let path = PathBuf::from(self.required(key, &format!("the path of {what}")));
        self.check_file(key, Some(&path));
        path
    }

    fn optional_path(&mut self, key: &str) -> Option<PathBuf> {
        let path = self.get(key).map(PathBuf::from);
        self.check_file(key, path.as_ref());
        path
    }

    fn check_file(&mut self, key: &str, path: Option<&PathBuf>) {
        if let Some(path) = path.filter(|p| !p.as_os_str().is_empty() && !p.is_file()) {
            self.errors.push(format!(
                "{key}={} is not a readable file: mount the secret there or fix the path",
                path.display()
            ));
        }
    }

    fn one_of(&mut self, key: &str, default: &str, allowed: &[&str]) -> String {
        let value = self.get(key).unwrap_or_else(|| default.to_owned());
        if !allowed.contains(&value.as_str()) {
            self.errors.push(format!(
                "{key}={value:?} is invalid: set it to one of {}",
                allowed.join(", ")
            ));
        }
        value
    }

    fn kafka(&mut self) -> KafkaConfig {
        let bootstrap_servers = self.required(
            "INGEST_KAFKA_BOOTSTRAP_SERVERS",
            "host:port[,host:port...] of the brokers (or INGEST_NULL_SINK=true)",
        );
        let protocol = self.one_of(
            "INGEST_KAFKA_SECURITY_PROTOCOL",
            "plaintext",
            &["plaintext", "ssl", "sasl_ssl", "sasl_plaintext"],
        );
        let security_protocol = match protocol.as_str() {
            "ssl" => SecurityProtocol::Ssl,
            "sasl_ssl" => SecurityProtocol::SaslSsl,
            "sasl_plaintext" => SecurityProtocol::SaslPlaintext,
            _ => SecurityProtocol::Plaintext,
        };
        let sasl = protocol.starts_with("sasl").then(|| Sasl {
            mechanism: self.one_of(
                "INGEST_KAFKA_SASL_MECHANISM",
                "SCRAM-SHA-512",
                &["SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN"],
            ),
            username: self.required("INGEST_KAFKA_SASL_USERNAME", "the KafkaUser's name"),
            password_file: self.required_path(
                "INGEST_KAFKA_SASL_PASSWORD_FILE",
                "the KafkaUser secret's `password` file",
            ),
        });
        let tls = Tls {
            ca_file: self.optional_path("INGEST_KAFKA_TLS_CA_FILE"),
            cert_file: self.optional_path("INGEST_KAFKA_TLS_CERT_FILE"),
            key_file: self.optional_path("INGEST_KAFKA_TLS_KEY_FILE"),
        };
        if tls.cert_file.is_some() != tls.key_file.is_some() {
            self.errors.push(
                "INGEST_KAFKA_TLS_CERT_FILE and INGEST_KAFKA_TLS_KEY_FILE go together: set both (user.crt and user.key) or neither".into(),
            );
        }
        KafkaConfig {
            topic: self
                .get("INGEST_KAFKA_TOPIC")
                .unwrap_or_else(|| "heartbeats".into()),
            compression: self.one_of("INGEST_KAFKA_COMPRESSION", "lz4", &["lz4", "zstd", "none"]),
            linger: Duration::from_millis(self.ranged("INGEST_KAFKA_LINGER_MS", 5, 0, 1000).into()),
            batch_bytes: self.ranged("INGEST_KAFKA_BATCH_BYTES", 512 * 1024, 16 * 1024, 16 << 20),
            delivery_timeout: Duration::from_millis(
                self.ranged("INGEST_DELIVERY_TIMEOUT_MS", 10_000, 1_000, 300_000)
                    .into(),
            ),
            bootstrap_servers,
            security_protocol,
            sasl,
            tls,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config(vars: &[(&str, &str)]) -> Result<Config, String> {
        let keys = std::env::current_exe().unwrap();
        let mut map: HashMap<String, String> = HashMap::from([(
            "INGEST_API_KEYS_FILE".to_owned(),
            keys.display().to_string(),
        )]);
        map.extend(vars.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        Config::from_lookup(|k| map.get(k).cloned())
    }

    #[test]
    fn defaults_need_only_the_keys_file_and_the_brokers() {
        let c = config(&[("INGEST_KAFKA_BOOTSTRAP_SERVERS", "k:9092")]).unwrap();
        let kafka = c.kafka.unwrap();
        assert_eq!(kafka.topic, "heartbeats");
        assert_eq!(kafka.compression, "lz4");
        assert_eq!(kafka.security_protocol, SecurityProtocol::Plaintext);
        assert_eq!(c.listen_addr.port(), 8080);
        assert_eq!(c.rate_limit_burst, 40_000);
    }

    #[test]
    fn the_null_sink_needs_no_kafka() {
        let c = config(&[("INGEST_NULL_SINK", "true")]).unwrap();
        assert_eq!(c.kafka, None);
    }

    #[test]
    fn every_bad_variable_is_named_with_its_fix() {
        let err = config(&[
            ("INGEST_API_KEYS_FILE", "/nonexistent/keys"),
            ("INGEST_LISTEN_ADDR", "port 80"),
            ("INGEST_RATE_LIMIT_BURST", "10"),
            ("INGEST_MAX_IN_FLIGHT", "many"),
            ("INGEST_KAFKA_SECURITY_PROTOCOL", "sasl_ssl"),
            ("INGEST_KAFKA_COMPRESSION", "brotli"),
            ("INGEST_KAFKA_TLS_CERT_FILE", "/nonexistent/user.crt"),
        ])
        .unwrap_err();
        for expected in [
            "INGEST_API_KEYS_FILE=/nonexistent/keys is not a readable file",
            "INGEST_LISTEN_ADDR=\"port 80\" is invalid: set it to an address",
            "INGEST_RATE_LIMIT_BURST=10 is out of range: set it to an integer from 500",
            "INGEST_MAX_IN_FLIGHT=\"many\" is invalid",
            "INGEST_KAFKA_BOOTSTRAP_SERVERS is not set",
            "INGEST_KAFKA_SASL_USERNAME is not set",
            "INGEST_KAFKA_SASL_PASSWORD_FILE is not set",
            "INGEST_KAFKA_COMPRESSION=\"brotli\" is invalid: set it to one of lz4, zstd, none",
            "INGEST_KAFKA_TLS_CERT_FILE=/nonexistent/user.crt is not a readable file",
            "INGEST_KAFKA_TLS_CERT_FILE and INGEST_KAFKA_TLS_KEY_FILE go together",
        ] {
            assert!(err.contains(expected), "missing {expected:?} in:\n{err}");
        }
    }
}
