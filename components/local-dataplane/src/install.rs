//! Where `scripts/dataplane/install.sh` put things, and the versions it pinned.

use std::path::{Path, PathBuf};

use anyhow::{Context, bail};

/// The text of `scripts/dataplane/versions.env`, the one place every version is pinned.
const VERSIONS_ENV: &str = include_str!("../../../scripts/dataplane/versions.env");
/// The log4j2 configuration the data plane's JVMs log with.
pub(crate) const LOG4J2_PROPERTIES: &str =
    include_str!("../../../scripts/dataplane/log4j2.properties");

/// Looks up `key` in `versions.env`.
///
/// # Panics
/// When the key is missing: `versions.env` is compiled in, so that is a bug in this repository.
pub fn version(key: &str) -> &'static str {
    VERSIONS_ENV
        .lines()
        .filter_map(|line| line.split_once('='))
        .find(|(k, _)| k.trim() == key)
        .map(|(_, v)| v.trim())
        .unwrap_or_else(|| panic!("scripts/dataplane/versions.env has no {key}"))
}

/// The installed pieces the data plane runs from.
#[derive(Debug, Clone)]
pub struct Installation {
    /// The directory of jars that is the Kafka broker's and Kafka Connect's classpath.
    pub kafka_jars: PathBuf,
    /// The Kafka Connect `plugin.path` entry: a directory of plugin directories.
    pub connect_plugins: PathBuf,
    /// The plugin directory (under [`Self::connect_plugins`]) holding the Debezium JDBC sink and
    /// the PostgreSQL JDBC driver.
    pub jdbc_sink_plugin: PathBuf,
    /// The directory of PostgreSQL's server binaries (`initdb`, `pg_ctl`, `postgres`).
    pub postgres_bin: PathBuf,
}

impl Installation {
    /// The cache directory: `$HEARTBEAT_CACHE`, else `$HOME/.cache/heartbeat-platform`.
    pub fn cache_dir() -> PathBuf {
        match std::env::var_os("HEARTBEAT_CACHE") {
            Some(dir) if !dir.is_empty() => PathBuf::from(dir),
            _ => PathBuf::from(std::env::var_os("HOME").unwrap_or_else(|| "/root".into()))
                .join(".cache/heartbeat-platform"),
        }
    }

    /// Finds the installation, or explains which piece is missing and how to install it.
    pub fn find() -> anyhow::Result<Self> {
        let jars = Self::cache_dir().join("jars");
        let connect_plugins = jars.join("connect-plugins");
        let found = Self {
            kafka_jars: jars.join(format!("kafka-{}", version("KAFKA_VERSION"))),
            jdbc_sink_plugin: connect_plugins
                .join(format!("debezium-jdbc-{}", version("DEBEZIUM_VERSION"))),
            connect_plugins,
            postgres_bin: PathBuf::from(format!(
                "/usr/lib/postgresql/{}/bin",
                version("POSTGRES_MAJOR")
            )),
        };
        for (what, marker) in [
            ("the Kafka jars", found.kafka_jars.join(".complete")),
            (
                "the Debezium JDBC sink jars",
                found.jdbc_sink_plugin.join(".complete"),
            ),
            ("PostgreSQL", found.postgres_bin.join("initdb")),
        ] {
            if !marker.exists() {
                bail!(
                    "{what} are not installed ({} is missing): run scripts/dataplane/install.sh",
                    marker.display()
                );
            }
        }
        Ok(found)
    }

    /// The Java classpath of the broker and of Connect: every jar of [`Self::kafka_jars`].
    pub(crate) fn kafka_classpath(&self) -> String {
        format!("{}/*", self.kafka_jars.display())
    }
}

/// Writes the log4j2 configuration into `dir` and returns its path.
pub(crate) fn write_log4j2_config(dir: &Path) -> anyhow::Result<PathBuf> {
    let path = dir.join("log4j2.properties");
    std::fs::write(&path, LOG4J2_PROPERTIES)
        .with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_the_pinned_file() {
        assert_eq!(version("KAFKA_VERSION"), "4.3.1");
        assert_eq!(version("SCALA_BINARY_VERSION"), "2.13");
    }
}
