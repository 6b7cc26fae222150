//! `mailu-chart export DIR`: write the Helm chart, all at once or not at all.

use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::values_args::describe_io;
use crate::chart::{self, ExportFile, GENERATOR_ANNOTATION};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart export ./mailu-chart-out
  helm install mailu ./mailu-chart-out -n mailu -f my-values.yaml")]
pub struct ExportArgs {
    /// The directory to write the chart into (created if missing).
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,
    /// Replace a directory that holds something other than a previous export.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: &ExportArgs) -> Result<(), CliError> {
    let files = chart::chart_files().map_err(|e| CliError::failure(e.to_string()))?;
    write_atomically(&args.dir, &files, args.force)?;
    eprintln!("wrote the chart to {} ({} files)", args.dir.display(), files.len());
    Ok(())
}

/// Whether `dir` is missing, empty, or a previous export (its Chart.yaml carries our marker).
fn may_replace(dir: &Path) -> Result<bool, CliError> {
    let io =
        |e: std::io::Error| CliError::failure(format!("cannot read {}: {}", dir.display(), describe_io(&e)));
    if !dir.exists() {
        return Ok(true);
    }
    if !dir.is_dir() {
        return Err(CliError::failure(format!("{} exists and is not a directory", dir.display())));
    }
    if std::fs::read_dir(dir).map_err(io)?.next().is_none() {
        return Ok(true);
    }
    let chart_yaml = std::fs::read_to_string(dir.join("Chart.yaml")).unwrap_or_default();
    Ok(chart_yaml.contains(&format!("{GENERATOR_ANNOTATION}:")))
}

/// Writes every file into a fresh directory beside `dir`, then swaps it in, so that `dir`
/// never holds half a chart; on any error nothing is left behind.
fn write_atomically(dir: &Path, files: &[ExportFile], force: bool) -> Result<(), CliError> {
    if !force && !may_replace(dir)? {
        return Err(CliError::failure(format!(
            "{} is not empty and does not hold a chart exported by mailu-chart; use --force to replace it",
            dir.display()
        )));
    }
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "chart".into());
    let staging = parent.join(format!(".{name}.export-{}", std::process::id()));
    let retired = parent.join(format!(".{name}.replaced-{}", std::process::id()));
    let fail = |what: &str, path: &Path, e: std::io::Error| {
        CliError::failure(format!("cannot {what} {}: {}", path.display(), describe_io(&e)))
    };
    let write_all = || -> Result<(), CliError> {
        std::fs::create_dir_all(&parent).map_err(|e| fail("create", &parent, e))?;
        for file in files {
            let path = staging.join(&file.path);
            if let Some(folder) = path.parent() {
                std::fs::create_dir_all(folder).map_err(|e| fail("create", folder, e))?;
            }
            std::fs::write(&path, &file.content).map_err(|e| fail("write", &path, e))?;
        }
        Ok(())
    };
    if let Err(e) = write_all() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(e);
    }
    let had_old = dir.exists();
    if had_old && let Err(e) = std::fs::rename(dir, &retired) {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(fail("move aside", dir, e));
    }
    if let Err(e) = std::fs::rename(&staging, dir) {
        if had_old {
            let _ = std::fs::rename(&retired, dir);
        }
        let _ = std::fs::remove_dir_all(&staging);
        return Err(fail("move into place", dir, e));
    }
    if had_old {
        let _ = std::fs::remove_dir_all(&retired);
    }
    Ok(())
}
