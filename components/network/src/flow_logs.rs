//! VPC flow logs into a private S3 bucket that expires them after the configured days.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;

/// `aws:s3/bucket:Bucket` inputs (the name is left to Pulumi's auto-naming).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Bucket {
    /// Refuse to delete the bucket while it holds logs.
    pub force_destroy: bool,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for Bucket {
    const TYPE_TOKEN: &'static str = "aws:s3/bucket:Bucket";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketPublicAccessBlock {
    /// The bucket.
    pub bucket: Output<String>,
    /// Reject public ACLs.
    pub block_public_acls: bool,
    /// Reject public bucket policies.
    pub block_public_policy: bool,
    /// Ignore public ACLs already there.
    pub ignore_public_acls: bool,
    /// Deny cross-account access through public policies.
    pub restrict_public_buckets: bool,
}

impl AwsInputs for BucketPublicAccessBlock {
    const TYPE_TOKEN: &'static str = "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// `aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BucketLifecycleConfiguration {
    /// The bucket.
    pub bucket: Output<String>,
    /// The rules.
    pub rules: Vec<LifecycleRule>,
}

impl AwsInputs for BucketLifecycleConfiguration {
    const TYPE_TOKEN: &'static str =
        "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// One lifecycle rule (`BucketLifecycleConfigurationRule`).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleRule {
    /// The rule's name.
    pub id: String,
    /// `Enabled`.
    pub status: String,
    /// Which objects (all of them: an empty prefix).
    pub filter: LifecycleFilter,
    /// When objects expire.
    pub expiration: LifecycleExpiration,
}

/// `BucketLifecycleConfigurationRuleFilter`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleFilter {
    /// The key prefix.
    pub prefix: String,
}

/// `BucketLifecycleConfigurationRuleExpiration`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleExpiration {
    /// Days after creation.
    pub days: u32,
}

/// `aws:ec2/flowLog:FlowLog` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlowLog {
    /// The VPC recorded.
    pub vpc_id: Output<String>,
    /// `ALL`: accepted and rejected traffic.
    pub traffic_type: String,
    /// `s3`.
    pub log_destination_type: String,
    /// The bucket's ARN.
    pub log_destination: Output<String>,
    /// Seconds over which records are aggregated (60 or 600).
    pub max_aggregation_interval: u32,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for FlowLog {
    const TYPE_TOKEN: &'static str = "aws:ec2/flowLog:FlowLog";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// Registers the bucket (private, expiring after `retention_days`) and the VPC's flow log.
pub fn register(
    scope: &ComponentScope,
    vpc_id: &Output<String>,
    retention_days: u32,
) -> CustomResource {
    let bucket = scope.aws(
        "flow-logs",
        Bucket {
            force_destroy: false,
            tags: Tags::new(),
        },
    );
    scope.aws(
        "flow-logs-public-access-block",
        BucketPublicAccessBlock {
            bucket: bucket.id(),
            block_public_acls: true,
            block_public_policy: true,
            ignore_public_acls: true,
            restrict_public_buckets: true,
        },
    );
    scope.aws(
        "flow-logs-expiry",
        BucketLifecycleConfiguration {
            bucket: bucket.id(),
            rules: vec![LifecycleRule {
                id: "expire-flow-logs".into(),
                status: "Enabled".into(),
                filter: LifecycleFilter {
                    prefix: String::new(),
                },
                expiration: LifecycleExpiration {
                    days: retention_days,
                },
            }],
        },
    );
    scope.aws(
        "flow-log",
        FlowLog {
            vpc_id: vpc_id.clone(),
            traffic_type: "ALL".into(),
            log_destination_type: "s3".into(),
            log_destination: bucket.output("arn"),
            max_aggregation_interval: 600,
            tags: Tags::new(),
        },
    )
}
