//! The StorageClasses: encrypted gp3 volumes from the EBS CSI driver, bound where the pod
//! lands. The default one deletes a volume with its claim; the one for stateful data (Kafka's
//! and YugabyteDB's volumes) keeps it, so deleting a claim, a StatefulSet or the stack by
//! mistake never deletes the data with it.

use std::collections::BTreeMap;

use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platform_core::kubernetes::Manifest;
use pulumi_runtime::Output;

/// The default StorageClass's name (volumes deleted with their claims).
pub const NAME: &str = "gp3";
/// The StorageClass of stateful data, KafkaStack's and YugabyteStack's default: its volumes
/// are retained when their claims go (reclaim them by hand once the data is no longer needed).
pub const RETAINED_NAME: &str = "gp3-retain";

/// The default StorageClass object: gp3, encrypted with `key_arn`, expandable,
/// `WaitForFirstConsumer` (the volume is created in the zone of the pod's node), volumes
/// deleted with their claims.
pub fn gp3_encrypted(key_arn: Output<String>) -> Manifest<StorageClass> {
    gp3(NAME, true, "Delete", key_arn)
}

/// The same volumes for stateful data, not the default class, reclaimed with `Retain`.
pub fn gp3_encrypted_retained(key_arn: Output<String>) -> Manifest<StorageClass> {
    gp3(RETAINED_NAME, false, "Retain", key_arn)
}

fn gp3(
    name: &str,
    default: bool,
    reclaim_policy: &str,
    key_arn: Output<String>,
) -> Manifest<StorageClass> {
    Manifest::new(StorageClass {
        metadata: ObjectMeta {
            name: Some(name.into()),
            annotations: default.then(|| {
                BTreeMap::from([(
                    "storageclass.kubernetes.io/is-default-class".into(),
                    "true".into(),
                )])
            }),
            ..ObjectMeta::default()
        },
        provisioner: "ebs.csi.aws.com".into(),
        parameters: Some(BTreeMap::from([
            ("type".into(), "gp3".into()),
            ("encrypted".into(), "true".into()),
            ("csi.storage.k8s.io/fstype".into(), "ext4".into()),
        ])),
        allow_volume_expansion: Some(true),
        reclaim_policy: Some(reclaim_policy.into()),
        volume_binding_mode: Some("WaitForFirstConsumer".into()),
        ..StorageClass::default()
    })
    .with_output("/parameters/kmsKeyId", key_arn)
}
