//! The multi-zone layout: one Helm release of the `yugabyte` chart per zone, each in its own
//! namespace, pinned to its zone's nodes, sharing one list of master addresses, with the
//! placement flags that make YugabyteDB keep one replica of every tablet per zone.

use serde_json::{Value, json};

use crate::config::{PodResources, YugabyteConfig};
use crate::versions;

/// Masters of the cluster: the replication factor.
pub const MASTERS: u32 = 3;
/// The YSQL port.
pub const YSQL_PORT: u16 = 5433;

/// One zone's share of the cluster.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneShare {
    /// The zone, such as `eu-west-1a`.
    pub zone: String,
    /// The namespace of its release.
    pub namespace: String,
    /// Masters in it.
    pub masters: u32,
    /// Tablet servers in it.
    pub tservers: u32,
}

impl ZoneShare {
    /// Its masters' RPC addresses.
    pub fn master_addresses(&self) -> impl Iterator<Item = String> + '_ {
        (0..self.masters).map(|i| {
            format!(
                "yb-master-{i}.yb-masters.{}.svc.cluster.local:7100",
                self.namespace
            )
        })
    }

    /// Its tablet servers' YSQL address (a headless Service over them).
    pub fn ysql_host(&self) -> String {
        format!("yb-tservers.{}.svc.cluster.local", self.namespace)
    }
}

/// Splits 3 masters and `tservers` tablet servers over `zones` (round robin; the config
/// check makes `tservers` a multiple of the zone count).
pub fn shares(config: &YugabyteConfig, zones: &[String], tservers: u32) -> Vec<ZoneShare> {
    let count = zones.len().max(1) as u32;
    zones
        .iter()
        .enumerate()
        .map(|(i, zone)| {
            let i = i as u32;
            ZoneShare {
                zone: zone.clone(),
                namespace: format!("{}-{zone}", config.namespace),
                masters: MASTERS / count + u32::from(i < MASTERS % count),
                tservers: tservers / count + u32::from(i < tservers % count),
            }
        })
        .collect()
}

/// The AWS region of a zone (`eu-west-1a` -> `eu-west-1`).
fn region_of(zone: &str) -> &str {
    zone.trim_end_matches(|c: char| c.is_ascii_lowercase())
}

fn resources(pod: &PodResources) -> Value {
    let both = json!({ "cpu": pod.cpu, "memory": pod.memory });
    json!({ "requests": both, "limits": both })
}

/// The chart values of one zone's release.
pub fn zone_values(
    config: &YugabyteConfig,
    share: &ZoneShare,
    master_addresses: &str,
    tserver_disk_gib: u64,
    issuer: Option<&str>,
) -> Value {
    let placement = json!({
        "placement_cloud": "aws",
        "placement_region": region_of(&share.zone),
        "placement_zone": share.zone,
        "ysql_enable_auth": true,
    });
    let tls = if let Some(issuer) = issuer {
        json!({
            "enabled": true,
            "nodeToNode": true,
            "clientToServer": true,
            "insecure": false,
            "certManager": {
                "enabled": true,
                "bootstrapSelfsigned": false,
                "useClusterIssuer": true,
                "clusterIssuer": issuer,
            },
            // Empty: the nodes trust the `ca.crt` cert-manager writes beside each
            // certificate. Left at the chart's default, a public sample CA would be mounted as
            // the fallback root.
            "rootCA": { "cert": "", "key": "" },
        })
    } else {
        json!({ "enabled": false })
    };
    json!({
        "Image": { "repository": versions::IMAGE_REPOSITORY, "tag": versions::IMAGE_TAG },
        "isMultiAz": true,
        "AZ": share.zone,
        "masterAddresses": master_addresses,
        "replicas": { "master": share.masters, "tserver": share.tservers, "totalMasters": MASTERS },
        "storage": {
            "master": { "count": 1, "size": format!("{}Gi", config.master_disk_gib), "storageClass": config.storage_class },
            "tserver": { "count": 1, "size": format!("{tserver_disk_gib}Gi"), "storageClass": config.storage_class },
        },
        "resource": {
            "master": resources(&config.master_resources),
            "tserver": resources(&config.tserver_resources),
        },
        "gflags": { "master": placement, "tserver": placement },
        "nodeSelector": { "topology.kubernetes.io/zone": share.zone },
        "enableLoadBalancer": false,
        "tls": tls,
    })
}
