//! Structural tests: the statements read only topics that exist, nothing joins slowly arriving
//! reference data, every window keeps closed windows long enough, only first copies of a
//! heartbeat are counted, windows come from the settings, and each sink table's DDL,
//! connector, statement output and reference-model row agree on columns and types.
//!
//! The statements are read back from their SQL text with a small parser that knows the shapes
//! this crate writes (one projection item per line, `expr AS alias`).

use std::collections::BTreeMap;

use ksql_pipeline::ddl::{SqlDialect, create_table};
use ksql_pipeline::model::{AdImpressions, ContinueWatching, VideoWatchDay, WatchedSegment};
use ksql_pipeline::{
    JdbcSinkSettings, KsqlStatement, PipelineSettings, PipelineTopics, SINK_TABLES,
    jdbc_sink_connectors, pipeline_statements,
};

/// Production-like partition counts, different from the defaults.
fn topics() -> PipelineTopics {
    PipelineTopics::with_partitions(48, 12)
}

fn statements() -> Vec<KsqlStatement> {
    pipeline_statements(&topics(), &PipelineSettings::default()).unwrap()
}

/// The value of `PROPERTY='...'` or `PROPERTY=...` in a statement's WITH clause.
fn with_property(sql: &str, property: &str) -> Option<String> {
    let start = sql.find(&format!("{property}="))? + property.len() + 1;
    let rest = &sql[start..];
    let end = rest.find([',', ')']).unwrap();
    Some(rest[..end].trim_matches('\'').to_string())
}

fn is_query(sql: &str) -> bool {
    sql.contains(" AS\n  SELECT")
}

/// Splits on commas outside parentheses and angle brackets.
fn split_top_level(text: &str) -> Vec<String> {
    let (mut depth, mut items, mut current) = (0, Vec::new(), String::new());
    for c in text.chars() {
        let arrow = c == '>' && current.ends_with('-');
        match c {
            '(' | '<' => depth += 1,
            ')' | '>' if !arrow => depth -= 1,
            ',' if depth == 0 => {
                items.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    items.push(current.trim().to_string());
    items
}

fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text.find(start).unwrap() + start.len();
    let to = from + text[from..].find(end).unwrap();
    &text[from..to]
}

/// The object names a query reads (after FROM and JOIN), with their aliases.
fn sources(sql: &str) -> Vec<(String, Option<String>)> {
    sql.lines()
        .filter_map(|l| {
            let l = l.trim();
            let rest = l
                .strip_prefix("FROM ")
                .or_else(|| l.strip_prefix("JOIN "))?;
            let mut words = rest.split_whitespace();
            let name = words.next()?.to_string();
            let alias = words.next().filter(|w| *w != "ON").map(str::to_string);
            Some((name, alias))
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KsqlType {
    Varchar,
    Bigint,
    Double,
    Other,
}

fn parse_type(t: &str) -> KsqlType {
    match t {
        "VARCHAR" => KsqlType::Varchar,
        "BIGINT" | "INT" => KsqlType::Bigint,
        "DOUBLE" => KsqlType::Double,
        _ => KsqlType::Other,
    }
}

/// Columns (name, type, is key) of every object, as the statements define them.
type Columns = Vec<(String, KsqlType, bool)>;

/// Declared columns; a `STRUCT<...>` column also yields its fields as `column->field`.
fn declared_columns(sql: &str) -> Columns {
    let mut columns = Columns::new();
    for c in split_top_level(between(sql, "(\n", "\n) WITH")) {
        let (name, rest) = c.split_once(' ').unwrap();
        let is_key = rest.ends_with(" KEY");
        let ty = rest
            .trim_end_matches(" PRIMARY KEY")
            .trim_end_matches(" KEY");
        columns.push((name.to_string(), parse_type(ty), is_key));
        if let Some(fields) = ty.strip_prefix("STRUCT<").and_then(|f| f.strip_suffix('>')) {
            for field in split_top_level(fields) {
                let (field, ty) = field.split_once(' ').unwrap();
                columns.push((format!("{name}->{field}"), parse_type(ty), false));
            }
        }
    }
    columns
}

/// The type of a projection expression, given the columns of the sources.
fn expr_type(expr: &str, scope: &BTreeMap<String, KsqlType>) -> KsqlType {
    let expr = expr.trim();
    for op in [" / ", " * "] {
        let parts = split_top_level(&expr.replace(op, ","));
        if parts.len() > 1 {
            let any_double = parts
                .iter()
                .any(|p| expr_type(p, scope) == KsqlType::Double);
            return if any_double {
                KsqlType::Double
            } else {
                KsqlType::Bigint
            };
        }
    }
    if let Some(inner) = expr
        .strip_prefix("AS_VALUE(")
        .or_else(|| expr.strip_prefix("MIN("))
        .or_else(|| expr.strip_prefix("MAX("))
        .or_else(|| expr.strip_prefix("SUM("))
        .or_else(|| expr.strip_prefix("EARLIEST_BY_OFFSET("))
        .or_else(|| expr.strip_prefix("LATEST_BY_OFFSET("))
    {
        return expr_type(inner.strip_suffix(')').unwrap(), scope);
    }
    if expr.starts_with("TIMESTAMPTOSTRING(") || expr.starts_with("CONCAT(") {
        return KsqlType::Varchar;
    }
    if expr.starts_with("COUNT(") || expr.starts_with("COUNT_DISTINCT(") {
        return KsqlType::Bigint;
    }
    if matches!(expr, "WINDOWSTART" | "WINDOWEND") || expr.parse::<i64>().is_ok() {
        return KsqlType::Bigint;
    }
    if expr.parse::<f64>().is_ok() {
        return KsqlType::Double;
    }
    let column = expr.rsplit('.').next().unwrap();
    *scope
        .get(column)
        .unwrap_or_else(|| panic!("unknown column {expr}"))
}

/// Walks the statements in order and returns every object's columns; panics if a statement
/// reads an object that no earlier statement created.
fn all_columns(statements: &[KsqlStatement]) -> BTreeMap<String, Columns> {
    let mut objects: BTreeMap<String, Columns> = BTreeMap::new();
    for statement in statements {
        let sql = &statement.sql;
        let columns = if is_query(sql) {
            let mut scope = BTreeMap::new();
            for (source, _) in sources(sql) {
                let columns = objects.get(&source).unwrap_or_else(|| {
                    panic!("{} reads {source} before it exists", statement.name)
                });
                for (name, ty, _) in columns {
                    scope.insert(name.clone(), *ty);
                }
            }
            let group_by: Vec<String> = sql
                .lines()
                .find_map(|l| l.trim().strip_prefix("GROUP BY "))
                .map(split_top_level)
                .unwrap_or_default();
            let partition_by = sql
                .lines()
                .find_map(|l| l.trim().strip_prefix("PARTITION BY "));
            split_top_level(between(sql, "SELECT ", "\n  FROM"))
                .iter()
                .map(|item| {
                    let (expr, alias) = item.rsplit_once(" AS ").unwrap_or((item, item));
                    let is_key = group_by.iter().any(|g| g == expr) || partition_by == Some(expr);
                    (alias.to_string(), expr_type(expr, &scope), is_key)
                })
                .collect()
        } else {
            declared_columns(sql)
        };
        objects.insert(statement.name.clone(), columns);
    }
    objects
}

#[test]
fn every_topic_a_statement_reads_exists_and_every_written_topic_is_sized_from_the_inputs() {
    let topics = topics();
    let statements = statements();
    let inputs = [&topics.heartbeats.name];
    let mut written: Vec<String> = Vec::new();
    for statement in &statements {
        let topic = with_property(&statement.sql, "KAFKA_TOPIC").unwrap();
        let spec = topics
            .by_name(&topic)
            .unwrap_or_else(|| panic!("{}: topic {topic} is not in the inputs", statement.name));
        if is_query(&statement.sql) {
            let partitions = with_property(&statement.sql, "PARTITIONS").unwrap();
            assert_eq!(
                partitions,
                spec.partitions.to_string(),
                "{}",
                statement.name
            );
            written.push(topic);
        } else {
            assert!(
                inputs.contains(&&topic) || written.contains(&topic),
                "{} reads {topic}, which neither KafkaStack nor an earlier statement provides",
                statement.name
            );
        }
    }
    all_columns(&statements);
}

#[test]
fn nothing_joins_reference_data_that_may_arrive_after_the_facts() {
    // A stream-table join drops (inner) or leaves unpriced (left) every record processed
    // before the table row arrived, and a corrected row never reaches the past: license terms
    // are joined in the database instead.
    for statement in statements() {
        assert!(
            !statement.sql.contains(" JOIN "),
            "{}: {}",
            statement.name,
            statement.sql
        );
    }
}

/// The window clause's (size or gap, retention, grace) in seconds, when it has one.
fn window(sql: &str) -> Option<(String, u64, Option<u64>, u64)> {
    let line = sql.lines().find_map(|l| l.trim().strip_prefix("WINDOW "))?;
    let (kind, rest) = line.split_once(" (").unwrap();
    let seconds = |part: &str| -> u64 {
        let words: Vec<&str> = part.split_whitespace().collect();
        let [.., n, unit] = words[..] else {
            panic!("{part}")
        };
        let n: u64 = n.parse().unwrap();
        match unit {
            "SECONDS" => n,
            "MINUTES" => n * 60,
            "HOURS" | "HOUR" => n * 3_600,
            "DAYS" => n * 86_400,
            other => panic!("unit {other} in {line}"),
        }
    };
    let parts: Vec<&str> = rest.trim_end_matches(')').split(", ").collect();
    let size = seconds(parts[0]);
    let retention = parts
        .iter()
        .find(|p| p.starts_with("RETENTION "))
        .map(|p| seconds(p));
    let grace = seconds(
        parts
            .iter()
            .find(|p| p.starts_with("GRACE PERIOD "))
            .unwrap(),
    );
    Some((kind.to_string(), size, retention, grace))
}

#[test]
fn every_window_has_a_retention_that_outlives_the_designed_stream_time_jump() {
    // docs/pipeline.md: an EMIT FINAL window must survive a stream-time jump of 12 hours;
    // Kafka Streams drops store segments of half the retention, so its retention is at least
    // 2 × (window + grace + 12 h). An EMIT CHANGES window has emitted everything already and
    // needs only what Kafka Streams requires, window + grace.
    const JUMP: u64 = 12 * 3_600;
    for grace in [0, 600, 3_600] {
        let settings = PipelineSettings {
            grace_period_secs: grace,
            ..Default::default()
        };
        let mut windows = 0;
        for statement in pipeline_statements(&topics(), &settings).unwrap() {
            let Some((kind, size, retention, grace)) = window(&statement.sql) else {
                continue;
            };
            windows += 1;
            let retention = retention
                .unwrap_or_else(|| panic!("{}: a window without RETENTION", statement.name));
            let bound = if statement.sql.ends_with("EMIT FINAL;") {
                2 * (size + grace + JUMP)
            } else {
                size + grace
            };
            assert!(
                retention >= bound,
                "{} ({kind}): retention {retention} < {bound}",
                statement.name
            );
        }
        assert_eq!(windows, 3, "dedup, segments, impressions");
    }
}

#[test]
fn only_first_copies_of_a_heartbeat_are_counted() {
    let statements = statements();
    let readers: Vec<_> = statements
        .iter()
        .filter(|s| {
            sources(&s.sql)
                .iter()
                .any(|(n, _)| n == "unique_heartbeats")
        })
        .collect();
    assert_eq!(readers.len(), 3, "segments, video days, impressions");
    for reader in readers {
        let filter = reader
            .sql
            .lines()
            .find_map(|l| l.trim().strip_prefix("WHERE "))
            .unwrap_or_else(|| panic!("{} reads every copy", reader.name));
        assert!(
            filter == "copies = 1" || filter.starts_with("copies = 1 AND "),
            "{}: WHERE {filter}",
            reader.name
        );
    }
    // No HAVING anywhere: a HAVING that stops holding writes a tombstone.
    assert!(statements.iter().all(|s| !s.sql.contains("HAVING")));
}

fn sink() -> JdbcSinkSettings {
    JdbcSinkSettings {
        connection_url: "jdbc:postgresql://yb-tservers:5433/heartbeat".into(),
        username: "pipeline_sink".into(),
        password: "${secrets:heartbeat/yugabyte-sink:password}".into(),
        schema_registry_url: "http://schema-registry:8081".into(),
        tasks_max: 1,
        dead_letter_replication_factor: 3,
    }
}

fn sql_type(ty: KsqlType) -> &'static str {
    match ty {
        KsqlType::Varchar => "TEXT",
        KsqlType::Bigint => "BIGINT",
        KsqlType::Double => "DOUBLE PRECISION",
        KsqlType::Other => panic!("no sink column type for {ty:?}"),
    }
}

/// Columns and types of a CREATE TABLE statement, read from its text.
fn ddl_columns(ddl: &str) -> Vec<(String, String)> {
    ddl.lines()
        .skip(1)
        .map(str::trim)
        .filter(|l| !l.starts_with("PRIMARY KEY") && !l.starts_with(')'))
        .map(|l| {
            let l = l.trim_end_matches(',').trim_end_matches(" NOT NULL");
            let (name, ty) = l.split_once(' ').unwrap();
            (name.to_string(), ty.to_string())
        })
        .collect()
}

fn json_type(value: &serde_json::Value) -> &'static str {
    match value {
        serde_json::Value::String(_) => "TEXT",
        serde_json::Value::Number(n) if n.is_i64() => "BIGINT",
        serde_json::Value::Number(_) => "DOUBLE PRECISION",
        other => panic!("unexpected model value {other}"),
    }
}

/// One model row per table, serialized as the pipeline emits it.
fn model_row(table: &str) -> serde_json::Value {
    let value = match table {
        "watched_segments" => serde_json::to_value(WatchedSegment {
            viewer_id: "v".into(),
            video_id: "a".into(),
            start_time_ms: 1,
            end_time_ms: 2,
            start_position_secs: 0.5,
            end_position_secs: 1.5,
            heartbeat_count: 1,
            watched_secs: 5,
        }),
        "continue_watching" => serde_json::to_value(ContinueWatching {
            viewer_id: "v".into(),
            video_id: "a".into(),
            position_secs: 12.5,
            event_time_ms: 1,
            device: "tv".into(),
        }),
        "video_watch_daily" => serde_json::to_value(VideoWatchDay {
            video_id: "a".into(),
            watch_day: "2026-06-01".into(),
            heartbeat_count: 1,
            watched_secs: 5,
        }),
        "ad_impressions_hourly" => serde_json::to_value(AdImpressions {
            ad_id: "x".into(),
            campaign_id: "c".into(),
            hour_start_ms: 0,
            hour_end_ms: 3_600_000,
            impressions: 1,
            seconds_shown: 5,
        }),
        other => panic!("no model row for {other}"),
    };
    value.unwrap()
}

#[test]
fn each_sink_table_agrees_with_its_statement_connector_and_model_row() {
    let topics = topics();
    let statements = statements();
    let columns = all_columns(&statements);
    let connectors = jdbc_sink_connectors(&topics, &PipelineSettings::default(), &sink()).unwrap();
    assert_eq!(connectors.len(), SINK_TABLES.len());
    for (table, connector) in SINK_TABLES.iter().zip(&connectors) {
        let expected: Vec<(String, String)> = table
            .columns
            .iter()
            .map(|c| (c.name.to_string(), c.ty.sql_type().to_string()))
            .collect();

        // The statement's value columns (its keys are binary and not sunk).
        let statement = statements.iter().find(|s| s.name == table.name).unwrap();
        let values: Vec<(String, String)> = columns[table.name]
            .iter()
            .filter(|(_, _, is_key)| !is_key)
            .map(|(name, ty, _)| (name.clone(), sql_type(*ty).to_string()))
            .collect();
        assert_eq!(values, expected, "{}: statement output", table.name);

        // The DDL, for both dialects.
        for dialect in [SqlDialect::Postgres, SqlDialect::Ysql { tablets: 4 }] {
            let ddl = create_table(table, dialect);
            assert_eq!(
                ddl_columns(&ddl),
                expected,
                "{}: {dialect:?} DDL",
                table.name
            );
        }

        // The connector reads the statement's topic into this table, keyed by its primary key.
        let config = &connector.config;
        assert_eq!(
            config["topics"],
            with_property(&statement.sql, "KAFKA_TOPIC").unwrap()
        );
        assert_eq!(config["collection.name.format"], table.name);
        let key_fields: Vec<String> = config["primary.key.fields"]
            .split(',')
            .map(|f| f.to_ascii_lowercase())
            .collect();
        assert_eq!(key_fields, table.primary_key, "{}", table.name);
        let ddl = create_table(table, SqlDialect::Postgres);
        assert!(ddl.contains(&format!("PRIMARY KEY ({})", table.primary_key.join(", "))));

        // The reference model's row has the same fields (upper case) and JSON types.
        let row = model_row(table.name);
        let fields: Vec<(String, String)> = row
            .as_object()
            .unwrap()
            .iter()
            .map(|(k, v)| (k.to_ascii_lowercase(), json_type(v).to_string()))
            .collect();
        let mut sorted_expected = expected.clone();
        sorted_expected.sort();
        let mut sorted_fields = fields;
        sorted_fields.sort();
        assert_eq!(sorted_fields, sorted_expected, "{}: model row", table.name);
        assert!(
            row.as_object()
                .unwrap()
                .keys()
                .all(|k| *k == k.to_ascii_uppercase())
        );
    }
}
