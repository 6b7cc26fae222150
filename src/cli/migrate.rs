//! `mailu-chart migrate`: values written for Mailu's official Helm chart become ours, with a
//! report of what became of every setting.

use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::values_args::describe_io;
use super::{CliError, ValuesArgs, write_stdout};
use crate::migrate::{self, Options, Outcome};
use helm_engine::{KeyPath, Origin, UserValues};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart migrate old-values.yaml -o my-values.yaml
  mailu-chart migrate base.yaml production.yaml -o my-values.yaml --report migration.txt
  mailu-chart migrate old-values.yaml --release-name mail -n mail | mailu-chart validate -f -")]
pub struct MigrateArgs {
    /// Values files written for the official chart (Mailu/helm-charts, chart mailu 2.x); several
    /// are merged as helm merges them, later ones win; `-` reads standard input.
    #[arg(
        value_name = "OFFICIAL_VALUES",
        required_unless_present_any = ["values", "set", "set_string", "set_json", "set_file", "set_literal"]
    )]
    pub files: Vec<String>,
    /// The official chart's values as they were given to helm: `-f FILE` (before the files
    /// given without `-f`) and the `--set` flags, merged after the files as helm merges them.
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Write the migrated values to FILE instead of standard output (`-`).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Write the report to FILE instead of standard error (`-`). It holds the commands that create
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

/// The old release's name as helm takes it, and a namespace Kubernetes takes (both end up in
/// Secret names and in the report's commands).
fn check_release(args: &MigrateArgs) -> Result<(), CliError> {
    if let Some(reason) = helm_engine::release_name_problem(&args.release_name) {
        return Err(CliError::failure(format!("release name \"{}\": {reason}", args.release_name)));
    }
    if crate::patterns::is_match(crate::patterns::wiring::NAMESPACE, &args.namespace) != Some(true) {
        return Err(CliError::failure(format!(
            "namespace \"{}\" is invalid: use lower-case letters, digits and '-', at most 63 characters",
            args.namespace
        )));
    }
    Ok(())
}

/// A setting the report leaves out (not carried, unknown) names the file and line it stands
/// at, to be found among several files.
fn name_where_left_out_settings_stand(migration: &mut migrate::Migration, user: &UserValues) {
    for (key, outcome) in migration.findings.iter_mut() {
        let (Outcome::NotCarried { why } | Outcome::Unknown { why }) = outcome else { continue };
        let path = KeyPath::from_dotted(key.trim_end_matches("[]"));
        if let Some(Origin::File { name, pos: Some(pos) }) = user.set_at(&path, true) {
            why.push_str(&format!(" ({}:{}:{})", input_label(&name), pos.line, pos.col));
        }
    }
}

/// How the report names an input file: `-` is standard input.
fn input_label(name: &str) -> String {
    if name.trim() == "-" { "standard input".into() } else { name.to_string() }
}

impl MigrateArgs {
    /// The file for the migrated values; `-` is standard output, as without `-o`.
    fn output_file(&self) -> Option<&Path> {
        self.output.as_deref().filter(|path| path.as_os_str() != "-")
    }

    /// The file for the report; `-` is standard error, as without `--report`.
    fn report_file(&self) -> Option<&Path> {
        self.report.as_deref().filter(|path| path.as_os_str() != "-")
    }

    /// Every input file, in the order they are merged.
    fn inputs(&self) -> Result<Vec<String>, CliError> {
        Ok(self.values.files()?.into_iter().chain(self.files.iter().cloned()).collect())
    }
}

pub(super) fn run(args: &MigrateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    check_release(args)?;
    refuse_overwriting_inputs(args)?;
    let (user, _) = args.values.read_files(args.inputs()?)?;
    let options = Options { release_name: args.release_name.clone(), namespace: args.namespace.clone() };
    let mut migration = migrate::migrate(&user.values, &options);
    refuse_values_of_this_chart(&migration, &user)?;
    name_where_left_out_settings_stand(&mut migration, &user);
    if let Err(problems) = migration.check() {
        return Err(CliError::failure(format!(
            "the migrated values break this chart's rules, which is a fault of the migration (please report it):\n  {}",
            problems.join("\n  ")
        )));
    }
    let mut sources: Vec<String> = args.inputs()?.iter().map(|f| input_label(f)).collect();
    // Not spelled out: a value given on the command line may be a password.
    if args.values.set_texts().next().is_some() {
        sources.push("the --set flags".into());
    }
    let values = migration.values_yaml(&sources);
    let report = migration.report(&sources, &args.namespace);
    // Both files are written in full under temporary names beside their targets before either
    // takes its name, so that a file that cannot be written leaves the other as it was. The
    // report, with its passwords, reaches standard error only once the values are out.
    let values_file =
        args.output_file().map(|path| Pending::write(path, &values, Access::Kept)).transpose()?;
    let report_file =
        args.report_file().map(|path| Pending::write(path, &report, Access::Private)).transpose()?;
    match values_file {
        Some(file) => file.put_in_place()?,
        None => write_stdout(out, &values)?,
    }
    match report_file {
        Some(file) => file.put_in_place()?,
        None => {
            for line in report.lines() {
                super::note(line);
            }
        }
    }
    if let Some(path) = args.output_file() {
        super::note(&format!("wrote {}", path.display()));
    }
    Ok(())
}

/// Values already written for this chart (settings the official chart does not know, and
/// valid here as they are) need no migration: what `migrate` would make of them is nonsense.
fn refuse_values_of_this_chart(
    migration: &migrate::Migration,
    user: &helm_engine::UserValues,
) -> Result<(), CliError> {
    let unknown: Vec<&str> = migration
        .findings
        .iter()
        .filter(|(_, outcome)| matches!(outcome, migrate::Outcome::Unknown { .. }))
        .map(|(key, _)| key.as_str())
        .collect();
    if unknown.is_empty() || crate::values::resolve(user).is_err() {
        return Ok(());
    }
    let keys = super::first_few(&unknown, 3);
    Err(CliError::failure(format!(
        "these are values of this chart already, valid as they are ({keys}: not settings of Mailu's official chart); use them as they are, as in mailu-chart validate -f FILE"
    )))
}

/// Who may read a file written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Access {
    /// The permissions of the file replaced, or those a new file gets.
    Kept,
    /// Its owner alone: the report holds passwords (a file replaced is narrowed too).
    Private,
}

/// A file written in full under a temporary name in its target's folder, which takes the
/// target's name in one step; dropped before that, it is removed. A target that is no file
/// (`/dev/stdout`, a pipe) is written to as it is, when its turn comes: it has no folder to
/// stage in, and renaming over it would replace the device or the link with a file.
enum Pending {
    Staged {
        file: tempfile::NamedTempFile,
        /// Where it goes: the target, or the file a link there names (written through, as
        /// writing in place would).
        target: PathBuf,
        /// The target as given, for messages.
        given: PathBuf,
    },
    Stream {
        given: PathBuf,
        text: String,
    },
}

impl Pending {
    fn write(given: &Path, text: &str, access: Access) -> Result<Pending, CliError> {
        let failed = |e: std::io::Error| cannot_write(given, &e);
        if given.metadata().is_ok_and(|found| !found.is_file() && !found.is_dir()) {
            return Ok(Pending::Stream { given: given.to_path_buf(), text: text.to_string() });
        }
        let target = match given.symlink_metadata() {
            Ok(found) if found.file_type().is_symlink() => {
                given.canonicalize().unwrap_or_else(|_| given.into())
            }
            _ => given.to_path_buf(),
        };
        let existing = target.metadata().ok();
        if existing.as_ref().is_some_and(std::fs::Metadata::is_dir) {
            return Err(failed(std::io::ErrorKind::IsADirectory.into()));
        }
        let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let folder = target.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".tmp");
        // A new file as `create` makes it (the umask applies); the report for its owner alone.
        #[cfg(unix)]
        if access == Access::Kept {
            builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        }
        let mut file = builder.tempfile_in(folder).map_err(failed)?;
        if let (Access::Kept, Some(existing)) = (access, &existing) {
            file.as_file().set_permissions(existing.permissions()).map_err(failed)?;
        }
        // On the disk before it takes the name: a crash then leaves the old file or the new one.
        file.write_all(text.as_bytes()).and_then(|()| file.as_file().sync_all()).map_err(failed)?;
        Ok(Pending::Staged { file, target, given: given.to_path_buf() })
    }

    fn put_in_place(self) -> Result<(), CliError> {
        match self {
            Pending::Staged { file, target, given } => {
                file.persist(&target).map(drop).map_err(|e| cannot_write(&given, &e.error))
            }
            Pending::Stream { given, text } => {
                std::fs::write(&given, text).map_err(|e| cannot_write(&given, &e))
            }
        }
    }
}

fn cannot_write(path: &Path, e: &std::io::Error) -> CliError {
    CliError::failure(format!("cannot write {}: {}", path.display(), describe_io(e)))
}

/// The values and the report go to files of their own: neither may be an input, nor both
/// the same file.
fn refuse_overwriting_inputs(args: &MigrateArgs) -> Result<(), CliError> {
    let mut inputs = args.inputs()?;
    inputs.extend(args.values.set_file_paths().map(str::to_string));
    let inputs = inputs.iter().filter(|f| f.trim() != "-" && !f.contains("://")).map(Path::new);
    if let (Some(output), Some(report)) = (args.output_file(), args.report_file())
        && same_file(output, report)
    {
        return Err(CliError::failure(format!(
            "-o and --report name the same file, {}: give each its own",
            output.display()
        )));
    }
    for written in args.output_file().into_iter().chain(args.report_file()) {
        if let Some(input) = inputs.clone().find(|input| same_file(written, input)) {
            return Err(CliError::failure(format!(
                "{} is one of the values files read ({}); write the migrated values and the report elsewhere",
                written.display(),
                input.display()
            )));
        }
    }
    Ok(())
}

/// Whether two paths name one file: the same file once links are followed, or, for a file
/// not there yet, the same name in the same folder.
fn same_file(a: &Path, b: &Path) -> bool {
    let resolved = |path: &Path| {
        path.canonicalize().ok().or_else(|| {
            let name = path.file_name()?;
            let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
            Some(folder.canonicalize().ok()?.join(name))
        })
    };
    match (resolved(a), resolved(b)) {
        (Some(a), Some(b)) => a == b,
        _ => a == b,
    }
}
