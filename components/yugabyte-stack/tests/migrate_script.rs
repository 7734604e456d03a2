//! The migration Job's script against a real PostgreSQL 15 (YSQL's stand-in on this machine;
//! `ysqlsh` is `psql` with YugabyteDB's defaults), with the pipeline's own DDL: it creates the
//! role and database, applies the migrations, grants the application role what the JDBC sink
//! needs, and a second run changes nothing.
//!
//! The throw-away server trusts loopback connections, so the password steps run but are not
//! checked here. Prints SKIPPED when PostgreSQL is not installed
//! (`scripts/dataplane/install.sh` installs it).

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

use local_dataplane::Postgres;
use yugabyte_stack::migration::MIGRATE_SCRIPT;

fn run_script(postgres: &Postgres, dir: &std::path::Path) -> String {
    let output = Command::new("bash")
        .arg(dir.join("migrate.sh"))
        .env(
            "PATH",
            format!("{}:{}", dir.display(), std::env::var("PATH").unwrap()),
        )
        .env("PGHOST", postgres.socket_dir())
        .env("PGPORT", postgres.port().to_string())
        .env("PGSSLMODE", "disable")
        .env("ADMIN_PASSWORD", "admin-secret")
        .env("DATABASE", "heartbeat")
        .env("APP_USER", "heartbeat_sink")
        .env("APP_PASSWORD", "app-secret")
        .env("MIGRATIONS_DIR", dir)
        .env("WAIT_SECONDS", "30")
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "migrate.sh failed:\n{text}");
    text
}

fn psql_as(postgres: &Postgres, user: &str, database: &str, sql: &str) -> Result<String, String> {
    let output = Command::new("psql")
        .args(["-X", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-h"])
        .arg(postgres.socket_dir())
        .args([
            "-p",
            &postgres.port().to_string(),
            "-U",
            user,
            "-d",
            database,
            "-c",
            sql,
        ])
        .output()
        .unwrap();
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}

#[test]
fn the_script_creates_everything_once_and_reruns_cleanly() {
    let postgres = match Postgres::start() {
        Ok(postgres) => postgres,
        Err(error) => {
            println!("SKIPPED: no PostgreSQL to run the migration script against: {error:#}");
            return;
        }
    };
    // YugabyteDB's superuser, with its well-known default password.
    postgres
        .psql("CREATE ROLE yugabyte SUPERUSER LOGIN PASSWORD 'yugabyte'")
        .unwrap();
    postgres
        .psql("CREATE DATABASE yugabyte OWNER yugabyte")
        .unwrap();

    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("migrate.sh"), MIGRATE_SCRIPT).unwrap();
    std::fs::write(
        dir.path().join("001.sql"),
        ksql_pipeline::postgres_migration_script(),
    )
    .unwrap();
    // Debian's psql is a wrapper that dispatches on its own name: call it, not link it.
    let shim = dir.path().join("ysqlsh");
    std::fs::write(&shim, "#!/bin/sh\nexec psql \"$@\"\n").unwrap();
    std::fs::set_permissions(&shim, std::fs::Permissions::from_mode(0o755)).unwrap();

    let first = run_script(&postgres, dir.path());
    assert!(first.contains("applying 001.sql"), "{first}");
    let second = run_script(&postgres, dir.path());
    assert!(
        second.contains("database heartbeat is up to date"),
        "{second}"
    );

    assert_eq!(
        psql_as(
            &postgres,
            "yugabyte",
            "heartbeat",
            "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations"
        ),
        Ok("1,2".into()),
        "each of the pipeline's two migrations is recorded once"
    );
    psql_as(
        &postgres,
        "heartbeat_sink",
        "heartbeat",
        "INSERT INTO watched_segments (viewer_id, video_id, start_time_ms) VALUES ('v', 'x', 1)",
    )
    .expect("the application role writes the sink tables");
    let denied = psql_as(
        &postgres,
        "heartbeat_sink",
        "heartbeat",
        "DROP TABLE watched_segments",
    );
    assert!(
        denied.as_ref().is_err_and(|e| e.contains("must be owner")),
        "the application role cannot drop tables: {denied:?}"
    );
}
