//! License terms and royalties, in the database.
//!
//! Royalties are computed where the terms live: `video_licenses` holds each video's terms with
//! a validity period (`effective_from` inclusive, `effective_to` exclusive or open), money in
//! exact `NUMERIC`; the `royalties_daily` view joins them to `video_watch_daily` (watched
//! seconds per video and UTC day, from the pipeline) by video and day. A license loaded or
//! corrected late applies to every day it covers, whatever order the data arrived in, and a
//! day with no terms yet simply has no royalty row until they are loaded.
//!
//! The way in is the `license_loader` role (no login: grant it to the license team's login
//! role), which may read and write `video_licenses` and nothing else; [`license_load_script`]
//! is the `psql` script that upserts a CSV file of terms. A trigger refuses overlapping
//! periods of one video, naming the video and both periods, and the whole load with them.

use crate::ddl::SqlDialect;

/// The role that may load license terms.
pub const LICENSE_LOADER_ROLE: &str = "license_loader";

/// The columns of a terms file, in order (CSV with this header).
pub const LICENSE_CSV_COLUMNS: &str =
    "video_id, license_holder_id, rate_per_hour, effective_from, effective_to";

/// `video_licenses`: one row per video and validity period.
pub fn video_licenses_table(dialect: SqlDialect) -> String {
    let (key, suffix) = match dialect {
        SqlDialect::Postgres => ("video_id, effective_from".to_owned(), String::new()),
        SqlDialect::Ysql { tablets } => (
            "(video_id) HASH, effective_from ASC".to_owned(),
            format!(" SPLIT INTO {tablets} TABLETS"),
        ),
    };
    format!(
        "CREATE TABLE IF NOT EXISTS video_licenses (
    video_id TEXT NOT NULL,
    effective_from DATE NOT NULL,
    effective_to DATE,
    license_holder_id TEXT NOT NULL,
    rate_per_hour NUMERIC(12, 4) NOT NULL CHECK (rate_per_hour >= 0),
    CHECK (effective_to IS NULL OR effective_to > effective_from),
    PRIMARY KEY ({key})
){suffix};"
    )
}

/// The trigger that refuses terms of one video with overlapping periods (YSQL has no
/// exclusion constraints), checked after each statement so that one load may end a period and
/// start the next in any row order; and the grants of the loader role.
pub const LICENSE_GUARDS: [&str; 5] = [
    "CREATE OR REPLACE FUNCTION video_licenses_no_overlap() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    clash RECORD;
BEGIN
    SELECT a.video_id, a.effective_from AS a_from, a.effective_to AS a_to,
           b.effective_from AS b_from, b.effective_to AS b_to
      INTO clash
      FROM video_licenses a
      JOIN video_licenses b
        ON b.video_id = a.video_id
       AND a.effective_from < b.effective_from
       AND b.effective_from < COALESCE(a.effective_to, 'infinity'::date)
     LIMIT 1;
    IF FOUND THEN
        RAISE EXCEPTION 'video_licenses: video % has overlapping terms, from % to % and from % to %; end the earlier term (effective_to) where the later begins',
            clash.video_id, clash.a_from, COALESCE(clash.a_to::text, 'open'),
            clash.b_from, COALESCE(clash.b_to::text, 'open');
    END IF;
    RETURN NULL;
END $$;",
    "DROP TRIGGER IF EXISTS video_licenses_no_overlap ON video_licenses;",
    "CREATE TRIGGER video_licenses_no_overlap AFTER INSERT OR UPDATE ON video_licenses
    FOR EACH STATEMENT EXECUTE FUNCTION video_licenses_no_overlap();",
    "DO $$ BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'license_loader') THEN
        CREATE ROLE license_loader NOLOGIN;
    END IF;
END $$;",
    "GRANT SELECT, INSERT, UPDATE, DELETE ON video_licenses TO license_loader;",
];

/// Royalties per license holder, video and UTC day: the day's watched seconds at the rate in
/// force that day, rounded to millionths. The `royalties_daily` table of migration 1 (filled
/// by ksqlDB's join) is dropped first.
pub const ROYALTIES_VIEW: [&str; 2] = [
    "DO $$ BEGIN
    IF EXISTS (SELECT 1 FROM pg_tables WHERE schemaname = current_schema() AND tablename = 'royalties_daily') THEN
        DROP TABLE royalties_daily;
    END IF;
END $$;",
    "CREATE OR REPLACE VIEW royalties_daily AS
SELECT l.license_holder_id,
       w.video_id,
       w.watch_day,
       w.watched_secs,
       l.rate_per_hour,
       ROUND(w.watched_secs * l.rate_per_hour / 3600, 6) AS royalty_amount
  FROM video_watch_daily w
  JOIN video_licenses l
    ON l.video_id = w.video_id
   AND l.effective_from <= w.watch_day::date
   AND (l.effective_to IS NULL OR w.watch_day::date < l.effective_to);",
];

/// The upsert from the upload table into `video_licenses`: a period already loaded (same
/// video and `effective_from`) takes the new holder, rate and end.
pub const LICENSE_MERGE: &str = "INSERT INTO video_licenses (video_id, license_holder_id, rate_per_hour, effective_from, effective_to)
SELECT video_id, license_holder_id, rate_per_hour, effective_from, effective_to FROM license_upload
ON CONFLICT (video_id, effective_from) DO UPDATE
   SET license_holder_id = EXCLUDED.license_holder_id,
       rate_per_hour = EXCLUDED.rate_per_hour,
       effective_to = EXCLUDED.effective_to;";

/// The upload table, dropped at the end of the loading transaction.
pub const LICENSE_UPLOAD_TABLE: &str = "CREATE TEMP TABLE license_upload (
    video_id TEXT NOT NULL,
    license_holder_id TEXT NOT NULL,
    rate_per_hour NUMERIC(12, 4) NOT NULL,
    effective_from DATE NOT NULL,
    effective_to DATE
) ON COMMIT DROP;";

/// The `psql` script that loads the terms in `csv_path` (header [`LICENSE_CSV_COLUMNS`]) in one
/// transaction: all rows or, on any error, none. Run it as a member of
/// [`LICENSE_LOADER_ROLE`]: `psql -v ON_ERROR_STOP=1 -f load.sql`.
pub fn license_load_script(csv_path: &str) -> String {
    let path = csv_path.replace('\'', "''");
    format!(
        "BEGIN;\nSET LOCAL ROLE {LICENSE_LOADER_ROLE};\n{LICENSE_UPLOAD_TABLE}\n\\copy license_upload ({LICENSE_CSV_COLUMNS}) FROM '{path}' WITH (FORMAT csv, HEADER true)\n{LICENSE_MERGE}\nCOMMIT;\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_load_script_is_one_transaction_as_the_loader() {
        let script = license_load_script("/data/terms 'q3'.csv");
        assert!(script.starts_with("BEGIN;\nSET LOCAL ROLE license_loader;\n"));
        assert!(script.contains("FROM '/data/terms ''q3''.csv' WITH (FORMAT csv, HEADER true)"));
        assert!(script.ends_with("COMMIT;\n"));
    }

    #[test]
    fn ysql_hash_shards_the_licenses_by_video() {
        let ddl = video_licenses_table(SqlDialect::Ysql { tablets: 2 });
        assert!(ddl.contains("PRIMARY KEY ((video_id) HASH, effective_from ASC)"));
        assert!(ddl.ends_with(") SPLIT INTO 2 TABLETS;"));
    }
}
