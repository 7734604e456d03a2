//! The program's provider packages, read from `<binary> get-packages <file>`.
//!
//! The file holds a JSON array in Pulumi Gestalt's shape:
//! `[{"name": "kubernetes", "version": "4.25.0"}, ...]`, with optional `kind` (default
//! `resource`), `server`, `checksums` and `parameterization` (must be null: parameterized
//! packages are not supported offline).

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use anyhow::{Context, Result, bail};
use serde::Deserialize;
use tokio::process::Command;

use crate::options::Program;
use crate::proto::{DependencyInfo, PackageDependency, PluginDependency};

/// One package the program needs.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Package {
    /// Package (and provider plugin) name, e.g. `kubernetes`.
    pub name: String,
    /// Plugin kind; empty means `resource`.
    #[serde(default)]
    pub kind: String,
    /// Semantic version without a leading `v`, e.g. `4.25.0`.
    #[serde(default)]
    pub version: String,
    /// Plugin download server, empty for the default.
    #[serde(default)]
    pub server: String,
    /// Plugin checksums per `os-arch`.
    #[serde(default)]
    pub checksums: BTreeMap<String, Vec<u8>>,
    /// Parameterization; only `null` is accepted.
    #[serde(default)]
    pub parameterization: Option<serde_json::Value>,
}

impl Package {
    fn kind(&self) -> String {
        if self.kind.is_empty() {
            "resource".to_owned()
        } else {
            self.kind.clone()
        }
    }

    fn checksums(&self) -> HashMap<String, Vec<u8>> {
        self.checksums.clone().into_iter().collect()
    }

    /// The engine's `PackageDependency` for this package.
    pub fn to_package_dependency(&self) -> PackageDependency {
        PackageDependency {
            name: self.name.clone(),
            kind: self.kind(),
            version: self.version.clone(),
            server: self.server.clone(),
            checksums: self.checksums(),
            parameterization: None,
        }
    }

    /// The engine's (deprecated) `PluginDependency` for this package.
    pub fn to_plugin_dependency(&self) -> PluginDependency {
        PluginDependency {
            name: self.name.clone(),
            kind: self.kind(),
            version: self.version.clone(),
            server: self.server.clone(),
            checksums: self.checksums(),
        }
    }

    /// The package as a program dependency (`pulumi about`).
    pub fn to_dependency_info(&self) -> DependencyInfo {
        DependencyInfo {
            name: self.name.clone(),
            version: self.version.clone(),
        }
    }
}

/// Parses and validates the contents of a `get-packages` file.
pub fn parse(json: &str) -> Result<Vec<Package>> {
    let packages: Vec<Package> = serde_json::from_str(json).context(
        "get-packages output is not a JSON array of {\"name\": ..., \"version\": ...} objects",
    )?;
    for (index, package) in packages.iter().enumerate() {
        if package.name.is_empty() {
            bail!("get-packages entry {index}: `name` is empty; set it to the provider name");
        }
        if package.version.starts_with('v') {
            bail!(
                "get-packages entry {index} ({}): `version` {:?} must not start with `v`",
                package.name,
                package.version
            );
        }
        if package
            .parameterization
            .as_ref()
            .is_some_and(|p| !p.is_null())
        {
            bail!(
                "get-packages entry {index} ({}): parameterized packages are not supported by \
                 this offline host; set `parameterization` to null",
                package.name
            );
        }
    }
    Ok(packages)
}

/// Runs `<binary> get-packages <file>` in the program directory and parses the file.
pub async fn discover(program: &Program) -> Result<Vec<Package>> {
    program.ensure_built()?;
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let file: PathBuf = std::env::temp_dir().join(format!(
        "pulumi-rust-packages-{}-{}.json",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    let output = Command::new(&program.binary)
        .arg("get-packages")
        .arg(&file)
        .current_dir(&program.directory)
        .output()
        .await
        .with_context(|| format!("could not start {}", program.binary.display()))?;
    let contents = std::fs::read_to_string(&file);
    let _ = std::fs::remove_file(&file);
    if !output.status.success() {
        bail!(
            "`{} get-packages` failed ({}): {}",
            program.binary.display(),
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    let contents = contents.with_context(|| {
        format!(
            "`{} get-packages {}` wrote no file",
            program.binary.display(),
            file.display()
        )
    })?;
    parse(&contents)
        .with_context(|| format!("in the output of {} get-packages", program.binary.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minimal_entries_default_to_resource_plugins() {
        let packages =
            parse(r#"[{"name":"kubernetes","version":"4.25.0"},{"name":"aws","version":"7.0.0"}]"#)
                .unwrap();
        let deps: Vec<_> = packages
            .iter()
            .map(Package::to_package_dependency)
            .collect();
        assert_eq!(deps[0].name, "kubernetes");
        assert_eq!(deps[0].kind, "resource");
        assert_eq!(deps[1].version, "7.0.0");
    }

    #[test]
    fn gestalt_full_shape_is_accepted() {
        let packages = parse(
            r#"[{"name":"aws","kind":"resource","version":"7.0.0","server":"","checksums":{},"parameterization":null}]"#,
        )
        .unwrap();
        assert_eq!(packages[0].to_plugin_dependency().name, "aws");
    }

    #[test]
    fn unknown_field_is_named() {
        let err = format!(
            "{:#}",
            parse(r#"[{"name":"aws","versoin":"7.0.0"}]"#).unwrap_err()
        );
        assert!(err.contains("versoin"), "{err}");
    }

    #[test]
    fn v_prefixed_version_is_rejected_with_the_fix() {
        let err = parse(r#"[{"name":"aws","version":"v7.0.0"}]"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("must not start with `v`"), "{err}");
    }

    #[test]
    fn parameterized_package_is_rejected() {
        let err = parse(r#"[{"name":"x","version":"1.0.0","parameterization":{"name":"y"}}]"#)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("parameterized packages are not supported"),
            "{err}"
        );
    }
}
