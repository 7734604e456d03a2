//! The broker starts, takes records and gives them back; it survives a kill and resume.

use std::time::Duration;

use local_dataplane::{Installation, Kafka};

#[test]
fn records_produced_are_consumed_back_also_after_a_broker_restart() {
    if let Err(missing) = Installation::find() {
        println!("SKIPPED: {missing:#}");
        return;
    }
    let mut kafka = Kafka::start().unwrap();
    kafka.create_topic("checks", 2).unwrap();
    kafka
        .produce("checks", &[("a", "1"), ("b", "2"), ("a", "3")])
        .unwrap();
    kafka.kill();
    kafka.resume().unwrap();
    kafka.produce("checks", &[("b", "4")]).unwrap();

    let records = kafka.consume("checks", 4, Duration::from_secs(60)).unwrap();
    let mut seen: Vec<(String, String)> = records
        .iter()
        .map(|r| {
            let text = |b: &Option<Vec<u8>>| String::from_utf8(b.clone().unwrap()).unwrap();
            (text(&r.key), text(&r.value))
        })
        .collect();
    // Per key the order is kept; across keys (partitions) it is not, so compare per key.
    seen.sort_by(|x, y| x.0.cmp(&y.0));
    assert_eq!(
        seen,
        [("a", "1"), ("a", "3"), ("b", "2"), ("b", "4")].map(|(k, v)| (k.into(), v.into()))
    );
}
