//! Test support: a real data plane on loopback, without containers.
//!
//! - [`Kafka`]: a single-node Kafka broker in KRaft mode (broker and controller in one JVM), run
//!   from the Maven Central jars of `org.apache.kafka:kafka_2.13`, with its own data directory
//!   (formatted once with `kafka.tools.StorageTool`) and free loopback ports.
//! - [`Postgres`]: PostgreSQL from Debian's `postgresql-15` binaries (`initdb`, `pg_ctl`) in a
//!   temporary directory: unix socket there, TCP on a free loopback port, trust authentication.
//!   When run as root it runs the server as the `postgres` user (PostgreSQL refuses root).
//! - [`Connect`]: Kafka Connect (standalone) with the Debezium JDBC sink
//!   (`io.debezium:debezium-connector-jdbc`) and the PostgreSQL JDBC driver on its plugin path,
//!   plus any plugin directories the caller adds.
//!
//! Every start waits until the service is ready (metadata answered; `pg_ctl -w`; the REST API
//! lists the JDBC sink) and fails with the tail of the service's log if it exits first. Every
//! value owns its process and temporary directory: dropping it kills the process and deletes
//! the directory. Versions are pinned in `scripts/dataplane/versions.env`; the jars are installed
//! by `scripts/dataplane/install.sh` into `${HEARTBEAT_CACHE:-$HOME/.cache/heartbeat-platform}/jars`.
//! [`Installation::find`] says what is missing; tests that need the data plane call it first and
//! skip with its message when the jars are absent.
//!
//! The API is blocking (it uses rdkafka's `BaseProducer`/`BaseConsumer` and `std::process`); from
//! an async test, call it before entering the runtime or inside `spawn_blocking`.
//!
//! ```no_run
//! use local_dataplane::{Connect, Kafka, Postgres};
//! use std::time::Duration;
//!
//! # fn main() -> anyhow::Result<()> {
//! let kafka = Kafka::start()?;
//! kafka.create_topic("heartbeats", 3)?;
//! kafka.produce("heartbeats", &[("viewer-1", r#"{"position_secs": 5}"#)])?;
//! let records = kafka.consume("heartbeats", 1, Duration::from_secs(30))?;
//! assert_eq!(records[0].key.as_deref(), Some(&b"viewer-1"[..]));
//!
//! let postgres = Postgres::start()?;
//! postgres.psql("CREATE TABLE watched (viewer_id text PRIMARY KEY, secs double precision)")?;
//! let connect = Connect::start(&kafka, &[])?;
//! connect.put_connector("sink", &serde_json::json!({
//!     "connector.class": local_dataplane::JDBC_SINK_CLASS,
//!     "topics": "watched",
//!     "connection.url": postgres.jdbc_url(),
//!     "connection.username": local_dataplane::POSTGRES_USER,
//!     "connection.password": "",
//! }))?;
//! connect.wait_running("sink", Duration::from_secs(60))?;
//! println!("{}", postgres.psql("SELECT count(*) FROM watched")?);
//! # Ok(())
//! # }
//! ```

mod connect;
mod install;
mod kafka;
mod postgres;
mod process;

pub use connect::{Connect, JDBC_SINK_CLASS};
pub use install::{Installation, version};
pub use kafka::{ConsumedRecord, Kafka};
pub use postgres::{POSTGRES_USER, Postgres};
pub use process::free_port;
