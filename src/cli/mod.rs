//! The command line: one file per subcommand, shared values flags, and the mapping of
//! failures to exit codes (0 success, 1 failure, 2 usage error).

mod completions;
mod diff;
mod dns;
mod export;
mod graph;
mod man;
mod migrate;
mod pflag;
mod render;
mod schema;
mod staging;
mod template;
mod validate;
mod values_args;

use std::io::Write;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use values_args::ValuesArgs;

/// Deploy the Mailu mail server on Kubernetes from one values file.
#[derive(Debug, Parser)]
#[command(name = "mailu-chart", version, about, long_about = None, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Render the Kubernetes manifests for the values (like `helm template` of the chart).
    Render(render::RenderArgs),
    /// Write the equivalent Helm chart into a directory.
    Export(export::ExportArgs),
    /// Render directly and through the chart, and show every difference (exit 1 if any).
    Diff(diff::DiffArgs),
    /// Render any chart like `helm template` (a folder, an archive, from a repository or a
    /// registry), with mailu-chart's own renderer.
    Template(Box<template::TemplateArgs>),
    /// Check values against the model; print every problem with its key and location.
    Validate(validate::ValidateArgs),
    /// Print values.schema.json (JSON Schema draft-07) generated from the values model.
    Schema(schema::SchemaArgs),
    /// Draw the deployment: components, allowed network flows, the way in, outside services.
    Graph(graph::GraphArgs),
    /// Print the DNS records to publish for the values (a zone file fragment, or JSON).
    Dns(dns::DnsArgs),
    /// Turn values of Mailu's official Helm chart into ours, with a report of every setting.
    Migrate(migrate::MigrateArgs),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish).
    Completions(completions::CompletionsArgs),
    /// Print the manual page, or write one per command into a directory.
    Man(man::ManArgs),
}

/// A failed command: what to print on standard error and the exit code.
#[derive(Debug)]
pub struct CliError {
    pub code: u8,
    pub message: String,
}

impl CliError {
    /// A failure of the input or the work (exit code 1).
    pub fn failure(message: impl Into<String>) -> Self {
        CliError { code: 1, message: message.into() }
    }
}

/// Runs the command line and returns the process exit code.
pub fn main() -> ExitCode {
    // Values nested thousands deep (go-yaml allows 10,000 levels) are copied, compared and
    // dropped by recursion, so the work runs on a thread whose stack holds that depth; the
    // stack is reserved, not used, until a deep input needs it. It is the stack the Helm
    // engine renders on, so `template` renders without starting a thread of its own. The
    // command line is read there too: the allocator then serves one thread, and a short run
    // touches fewer pages. The process exits from that thread when the command is done,
    // without taking the thread down first.
    let worker = std::thread::Builder::new().name("mailu-chart".into()).stack_size(WORK_STACK_SIZE);
    match worker.spawn(|| std::process::exit(i32::from(parse_and_run()))).map(std::thread::JoinHandle::join) {
        Ok(Err(panic)) => std::panic::resume_unwind(panic),
        Err(e) => {
            note(&format!("error: cannot start a thread: {e}"));
            ExitCode::from(1)
        }
    }
}

/// The command's exit code.
fn parse_and_run() -> u8 {
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    // `template` stands in for `helm template`, which exits 1 for a mistake on its command
    // line too; the other commands follow clap's custom of 2.
    let usage_error = if args.get(1).is_some_and(|arg| arg == "template") { 1 } else { 2 };
    let cli = match parse(args.clone()) {
        Ok(cli) => cli,
        Err(e) => {
            match non_utf8_argument(&args) {
                // clap's own message names no argument.
                Some(message) if e.kind() == clap::error::ErrorKind::InvalidUtf8 => note(&message),
                _ => drop(e.print()),
            }
            return if e.use_stderr() { usage_error } else { 0 };
        }
    };
    match run(cli) {
        Ok(()) => 0,
        Err(error) => {
            let message = error.message.trim_end();
            if !message.is_empty() {
                note(&format!("error: {message}"));
            }
            error.code
        }
    }
}

/// The error for the argument that is not UTF-8 text (a file name in another encoding) and
/// that the command reads as text, naming it and the flag it is the value of, if any.
/// Options that take paths read any bytes, so clap's refusal is pinned on the argument
/// that is refused alone, with every other such argument made readable.
fn non_utf8_argument(args: &[std::ffi::OsString]) -> Option<String> {
    let unreadable = |arg: &std::ffi::OsString| arg.to_str().is_none();
    let refused_alone = |at: usize| {
        let probe = args.iter().enumerate().map(|(i, arg)| match i {
            0 => arg.clone(),
            _ if i != at && unreadable(arg) => arg.to_string_lossy().into_owned().into(),
            _ => arg.clone(),
        });
        matches!(parse(probe.collect()), Err(e) if e.kind() == clap::error::ErrorKind::InvalidUtf8)
    };
    let at = (1..args.len()).find(|&at| unreadable(&args[at]) && refused_alone(at))?;
    let shown = args[at].to_string_lossy();
    let command = <Cli as clap::CommandFactory>::command();
    let subcommand =
        args.get(1).and_then(|name| name.to_str()).and_then(|name| command.find_subcommand(name));
    let takes_a_value = |flag: &str| {
        subcommand.is_some_and(|sub| {
            sub.get_arguments().any(|arg| {
                let named = match flag.strip_prefix("--") {
                    Some(long) => arg.get_long() == Some(long),
                    None => flag.len() == 2 && arg.get_short() == flag.chars().nth(1),
                };
                named && arg.get_action().takes_values()
            })
        })
    };
    let flag = args[at - 1]
        .to_str()
        .filter(|before| before.starts_with('-') && takes_a_value(before))
        .map(|flag| format!(" (the value of {flag})"))
        .unwrap_or_default();
    Some(format!(
        "error: argument {at}{flag} is not valid UTF-8: \"{shown}\" (invalid bytes shown as \u{FFFD}); mailu-chart reads its arguments as UTF-8 text (for a file whose name is in another encoding, link to it under a UTF-8 name)"
    ))
}

/// The command line read as [`Cli`] reads it. `template` is read by a parser built without
/// the other subcommands: building them all was most of the time a short `template` run
/// spent on its command line. Anything but a successful read (help, version, a mistake) is
/// read again by the full parser, whose messages know every subcommand.
fn parse(args: Vec<std::ffi::OsString>) -> Result<Cli, clap::Error> {
    let args = if args.get(1).is_some_and(|arg| arg == "template") {
        template::switches_as_given(args)
    } else {
        args
    };
    if args.get(1).is_some_and(|arg| arg == "template")
        && let Ok(TemplateOnly { command: TemplateCommand::Template(template) }) =
            TemplateOnly::try_parse_from(&args)
    {
        return Ok(Cli { command: Command::Template(template) });
    }
    Cli::try_parse_from(args)
}

/// [`Cli`] with `template` alone.
#[derive(Parser)]
#[command(name = "mailu-chart", version, propagate_version = true)]
struct TemplateOnly {
    #[command(subcommand)]
    command: TemplateCommand,
}

#[derive(Subcommand)]
enum TemplateCommand {
    Template(Box<template::TemplateArgs>),
}

/// The stack of the thread that does a command's work.
const WORK_STACK_SIZE: usize = helm_engine::RENDER_STACK_SIZE;

fn run(cli: Cli) -> Result<(), CliError> {
    let mut stdout = std::io::stdout().lock();
    match cli.command {
        Command::Completions(args) => completions::run(&args, &mut stdout),
        Command::Diff(args) => diff::run(&args, &mut stdout),
        Command::Dns(args) => dns::run(&args, &mut stdout),
        Command::Export(args) => export::run(&args),
        Command::Graph(args) => graph::run(&args, &mut stdout),
        Command::Man(args) => man::run(&args, &mut stdout),
        Command::Migrate(args) => migrate::run(&args, &mut stdout),
        Command::Render(args) => render::run(&args, &mut stdout),
        Command::Validate(args) => validate::run(&args),
        Command::Schema(args) => schema::run(&args, &mut stdout),
        Command::Template(args) => template::run(&args, &mut stdout),
    }
}

/// Prints a line on standard error. A closed or broken standard error loses the line and
/// nothing else: the command goes on and its exit code stays what it would have been
/// (`eprintln!` would panic instead).
pub(crate) fn note(line: &str) {
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(format!("{line}\n").as_bytes()).and_then(|()| stderr.flush());
}

/// Prints the warnings about valid but dangerous values (NetworkPolicies off, ...).
pub(crate) fn warn_about(values: &crate::values::Values) {
    for warning in crate::values::trust::warnings(values) {
        note(&format!("warning: {warning}"));
    }
    if !values.enabled {
        note(
            "warning: enabled is false, which only a parent chart reads (`condition: <name>.enabled`): \
             everything is rendered all the same",
        );
    }
}

/// The first `shown` of `items`, joined with commas, and how many more there are.
pub(crate) fn first_few(items: &[impl AsRef<str>], shown: usize) -> String {
    let mut text = items.iter().take(shown).map(AsRef::as_ref).collect::<Vec<_>>().join(", ");
    if items.len() > shown {
        text.push_str(&format!(" and {} more", items.len() - shown));
    }
    text
}

/// Writes to standard output. A reader that stopped reading (`| head`) is not an error: the
/// rest of the output is dropped quietly and the exit code is the command's own.
pub(crate) fn write_stdout(out: &mut dyn Write, text: &str) -> Result<(), CliError> {
    write_output(out, |out| out.write_all(text.as_bytes()))
}

/// Runs `write` on standard output and flushes it; a reader that went away (`| head`) is not
/// an error.
pub(crate) fn write_output(
    out: &mut dyn Write,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), CliError> {
    match write(out).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(CliError::failure(format!("cannot write the output: {e}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `template` parser reads what the full one reads, and leaves the rest to it.
    #[test]
    fn template_is_read_as_the_full_parser_reads_it() {
        let read = |line: &str| {
            let args: Vec<std::ffi::OsString> = line.split(' ').map(Into::into).collect();
            let full = Cli::try_parse_from(&args).map(|cli| format!("{cli:?}")).map_err(|e| e.to_string());
            (
                format!("{:?}", parse(args.clone()).map(|cli| format!("{cli:?}")).map_err(|e| e.to_string())),
                format!("{full:?}"),
            )
        };
        for line in [
            "mailu-chart template ./chart",
            "mailu-chart template mailu ./chart -f a.yaml -f b.yaml --set x=1 -n ns --include-crds",
            "mailu-chart template ./chart --release-name",
            "mailu-chart template --random-seed s --now 2026-01-01T00:00:00Z -s templates/a.yaml r ./c",
            "mailu-chart template",
            "mailu-chart template --no-such-flag ./chart",
            "mailu-chart template --help",
            "mailu-chart template --version",
            "mailu-chart render",
        ] {
            let (ours, full) = read(line);
            assert_eq!(ours, full, "{line}");
        }
    }
}
