//! The request body: one heartbeat object, or an array of at most [`MAX_BATCH_LEN`] of them,
//! parsed strictly (types, unknown fields) and validated against the contract.

use heartbeat_contract::{FieldError, Heartbeat, MAX_BATCH_LEN};
use serde::Deserialize;
use serde::de::{self, Deserializer, SeqAccess, Visitor};

/// Which shapes a route accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// One object or an array (`POST /v1/heartbeats`).
    ObjectOrArray,
    /// An array only (`POST /v1/heartbeats:batch`).
    Array,
}

/// Parses and validates a body against the server clock `now_ms`.
///
/// On error, [`FieldError::field`] is the path of the offending value: `viewer_id` for a single
/// object, `[3].ad.ad_id` inside an array, `$` for the body as a whole.
pub fn parse(bytes: &[u8], shape: Shape, now_ms: i64) -> Result<Vec<Heartbeat>, FieldError> {
    let heartbeats = deserialize(bytes, shape)?;
    let is_batch = !matches!(first_non_space(bytes), Some(b'{'));
    for (i, heartbeat) in heartbeats.iter().enumerate() {
        heartbeat.validate(now_ms).map_err(|e| FieldError {
            field: if is_batch {
                format!("[{i}].{}", e.field)
            } else {
                e.field
            },
            reason: e.reason,
        })?;
    }
    Ok(heartbeats)
}

fn first_non_space(bytes: &[u8]) -> Option<u8> {
    bytes.iter().copied().find(|b| !b.is_ascii_whitespace())
}

fn deserialize(bytes: &[u8], shape: Shape) -> Result<Vec<Heartbeat>, FieldError> {
    let whole = |reason: &str| FieldError {
        field: "$".into(),
        reason: reason.into(),
    };
    match (first_non_space(bytes), shape) {
        (Some(b'{'), Shape::ObjectOrArray) => from_json::<Heartbeat>(bytes).map(|h| vec![h]),
        (Some(b'['), _) => from_json::<Batch>(bytes).map(|b| b.0),
        (Some(b'{'), Shape::Array) => Err(whole(
            "this route takes a JSON array of heartbeats; post a single one to /v1/heartbeats",
        )),
        _ => Err(whole(
            "must be a JSON object (one heartbeat) or array of them",
        )),
    }
}

/// Deserializes with the path of the failing value kept (`serde_path_to_error`).
fn from_json<'de, T: Deserialize<'de>>(bytes: &'de [u8]) -> Result<T, FieldError> {
    let mut json = serde_json::Deserializer::from_slice(bytes);
    let value = serde_path_to_error::deserialize(&mut json).map_err(|e| {
        let path = e.path().to_string();
        let reason = describe(&e.into_inner());
        // An empty key (`{"": 1}`) ends the path in an empty segment: name the object that
        // holds it instead ("" and "." are the body itself).
        let holder = match path.strip_suffix('.').unwrap_or(&path) {
            "." => "",
            holder => holder,
        };
        // serde names a missing field only in its message, on the path of the object that
        // lacks it: name the field itself (`viewer_id`, `[3].viewer_id`, `ad.ad_id`).
        let missing = reason
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split_once('`'))
            .map(|(name, _)| name);
        let field = match (holder, missing) {
            ("", None) => "$".to_owned(),
            ("", Some(name)) => name.to_owned(),
            (holder, None) => holder.to_owned(),
            (holder, Some(name)) => format!("{holder}.{name}"),
        };
        FieldError { field, reason }
    })?;
    json.end().map_err(|e| FieldError {
        field: "$".into(),
        reason: describe(&e),
    })?;
    Ok(value)
}

/// serde_json's message without its " at line X column Y" suffix (the path says where).
fn describe(error: &serde_json::Error) -> String {
    let text = error.to_string();
    match text.rfind(" at line ") {
        Some(at) => text[..at].to_owned(),
        None => text,
    }
}

/// An array of heartbeats that stops reading at [`MAX_BATCH_LEN`] + 1 elements, so an oversized
/// batch costs no more than a full one.
struct Batch(Vec<Heartbeat>);

impl<'de> Deserialize<'de> for Batch {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct BatchVisitor;
        impl<'de> Visitor<'de> for BatchVisitor {
            type Value = Batch;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(f, "an array of 1 to {MAX_BATCH_LEN} heartbeats")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Batch, A::Error> {
                let mut all = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(MAX_BATCH_LEN));
                while let Some(heartbeat) = seq.next_element()? {
                    if all.len() == MAX_BATCH_LEN {
                        return Err(de::Error::custom(format!(
                            "a batch holds at most {MAX_BATCH_LEN} heartbeats; split it"
                        )));
                    }
                    all.push(heartbeat);
                }
                if all.is_empty() {
                    return Err(de::Error::custom("a batch holds at least 1 heartbeat"));
                }
                Ok(Batch(all))
            }
        }
        deserializer.deserialize_seq(BatchVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{Value, json};

    const NOW: i64 = 1_780_000_000_000;

    fn valid() -> Value {
        json!({
            "event_id": "evt-00000001", "viewer_id": "viewer-1", "video_id": "video-9",
            "session_id": "sess-1", "position_secs": 125.5, "event_time_ms": NOW - 1000,
            "device": "tv", "ad": {"ad_id": "ad-1", "campaign_id": "camp-1"}
        })
    }

    fn error_of(body: &Value, shape: Shape) -> FieldError {
        parse(body.to_string().as_bytes(), shape, NOW).unwrap_err()
    }

    #[test]
    fn one_object_and_an_array_both_parse() {
        let one = parse(valid().to_string().as_bytes(), Shape::ObjectOrArray, NOW).unwrap();
        assert_eq!(one.len(), 1);
        assert_eq!(one[0].viewer_id, "viewer-1");
        let many = json!([valid(), valid(), valid()]).to_string();
        assert_eq!(parse(many.as_bytes(), Shape::Array, NOW).unwrap().len(), 3);
        assert_eq!(
            parse(many.as_bytes(), Shape::ObjectOrArray, NOW)
                .unwrap()
                .len(),
            3
        );
    }

    #[test]
    fn every_bad_field_is_named_with_its_reason() {
        let cases: &[(&str, Value, &str)] = &[
            ("event_id", json!("short"), "8 to 64 characters"),
            ("viewer_id", json!(""), "1 to 64 characters"),
            ("video_id", json!("a b"), "letters, digits"),
            ("session_id", json!("x".repeat(65)), "1 to 64"),
            ("position_secs", json!(-1), "from 0 to 172800"),
            ("position_secs", json!(172_800.5), "from 0 to 172800"),
            ("event_time_ms", json!(NOW + 301_000), "5 minutes ahead"),
            (
                "event_time_ms",
                json!(NOW - 8 * 86_400_000_i64),
                "7 days old",
            ),
            ("device", json!("fridge"), "unknown variant `fridge`"),
            ("event_id", json!(12345678), "invalid type: integer"),
            ("position_secs", json!("12"), "invalid type: string"),
            ("event_time_ms", json!(1.5), "invalid type: floating point"),
            ("ad", json!("ad-1"), "invalid type: string"),
        ];
        for (field, bad, reason) in cases {
            let mut body = valid();
            body[*field] = bad.clone();
            let err = error_of(&body, Shape::ObjectOrArray);
            assert_eq!(err.field, *field, "{err}");
            assert!(err.reason.contains(reason), "{field}: {err}");
        }
    }

    #[test]
    fn an_empty_key_is_reported_on_the_body_not_as_an_empty_field() {
        // The first input is the fuzzer's (fuzz/run.sh): a stray `""` key, then garbage.
        let fuzzed: &[u8] = b"{\"event_id\":\"evt-00000001\",\"\"position_secs\"vi\"";
        assert_eq!(
            parse(fuzzed, Shape::ObjectOrArray, NOW).unwrap_err().field,
            "$"
        );
        let in_batch = parse(br#"[{"": 1}]"#, Shape::Array, NOW).unwrap_err();
        assert_eq!(in_batch.field, "[0]");
        let mut body = valid();
        body["ad"][""] = json!(1);
        assert_eq!(error_of(&body, Shape::ObjectOrArray).field, "ad");
        let err = parse(br#"{"": 1}"#, Shape::ObjectOrArray, NOW).unwrap_err();
        assert_eq!(err.field, "$");
        assert!(err.reason.contains("unknown field ``"), "{err}");
    }

    #[test]
    fn nested_and_missing_and_unknown_fields_are_named() {
        let mut body = valid();
        body["ad"]["campaign_id"] = json!("é");
        assert_eq!(
            error_of(&body, Shape::ObjectOrArray).field,
            "ad.campaign_id"
        );

        let mut body = valid();
        body["ad"]["ad_id"] = json!(7);
        assert_eq!(error_of(&body, Shape::ObjectOrArray).field, "ad.ad_id");

        let mut body = valid();
        body.as_object_mut().unwrap().remove("viewer_id");
        let err = error_of(&body, Shape::ObjectOrArray);
        assert_eq!(err.field, "viewer_id", "{err}");
        assert!(err.reason.contains("missing field `viewer_id`"), "{err}");
        let err = error_of(&json!([valid(), valid(), valid(), body]), Shape::Array);
        assert_eq!(err.field, "[3].viewer_id", "{err}");

        let mut body = valid();
        body["ad"].as_object_mut().unwrap().remove("ad_id");
        assert_eq!(error_of(&body, Shape::ObjectOrArray).field, "ad.ad_id");

        let mut body = valid();
        body["colour"] = json!("red");
        let err = error_of(&body, Shape::ObjectOrArray);
        assert_eq!(err.field, "colour", "{err}");
        assert!(err.reason.contains("unknown field `colour`"), "{err}");

        let mut body = valid();
        body["ad"]["colour"] = json!("red");
        let err = error_of(&body, Shape::ObjectOrArray);
        assert_eq!(err.field, "ad.colour", "{err}");
        assert!(err.reason.contains("unknown field `colour`"), "{err}");
    }

    #[test]
    fn errors_inside_a_batch_carry_the_index() {
        let mut bad = valid();
        bad["viewer_id"] = json!("");
        let err = error_of(&json!([valid(), bad]), Shape::Array);
        assert_eq!(err.field, "[1].viewer_id", "{err}");

        let mut bad = valid();
        bad["device"] = json!(3);
        let err = error_of(&json!([valid(), valid(), bad]), Shape::Array);
        assert_eq!(err.field, "[2].device", "{err}");
    }

    #[test]
    fn batch_bounds_and_shapes_are_enforced() {
        let full = Value::Array(vec![valid(); MAX_BATCH_LEN]);
        assert_eq!(
            parse(full.to_string().as_bytes(), Shape::Array, NOW)
                .unwrap()
                .len(),
            MAX_BATCH_LEN
        );
        let over = Value::Array(vec![valid(); MAX_BATCH_LEN + 1]);
        let err = error_of(&over, Shape::Array);
        assert!(err.reason.contains("at most 500"), "{err}");
        assert!(
            error_of(&json!([]), Shape::Array)
                .reason
                .contains("at least 1")
        );
        let err = error_of(&valid(), Shape::Array);
        assert_eq!(err.field, "$");
        assert!(err.reason.contains("JSON array"), "{err}");
        for body in ["", "  ", "42", "\"x\"", "null"] {
            let err = parse(body.as_bytes(), Shape::ObjectOrArray, NOW).unwrap_err();
            assert_eq!(err.field, "$", "{body:?}");
        }
    }

    #[test]
    fn malformed_json_and_trailing_data_are_rejected() {
        let text = valid().to_string();
        for body in [
            &text[..text.len() - 1],
            &format!("{text} {{}}"),
            "{\"event_id\": }",
        ] {
            let err = parse(body.as_bytes(), Shape::ObjectOrArray, NOW).unwrap_err();
            assert!(!err.reason.is_empty(), "{body}: {err}");
        }
        let err = parse(format!("{text}x").as_bytes(), Shape::ObjectOrArray, NOW).unwrap_err();
        assert_eq!(err.field, "$");
        assert!(err.reason.contains("trailing characters"), "{err}");
    }

    /// Every prefix and every single-byte corruption of a valid batch either parses or yields a
    /// field error; none panics (the cargo-fuzz target in fuzz/ explores further).
    #[test]
    fn truncated_and_corrupted_bodies_never_panic() {
        let body = json!([valid(), valid()]).to_string().into_bytes();
        for end in 0..body.len() {
            let _ = parse(&body[..end], Shape::ObjectOrArray, NOW);
        }
        for i in 0..body.len() {
            for byte in [b'"', b'{', b']', b'\\', 0xff, b'9'] {
                let mut corrupt = body.clone();
                corrupt[i] = byte;
                if let Err(e) = parse(&corrupt, Shape::Array, NOW) {
                    assert!(!e.field.is_empty());
                }
            }
        }
    }
}
