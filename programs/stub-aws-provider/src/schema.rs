//! A provider SDK's schema written by `tools/aws-schema` (pulumi-aws, pulumi-cloudflare):
//! property names and types.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde::Deserialize;

/// The environment variable naming `package`'s schema file (`HEARTBEAT_AWS_SCHEMA`).
pub fn schema_env(package: &str) -> String {
    format!("HEARTBEAT_{}_SCHEMA", package.to_uppercase())
}

/// `package`'s schema path relative to the repository root (`.tools/aws-schema.json`).
pub fn schema_relative_path(package: &str) -> String {
    format!(".tools/{package}-schema.json")
}

/// Property name to type string (see [`PropType::parse`]).
pub type Properties = BTreeMap<String, String>;

/// One resource's inputs (from the SDK's `<name>Args`) and state (`<name>State`).
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ResourceSchema {
    /// Input properties.
    pub inputs: Properties,
    /// All properties the resource has after creation.
    pub state: Properties,
}

/// The whole schema.
#[derive(Debug, Clone, Deserialize)]
pub struct Schema {
    /// The Pulumi package, e.g. `aws` (files written before the field existed are aws's).
    #[serde(default = "aws")]
    pub package: String,
    /// The SDK version, e.g. `7.0.0`.
    pub version: String,
    /// Resource token (`aws:ec2/vpc:Vpc`) to its properties; `pulumi:providers:aws` holds the
    /// provider configuration.
    pub resources: HashMap<String, ResourceSchema>,
    /// Nested object types (`eks.ClusterVpcConfig`) to their fields.
    pub types: HashMap<String, Properties>,
}

/// A property type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PropType {
    /// A string (also enums).
    String,
    /// A whole number.
    Integer,
    /// Any number.
    Number,
    /// true or false.
    Boolean,
    /// Anything (`interface{}` in Go).
    Any,
    /// A Pulumi asset.
    Asset,
    /// A Pulumi archive.
    Archive,
    /// A list of values of one type.
    Array(Box<PropType>),
    /// A string-keyed map of values of one type.
    Map(Box<PropType>),
    /// A nested object type, by name in [`Schema::types`].
    Ref(String),
}

impl PropType {
    /// Parses `string`, `array<map<string>>`, `ref:eks.ClusterVpcConfig`, ...
    pub fn parse(text: &str) -> Result<Self> {
        if let Some(inner) = text
            .strip_prefix("array<")
            .and_then(|t| t.strip_suffix('>'))
        {
            return Ok(Self::Array(Box::new(Self::parse(inner)?)));
        }
        if let Some(inner) = text.strip_prefix("map<").and_then(|t| t.strip_suffix('>')) {
            return Ok(Self::Map(Box::new(Self::parse(inner)?)));
        }
        if let Some(name) = text.strip_prefix("ref:") {
            return Ok(Self::Ref(name.to_owned()));
        }
        Ok(match text {
            "string" => Self::String,
            "integer" => Self::Integer,
            "number" => Self::Number,
            "boolean" => Self::Boolean,
            "any" => Self::Any,
            "asset" => Self::Asset,
            "archive" => Self::Archive,
            other => bail!("unknown type `{other}` in the aws schema"),
        })
    }

    /// How the type reads in error messages.
    pub fn describe(&self) -> String {
        match self {
            Self::String => "a string".into(),
            Self::Integer => "an integer".into(),
            Self::Number => "a number".into(),
            Self::Boolean => "a boolean".into(),
            Self::Any => "any value".into(),
            Self::Asset => "an asset".into(),
            Self::Archive => "an archive".into(),
            Self::Array(inner) => format!("a list of {}", inner.describe()),
            Self::Map(inner) => format!("a map of {}", inner.describe()),
            Self::Ref(name) => format!("an object of type {name}"),
        }
    }
}

impl Schema {
    /// Parses a schema file's contents.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text)
            .context("the aws schema file is not valid JSON of the expected shape")
    }

    /// Loads `package`'s schema from `HEARTBEAT_<PACKAGE>_SCHEMA`, else from the first
    /// `.tools/<package>-schema.json` above the binary or the working directory.
    pub fn load(package: &str) -> Result<Self> {
        let path = locate(package).with_context(|| {
            format!(
                "no {package} schema: run tools/gen-aws-schema.sh (writes {}) or set {} to the file",
                schema_relative_path(package),
                schema_env(package)
            )
        })?;
        let text = std::fs::read_to_string(&path)
            .with_context(|| format!("reading the {package} schema {}", path.display()))?;
        let schema = Self::from_json(&text).with_context(|| format!("in {}", path.display()))?;
        if schema.package != package {
            bail!(
                "{} holds the {} schema, not {package}'s",
                path.display(),
                schema.package
            );
        }
        Ok(schema)
    }

    /// The token under which the schema holds the provider's own configuration
    /// (`pulumi:providers:aws`).
    pub fn provider_token(&self) -> String {
        format!("pulumi:providers:{}", self.package)
    }
}

fn aws() -> String {
    "aws".into()
}

fn locate(package: &str) -> Option<PathBuf> {
    if let Some(path) = std::env::var_os(schema_env(package)) {
        return Some(PathBuf::from(path));
    }
    let exe_dir = std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(Path::to_path_buf));
    let cwd = std::env::current_dir().ok();
    [exe_dir, cwd]
        .into_iter()
        .flatten()
        .flat_map(|start| {
            start
                .ancestors()
                .map(|dir| dir.join(schema_relative_path(package)))
                .collect::<Vec<_>>()
        })
        .find(|candidate| candidate.is_file())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_types_parse() {
        assert_eq!(
            PropType::parse("array<ref:eks.ClusterIdentity>").unwrap(),
            PropType::Array(Box::new(PropType::Ref("eks.ClusterIdentity".into())))
        );
        assert_eq!(
            PropType::parse("map<array<string>>").unwrap(),
            PropType::Map(Box::new(PropType::Array(Box::new(PropType::String))))
        );
        assert!(PropType::parse("strin").is_err());
    }
}
