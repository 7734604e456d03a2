//! Running a program: the `get-packages` answer, the stack resource, stack outputs, and the
//! exit code.

use std::future::Future;

use anyhow::Context as _;
use serde::Serialize;

use crate::context::Severity;
use crate::{Context, Settings};

/// A provider plugin the program needs, as reported by `<binary> get-packages <file>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PackageRequirement {
    /// The package name, such as `aws` or `kubernetes`.
    pub name: &'static str,
    /// The exact plugin version.
    pub version: &'static str,
}

/// The exit code that tells the language host the program has already reported its error.
const EXIT_REPORTED: i32 = 32;

/// The entry point of a program binary: answers `get-packages <file>` with `packages`, or runs
/// `program` against the engine named by the environment, then exits (0 on success).
pub fn main<F, Fut, O>(packages: &[PackageRequirement], program: F) -> !
where
    F: FnOnce(Context) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<O>> + Send + 'static,
    O: Serialize + Send + 'static,
{
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("get-packages") {
        let code = match write_packages(packages, args.get(2)) {
            Ok(()) => 0,
            Err(error) => {
                eprintln!("error: {error:#}");
                1
            }
        };
        std::process::exit(code);
    }
    let code = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime.block_on(run_from_env(program)),
        Err(error) => {
            eprintln!("error: cannot start the async runtime: {error}");
            1
        }
    };
    std::process::exit(code)
}

fn write_packages(packages: &[PackageRequirement], file: Option<&String>) -> anyhow::Result<()> {
    let file = file.context("usage: <program> get-packages <output-file>")?;
    let json = serde_json::to_string_pretty(packages)?;
    std::fs::write(file, json).with_context(|| format!("cannot write {file}"))
}

async fn run_from_env<F, Fut, O>(program: F) -> i32
where
    F: FnOnce(Context) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<O>> + Send + 'static,
    O: Serialize + Send + 'static,
{
    let settings = match Settings::from_env() {
        Ok(settings) => settings,
        Err(error) => {
            eprintln!("error: {error:#}");
            return 1;
        }
    };
    let ctx = match Context::connect(settings).await {
        Ok(ctx) => ctx,
        Err(error) => {
            eprintln!("error: {error:#}");
            return 1;
        }
    };
    match run_with(&ctx, program).await {
        Ok(()) => 0,
        Err(error) => {
            // Once: the engine shows it as the program's diagnostic (the language host does not
            // repeat an error the program reported); `log` falls back to standard error.
            ctx.log(Severity::Error, &format!("{error:#}")).await;
            EXIT_REPORTED
        }
    }
}

/// Runs `program` against the engine in `settings`: registers the stack, the program's
/// resources and its outputs, and waits for all of them. Every failure is in the error.
pub async fn run<F, Fut, O>(settings: Settings, program: F) -> anyhow::Result<()>
where
    F: FnOnce(Context) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<O>> + Send + 'static,
    O: Serialize + Send + 'static,
{
    let ctx = Context::connect(settings).await?;
    run_with(&ctx, program).await
}

async fn run_with<F, Fut, O>(ctx: &Context, program: F) -> anyhow::Result<()>
where
    F: FnOnce(Context) -> Fut + Send + 'static,
    Fut: Future<Output = anyhow::Result<O>> + Send + 'static,
    O: Serialize + Send + 'static,
{
    let result = program(ctx.clone()).await;
    if let Ok(outputs) = &result {
        ctx.register_outputs(ctx.stack_resource(), outputs);
    }
    let failures = ctx.settle().await;
    match (result, failures.is_empty()) {
        (Ok(_), true) => Ok(()),
        (Ok(_), false) => anyhow::bail!("{}", failures.join("\n")),
        (Err(error), _) if failures.is_empty() => Err(error),
        (Err(error), _) => Err(error.context(failures.join("\n"))),
    }
}
