//! The capacity model: from load figures to the size of every tier.
//!
//! All sizes derive from the *design peak*: the peak heartbeat rate times the growth headroom
//! (the platform must take a doubling of load without a redesign). The per-unit figures are
//! planning assumptions, each a field of [`UnitCapacity`] so a stack can restate them after a
//! benchmark; the defaults are conservative:
//!
//! | unit | default | source |
//! | --- | --- | --- |
//! | records per Kafka partition per second | 10,000 | keeps one ksqlDB stream thread per partition comfortably under its limit |
//! | replicated write per broker | 30 MB/s | gp3 baseline throughput is 125 MB/s; leave room for reads, catch-up and rebalancing |
//! | disk per broker | 2,000 GiB | bounds recovery time after a broker loss |
//! | disk fill ceiling | 70 % | headroom before Kafka's log retention must act |
//! | heartbeats per ingest replica per second | 25,000 | the ingest benchmark's single-core figure, with margin |
//! | records per ksqlDB server per second | 50,000 | |
//! | output rows per Connect task per second | 5,000 | JDBC upserts in batches |

use serde::{Deserialize, Serialize};

use crate::problems::Problems;

/// The load the platform must carry (config key `heartbeat-platform:load`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct LoadFigures {
    /// Heartbeats per second at the daily peak (the seed design: 100,000).
    pub peak_heartbeats_per_second: u64,
    /// Heartbeats per day (the seed design: about 300 million).
    pub daily_heartbeats: u64,
    /// Average size of one heartbeat record on the topic, in bytes.
    #[serde(default = "default_heartbeat_bytes")]
    pub heartbeat_bytes: u64,
    /// How long raw heartbeats stay on Kafka, in days.
    #[serde(default = "default_retention_days")]
    pub retention_days: u64,
    /// How long output rows stay in the database, in days.
    #[serde(default = "default_database_retention_days")]
    pub database_retention_days: u64,
    /// Output rows (segments, royalty and impression rows) per heartbeat, on average.
    #[serde(default = "default_rows_per_heartbeat")]
    pub output_rows_per_heartbeat: f64,
    /// Multiplier for growth: 2.0 sizes for twice today's load.
    #[serde(default = "default_growth_headroom")]
    pub growth_headroom: f64,
    /// The planning assumptions per unit.
    #[serde(default)]
    pub unit_capacity: UnitCapacity,
}

fn default_heartbeat_bytes() -> u64 {
    300
}
fn default_retention_days() -> u64 {
    7
}
fn default_database_retention_days() -> u64 {
    400
}
fn default_rows_per_heartbeat() -> f64 {
    0.01
}
fn default_growth_headroom() -> f64 {
    2.0
}

/// What one unit of each tier is planned to carry.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields, default)]
pub struct UnitCapacity {
    /// Records per second one Kafka partition is planned to carry.
    pub records_per_partition: u64,
    /// Replicated write throughput per broker, in MB/s.
    pub broker_write_mb_per_second: f64,
    /// The largest data volume per broker, in GiB.
    pub max_broker_disk_gib: u64,
    /// The fraction of a disk that may fill before it counts as full.
    pub disk_fill_ceiling: f64,
    /// Heartbeats per second one ingest replica is planned to carry.
    pub heartbeats_per_ingest_replica: u64,
    /// Records per second one ksqlDB server is planned to process.
    pub records_per_ksql_server: u64,
    /// Output rows per second one Connect task is planned to upsert.
    pub rows_per_connect_task: u64,
    /// Bytes one output row takes in the database, with indexes.
    pub database_row_bytes: u64,
}

impl Default for UnitCapacity {
    fn default() -> Self {
        Self {
            records_per_partition: 10_000,
            broker_write_mb_per_second: 30.0,
            max_broker_disk_gib: 2_000,
            disk_fill_ceiling: 0.7,
            heartbeats_per_ingest_replica: 25_000,
            records_per_ksql_server: 50_000,
            rows_per_connect_task: 5_000,
            database_row_bytes: 400,
        }
    }
}

/// The sizes derived from the load.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sizing {
    /// Heartbeats per second the platform is sized for (peak × headroom).
    pub design_heartbeats_per_second: u64,
    /// Partitions of the heartbeats topic (a multiple of the broker count).
    pub heartbeat_partitions: u32,
    /// Kafka brokers.
    pub kafka_brokers: u32,
    /// Data volume per broker, in GiB.
    pub broker_disk_gib: u64,
    /// Ingest API replicas (a multiple of the zone count).
    pub ingest_replicas: u32,
    /// ksqlDB servers.
    pub ksql_servers: u32,
    /// Kafka Connect workers.
    pub connect_workers: u32,
    /// YugabyteDB tablet servers (a multiple of the zone count).
    pub database_tservers: u32,
    /// Data volume per tablet server, in GiB.
    pub database_disk_gib: u64,
}

const GIB: f64 = 1024.0 * 1024.0 * 1024.0;
const MB: f64 = 1_000_000.0;

impl LoadFigures {
    /// `peak` heartbeats per second and `daily` heartbeats a day, with the documented defaults
    /// for every other figure.
    pub fn new(peak: u64, daily: u64) -> Self {
        Self {
            peak_heartbeats_per_second: peak,
            daily_heartbeats: daily,
            heartbeat_bytes: default_heartbeat_bytes(),
            retention_days: default_retention_days(),
            database_retention_days: default_database_retention_days(),
            output_rows_per_heartbeat: default_rows_per_heartbeat(),
            growth_headroom: default_growth_headroom(),
            unit_capacity: UnitCapacity::default(),
        }
    }

    /// Checks the figures; problems are keyed under `prefix`.
    pub fn validate(&self, problems: &mut Problems) {
        problems.check(
            self.peak_heartbeats_per_second > 0,
            "peakHeartbeatsPerSecond",
            self.peak_heartbeats_per_second,
            "set the peak heartbeat rate, a positive integer (the seed design: 100000)",
        );
        problems.check(
            self.daily_heartbeats > 0,
            "dailyHeartbeats",
            self.daily_heartbeats,
            "set the heartbeats per day, a positive integer (the seed design: 300000000)",
        );
        problems.check(
            self.daily_heartbeats <= self.peak_heartbeats_per_second.saturating_mul(86_400),
            "dailyHeartbeats",
            self.daily_heartbeats,
            "cannot exceed peakHeartbeatsPerSecond × 86400; check both figures",
        );
        problems.check(
            (1..=10_000).contains(&self.heartbeat_bytes),
            "heartbeatBytes",
            self.heartbeat_bytes,
            "use the average record size in bytes, 1 to 10000",
        );
        problems.check(
            (1..=365).contains(&self.retention_days),
            "retentionDays",
            self.retention_days,
            "use 1 to 365 days of Kafka retention",
        );
        problems.check(
            self.growth_headroom >= 1.0 && self.growth_headroom <= 10.0,
            "growthHeadroom",
            self.growth_headroom,
            "use a multiplier from 1.0 to 10.0 (2.0 sizes for double today's load)",
        );
        let u = &self.unit_capacity;
        problems.check(
            u.disk_fill_ceiling > 0.1 && u.disk_fill_ceiling <= 0.9,
            "unitCapacity.diskFillCeiling",
            u.disk_fill_ceiling,
            "use a fraction from 0.1 to 0.9",
        );
        for (field, value) in [
            ("unitCapacity.recordsPerPartition", u.records_per_partition),
            ("unitCapacity.maxBrokerDiskGib", u.max_broker_disk_gib),
            (
                "unitCapacity.heartbeatsPerIngestReplica",
                u.heartbeats_per_ingest_replica,
            ),
            (
                "unitCapacity.recordsPerKsqlServer",
                u.records_per_ksql_server,
            ),
            ("unitCapacity.rowsPerConnectTask", u.rows_per_connect_task),
            ("unitCapacity.databaseRowBytes", u.database_row_bytes),
        ] {
            problems.check(value > 0, field, value, "must be a positive integer");
        }
        problems.check(
            u.broker_write_mb_per_second > 0.0,
            "unitCapacity.brokerWriteMbPerSecond",
            u.broker_write_mb_per_second,
            "must be positive",
        );
    }

    /// Sizes every tier for `zones` availability zones and a Kafka replication factor.
    pub fn size(&self, zones: u32, replication_factor: u32) -> Sizing {
        let u = &self.unit_capacity;
        let design = (self.peak_heartbeats_per_second as f64 * self.growth_headroom).ceil() as u64;
        let rf = f64::from(replication_factor.max(1));

        // Brokers: enough for the replicated write rate and for the retained data.
        let write_mb = design as f64 * self.heartbeat_bytes as f64 / MB;
        let by_throughput = (write_mb * rf / u.broker_write_mb_per_second).ceil() as u32;
        let retained_gib = self.daily_heartbeats as f64
            * self.growth_headroom
            * self.heartbeat_bytes as f64
            * self.retention_days as f64
            * rf
            / GIB;
        let usable_per_broker = u.max_broker_disk_gib as f64 * u.disk_fill_ceiling;
        let by_disk = (retained_gib / usable_per_broker).ceil() as u32;
        let kafka_brokers = by_throughput.max(by_disk).max(replication_factor).max(1);
        let broker_disk_gib = round_up(
            (retained_gib / f64::from(kafka_brokers) / u.disk_fill_ceiling).ceil() as u64,
            10,
        )
        .max(20);

        let partitions = design.div_ceil(u.records_per_partition) as u32;
        let heartbeat_partitions = round_up(
            u64::from(partitions.max(kafka_brokers)),
            u64::from(kafka_brokers),
        ) as u32;

        let ingest_replicas = round_up(
            design.div_ceil(u.heartbeats_per_ingest_replica),
            u64::from(zones),
        ) as u32;
        let ksql_servers = (design.div_ceil(u.records_per_ksql_server) as u32).max(1);
        let output_rows = (design as f64 * self.output_rows_per_heartbeat).ceil() as u64;
        let connect_workers = (output_rows.div_ceil(u.rows_per_connect_task) as u32).max(1);

        let database_tservers = zones.max(3).div_ceil(zones) * zones;
        let db_bytes = self.daily_heartbeats as f64
            * self.growth_headroom
            * self.output_rows_per_heartbeat
            * self.database_retention_days as f64
            * u.database_row_bytes as f64
            * 3.0; // YugabyteDB keeps three copies
        let database_disk_gib = round_up(
            (db_bytes / GIB / f64::from(database_tservers) / u.disk_fill_ceiling).ceil() as u64,
            10,
        )
        .max(20);

        Sizing {
            design_heartbeats_per_second: design,
            heartbeat_partitions,
            kafka_brokers,
            broker_disk_gib,
            ingest_replicas,
            ksql_servers,
            connect_workers,
            database_tservers,
            database_disk_gib,
        }
    }
}

fn round_up(value: u64, multiple: u64) -> u64 {
    value.div_ceil(multiple.max(1)) * multiple.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The seed design's figures, each written out: the worked numbers below depend on them.
    fn seed() -> LoadFigures {
        LoadFigures {
            peak_heartbeats_per_second: 100_000,
            daily_heartbeats: 300_000_000,
            heartbeat_bytes: 300,
            retention_days: 7,
            database_retention_days: 400,
            output_rows_per_heartbeat: 0.01,
            growth_headroom: 2.0,
            unit_capacity: UnitCapacity::default(),
        }
    }

    #[test]
    fn new_fills_in_the_documented_defaults() {
        assert_eq!(LoadFigures::new(100_000, 300_000_000), seed());
    }

    /// The seed design on three zones with replication factor 3, worked by hand:
    /// - design rate = 100,000 × 2.0 = 200,000 heartbeats/s
    /// - write = 200,000 × 300 B = 60 MB/s; × RF 3 = 180 MB/s; / 30 MB/s per broker = 6 brokers
    /// - retained = 300M × 2.0 × 300 B × 7 days × 3 = 3.78e12 B = 3,520.4 GiB;
    ///   usable per broker = 2,000 × 0.7 = 1,400 GiB → 3 brokers by disk; throughput wins: 6
    /// - disk per broker = 3,520.4 / 6 / 0.7 = 838.2 → 839 → rounded to 10: 840 GiB
    /// - partitions = 200,000 / 10,000 = 20 → multiple of 6 brokers: 24
    /// - ingest = 200,000 / 25,000 = 8 → multiple of 3 zones: 9
    /// - ksqlDB = 200,000 / 50,000 = 4; Connect: 200,000 × 0.01 = 2,000 rows/s / 5,000 = 1
    /// - tservers = 3; DB = 300M × 2 × 0.01 × 400 d × 400 B × 3 = 2.88e12 B = 2,682.2 GiB;
    ///   / 3 / 0.7 = 1,277.2 → 1,278 → 1,280 GiB
    #[test]
    fn seed_design_on_three_zones() {
        assert_eq!(
            seed().size(3, 3),
            Sizing {
                design_heartbeats_per_second: 200_000,
                heartbeat_partitions: 24,
                kafka_brokers: 6,
                broker_disk_gib: 840,
                ingest_replicas: 9,
                ksql_servers: 4,
                connect_workers: 1,
                database_tservers: 3,
                database_disk_gib: 1_280,
            }
        );
    }

    /// A small dev load: 200 heartbeats/s peak, 1M a day, headroom 1, RF 1 on two zones:
    /// - 200 × 300 B = 0.06 MB/s → 1 broker; retained = 1M × 300 × 7 = 2.1e9 B = 1.96 GiB
    /// - disk = 1.96 / 1 / 0.7 = 2.8 → 10, then the 20 GiB floor; partitions: 1 → 1
    /// - ingest: 1 → multiple of 2 zones: 2; tservers: 3 needs 2 zones × 2 = 4
    #[test]
    fn small_dev_load_on_two_zones() {
        let dev = LoadFigures {
            peak_heartbeats_per_second: 200,
            daily_heartbeats: 1_000_000,
            growth_headroom: 1.0,
            ..seed()
        };
        let sizing = dev.size(2, 1);
        assert_eq!(sizing.kafka_brokers, 1);
        assert_eq!(sizing.broker_disk_gib, 20);
        assert_eq!(sizing.heartbeat_partitions, 1);
        assert_eq!(sizing.ingest_replicas, 2);
        assert_eq!(sizing.database_tservers, 4);
    }

    /// Doubling the load doubles the throughput-bound tiers: 12 brokers, 48 partitions.
    #[test]
    fn doubling_the_load_needs_no_redesign() {
        let doubled = LoadFigures {
            peak_heartbeats_per_second: 200_000,
            daily_heartbeats: 600_000_000,
            ..seed()
        };
        let sizing = doubled.size(3, 3);
        assert_eq!(sizing.kafka_brokers, 12);
        assert_eq!(sizing.heartbeat_partitions, 48);
        assert_eq!(sizing.ingest_replicas, 18);
    }

    #[test]
    fn validation_names_each_bad_figure() {
        let bad = LoadFigures {
            peak_heartbeats_per_second: 0,
            growth_headroom: 0.5,
            ..seed()
        };
        let mut problems = Problems::new("heartbeat-platform:load");
        bad.validate(&mut problems);
        let keys: Vec<_> = problems.list().iter().map(|p| p.key.as_str()).collect();
        assert!(
            keys.contains(&"heartbeat-platform:load.peakHeartbeatsPerSecond"),
            "{keys:?}"
        );
        assert!(
            keys.contains(&"heartbeat-platform:load.growthHeadroom"),
            "{keys:?}"
        );
        assert!(
            keys.contains(&"heartbeat-platform:load.dailyHeartbeats"),
            "300M/day cannot fit in 0/s: {keys:?}"
        );
    }
}
