//! PostgreSQL answers SQL, and Kafka Connect's JDBC sink writes a topic's records into it.

use std::time::{Duration, Instant};

use local_dataplane::{Connect, Installation, JDBC_SINK_CLASS, Kafka, POSTGRES_USER, Postgres};
use serde_json::json;

#[test]
fn the_jdbc_sink_writes_records_into_postgres() {
    if let Err(missing) = Installation::find() {
        println!("SKIPPED: {missing:#}");
        return;
    }
    let postgres = Postgres::start().unwrap();
    assert_eq!(postgres.psql("SELECT 40 + 2").unwrap().trim(), "42");

    let kafka = Kafka::start().unwrap();
    kafka.create_topic("watched", 1).unwrap();
    let connect = Connect::start(&kafka, &[]).unwrap();
    connect
        .put_connector(
            "watched-sink",
            &json!({
                "connector.class": JDBC_SINK_CLASS,
                "topics": "watched",
                "connection.url": postgres.jdbc_url(),
                "connection.username": POSTGRES_USER,
                "connection.password": "unused",
                "insert.mode": "upsert",
                "primary.key.mode": "record_key",
                "schema.evolution": "basic",
                "key.converter.schemas.enable": "true",
                "value.converter.schemas.enable": "true",
            }),
        )
        .unwrap();
    connect
        .wait_running("watched-sink", Duration::from_secs(60))
        .unwrap();

    let key_schema = json!({"type": "struct", "fields": [
        {"field": "viewer_id", "type": "string", "optional": false}]});
    let value_schema = json!({"type": "struct", "fields": [
        {"field": "viewer_id", "type": "string", "optional": false},
        {"field": "watched_secs", "type": "double", "optional": false}]});
    let record = |viewer: &str, secs: f64| {
        (
            json!({"schema": key_schema, "payload": {"viewer_id": viewer}}).to_string(),
            json!({"schema": value_schema, "payload": {"viewer_id": viewer, "watched_secs": secs}})
                .to_string(),
        )
    };
    let records = [record("v1", 5.0), record("v2", 10.0), record("v1", 15.0)];
    let pairs: Vec<(&str, &str)> = records.iter().map(|(k, v)| (&k[..], &v[..])).collect();
    kafka.produce("watched", &pairs).unwrap();

    let deadline = Instant::now() + Duration::from_secs(60);
    let expected = "v1|15\nv2|10";
    let mut rows = String::new();
    while Instant::now() < deadline {
        rows = postgres
            .psql("SELECT viewer_id, watched_secs FROM watched ORDER BY viewer_id")
            .unwrap_or_default();
        if rows.trim() == expected {
            break;
        }
        std::thread::sleep(Duration::from_millis(500));
    }
    assert_eq!(
        rows.trim(),
        expected,
        "connect log: {}",
        connect.dir().display()
    );
}
