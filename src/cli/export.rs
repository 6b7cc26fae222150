//! `mailu-chart export DIR`: write the Helm chart, all at once or not at all.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use clap::Args;

use super::CliError;
use super::staging::{self, Staging, StagingError};
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
    /// Replace a directory that holds something other than a previous export as it was
    /// written: another directory, an export with files added or edited (everything in it is
    /// removed).
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: &ExportArgs) -> Result<(), CliError> {
    let files = chart::chart_files().map_err(|e| CliError::failure(e.to_string()))?;
    write_atomically(&args.dir, &files, args.force)?;
    super::note(&format!("wrote the chart to {} ({} files)", args.dir.display(), files.len()));
    Ok(())
}

/// What stands at the target.
enum Target {
    /// Nothing, or an empty directory: the export may go there.
    Free,
    /// A previous export holding only files this export writes: it may be replaced.
    OwnExport,
    /// A previous export beside which stand these entries this export does not write (a
    /// folder named once for all it holds).
    OwnExportWith(Vec<String>),
    /// A previous export whose files were changed since (they no longer match its digest).
    EditedExport,
    /// A directory that is not an export.
    Other,
}

/// What `dir` holds. A link is refused: the export replaces a directory of its own, never
/// what a link names.
fn inspect(dir: &Path, files: &[ExportFile]) -> Result<Target, CliError> {
    let io =
        |e: std::io::Error| CliError::failure(format!("cannot read {}: {}", dir.display(), describe_io(&e)));
    let metadata = match dir.symlink_metadata() {
        Ok(metadata) => metadata,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Target::Free),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(CliError::failure(format!(
                "cannot export to {}: a folder on its path is a file",
                dir.display()
            )));
        }
        Err(e) => return Err(io(e)),
    };
    if metadata.file_type().is_symlink() {
        return Err(CliError::failure(format!(
            "{} is a symbolic link; give the directory itself (the export replaces the directory it is given and never writes through a link)",
            dir.display()
        )));
    }
    if !metadata.is_dir() {
        return Err(CliError::failure(format!("{} exists and is not a directory", dir.display())));
    }
    if std::fs::read_dir(dir).map_err(io)?.next().is_none() {
        return Ok(Target::Free);
    }
    let chart_yaml = std::fs::read_to_string(dir.join("Chart.yaml")).unwrap_or_default();
    if !chart_yaml.contains(&format!("{GENERATOR_ANNOTATION}:")) {
        return Ok(Target::Other);
    }
    let written: BTreeSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let folders: BTreeSet<&str> =
        written.iter().flat_map(|path| path.match_indices('/').map(|(at, _)| &path[..at])).collect();
    let mut foreign = Vec::new();
    let mut own = Vec::new();
    let mut pending = vec![String::new()];
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(dir.join(&folder)).map_err(io)? {
            let entry = entry.map_err(io)?;
            let name = entry.file_name().to_string_lossy().into_owned();
            let relative = if folder.is_empty() { name } else { format!("{folder}/{name}") };
            let kind = entry.file_type().map_err(io)?;
            if kind.is_dir() && folders.contains(relative.as_str()) {
                pending.push(relative);
            } else if kind.is_file() && written.contains(relative.as_str()) {
                own.push(relative);
            } else {
                foreign.push(if kind.is_dir() { format!("{relative}/") } else { relative });
            }
        }
    }
    foreign.sort();
    if !foreign.is_empty() {
        return Ok(Target::OwnExportWith(foreign));
    }
    let contents = own
        .into_iter()
        .map(|path| {
            let file = dir.join(&path);
            std::fs::read(&file).map(|content| (path, content)).map_err(|e| {
                CliError::failure(format!("cannot read {}: {}", file.display(), describe_io(&e)))
            })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // An export older than the digest cannot tell, and is taken as it was written.
    Ok(if chart::unedited(&contents) == Some(false) { Target::EditedExport } else { Target::OwnExport })
}

/// Writes every file into a fresh staging directory beside `dir`, gives it the owner, group and
/// permissions of the directory it replaces, then swaps it in, so that `dir` is at every
/// moment either the previous chart or the new one, complete (see [`Staging`]); on an error
/// nothing is left behind. A mount point, which cannot be swapped, is refused first.
fn write_atomically(dir: &Path, files: &[ExportFile], force: bool) -> Result<(), CliError> {
    let failure = |e: StagingError| CliError::failure(e.to_string());
    // The directory as its components name it: `chart/.` is `chart` (renaming onto a path
    // that ends in `.` fails).
    let dir = &dir.components().collect::<std::path::PathBuf>();
    if dir.file_name().is_none() {
        return Err(CliError::failure(format!(
            "{} does not name a directory the export can replace; give it by name, like ../chart",
            dir.display()
        )));
    }
    // Before anything else: no flag could make a mount point movable.
    staging::refuse_mount_point(dir).map_err(failure)?;
    match inspect(dir, files)? {
        Target::Free | Target::OwnExport => {}
        _ if force => {}
        Target::Other => {
            return Err(CliError::failure(format!(
                "{} is not empty and does not hold a chart exported by mailu-chart; use --force to replace it",
                dir.display()
            )));
        }
        Target::EditedExport => {
            return Err(CliError::failure(format!(
                "{} holds a chart exported by mailu-chart and changed since (its files no longer match the digest in its Chart.yaml): a new export would lose those changes; keep them in values or a chart of your own, or use --force to replace the directory",
                dir.display()
            )));
        }
        Target::OwnExportWith(foreign) => {
            return Err(CliError::failure(format!(
                "{} holds a chart exported by mailu-chart and files this export does not write: {}; move them away, or use --force to replace the directory and everything in it",
                dir.display(),
                super::first_few(&foreign, 5)
            )));
        }
    }
    if let Some(parent) = dir.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent).map_err(|e| {
            CliError::failure(format!("cannot create {}: {}", parent.display(), describe_io(&e)))
        })?;
    }
    let staging = Staging::create(dir).map_err(failure)?;
    for file in files {
        staging.write(&file.path, file.content.as_bytes()).map_err(failure)?;
    }
    staging.keep_owner().map_err(failure)?;
    staging.keep_permissions().map_err(failure)?;
    staging.swap_into_place().map_err(failure)
}
