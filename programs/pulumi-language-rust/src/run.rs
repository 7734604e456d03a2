//! Runs the program binary with the engine's environment contract.
//!
//! The program reads: `PULUMI_MONITOR`, `PULUMI_ENGINE`, `PULUMI_PROJECT`, `PULUMI_STACK`,
//! `PULUMI_ORGANIZATION`, `PULUMI_ROOT_DIRECTORY`, `PULUMI_PWD`, `PULUMI_DRY_RUN`
//! (`true`/`false`), `PULUMI_QUERY_MODE`, `PULUMI_PARALLEL`, `PULUMI_CONFIG` (a JSON object of
//! `"namespace:key"` to string) and `PULUMI_CONFIG_SECRET_KEYS` (a JSON array of keys).
//! Standard output and error are inherited; exit code 32 means "error already reported to
//! the engine" (Pulumi's convention) and bails without another message.

use std::collections::BTreeMap;
use std::process::ExitStatus;

use anyhow::{Context, Result};
use tokio::process::Command;

use crate::options::Program;
use crate::proto::{RunRequest, RunResponse};

/// Exit code by which a program says it already reported its error to the engine.
pub const EXIT_ERROR_REPORTED: i32 = 32;

/// The environment the program runs with, in a fixed order.
pub fn program_env(
    request: &RunRequest,
    engine_address: &str,
) -> Result<Vec<(&'static str, String)>> {
    let config: BTreeMap<&String, &String> = request.config.iter().collect();
    let root = request
        .info
        .as_ref()
        .map(|info| info.root_directory.clone())
        .unwrap_or_default();
    Ok(vec![
        ("PULUMI_MONITOR", request.monitor_address.clone()),
        ("PULUMI_ENGINE", engine_address.to_owned()),
        ("PULUMI_PROJECT", request.project.clone()),
        ("PULUMI_STACK", request.stack.clone()),
        ("PULUMI_ORGANIZATION", request.organization.clone()),
        ("PULUMI_ROOT_DIRECTORY", root),
        ("PULUMI_PWD", request.pwd.clone()),
        ("PULUMI_DRY_RUN", request.dry_run.to_string()),
        ("PULUMI_QUERY_MODE", request.query_mode.to_string()),
        ("PULUMI_PARALLEL", request.parallel.to_string()),
        (
            "PULUMI_CONFIG",
            serde_json::to_string(&config).context("serializing config")?,
        ),
        (
            "PULUMI_CONFIG_SECRET_KEYS",
            serde_json::to_string(&request.config_secret_keys)
                .context("serializing secret keys")?,
        ),
    ])
}

/// Maps the program's exit status to the engine's `RunResponse`.
pub fn response_for(program: &Program, status: ExitStatus) -> RunResponse {
    match status.code() {
        Some(0) => RunResponse::default(),
        Some(EXIT_ERROR_REPORTED) => RunResponse {
            error: String::new(),
            bail: true,
        },
        Some(code) => RunResponse {
            error: format!(
                "program {} exited with code {code}",
                program.binary.display()
            ),
            bail: false,
        },
        None => RunResponse {
            error: format!(
                "program {} was killed by a signal ({status})",
                program.binary.display()
            ),
            bail: false,
        },
    }
}

/// Runs the program to completion with inherited output and returns the engine's response.
pub async fn run(
    program: &Program,
    request: &RunRequest,
    engine_address: &str,
) -> Result<RunResponse> {
    program.ensure_built()?;
    let status = Command::new(&program.binary)
        .args(&request.args)
        .current_dir(&program.directory)
        .envs(program_env(request, engine_address)?)
        .env("RUST_BACKTRACE", "1")
        .kill_on_drop(true)
        .status()
        .await
        .with_context(|| format!("could not start {}", program.binary.display()))?;
    Ok(response_for(program, status))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::process::ExitStatusExt;

    #[test]
    fn env_carries_config_as_sorted_json_and_flags_as_words() {
        let request = RunRequest {
            project: "heartbeat-platform".into(),
            stack: "dev".into(),
            config: [
                ("p:b".to_owned(), "2".to_owned()),
                ("p:a".to_owned(), "1".to_owned()),
            ]
            .into(),
            config_secret_keys: vec!["p:b".into()],
            dry_run: true,
            parallel: 16,
            monitor_address: "127.0.0.1:1".into(),
            ..Default::default()
        };
        let env: BTreeMap<_, _> = program_env(&request, "127.0.0.1:2")
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(env["PULUMI_CONFIG"], r#"{"p:a":"1","p:b":"2"}"#);
        assert_eq!(env["PULUMI_CONFIG_SECRET_KEYS"], r#"["p:b"]"#);
        assert_eq!(env["PULUMI_DRY_RUN"], "true");
        assert_eq!(env["PULUMI_PARALLEL"], "16");
        assert_eq!(env["PULUMI_ENGINE"], "127.0.0.1:2");
        assert_eq!(env["PULUMI_MONITOR"], "127.0.0.1:1");
    }

    #[test]
    fn exit_codes_map_to_error_or_bail() {
        let program = Program {
            binary: "/bin/prog".into(),
            directory: "/".into(),
        };
        assert_eq!(
            response_for(&program, ExitStatus::from_raw(0)),
            RunResponse::default()
        );
        assert!(response_for(&program, ExitStatus::from_raw(32 << 8)).bail);
        let failed = response_for(&program, ExitStatus::from_raw(1 << 8));
        assert!(!failed.bail);
        assert!(
            failed.error.contains("exited with code 1"),
            "{}",
            failed.error
        );
    }
}
