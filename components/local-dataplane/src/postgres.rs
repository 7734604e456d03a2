//! A throw-away PostgreSQL server from Debian's binaries: `initdb` + `pg_ctl` in a temporary
//! directory, listening on a unix socket in that directory and on a free loopback port.

use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use tempfile::TempDir;

use crate::install::Installation;
use crate::process::{free_port, run};

/// The superuser and database the server is initialised with (trust authentication on loopback).
pub const POSTGRES_USER: &str = "postgres";

/// A running PostgreSQL server. Dropping it stops the server (`pg_ctl stop -m immediate`) and
/// deletes its data directory.
#[derive(Debug)]
pub struct Postgres {
    port: u16,
    bin: PathBuf,
    dir: TempDir,
    /// Set when running as root: PostgreSQL refuses root, so commands run as this user.
    run_as: Option<&'static str>,
}

impl Postgres {
    /// Initialises a fresh cluster and starts it, waiting until it accepts connections.
    pub fn start() -> anyhow::Result<Self> {
        let install = Installation::find()?;
        let dir = tempfile::Builder::new()
            .prefix("heartbeat-postgres-")
            .tempdir()?;
        let running_as_root = std::fs::metadata("/proc/self")?.uid() == 0;
        let run_as = running_as_root.then_some("postgres");
        if let Some(user) = run_as {
            // The data directory must belong to the user the server runs as.
            run(
                "chown",
                Command::new("chown")
                    .arg(format!("{user}:"))
                    .arg(dir.path()),
            )?;
        }
        let server = Self {
            port: free_port()?,
            bin: install.postgres_bin,
            dir,
            run_as,
        };
        run(
            "initdb",
            server
                .command("initdb")
                .args([
                    "-U",
                    POSTGRES_USER,
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--no-sync",
                    "-D",
                ])
                .arg(server.data_dir()),
        )?;
        run(
            "pg_ctl start",
            server
                .command("pg_ctl")
                .args(["-w", "-t", "60", "-D"])
                .arg(server.data_dir())
                .arg("-l")
                .arg(server.dir.path().join("postgres.log"))
                .arg("-o")
                .arg(format!(
                    "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off",
                    server.port,
                    server.dir.path().display()
                ))
                .arg("start"),
        )?;
        Ok(server)
    }

    /// The loopback TCP port.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The directory holding the unix socket (`host` for libpq clients).
    pub fn socket_dir(&self) -> &Path {
        self.dir.path()
    }

    /// The JDBC URL of the `postgres` database, for Kafka Connect's JDBC sink.
    pub fn jdbc_url(&self) -> String {
        format!("jdbc:postgresql://127.0.0.1:{}/{POSTGRES_USER}", self.port)
    }

    /// Runs SQL through `psql` (stopping at the first error) and returns its unaligned,
    /// tuples-only output: one line per row, columns separated by `|`.
    pub fn psql(&self, sql: &str) -> anyhow::Result<String> {
        run(
            "psql",
            Command::new("psql")
                .args(["-X", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-h"])
                .arg(self.socket_dir())
                .args(["-p", &self.port.to_string(), "-U", POSTGRES_USER, "-d"])
                .arg(POSTGRES_USER)
                .arg("-c")
                .arg(sql),
        )
    }

    fn data_dir(&self) -> PathBuf {
        self.dir.path().join("data")
    }

    /// A command for one of the server binaries, as the right user.
    fn command(&self, binary: &str) -> Command {
        let program = self.bin.join(binary);
        match self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(program);
                command
            }
            None => Command::new(program),
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .args(["-m", "immediate", "-D"])
            .arg(self.data_dir())
            .arg("stop")
            .output();
    }
}
