//! The Kafka record's value, written straight into the request's buffer.
//!
//! The bytes are exactly serde_json's serialization of the contract's `HeartbeatRecord` (a test
//! compares them over many heartbeats), without its cost: serde serializes the flattened
//! heartbeat as a map, escaping every key and value byte by byte, about a tenth of the API's CPU
//! per heartbeat in the benchmark. Here the keys are literals and an identifier the contract
//! already validated (letters, digits, `_.:-`) is copied as it is.

use std::io::Write;

use heartbeat_contract::{Heartbeat, SCHEMA_VERSION};

/// Appends the JSON of `heartbeat.into_record(received_at_ms)` to `out`.
pub fn write(out: &mut Vec<u8>, heartbeat: &Heartbeat, received_at_ms: i64) {
    out.extend_from_slice(b"{\"schema_version\":");
    number(out, SCHEMA_VERSION);
    out.extend_from_slice(b",\"received_at_ms\":");
    number(out, received_at_ms);
    out.extend_from_slice(b",\"event_id\":");
    string(out, &heartbeat.event_id);
    out.extend_from_slice(b",\"viewer_id\":");
    string(out, &heartbeat.viewer_id);
    out.extend_from_slice(b",\"video_id\":");
    string(out, &heartbeat.video_id);
    out.extend_from_slice(b",\"session_id\":");
    string(out, &heartbeat.session_id);
    out.extend_from_slice(b",\"position_secs\":");
    number(out, heartbeat.position_secs);
    out.extend_from_slice(b",\"event_time_ms\":");
    number(out, heartbeat.event_time_ms);
    out.extend_from_slice(b",\"device\":");
    with_serde(out, heartbeat.device);
    if let Some(ad) = &heartbeat.ad {
        out.extend_from_slice(b",\"ad\":{\"ad_id\":");
        string(out, &ad.ad_id);
        out.extend_from_slice(b",\"campaign_id\":");
        string(out, &ad.campaign_id);
        out.push(b'}');
    }
    out.push(b'}');
}

/// A string as serde_json writes it: copied when nothing needs escaping, else through serde_json.
fn string(out: &mut Vec<u8>, value: &str) {
    if value.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
        out.push(b'"');
        out.extend_from_slice(value.as_bytes());
        out.push(b'"');
    } else {
        with_serde(out, value);
    }
}

/// A number exactly as serde_json writes it (integers with `itoa`, floats shortest round-trip).
fn number(out: &mut Vec<u8>, value: impl serde::Serialize) {
    with_serde(out, value);
}

/// Any value through serde_json.
fn with_serde(out: &mut Vec<u8>, value: impl serde::Serialize) {
    serde_json::to_writer(out.by_ref(), &value).expect("writing JSON to a Vec cannot fail");
}

#[cfg(test)]
mod tests {
    use heartbeat_contract::{AdContext, Device};

    use super::*;

    const DEVICES: [Device; 6] = [
        Device::Tv,
        Device::Mobile,
        Device::Tablet,
        Device::Web,
        Device::Console,
        Device::Other,
    ];
    const STRINGS: [&str; 8] = [
        "viewer-1",
        "evt.0001:a_b-C",
        "x",
        "quote\"d",
        "back\\slash",
        "tab\tnew\nline\u{1}",
        "é ü 漢字 🎬",
        "",
    ];
    const POSITIONS: [f64; 7] = [0.0, 5.0, 125.5, 0.1, 1e-7, 172_800.0, 3_599.999_9];

    fn sample(i: usize) -> Heartbeat {
        let s = |k: usize| STRINGS[(i * 7 + k * 3) % STRINGS.len()].to_owned();
        Heartbeat {
            event_id: s(0),
            viewer_id: s(1),
            video_id: s(2),
            session_id: s(3),
            position_secs: POSITIONS[i % POSITIONS.len()],
            event_time_ms: 1_780_000_000_000 - (i as i64) * 997,
            device: DEVICES[i % DEVICES.len()],
            ad: (!i.is_multiple_of(3)).then(|| AdContext {
                ad_id: s(4),
                campaign_id: s(5),
            }),
        }
    }

    #[test]
    fn the_value_is_byte_for_byte_serdes_heartbeat_record() {
        let mut out = Vec::new();
        for i in 0..500 {
            let heartbeat = sample(i);
            let received_at_ms = 1_780_000_000_000 + i as i64;
            out.clear();
            write(&mut out, &heartbeat, received_at_ms);
            let expected = serde_json::to_vec(&heartbeat.clone().into_record(received_at_ms));
            assert_eq!(
                String::from_utf8(out.clone()).unwrap(),
                String::from_utf8(expected.unwrap()).unwrap(),
                "{heartbeat:?}"
            );
        }
    }

    #[test]
    fn records_append_to_the_buffer() {
        let mut out = b"[".to_vec();
        write(&mut out, &sample(1), 7);
        let end = out.len();
        write(&mut out, &sample(2), 8);
        let first: serde_json::Value = serde_json::from_slice(&out[1..end]).unwrap();
        let second: serde_json::Value = serde_json::from_slice(&out[end..]).unwrap();
        assert_eq!(
            (
                first["received_at_ms"].clone(),
                second["received_at_ms"].clone()
            ),
            (7.into(), 8.into())
        );
    }
}
