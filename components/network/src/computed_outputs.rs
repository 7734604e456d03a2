//! The outputs the AWS provider computes that Network reads. A mock engine or a stub provider
//! must answer them on `pulumi up` (during a preview they may stay unknown). Resource ids are
//! not listed: every provider answers them.

use serde_json::{Map, Value, json};

/// Each type token and the output properties read from it.
pub const READ: &[(&str, &[&str])] = &[("aws:s3/bucket:Bucket", &["arn"])];

/// Plausible values of the [`READ`] outputs of resource `name` of `type_token` (empty for
/// other types), for tests and stub providers.
pub fn example(type_token: &str, name: &str) -> Map<String, Value> {
    match type_token {
        "aws:s3/bucket:Bucket" => {
            Map::from_iter([("arn".to_owned(), json!(format!("arn:aws:s3:::{name}")))])
        }
        _ => Map::new(),
    }
}
