//! The `runtime.options` of `Pulumi.yaml` that this host understands.

use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use prost_types::value::Kind;

use crate::proto::ProgramInfo;

/// A resolved program: the binary to run and the directory to run it in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    /// Absolute path of the program binary.
    pub binary: PathBuf,
    /// Directory the binary runs in (the program directory).
    pub directory: PathBuf,
}

impl Program {
    /// Resolves `runtime.options.binary` (relative to the program directory, as Pulumi
    /// Gestalt's plugin does) from the engine's program info.
    pub fn from_info(info: Option<&ProgramInfo>) -> Result<Self> {
        let info = info.context("the engine sent no program info")?;
        let directory = PathBuf::from(&info.program_directory);
        let binary = info
            .options
            .as_ref()
            .and_then(|options| options.fields.get("binary"))
            .map(|value| match &value.kind {
                Some(Kind::StringValue(path)) if !path.is_empty() => Ok(path.clone()),
                _ => bail!("Pulumi.yaml: runtime.options.binary must be a non-empty string path"),
            })
            .transpose()?
            .context(
                "Pulumi.yaml: runtime.options.binary is missing; this offline host only runs \
                 prebuilt programs: set `runtime: {name: rust, options: {binary: \
                 target/release/<program>}}`",
            )?;
        Ok(Self {
            binary: directory.join(binary),
            directory,
        })
    }

    /// Fails with a clear message when the binary has not been built.
    pub fn ensure_built(&self) -> Result<()> {
        if self.binary.is_file() {
            Ok(())
        } else {
            bail!(
                "program binary {} does not exist: build it first (e.g. `cargo build --release`)",
                self.binary.display()
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use prost_types::{Struct, Value};

    fn info(options: Option<Struct>) -> ProgramInfo {
        ProgramInfo {
            root_directory: "/p".into(),
            program_directory: "/p".into(),
            entry_point: ".".into(),
            options,
        }
    }

    fn binary_option(kind: Kind) -> Option<Struct> {
        Some(Struct {
            fields: [("binary".to_owned(), Value { kind: Some(kind) })].into(),
        })
    }

    #[test]
    fn relative_binary_resolves_against_the_program_directory() {
        let program = Program::from_info(Some(&info(binary_option(Kind::StringValue(
            "target/release/app".into(),
        )))))
        .unwrap();
        assert_eq!(program.binary, PathBuf::from("/p/target/release/app"));
        assert_eq!(program.directory, PathBuf::from("/p"));
    }

    #[test]
    fn missing_binary_names_the_option_and_the_fix() {
        let err = Program::from_info(Some(&info(None)))
            .unwrap_err()
            .to_string();
        assert!(err.contains("runtime.options.binary is missing"), "{err}");
        assert!(err.contains("target/release/<program>"), "{err}");
    }

    #[test]
    fn non_string_binary_is_rejected() {
        let err = Program::from_info(Some(&info(binary_option(Kind::NumberValue(1.0)))))
            .unwrap_err()
            .to_string();
        assert!(err.contains("must be a non-empty string"), "{err}");
    }
}
