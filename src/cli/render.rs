//! `mailu-chart render`: the manifests for the values, like `helm template` of the exported
//! chart.

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{CliError, ValuesArgs, write_output};
use crate::render::{self, Release, output};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart render -f my-values.yaml | kubectl apply -n mailu -f -
  mailu-chart render -f my-values.yaml -s templates/admin/deployment.yaml -s 'templates/front/*'
  mailu-chart render mail -f my-values.yaml -n mail --output-dir rendered/")]
pub struct RenderArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// Write one file per template path under DIR (DIR/mailu/templates/...) instead of standard
    /// output.
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Only print the objects of these templates (paths like templates/admin/deployment.yaml;
    /// globs allowed; repeatable).
    #[arg(short = 's', long = "show-only", value_name = "PATH")]
    pub show_only: Vec<String>,
}

/// The release name and namespace, spelled as Helm spells them.
#[derive(Debug, Clone, Args)]
pub struct ReleaseArgs {
    /// Release name, where `helm template` takes it (the same as --release-name).
    #[arg(value_name = "NAME", conflicts_with = "name", value_parser = not_a_file_name)]
    pub positional_name: Option<String>,
    /// Release name: objects are named <release>-<component>, or by fullnameOverride. The
    /// default, mailu, is the
    /// name the chart's instructions install it under (`template` defaults to release-name, as
    /// `helm template` does, and takes --release-name as helm's switch for --output-dir paths).
    #[arg(long = "release-name", value_name = "NAME", default_value = "mailu")]
    pub name: String,
    /// Namespace of the objects. The default, mailu, is the one the chart's instructions use
    /// (`template` defaults to default, as `helm template` does).
    #[arg(short = 'n', long = "namespace", value_name = "NS", default_value = "mailu")]
    pub namespace: String,
    /// The cluster's Kubernetes version, refused when the objects are not for it (as
    /// `helm template --kube-version` refuses it with the chart's `kubeVersion`); the objects
    /// are the same for every version they are for.
    #[arg(long = "kube-version", value_name = "VERSION")]
    kube_version: Option<String>,
}

/// A release name that looks like a file is a values file given without `-f`.
fn not_a_file_name(name: &str) -> Result<String, String> {
    if name.contains('/') || name.ends_with(".yaml") || name.ends_with(".yml") || name == "-" {
        return Err(format!(
            "{name:?} looks like a values file, not a release name: give values files with -f"
        ));
    }
    Ok(name.to_string())
}

impl ReleaseArgs {
    /// The release name, given first or with `--release-name`.
    fn name(&self) -> &str {
        self.positional_name.as_ref().unwrap_or(&self.name)
    }

    pub fn release(&self) -> Release {
        Release { name: self.name().to_string(), namespace: self.namespace.clone() }
    }

    /// The `--kube-version` given, if one was (an empty one is none, as in helm).
    pub fn kube_version(&self) -> Option<&str> {
        self.kube_version.as_deref().filter(|v| !v.is_empty())
    }

    /// Refuses a `--kube-version` the objects are not for, as helm refuses it.
    pub fn check_kube_version(&self) -> Result<(), CliError> {
        match self.kube_version() {
            Some(given) => helm_engine::check_kube_version(crate::objects::KUBERNETES_VERSIONS, given)
                .map_err(|e| CliError::failure(e.to_string())),
            None => Ok(()),
        }
    }

    /// The evaluation context of these values in this release, once the checks the chart
    /// makes before rendering anything (a name or namespace Kubernetes would refuse) hold.
    pub fn context<'a>(&'a self, tree: &'a helm_engine::Value) -> Result<crate::eval::Ctx<'a>, CliError> {
        self.check_kube_version()?;
        let ctx = crate::eval::Ctx::new(tree, self.name(), &self.namespace);
        render::check_release(&ctx).map_err(|e| CliError::failure(e.to_string()))?;
        Ok(ctx)
    }
}

/// Reads, validates and renders: the documents in Helm's order.
fn rendered(values_args: &ValuesArgs, release: &Release) -> Result<Vec<render::Document>, CliError> {
    let values = values_args.resolve()?;
    super::warn_about(&values);
    let mut documents =
        render::render_documents(&values, release).map_err(|e| CliError::failure(e.to_string()))?;
    output::install_order(&mut documents);
    // The process ends after the command: its trees are left to the operating system to
    // reclaim at once rather than taken apart allocation by allocation.
    std::mem::forget(values);
    Ok(documents)
}

pub(super) fn run(args: &RenderArgs, out: &mut dyn Write) -> Result<(), CliError> {
    args.release.check_kube_version()?;
    let mut documents = rendered(&args.values, &args.release.release())?;
    if !args.show_only.is_empty() {
        documents = output::show_only(&documents, &args.show_only).map_err(|e| {
            CliError::failure(format!(
                "could not find template {} among the objects rendered for these values \
                 (their paths look like templates/admin/deployment.yaml)",
                e.pattern
            ))
        })?;
    }
    let written = match &args.output_dir {
        None => write_output(out, |out| {
            // Standard output flushes at every line break; the documents go out in large writes.
            let mut buffered = std::io::BufWriter::with_capacity(64 << 10, out);
            output::write_documents(&documents, &mut buffered)?;
            buffered.flush()
        }),
        Some(dir) => {
            let files = output::write_output_dir(&documents, &dir.to_string_lossy()).map_err(|e| {
                CliError::failure(format!(
                    "cannot write {}: {}",
                    e.file().display(),
                    super::values_args::describe_io(e.io_error())
                ))
            })?;
            // As helm template reports it: a line for each file on standard output, then an
            // empty line.
            let report: String = files.iter().map(|file| format!("wrote {file}\n")).collect();
            write_output(out, |out| out.write_all(format!("{report}\n").as_bytes()))
        }
    };
    std::mem::forget(documents);
    written
}
