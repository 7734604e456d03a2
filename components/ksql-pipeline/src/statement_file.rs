//! The file that carries the statements to the applier: a JSON document the component puts
//! into a ConfigMap and `ksql-applier` reads.
//!
//! ```json
//! {
//!   "format_version": 1,
//!   "statements": [
//!     {"name": "heartbeats", "sql": "CREATE STREAM IF NOT EXISTS heartbeats (...) WITH (...);"},
//!     {"name": "watched_segments", "sql": "CREATE TABLE ...;", "properties": {"auto.offset.reset": "earliest"}}
//!   ]
//! }
//! ```
//! Statements run in file order; `properties` are sent as `streamsProperties`.

use std::collections::BTreeSet;

use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

use crate::statements::KsqlStatement;

/// The statements file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatementFile {
    /// Always [`StatementFile::FORMAT_VERSION`].
    pub format_version: u32,
    /// The statements, in the order they must run.
    pub statements: Vec<KsqlStatement>,
}

impl StatementFile {
    /// The version of this format.
    pub const FORMAT_VERSION: u32 = 1;

    /// A file holding `statements`.
    pub fn new(statements: Vec<KsqlStatement>) -> Self {
        Self {
            format_version: Self::FORMAT_VERSION,
            statements,
        }
    }

    /// The file as pretty JSON (what goes into the ConfigMap).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a statement file always serializes")
    }

    /// Reads and checks a file: known version, at least one statement, unique names, each
    /// statement a single one ending with `;`.
    pub fn from_json(text: &str) -> Result<Self> {
        let file: Self = serde_json::from_str(text)
            .context("the statements file is not a JSON object {format_version, statements}")?;
        if file.format_version != Self::FORMAT_VERSION {
            bail!(
                "format_version {}: this applier reads version {}",
                file.format_version,
                Self::FORMAT_VERSION
            );
        }
        if file.statements.is_empty() {
            bail!("statements: the file holds no statement");
        }
        let mut names = BTreeSet::new();
        for (i, statement) in file.statements.iter().enumerate() {
            if !names.insert(statement.name.as_str()) {
                bail!("statements[{i}].name {:?} appears twice", statement.name);
            }
            let sql = statement.sql.trim();
            if !sql.ends_with(';') || sql[..sql.len() - 1].contains(';') {
                bail!(
                    "statements[{i}].sql ({}): must be exactly one statement ending with ';'",
                    statement.name
                );
            }
        }
        Ok(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{PipelineSettings, PipelineTopics, pipeline_statements};

    #[test]
    fn the_pipeline_round_trips() {
        let statements =
            pipeline_statements(&PipelineTopics::default(), &PipelineSettings::default()).unwrap();
        let file = StatementFile::new(statements);
        assert_eq!(StatementFile::from_json(&file.to_json()).unwrap(), file);
    }

    #[test]
    fn bad_files_are_rejected_with_the_field() {
        let cases = [
            (
                r#"{"format_version": 2, "statements": []}"#,
                "format_version 2",
            ),
            (
                r#"{"format_version": 1, "statements": []}"#,
                "statements: the file holds no statement",
            ),
            (
                r#"{"format_version": 1, "statements": [{"name": "a", "sql": "CREATE STREAM a;"}, {"name": "a", "sql": "CREATE STREAM b;"}]}"#,
                "statements[1].name \"a\" appears twice",
            ),
            (
                r#"{"format_version": 1, "statements": [{"name": "a", "sql": "CREATE STREAM a; DROP STREAM a;"}]}"#,
                "statements[0].sql (a)",
            ),
            (r#"{"statements": []}"#, "not a JSON object"),
        ];
        for (text, expected) in cases {
            let err = format!("{:#}", StatementFile::from_json(text).unwrap_err());
            assert!(err.contains(expected), "{text}: {err}");
        }
    }
}
