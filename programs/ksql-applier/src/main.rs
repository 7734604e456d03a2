//! `ksql-applier --server URL --statements FILE`: applies the KsqlPipeline statements file
//! (the JSON the component writes into a ConfigMap) to the ksqlDB server at URL. Exits 0 when
//! every statement is in place, 1 with ksqlDB's message otherwise. The variables
//! `KSQL_SERVER` and `KSQL_STATEMENTS_FILE` stand in for the flags.

use anyhow::{Context, Result, bail};
use ksql_applier::{KsqlClient, RetryPolicy};
use ksql_pipeline::StatementFile;

fn arg(args: &[String], flag: &str, env: &str) -> Result<String> {
    if let Some(i) = args.iter().position(|a| a == flag) {
        return args
            .get(i + 1)
            .cloned()
            .with_context(|| format!("{flag} needs a value"));
    }
    match std::env::var(env) {
        Ok(value) => Ok(value),
        Err(_) => {
            bail!("give {flag} or set {env}; usage: ksql-applier --server URL --statements FILE")
        }
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let server = arg(&args, "--server", "KSQL_SERVER")?;
    let path = arg(&args, "--statements", "KSQL_STATEMENTS_FILE")?;
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    let file = StatementFile::from_json(&text).with_context(|| format!("reading {path}"))?;
    let client = KsqlClient::new(&server, RetryPolicy::default())?;
    let report = client.apply(&file).await?;
    println!(
        "ksqlDB pipeline in place: {} created ({}), {} already present",
        report.created.len(),
        report.created.join(", "),
        report.already_present.len()
    );
    Ok(())
}
