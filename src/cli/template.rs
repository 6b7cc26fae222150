//! `mailu-chart template [NAME] CHART`: render a chart like `helm template`, with our own
//! renderer (no helm binary needed). The chart is a directory, a chart archive (`.tgz`), an
//! archive's address, a chart of a repository (`repo/chart`, or `--repo URL`) or of an OCI
//! registry (`oci://`), found as helm finds it.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use clap::Args;

use super::{CliError, ValuesArgs, write_stdout};
use helm_engine::{
    ChartRenderError, ChartRequest, DependencySources, LocatedChart, RenderOptions, RepositoryPaths,
    TlsFiles, debug_dump, load_chart, load_chart_file, load_chart_updating_dependencies, locate_chart,
    parse_time, render_name_template, render_owned_chart_on_current_thread, seed_from_text,
    show_only_in_output,
};

/// Arguments of `template`, named and spelled as `helm template` names them. Flags of helm
/// that change only what a cluster would store (`--description`, `--labels`,
/// `--skip-crds`) are accepted and checked as helm checks them, and change nothing in the
/// output, as in `helm template`.
#[derive(Debug, Args)]
#[command(
    override_usage = "mailu-chart template [OPTIONS] [NAME] <CHART>",
    // `--version` is the chart's version, as in `helm template`.
    disable_version_flag = true,
    // A flag given twice takes its last value, as in helm.
    args_override_self = true,
    after_help = "\
Examples:
  mailu-chart template mailu ./chart-out -f my-values.yaml -n mailu
  mailu-chart template ./any-chart.tgz --set image.tag=1.2 -s templates/deployment.yaml
  mailu-chart template cache redis --repo https://charts.example.org --version '^20'
  mailu-chart template cache bitnami/redis   # a repository added with `helm repo add`
  mailu-chart template cache oci://registry-1.docker.io/bitnamicharts/redis --version 20.1.0

Flags helm template accepts for helm install or a cluster (--wait, --timeout, --dry-run=client,
--create-namespace, ...) are accepted and checked as helm checks them, and change nothing here
either. --kubeconfig and --kube-context choose the context whose namespace is the default of -n,
as in helm."
)]
pub struct TemplateArgs {
    /// `[NAME] CHART`: the release name (`release-name` when left out, as in `helm
    /// template`; `render` defaults to mailu), then the chart: a directory, a chart archive
    /// (.tgz), an archive's http(s) address, `repo/chart` of a repository helm knows, an
    /// `oci://` reference, or with --repo the chart's name.
    #[arg(value_names = ["NAME", "CHART"], num_args = 0..)]
    pub names: Vec<String>,
    /// Use the release name in the --output-dir path (helm's switch; `=true` and `=false`
    /// too). Given a name (`--release-name NAME`, the form earlier versions of this command
    /// took), it is the release name.
    #[arg(long = "release-name", value_name = "NAME", num_args = 0..=1)]
    pub release_name: Option<Option<String>>,
    /// Whether `--release-name` is on, when one of its spellings was `=true` or `=false` (any
    /// of Go's spellings): [`switches_as_given`] takes those out of `--release-name`, so that
    /// only a name reaches its value, and gives the last spelling's word here.
    #[arg(long = "release-name-switch", hide = true, require_equals = true, value_name = "BOOL")]
    pub release_name_on: Option<bool>,
    /// Do not ask for a release name: the chart alone is given (`helm template` then names
    /// the release `release-name`).
    #[arg(short = 'g', long = "generate-name")]
    pub generate_name: bool,
    /// A template (Go template with the Sprig functions) whose output is the release name.
    #[arg(long = "name-template", value_name = "TEMPLATE")]
    pub name_template: Option<String>,
    /// The namespace (`.Release.Namespace`). As in helm, the default is `HELM_NAMESPACE`, else
    /// the namespace of the kubeconfig's context, else default (`render` defaults to mailu).
    #[arg(short = 'n', long = "namespace", value_name = "NS")]
    pub namespace: Option<String>,
    #[command(flatten)]
    pub values: ValuesArgs,
    /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.35.0, as helm 4.1.4).
    #[arg(long = "kube-version", value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (group/version or group/version/kind;
    /// repeat or separate with commas).
    #[arg(short = 'a', long = "api-versions", value_name = "G/V")]
    pub api_versions: Vec<String>,
    /// Only show manifests rendered from these templates (paths relative to the chart, globs allowed).
    #[arg(short = 's', long = "show-only", value_name = "PATH")]
    pub show_only: Vec<String>,
    /// Write the manifests into files under this directory instead of standard output.
    #[arg(long = "output-dir", value_name = "DIR")]
    pub output_dir: Option<String>,
    /// Set `.Release.IsUpgrade` instead of `.Release.IsInstall`.
    #[arg(long = "is-upgrade")]
    pub is_upgrade: bool,
    /// Leave out test hooks.
    #[arg(long = "skip-tests")]
    pub skip_tests: bool,
    /// Leave out every hook.
    #[arg(long = "no-hooks")]
    pub no_hooks: bool,
    /// Include the chart's `crds/` files.
    #[arg(long = "include-crds")]
    pub include_crds: bool,
    /// Accepted as helm accepts it; CRDs are printed only with --include-crds.
    #[arg(long = "skip-crds")]
    pub skip_crds: bool,
    /// Do not check the values against `values.schema.json`.
    #[arg(long = "skip-schema-validation")]
    pub skip_schema_validation: bool,
    /// Let `getHostByName` look names up with the system's resolver (without it, it gives an
    /// empty string, as in helm).
    #[arg(long = "enable-dns")]
    pub enable_dns: bool,
    /// The release's description; accepted as helm accepts it, not part of the output.
    #[arg(long = "description", value_name = "TEXT")]
    pub description: Option<String>,
    /// Labels of the release record (key=value, comma-separated); checked as helm checks
    /// them, not part of the output.
    #[arg(short = 'l', long = "labels", value_name = "KEY=VALUE")]
    pub labels: Vec<String>,
    /// When a rendered file is not YAML, print every rendered file as it came out before the
    /// error, to find the fault (helm prints them in an order that changes from run to run;
    /// here by name).
    #[arg(long = "debug")]
    pub debug: bool,
    /// The address of the chart repository to find CHART in (its `index.yaml` is read).
    #[arg(long = "repo", value_name = "URL")]
    pub repo: Option<String>,
    /// The version of a chart from a repository or registry: exact, or a constraint such
    /// as `^1.2` (the newest release by default).
    #[arg(long = "version", value_name = "VERSION")]
    pub version: Option<String>,
    /// Consider pre-release versions too (when --version is not given).
    #[arg(long = "devel")]
    pub devel: bool,
    /// The user name for the chart repository.
    #[arg(long = "username", value_name = "NAME")]
    pub username: Option<String>,
    /// The password for the chart repository.
    #[arg(long = "password", value_name = "PASSWORD")]
    pub password: Option<String>,
    /// Send the repository's credentials to every host a chart is downloaded from, not only
    /// the repository's own.
    #[arg(long = "pass-credentials")]
    pub pass_credentials: bool,
    /// When the chart folder's charts/ lacks dependencies its Chart.yaml lists, fetch them
    /// all as `helm dependency update` would, into memory (the folder is not changed).
    #[arg(long = "dependency-update")]
    pub dependency_update: bool,
    /// Reach OCI registries over HTTP instead of HTTPS.
    #[arg(long = "plain-http")]
    pub plain_http: bool,
    /// Trust only the certificate authorities in this PEM file when downloading charts.
    #[arg(long = "ca-file", value_name = "FILE")]
    pub ca_file: Option<PathBuf>,
    /// Identify to chart servers with the certificate in this PEM file.
    #[arg(long = "cert-file", value_name = "FILE")]
    pub cert_file: Option<PathBuf>,
    /// The private key of --cert-file.
    #[arg(long = "key-file", value_name = "FILE")]
    pub key_file: Option<PathBuf>,
    /// Do not check the certificates of chart servers.
    #[arg(long = "insecure-skip-tls-verify")]
    pub insecure_skip_tls_verify: bool,
    /// Helm's list of repositories (default as helm's: $HELM_REPOSITORY_CONFIG, else
    /// repositories.yaml in helm's configuration folder).
    #[arg(long = "repository-config", value_name = "FILE")]
    pub repository_config: Option<PathBuf>,
    /// The folder of repository indexes helm downloaded (default as helm's:
    /// $HELM_REPOSITORY_CACHE, else repository/ in helm's cache folder).
    #[arg(long = "repository-cache", value_name = "DIR")]
    pub repository_cache: Option<PathBuf>,
    /// The credentials `helm registry login` stores for OCI registries (default as helm's:
    /// $HELM_REGISTRY_CONFIG, else registry/config.json in helm's configuration folder).
    #[arg(long = "registry-config", value_name = "FILE")]
    pub registry_config: Option<PathBuf>,
    /// Not in helm: draw every random value (randAlphaNum, uuidv4, keys, certificates,
    /// bcrypt salts) from a generator seeded with this text, so that the same chart, values
    /// and seed give the same output. A seeded secret is only as secret as the seed.
    #[arg(long = "random-seed", value_name = "TEXT")]
    pub random_seed: Option<String>,
    /// Not in helm: the time the clock reads (now, certificate validity, ago), as RFC 3339
    /// (2024-05-01T12:00:00Z) or seconds since 1970.
    #[arg(long = "now", value_name = "TIME")]
    pub now: Option<String>,
    /// Not in helm: the zone Go calls Local (date, now), an IANA name such as Europe/Berlin
    /// or UTC; by default the system's.
    #[arg(long = "time-zone", value_name = "ZONE")]
    pub time_zone: Option<String>,
    #[command(flatten)]
    pub helm_only: HelmOnlyFlags,
}

/// Flags `helm template` accepts that change nothing in its output (they are for `helm
/// install` or for reaching a cluster): accepted and checked as helm checks them, so that a
/// command line written for helm runs unchanged.
#[derive(Debug, Args)]
pub struct HelmOnlyFlags {
    /// `client` (or no value) as in helm; `server` needs a cluster and is refused. A value
    /// only with `=`, as pflag reads a flag whose value may be left out.
    #[arg(hide = true, long = "dry-run", value_name = "MODE", num_args = 0..=1, require_equals = true, default_missing_value = "unset", value_parser = dry_run_mode)]
    pub dry_run: Option<String>,
    /// A Go duration such as 5m0s.
    #[arg(hide = true, long = "timeout", value_name = "DURATION", value_parser = go_duration)]
    pub timeout: Option<String>,
    /// watcher (the value when none is given), hookOnly or legacy (or, deprecated, true and
    /// false); a value only with `=`.
    #[arg(hide = true, long = "wait", value_name = "STRATEGY", num_args = 0..=1, require_equals = true, default_missing_value = "watcher", value_parser = ["watcher", "hookOnly", "legacy", "true", "false"])]
    pub wait: Option<String>,
    #[arg(hide = true, long = "wait-for-jobs")]
    pub wait_for_jobs: bool,
    #[arg(hide = true, long = "create-namespace")]
    pub create_namespace: bool,
    #[arg(hide = true, long = "disable-openapi-validation")]
    pub disable_openapi_validation: bool,
    #[arg(hide = true, long = "force-conflicts")]
    pub force_conflicts: bool,
    #[arg(hide = true, long = "force-replace")]
    pub force_replace: bool,
    #[arg(hide = true, long = "hide-notes")]
    pub hide_notes: bool,
    #[arg(hide = true, long = "render-subchart-notes")]
    pub render_subchart_notes: bool,
    #[arg(hide = true, long = "replace")]
    pub replace: bool,
    #[arg(hide = true, long = "rollback-on-failure")]
    pub rollback_on_failure: bool,
    #[arg(hide = true, long = "server-side")]
    pub server_side: bool,
    #[arg(hide = true, long = "take-ownership")]
    pub take_ownership: bool,
    #[arg(hide = true, long = "kubeconfig", value_name = "FILE")]
    pub kubeconfig: Option<String>,
    #[arg(hide = true, long = "kube-context", value_name = "NAME")]
    pub kube_context: Option<String>,
    #[arg(hide = true, long = "kube-apiserver", value_name = "ADDRESS")]
    pub kube_apiserver: Option<String>,
    #[arg(hide = true, long = "kube-token", value_name = "TOKEN")]
    pub kube_token: Option<String>,
    #[arg(hide = true, long = "kube-as-user", value_name = "USER")]
    pub kube_as_user: Option<String>,
    #[arg(hide = true, long = "kube-as-group", value_name = "GROUP")]
    pub kube_as_group: Vec<String>,
    #[arg(hide = true, long = "kube-ca-file", value_name = "FILE")]
    pub kube_ca_file: Option<String>,
    #[arg(hide = true, long = "kube-tls-server-name", value_name = "NAME")]
    pub kube_tls_server_name: Option<String>,
    #[arg(hide = true, long = "kube-insecure-skip-tls-verify")]
    pub kube_insecure_skip_tls_verify: bool,
    #[arg(hide = true, long = "burst-limit", value_name = "N", value_parser = helm_engine::parse_go_int)]
    pub burst_limit: Option<i64>,
    #[arg(hide = true, long = "qps", value_name = "N", value_parser = clap::value_parser!(f32))]
    pub qps: Option<f32>,
    #[arg(hide = true, long = "color", value_name = "WHEN", value_parser = ["never", "auto", "always"])]
    pub color: Option<String>,
    #[arg(hide = true, long = "colour", value_name = "WHEN", value_parser = ["never", "auto", "always"])]
    pub colour: Option<String>,
    /// Helm's cache of downloads; nothing is cached here.
    #[arg(hide = true, long = "content-cache", value_name = "DIR")]
    pub content_cache: Option<PathBuf>,
    /// Deprecated in helm 4 for --rollback-on-failure; helm warns.
    #[arg(hide = true, long = "atomic")]
    pub atomic: bool,
    /// Deprecated in helm 4 for --force-replace; helm warns.
    #[arg(hide = true, long = "force")]
    pub force: bool,
    /// Keys for --verify, which is not offered.
    #[arg(hide = true, long = "keyring", value_name = "FILE")]
    pub keyring: Option<String>,
    /// Arguments of --post-renderer, which is not offered.
    #[arg(hide = true, long = "post-renderer-args", value_name = "ARG")]
    pub post_renderer_args: Vec<String>,
}

impl HelmOnlyFlags {
    /// helm's warnings for the deprecated flags given.
    pub(crate) fn warnings(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.atomic {
            out.push("Flag --atomic has been deprecated, use --rollback-on-failure instead");
        }
        if self.force {
            out.push("Flag --force has been deprecated, use --force-replace instead");
        }
        out
    }
}

/// The switches of `template` (flags without a value). helm's flag parser also reads them as
/// `--flag=true` and `--flag=false`; [`switches_as_given`] turns those into what clap reads.
pub(crate) const SWITCHES: &[&str] = &[
    "generate-name",
    "g",
    "is-upgrade",
    "skip-tests",
    "no-hooks",
    "include-crds",
    "skip-crds",
    "skip-schema-validation",
    "enable-dns",
    "debug",
    "devel",
    "pass-credentials",
    "dependency-update",
    "plain-http",
    "insecure-skip-tls-verify",
    "wait-for-jobs",
    "create-namespace",
    "disable-openapi-validation",
    "force-conflicts",
    "force-replace",
    "hide-notes",
    "render-subchart-notes",
    "replace",
    "rollback-on-failure",
    "take-ownership",
    "server-side",
    "kube-insecure-skip-tls-verify",
    "atomic",
    "force",
];

/// Flags whose empty value helm reads as not given (`--output-dir ''`, `-f ''`).
const EMPTY_IS_UNSET: &[&str] = &[
    "output-dir",
    "ca-file",
    "cert-file",
    "key-file",
    "repository-config",
    "repository-cache",
    "registry-config",
    "content-cache",
    "kubeconfig",
    "kube-context",
    "kube-version",
    "repo",
    "values",
    "f",
    "api-versions",
    "a",
];

/// `template`'s arguments as helm reads them, for clap: a switch's last spelling decides
/// (`--is-upgrade --is-upgrade=false` is off), `--switch=true` written `--switch` and
/// `--switch=false` left out (Go's `strconv.ParseBool` spellings; other values stay, for
/// clap to refuse), and a flag of [`EMPTY_IS_UNSET`] given an empty value left out.
pub(crate) fn switches_as_given(args: Vec<std::ffi::OsString>) -> Vec<std::ffi::OsString> {
    // `None` marks a switch a later spelling turned off.
    let mut out: Vec<Option<std::ffi::OsString>> = Vec::with_capacity(args.len());
    let mut switch_at: std::collections::HashMap<String, Vec<usize>> = std::collections::HashMap::new();
    let mut rest = false;
    let (mut release_name, mut release_name_switch_at) = (None, None);
    let mut args = args.into_iter().peekable();
    while let Some(arg) = args.next() {
        if rest || arg == "--" {
            rest = true;
            out.push(Some(arg));
            continue;
        }
        let flag = arg.to_str().and_then(|text| {
            let named = text.strip_prefix("--").or_else(|| text.strip_prefix('-'))?;
            let (name, value) = match named.split_once('=') {
                Some((name, value)) => (name, Some(value)),
                None => (named, None),
            };
            Some((text.len() - named.len(), name.to_string(), value.map(str::to_string)))
        });
        let Some((dashes, name, value)) = flag else {
            out.push(Some(arg));
            continue;
        };
        // helm's `--release-name` is a switch; here a word after it is also the release name
        // (the form earlier versions took). Its `=true`/`=false` spellings go to a flag of
        // their own, so that `--release-name true` (a release named true) stays apart from
        // `--release-name=true`, and the last spelling decides, as in helm.
        if name == "release-name" {
            match value.as_deref().map(go_bool) {
                Some(Some(on)) => {
                    release_name = Some(on);
                    // Where the last such spelling stood, the flag with the final word.
                    release_name_switch_at = Some(out.len());
                    out.push(None);
                    continue;
                }
                _ => release_name = Some(true),
            }
        }
        if EMPTY_IS_UNSET.contains(&name.as_str()) {
            match value.as_deref() {
                Some("") => continue,
                None if args.peek().is_some_and(|next| next.is_empty()) => {
                    args.next();
                    continue;
                }
                _ => {}
            }
        }
        if !SWITCHES.contains(&name.as_str()) {
            out.push(Some(arg));
            continue;
        }
        let on = match value.as_deref() {
            None => Some(true),
            Some(text) => go_bool(text),
        };
        let earlier = switch_at.entry(name.clone()).or_default();
        match on {
            Some(true) => {
                earlier.push(out.len());
                out.push(Some(format!("{}{name}", "-".repeat(dashes)).into()));
            }
            Some(false) => {
                for at in earlier.drain(..) {
                    out[at] = None;
                }
            }
            None => out.push(Some(arg)),
        }
    }
    if let (Some(at), Some(on)) = (release_name_switch_at, release_name) {
        out[at] = Some(format!("--release-name-switch={on}").into());
    }
    out.into_iter().flatten().collect()
}

/// The release's namespace as helm finds it: `-n` (or `HELM_NAMESPACE`), else the namespace
/// of the kubeconfig's context (`--kube-context` or `HELM_KUBECONTEXT`, else the current one;
/// the files of `--kubeconfig`, `KUBECONFIG` or `~/.kube/config`), else `default`. A file
/// that is missing or cannot be read is passed over (helm passes over a missing one, and
/// falls back to `default` for the others); one larger than the input size limit is an error.
fn namespace(args: &TemplateArgs) -> Result<String, CliError> {
    let env = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    if let Some(given) = args.namespace.clone().or_else(|| env("HELM_NAMESPACE")).filter(|n| !n.is_empty()) {
        return Ok(given);
    }
    let files: Vec<PathBuf> = match (&args.helm_only.kubeconfig, env("KUBECONFIG")) {
        (Some(file), _) => vec![PathBuf::from(file)],
        (None, Some(list)) => std::env::split_paths(&list).filter(|p| !p.as_os_str().is_empty()).collect(),
        (None, None) => {
            env("HOME").map(|home| vec![Path::new(&home).join(".kube/config")]).unwrap_or_default()
        }
    };
    let mut texts = Vec::new();
    for file in &files {
        let limit = args.values.max_input_size;
        match super::values_args::read_bounded(file, limit) {
            Ok(Some(bytes)) => texts.extend(String::from_utf8(bytes).ok()),
            Ok(None) => return Err(super::values_args::too_large(&file.display().to_string(), limit)),
            Err(_) => {}
        }
    }
    let context = args.helm_only.kube_context.clone().or_else(|| env("HELM_KUBECONTEXT"));
    Ok(context_namespace(&texts, context.as_deref()).unwrap_or_else(|| "default".into()))
}

/// The namespace of a context in kubeconfig files merged as kubectl merges them (the first
/// file to set a value wins): the named context, else the current one.
fn context_namespace(files: &[String], context: Option<&str>) -> Option<String> {
    let documents: Vec<helm_engine::Value> = files
        .iter()
        .filter_map(|text| helm_engine::load_first_yaml_document(text).ok().flatten()?.root)
        .collect();
    let text_at = |v: &helm_engine::Value, path: &str| {
        v.get_dotted(path).and_then(helm_engine::Value::as_str).filter(|s| !s.is_empty()).map(str::to_string)
    };
    let name = match context {
        Some(name) => name.to_string(),
        None => documents.iter().find_map(|d| text_at(d, "current-context"))?,
    };
    let entry = documents.iter().find_map(|d| {
        d.get_dotted("contexts")?
            .as_list()?
            .iter()
            .find(|c| text_at(c, "name").as_deref() == Some(&name))
            .cloned()
    })?;
    text_at(&entry, "context.namespace")
}

/// Go's `strconv.ParseBool`.
fn go_bool(text: &str) -> Option<bool> {
    match text {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Some(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Some(false),
        _ => None,
    }
}

/// Helm's check of `--dry-run` for `template`: `client`, no value, or (deprecated) a Go
/// boolean that is true; `server` needs a cluster, which this command never reaches.
fn dry_run_mode(mode: &str) -> Result<String, String> {
    let for_template =
        |mode: &str| format!("invalid dry-run value ({mode:?}). Must be \"server\" or \"client\"");
    match (mode, go_bool(mode)) {
        ("unset" | "client", _) | (_, Some(true)) => Ok(mode.to_string()),
        ("server", _) => Err("--dry-run=server needs a cluster: this command renders without one".into()),
        ("none", _) | (_, Some(false)) => Err(for_template(mode)),
        (other, None) => {
            Err(format!("invalid dry-run value ({other:?}). Must be \"none\", \"server\", or \"client\""))
        }
    }
}

/// A Go duration (`5m0s`), refused in Go's words otherwise.
fn go_duration(text: &str) -> Result<String, String> {
    helm_engine::parse_go_duration(text).map(|_| text.to_string())
}

/// The release name and the chart, decided from the arguments as `helm template` decides.
#[derive(Debug, PartialEq, Eq)]
struct Target {
    release_name: String,
    chart: String,
}

impl TemplateArgs {
    /// Whether `--release-name` is on: as its last spelling says (`=true` or `=false` in any
    /// of Go's spellings), else whether it was given at all (with a name or without).
    fn release_name_switch(&self) -> bool {
        self.release_name_on.unwrap_or(self.release_name.is_some())
    }

    /// Helm's `NameAndChart`, with `helm template`'s default name. A word after
    /// `--release-name` is, for helm, the next positional argument, and for earlier versions
    /// of this command the release name: `--release-name NAME CHART` means the same to both.
    /// After the chart (`CHART --release-name NAME`) it is the release name, unless the word
    /// names a path on this machine (`NAME --release-name CHART`, helm's reading).
    fn target(&self) -> Result<Target, CliError> {
        let mut names: Vec<&str> = self.names.iter().map(String::as_str).collect();
        if let Some(Some(word)) = &self.release_name {
            if names.is_empty() || (names.len() == 1 && Path::new(word).exists()) {
                names.push(word);
            } else {
                names.insert(0, word);
            }
        }
        let usage = CliError::failure;
        match names.as_slice() {
            [name, chart] => {
                if self.generate_name {
                    return Err(usage("cannot set --generate-name and also specify a name".into()));
                }
                if self.name_template.is_some() {
                    return Err(usage("cannot set --name-template and also specify a name".into()));
                }
                Ok(Target { release_name: name.to_string(), chart: chart.to_string() })
            }
            [chart] => {
                // helm renders an empty template to no name, and falls back to its default.
                let release_name = match self.name_template.as_deref().filter(|t| !t.is_empty()) {
                    Some(template) => self.name_from_template(template)?,
                    None => "release-name".to_string(),
                };
                Ok(Target { release_name, chart: chart.to_string() })
            }
            [_, _, rest @ ..] => Err(usage(format!(
                "expected at most two arguments, unexpected arguments: {}",
                rest.join(", ")
            ))),
            [] => Err(usage("a chart is required: mailu-chart template [NAME] CHART".into())),
        }
    }

    /// Helm's `TemplateName`: the template's output is the name (seeded and clocked as the
    /// rendering is).
    fn name_from_template(&self, template: &str) -> Result<String, CliError> {
        let opts = RenderOptions {
            seed: self.random_seed.as_deref().map(seed_from_text),
            now: self.fixed_clock()?,
            time_zone: self.time_zone.clone(),
            ..RenderOptions::default()
        };
        render_name_template(template, &opts).map_err(CliError::failure)
    }

    /// The time `--now` gives, if any.
    fn fixed_clock(&self) -> Result<Option<std::time::SystemTime>, CliError> {
        self.now
            .as_deref()
            .map(|text| parse_time(text).map_err(|e| CliError::failure(format!("--now: {e}"))))
            .transpose()
    }
}

/// Helm's check of `--labels`: key=value pairs, none of the names Helm keeps for itself.
fn check_labels(labels: &[String]) -> Result<(), CliError> {
    const SYSTEM_LABELS: [&str; 6] = ["name", "owner", "status", "version", "createdAt", "modifiedAt"];
    for given in labels {
        // pflag's string-to-string flag: one `=` makes the whole text one pair (commas and
        // all), several are one record of comma-separated values.
        let pairs: Vec<String> = match given.matches('=').count() {
            1 => vec![given.trim_matches('"').to_string()],
            _ => super::pflag::csv_record(given)
                .map_err(|reason| super::pflag::invalid_argument("-l, --labels", given, &reason))?,
        };
        for pair in pairs {
            let Some((key, _)) = pair.split_once('=') else {
                let reason = format!("{pair} must be formatted as key=value");
                return Err(super::pflag::invalid_argument("-l, --labels", given, &reason));
            };
            if SYSTEM_LABELS.contains(&key) {
                return Err(CliError::failure(format!(
                    "user supplied labels contains system reserved label name. System labels: [{}]",
                    SYSTEM_LABELS.join(" ")
                )));
            }
        }
    }
    Ok(())
}

/// Helm's `LocateChart`: a local chart's path, or a remote chart downloaded.
fn locate(args: &TemplateArgs, chart: &str) -> Result<LocatedChart, CliError> {
    let repositories = repository_paths(args);
    let version = match (&args.version, args.devel) {
        (Some(version), _) if !version.is_empty() => version.as_str(),
        (_, true) => ">0.0.0-0",
        _ => "",
    };
    let request = ChartRequest {
        name: chart,
        repo_url: args.repo.as_deref(),
        version,
        username: args.username.as_deref().unwrap_or_default(),
        password: args.password.as_deref().unwrap_or_default(),
        pass_credentials_all: args.pass_credentials,
        plain_http: args.plain_http,
        tls: &tls_files(args),
        repositories: &repositories,
    };
    let located = locate_chart(&request).map_err(|e| CliError::failure(e.to_string()))?;
    if let LocatedChart::Downloaded { messages, .. } = &located {
        for message in messages {
            super::note(message);
        }
    }
    Ok(located)
}

/// The chart found, loaded; with --dependency-update, a folder's missing dependencies
/// fetched.
fn load(args: &TemplateArgs, located: &LocatedChart) -> Result<helm_engine::Chart, CliError> {
    let failure = |e: &dyn std::fmt::Display| CliError::failure(e.to_string());
    match located {
        LocatedChart::Local(path) if args.dependency_update => {
            let repositories = repository_paths(args);
            let tls = tls_files(args);
            let sources = DependencySources {
                repositories: &repositories,
                plain_http: args.plain_http,
                tls: &tls,
                registry_username: args.username.as_deref().unwrap_or_default(),
                registry_password: args.password.as_deref().unwrap_or_default(),
            };
            let updated = load_chart_updating_dependencies(path, &sources).map_err(|e| failure(&e))?;
            for message in &updated.messages {
                super::note(message);
            }
            Ok(updated.chart)
        }
        LocatedChart::Local(path) => load_chart(path).map_err(|e| failure(&e)),
        LocatedChart::Downloaded { url, archive, .. } => {
            load_chart_file(url, archive).map_err(|e| failure(&e))
        }
    }
}

/// The TLS files and choice the flags give.
fn tls_files(args: &TemplateArgs) -> TlsFiles {
    TlsFiles {
        ca_file: args.ca_file.clone(),
        cert_file: args.cert_file.clone(),
        key_file: args.key_file.clone(),
        insecure_skip_verify: args.insecure_skip_tls_verify,
    }
}

/// Where helm keeps its repositories, from the environment and the flags.
fn repository_paths(args: &TemplateArgs) -> RepositoryPaths {
    let mut repositories = RepositoryPaths::from_env(|name| std::env::var(name).ok());
    if let Some(config) = &args.repository_config {
        repositories.config.clone_from(config);
    }
    if let Some(cache) = &args.repository_cache {
        repositories.cache.clone_from(cache);
    }
    if let Some(registry_config) = &args.registry_config {
        repositories.registry_config.clone_from(registry_config);
    }
    repositories
}

/// Runs `template`.
pub(super) fn run(args: &TemplateArgs, out: &mut dyn Write) -> Result<(), CliError> {
    // Flag values are read before anything else is done, as helm's flag library reads them.
    check_labels(&args.labels)?;
    let api_versions = super::pflag::string_slice("-a, --api-versions", &args.api_versions)?;
    args.values.files()?;
    for warning in args.helm_only.warnings() {
        super::note(warning);
    }
    let now = args.fixed_clock()?;
    let target = args.target()?;
    // In helm's order: the chart found (downloaded), the values read, the chart loaded.
    let located = locate(args, &target.chart)?;
    let user = args.values.read_for_any_chart()?;
    let chart = load(args, &located)?;
    drop(located);
    for warning in chart.warnings() {
        super::note(&format!("warning: {warning}"));
    }
    let opts = RenderOptions {
        release_name: target.release_name.clone(),
        namespace: namespace(args)?,
        is_upgrade: args.is_upgrade,
        // helm takes an empty --kube-version as none.
        kube_version: args.kube_version.clone().filter(|v| !v.is_empty()),
        api_versions,
        skip_schema_validation: args.skip_schema_validation,
        enable_dns: args.enable_dns,
        include_crds: args.include_crds,
        skip_tests: args.skip_tests,
        show_only: args.show_only.clone(),
        seed: args.random_seed.as_deref().map(seed_from_text),
        now,
        time_zone: args.time_zone.clone(),
        // The command renders once and exits.
        process_exits_after: true,
        warn: Some(|warning| super::note(&format!("warning: {warning}"))),
    };
    // The command runs on a thread with the engine's stack (see `cli::main`).
    let mut rendered = match render_owned_chart_on_current_thread(chart, &user.values, &opts) {
        Ok(rendered) => rendered,
        // Failures while rendering (helm has a release by then) come with helm's hint, or
        // with --debug after what was rendered: the files for a YAML error, else nothing.
        Err(
            e @ (ChartRenderError::Yaml { .. }
            | ChartRenderError::Parse { .. }
            | ChartRenderError::Exec { .. }
            | ChartRenderError::IncompatibleKube { .. }),
        ) => {
            let message = e.to_string();
            // helm's --debug, or its environment's HELM_DEBUG (a Go boolean).
            let debug =
                args.debug || std::env::var("HELM_DEBUG").ok().and_then(|v| go_bool(&v)) == Some(true);
            if !debug {
                return Err(CliError::failure(format!(
                    "{message}\n\nUse --debug flag to render out invalid YAML"
                )));
            }
            let files = match e {
                ChartRenderError::Yaml { files, .. } => files,
                _ => BTreeMap::new(),
            };
            let dump = debug_dump(&files);
            // helm selects among what it would print, and a pattern that selects nothing
            // replaces the error (it always does when nothing was rendered).
            let shown = if args.show_only.is_empty() {
                dump
            } else {
                show_only_in_output(&dump, &args.show_only).map_err(|e| CliError::failure(e.to_string()))?
            };
            write_stdout(out, &shown)?;
            return Err(CliError::failure(message));
        }
        Err(e) => return Err(CliError::failure(e.to_string())),
    };
    if args.no_hooks {
        rendered.hooks.clear();
    }
    let written = match &args.output_dir {
        None => {
            let text = rendered.template_output(&opts).map_err(|e| CliError::failure(e.to_string()))?;
            write_stdout(out, &text)
        }
        Some(dir) => {
            let release = args.release_name_switch().then_some(target.release_name.as_str());
            let files = rendered
                .write_output_dir(dir, release, &opts)
                .map_err(|e| CliError::failure(e.to_string()))?;
            let report: String = files.iter().map(|file| format!("wrote {file}\n")).collect();
            match args.show_only.first() {
                // helm writes every file whatever --show-only names, then finds none of the
                // names among the manifests it kept (none: they went to the files).
                Some(first) => write_stdout(out, &report).and_then(|()| {
                    Err(CliError::failure(format!("could not find template {first} in chart")))
                }),
                // helm reports every document it writes, then an empty line.
                None => write_stdout(out, &format!("{report}\n")),
            }
        }
    };
    // The process exits next: its memory goes back at once, without freeing each value.
    std::mem::forget(rendered);
    std::mem::forget(user);
    written
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        args: TemplateArgs,
    }

    #[test]
    fn every_switch_takes_true_and_false() {
        use clap::CommandFactory;
        let command = Cli::command();
        let mut switches: Vec<String> = command
            .get_arguments()
            .filter(|a| matches!(a.get_action(), clap::ArgAction::SetTrue))
            .flat_map(|a| a.get_long().map(str::to_string).into_iter().chain(a.get_short().map(String::from)))
            .collect();
        switches.sort();
        let mut listed: Vec<String> = SWITCHES.iter().map(|s| s.to_string()).collect();
        listed.sort();
        assert_eq!(switches, listed);
        let given = |args: &[&str]| -> Vec<String> {
            switches_as_given(args.iter().map(std::ffi::OsString::from).collect())
                .into_iter()
                .map(|a| a.into_string().unwrap())
                .collect()
        };
        assert_eq!(
            given(&[
                "x",
                "template",
                "--no-hooks=true",
                "--debug=F",
                "-g=1",
                "--set=a=true",
                "--skip-tests=maybe"
            ]),
            ["x", "template", "--no-hooks", "-g", "--set=a=true", "--skip-tests=maybe"]
        );
        assert_eq!(given(&["template", "--", "--debug=true"]), ["template", "--", "--debug=true"]);
        // The last spelling decides; an empty value is no value.
        assert_eq!(given(&["template", "--debug", "c", "--debug=false", "-g=t"]), ["template", "c", "-g"]);
        assert_eq!(given(&["template", "--debug=0", "--debug"]), ["template", "--debug"]);
        assert_eq!(
            given(&["template", "c", "-f", "", "--output-dir=", "-f", "v.yaml"]),
            ["template", "c", "-f", "v.yaml"]
        );
    }

    #[test]
    fn the_namespace_is_the_contexts_as_kubectl_merges_its_files() {
        let first = "current-context: a\ncontexts:\n- {name: a, context: {namespace: one}}\n".to_string();
        let second = "current-context: b\ncontexts:\n- {name: a, context: {namespace: two}}\n- {name: b, context: {namespace: three}}\n".to_string();
        let files = [first, second];
        assert_eq!(context_namespace(&files, None).as_deref(), Some("one"));
        assert_eq!(context_namespace(&files, Some("b")).as_deref(), Some("three"));
        assert_eq!(context_namespace(&files, Some("none")), None);
        assert_eq!(context_namespace(&["not: [yaml".to_string()], None), None);
    }

    /// `template ARGS` read as the command line is read.
    fn parsed(args: &[&str]) -> Result<Cli, String> {
        let args = std::iter::once("template").chain(args.iter().copied()).map(Into::into).collect();
        Cli::try_parse_from(switches_as_given(args)).map_err(|e| e.to_string())
    }

    fn target(args: &[&str]) -> Result<Target, String> {
        parsed(args)?.args.target().map_err(|e| e.message)
    }

    fn named(release_name: &str, chart: &str) -> Result<Target, String> {
        Ok(Target { release_name: release_name.into(), chart: chart.into() })
    }

    #[test]
    fn the_release_name_comes_first_as_in_helm() {
        assert_eq!(target(&["demo", "./chart"]), named("demo", "./chart"));
        assert_eq!(target(&["./chart"]), named("release-name", "./chart"));
        assert_eq!(target(&["-g", "./chart"]), named("release-name", "./chart"));
    }

    #[test]
    fn the_old_release_name_flag_still_names_the_release() {
        assert_eq!(target(&["--release-name", "demo", "./chart"]), named("demo", "./chart"));
        assert_eq!(target(&["./chart", "--release-name", "demo"]), named("demo", "./chart"));
        assert_eq!(target(&["demo", "./chart", "--release-name"]), named("demo", "./chart"));
        assert_eq!(target(&["--release-name=false", "./chart"]), named("release-name", "./chart"));
        // helm's readings: the word after the switch is the chart.
        assert_eq!(target(&["--release-name", "./chart"]), named("release-name", "./chart"));
        let chart = env!("CARGO_MANIFEST_DIR");
        assert_eq!(target(&["demo", "--release-name", chart]), named("demo", chart));
        // Also when the release name names a path too.
        assert_eq!(target(&["src", "--release-name", chart]), named("src", chart));
        // A word after the switch is a name even when Go would read it as true or false.
        for word in ["1", "0", "t", "F", "true", "false"] {
            assert_eq!(target(&["--release-name", word, "./chart"]), named(word, "./chart"));
        }
        assert_eq!(target(&["--release-name=1", "demo", "./chart"]), named("demo", "./chart"));
        assert_eq!(target(&["--release-name=F", "demo", "./chart"]), named("demo", "./chart"));
    }

    /// The switch `--release-name` is, after every spelling of it: the last one decides.
    fn switch(args: &[&str]) -> bool {
        parsed(args).unwrap().args.release_name_switch()
    }

    #[test]
    fn the_last_spelling_of_the_release_name_switch_decides() {
        assert!(switch(&["demo", "./chart", "--release-name"]));
        assert!(!switch(&["demo", "./chart", "--release-name", "--release-name=false"]));
        assert!(!switch(&["--release-name", "demo", "./chart", "--release-name=false"]));
        assert!(switch(&["--release-name=false", "--release-name", "demo", "./chart"]));
        assert!(switch(&["--release-name=0", "demo", "./chart", "--release-name=t"]));
        assert!(!switch(&["demo", "./chart"]));
        assert_eq!(
            target(&["--release-name", "demo", "./chart", "--release-name=false"]),
            named("demo", "./chart")
        );
    }

    #[test]
    fn names_given_twice_are_refused_with_helms_words() {
        assert_eq!(
            target(&["a", "b", "c"]).unwrap_err(),
            "expected at most two arguments, unexpected arguments: c"
        );
        assert_eq!(
            target(&["-g", "a", "b"]).unwrap_err(),
            "cannot set --generate-name and also specify a name"
        );
        assert_eq!(
            target(&["--name-template", "x", "a", "b"]).unwrap_err(),
            "cannot set --name-template and also specify a name"
        );
    }

    #[test]
    fn a_name_template_names_the_release() {
        assert_eq!(target(&["--name-template", "{{ \"ab\" | upper | lower }}-x", "c"]), named("ab-x", "c"));
        assert_eq!(target(&["--name-template", "", "c"]), named("release-name", "c"));
    }

    #[test]
    fn labels_are_checked_as_helm_checks_them() {
        assert!(check_labels(&["a=1,b=2".into()]).is_ok());
        assert_eq!(
            check_labels(&["foo".into()]).unwrap_err().message,
            "invalid argument \"foo\" for \"-l, --labels\" flag: foo must be formatted as key=value"
        );
        assert!(check_labels(&["owner=me".into()]).unwrap_err().message.starts_with("user supplied labels"));
    }
}
