//! `dataplane`: starts the local data plane for a shell session or a benchmark script, prints
//! how to reach it as `KEY=value` lines on stdout, and tears it down on SIGINT or SIGTERM.
//!
//! Usage: `dataplane [kafka] [postgres] [connect] [--topic NAME:PARTITIONS]...` (no service named:
//! all three; `connect` and `--topic` imply `kafka`).
//! Printed keys: `KAFKA_BOOTSTRAP_SERVERS`, `POSTGRES_PORT`, `POSTGRES_SOCKET_DIR`,
//! `POSTGRES_JDBC_URL`, `CONNECT_REST_URL`, then `READY=1`.

use std::io::Write;

use anyhow::bail;
use local_dataplane::{Connect, Kafka, Postgres};
use signal_hook::consts::{SIGINT, SIGTERM};

fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut wanted, mut topics) = (Vec::new(), Vec::new());
    while let Some(arg) = args.next() {
        if arg == "--topic" {
            let spec = args.next().unwrap_or_default();
            let parsed = spec
                .split_once(':')
                .and_then(|(name, n)| Some((name.to_owned(), n.parse::<i32>().ok()?)));
            let Some(topic) = parsed else {
                bail!("--topic {spec:?}: expected NAME:PARTITIONS, such as heartbeats:6");
            };
            topics.push(topic);
        } else {
            wanted.push(arg);
        }
    }
    if !topics.is_empty() {
        wanted.push("kafka".into());
    }
    if wanted.is_empty() {
        wanted = vec!["kafka".into(), "postgres".into(), "connect".into()];
    }
    if let Some(bad) = wanted
        .iter()
        .find(|w| !["kafka", "postgres", "connect"].contains(&w.as_str()))
    {
        bail!("unknown service {bad:?}: expected any of kafka, postgres, connect");
    }
    let wants = |name: &str| wanted.iter().any(|w| w == name);
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM])?;
    let mut out = std::io::stdout().lock();

    let kafka = (wants("kafka") || wants("connect"))
        .then(Kafka::start)
        .transpose()?;
    if let Some(kafka) = &kafka {
        for (name, partitions) in &topics {
            kafka.create_topic(name, *partitions)?;
        }
        writeln!(out, "KAFKA_BOOTSTRAP_SERVERS={}", kafka.bootstrap_servers())?;
    }
    let postgres = wants("postgres").then(Postgres::start).transpose()?;
    if let Some(pg) = &postgres {
        writeln!(out, "POSTGRES_PORT={}", pg.port())?;
        writeln!(out, "POSTGRES_SOCKET_DIR={}", pg.socket_dir().display())?;
        writeln!(out, "POSTGRES_JDBC_URL={}", pg.jdbc_url())?;
    }
    let connect = match (&kafka, wants("connect")) {
        (Some(kafka), true) => Some(Connect::start(kafka, &[])?),
        _ => None,
    };
    if let Some(connect) = &connect {
        writeln!(out, "CONNECT_REST_URL={}", connect.rest_url())?;
    }
    writeln!(out, "READY=1")?;
    out.flush()?;
    signals.forever().next();
    // Dropping connect, postgres and kafka (in that order) stops them.
    drop((connect, postgres, kafka));
    Ok(())
}
