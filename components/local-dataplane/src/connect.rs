//! Kafka Connect in standalone mode, with the Debezium JDBC sink on its plugin path, driven
//! through its REST API.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use serde_json::Value;
use tempfile::TempDir;

use crate::install::{Installation, write_log4j2_config};
use crate::kafka::Kafka;
use crate::process::{Supervised, free_port, java};

/// The class of the Debezium JDBC sink connector.
pub const JDBC_SINK_CLASS: &str = "io.debezium.connector.jdbc.JdbcSinkConnector";
/// How long Connect may take to scan its plugins and open its REST API.
const START_TIMEOUT: Duration = Duration::from_secs(120);

/// A running Kafka Connect worker. Dropping it kills the JVM and deletes its directory.
#[derive(Debug)]
pub struct Connect {
    _process: Supervised,
    rest_port: u16,
    dir: TempDir,
}

impl Connect {
    /// Starts a standalone worker against `kafka` with the JDBC sink plus `extra_plugin_path`
    /// on its `plugin.path`, and waits until its REST API lists the JDBC sink.
    ///
    /// Each `extra_plugin_path` entry follows Connect's `plugin.path` rules: a directory whose
    /// subdirectories are plugins (each a directory of jars), or an uber-jar. A plain directory of
    /// jars would make every jar its own isolated plugin: put it one level down.
    ///
    /// Keys and values use `JsonConverter` with schemas enabled unless a connector overrides
    /// `key.converter`/`value.converter` in its own configuration.
    pub fn start(kafka: &Kafka, extra_plugin_path: &[PathBuf]) -> anyhow::Result<Self> {
        let install = Installation::find()?;
        let dir = tempfile::Builder::new()
            .prefix("heartbeat-connect-")
            .tempdir()?;
        let rest_port = free_port()?;
        let mut plugin_path = vec![install.connect_plugins.clone()];
        plugin_path.extend(extra_plugin_path.iter().cloned());
        let worker = write_worker_properties(dir.path(), kafka, rest_port, &plugin_path)?;
        let log4j2 = write_log4j2_config(dir.path())?;
        let log = dir.path().join("connect.log");
        let mut command = java(&install.kafka_classpath(), &log4j2, &log, "1g");
        command
            .arg("org.apache.kafka.connect.cli.ConnectStandalone")
            .arg(worker);
        let mut process = Supervised::spawn("kafka connect", command, &log)?;
        let url = format!("http://127.0.0.1:{rest_port}");
        process.wait_ready(START_TIMEOUT, || {
            get_json(&format!("{url}/connector-plugins")).is_ok_and(|plugins| {
                plugins
                    .as_array()
                    .is_some_and(|all| all.iter().any(|p| p["class"] == JDBC_SINK_CLASS))
            })
        })?;
        Ok(Self {
            _process: process,
            rest_port,
            dir,
        })
    }

    /// The base URL of the REST API, such as `http://127.0.0.1:8083`.
    pub fn rest_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.rest_port)
    }

    /// The worker's directory (its log is `connect.log` there).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }

    /// Creates (or replaces) connector `name` with `config` (`connector.class` and the rest).
    pub fn put_connector(&self, name: &str, config: &Value) -> anyhow::Result<()> {
        let url = format!("{}/connectors/{name}/config", self.rest_url());
        let mut response = ureq::put(&url)
            .config()
            .http_status_as_error(false)
            .build()
            .send_json(config)
            .with_context(|| format!("PUT {url}"))?;
        if !response.status().is_success() {
            let body = response.body_mut().read_to_string().unwrap_or_default();
            bail!("PUT {url}: {}: {body}", response.status());
        }
        Ok(())
    }

    /// The connector's status document (`GET /connectors/{name}/status`).
    pub fn connector_status(&self, name: &str) -> anyhow::Result<Value> {
        get_json(&format!("{}/connectors/{name}/status", self.rest_url()))
    }

    /// Waits until the connector and all its tasks are `RUNNING`; fails with the status (and the
    /// task's trace) as soon as one is `FAILED`, or after `timeout`.
    pub fn wait_running(&self, name: &str, timeout: Duration) -> anyhow::Result<()> {
        let deadline = Instant::now() + timeout;
        let mut last = Value::Null;
        while Instant::now() < deadline {
            if let Ok(status) = self.connector_status(name) {
                let tasks = status["tasks"].as_array().cloned().unwrap_or_default();
                let states = std::iter::once(&status["connector"]["state"])
                    .chain(tasks.iter().map(|t| &t["state"]));
                let states: Vec<&Value> = states.collect();
                if states.iter().any(|s| *s == "FAILED") {
                    bail!("connector {name} failed: {status:#}");
                }
                if !tasks.is_empty() && states.iter().all(|s| *s == "RUNNING") {
                    return Ok(());
                }
                last = status;
            }
            std::thread::sleep(Duration::from_millis(250));
        }
        bail!("connector {name} was not running after {timeout:?}: {last:#}")
    }
}

fn get_json(url: &str) -> anyhow::Result<Value> {
    ureq::get(url)
        .call()
        .with_context(|| format!("GET {url}"))?
        .body_mut()
        .read_json()
        .with_context(|| format!("reading the JSON answer of GET {url}"))
}

fn write_worker_properties(
    dir: &Path,
    kafka: &Kafka,
    rest_port: u16,
    plugin_path: &[PathBuf],
) -> anyhow::Result<PathBuf> {
    let plugin_path: Vec<String> = plugin_path
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    let properties = format!(
        "bootstrap.servers={bootstrap}
listeners=http://127.0.0.1:{rest_port}
rest.advertised.host.name=127.0.0.1
key.converter=org.apache.kafka.connect.json.JsonConverter
value.converter=org.apache.kafka.connect.json.JsonConverter
key.converter.schemas.enable=true
value.converter.schemas.enable=true
offset.storage.file.filename={offsets}
offset.flush.interval.ms=1000
plugin.path={plugin_path}
",
        bootstrap = kafka.bootstrap_servers(),
        offsets = dir.join("connect.offsets").display(),
        plugin_path = plugin_path.join(","),
    );
    let path = dir.join("worker.properties");
    std::fs::write(&path, properties).with_context(|| format!("writing {}", path.display()))?;
    Ok(path)
}
