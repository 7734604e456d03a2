//! The sink for real: the PostgreSQL DDL applied (twice) to PostgreSQL 15, Kafka (KRaft) and
//! Kafka Connect with the Debezium JDBC sink on loopback, the connectors as
//! `jdbc_sink_connectors` builds them, and records in exactly the shape the statements emit
//! (the reference model's rows: upper-case field names, ksqlDB's optional long/double/string
//! fields), including a royalty row seen twice (an `EMIT CHANGES` update) and a segment
//! delivered twice (at-least-once).
//!
//! One difference from production, stated plainly: production values are Avro through the
//! Schema Registry, read by Confluent's `AvroConverter`, which is not on Maven Central. Here the
//! same Connect schema (a struct of optional int64/double/string fields with the same names)
//! travels inline with Kafka's `JsonConverter` (`schemas.enable=true`), so everything after the
//! converter (field-to-column mapping, upsert keys, types, dead-letter routing) is what
//! production runs; the Avro decoding itself is not exercised.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use heartbeat_contract::{AdContext, Device, Heartbeat, HeartbeatRecord};
use ksql_pipeline::model::{VideoLicense, run_pipeline};
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

/// A viewer watching 4 heartbeats of video A with an ad on the first two, another viewer
/// watching A twice (a pause splits it), and a duplicate heartbeat.
fn trace() -> Vec<HeartbeatRecord> {
    vec![
        heartbeat(1, "v1", "A", 0, Some("ad-9")),
        heartbeat(2, "v1", "A", 5, Some("ad-9")),
        heartbeat(3, "v1", "A", 10, None),
        heartbeat(3, "v1", "A", 10, None),
        heartbeat(4, "v1", "A", 15, None),
        heartbeat(5, "v2", "A", 100, Some("ad-9")),
        heartbeat(6, "v2", "A", 105, None),
        heartbeat(7, "v2", "A", 300, None),
    ]
}

fn licenses() -> BTreeMap<String, VideoLicense> {
    BTreeMap::from([(
        "A".to_string(),
        VideoLicense {
            license_holder_id: "studio-1".into(),
            rate_per_hour: 36.0,
        },
    )])
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

#[test]
fn model_rows_reach_postgres_through_the_jdbc_sinks() {
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
            .psql("SELECT version FROM schema_migrations")
            .unwrap()
            .trim(),
        "1"
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

    // What the pipeline emits: first after half the trace (royalties update as segments
    // close), then after all of it.
    let trace = trace();
    let early = run_pipeline(&trace[..5], &licenses(), &settings);
    let full = run_pipeline(&trace, &licenses(), &settings);
    let segments = rows_of(&full.segments);
    let royalties_early = rows_of(&early.royalties);
    let royalties = rows_of(&full.royalties);
    let impressions = rows_of(&full.impressions);
    assert_eq!(segments.len(), 3, "v1 once, v2 split by the pause");
    assert_eq!(royalties_early[0]["WATCHED_SECS"], 20);
    assert_eq!(royalties[0]["WATCHED_SECS"], 35);

    let [segments_table, royalties_table, impressions_table] = &SINK_TABLES;
    let produce = |table: &SinkTable, rows: &[Value]| {
        let records: Vec<(String, String)> = rows.iter().map(|r| record(table, r)).collect();
        let pairs: Vec<(&str, &str)> = records.iter().map(|(k, v)| (&k[..], &v[..])).collect();
        kafka.produce(&table.topic(&topics).name, &pairs).unwrap();
    };
    produce(segments_table, &segments);
    produce(segments_table, &segments[..1]);
    produce(royalties_table, &royalties_early);
    produce(royalties_table, &royalties);
    produce(impressions_table, &impressions);
    kafka
        .produce(
            &segments_table.topic(&topics).name,
            &[("bad", "this is not a ksqlDB record")],
        )
        .unwrap();

    let expectations = [
        (segments_table, &segments),
        (royalties_table, &royalties),
        (impressions_table, &impressions),
    ];
    for (table, rows) in expectations {
        let expected: Vec<String> = rows.iter().map(|r| expected_line(table, r)).collect();
        let expected = expected.join("\n");
        let deadline = Instant::now() + Duration::from_secs(90);
        let mut got = String::new();
        while Instant::now() < deadline {
            got = postgres.psql(&select(table)).unwrap_or_default();
            if got.trim() == expected {
                break;
            }
            std::thread::sleep(Duration::from_millis(500));
        }
        assert_eq!(
            got.trim(),
            expected,
            "{}: connect log in {}",
            table.name,
            connect.dir().display()
        );
    }
    assert!(
        expected_line(royalties_table, &royalties[0]).contains("|35|0.350000"),
        "the royalty row was upserted to its later value"
    );

    let dead = kafka
        .consume(&topics.dead_letter.name, 1, Duration::from_secs(60))
        .unwrap();
    assert_eq!(dead.len(), 1);
    assert_eq!(dead[0].key.as_deref(), Some(&b"bad"[..]));
}
