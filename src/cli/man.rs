//! `mailu-chart man`: manual pages in roff, generated from the same clap definitions that parse
//! the command line.

use std::io::Write;
use std::path::{Path, PathBuf};

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
            if dir.exists() && !dir.is_dir() {
                return Err(CliError::failure(format!("{} exists and is not a directory", dir.display())));
            }
            std::fs::create_dir_all(dir).map_err(|e| {
                CliError::failure(format!("cannot create {}: {}", dir.display(), describe_io(&e)))
            })?;
            write_pages(dir, &pages(command)?)?;
            super::note(&format!("wrote the manual pages to {}", dir.display()));
            Ok(())
        }
    }
}

/// Every page (a command's, then each visible subcommand's, as `mailu-chart-render.1`), named
/// and rendered.
fn pages(command: clap::Command) -> Result<Vec<(String, Vec<u8>)>, CliError> {
    fn collect(command: clap::Command, pages: &mut Vec<(String, Vec<u8>)>) -> Result<(), CliError> {
        for sub in command.get_subcommands().filter(|s| !s.is_hide_set()).cloned() {
            collect(sub, pages)?;
        }
        let man = clap_mangen::Man::new(command);
        let mut page = Vec::new();
        man.render(&mut page).map_err(|e| {
            CliError::failure(format!("cannot write the manual page {}: {e}", man.get_filename()))
        })?;
        pages.push((man.get_filename(), page));
        Ok(())
    }
    let mut command = command.disable_help_subcommand(true);
    command.build();
    let mut pages = Vec::new();
    collect(command, &mut pages)?;
    Ok(pages)
}

/// Writes the pages into `dir`, all or none: each is written in full beside its place first,
/// and only when all are written, and none of their places is taken by a folder, are they
/// renamed into place. An error names the page.
fn write_pages(dir: &Path, pages: &[(String, Vec<u8>)]) -> Result<(), CliError> {
    let mut staged = Vec::new();
    for (name, content) in pages {
        let target = dir.join(name);
        let fail = |e: std::io::Error| {
            CliError::failure(format!("cannot write {}: {}", target.display(), describe_io(&e)))
        };
        if target.is_dir() {
            return Err(fail(std::io::Error::from(std::io::ErrorKind::IsADirectory)));
        }
        let mut builder = tempfile::Builder::new();
        let prefix = format!(".{name}.");
        builder.prefix(&prefix).suffix(".tmp");
        // Readable by all as a page written directly would be (the umask applies), not
        // private as a temporary file is made.
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let mut file = builder.tempfile_in(dir).map_err(&fail)?;
        file.write_all(content).map_err(&fail)?;
        staged.push((file, target));
    }
    for (file, target) in staged {
        file.persist(&target).map_err(|e| {
            CliError::failure(format!("cannot write {}: {}", target.display(), describe_io(&e.error)))
        })?;
    }
    Ok(())
}
