//! The TLS certificate of the public host name: an ACM certificate validated through DNS,
//! and, when the stack makes the validation record, the validation that waits until ACM has
//! issued it.

use platform_core::{AwsInputs, ComponentScope, Tags};
use pulumi_runtime::{AsResource, CustomResource, Output};
use serde::{Deserialize, Serialize};

/// `aws:acm/certificate:Certificate` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificate {
    /// The host name the certificate is for.
    pub domain_name: String,
    /// `DNS`: ACM checks a CNAME record in the zone.
    pub validation_method: String,
    /// Tags.
    pub tags: Tags,
}

impl AwsInputs for Certificate {
    const TYPE_TOKEN: &'static str = "aws:acm/certificate:Certificate";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        Some(&mut self.tags)
    }
}

/// `aws:acm/certificateValidation:CertificateValidation` inputs.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateValidation {
    /// The certificate waited for.
    pub certificate_arn: Output<String>,
    /// The validation records' names, once they exist.
    pub validation_record_fqdns: Vec<Output<String>>,
}

impl AwsInputs for CertificateValidation {
    const TYPE_TOKEN: &'static str = "aws:acm/certificateValidation:CertificateValidation";
    fn tags_mut(&mut self) -> Option<&mut Tags> {
        None
    }
}

/// The DNS record ACM asks for (an element of the certificate's `domainValidationOptions`),
/// without the trailing dots; written as `{name, type, value}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ValidationRecord {
    /// The record's name.
    #[serde(rename(deserialize = "resourceRecordName"))]
    pub name: String,
    /// Its type (`CNAME`), written `type`.
    #[serde(rename(serialize = "type", deserialize = "resourceRecordType"))]
    pub record_type: String,
    /// Its value.
    #[serde(rename(deserialize = "resourceRecordValue"))]
    pub value: String,
}

/// Requests the certificate of `hostname`.
pub fn request(scope: &ComponentScope, hostname: &str) -> CustomResource {
    scope.aws(
        "certificate",
        Certificate {
            domain_name: hostname.to_owned(),
            validation_method: "DNS".into(),
            tags: Tags::new(),
        },
    )
}

/// The validation record ACM asks for; unknown until ACM has answered.
pub fn validation_record(certificate: &CustomResource) -> Output<ValidationRecord> {
    certificate
        .output::<Option<Vec<ValidationRecord>>>("domainValidationOptions")
        .apply(|records| match records.and_then(|r| r.into_iter().next()) {
            Some(record) => Output::new(ValidationRecord {
                name: record.name.trim_end_matches('.').to_owned(),
                record_type: record.record_type,
                value: record.value.trim_end_matches('.').to_owned(),
            }),
            None => Output::unknown(),
        })
}

/// Waits for ACM to issue the certificate once `record_fqdn` exists; returns the
/// certificate's ARN, depending on the certificate and on the validation.
pub fn validate(
    scope: &ComponentScope,
    certificate: &CustomResource,
    record_fqdn: Output<String>,
) -> Output<String> {
    let arn = certificate.output::<String>("arn");
    let validation = scope.aws(
        "certificate-validation",
        CertificateValidation {
            certificate_arn: arn.clone(),
            validation_record_fqdns: vec![record_fqdn],
        },
    );
    arn.zip(&validation.urn()).map(|(arn, _)| arn)
}
