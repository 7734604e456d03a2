//! The default StorageClass: encrypted gp3 volumes from the EBS CSI driver, bound where the
//! pod lands.

use std::collections::BTreeMap;

use k8s_openapi::api::storage::v1::StorageClass;
use k8s_openapi::apimachinery::pkg::apis::meta::v1::ObjectMeta;
use platform_core::kubernetes::Manifest;
use pulumi_runtime::Output;

/// The StorageClass's name; KafkaStack and YugabyteStack default to it.
pub const NAME: &str = "gp3";

/// The StorageClass object: default class, gp3, encrypted with `key_arn`, expandable,
/// `WaitForFirstConsumer` (the volume is created in the zone of the pod's node), volumes
/// deleted with their claims.
pub fn gp3_encrypted(key_arn: Output<String>) -> Manifest<StorageClass> {
    Manifest::new(StorageClass {
        metadata: ObjectMeta {
            name: Some(NAME.into()),
            annotations: Some(BTreeMap::from([(
                "storageclass.kubernetes.io/is-default-class".into(),
                "true".into(),
            )])),
            ..ObjectMeta::default()
        },
        provisioner: "ebs.csi.aws.com".into(),
        parameters: Some(BTreeMap::from([
            ("type".into(), "gp3".into()),
            ("encrypted".into(), "true".into()),
            ("csi.storage.k8s.io/fstype".into(), "ext4".into()),
        ])),
        allow_volume_expansion: Some(true),
        reclaim_policy: Some("Delete".into()),
        volume_binding_mode: Some("WaitForFirstConsumer".into()),
        ..StorageClass::default()
    })
    .with_output("/parameters/kmsKeyId", key_arn)
}
