//! Where Strimzi pushes the Kafka Connect image it builds: the registry repository given in
//! `kafka.connect.buildImage` (with `pushSecret` when it needs credentials), or by default an
//! ECR repository this component creates, pushed to by the build pod through its own IAM role
//! (IRSA) and pulled by the nodes with their ECR read policy.

use std::collections::BTreeMap;

use eks_cluster::iam::{Policy, PolicyDocument, allow};
use eks_cluster::{OidcIssuer, ServiceAccountRole};
use platform_core::kubernetes::Manifest;
use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{CustomResource, Output};
use serde::Serialize;
use serde_json::json;

use crate::config::KafkaConfig;
use crate::strimzi::KafkaConnect;
use crate::versions;

/// Images kept in the repository; older ones expire.
pub const KEEP_IMAGES: u32 = 10;

/// `aws:ecr/repository:Repository` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Repository {
    /// The repository name.
    pub name: String,
    /// `MUTABLE`: Strimzi rebuilds under the same tag when the plugin list changes.
    pub image_tag_mutability: &'static str,
    /// Scan each pushed image for known vulnerabilities.
    pub image_scanning_configuration: ScanningConfiguration,
    /// Encryption at rest with KMS.
    pub encryption_configurations: Vec<EncryptionConfiguration>,
    /// Refuse to delete a repository that still holds images.
    pub force_delete: bool,
    /// Tags.
    pub tags: Tags,
}

/// `imageScanningConfiguration`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ScanningConfiguration {
    /// Scan on push.
    pub scan_on_push: bool,
}

/// One of `encryptionConfigurations`.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EncryptionConfiguration {
    /// `KMS` (the AWS-managed ECR key).
    pub encryption_type: &'static str,
}

impl AwsInputs for Repository {
    const TYPE_TOKEN: &'static str = "aws:ecr/repository:Repository";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:ecr/lifecyclePolicy:LifecyclePolicy` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LifecyclePolicy {
    /// The repository's name.
    pub repository: Output<String>,
    /// The lifecycle policy (JSON).
    pub policy: String,
}

impl AwsInputs for LifecyclePolicy {
    const TYPE_TOKEN: &'static str = "aws:ecr/lifecyclePolicy:LifecyclePolicy";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// The build's service account, named by Strimzi after the `KafkaConnect` resource.
pub fn build_service_account(connect_name: &str) -> String {
    format!("{connect_name}-connect-build")
}

/// The tag of the built image: the JDBC sink's version, which the plugin list pins.
pub fn image_tag() -> String {
    format!("debezium-jdbc-{}", versions::DEBEZIUM_JDBC_VERSION)
}

/// Where the image goes.
pub enum ConnectImage {
    /// As configured in `kafka.connect.buildImage`: nothing to add.
    Configured,
    /// The ECR repository this component created.
    Ecr {
        /// `<repository URL>:<tag>`.
        image: Output<String>,
        /// The build service account's role.
        role_arn: Output<String>,
        /// The push policy's attachment: the build can push once it exists.
        attachment: CustomResource,
    },
}

impl ConnectImage {
    /// The configured image, or (without one) an ECR repository, a push policy and an IRSA
    /// role for the build service account of `connect_name` in `config.namespace`.
    pub fn for_connect(
        scope: &ComponentScope,
        config: &KafkaConfig,
        connect_name: &str,
        oidc: &OidcIssuer,
    ) -> Self {
        if config.connect.build_image.is_some() {
            return Self::Configured;
        }
        let ctx = scope.ctx();
        let repository = scope.aws(
            "connect-images",
            Repository {
                name: format!("{}-{}/{connect_name}", ctx.project(), ctx.stack()),
                image_tag_mutability: "MUTABLE",
                image_scanning_configuration: ScanningConfiguration { scan_on_push: true },
                encryption_configurations: vec![EncryptionConfiguration {
                    encryption_type: "KMS",
                }],
                force_delete: false,
                tags: Tags::new(),
            },
        );
        scope.aws(
            "connect-images-lifecycle",
            LifecyclePolicy {
                repository: repository.output("name"),
                policy: lifecycle_policy(),
            },
        );
        let policy = scope.aws(
            "connect-build-push-policy",
            Policy {
                description: format!(
                    "Strimzi's build of {connect_name}: push to its ECR repository"
                ),
                policy: repository
                    .output::<String>("arn")
                    .map(|arn| push_policy(&arn).to_json()),
                tags: Tags::new(),
            },
        );
        let account = build_service_account(connect_name);
        let mut role = ServiceAccountRole::new(scope, oidc, &config.namespace, &account, &[]);
        let attachment = role.attach(scope, "connect-build-push", policy.output("arn"));
        let tag = image_tag();
        Self::Ecr {
            image: repository
                .output::<String>("repositoryUrl")
                .map(move |url| format!("{url}:{tag}")),
            role_arn: role.arn(),
            attachment,
        }
    }

    /// `connect` with the image and the build service account's role laid over.
    pub fn apply(&self, connect: KafkaConnect) -> Manifest<KafkaConnect> {
        match self {
            Self::Configured => Manifest::new(connect),
            Self::Ecr {
                image, role_arn, ..
            } => Manifest::new(connect)
                .with_output("/spec/build/output/image", image.clone())
                .with_output(
                    "/spec/template/buildServiceAccount/metadata/annotations",
                    role_arn.clone().map(|arn| {
                        BTreeMap::from([("eks.amazonaws.com/role-arn".to_owned(), arn)])
                    }),
                ),
        }
    }
}

/// Push (and the layer reads a push needs) on `repository_arn`; a registry token for the
/// account.
pub fn push_policy(repository_arn: &str) -> PolicyDocument {
    PolicyDocument::new(vec![
        allow(&["ecr:GetAuthorizationToken"], "*"),
        allow(
            &[
                "ecr:BatchCheckLayerAvailability",
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "ecr:InitiateLayerUpload",
                "ecr:UploadLayerPart",
                "ecr:CompleteLayerUpload",
                "ecr:PutImage",
            ],
            repository_arn,
        ),
    ])
}

/// Keep the newest [`KEEP_IMAGES`] images.
fn lifecycle_policy() -> String {
    json!({
        "rules": [{
            "rulePriority": 1,
            "description": format!("keep the newest {KEEP_IMAGES} images"),
            "selection": {
                "tagStatus": "any",
                "countType": "imageCountMoreThan",
                "countNumber": KEEP_IMAGES,
            },
            "action": {"type": "expire"},
        }],
    })
    .to_string()
}

/// The outputs the AWS provider computes that KafkaStack reads (a mock engine or a stub
/// provider answers them on `pulumi up`; a preview leaves them unknown).
pub const READ: &[(&str, &[&str])] = &[(Repository::TYPE_TOKEN, &["repositoryUrl"])];

/// Plausible values of the [`READ`] outputs of resource `name` of `type_token` (empty for
/// other types), for tests.
pub fn example(type_token: &str, name: &str) -> serde_json::Map<String, serde_json::Value> {
    let mut outputs = serde_json::Map::new();
    if type_token == Repository::TYPE_TOKEN {
        outputs.insert(
            "repositoryUrl".into(),
            json!(format!(
                "123456789012.dkr.ecr.eu-west-1.amazonaws.com/{name}"
            )),
        );
    }
    outputs
}
