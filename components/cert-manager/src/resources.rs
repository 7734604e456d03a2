//! cert-manager's custom resources this component creates, as typed structs
//! (`cert-manager.io/v1`).

use kube::CustomResource;
use serde::{Deserialize, Serialize};

/// `ClusterIssuer.spec`: exactly one of `self_signed` and `ca` is set.
#[derive(CustomResource, Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[kube(
    group = "cert-manager.io",
    version = "v1",
    kind = "ClusterIssuer",
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct ClusterIssuerSpec {
    /// Signs each certificate with its own key (only used to bootstrap the CA).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub self_signed: Option<SelfSignedIssuer>,
    /// Signs with the CA key pair stored in a Secret of cert-manager's namespace.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ca: Option<CaIssuer>,
}

/// `spec.selfSigned` (no settings).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct SelfSignedIssuer {}

/// `spec.ca`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CaIssuer {
    /// The Secret holding `tls.crt` and `tls.key` of the CA.
    pub secret_name: String,
}

/// `Certificate.spec` (the fields this component sets).
#[derive(CustomResource, Debug, Clone, PartialEq, Serialize, Deserialize)]
#[kube(
    group = "cert-manager.io",
    version = "v1",
    kind = "Certificate",
    namespaced,
    schema = "disabled"
)]
#[serde(rename_all = "camelCase")]
pub struct CertificateSpec {
    /// Whether the certificate may sign others.
    #[serde(rename = "isCA")]
    pub is_ca: bool,
    /// The subject's common name.
    pub common_name: String,
    /// The Secret the key pair is written to.
    pub secret_name: String,
    /// Lifetime, a Go duration (`87600h`).
    pub duration: String,
    /// When to renew before expiry, a Go duration.
    pub renew_before: String,
    /// The key: algorithm and size.
    pub private_key: PrivateKey,
    /// Who signs it.
    pub issuer_ref: IssuerRef,
}

/// `spec.privateKey`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PrivateKey {
    /// `RSA`, `ECDSA` or `Ed25519`.
    pub algorithm: String,
    /// Key size in bits (curve size for ECDSA).
    pub size: u32,
    /// `Always`: a renewal makes a new key.
    pub rotation_policy: String,
}

/// `spec.issuerRef`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct IssuerRef {
    /// The issuer's name.
    pub name: String,
    /// `Issuer` or `ClusterIssuer`.
    pub kind: String,
    /// `cert-manager.io`.
    pub group: String,
}
