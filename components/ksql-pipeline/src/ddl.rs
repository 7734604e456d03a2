//! The database DDL of the sink tables: portable PostgreSQL 15, and the YSQL overlay that
//! YugabyteDB gets (hash-sharded keys, pre-split tablets; PostgreSQL rejects both clauses).
//!
//! The script is idempotent: every table is `CREATE TABLE IF NOT EXISTS`, and each migration
//! records its version in `schema_migrations` with `ON CONFLICT DO NOTHING`, so running it
//! twice changes nothing. Later migrations must keep to that rule.

use anyhow::{Result, bail};

use crate::licenses::{LICENSE_GUARDS, ROYALTIES_VIEW, video_licenses_table};
use crate::sink_tables::{CONTINUE_WATCHING, SINK_TABLES, SinkTable};

/// Which SQL the DDL is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlDialect {
    /// Portable PostgreSQL 15: plain primary keys.
    Postgres,
    /// YugabyteDB YSQL: `HASH` leading key columns and `SPLIT INTO n TABLETS`.
    Ysql {
        /// Tablets each sink table is split into at creation.
        tablets: u32,
    },
}

/// One schema migration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// Its version, recorded in `schema_migrations`.
    pub version: u32,
    /// What it does.
    pub description: &'static str,
    /// Its idempotent statements, each ending with `;`.
    pub statements: Vec<String>,
}

/// The table that records applied migrations.
pub const SCHEMA_MIGRATIONS_DDL: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    description TEXT NOT NULL,
    applied_at TIMESTAMPTZ NOT NULL DEFAULT now()
);";

/// `CREATE TABLE IF NOT EXISTS` for one sink table.
pub fn create_table(table: &SinkTable, dialect: SqlDialect) -> String {
    let mut lines: Vec<String> = table
        .columns
        .iter()
        .map(|c| {
            let not_null = if table.primary_key.contains(&c.name) {
                " NOT NULL"
            } else {
                ""
            };
            format!("    {} {}{not_null}", c.name, c.ty.sql_type())
        })
        .collect();
    let (key, suffix) = match dialect {
        SqlDialect::Postgres => (table.primary_key.join(", "), String::new()),
        SqlDialect::Ysql { tablets } => {
            let range = table.primary_key[table.hash_key.len()..]
                .iter()
                .map(|c| format!(", {c} ASC"))
                .collect::<String>();
            (
                format!("({}) HASH{range}", table.hash_key.join(", ")),
                format!(" SPLIT INTO {tablets} TABLETS"),
            )
        }
    };
    lines.push(format!("    PRIMARY KEY ({key})"));
    format!(
        "CREATE TABLE IF NOT EXISTS {} (\n{}\n){suffix};",
        table.name,
        lines.join(",\n")
    )
}

/// The sink tables created by migration `version`.
fn tables_of(version: u32, dialect: SqlDialect) -> impl Iterator<Item = String> {
    SINK_TABLES
        .iter()
        .filter(move |t| t.migration == version)
        .map(move |t| create_table(t, dialect))
}

/// "Continue watching" reads one viewer's rows, most recent first: an index on the viewer and
/// the event time, descending (hash-sharded on the viewer in YSQL, like the table).
pub fn continue_watching_index(dialect: SqlDialect) -> String {
    let viewer = match dialect {
        SqlDialect::Postgres => "viewer_id",
        SqlDialect::Ysql { .. } => "viewer_id HASH",
    };
    format!(
        "CREATE INDEX IF NOT EXISTS continue_watching_recent ON {} ({viewer}, event_time_ms DESC);",
        CONTINUE_WATCHING.name
    )
}

/// The trigger that keeps the row with the latest event time: the sink upserts whatever
/// ksqlDB sends last (`INSERT ... ON CONFLICT DO UPDATE`), and an older heartbeat arriving
/// late (an offline batch, a replay) must not move a viewer back.
pub const CONTINUE_WATCHING_LATEST_WINS: [&str; 3] = [
    "CREATE OR REPLACE FUNCTION continue_watching_latest_wins() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.event_time_ms < OLD.event_time_ms THEN
        RETURN NULL;
    END IF;
    RETURN NEW;
END $$;",
    "DROP TRIGGER IF EXISTS continue_watching_latest_wins ON continue_watching;",
    "CREATE TRIGGER continue_watching_latest_wins BEFORE UPDATE ON continue_watching
    FOR EACH ROW EXECUTE FUNCTION continue_watching_latest_wins();",
];

/// The "continue watching" list of one viewer (`$1`), most recent first: the product's query,
/// served by [`continue_watching_index`].
pub const CONTINUE_WATCHING_QUERY: &str = "SELECT video_id, position_secs, event_time_ms, device
  FROM continue_watching
 WHERE viewer_id = $1
 ORDER BY event_time_ms DESC
 LIMIT 20";

/// Every migration, oldest first.
pub fn migrations(dialect: SqlDialect) -> Vec<Migration> {
    let mut second: Vec<String> = tables_of(2, dialect).collect();
    second.push(continue_watching_index(dialect));
    second.extend(CONTINUE_WATCHING_LATEST_WINS.map(str::to_owned));
    second.push(video_licenses_table(dialect));
    second.extend(LICENSE_GUARDS.map(str::to_owned));
    second.extend(ROYALTIES_VIEW.map(str::to_owned));
    vec![
        Migration {
            version: 1,
            description: "watched_segments and ad_impressions_hourly",
            statements: tables_of(1, dialect).collect(),
        },
        Migration {
            version: 2,
            description: "continue_watching, video_watch_daily, video_licenses and the royalties_daily view",
            statements: second,
        },
    ]
}

fn migration_script(dialect: SqlDialect) -> String {
    let mut script = format!("{SCHEMA_MIGRATIONS_DDL}\n");
    for migration in migrations(dialect) {
        script.push_str(&format!(
            "\n-- migration {}: {}\n",
            migration.version, migration.description
        ));
        for statement in &migration.statements {
            script.push_str(statement);
            script.push('\n');
        }
        script.push_str(&format!(
            "INSERT INTO schema_migrations (version, description) VALUES ({}, '{}') ON CONFLICT (version) DO NOTHING;\n",
            migration.version,
            migration.description.replace('\'', "''")
        ));
    }
    script
}

/// The whole migration script for PostgreSQL 15 (`psql -v ON_ERROR_STOP=1 -f`).
pub fn postgres_migration_script() -> String {
    migration_script(SqlDialect::Postgres)
}

/// The whole migration script for YugabyteDB YSQL, each sink table split into `tablets`
/// tablets (at least 1; YugabyteDB suggests a few per tablet server).
pub fn ysql_migration_script(tablets: u32) -> Result<String> {
    if tablets == 0 {
        bail!("tablets = 0: each sink table needs at least 1 tablet");
    }
    Ok(migration_script(SqlDialect::Ysql { tablets }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sink_tables::WATCHED_SEGMENTS;

    #[test]
    fn postgres_ddl_is_portable() {
        assert_eq!(
            create_table(&WATCHED_SEGMENTS, SqlDialect::Postgres),
            "CREATE TABLE IF NOT EXISTS watched_segments (
    viewer_id TEXT NOT NULL,
    video_id TEXT NOT NULL,
    start_time_ms BIGINT NOT NULL,
    end_time_ms BIGINT,
    start_position_secs DOUBLE PRECISION,
    end_position_secs DOUBLE PRECISION,
    heartbeat_count BIGINT,
    watched_secs BIGINT,
    PRIMARY KEY (viewer_id, video_id, start_time_ms)
);"
        );
        let script = postgres_migration_script();
        assert!(
            !script.contains("HASH") && !script.contains("TABLETS"),
            "{script}"
        );
    }

    #[test]
    fn ysql_overlay_hash_shards_and_splits() {
        assert_eq!(
            create_table(&WATCHED_SEGMENTS, SqlDialect::Ysql { tablets: 12 }),
            "CREATE TABLE IF NOT EXISTS watched_segments (
    viewer_id TEXT NOT NULL,
    video_id TEXT NOT NULL,
    start_time_ms BIGINT NOT NULL,
    end_time_ms BIGINT,
    start_position_secs DOUBLE PRECISION,
    end_position_secs DOUBLE PRECISION,
    heartbeat_count BIGINT,
    watched_secs BIGINT,
    PRIMARY KEY ((viewer_id) HASH, video_id ASC, start_time_ms ASC)
) SPLIT INTO 12 TABLETS;"
        );
        assert_eq!(
            ysql_migration_script(0).unwrap_err().to_string(),
            "tablets = 0: each sink table needs at least 1 tablet"
        );
    }

    #[test]
    fn every_statement_is_idempotent_and_the_version_is_recorded() {
        let idempotent = [
            "CREATE TABLE IF NOT EXISTS ",
            "CREATE INDEX IF NOT EXISTS ",
            "CREATE OR REPLACE FUNCTION ",
            "CREATE OR REPLACE VIEW ",
            "DROP TRIGGER IF EXISTS ",
            "DO $$ BEGIN\n    IF ",
            "GRANT ",
        ];
        for dialect in [SqlDialect::Postgres, SqlDialect::Ysql { tablets: 3 }] {
            let migrations = migrations(dialect);
            let mut previous = "";
            for migration in &migrations {
                for sql in &migration.statements {
                    // A trigger is created right after the same trigger is dropped if it exists.
                    let recreated = sql.strip_prefix("CREATE TRIGGER ").is_some_and(|rest| {
                        let name = rest.split_whitespace().next().unwrap();
                        previous.starts_with(&format!("DROP TRIGGER IF EXISTS {name} ON "))
                    });
                    assert!(
                        recreated || idempotent.iter().any(|p| sql.starts_with(p)),
                        "not idempotent: {sql}"
                    );
                    previous = sql;
                }
            }
        }
        let script = ysql_migration_script(3).unwrap();
        assert!(script.contains("VALUES (1, 'watched_segments and ad_impressions_hourly')"));
        assert!(script.contains("VALUES (2, 'continue_watching, video_watch_daily,"));
    }
}
