//! Configuration problems: each names the config key, the value found, and the fix. Validation
//! collects all of them before anything is registered.

use std::fmt;

/// One thing wrong with the stack configuration.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The full config key path, such as `heartbeat-platform:network.cidr`.
    pub key: String,
    /// The offending value as written (or `(unset)`).
    pub value: String,
    /// What to do about it.
    pub fix: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} = {}: {}", self.key, self.value, self.fix)
    }
}

/// A collector of problems under one key prefix (a config section).
#[derive(Debug, Default)]
pub struct Problems {
    prefix: String,
    found: Vec<Problem>,
}

impl Problems {
    /// A collector whose keys start with `prefix` (for example `heartbeat-platform:network`).
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
            found: Vec::new(),
        }
    }

    /// Records a problem with `field` (relative to the prefix; empty for the section itself).
    pub fn add(&mut self, field: &str, value: impl fmt::Display, fix: impl Into<String>) {
        let key = match (self.prefix.is_empty(), field.is_empty()) {
            (_, true) => self.prefix.clone(),
            (true, false) => field.to_owned(),
            (false, false) => format!("{}.{field}", self.prefix),
        };
        self.found.push(Problem {
            key,
            value: value.to_string(),
            fix: fix.into(),
        });
    }

    /// Records a problem when `ok` is false.
    pub fn check(
        &mut self,
        ok: bool,
        field: &str,
        value: impl fmt::Display,
        fix: impl Into<String>,
    ) {
        if !ok {
            self.add(field, value, fix);
        }
    }

    /// Moves another collector's problems into this one.
    pub fn extend(&mut self, other: Problems) {
        self.found.extend(other.found);
    }

    /// The problems found so far.
    pub fn list(&self) -> &[Problem] {
        &self.found
    }

    /// `Ok(())` when there is no problem, else an error listing every one.
    pub fn into_result(self) -> Result<(), ConfigError> {
        if self.found.is_empty() {
            Ok(())
        } else {
            Err(ConfigError(self.found))
        }
    }
}

/// The stack configuration is invalid; lists every problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<Problem>);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "the stack configuration has {} problem(s); nothing was registered:",
            self.0.len()
        )?;
        for problem in &self.0 {
            writeln!(f, "  - {problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigError {}
