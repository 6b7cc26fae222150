//! Helm's rendering of a chart: dependencies processed, values coalesced and checked against
//! `values.schema.json`, the built-in objects built, every template of the chart and its
//! subcharts parsed into one set (deeper paths first), each non-partial executed with its
//! chart's scoped values, and the results assembled as `helm template` prints them.
//!
//! Rendering runs on a thread of its own with a large stack, so that deeply nested templates
//! (`include` allows 1000 levels per name) cannot overflow the caller's stack.

use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;

use crate::value::Map;

use super::ahead::{Ahead, Contents};
use super::chart::Chart;
use super::coalesce::{NullRule, coalesce_chart};
use super::dependencies::{is_compatible_range, missing_dependencies, process_dependencies};
use super::objects::{BuildInfo, Capabilities, Files, KubeVersion};
use super::output::{
    HeadHelp, HeadReader, OutputDirError, RenderedDocument, ShowOnlyError, push_framed_document,
    show_only_in_output, sort_manifests, write_output_dir,
};
use crate::funcs::FuncEnv;
use crate::funcs::helm::{WARN_END, WARN_START};
use crate::template::ast::Tree;
use crate::template::error::GoError;
use crate::template::exec::{Runtime, TemplateSet, TemplateTrees, execute};
use crate::template::funcs::FuncTable;
use crate::template::parser::{ParseError, ParsedFile, parse_file};
use crate::template::value::{Change, Changes, Execution, MapKind, MapRef, Val, WorldBuild};

/// The inputs of `helm template` besides the chart and the values.
#[derive(Clone, Debug)]
pub struct RenderOptions {
    /// `.Release.Name` (`release-name` by default, as in `helm template`).
    pub release_name: String,
    /// `.Release.Namespace`.
    pub namespace: String,
    /// `--is-upgrade`.
    pub is_upgrade: bool,
    /// `--kube-version` (helm 4.1.4's default is v1.35.0).
    pub kube_version: Option<String>,
    /// `--api-versions`, added to the default group/versions.
    pub api_versions: Vec<String>,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
    /// `--enable-dns`: `getHostByName` asks the system's resolver (otherwise it returns
    /// `""`, as in helm).
    pub enable_dns: bool,
    /// `--include-crds`.
    pub include_crds: bool,
    /// `--skip-tests`.
    pub skip_tests: bool,
    /// `--show-only` patterns.
    pub show_only: Vec<String>,
    /// Reproducible randomness (helm has no such option): every random string, number, key
    /// and certificate comes from ChaCha20 keyed by this seed, so the same chart, values and
    /// seed give the same bytes. Anyone who has the seed and the chart can recompute every
    /// "random" password: a seeded secret is only as secret as the seed. `None`: the
    /// system's secure generator, as in helm.
    pub seed: Option<[u8; 32]>,
    /// A fixed clock (helm has no such option): `now` and everything measured from it
    /// (certificate validity, `ago`) use this time. `None`: the system clock.
    pub now: Option<std::time::SystemTime>,
    /// The zone Go calls `Local` (`date`, `now`, `toDate`), as an IANA name such as
    /// `Europe/Berlin` or `UTC`. `None`: the system's (`TZ`, `/etc/localtime`), as in helm.
    pub time_zone: Option<String>,
    /// The process exits right after this render (a command-line run): the parse trees, the
    /// values and the copy of the chart are left to the operating system instead of being
    /// freed piece by piece, which on a large chart costs about a twentieth of the render.
    /// Leave it `false` in a process that renders again: each render would keep its memory.
    pub process_exits_after: bool,
    /// Where the warnings helm logs while rendering go: a schema at a `urn:` address, which
    /// helm reads as one that accepts anything. `None`: nowhere.
    pub warn: Option<fn(&str)>,
}

impl Default for RenderOptions {
    fn default() -> Self {
        RenderOptions {
            release_name: "release-name".into(),
            namespace: "default".into(),
            is_upgrade: false,
            kube_version: None,
            api_versions: Vec::new(),
            skip_schema_validation: false,
            enable_dns: false,
            include_crds: false,
            skip_tests: false,
            show_only: Vec::new(),
            seed: None,
            now: None,
            time_zone: None,
            process_exits_after: false,
            warn: None,
        }
    }
}

/// A failed rendering. `Display` gives Helm's message (what follows `Error: `).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChartRenderError {
    /// The chart could not be loaded.
    #[error(transparent)]
    Chart(#[from] super::chart::ChartLoadError),
    /// `RenderOptions::time_zone` names no known zone, or the fixed time is out of range.
    #[error("{0}")]
    Clock(String),
    /// Chart.yaml lists dependencies that are not in the chart's `charts/` folder.
    #[error(
        "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
        .0.join(", ")
    )]
    MissingDependencies(Vec<String>),
    /// The release name is not one Helm accepts.
    #[error("release name check failed: release name {}: {reason}", crate::strconv::quote(.name))]
    ReleaseName {
        /// The name given.
        name: String,
        /// Helm's reason.
        reason: String,
    },
    /// Chart.yaml dependencies could not be processed.
    #[error("chart dependencies processing failed: {0}")]
    Dependencies(String),
    /// The chart is a library chart (or of another type that cannot be installed).
    #[error("{0} charts are not installable")]
    NotInstallable(String),
    /// The chart is of `apiVersion: v3`, which helm 4 loads but does not yet render.
    #[error("invalid chart apiVersion")]
    ApiVersionV3,
    /// The values cannot be coalesced with the chart's (a subchart's key is not a map).
    #[error("{0}")]
    Values(String),
    /// `--kube-version` is not a version.
    #[error("invalid kube version '{given}': {reason}")]
    KubeVersion {
        /// What was given.
        given: String,
        /// Why it is invalid.
        reason: String,
    },
    /// The chart's `kubeVersion` excludes the Kubernetes version.
    #[error("chart requires kubeVersion: {required} which is incompatible with Kubernetes {actual}")]
    IncompatibleKube {
        /// Chart.yaml's constraint.
        required: String,
        /// The version rendered for.
        actual: String,
    },
    /// The values break a chart's `values.schema.json`.
    #[error("values don't meet the specifications of the schema(s) in the following chart(s):\n{0}")]
    Schema(String),
    /// A template does not parse.
    #[error("parse error at ({file}:{line}): {message}")]
    Parse {
        /// The template file.
        file: String,
        /// The line.
        line: usize,
        /// Go's message.
        message: String,
    },
    /// A template failed while executing; `message` is Helm's rendering of the error chain.
    #[error("{message}")]
    Exec {
        /// Helm's message.
        message: String,
        /// The template file where it happened.
        file: String,
        /// Line.
        line: usize,
        /// Column (0-based bytes, as Go counts).
        col: usize,
    },
    /// A rendered document is not YAML (Helm's `YAML parse error on <file>: ...`); `files`
    /// are the rendered files as they came out, for `helm template --debug`'s dump (see
    /// [`super::output::debug_dump`]).
    #[error("{message}")]
    Yaml {
        /// Helm's message.
        message: String,
        /// Every rendered file by name (NOTES.txt excluded).
        files: BTreeMap<String, String>,
    },
    /// A `--show-only` pattern matched nothing.
    #[error(transparent)]
    ShowOnly(#[from] ShowOnlyError),
    /// Rendering could not run (an internal failure).
    #[error("{0}")]
    Internal(String),
}

/// The rendered chart.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Rendered {
    /// Every rendered template by name, `<no value>` removed (partials and NOTES excluded).
    pub files: BTreeMap<String, String>,
    /// The documents, in install order.
    pub manifests: Vec<RenderedDocument>,
    /// The hook documents, in install order.
    pub hooks: Vec<RenderedDocument>,
    /// The root chart's rendered NOTES.txt.
    pub notes: String,
    /// CRD files (`crds/`), as (name, contents), when asked for.
    pub crds: Vec<(String, String)>,
}

impl Rendered {
    /// What `helm template` prints on standard output.
    pub fn template_output(&self, opts: &RenderOptions) -> Result<String, ChartRenderError> {
        let (body, hooks) = self.documents(opts);
        let (size_body, size_hooks) = self.documents(opts);
        let framing = "---\n# Source: \n\n".len();
        let size: usize =
            size_body.chain(size_hooks).map(|(source, content)| source.len() + content.len() + framing).sum();
        // One text of the final size: the output of a large chart is megabytes.
        let mut out = String::with_capacity(size + 1);
        for (source, content) in body {
            push_framed_document(&mut out, source, |out| out.push_str(content));
        }
        // Helm trims the CRDs and manifests as one text, then appends the hooks.
        out.truncate(out.trim_end_matches(char::is_whitespace).len());
        let leading = out.len() - out.trim_start_matches(char::is_whitespace).len();
        out.drain(..leading);
        out.push('\n');
        for (source, content) in hooks {
            push_framed_document(&mut out, source, |out| out.push_str(content));
        }
        if opts.show_only.is_empty() {
            return Ok(out);
        }
        Ok(show_only_in_output(&out, &opts.show_only)?)
    }

    /// What `helm template --output-dir DIR` writes: every document into the file of its
    /// template, the CRDs under `dir` and the rest under `dir/<release>` when `release` is
    /// given (`--release-name`; the path cleaned as Go's `filepath.Join` cleans it), else
    /// under `dir` as given. Returns the file written for each document, as helm prints it.
    pub fn write_output_dir(
        &self,
        dir: &str,
        release: Option<&str>,
        opts: &RenderOptions,
    ) -> Result<Vec<String>, OutputDirError> {
        let (body, hooks) = self.documents(opts);
        let release_dir = match release {
            Some(release) if dir.is_empty() => crate::funcs::misc::path_clean(release),
            Some(release) => crate::funcs::misc::path_clean(&format!("{dir}/{release}")),
            None => dir.to_string(),
        };
        // The CRDs come first, and only with --include-crds.
        let crds = self.crds.len();
        let documents = body.chain(hooks).enumerate().map(|(i, (source, content))| {
            let folder = if i < crds { dir } else { release_dir.as_str() };
            (folder, source, content)
        });
        write_output_dir(documents)
    }

    /// The (source, content) documents in output order: the CRDs and manifests, and apart
    /// from them the hooks (without test hooks when they are skipped).
    fn documents<'a>(
        &'a self,
        opts: &'a RenderOptions,
    ) -> (impl Iterator<Item = (&'a str, &'a str)>, impl Iterator<Item = (&'a str, &'a str)>) {
        let crds = self.crds.iter().map(|(name, content)| (name.as_str(), content.as_str()));
        let manifests = self.manifests.iter().map(|m| (m.source.as_str(), m.content.as_str()));
        let hooks = self
            .hooks
            .iter()
            .filter(move |h| !(opts.skip_tests && h.is_test))
            .map(|h| (h.source.as_str(), h.content.as_str()));
        (crds.chain(manifests), hooks)
    }
}

/// The stack a rendering needs: [`render_chart`] and [`render_owned_chart`] start a thread
/// with this much; a caller of [`render_owned_chart_on_current_thread`] must run on one.
pub const RENDER_STACK_SIZE: usize = 1 << 30;
pub(crate) const STACK_SIZE: usize = RENDER_STACK_SIZE;

/// Renders a chart with the user's values (already merged from `-f`/`--set`), as
/// `helm template` does.
pub fn render_chart(
    chart: &Chart,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<Rendered, ChartRenderError> {
    // The chart is copied on the rendering thread: copying values nested thousands deep
    // recurses as deep as they go, which that thread's stack is made for.
    render_on_thread(|| chart.clone(), user_values, opts)
}

/// [`render_chart`] for a caller that needs the chart no more: it is rendered without a
/// copy (of every file and value, a large chart's longest step after parsing).
pub fn render_owned_chart(
    chart: Chart,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<Rendered, ChartRenderError> {
    render_on_thread(move || chart, user_values, opts)
}

/// [`render_owned_chart`] on the calling thread, which must have been started with a stack of
/// [`RENDER_STACK_SIZE`] bytes (deep templates and values would overflow a smaller one): a
/// program that already does its work on such a thread saves starting another.
pub fn render_owned_chart_on_current_thread(
    chart: Chart,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<Rendered, ChartRenderError> {
    render_in_thread(chart, user_values, opts)
}

fn render_on_thread(
    chart: impl FnOnce() -> Chart + Send,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<Rendered, ChartRenderError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("gotmpl-render".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || render_in_thread(chart(), user_values, opts))
            .map_err(|e| ChartRenderError::Internal(format!("cannot start the rendering thread: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(ChartRenderError::Internal("the renderer failed unexpectedly".into())))
    })
}

/// Parses and executes one template text with `data` as its dot (as Helm's `tpl` does, but
/// without a chart): Helm's functions, `<no value>` removed, errors in Helm's words. Runs on
/// a large-stack thread like [`render_chart`].
pub fn render_text(name: &str, text: &str, data: &Map) -> Result<String, ChartRenderError> {
    std::thread::scope(|scope| {
        std::thread::Builder::new()
            .name("gotmpl-render".into())
            .stack_size(STACK_SIZE)
            .spawn_scoped(scope, || {
                let mut templates = BTreeMap::new();
                templates.insert(
                    name.to_string(),
                    Renderable { vals: Val::from_plain_map(data, MapKind::Values), base_path: String::new() },
                );
                let parsed = parse_files(&[(name, text)]);
                let funcs = crate::funcs::helm_functions(FuncEnv::system());
                let mut files =
                    render_templates(&templates, &[name], parsed, funcs, false, None, Helping::default())?;
                Ok(files.remove(name).unwrap_or_default())
            })
            .map_err(|e| ChartRenderError::Internal(format!("cannot start the rendering thread: {e}")))?
            .join()
            .unwrap_or_else(|_| Err(ChartRenderError::Internal("the renderer failed unexpectedly".into())))
    })
}

/// Loads the chart directory and renders it: `helm template DIR` in one call.
pub fn helm_template(
    dir: &std::path::Path,
    user_values: &Map,
    opts: &RenderOptions,
) -> Result<String, ChartRenderError> {
    let chart = super::chart::load_chart(dir)?;
    render_owned_chart(chart, user_values, opts)?.template_output(opts)
}

/// helm 4.1.4's default group/versions (`.Capabilities.APIVersions`).
pub(crate) const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1beta2",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// Why helm refuses a release name (`ValidateReleaseName`), or `None` for a name it takes.
pub fn release_name_problem(name: &str) -> Option<String> {
    match check_release_name(name) {
        Err(ChartRenderError::ReleaseName { reason, .. }) => Some(reason),
        _ => None,
    }
}

/// Helm's `ValidateReleaseName`: a DNS subdomain of at most 53 characters.
fn check_release_name(name: &str) -> Result<(), ChartRenderError> {
    const PATTERN: &str = r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$";
    let reason = if name.is_empty() {
        "no name provided".to_string()
    } else if name.len() > 53 || !release_name_is_valid(name) {
        format!("invalid release name, must match regex {PATTERN} and the length must not be longer than 53")
    } else {
        return Ok(());
    };
    Err(ChartRenderError::ReleaseName { name: name.to_string(), reason })
}

/// Whether every dot-separated label is lower-case letters, digits and inner dashes.
fn release_name_is_valid(name: &str) -> bool {
    name.split('.').all(|label| {
        !label.is_empty()
            && label.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            && !label.starts_with('-')
            && !label.ends_with('-')
    })
}

/// Whether a chart whose Chart.yaml says `kubeVersion: constraint` renders for the
/// Kubernetes version given as `--kube-version` takes it, refused in helm's words.
pub fn check_kube_version(constraint: &str, given: &str) -> Result<(), ChartRenderError> {
    let version = parse_kube_version(given)
        .map_err(|reason| ChartRenderError::KubeVersion { given: given.to_string(), reason })?;
    if constraint.is_empty() || is_compatible_range(constraint, &version.normalized) {
        return Ok(());
    }
    Err(ChartRenderError::IncompatibleKube { required: constraint.to_string(), actual: version.version })
}

/// Kubernetes' `ParseGeneric` as Helm's `ParseKubeVersion` uses it.
pub(crate) fn parse_kube_version(given: &str) -> Result<KubeVersion, String> {
    let trimmed = given.trim_start();
    let body = trimmed.strip_prefix('v').unwrap_or(trimmed);
    let numbers_end = body
        .char_indices()
        .scan(false, |prev_dot, (i, c)| {
            let ok = c.is_ascii_digit() || (c == '.' && !*prev_dot && i > 0);
            *prev_dot = c == '.';
            ok.then_some(i + c.len_utf8())
        })
        .last()
        .unwrap_or(0);
    let mut numbers = &body[..numbers_end];
    if numbers.ends_with('.') {
        numbers = &numbers[..numbers.len() - 1];
    }
    if numbers.is_empty() || !numbers.starts_with(|c: char| c.is_ascii_digit()) {
        return Err(format!("could not parse {given:?} as version"));
    }
    let components: Vec<&str> = numbers.split('.').collect();
    if components.len() < 2 {
        return Err(format!("illegal version string {given:?}"));
    }
    let mut parsed = Vec::new();
    for (i, comp) in components.iter().enumerate() {
        if i == 0 && comp.starts_with('0') && *comp != "0" {
            return Err(format!("illegal zero-prefixed version component {comp:?} in {given:?}"));
        }
        let n: u64 = comp.parse().map_err(|_| {
            format!(
                "illegal non-numeric version component {comp:?} in {given:?}: strconv.ParseUint: parsing {comp:?}: value out of range"
            )
        })?;
        parsed.push(n);
    }
    let normalized = format!("v{}", parsed.iter().map(u64::to_string).collect::<Vec<_>>().join("."));
    let version = if given.starts_with('v') { given.to_string() } else { format!("v{given}") };
    Ok(KubeVersion { version, normalized, major: parsed[0].to_string(), minor: parsed[1].to_string() })
}

fn render_in_thread(
    mut chart: Chart,
    user: &Map,
    opts: &RenderOptions,
) -> Result<Rendered, ChartRenderError> {
    if !matches!(chart.metadata.chart_type.as_str(), "" | "application") {
        return Err(ChartRenderError::NotInstallable(chart.metadata.chart_type.clone()));
    }
    let missing = missing_dependencies(&chart);
    if !missing.is_empty() {
        return Err(ChartRenderError::MissingDependencies(missing));
    }
    if chart.loader == super::chart::Loader::V3 {
        return Err(ChartRenderError::ApiVersionV3);
    }
    check_release_name(&opts.release_name)?;
    process_dependencies(&mut chart, user).map_err(ChartRenderError::Dependencies)?;
    let kube_version = match &opts.kube_version {
        Some(given) => parse_kube_version(given)
            .map_err(|reason| ChartRenderError::KubeVersion { given: given.clone(), reason })?,
        None => KubeVersion {
            version: "v1.35.0".into(),
            normalized: "v1.35.0".into(),
            major: "1".into(),
            minor: "35".into(),
        },
    };
    let mut api_versions: Vec<String> = DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
    api_versions.extend(opts.api_versions.iter().cloned());
    let caps = Capabilities {
        kube_version: kube_version.clone(),
        api_versions,
        helm_version: BuildInfo::helm_4_1_4(),
    };
    let values = coalesce_chart(&chart, user, NullRule::Delete).map_err(ChartRenderError::Values)?;
    let incompatible = !chart.metadata.kube_version.is_empty()
        && !is_compatible_range(&chart.metadata.kube_version, &kube_version.normalized);
    // Compiling the chart's schema can cost as much as rendering its templates, and the two
    // do not depend on each other: the thread that helps execute the templates checks the
    // schema first, while this one executes from the front (a thread of its own for the
    // check made three threads share two cores, and on a scheduler that keeps new threads
    // on the core that started them it took turns with this one). Its verdict still comes
    // first, as in helm: a schema error is the answer whatever the templates did.
    // Without a schema anywhere in the chart, only the types of the subcharts' values are
    // checked: too little work to hand over.
    let leave_to_exit = opts.process_exits_after;
    let schema_beside = !opts.skip_schema_validation && super::schema::any_schema(&chart);
    let schema_here = (!opts.skip_schema_validation && !schema_beside)
        .then(|| super::schema::chart_problems(&chart, &values, leave_to_exit, opts.warn));
    let schema_checked = std::sync::OnceLock::new();
    let check_schema = || {
        schema_checked
            .get_or_init(|| super::schema::chart_problems(&chart, &values, leave_to_exit, opts.warn));
    };
    let rendered = std::thread::scope(|scope| {
        (!incompatible).then(|| {
            let mut reader = HeadReader::new(scope);
            let beside = schema_beside.then_some(&check_schema as &(dyn Fn() + Sync));
            let files = render_chart_templates(&chart, &values, &caps, opts, &mut reader, beside);
            files.and_then(|files| sort_rendered(files, chart.name(), reader))
        })
    });
    // Checked beside the templates, or now when they were not executed.
    let schema_problems = match schema_here {
        Some(problems) => problems,
        None if schema_beside => {
            check_schema();
            schema_checked.into_inner().unwrap_or_default()
        }
        None => String::new(),
    };
    let mut crds = Vec::new();
    if opts.include_crds {
        collect_crds(&chart, chart.name(), &mut crds);
    }
    // A file read on first use that could not be read would have failed Helm's load: its
    // error comes before any other.
    if let Some(failure) = chart.read_failure() {
        return Err(ChartRenderError::Chart(super::chart::ChartLoadError::Io(failure.to_string())));
    }
    if !schema_problems.is_empty() {
        return Err(ChartRenderError::Schema(schema_problems));
    }
    let Some(rendered) = rendered else {
        return Err(ChartRenderError::IncompatibleKube {
            required: chart.metadata.kube_version.clone(),
            actual: kube_version.version.clone(),
        });
    };
    let SortedOutput { files, notes, manifests, hooks } = rendered?;
    if opts.process_exits_after {
        std::mem::forget(chart);
        std::mem::forget(values);
    }
    Ok(Rendered { files, manifests, hooks, notes, crds })
}

/// The rendered files without `NOTES.txt`, the chart's own notes, and the documents sorted
/// as helm installs them.
struct SortedOutput {
    files: BTreeMap<String, String>,
    notes: String,
    manifests: Vec<RenderedDocument>,
    hooks: Vec<RenderedDocument>,
}

fn sort_rendered(
    mut files: BTreeMap<String, String>,
    chart_name: &str,
    reader: HeadReader<'_, '_>,
) -> Result<SortedOutput, ChartRenderError> {
    let notes = files.get(&format!("{chart_name}/templates/NOTES.txt")).cloned().unwrap_or_default();
    files.retain(|name, _| !name.ends_with("NOTES.txt"));
    match sort_manifests(&files, Some(reader)) {
        Ok((manifests, hooks)) => Ok(SortedOutput { files, notes, manifests, hooks }),
        Err(message) => Err(ChartRenderError::Yaml { message, files }),
    }
}

/// Renders every template of the chart and its subcharts with the coalesced values, doing
/// `beside` on the executing helper (see [`render_templates`]).
fn render_chart_templates(
    chart: &Chart,
    values: &Map,
    caps: &Capabilities,
    opts: &RenderOptions,
    reader: &mut HeadReader<'_, '_>,
    beside: Option<&(dyn Fn() + Sync)>,
) -> Result<BTreeMap<String, String>, ChartRenderError> {
    let mut sources = Vec::new();
    template_sources(chart, true, "", &mut sources);
    sources.sort_by_cached_key(|source| parse_order(&source.name));
    let keys: Vec<&str> = sources.iter().map(|source| source.name.as_str()).collect();
    // The templates are parsed while this thread builds what they will be executed with.
    let (world, parsed) =
        parse_templates(chart.ahead.as_ref(), &sources, || World::build(chart, values, caps, opts));
    let World { top, templates, funcs, maps } = world;
    let second = || World::build(chart, values, caps, opts);
    let rendered = render_templates(
        &templates,
        &keys,
        parsed,
        funcs?,
        opts.process_exits_after,
        Some(reader),
        Helping { second_world: Some(&second), beside },
    );
    if opts.process_exits_after {
        std::mem::forget(templates);
        std::mem::forget(top);
        std::mem::forget(maps);
    }
    rendered
}

/// What templates execute with: the values of each template and the functions. Template
/// values are shared, mutable maps (Go's), so each thread that executes templates builds a
/// world of its own.
struct World {
    top: Val,
    templates: BTreeMap<String, Renderable>,
    funcs: Result<FuncTable, ChartRenderError>,
    /// Every map of the world, in the order the build made them (see [`Change`]).
    maps: Vec<MapRef>,
}

impl World {
    fn build(chart: &Chart, values: &Map, caps: &Capabilities, opts: &RenderOptions) -> World {
        let build = WorldBuild::start();
        let release = Val::map(BTreeMap::from([
            ("Name".to_string(), Val::str(&opts.release_name)),
            ("Namespace".to_string(), Val::str(&opts.namespace)),
            ("IsUpgrade".to_string(), Val::Bool(opts.is_upgrade)),
            ("IsInstall".to_string(), Val::Bool(!opts.is_upgrade)),
            ("Revision".to_string(), Val::Int(1)),
            ("Service".to_string(), Val::str("Helm")),
        ]));
        let top = Val::typed_map(
            MapKind::Values,
            BTreeMap::from([
                ("Capabilities".to_string(), Val::Obj(Rc::new(caps.clone()))),
                ("Release".to_string(), release),
                ("Values".to_string(), Val::from_plain_map(values, MapKind::Values)),
            ]),
        );
        let mut templates: BTreeMap<String, Renderable> = BTreeMap::new();
        all_templates(chart, &top, true, "", &mut templates);
        let env = FuncEnv::new(opts.seed, opts.now, opts.time_zone.as_deref())
            .map(|env| env.with_dns(opts.enable_dns))
            .map_err(ChartRenderError::Clock);
        World { top, templates, funcs: env.map(crate::funcs::helm_functions), maps: build.finish() }
    }
}

fn collect_crds(chart: &Chart, full_path: &str, out: &mut Vec<(String, String)>) {
    for f in &chart.files {
        let lower = f.name.to_lowercase();
        if f.name.starts_with("crds/")
            && (lower.ends_with(".yaml") || lower.ends_with(".yml") || lower.ends_with(".json"))
        {
            out.push((format!("{full_path}/{}", f.name), crate::strconv::text_of(f.data.bytes_or_empty())));
        }
    }
    for d in &chart.dependencies {
        collect_crds(d, &format!("{full_path}/charts/{}", d.name()), out);
    }
}

/// What a template renders with: its values and its `.Template.BasePath`.
struct Renderable {
    vals: Val,
    base_path: String,
}

/// The `.Chart` map: Chart.yaml with Go's field names.
fn metadata_map(chart: &Chart, is_root: bool) -> Val {
    let md = &chart.metadata;
    let s = |v: &str| Val::str(v);
    let strs = |v: &[String]| Val::list(v.iter().map(Val::str).collect());
    let annotations = Val::typed_map(
        MapKind::Str,
        md.annotations
            .as_ref()
            .map(|a| a.iter().map(|(k, v)| (k.clone(), Val::str(v))).collect())
            .unwrap_or_default(),
    );
    let maintainers = Val::list(
        md.maintainers
            .iter()
            .map(|m| {
                Val::map(BTreeMap::from([
                    ("Email".to_string(), s(&m.email)),
                    ("Name".to_string(), s(&m.name)),
                    ("URL".to_string(), s(&m.url)),
                ]))
            })
            .collect(),
    );
    let dependencies = Val::list(
        md.dependencies
            .iter()
            .map(|d| {
                Val::map(BTreeMap::from([
                    ("Alias".to_string(), s(&d.alias)),
                    ("Condition".to_string(), s(&d.condition)),
                    ("Enabled".to_string(), Val::Bool(d.enabled)),
                    (
                        "ImportValues".to_string(),
                        Val::list(d.import_values.iter().map(Val::from_value).collect()),
                    ),
                    ("Name".to_string(), s(&d.name)),
                    ("Repository".to_string(), s(&d.repository)),
                    ("Tags".to_string(), strs(&d.tags)),
                    ("Version".to_string(), s(&d.version)),
                ]))
            })
            .collect(),
    );
    Val::map(BTreeMap::from([
        ("APIVersion".to_string(), s(&md.api_version)),
        ("Annotations".to_string(), annotations),
        ("AppVersion".to_string(), s(&md.app_version)),
        ("Condition".to_string(), s(&md.condition)),
        ("Dependencies".to_string(), dependencies),
        ("Deprecated".to_string(), Val::Bool(md.deprecated)),
        ("Description".to_string(), s(&md.description)),
        ("Home".to_string(), s(&md.home)),
        ("Icon".to_string(), s(&md.icon)),
        ("IsRoot".to_string(), Val::Bool(is_root)),
        ("Keywords".to_string(), strs(&md.keywords)),
        ("KubeVersion".to_string(), s(&md.kube_version)),
        ("Maintainers".to_string(), maintainers),
        ("Name".to_string(), s(&md.name)),
        ("Sources".to_string(), strs(&md.sources)),
        ("Tags".to_string(), s(&md.tags)),
        ("Type".to_string(), s(&md.chart_type)),
        ("Version".to_string(), s(&md.version)),
    ]))
}

/// Helm's `recAllTpls`: builds each chart's render values (its own `.Values` scope, shared
/// `.Release` and `.Capabilities`) and collects its templates under their full names.
/// Returns the chart's values map (what its parent sees under `.Subcharts`).
fn all_templates(
    chart: &Chart,
    parent: &Val,
    is_root: bool,
    parent_path: &str,
    out: &mut BTreeMap<String, Renderable>,
) -> Val {
    let parent_entries = parent.map_entries().unwrap_or_default();
    let values = if is_root {
        parent_entries
            .get("Values")
            .cloned()
            .unwrap_or_else(|| Val::typed_map(MapKind::Values, BTreeMap::new()))
    } else {
        let scoped = parent_entries
            .get("Values")
            .and_then(|v| v.map_entries())
            .and_then(|m| m.get(chart.name()).cloned())
            .and_then(|v| v.map_entries());
        match scoped {
            Some(entries) => Val::typed_map(MapKind::Values, entries),
            None => Val::typed_map(MapKind::Values, BTreeMap::new()),
        }
    };
    let files = Files { entries: chart.files.iter().map(|f| (f.name.clone(), f.data.clone())).collect() };
    let subcharts = Val::map(BTreeMap::new());
    let next = Val::typed_map(
        MapKind::Values,
        BTreeMap::from([
            ("Capabilities".to_string(), parent_entries.get("Capabilities").cloned().unwrap_or_default()),
            ("Chart".to_string(), metadata_map(chart, is_root)),
            ("Files".to_string(), Val::Obj(Rc::new(files))),
            ("Release".to_string(), parent_entries.get("Release").cloned().unwrap_or_default()),
            ("Subcharts".to_string(), subcharts.clone()),
            ("Values".to_string(), values),
        ]),
    );
    let full_path = chart_path(chart, is_root, parent_path);
    for dep in &chart.dependencies {
        let sub = all_templates(dep, &next, false, &full_path, out);
        if let Val::Map(m) = &subcharts {
            m.borrow_mut().insert(dep.name().to_string(), sub);
        }
    }
    for t in chart.templates.iter().filter(|t| is_rendered(chart, t)) {
        out.insert(
            format!("{full_path}/{}", t.name),
            Renderable { vals: next.clone(), base_path: format!("{full_path}/templates") },
        );
    }
    next
}

/// Where a chart's templates are named: `parent/charts/name`, the root chart by its name.
fn chart_path(chart: &Chart, is_root: bool, parent_path: &str) -> String {
    if is_root { chart.name().to_string() } else { format!("{parent_path}/charts/{}", chart.name()) }
}

/// Whether a template of `chart` is part of the rendering: a library chart's are its
/// partials (`_*`) alone.
fn is_rendered(chart: &Chart, template: &super::chart::LoadedChartFile) -> bool {
    let base = template.name.rsplit('/').next().unwrap_or(&template.name);
    !chart.is_library() || base.starts_with('_')
}

/// A template to parse: its name in the rendering and the file's contents.
struct Source<'a> {
    name: String,
    data: std::borrow::Cow<'a, Arc<Vec<u8>>>,
}

impl Source<'_> {
    /// The text, taken only when this thread parses it (the parse helper takes its own).
    fn text(&self) -> std::borrow::Cow<'_, str> {
        crate::strconv::text_in(&self.data)
    }
}

/// Every template [`all_templates`] collects, without the values they will be executed with
/// (parsing needs none).
fn template_sources<'a>(chart: &'a Chart, is_root: bool, parent_path: &str, out: &mut Vec<Source<'a>>) {
    let full_path = chart_path(chart, is_root, parent_path);
    for dep in &chart.dependencies {
        template_sources(dep, false, &full_path, out);
    }
    for t in chart.templates.iter().filter(|t| is_rendered(chart, t)) {
        let data = match t.data.bytes() {
            Ok(data) => std::borrow::Cow::Borrowed(data),
            // Read on first use and unreadable: the rendering fails with the load's error.
            Err(_) => std::borrow::Cow::Owned(Arc::default()),
        };
        out.push(Source { name: format!("{full_path}/{}", t.name), data });
    }
}

/// Helm's parse order as a sort key: deeper paths first, then reverse lexical order. A key
/// made once per name: counting slashes at every comparison took a large chart a third of a
/// millisecond.
fn parse_order(name: &str) -> std::cmp::Reverse<(usize, String)> {
    std::cmp::Reverse((name.bytes().filter(|b| *b == b'/').count(), name.to_string()))
}

/// What a thread helping [`render_templates`] may do.
#[derive(Clone, Copy, Default)]
struct Helping<'a> {
    /// Builds the helper's own world, for executing templates.
    second_world: Option<&'a (dyn Fn() -> World + Sync)>,
    /// Work that does not depend on the templates, done first.
    beside: Option<&'a (dyn Fn() + Sync)>,
}

/// Helm's `render`: one template set, every non-partial executed in parse order (`keys`,
/// whose parse results `parsed` holds), each output handed to `reader` as it is done. With
/// `leave_to_exit` (see [`RenderOptions::process_exits_after`]) the parse trees are not
/// freed.
///
/// With `helping.second_world`, a large chart's templates execute on two threads: this one
/// from the first, a helper with a world of its own from the last, until they meet. The result is
/// the one-thread result. A template sees what the templates before it changed: when one
/// executed here sets keys of the world's maps to scalars (Bitnami's redis stores the
/// password it generates in `.Values`), the helper makes the same changes in its world and
/// executes again what it executed before them; after any other change, or a change by a
/// template the helper executed, this thread executes every remaining template itself and
/// the helper's outputs are dropped.
///
/// `helping.beside`, work that does not depend on the templates, is done by the helper
/// before it takes any (a helper is started for it even when the templates are too few to
/// share), so that it shares the two cores with the execution instead of a third thread; it
/// is not done when parsing fails, so its caller must be ready to do it afterwards.
fn render_templates(
    templates: &BTreeMap<String, Renderable>,
    keys: &[&str],
    parsed: Vec<Result<Vec<Tree>, ParseError>>,
    funcs: FuncTable,
    leave_to_exit: bool,
    mut reader: Option<&mut HeadReader<'_, '_>>,
    helping: Helping<'_>,
) -> Result<BTreeMap<String, String>, ChartRenderError> {
    let Helping { second_world, beside } = helping;
    let mut set = TemplateSet::new("gotpl");
    // Every file is parsed before the first error is reported: the error is that of the
    // first file in parse order, as in helm.
    for parsed in parsed {
        let trees = parsed.map_err(|e| ChartRenderError::Parse {
            file: e.name.clone(),
            line: e.line,
            message: last_token(&e.message),
        })?;
        set.add_trees(trees);
    }
    let order: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|name| {
            !name.rsplit('/').next().unwrap_or(name).starts_with('_') && templates.contains_key(*name)
        })
        .collect();
    let runner = Runner { rt: Runtime::new(Rc::new(funcs), STACK_SIZE), set: Rc::new(set), templates };
    let claims = Claims::new(order.len());
    let mut outputs: Vec<(usize, String)> = Vec::with_capacity(order.len());
    let helped = std::thread::scope(|scope| {
        let second_world = second_world.filter(|_| order.len() >= PARALLEL_FROM_TEMPLATES);
        let heads = second_world.and_then(|_| reader.as_deref_mut().map(HeadReader::helped));
        let helper = (second_world.is_some() || beside.is_some()).then(|| {
            let (claims, order, trees) = (&claims, &order, runner.set.trees());
            let builder = std::thread::Builder::new().name("render-helper".into()).stack_size(STACK_SIZE);
            crate::beside::spawn_scoped(builder, scope, move || {
                if let Some(beside) = beside {
                    beside();
                }
                second_world.map(|build| help(build, trees, order, claims, heads, leave_to_exit))
            })
            .ok()
        });
        let mut run_front = |reader: &mut Option<&mut HeadReader<'_, '_>>| {
            while let Some(at) = claims.take_front() {
                let executed = runner.run(at, order[at]).inspect_err(|_| claims.stop())?;
                match executed.changes {
                    Changes::None => {}
                    Changes::Replayable(changes) => claims.publish(changes),
                    Changes::Other => claims.go_alone(),
                }
                if let Some(reader) = reader.as_deref_mut() {
                    reader.rendered(order[at], &executed.output);
                }
                outputs.push((at, executed.output));
            }
            Ok::<(), ChartRenderError>(())
        };
        run_front(&mut reader)?;
        if let Some(reader) = reader.as_deref_mut() {
            reader.done_rendering();
        }
        let helped =
            helper.flatten().and_then(|handle| handle.join().unwrap_or_else(|_| Some(Helped::default())));
        // The helper changed its world or could not build it: the rest is left to this
        // thread.
        if helped.as_ref().is_some_and(|helped| !helped.valid) {
            claims.go_alone();
        }
        run_front(&mut reader)?;
        Ok::<_, ChartRenderError>(helped)
    })?;
    let (alone, generation) = claims.outcome();
    if let Some(helped) = helped.filter(|_| !alone) {
        if let Some((_, failure)) = helped.failure.filter(|(made_in, _)| *made_in == generation) {
            return Err(failure);
        }
        for (at, made_in, output, documents) in helped.outputs.into_iter().rev() {
            if made_in != generation {
                continue;
            }
            if let Some(reader) = reader.as_deref_mut() {
                reader.rendered_by_helper(order[at], documents);
            }
            outputs.push((at, output));
        }
    }
    let rendered = outputs.into_iter().map(|(at, output)| (order[at].to_string(), output)).collect();
    if leave_to_exit {
        std::mem::forget(runner);
    }
    Ok(rendered)
}

/// The fewest templates for which a second executing thread pays: it first builds the
/// values of every template, which costs about as much as executing a few.
const PARALLEL_FROM_TEMPLATES: usize = 8;

/// Executes the templates of one thread's world.
struct Runner<'t> {
    rt: Runtime,
    set: Rc<TemplateSet>,
    templates: &'t BTreeMap<String, Renderable>,
}

/// A template's output, and what its execution changed in maps it did not make.
struct Executed {
    output: String,
    changes: Changes,
}

impl Runner<'_> {
    /// Executes template `name`, number `at` in execution order.
    fn run(&self, at: usize, name: &str) -> Result<Executed, ChartRenderError> {
        let Some(r) = self.templates.get(name) else {
            return Ok(Executed { output: String::new(), changes: Changes::None });
        };
        if let Val::Map(m) = &r.vals {
            m.borrow_mut().insert(
                "Template".to_string(),
                Val::typed_map(
                    MapKind::Values,
                    BTreeMap::from([
                        ("BasePath".to_string(), Val::str(&r.base_path)),
                        ("Name".to_string(), Val::str(name)),
                    ]),
                ),
            );
        }
        if let Some(env) = self.rt.funcs.host::<FuncEnv>() {
            env.start_template(name);
        }
        let execution = Execution::start(u32::try_from(at + 1).unwrap_or(u32::MAX));
        let output = execute(&self.rt, &self.set, name, Some(r.vals.clone()));
        let changes = execution.finish();
        let output = output.map_err(|e| exec_error(name, e))?;
        let output = if output.contains("<no value>") { output.replace("<no value>", "") } else { output };
        Ok(Executed { output, changes })
    }
}

/// Which templates are left and who takes them: the rendering thread from the front, the
/// helper from the back, until they meet; and the changes the rendering thread's templates
/// made to its world, in order.
struct Claims {
    state: std::sync::Mutex<ClaimState>,
    count: usize,
}

struct ClaimState {
    front: usize,
    back: usize,
    /// The rendering thread executes every remaining template in order; the helper's
    /// outputs do not count.
    alone: bool,
    /// A template failed on the rendering thread: nothing more is taken.
    stopped: bool,
    /// Every change published so far.
    changes: Vec<Change>,
    /// How many times changes were published: the helper's outputs count only when
    /// executed after the last.
    generation: usize,
}

impl Claims {
    fn new(count: usize) -> Claims {
        let state = ClaimState {
            front: 0,
            back: count,
            alone: false,
            stopped: false,
            changes: Vec::new(),
            generation: 0,
        };
        Claims { state: std::sync::Mutex::new(state), count }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ClaimState> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// The next template for the rendering thread.
    fn take_front(&self) -> Option<usize> {
        let mut state = self.lock();
        let end = if state.alone { self.count } else { state.back };
        (!state.stopped && state.front < end).then(|| {
            state.front += 1;
            state.front - 1
        })
    }

    /// The next template for the helper, the generation it is executed in and the changes
    /// published since the helper's first `applied`.
    fn take_back(&self, applied: usize) -> Option<(usize, usize, Vec<Change>)> {
        let mut state = self.lock();
        if state.alone || state.stopped || state.front >= state.back {
            return None;
        }
        state.back -= 1;
        Some((state.back, state.generation, state.changes.get(applied..).unwrap_or_default().to_vec()))
    }

    /// Changes a template on the rendering thread made: everything the helper executed is
    /// to be executed again, in a world with the changes.
    fn publish(&self, changes: Vec<Change>) {
        let mut state = self.lock();
        state.changes.extend(changes);
        state.generation += 1;
        state.back = self.count;
    }

    fn go_alone(&self) {
        self.lock().alone = true;
    }

    fn stop(&self) {
        self.lock().stopped = true;
    }

    /// Whether the rendering thread went alone, and the last generation.
    fn outcome(&self) -> (bool, usize) {
        let state = self.lock();
        (state.alone, state.generation)
    }
}

/// What the helper did: outputs by execution number with the generation each was executed
/// in and their documents read (when there is a reader; last first), and the failure that
/// stopped it; not `valid` when one of its executions changed a map it did not make.
#[derive(Default)]
struct Helped {
    /// Each template's number, generation, output and the numbers of its documents handed
    /// in to be read.
    outputs: Vec<(usize, usize, String, Option<Vec<usize>>)>,
    failure: Option<(usize, ChartRenderError)>,
    valid: bool,
}

/// The helper thread: builds its own world and executes templates from the back, handing
/// the documents of each in to `heads`; then reads the documents waiting.
fn help(
    build: &(dyn Fn() -> World + Sync),
    trees: &Arc<TemplateTrees>,
    order: &[&str],
    claims: &Claims,
    heads: Option<HeadHelp>,
    leave_to_exit: bool,
) -> Helped {
    let World { top, templates, funcs, maps } = build();
    let Ok(funcs) = funcs else { return Helped::default() };
    let runner = Runner {
        rt: Runtime::new(Rc::new(funcs), STACK_SIZE),
        set: Rc::new(TemplateSet::with_trees("gotpl", trees.clone())),
        templates: &templates,
    };
    let mut helped = Helped { valid: true, ..Helped::default() };
    let mut applied = 0;
    while let Some((at, generation, changes)) = claims.take_back(applied) {
        for change in &changes {
            change.apply(&maps);
        }
        applied += changes.len();
        match runner.run(at, order[at]) {
            Ok(Executed { output, changes: Changes::None }) => {
                let documents = heads.as_ref().and_then(|heads| heads.rendered(order[at], &output));
                helped.outputs.push((at, generation, output, documents));
            }
            Ok(_) => {
                helped.valid = false;
                claims.go_alone();
                break;
            }
            // The template stays taken: the rendering thread stops before it.
            Err(failure) => {
                helped.failure = Some((generation, failure));
                break;
            }
        }
    }
    if let Some(heads) = heads {
        heads.done_rendering();
    }
    if leave_to_exit {
        std::mem::forget(runner);
        std::mem::forget(templates);
        std::mem::forget(top);
        std::mem::forget(maps);
    }
    helped
}

/// Parses every (name, text) as [`parse_all`] does (see [`parse_templates`]).
fn parse_files(texts: &[(&str, &str)]) -> Vec<Result<Vec<Tree>, ParseError>> {
    let sources: Vec<Source<'_>> = texts
        .iter()
        .map(|(name, text)| Source {
            name: name.to_string(),
            data: std::borrow::Cow::Owned(Arc::new(text.as_bytes().to_vec())),
        })
        .collect();
    parse_templates(None, &sources, || ()).1
}

/// Parses every template as [`parse_all`] does, each distinct text once, and `first` on this
/// thread before it joins in. Bitnami's charts carry their library chart `common` in every
/// subchart: the same files under other paths. A parse tree does not depend on the file's
/// name, only the names in it do, so a file whose text was met before gets the earlier
/// file's trees (shared) under its own name.
///
/// The templates of a loaded chart were offered to its [`Ahead`] as they were read, and a
/// helper thread may have parsed many of them; otherwise they are offered now (a helper
/// starts when there is enough to parse). This thread parses what no one has begun, then
/// takes what the helper parsed.
fn parse_templates<P>(
    ahead: Option<&Ahead>,
    sources: &[Source<'_>],
    first: impl FnOnce() -> P,
) -> (P, Vec<Result<Vec<Tree>, ParseError>>) {
    let has_func = &crate::funcs::is_helm_function;
    let contents: Vec<Contents<'_>> = sources.iter().map(|source| Contents::of(&source.data)).collect();
    let mut first_with_text: foldhash::HashMap<Contents<'_>, usize> = foldhash::HashMap::default();
    // For each file, the earlier file with the same text, if any.
    let earlier: Vec<Option<usize>> = contents
        .iter()
        .enumerate()
        .map(|(at, file)| match first_with_text.entry(*file) {
            std::collections::hash_map::Entry::Occupied(first) => Some(*first.get()),
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(at);
                None
            }
        })
        .collect();
    let distinct: Vec<(&Source<'_>, Contents<'_>)> = sources
        .iter()
        .zip(&contents)
        .zip(&earlier)
        .filter(|(_, e)| e.is_none())
        .map(|((s, c), _)| (s, *c))
        .collect();
    let fresh;
    let ahead = match ahead {
        Some(ahead) => ahead,
        None => {
            fresh = Ahead::default();
            for (source, file) in &distinct {
                fresh.offer_template(&source.name, *file);
            }
            fresh.close();
            &fresh
        }
    };
    ahead.keep_templates(distinct.iter().map(|(_, file)| *file));
    let prepared = first();
    let parse_here = |source: &Source<'_>| parse_file(&source.name, &source.text(), has_func);
    let mut parsed: Vec<Option<Result<ParsedFile, ParseError>>> = distinct
        .iter()
        .map(|(source, file)| ahead.claim_template(*file).then(|| parse_here(source)))
        .collect();
    for (slot, (source, file)) in parsed.iter_mut().zip(&distinct) {
        if slot.is_none() {
            let from_ahead = ahead.template(*file).and_then(|done| match done.parsed {
                Ok(file) if done.name == source.name => Some(file),
                Ok(file) => renamed(&file, &done.name, &source.name)
                    .map(|trees| ParsedFile { trees, defines_itself: false }),
                // Errors name the file: parse again for this one's.
                Err(_) => None,
            });
            *slot = Some(from_ahead.map_or_else(|| parse_here(source), Ok));
        }
    }
    let mut parsed = parsed.into_iter().flatten();
    let mut out: Vec<Result<ParsedFile, ParseError>> = Vec::with_capacity(sources.len());
    for (source, earlier) in sources.iter().zip(earlier) {
        let result = match earlier {
            None => parsed.next().unwrap_or_else(|| parse_here(source)),
            Some(first) => match &out[first] {
                Ok(file) => match renamed(file, &sources[first].name, &source.name) {
                    Some(trees) => Ok(ParsedFile { trees, defines_itself: false }),
                    None => parse_here(source),
                },
                // Errors name the file: parse again for this one's.
                Err(_) => parse_here(source),
            },
        };
        out.push(result);
    }
    (prepared, out.into_iter().map(|file| file.map(|f| f.trees)).collect())
}

/// The trees parsed from file `from`, as parsing the same text as file `to` gives them; `None`
/// when the text defines a template named like either file (then only parsing tells).
fn renamed(file: &ParsedFile, from: &str, to: &str) -> Option<Vec<Tree>> {
    let trees = &file.trees;
    if file.defines_itself || trees.iter().any(|t| t.name == to) {
        return None;
    }
    let parse_name: std::sync::Arc<str> = std::sync::Arc::from(to);
    Some(
        trees
            .iter()
            .map(|t| Tree {
                name: if t.name == from { to.to_string() } else { t.name.clone() },
                parse_name: parse_name.clone(),
                text: t.text.clone(),
                root: t.root.clone(),
            })
            .collect(),
    )
}

/// Helm keeps only the last `: `-separated part of a parse error's message.
fn last_token(message: &str) -> String {
    message.rsplit(": ").next().unwrap_or(message).to_string()
}

/// Helm 4's `reformatExecErrorMsg`.
pub(crate) fn exec_error(filename: &str, err: GoError) -> ChartRenderError {
    let text = err.to_string();
    let (file, line, col) = match &err {
        GoError::Exec(f) => match &f.location {
            Some(l) => (l.file.clone(), l.line, l.col),
            None => (filename.to_string(), 0, 0),
        },
        GoError::Plain { .. } => (filename.to_string(), 0, 0),
    };
    let make = |message: String| ChartRenderError::Exec { message, file: file.clone(), line, col };
    let tokens: Vec<&str> = text.splitn(3, ": ").collect();
    if tokens.len() != 3 {
        return make(format!("execution error in ({filename}): {text}"));
    }
    let location = tokens[1];
    if let Some(start) = tokens[2].find(WARN_START)
        && let Some(end) = tokens[2].rfind(WARN_END)
        && end >= start + WARN_START.len()
    {
        return make(format!(
            "execution error at ({location}): {}",
            &tokens[2][start + WARN_START.len()..end]
        ));
    }
    let mut traces: Vec<Trace> = Vec::new();
    for link in err.chain() {
        match parse_trace(&link) {
            Some(t) => {
                if traces.last() != Some(&t) {
                    traces.push(t);
                }
            }
            None => return make(text),
        }
    }
    let mut out = String::new();
    for t in &traces {
        if !t.location.is_empty() {
            out.push_str(&format!("{}\n  ", t.location));
        }
        if !t.function.is_empty() {
            out.push_str(&format!("{}\n    ", t.function));
        }
        if !t.message.is_empty() {
            out.push_str(&format!("{}\n", t.message));
        }
    }
    make(out.trim_matches(|c: char| c.is_whitespace()).to_string())
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct Trace {
    location: String,
    message: String,
    function: String,
}

fn cut_template(msg: &str) -> &str {
    match msg.find(" template:") {
        Some(i) => &msg[..i],
        None => msg,
    }
}

/// Helm's `parseTemplateExecErrorString`.
fn parse_trace(s: &str) -> Option<Trace> {
    let rest = s.strip_prefix("template: ")?;
    if rest.starts_with("no template ") {
        return Some(Trace { location: String::new(), message: s.to_string(), function: String::new() });
    }
    if let Some(idx) = rest.find(": executing ") {
        let template_name = &rest[..idx];
        let after = &rest[idx + ": executing ".len()..];
        if let Some(after_quote) = after.strip_prefix('"')
            && let Some(end_quote) = after_quote.find('"')
        {
            let function = &after_quote[..end_quote];
            let after_func = &after_quote[end_quote + 1..];
            if let Some(after_at) = after_func.strip_prefix(" at <")
                && let Some(end_loc) = after_at.find(">: ")
            {
                let location = &after_at[..end_loc];
                let message = cut_template(&after_at[end_loc + 3..]);
                return Some(Trace {
                    location: template_name.to_string(),
                    message: message.to_string(),
                    function: format!("executing \"{function}\" at <{location}>:"),
                });
            }
        }
        return None;
    }
    let sep = rest.rfind(": ")?;
    Some(Trace {
        location: rest[..sep].to_string(),
        message: cut_template(&rest[sep + 2..]).to_string(),
        function: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::parser::parse;

    /// Templates large enough to be parsed on two threads, with a broken one in each half.
    fn large_texts(broken: &[usize]) -> Vec<(String, String)> {
        (0..40)
            .map(|i| {
                let body: String = (0..40)
                    .map(|j| format!("{{{{ define \"t{i}-{j}\" }}}}{{{{ .Values.a | default \"x\" | quote }}}}{{{{ end }}}}\n"))
                    .collect();
                let text = if broken.contains(&i) { format!("{body}{{{{ if }}}}") } else { body };
                (format!("chart/templates/t{i:02}.yaml"), text)
            })
            .collect()
    }

    fn parse_on_one_thread(texts: &[(&str, &str)]) -> Vec<Result<Vec<Tree>, ParseError>> {
        texts.iter().map(|(name, text)| parse(name, text, &crate::funcs::is_helm_function)).collect()
    }

    fn sources<'a>(texts: &'a [(&str, &str)]) -> Vec<Source<'a>> {
        texts
            .iter()
            .map(|(name, text)| Source {
                name: name.to_string(),
                data: std::borrow::Cow::Owned(Arc::new(text.as_bytes().to_vec())),
            })
            .collect()
    }

    #[test]
    fn templates_parse_alike_on_two_threads_and_one() {
        let owned = large_texts(&[3, 31]);
        let texts: Vec<(&str, &str)> = owned.iter().map(|(n, t)| (n.as_str(), t.as_str())).collect();
        // This thread has other work first: the helper takes more of the files.
        let (first, parallel) = parse_templates(None, &sources(&texts), || {
            std::thread::sleep(std::time::Duration::from_millis(5));
            "prepared"
        });
        assert_eq!(first, "prepared");
        let sequential = parse_on_one_thread(&texts);
        assert_eq!(format!("{parallel:?}"), format!("{sequential:?}"));
        let failed: Vec<usize> =
            parallel.iter().enumerate().filter(|(_, r)| r.is_err()).map(|(i, _)| i).collect();
        assert_eq!(failed, [3, 31]);
    }

    /// A chart directory named `chart` holding `templates` (named `chart/templates/...`).
    fn chart_dir(templates: &[(String, String)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("Chart.yaml"), "apiVersion: v2\nname: chart\nversion: 1.0.0\n")
            .unwrap();
        std::fs::create_dir(dir.path().join("templates")).unwrap();
        for (name, text) in templates {
            std::fs::write(dir.path().join(name.trim_start_matches("chart/")), text).unwrap();
        }
        dir
    }

    #[test]
    fn templates_parsed_while_the_chart_loads_come_out_as_parsed_at_rendering() {
        let mut owned = large_texts(&[7]);
        // Named like the file under the name it is read by: parsed again under its own.
        owned.push((
            "chart/templates/self.yaml".into(),
            "{{ define \"templates/self.yaml\" }}a{{ end }}b {{ template \"templates/self.yaml\" }}".into(),
        ));
        let dir = chart_dir(&owned);
        let chart = crate::helm::chart::load_chart(dir.path()).unwrap();
        let mut found = Vec::new();
        template_sources(&chart, true, "", &mut found);
        found.sort_by_cached_key(|source| parse_order(&source.name));
        let owned: Vec<(&str, std::borrow::Cow<'_, str>)> =
            found.iter().map(|s| (s.name.as_str(), s.text())).collect();
        let texts: Vec<(&str, &str)> = owned.iter().map(|(name, text)| (*name, &**text)).collect();
        assert_eq!(texts.len(), owned.len());
        // Give the helper time to parse everything under the names the walk read.
        std::thread::sleep(std::time::Duration::from_millis(50));
        let (_, ahead) = parse_templates(chart.ahead.as_ref(), &found, || ());
        assert_eq!(format!("{ahead:?}"), format!("{:?}", parse_on_one_thread(&texts)));
        // Taken once: a second rendering of the same chart parses again, alike.
        let (_, again) = parse_templates(chart.ahead.as_ref(), &found, || ());
        assert_eq!(format!("{again:?}"), format!("{ahead:?}"));
    }

    #[test]
    fn files_with_the_same_text_parse_once_and_keep_their_own_names() {
        let body = "{{ define \"lib.name\" }}{{ .Values.a }}{{ end }}x: {{ fail \"no\" }}\n";
        let own_name = "{{ define \"c/charts/b/templates/_x.tpl\" }}{{ end }}y\n";
        let defines_f = "{{ define \"c/charts/f/templates/_y.tpl\" }}{{ end }}z\n";
        let texts = [
            ("c/charts/a/templates/_x.tpl", body),
            ("c/charts/b/templates/_x.tpl", own_name),
            ("c/charts/c/templates/_x.tpl", body),
            ("c/charts/d/templates/_x.tpl", own_name),
            ("c/charts/e/templates/_y.tpl", defines_f),
            ("c/charts/f/templates/_y.tpl", defines_f),
            ("c/templates/broken.yaml", "{{ if }}"),
            ("c/templates/broken-too.yaml", "{{ if }}"),
        ];
        let once = parse_files(&texts);
        let each = parse_on_one_thread(&texts);
        assert_eq!(format!("{once:?}"), format!("{each:?}"));
        let shared = |at: usize| {
            once[at].as_ref().unwrap().iter().find(|t| t.name == texts[at].0).unwrap().root.clone()
        };
        assert!(std::sync::Arc::ptr_eq(&shared(0), &shared(2)));
        // A file defining a template named like another file with its text is parsed again.
        assert!(!std::sync::Arc::ptr_eq(&shared(1), &shared(3)));
    }

    /// Twelve templates `t00` .. `t11` (executed from `t11` down: helm's order), each
    /// printing `shown`, with `first` and `second` prepended to two of them.
    fn twelve_templates(shown: &str, extra: &[(usize, &str)]) -> Vec<(String, String)> {
        (0..12)
            .map(|i| {
                let before: String = extra.iter().filter(|(at, _)| *at == i).map(|(_, t)| *t).collect();
                (format!("chart/templates/t{i:02}.yaml"), format!("{before}t{i:02}: {shown}\n"))
            })
            .collect()
    }

    /// What each template printed, by name (`t00: x` gives `("t00", "x")`), from the
    /// output of `helm template`.
    fn printed(output: &str) -> Vec<(String, String)> {
        let mut lines: Vec<(String, String)> = output
            .lines()
            .filter_map(|line| line.split_once(": "))
            .filter(|(name, _)| name.starts_with('t'))
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect();
        lines.sort();
        lines
    }

    /// Slow enough that the other thread executes templates meanwhile.
    const BUSY: &str = "{{ range until 20000 }}{{ end }}";

    #[test]
    fn a_value_set_by_an_early_template_reaches_every_later_one() {
        // t11 executes first and sets a scalar: the helper, which started from the back
        // meanwhile, makes the same change and executes its templates again.
        let templates = twelve_templates(
            &format!("{BUSY}{{{{ .Values.x | default \"none\" }}}}"),
            &[(11, &format!("{BUSY}{{{{ $_ := set .Values \"x\" \"changed\" }}}}"))],
        );
        let dir = chart_dir(&templates);
        for _ in 0..3 {
            let output = helm_template(dir.path(), &Map::default(), &RenderOptions::default()).unwrap();
            let printed = printed(&output);
            assert_eq!(printed.len(), 12, "{output}");
            assert!(printed.iter().all(|(_, value)| value == "changed"), "{printed:?}");
        }
    }

    #[test]
    fn a_key_deleted_or_a_map_stored_early_is_seen_by_every_later_template() {
        let dir = chart_dir(&twelve_templates(
            "{{ .Values.k | default \"gone\" }} {{ with .Values.m }}{{ .a }}{{ else }}none{{ end }}",
            &[
                (11, "{{ $_ := unset .Values \"k\" }}"),
                (10, &format!("{BUSY}{{{{ $_ := set .Values \"m\" (dict \"a\" \"b\") }}}}")),
            ],
        ));
        std::fs::write(dir.path().join("values.yaml"), "k: kept\n").unwrap();
        let output = helm_template(dir.path(), &Map::default(), &RenderOptions::default()).unwrap();
        let printed = printed(&output);
        assert_eq!(printed.len(), 12, "{output}");
        for (name, value) in printed {
            // t11 runs before t10 stores the map.
            let expected = if name == "t11" { "gone none" } else { "gone b" };
            assert_eq!(value, expected, "{name}");
        }
    }

    #[test]
    fn a_value_set_by_a_late_template_reaches_only_the_templates_after_it() {
        // t01 is executed second to last, most likely by the helper, after t00.
        let dir = chart_dir(&twelve_templates(
            "{{ .Values.y | default \"none\" }}",
            &[(1, "{{ $_ := set .Values \"y\" \"late\" }}"), (11, BUSY)],
        ));
        let output = helm_template(dir.path(), &Map::default(), &RenderOptions::default()).unwrap();
        let printed = printed(&output);
        assert_eq!(printed.len(), 12, "{output}");
        for (name, value) in printed {
            let expected = if name == "t00" || name == "t01" { "late" } else { "none" };
            assert_eq!(value, expected, "{name}");
        }
    }

    #[test]
    fn the_first_template_to_fail_in_execution_order_is_reported() {
        // t02 fails at once on the helper; t09 fails later on this thread, and comes first.
        let dir = chart_dir(&twelve_templates(
            "x",
            &[(2, "{{ fail \"late one\" }}"), (9, &format!("{BUSY}{{{{ fail \"early one\" }}}}"))],
        ));
        for _ in 0..3 {
            let err = helm_template(dir.path(), &Map::default(), &RenderOptions::default()).unwrap_err();
            assert!(err.to_string().contains("early one"), "{err}");
        }
        // t00 fails on the helper before t11 sets what it needs: not a failure.
        let dir = chart_dir(&twelve_templates(
            "x",
            &[
                (0, "{{ if not .Values.x }}{{ fail \"too soon\" }}{{ end }}"),
                (11, &format!("{BUSY}{{{{ $_ := set .Values \"x\" \"set\" }}}}")),
            ],
        ));
        for _ in 0..3 {
            let output = helm_template(dir.path(), &Map::default(), &RenderOptions::default()).unwrap();
            assert_eq!(printed(&output).len(), 12, "{output}");
        }
        let dir = chart_dir(&twelve_templates("x", &[(2, "{{ fail \"only one\" }}")]));
        let err = helm_template(dir.path(), &Map::default(), &RenderOptions::default()).unwrap_err();
        assert!(err.to_string().contains("t02.yaml") && err.to_string().contains("only one"), "{err}");
    }

    #[test]
    fn seeded_passwords_kept_in_values_are_the_same_in_every_template() {
        // Bitnami's redis pattern: the first template to need the password makes it and
        // stores it; the others take the stored one.
        let make =
            "{{ if not .Values.password }}{{ $_ := set .Values \"password\" (randAlphaNum 10) }}{{ end }}";
        let dir = chart_dir(&twelve_templates(&format!("{make}{{{{ .Values.password }}}}"), &[(11, BUSY)]));
        let opts = RenderOptions { seed: Some([7; 32]), ..RenderOptions::default() };
        let output = helm_template(dir.path(), &Map::default(), &opts).unwrap();
        let printed = printed(&output);
        assert_eq!(printed.len(), 12, "{output}");
        assert!(printed.iter().all(|(_, value)| value.len() == 10 && *value == printed[0].1), "{printed:?}");
        assert_eq!(helm_template(dir.path(), &Map::default(), &opts).unwrap(), output);
        // Without a seed too, every template shows the one password made.
        let output = helm_template(dir.path(), &Map::default(), &RenderOptions::default()).unwrap();
        let unseeded = super::tests::printed(&output);
        assert!(unseeded.iter().all(|(_, value)| *value == unseeded[0].1), "{unseeded:?}");
    }

    #[test]
    fn the_first_broken_template_in_parse_order_is_reported() {
        let dir = chart_dir(&large_texts(&[5, 30]));
        let err = helm_template(dir.path(), &Map::default(), &RenderOptions::default()).unwrap_err();
        // Helm parses in reverse lexical order: t30 comes before t05.
        assert!(err.to_string().contains("chart/templates/t30.yaml:41"), "{err}");
    }

    #[test]
    fn kube_versions() {
        let k = parse_kube_version("1.29").unwrap();
        assert_eq!((k.version.as_str(), k.normalized.as_str(), k.minor.as_str()), ("v1.29", "v1.29", "29"));
        let k = parse_kube_version("v1.33.4-gke.1").unwrap();
        assert_eq!((k.version.as_str(), k.normalized.as_str()), ("v1.33.4-gke.1", "v1.33.4"));
        assert!(parse_kube_version("x").is_err());
    }

    #[test]
    fn parse_order_is_deeper_first_then_reverse() {
        let mut names =
            ["c/templates/_a.tpl", "c/templates/_b.tpl", "c/templates/sub/_c.tpl", "c/templates/z.yaml"];
        names.sort_by_cached_key(|name| parse_order(name));
        assert_eq!(
            names,
            ["c/templates/sub/_c.tpl", "c/templates/z.yaml", "c/templates/_b.tpl", "c/templates/_a.tpl"]
        );
    }
}
