//! Fake but plausible ids, ARNs and computed outputs, derived deterministically from the
//! resource URN so that re-running the engine yields the same values.

use serde_json::{Map, Value as Json, json};

use crate::schema::{PropType, Schema};

/// Account id used in every fake ARN (the documentation account).
pub const FAKE_ACCOUNT: &str = "123456789012";
/// Base64 of a PEM block that is visibly not a real certificate.
const FAKE_CA_DATA: &str = "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tClUxUlZRaTFEUlZKVVNVWkpRMEZVUlMxT1QxUXRRUzFTUlVGTUxVTkIKLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo=";
/// Services whose ARNs carry no region.
const GLOBAL_SERVICES: &[&str] = &["iam", "route53", "cloudfront", "organizations"];
/// Nesting depth up to which computed objects are filled in.
const MAX_DEPTH: usize = 3;

/// 16 hex digits of a stable hash of `text`.
pub fn fnv_hex(text: &str) -> String {
    format!("{:016x}", fnv(text))
}

/// 64-bit FNV-1a hash, stable across runs and platforms.
fn fnv(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    })
}

/// A resource being fabricated: its token, URN and region.
#[derive(Debug, Clone)]
pub struct Fake<'a> {
    /// Resource token, e.g. `aws:ec2/vpc:Vpc`.
    pub token: &'a str,
    /// Resource URN.
    pub urn: &'a str,
    /// AWS region from the provider configuration.
    pub region: &'a str,
}

impl Fake<'_> {
    fn hex(&self, salt: &str, digits: usize) -> String {
        let hex = format!(
            "{:016x}{:016x}",
            fnv(&format!("{}/{salt}", self.urn)),
            fnv(&format!("{salt}/{}", self.urn))
        );
        hex[..digits.min(32)].to_owned()
    }

    /// `ec2` for `aws:ec2/vpc:Vpc`.
    fn service(&self) -> &str {
        self.token
            .split(':')
            .nth(1)
            .and_then(|m| m.split('/').next())
            .unwrap_or("aws")
    }

    /// `vpc` for `aws:ec2/vpc:Vpc`.
    fn kind(&self) -> String {
        self.token
            .rsplit(':')
            .next()
            .unwrap_or("resource")
            .to_lowercase()
    }

    /// The fake physical id: the `name` input when there is one, else `<kind>-<17 hex>`.
    pub fn id(&self, inputs: &Map<String, Json>) -> String {
        match inputs.get("name").and_then(Json::as_str) {
            Some(name) if !name.is_empty() => name.to_owned(),
            _ => format!("{}-0{}", self.kind(), self.hex("id", 16)),
        }
    }

    /// A fake ARN for the resource (or for one of its ARN-valued properties).
    pub fn arn(&self, id: &str, property: &str) -> String {
        let service = self.service();
        let region = if GLOBAL_SERVICES.contains(&service) {
            ""
        } else {
            self.region
        };
        let suffix = if property == "arn" {
            String::new()
        } else {
            format!("/{property}")
        };
        format!(
            "arn:aws:{service}:{region}:{FAKE_ACCOUNT}:{}/{id}{suffix}",
            self.kind()
        )
    }

    /// A plausible value for a computed property `name` of type `ty`.
    fn computed(&self, schema: &Schema, id: &str, name: &str, ty: &PropType, depth: usize) -> Json {
        let lower = name.to_lowercase();
        match ty {
            PropType::String => Json::String(match name {
                "arn" => self.arn(id, "arn"),
                "id" => id.to_owned(),
                "endpoint" => format!(
                    "https://{}.gr7.{}.eks.amazonaws.com",
                    self.hex("endpoint", 32).to_uppercase(),
                    self.region
                ),
                "issuer" => format!(
                    "https://oidc.eks.{}.amazonaws.com/id/{}",
                    self.region,
                    self.hex("oidc", 32).to_uppercase()
                ),
                "data" => FAKE_CA_DATA.to_owned(),
                "status" => "ACTIVE".to_owned(),
                "ownerId" => FAKE_ACCOUNT.to_owned(),
                "dnsName" => format!(
                    "{}-{}.{}.elb.amazonaws.com",
                    self.kind(),
                    self.hex("dns", 8),
                    self.region
                ),
                _ if lower.ends_with("arn") => self.arn(id, name),
                _ if lower.ends_with("ip") || lower.ends_with("address") => {
                    format!(
                        "203.0.113.{}",
                        1 + fnv(&format!("{}{name}", self.urn)) % 254
                    )
                }
                _ if lower.ends_with("id") => {
                    format!("{}-0{}", lower.trim_end_matches("id"), self.hex(name, 16))
                }
                _ => format!("{name}-{}", self.hex(name, 8)),
            }),
            PropType::Integer | PropType::Number => json!(0),
            PropType::Boolean => Json::Bool(false),
            PropType::Map(_) | PropType::Any | PropType::Asset | PropType::Archive => json!({}),
            PropType::Array(inner) => match **inner {
                PropType::Ref(_) if depth < MAX_DEPTH => {
                    json!([self.computed(schema, id, name, inner, depth)])
                }
                _ => json!([]),
            },
            PropType::Ref(type_name) => {
                let mut object = Map::new();
                if depth < MAX_DEPTH
                    && let Some(fields) = schema.types.get(type_name)
                {
                    for (field, field_ty) in fields {
                        if let Ok(field_ty) = PropType::parse(field_ty) {
                            object.insert(
                                field.clone(),
                                self.computed(schema, id, field, &field_ty, depth + 1),
                            );
                        }
                    }
                }
                Json::Object(object)
            }
        }
    }

    /// Outputs for a created or updated resource: the inputs, plus every state property that
    /// is not an input (computed by AWS), plus the computed parts of an EKS cluster's
    /// `vpcConfig`; `tagsAll` mirrors `tags`.
    pub fn outputs(
        &self,
        schema: &Schema,
        id: &str,
        inputs: &Map<String, Json>,
    ) -> Map<String, Json> {
        let mut outputs = inputs.clone();
        if let Some(resource) = schema.resources.get(self.token) {
            for (name, ty) in &resource.state {
                if resource.inputs.contains_key(name) || outputs.contains_key(name) {
                    continue;
                }
                let value = if name == "tagsAll" {
                    inputs.get("tags").cloned().unwrap_or_else(|| json!({}))
                } else {
                    match PropType::parse(ty) {
                        Ok(ty) => self.computed(schema, id, name, &ty, 0),
                        Err(_) => continue,
                    }
                };
                outputs.insert(name.clone(), value);
            }
        }
        if self.token == "aws:eks/cluster:Cluster"
            && let Some(Json::Object(vpc)) = outputs.get_mut("vpcConfig")
        {
            vpc.entry("clusterSecurityGroupId")
                .or_insert_with(|| json!(format!("sg-0{}", self.hex("clustersg", 16))));
            vpc.entry("vpcId")
                .or_insert_with(|| json!(format!("vpc-0{}", self.hex("vpc", 16))));
        }
        outputs
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> Schema {
        Schema::from_json(
            &json!({
                "version": "7.0.0",
                "resources": {"aws:eks/cluster:Cluster": {
                    "inputs": {"name": "string", "roleArn": "string", "vpcConfig": "ref:eks.ClusterVpcConfig", "tags": "map<string>"},
                    "state": {"arn": "string", "endpoint": "string", "name": "string", "tagsAll": "map<string>",
                              "certificateAuthority": "ref:eks.ClusterCertificateAuthority",
                              "identities": "array<ref:eks.ClusterIdentity>"}}},
                "types": {
                    "eks.ClusterVpcConfig": {"subnetIds": "array<string>", "vpcId": "string"},
                    "eks.ClusterCertificateAuthority": {"data": "string"},
                    "eks.ClusterIdentity": {"oidcs": "array<ref:eks.ClusterIdentityOidc>"},
                    "eks.ClusterIdentityOidc": {"issuer": "string"}
                }
            })
            .to_string(),
        )
        .unwrap()
    }

    #[test]
    fn eks_cluster_gets_kubeconfig_material_and_stable_values() {
        let schema = schema();
        let fake = Fake {
            token: "aws:eks/cluster:Cluster",
            urn: "urn:pulumi:dev::p::aws:eks/cluster:Cluster::c",
            region: "eu-west-1",
        };
        let inputs = json!({"name": "hb", "vpcConfig": {"subnetIds": ["s1"]}, "tags": {"a": "b"}});
        let inputs = inputs.as_object().unwrap();
        let id = fake.id(inputs);
        assert_eq!(id, "hb");
        let out = fake.outputs(&schema, &id, inputs);
        assert_eq!(out["arn"], "arn:aws:eks:eu-west-1:123456789012:cluster/hb");
        assert!(
            out["endpoint"]
                .as_str()
                .unwrap()
                .ends_with(".gr7.eu-west-1.eks.amazonaws.com")
        );
        assert_eq!(out["certificateAuthority"]["data"], FAKE_CA_DATA);
        assert!(
            out["identities"][0]["oidcs"][0]["issuer"]
                .as_str()
                .unwrap()
                .starts_with("https://oidc.eks.eu-west-1")
        );
        assert_eq!(out["tagsAll"], json!({"a": "b"}));
        assert!(
            out["vpcConfig"]["vpcId"]
                .as_str()
                .unwrap()
                .starts_with("vpc-0")
        );
        assert_eq!(
            out,
            fake.outputs(&schema, &id, inputs),
            "outputs must be deterministic"
        );
    }
}
