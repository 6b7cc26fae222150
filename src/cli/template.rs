//! `mailu-chart template CHART_DIR`: render a chart like `helm template`, with our own
//! renderer (no helm binary needed).

use std::io::Write;
use std::path::PathBuf;

use clap::Args;

use super::{CliError, ValuesArgs, write_stdout};
use helm_engine::{RenderOptions, load_chart, render_chart};

/// Arguments of `template`.
#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart template ./chart-out -f my-values.yaml --release-name mailu -n mailu
  mailu-chart template ./any-chart --set image.tag=1.2 -s templates/deployment.yaml")]
pub struct TemplateArgs {
    /// The chart directory.
    #[arg(value_name = "CHART_DIR")]
    pub chart: PathBuf,
    /// The release name (`.Release.Name`). The default, release-name, is `helm template`'s
    /// (`render` defaults to mailu).
    #[arg(long = "release-name", value_name = "NAME", default_value = "release-name")]
    pub release_name: String,
    /// The namespace (`.Release.Namespace`). The default, default, is `helm template`'s
    /// (`render` defaults to mailu).
    #[arg(short = 'n', long = "namespace", value_name = "NS", default_value = "default")]
    pub namespace: String,
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.35.0, as helm 4.1.4).
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (group/version or group/version/kind).
    #[arg(short = 'a', long = "api-versions", value_name = "G/V", value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// Only show manifests rendered from these templates (paths relative to the chart, globs allowed).
    #[arg(short = 's', long = "show-only", value_name = "PATH")]
    pub show_only: Vec<String>,
    /// Write the manifests into files under this directory instead of standard output.
    #[arg(long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// Set `.Release.IsUpgrade` instead of `.Release.IsInstall`.
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// Leave out test hooks.
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Include the chart's `crds/` files.
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// Do not check the values against `values.schema.json`.
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
}

/// Runs `template`.
pub(super) fn run(args: &TemplateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let user = args.values.read()?;
    let chart = load_chart(&args.chart).map_err(|e| CliError::failure(e.to_string()))?;
    let opts = RenderOptions {
        release_name: args.release_name.clone(),
        namespace: args.namespace.clone(),
        is_upgrade: args.is_upgrade,
        kube_version: args.kube_version.clone(),
        api_versions: args.api_versions.clone(),
        skip_schema_validation: args.skip_schema_validation,
        include_crds: args.include_crds,
        skip_tests: args.skip_tests,
        show_only: args.show_only.clone(),
    };
    let rendered = render_chart(&chart, &user.values, &opts).map_err(|e| CliError::failure(e.to_string()))?;
    match &args.output_dir {
        None => {
            let text = rendered.template_output(&opts).map_err(|e| CliError::failure(e.to_string()))?;
            write_stdout(out, &text)
        }
        Some(dir) => {
            let files =
                rendered.write_output_dir(dir, &opts).map_err(|e| CliError::failure(e.to_string()))?;
            // helm reports every document it writes, then an empty line.
            let report: String = files.iter().map(|file| format!("wrote {}\n", file.display())).collect();
            write_stdout(out, &format!("{report}\n"))
        }
    }
}
