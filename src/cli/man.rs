//! `mailu-chart man`: manual pages in roff, generated from the same clap definitions that parse
//! the command line.

use std::io::Write;
use std::path::PathBuf;

use clap::{Args, CommandFactory};

use super::values_args::describe_io;
use super::{Cli, CliError, write_stdout};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart man | man -l -
  mailu-chart man --output-dir /usr/local/share/man/man1")]
pub struct ManArgs {
    /// Write one page per command (mailu-chart.1, mailu-chart-render.1, ...) into DIR instead
    /// of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
}

pub(super) fn run(args: &ManArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let command = Cli::command();
    match &args.output_dir {
        None => {
            let mut page = Vec::new();
            clap_mangen::Man::new(command)
                .render(&mut page)
                .map_err(|e| CliError::failure(format!("cannot write the manual page: {e}")))?;
            write_stdout(out, &String::from_utf8_lossy(&page))
        }
        Some(dir) => {
            let fail = |e: std::io::Error| {
                CliError::failure(format!("cannot write into {}: {}", dir.display(), describe_io(&e)))
            };
            if dir.exists() && !dir.is_dir() {
                return Err(CliError::failure(format!("{} exists and is not a directory", dir.display())));
            }
            std::fs::create_dir_all(dir).map_err(fail)?;
            clap_mangen::generate_to(command, dir).map_err(fail)?;
            super::note(&format!("wrote the manual pages to {}", dir.display()));
            Ok(())
        }
    }
}
