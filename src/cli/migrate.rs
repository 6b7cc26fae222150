//! `mailu-chart migrate`: values written for Mailu's official Helm chart become ours, with a
//! report of what became of every setting.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::values_args::describe_io;
use super::{CliError, ValuesArgs, write_stdout};
use crate::migrate::{self, Options};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart migrate old-values.yaml -o my-values.yaml
  mailu-chart migrate base.yaml production.yaml -o my-values.yaml --report migration.txt
  mailu-chart migrate old-values.yaml --release-name mail -n mail | mailu-chart validate -f -")]
pub struct MigrateArgs {
    /// Values files written for the official chart (Mailu/helm-charts, chart mailu 2.x); several
    /// are merged as helm merges them, later ones win; `-` reads standard input.
    #[arg(value_name = "OFFICIAL_VALUES", required = true)]
    pub files: Vec<String>,
    /// Write the migrated values to FILE instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the report to FILE instead of standard error. It holds the commands that create
    /// the Secrets, with the passwords the official values held.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// The release name the official chart was installed under: the names of the Secrets it
    /// generated, and of its database's Service, derive from it.
    #[arg(long = "release-name", value_name = "NAME", default_value = "mailu")]
    pub release_name: String,
    /// The namespace it runs in, for the kubectl commands of the report.
    #[arg(short = 'n', long = "namespace", value_name = "NS", default_value = "mailu")]
    pub namespace: String,
}

pub(super) fn run(args: &MigrateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let values_args = ValuesArgs { values: args.files.clone(), ..ValuesArgs::default() };
    let user = values_args.read()?;
    let options = Options { release_name: args.release_name.clone(), namespace: args.namespace.clone() };
    let migration = migrate::migrate(&user.values, &options);
    if let Err(problems) = migration.check() {
        return Err(CliError::failure(format!(
            "the migrated values break this chart's rules, which is a fault of the migration (please report it):\n  {}",
            problems.join("\n  ")
        )));
    }
    let sources: Vec<String> = args
        .files
        .iter()
        .map(|f| if f.trim() == "-" { "standard input".into() } else { f.clone() })
        .collect();
    let values = migration.values_yaml(&sources);
    let report = migration.report(&sources, &args.namespace);
    match &args.report {
        Some(path) => write_file(path, &report)?,
        None => {
            for line in report.lines() {
                super::note(line);
            }
        }
    }
    match &args.output {
        Some(path) => {
            write_file(path, &values)?;
            super::note(&format!("wrote {}", path.display()));
            Ok(())
        }
        None => write_stdout(out, &values),
    }
}

fn write_file(path: &std::path::Path, text: &str) -> Result<(), CliError> {
    std::fs::write(path, text)
        .map_err(|e| CliError::failure(format!("cannot write {}: {}", path.display(), describe_io(&e))))
}
