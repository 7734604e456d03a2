//! Prints what the pipeline hands to the cluster, for reading or for a ConfigMap by hand:
//!
//! ```sh
//! cargo run -p ksql-pipeline --example render -- statements   # the applier's JSON file
//! cargo run -p ksql-pipeline --example render -- postgres     # PostgreSQL 15 DDL
//! cargo run -p ksql-pipeline --example render -- ysql 12      # YSQL DDL, 12 tablets per table
//! cargo run -p ksql-pipeline --example render -- load-licenses terms.csv  # the psql loader
//! ```
//! Default topics and settings.

use anyhow::{Context, Result, bail};
use ksql_pipeline::{
    PipelineSettings, PipelineTopics, StatementFile, pipeline_statements,
    postgres_migration_script, ysql_migration_script,
};

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let text = match args.first().map(String::as_str) {
        Some("statements") => {
            let statements =
                pipeline_statements(&PipelineTopics::default(), &PipelineSettings::default())?;
            StatementFile::new(statements).to_json()
        }
        Some("postgres") => postgres_migration_script(),
        Some("ysql") => {
            let tablets = args
                .get(1)
                .context("ysql needs the tablet count, such as `ysql 12`")?
                .parse()
                .context("the tablet count must be a whole number")?;
            ysql_migration_script(tablets)?
        }
        Some("load-licenses") => {
            let csv = args
                .get(1)
                .context("load-licenses needs the CSV file, such as `load-licenses terms.csv`")?;
            ksql_pipeline::licenses::license_load_script(csv)
        }
        _ => bail!("usage: render statements | postgres | ysql TABLETS | load-licenses CSV"),
    };
    println!("{text}");
    Ok(())
}
