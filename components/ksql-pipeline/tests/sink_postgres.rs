//! The database side for real: the PostgreSQL DDL applied (twice) to PostgreSQL 15, Kafka
//! (KRaft) and Kafka Connect with the Debezium JDBC sink on loopback, the connectors as
//! `jdbc_sink_connectors` builds them, and records in exactly the shape the statements emit
//! (the reference model's rows: upper-case field names, ksqlDB's optional long/double/string
//! fields): a watched-day row seen twice (an `EMIT CHANGES` update), a segment delivered twice
//! (a replay), "continue watching" updates in arrival order with an old offline heartbeat
//! last; then license terms loaded through the loader script as the loader role, royalties
//! read from the view, and a late correction of the terms applied to the past.
//!
//! One difference from production, stated plainly: production values are Avro through the
//! Schema Registry, read by Confluent's `AvroConverter`, which is not on Maven Central. Here the
//! same Connect schema (a struct of optional int64/double/string fields with the same names)
//! travels inline with Kafka's `JsonConverter` (`schemas.enable=true`), so everything after the
//! converter (field-to-column mapping, upsert keys, types, dead-letter routing) is what
//! production runs; the Avro decoding itself is not exercised.

use std::process::Command;
use std::time::{Duration, Instant};

use heartbeat_contract::{AdContext, Device, Heartbeat, HeartbeatRecord};
use ksql_pipeline::ddl::CONTINUE_WATCHING_QUERY;
use ksql_pipeline::licenses::{LICENSE_CSV_COLUMNS, LICENSE_LOADER_ROLE, license_load_script};
use ksql_pipeline::model::{ContinueWatching, LicenseTerm, Royalty, run_pipeline};
use ksql_pipeline::sink_tables::ColumnType;
use ksql_pipeline::{
    JdbcSinkSettings, PipelineSettings, PipelineTopics, SINK_TABLES, SinkTable,
    jdbc_sink_connectors, postgres_migration_script,
};
use local_dataplane::{Connect, Installation, Kafka, POSTGRES_USER, Postgres};
use serde_json::{Value, json};

/// 2026-06-01T00:00:00Z.
const T0: i64 = 1_780_272_000_000;

fn heartbeat(
    event: u32,
    viewer: &str,
    video: &str,
    secs: i64,
    ad: Option<&str>,
) -> HeartbeatRecord {
    Heartbeat {
        event_id: format!("event-{event:04}"),
        viewer_id: viewer.into(),
        video_id: video.into(),
        session_id: format!("{viewer}-play"),
        position_secs: secs as f64 + 0.5,
        event_time_ms: T0 + secs * 1_000,
        device: Device::Tv,
        ad: ad.map(|ad| AdContext {
            ad_id: ad.into(),
            campaign_id: "camp-1".into(),
        }),
    }
    .into_record(T0 + secs * 1_000 + 25)
}

/// A viewer watching 4 heartbeats of video A with an ad on the first two (the third sent
/// twice), another viewer watching A twice (a pause splits it) and then B, and an offline
/// heartbeat of the first viewer, older than the others, uploaded last.
fn trace() -> Vec<HeartbeatRecord> {
    let mut offline = heartbeat(9, "v1", "A", 2, None);
    offline.heartbeat.device = Device::Mobile;
    offline.heartbeat.position_secs = 1.0;
    vec![
        heartbeat(1, "v1", "A", 0, Some("ad-9")),
        heartbeat(2, "v1", "A", 5, Some("ad-9")),
        heartbeat(3, "v1", "A", 10, None),
        heartbeat(3, "v1", "A", 10, None),
        heartbeat(4, "v1", "A", 15, None),
        heartbeat(5, "v2", "A", 100, Some("ad-9")),
        heartbeat(6, "v2", "A", 105, None),
        heartbeat(7, "v2", "A", 300, None),
        heartbeat(8, "v2", "B", 400, None),
        offline,
    ]
}

/// The license terms as a CSV file in the loader's format.
fn terms_csv(terms: &[LicenseTerm]) -> String {
    let mut csv = format!("{}\n", LICENSE_CSV_COLUMNS.replace(' ', ""));
    for t in terms {
        let rate = format!(
            "{}.{:04}",
            t.rate_per_hour_e4 / 10_000,
            t.rate_per_hour_e4 % 10_000
        );
        csv.push_str(&format!(
            "{},{},{rate},{},{}\n",
            t.video_id,
            t.license_holder_id,
            t.effective_from,
            t.effective_to.as_deref().unwrap_or("")
        ));
    }
    csv
}

fn term(video: &str, holder: &str, rate_e4: i64, from: &str, to: Option<&str>) -> LicenseTerm {
    LicenseTerm {
        video_id: video.into(),
        license_holder_id: holder.into(),
        rate_per_hour_e4: rate_e4,
        effective_from: from.into(),
        effective_to: to.map(str::to_owned),
    }
}

/// The Connect schema ksqlDB's value schema converts to: optional fields, upper-case names.
fn connect_schema(table: &SinkTable) -> Value {
    let fields: Vec<Value> = table
        .columns
        .iter()
        .map(|c| {
            let ty = match c.ty {
                ColumnType::Text => "string",
                ColumnType::BigInt => "int64",
                ColumnType::Double => "double",
            };
            json!({"field": c.name.to_ascii_uppercase(), "type": ty, "optional": true})
        })
        .collect();
    json!({"type": "struct", "fields": fields, "optional": false})
}

/// A record as the connector receives it: the key is opaque bytes (ksqlDB's windowed keys),
/// the value is the row with its schema.
fn record(table: &SinkTable, row: &Value) -> (String, String) {
    let key = table
        .primary_key_fields()
        .iter()
        .map(|f| row[f].to_string())
        .collect::<Vec<_>>()
        .join("|");
    let value = json!({"schema": connect_schema(table), "payload": row});
    (key, value.to_string())
}

/// The row as `psql -A -t` prints the SELECT below.
fn expected_line(table: &SinkTable, row: &Value) -> String {
    table
        .columns
        .iter()
        .map(|c| {
            let v = &row[c.name.to_ascii_uppercase()];
            match c.ty {
                ColumnType::Text => v.as_str().unwrap().to_string(),
                ColumnType::BigInt => v.as_i64().unwrap().to_string(),
                ColumnType::Double => format!("{:.6}", v.as_f64().unwrap()),
            }
        })
        .collect::<Vec<_>>()
        .join("|")
}

fn select(table: &SinkTable) -> String {
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| match c.ty {
            ColumnType::Double => format!("{}::numeric(20,6)", c.name),
            _ => c.name.to_string(),
        })
        .collect();
    format!(
        "SELECT {} FROM {} ORDER BY {}",
        columns.join(", "),
        table.name,
        table.primary_key.join(", ")
    )
}

fn rows_of<T: serde::Serialize>(rows: &[T]) -> Vec<Value> {
    rows.iter()
        .map(|r| serde_json::to_value(r).unwrap())
        .collect()
}

/// Runs a `psql` script file (meta-commands such as `\copy` included) as `user`.
fn psql_file(postgres: &Postgres, user: &str, name: &str, script: &str) -> Result<String, String> {
    let path = postgres.socket_dir().join(name);
    std::fs::write(&path, script).unwrap();
    let out = Command::new("psql")
        .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-h"])
        .arg(postgres.socket_dir())
        .args(["-p", &postgres.port().to_string(), "-U", user, "-d"])
        .arg(POSTGRES_USER)
        .arg("-f")
        .arg(&path)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// Loads `terms` with the documented loader script, as the license team's login role.
fn load_terms(postgres: &Postgres, terms: &[LicenseTerm]) -> Result<String, String> {
    let csv = postgres.socket_dir().join("terms.csv");
    std::fs::write(&csv, terms_csv(terms)).unwrap();
    psql_file(
        postgres,
        "license_team",
        "load.sql",
        &license_load_script(csv.to_str().unwrap()),
    )
}

/// The royalties view as `psql -A -t` prints it, ordered by holder, video and day.
fn royalties_in(postgres: &Postgres) -> String {
    postgres
        .psql(
            "SELECT license_holder_id, video_id, watch_day, watched_secs, royalty_amount \
             FROM royalties_daily ORDER BY 1, 2, 3",
        )
        .unwrap()
        .trim()
        .to_string()
}

fn royalty_lines(rows: &[Royalty]) -> String {
    rows.iter()
        .map(|r| {
            format!(
                "{}|{}|{}|{}|{}",
                r.license_holder_id,
                r.video_id,
                r.watch_day,
                r.watched_secs,
                r.amount_text()
            )
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Polls `select` until it prints `expected` (90 s at most) and asserts it does.
fn wait_for(postgres: &Postgres, connect: &Connect, what: &str, select: &str, expected: &str) {
    let deadline = Instant::now() + Duration::from_secs(90);
    let mut got = String::new();
    while Instant::now() < deadline {
        got = postgres.psql(select).unwrap_or_default();
        if got.trim() == expected {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(
        got.trim(),
        expected,
        "{what}: connect log in {}",
        connect.dir().display()
    );
}

#[test]
fn model_rows_reach_postgres_and_royalties_follow_the_license_terms() {
    if let Err(missing) = Installation::find() {
        println!("SKIPPED: {missing:#}");
        return;
    }
    let settings = PipelineSettings::default();
    let topics = PipelineTopics::with_partitions(2, 1);

    let postgres = Postgres::start().unwrap();
    let script = postgres_migration_script();
    postgres.psql(&script).unwrap();
    postgres.psql(&script).unwrap();
    assert_eq!(
        postgres
            .psql("SELECT version FROM schema_migrations ORDER BY version")
            .unwrap()
            .trim(),
        "1\n2"
    );

    let kafka = Kafka::start().unwrap();
    for table in &SINK_TABLES {
        kafka
            .create_topic(
                &table.topic(&topics).name,
                table.topic(&topics).partitions as i32,
            )
            .unwrap();
    }
    kafka.create_topic(&topics.dead_letter.name, 1).unwrap();
    let connect = Connect::start(&kafka, &[]).unwrap();
    let sink = JdbcSinkSettings {
        connection_url: postgres.jdbc_url(),
        username: POSTGRES_USER.into(),
        // Trust authentication: no provider resolves it and the server does not ask.
        password: "${local:trust-authentication}".into(),
        schema_registry_url: "http://127.0.0.1:1".into(),
        tasks_max: 1,
        dead_letter_replication_factor: 1,
    };
    for connector in jdbc_sink_connectors(&topics, &settings, &sink).unwrap() {
        let mut config = serde_json::to_value(&connector.config).unwrap();
        // The local stand-in for the Schema Registry converter (see the module doc).
        config["value.converter"] = json!("org.apache.kafka.connect.json.JsonConverter");
        config["value.converter.schemas.enable"] = json!("true");
        config
            .as_object_mut()
            .unwrap()
            .remove("value.converter.schema.registry.url");
        config["connector.class"] = json!(connector.class);
        config["tasks.max"] = json!(connector.tasks_max.to_string());
        connect.put_connector(&connector.name, &config).unwrap();
        connect
            .wait_running(&connector.name, Duration::from_secs(90))
            .unwrap();
    }

    // What the pipeline emits: the watched days first after half the trace (EMIT CHANGES
    // updates), then after all of it; "continue watching" once per heartbeat, in arrival
    // order (LATEST_BY_OFFSET: the offline heartbeat, arriving last, is emitted last).
    let trace = trace();
    let early = run_pipeline(&trace[..5], &[], &settings);
    let full = run_pipeline(&trace, &[], &settings);
    let segments = rows_of(&full.segments);
    let days_early = rows_of(&early.watch_days);
    let days = rows_of(&full.watch_days);
    let impressions = rows_of(&full.impressions);
    let positions: Vec<Value> = trace
        .iter()
        .map(|r| {
            let h = &r.heartbeat;
            serde_json::to_value(ContinueWatching {
                viewer_id: h.viewer_id.clone(),
                video_id: h.video_id.clone(),
                position_secs: h.position_secs,
                event_time_ms: h.event_time_ms,
                device: serde_json::to_value(h.device)
                    .unwrap()
                    .as_str()
                    .unwrap()
                    .into(),
            })
            .unwrap()
        })
        .collect();
    let latest = rows_of(&full.continue_watching);
    assert_eq!(segments.len(), 4, "v1 once, v2 split by the pause, v2 on B");
    assert_eq!(days_early[0]["WATCHED_SECS"], 20);
    assert_eq!(days[0]["WATCHED_SECS"], 40, "A: 8 distinct heartbeats");
    assert_eq!(
        latest[0]["POSITION_SECS"], 15.5,
        "v1 on A: the latest event, not the last arrival"
    );

    let [
        segments_table,
        continue_table,
        days_table,
        impressions_table,
    ] = &SINK_TABLES;
    let produce = |table: &SinkTable, rows: &[Value]| {
        let records: Vec<(String, String)> = rows.iter().map(|r| record(table, r)).collect();
        let pairs: Vec<(&str, &str)> = records.iter().map(|(k, v)| (&k[..], &v[..])).collect();
        kafka.produce(&table.topic(&topics).name, &pairs).unwrap();
    };
    produce(segments_table, &segments);
    produce(segments_table, &segments[..1]);
    produce(days_table, &days_early);
    produce(days_table, &days);
    produce(impressions_table, &impressions);
    // One record per poll batch would hide an ordering problem; all in one go, in order.
    produce(continue_table, &positions);
    kafka
        .produce(
            &segments_table.topic(&topics).name,
            &[("bad", "this is not a ksqlDB record")],
        )
        .unwrap();

    let expectations = [
        (segments_table, &segments),
        (continue_table, &latest),
        (days_table, &days),
        (impressions_table, &impressions),
    ];
    for (table, rows) in expectations {
        let expected: Vec<String> = rows.iter().map(|r| expected_line(table, r)).collect();
        wait_for(
            &postgres,
            &connect,
            table.name,
            &select(table),
            &expected.join("\n"),
        );
    }

    // The product's query, for viewer v2: most recent first, served by the index.
    let query = CONTINUE_WATCHING_QUERY.replace("$1", "'v2'");
    assert_eq!(
        postgres.psql(&query).unwrap().trim(),
        format!("B|400.5|{}|tv\nA|300.5|{}|tv", T0 + 400_000, T0 + 300_000)
    );
    let plan = postgres
        .psql(&format!("SET enable_seqscan = off; EXPLAIN {query}"))
        .unwrap();
    assert!(plan.contains("continue_watching_recent"), "{plan}");

    // Royalties: none before any license terms; the watched time is kept.
    assert_eq!(royalties_in(&postgres), "");

    // The license team loads terms through the loader role, which may touch nothing else.
    postgres
        .psql(&format!(
            "CREATE ROLE license_team LOGIN; GRANT {LICENSE_LOADER_ROLE} TO license_team"
        ))
        .unwrap();
    let denied = postgres
        .psql(&format!(
            "SET ROLE {LICENSE_LOADER_ROLE}; UPDATE video_watch_daily SET watched_secs = 0"
        ))
        .unwrap_err();
    assert!(
        format!("{denied:#}").contains("permission denied"),
        "{denied:#}"
    );

    let terms = vec![
        term("A", "studio-1", 360_000, "2026-01-01", None),
        term("B", "studio-2", 12_345, "2026-05-01", Some("2026-06-01")),
    ];
    load_terms(&postgres, &terms).unwrap();
    let expected = run_pipeline(&trace, &terms, &settings).royalties;
    assert_eq!(expected.len(), 1, "A only: B's term ended the day before");
    assert_eq!(expected[0].amount_text(), "0.400000");
    assert_eq!(royalties_in(&postgres), royalty_lines(&expected));

    // A late correction: A's rate is 45.0000 from 1 June, B's term ran through June. The
    // already-loaded term of A ends where the new one begins; the rows may come in any order.
    let corrected = vec![
        term("A", "studio-1", 450_000, "2026-06-01", None),
        term("A", "studio-1", 360_000, "2026-01-01", Some("2026-06-01")),
        term("B", "studio-2", 12_345, "2026-05-01", Some("2026-07-01")),
    ];
    load_terms(&postgres, &corrected).unwrap();
    let expected = run_pipeline(&trace, &corrected, &settings).royalties;
    assert_eq!(expected.len(), 2);
    assert_eq!(royalties_in(&postgres), royalty_lines(&expected));
    assert!(royalty_lines(&expected).contains("studio-1|A|2026-06-01|40|0.500000"));

    // Overlapping terms are refused, naming the video, and the load changes nothing.
    let overlapping = vec![term("A", "studio-9", 10_000, "2026-03-01", None)];
    let err = load_terms(&postgres, &overlapping).unwrap_err();
    assert!(err.contains("video A has overlapping terms"), "{err}");
    assert_eq!(royalties_in(&postgres), royalty_lines(&expected));
    assert_eq!(
        postgres
            .psql("SELECT count(*) FROM video_licenses")
            .unwrap()
            .trim(),
        "3"
    );

    let dead = kafka
        .consume(&topics.dead_letter.name, 1, Duration::from_secs(60))
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].key.as_deref(), Some(&b"bad"[..]));
}
