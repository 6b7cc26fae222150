//! `mailu-chart diff`: render the values directly and through the chart, and show every
//! difference. Exit 0 when equivalent, 1 when they differ, 2 on error.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};

use super::render::ReleaseArgs;
use super::{CliError, ValuesArgs, write_stdout};
use crate::diff::report::{self, Format, Style};
use crate::diff::{self, Object};
use crate::render::{self, output};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart diff -f my-values.yaml
  mailu-chart diff -f my-values.yaml --engine helm --chart ./mailu-chart-out
  mailu-chart diff -f my-values.yaml --against deployed.yaml --output brief")]
pub struct DiffArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// The chart to compare with, a folder or a packaged `.tgz` (default: the chart
    /// `mailu-chart export` writes).
    #[arg(long, value_name = "CHART")]
    pub chart: Option<PathBuf>,
    /// What renders the chart: the built-in Helm-compatible renderer, or a real helm.
    #[arg(long, value_enum, default_value_t = Engine::Builtin)]
    pub engine: Engine,
    /// The helm binary for `--engine helm` (default: `helm` on PATH).
    #[arg(long, value_name = "PATH")]
    pub helm: Option<PathBuf>,
    /// Compare today's render with a manifest file rendered earlier (an upgrade preview); `-`
    /// reads it from standard input (`helm get manifest mailu -n mailu | mailu-chart diff -f
    /// my-values.yaml --against -`).
    #[arg(long, value_name = "FILE", conflicts_with_all = ["chart", "helm"])]
    pub against: Option<PathBuf>,
    /// diff: changed fields and a unified diff per object; brief: one line per object;
    /// json: the whole report for machines.
    #[arg(long, value_enum, default_value_t = OutputFormat::Diff)]
    pub output: OutputFormat,
    /// Colour the diff: auto (on a terminal, unless NO_COLOR is set), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Engine {
    Builtin,
    Helm,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Diff,
    Brief,
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}

/// An error of the diff itself: exit code 2, as `diff` and `kubectl diff` do.
fn error(message: impl Into<String>) -> CliError {
    CliError { code: 2, message: message.into() }
}

pub(super) fn run(args: &DiffArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let as_error = |e: CliError| error(e.message);
    let (user, stdin) = args.values.read_keeping_stdin().map_err(as_error)?;
    let values = args.values.resolve_read(&user).map_err(as_error)?;
    args.release.check_kube_version().map_err(as_error)?;
    let release = args.release.release();
    let mut manifests = render::render(&values, &release).map_err(|e| error(e.to_string()))?;
    output::install_order(&mut manifests);
    let rendered =
        diff::parse_stream(&output::stream(&manifests), "render").map_err(|e| error(e.to_string()))?;

    let (left, right, names): (Vec<Object>, Vec<Object>, (String, String)) = match &args.against {
        Some(file) => {
            let from_stdin = file.as_os_str() == "-";
            let origin = if from_stdin { "standard input".to_string() } else { file.display().to_string() };
            let text = if from_stdin {
                if stdin.is_some() {
                    return Err(error(
                        "standard input is read once: --against - cannot share it with -f - or --set-file KEY=-",
                    ));
                }
                String::from_utf8(args.values.read_stdin().map_err(as_error)?)
                    .map_err(|_| error("standard input: not valid UTF-8 text"))?
            } else {
                let bytes = super::values_args::read_file_within(file, args.values.max_input_size)
                    .map_err(as_error)?;
                String::from_utf8(bytes).map_err(|_| error(format!("{origin}: not valid UTF-8 text")))?
            };
            let mut earlier = diff::parse_stream(&text, &origin).map_err(|e| error(e.to_string()))?;
            if earlier.is_empty() {
                super::note(&format!("note: {origin} holds no objects: everything rendered is new"));
            }
            if diff::drop_server_fields(&mut earlier) > 0 {
                super::note(&format!(
                    "note: {origin} holds objects read from a cluster; what the API server sets on every object is left out, but the defaults it fills in still differ (compare with `helm get manifest` for an exact preview)"
                ));
            }
            (earlier, rendered, (origin, "render".to_string()))
        }
        None => {
            let exported;
            let chart_dir: &Path = match &args.chart {
                // helm would read a relative path that is not there as a repository's chart.
                Some(dir) if !dir.exists() => {
                    return Err(error(format!(
                        "--chart {}: no such chart folder or archive (write one with `mailu-chart export DIR`, or leave --chart out to compare with a fresh export)",
                        dir.display()
                    )));
                }
                Some(dir) => dir,
                None => {
                    exported = export_to_temp()?;
                    exported.path()
                }
            };
            let (text, name) = match args.engine {
                Engine::Helm => helm_template(args, chart_dir, stdin.as_deref())?,
                Engine::Builtin => {
                    builtin_template(chart_dir, &user.values, &release, args.release.kube_version())?
                }
            };
            let through_chart = diff::parse_stream(&text, &name).map_err(|e| error(e.to_string()))?;
            (rendered, through_chart, ("render".to_string(), name))
        }
    };
    let comparison = diff::compare(&left, &right);
    let format = match args.output {
        OutputFormat::Diff => Format::Diff,
        OutputFormat::Brief => Format::Brief,
        OutputFormat::Json => Format::Json,
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                && std::env::var("TERM").map_or(true, |t| t != "dumb")
        }
    };
    let text = report::write(&comparison, (&names.0, &names.1), format, Style { color });
    write_stdout(out, &text).map_err(as_error)?;
    if comparison.is_equivalent() { Ok(()) } else { Err(CliError { code: 1, message: String::new() }) }
}

/// The chart this tool exports, written to a temporary directory (removed when dropped).
fn export_to_temp() -> Result<tempfile::TempDir, CliError> {
    let files = crate::chart::chart_files().map_err(|e| error(e.to_string()))?;
    let dir = tempfile::Builder::new()
        .prefix("mailu-chart-")
        .tempdir()
        .map_err(|e| error(format!("cannot create a temporary directory: {e}")))?;
    for file in &files {
        let path = dir.path().join(&file.path);
        let written = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|()| std::fs::write(&path, &file.content));
        written.map_err(|e| error(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(dir)
}

fn builtin_template(
    chart: &Path,
    user_values: &helm_engine::Map,
    release: &render::Release,
    kube_version: Option<&str>,
) -> Result<(String, String), CliError> {
    let options = helm_engine::RenderOptions {
        release_name: release.name.clone(),
        namespace: release.namespace.clone(),
        kube_version: kube_version.map(str::to_string),
        // The command renders once and exits.
        process_exits_after: true,
        ..Default::default()
    };
    let text = helm_engine::helm_template(chart, user_values, &options).map_err(|e| error(e.to_string()))?;
    Ok((text, "chart (built-in renderer)".to_string()))
}

fn helm_template(args: &DiffArgs, chart: &Path, stdin: Option<&[u8]>) -> Result<(String, String), CliError> {
    let helm = args.helm.clone().unwrap_or_else(|| PathBuf::from("helm"));
    let limit = args.values.max_input_size;
    let run = |extra: &[String]| match run_bounded(std::process::Command::new(&helm).args(extra), limit) {
        Ok(Some(output)) => Ok(output),
        Ok(None) => Err(error(super::values_args::too_large("what helm printed", limit).message)),
        Err(Ran::NotStarted(e)) => {
            Err(error(format!("cannot run {}: {e} (install helm or pass --helm PATH)", helm.display())))
        }
        Err(Ran::Failed(e)) => Err(error(format!("cannot read what {} printed: {e}", helm.display()))),
    };
    let version = run(&["version".to_string(), "--template".to_string(), "{{.Version}}".to_string()])?;
    let version = String::from_utf8_lossy(&version.stdout).trim().to_string();
    let stdin_file = match stdin {
        Some(bytes) => {
            let mut file = tempfile::NamedTempFile::new().map_err(|e| error(e.to_string()))?;
            file.write_all(bytes).map_err(|e| error(e.to_string()))?;
            Some(file)
        }
        None => None,
    };
    let release = args.release.release();
    let mut command = vec![
        "template".to_string(),
        release.name,
        chart.display().to_string(),
        "-n".to_string(),
        release.namespace,
    ];
    command.extend(args.values.helm_args(stdin_file.as_ref().map(|f| f.path()))?);
    // A helm built without its release's version information assumes an old Kubernetes,
    // which the chart refuses.
    if let Some(version) = args.release.kube_version() {
        command.extend(["--kube-version".to_string(), version.to_string()]);
    }
    let output = run(&command)?;
    if !output.status.success() {
        // The status says why when helm was stopped by a signal and printed nothing.
        let mut message = format!("helm template failed ({})", output.status);
        let printed = String::from_utf8_lossy(&output.stderr);
        if !printed.trim().is_empty() {
            message = format!("{message}:\n{}", printed.trim_end());
        }
        return Err(error(message));
    }
    let text = String::from_utf8(output.stdout).map_err(|_| error("helm printed invalid UTF-8"))?;
    Ok((text, format!("chart (helm {version})")))
}

/// Runs `command` with nothing on its standard input, keeping what it prints on each stream
/// up to `limit` bytes. `None` when its standard output grows beyond that: it is stopped, as
/// a program that never stops printing would otherwise fill memory.
fn run_bounded(command: &mut std::process::Command, limit: u64) -> Result<Option<std::process::Output>, Ran> {
    use std::io::Read;
    use std::process::Stdio;
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(Ran::NotStarted)?;
    let mut stderr = child.stderr.take().expect("standard error is piped");
    // Read beside standard output, so that neither pipe fills and stalls the program; what is
    // beyond the limit is read and dropped.
    let errors = std::thread::spawn(move || {
        let mut kept = Vec::new();
        let _ = (&mut stderr).take(limit).read_to_end(&mut kept);
        let _ = std::io::copy(&mut stderr, &mut std::io::sink());
        kept
    });
    let mut stdout = Vec::new();
    let read = child
        .stdout
        .take()
        .expect("standard output is piped")
        .take(limit.saturating_add(1))
        .read_to_end(&mut stdout);
    if read.is_err() || stdout.len() as u64 > limit {
        let _ = child.kill();
        let _ = child.wait();
        read.map_err(Ran::Failed)?;
        return Ok(None);
    }
    let status = child.wait().map_err(Ran::Failed)?;
    let stderr = errors.join().unwrap_or_default();
    Ok(Some(std::process::Output { status, stdout, stderr }))
}

/// Why [`run_bounded`] has no output.
enum Ran {
    /// The program could not be started (not installed, not executable).
    NotStarted(std::io::Error),
    /// It started, and reading what it printed or waiting for it failed.
    Failed(std::io::Error),
}
