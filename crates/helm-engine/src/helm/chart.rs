//! Charts as Helm loads them: a directory (with `.helmignore` applied) is read into memory,
//! then classified by name: `Chart.yaml`, `values.yaml`, `values.schema.json`,
//! `templates/...`, `charts/<sub>/...` (subcharts, recursively) and everything else, which
//! templates see as `.Files` (and which is read when first asked for: see
//! [`FileData`]). Values files and templates are parsed on a helper thread as they are read
//! (see [`Ahead`]).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::ahead::{Ahead, Contents};
use super::chart_yaml::{self, RawMetadata};
use super::contents::{FileData, without_bom};
use super::ignore::IgnoreRules;
use crate::value::{Map, Value};

/// A file of a chart.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct LoadedChartFile {
    /// Path relative to the chart, with `/`.
    pub(crate) name: String,
    /// Contents, shared: the renderer works on a copy of the chart, and the files need not
    /// be copied with it.
    pub(crate) data: FileData,
}

/// A maintainer in Chart.yaml.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Maintainer {
    /// `name`
    pub(crate) name: String,
    /// `email`
    pub(crate) email: String,
    /// `url`
    pub(crate) url: String,
}

/// A dependency in Chart.yaml.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Dependency {
    /// `name`
    pub(crate) name: String,
    /// `version` (a constraint the subchart's version must meet)
    pub(crate) version: String,
    /// `repository`
    pub(crate) repository: String,
    /// `condition`: comma-separated value paths, the first boolean one decides.
    pub(crate) condition: String,
    /// `tags`
    pub(crate) tags: Vec<String>,
    /// `enabled` (set while processing conditions and tags).
    pub(crate) enabled: bool,
    /// `import-values`
    pub(crate) import_values: Vec<Value>,
    /// `alias`
    pub(crate) alias: String,
}

/// Chart.yaml.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct Metadata {
    /// `name`
    pub(crate) name: String,
    /// `home`
    pub(crate) home: String,
    /// `sources`
    pub(crate) sources: Vec<String>,
    /// `version`
    pub(crate) version: String,
    /// `description`
    pub(crate) description: String,
    /// `keywords`
    pub(crate) keywords: Vec<String>,
    /// `maintainers`
    pub(crate) maintainers: Vec<Maintainer>,
    /// `icon`
    pub(crate) icon: String,
    /// `apiVersion`
    pub(crate) api_version: String,
    /// `condition`
    pub(crate) condition: String,
    /// `tags`
    pub(crate) tags: String,
    /// `appVersion`
    pub(crate) app_version: String,
    /// `deprecated`
    pub(crate) deprecated: bool,
    /// `annotations` (None when absent, which Go prints as an empty map too).
    pub(crate) annotations: Option<BTreeMap<String, String>>,
    /// `kubeVersion`
    pub(crate) kube_version: String,
    /// `dependencies`
    pub(crate) dependencies: Vec<Dependency>,
    /// `type`
    pub(crate) chart_type: String,
    /// Whether `maintainers` held a `null` item (which the checks refuse).
    pub(crate) null_maintainer: bool,
    /// Where `dependencies` held its first `null` item (which the checks refuse).
    pub(crate) null_dependency: Option<usize>,
}

/// A loaded chart: Chart.yaml, values, schema, templates, other files and subcharts, as
/// Helm holds it in memory. Load one with [`load_chart`] and render it with
/// [`render_chart`](crate::render_chart).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Chart {
    /// Chart.yaml.
    pub(crate) metadata: Metadata,
    /// values.yaml (all documents merged).
    pub(crate) values: Map,
    /// values.schema.json, if present.
    pub(crate) schema: Option<Arc<Vec<u8>>>,
    /// Files under `templates/`.
    pub(crate) templates: Vec<LoadedChartFile>,
    /// Every other file (what `.Files` shows).
    pub(crate) files: Vec<LoadedChartFile>,
    /// Subcharts.
    pub(crate) dependencies: Vec<Chart>,
    /// What loading noticed without failing: symbolic links followed, a deprecated chart.
    pub(crate) warnings: Vec<String>,
    /// The values files and templates of the chart and its subcharts parsed while it loaded
    /// (on the chart that was loaded, not on its subcharts).
    pub(crate) ahead: Option<Ahead>,
    /// The loader its Chart.yaml chose.
    pub(crate) loader: Loader,
}

impl Chart {
    /// The chart's name.
    pub fn name(&self) -> &str {
        &self.metadata.name
    }

    /// What loading noticed without failing, one sentence each: every symbolic link it
    /// followed (Helm logs the same), and that the chart is deprecated. A command-line
    /// program prints them on standard error.
    pub fn warnings(&self) -> &[String] {
        &self.warnings
    }

    /// Why a file of the chart or of a subchart that was read on first use could not be
    /// (see [`FileData`]): the error loading it with Helm would have given.
    pub(crate) fn read_failure(&self) -> Option<&str> {
        self.files
            .iter()
            .chain(&self.templates)
            .find_map(|file| file.data.read_failure())
            .or_else(|| self.dependencies.iter().find_map(Chart::read_failure))
    }

    /// Whether it is a library chart (only its partials are used).
    pub(crate) fn is_library(&self) -> bool {
        self.metadata.chart_type.eq_ignore_ascii_case("library")
    }
}

/// A chart that cannot be loaded; the texts are Helm's.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChartLoadError {
    /// Reading the directory failed.
    #[error("{0}")]
    Io(String),
    /// The chart directory has no Chart.yaml.
    #[error("unable to detect chart at {path}: open {path}: no such file or directory")]
    NoChartYaml {
        /// Chart.yaml's absolute path.
        path: String,
    },
    /// The chart archive has no Chart.yaml.
    #[error("unable to detect chart version, no Chart.yaml found")]
    NoChartYamlInArchive,
    /// Chart.yaml's `apiVersion` is none of `v1`, `v2` and `v3`.
    #[error("unsupported chart version")]
    UnsupportedApiVersion,
    /// Chart.yaml is missing (in a subchart).
    #[error("Chart.yaml file is missing")]
    MissingChartYaml,
    /// Chart.yaml cannot be read.
    #[error("cannot load Chart.yaml: {0}")]
    ChartYaml(String),
    /// `requirements.yaml`, `Chart.lock` or `requirements.lock` cannot be read.
    #[error("cannot load {file}: {reason}")]
    OtherChartFile {
        /// The file's name.
        file: &'static str,
        /// Why, in Helm's words.
        reason: String,
    },
    /// values.yaml cannot be read.
    #[error("cannot load values.yaml: {0}")]
    ValuesYaml(String),
    /// Chart.yaml breaks a rule.
    #[error("validation: {0}")]
    Validation(String),
    /// A subchart failed to load.
    #[error("error unpacking subchart {name} in {parent}: {source}")]
    Subchart {
        /// The subchart's directory or archive name.
        name: String,
        /// The parent chart's name.
        parent: String,
        /// Why.
        source: Box<ChartLoadError>,
    },
    /// `charts/<name>.tgz` is a directory rather than an archive.
    #[error("error unpacking subchart tar in {parent}: expected {expected}, got {got}")]
    SubchartArchiveName {
        /// The parent chart's name.
        parent: String,
        /// The archive's name.
        expected: String,
        /// The first file found under that name.
        got: String,
    },
    /// A file given as the chart is not a gzip archive (a values file given by mistake, for
    /// example).
    #[error("{0}")]
    NotAnArchive(String),
    /// The chart archive is refused: a path leads out of the chart, it is too large, or it
    /// is damaged. helm 4 prints only `unable to load chart archive`; the reason is the one
    /// helm 3 (and helm 4 for a subchart archive) gives.
    #[error("unable to load chart archive: {0}")]
    Archive(String),
    /// A subchart archive is refused; the text is Helm's reason.
    #[error("{0}")]
    ArchiveContent(String),
    /// `.helmignore` has a bad rule.
    #[error("{0}")]
    HelmIgnore(String),
}

/// Loads a chart as `helm template CHART` does: a chart directory (with `.helmignore`
/// applied, symbolic links followed) or a chart archive (`chart-1.0.0.tgz`). Subcharts
/// under `charts/` may be directories or archives.
///
/// Symbolic links are followed wherever they point, as Helm follows them, even outside the
/// chart; each one found is reported in [`Chart::warnings`].
pub fn load_chart(path: &Path) -> Result<Chart, ChartLoadError> {
    let meta = std::fs::metadata(path).map_err(|e| ChartLoadError::Io(io_text(path, &e)))?;
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    if !meta.is_dir() {
        let unreadable = |e: std::io::Error| ChartLoadError::Io(io_text(path, &e));
        let mut file = std::fs::File::open(path).map_err(unreadable)?;
        // Helm sniffs the first 512 bytes; the rest is read only as far as the archive's
        // entries reach, so a large file that is no archive is refused at once.
        let mut head = Vec::with_capacity(512);
        std::io::Read::read_to_end(&mut std::io::Read::take(&mut file, 512), &mut head)
            .map_err(unreadable)?;
        return load_archive_stream(&absolute.display().to_string(), &head, file);
    }
    let mut chart = load_directory(&absolute)?;
    if chart.metadata.deprecated {
        chart.warnings.push("this chart is deprecated".into());
    }
    Ok(chart)
}

/// Loads a chart archive read from `name` (a path or an address, named in the error when
/// the bytes are not an archive), as [`load_chart`] loads a chart archive.
pub fn load_chart_file(name: &str, data: &[u8]) -> Result<Chart, ChartLoadError> {
    load_archive_stream(name, data, std::io::empty())
}

/// [`load_chart_file`] of an archive whose first bytes are `head` and the rest still to be
/// read from `rest`.
fn load_archive_stream(name: &str, head: &[u8], rest: impl std::io::Read) -> Result<Chart, ChartLoadError> {
    super::archive::ensure_archive(name, head).map_err(ChartLoadError::NotAnArchive)?;
    let mut chart = archive_chart(std::io::Read::chain(head, rest))?;
    if chart.metadata.deprecated {
        chart.warnings.push("this chart is deprecated".into());
    }
    Ok(chart)
}

/// Loads a chart from the bytes of a chart archive (a gzip-compressed tar with the chart in
/// one top directory), with Helm's checks on the paths and sizes inside.
pub fn load_chart_archive(data: &[u8]) -> Result<Chart, ChartLoadError> {
    archive_chart(data)
}

fn archive_chart(data: impl std::io::Read) -> Result<Chart, ChartLoadError> {
    let files =
        super::archive::load_archive_files(data).map_err(|e| ChartLoadError::Archive(e.to_string()))?;
    let chart_yaml =
        files.iter().find(|f| f.name == "Chart.yaml").ok_or(ChartLoadError::NoChartYamlInArchive)?;
    let loader = check_api_version(loaded(chart_yaml)?)?;
    load_files(files, loader)
}

/// Which of Helm 4's loaders reads a chart.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum Loader {
    /// Charts of `apiVersion` v1 and v2.
    #[default]
    V2,
    /// Charts of `apiVersion` v3, which Helm 4 loads and then refuses to render; its loader
    /// knows nothing of v1's `requirements.yaml` and `requirements.lock`.
    V3,
}

/// Helm reads a chart's `apiVersion` before anything else, to choose its loader.
fn check_api_version(chart_yaml: &[u8]) -> Result<Loader, ChartLoadError> {
    match chart_yaml::api_version(chart_yaml).map_err(ChartLoadError::ChartYaml)?.as_str() {
        "" | "v1" | "v2" => Ok(Loader::V2),
        "v3" => Ok(Loader::V3),
        _ => Err(ChartLoadError::UnsupportedApiVersion),
    }
}

fn load_directory(dir: &Path) -> Result<Chart, ChartLoadError> {
    load_directory_with(dir, None)
}

/// [`load_directory`], with the chart archives directly under `charts/` replaced by
/// `subcharts` (files named `charts/...`) when given: the folder as `helm dependency update`
/// would leave it, without writing to it.
pub(crate) fn load_directory_with(
    dir: &Path,
    subcharts: Option<Vec<LoadedChartFile>>,
) -> Result<Chart, ChartLoadError> {
    let ahead = Ahead::default();
    let _closing = Closing(&ahead);
    let (mut files, warnings, loader) = walk_folder(dir, &ahead, |rules| {
        // The walk goes in name order and meets `values.yaml` last, though reading it is
        // most of the work of loading a large chart: a large one is read first, for the
        // helper to parse while the walk goes on. The walk still reads it as Helm does, and
        // takes the helper's values when it finds the same bytes.
        if !rules.ignore("values.yaml", false)
            && let Some(data) = read_large_file(&dir.join("values.yaml"))
        {
            ahead.offer_values(Contents::of(&data));
        }
    })?;
    if let Some(subcharts) = subcharts {
        files.retain(|f| {
            let archive_in_charts = f
                .name
                .strip_prefix("charts/")
                .is_some_and(|rest| !rest.contains('/') && rest.ends_with(".tgz"));
            !archive_in_charts
        });
        files.extend(subcharts);
    }
    let mut chart = load_files_with(files, &ahead, loader)?;
    // The walk's warnings come before those of reading the files, as in Helm.
    chart.warnings.splice(0..0, warnings);
    chart.ahead = Some(ahead.clone());
    Ok(chart)
}

/// The files of the chart folder `dir` as a chart loads them (`.helmignore` applied), with
/// `prefix` before each name.
pub(crate) fn directory_files(dir: &Path, prefix: &str) -> Result<Vec<LoadedChartFile>, ChartLoadError> {
    let ahead = Ahead::default();
    let _closing = Closing(&ahead);
    let (mut files, _, _) = walk_folder(dir, &ahead, |_| {})?;
    for file in &mut files {
        file.name.insert_str(0, prefix);
    }
    Ok(files)
}

/// The files of the chart folder `dir` and what the walk noticed (symbolic links), its
/// Chart.yaml checked first and its `.helmignore` applied; `before_walk` sees the ignore
/// rules before the walk starts.
fn walk_folder(
    dir: &Path,
    ahead: &Ahead,
    before_walk: impl FnOnce(&IgnoreRules),
) -> Result<(Vec<LoadedChartFile>, Vec<String>, Loader), ChartLoadError> {
    let chart_yaml = dir.join("Chart.yaml");
    // Bounded: the walk would refuse a larger Chart.yaml anyway, but only after reading it.
    let max = super::archive::MAX_FILE_SIZE;
    let loader = match super::read_within(&chart_yaml, max) {
        Ok(data) => check_api_version(&data)?,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(ChartLoadError::NoChartYaml { path: chart_yaml.display().to_string() });
        }
        Err(e) if e.kind() == std::io::ErrorKind::FileTooLarge => return Err(file_too_large("Chart.yaml")),
        Err(e) => return Err(ChartLoadError::Io(io_text(&chart_yaml, &e))),
    };
    let rules = match super::read_within(&dir.join(".helmignore"), max) {
        Ok(bytes) => IgnoreRules::parse(&String::from_utf8_lossy(&bytes))?,
        Err(_) => IgnoreRules::default(),
    }
    .with_defaults();
    let root = std::fs::canonicalize(dir).map_err(|e| ChartLoadError::Io(io_text(dir, &e)))?;
    before_walk(&rules);
    let mut walk = Walk { rules, root: root.clone(), files: Vec::new(), warnings: Vec::new(), ahead };
    walk.dir(dir, &root, "")?;
    Ok((walk.files, walk.warnings, loader))
}

/// Closes an [`Ahead`] when the load is over, however it ends.
struct Closing<'a>(&'a Ahead);

impl Drop for Closing<'_> {
    fn drop(&mut self) {
        self.0.close();
    }
}

/// The contents of the regular file at `path` when it is large enough to be worth parsing
/// on a helper thread (and no larger than a chart file may be).
fn read_large_file(path: &Path) -> Option<Arc<Vec<u8>>> {
    const FROM_SIZE: u64 = 32 << 10;
    let meta = std::fs::metadata(path).ok()?;
    if !meta.is_file() || meta.len() < FROM_SIZE || meta.len() > super::archive::MAX_FILE_SIZE {
        return None;
    }
    Some(Arc::new(without_bom(std::fs::read(path).ok()?)))
}

/// Helm's refusal of a chart file larger than it reads; `base` is the file's own name.
fn file_too_large(base: &str) -> ChartLoadError {
    ChartLoadError::Io(format!(
        "chart file {} is larger than the maximum file size {}",
        crate::strconv::quote(base),
        super::archive::MAX_FILE_SIZE
    ))
}

fn io_text(path: &Path, e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => format!("stat {}: {}", path.display(), super::go_os_reason(e)),
        _ => format!("{}: {}", path.display(), super::go_os_reason(e)),
    }
}

/// Why the links on `path` lead nowhere, in Go's words: `filepath.EvalSymlinks` walks the
/// path a name at a time, following each link where it stands (`..` removes the name before
/// it), and names the first path that is not there (`lstat /a/b: no such file or
/// directory`), or a file with names after it (`not a directory`).
fn why_links_fail(path: &Path) -> String {
    let mut rest = path.to_string_lossy().into_owned();
    let mut root = if rest.starts_with('/') { "/" } else { "" };
    let mut resolved = root.to_string();
    let mut links = 0;
    let mut start = 0;
    while start < rest.len() {
        let name_start = start + rest[start..].len() - rest[start..].trim_start_matches('/').len();
        let name_end = rest[name_start..].find('/').map_or(rest.len(), |at| name_start + at);
        start = name_end;
        let name = &rest[name_start..name_end];
        match name {
            "" => break,
            "." => continue,
            ".." => {
                // Go keeps a `..` it cannot remove a name for (`/a/..`, `../..`).
                match resolved[root.len()..].rfind('/').map(|at| at + root.len()) {
                    Some(at) if &resolved[at + 1..] != ".." => resolved.truncate(at),
                    _ => {
                        if resolved.len() > root.len() {
                            resolved.push('/');
                        }
                        resolved.push_str("..");
                    }
                }
                continue;
            }
            _ => {}
        }
        if !resolved.is_empty() && !resolved.ends_with('/') {
            resolved.push('/');
        }
        resolved.push_str(name);
        let meta = match std::fs::symlink_metadata(&resolved) {
            Ok(meta) => meta,
            Err(e) => return format!("lstat {resolved}: {}", super::go_os_reason(&e)),
        };
        if !meta.file_type().is_symlink() {
            if !meta.is_dir() && name_end < rest.len() {
                return "not a directory".into();
            }
            continue;
        }
        links += 1;
        if links > 255 {
            return "EvalSymlinks: too many links".into();
        }
        let target = match std::fs::read_link(&resolved) {
            Ok(target) => target.to_string_lossy().into_owned(),
            Err(e) => return format!("readlink {resolved}: {}", super::go_os_reason(&e)),
        };
        rest = format!("{target}{}", &rest[name_end..]);
        start = 0;
        if target.starts_with('/') {
            root = "/";
            resolved = "/".into();
        } else {
            match resolved.rfind('/').filter(|&at| at >= root.len()) {
                Some(at) => resolved.truncate(at),
                None => resolved.truncate(root.len()),
            }
        }
    }
    // Every name resolved after all (the path changed meanwhile): the system's reason.
    std::fs::canonicalize(path).err().map_or_else(String::new, |e| super::go_os_reason(&e))
}

/// A walk through a chart directory in Helm's order (sorted names, symbolic links
/// followed), collecting the files `.helmignore` keeps.
struct Walk<'a> {
    rules: IgnoreRules,
    /// The chart directory with every link resolved, to tell links leaving it.
    root: PathBuf,
    files: Vec<LoadedChartFile>,
    warnings: Vec<String>,
    /// Where values files and templates are parsed as they are read.
    ahead: &'a Ahead,
}

impl Walk<'_> {
    /// Walks `dir` (as the chart names it), whose real location is `real` (links resolved),
    /// holding the files named `prefix/...` in the chart.
    fn dir(&mut self, dir: &Path, real: &Path, prefix: &str) -> Result<(), ChartLoadError> {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| ChartLoadError::Io(io_text(dir, &e)))?
            .filter_map(Result::ok)
            .map(|e| (e.file_name(), e))
            .collect();
        // In the order of the names' bytes, as Go sorts them.
        entries.sort_by(|(a, _), (b, _)| a.cmp(b));
        for (file_name, entry) in entries {
            // A name that is not UTF-8 is shown with U+FFFD in its place (Go keeps the
            // bytes); the file is still read under its own name.
            let name = file_name.to_string_lossy();
            let rel = if prefix.is_empty() { name.to_string() } else { format!("{prefix}/{name}") };
            let path = dir.join(&file_name);
            // The directory listing tells an entry's type on most file systems, without a
            // call to the kernel per entry; the size of a file is read once it is open.
            let link_type = match entry.file_type() {
                Ok(file_type) => file_type,
                Err(_) => std::fs::symlink_metadata(&path)
                    .map_err(|e| ChartLoadError::Io(io_text(&path, &e)))?
                    .file_type(),
            };
            let (file_type, real_path) = if link_type.is_symlink() {
                let resolved = self.resolve_link(&path)?;
                let meta =
                    std::fs::metadata(&resolved).map_err(|e| ChartLoadError::Io(io_text(&resolved, &e)))?;
                (meta.file_type(), resolved)
            } else {
                (link_type, real.join(&file_name))
            };
            if file_type.is_dir() {
                if self.rules.ignore(&rel, true) {
                    continue;
                }
                if real.starts_with(&real_path) {
                    return Err(ChartLoadError::Io(format!(
                        "symbolic link {} leads to a directory that contains it",
                        path.display()
                    )));
                }
                self.dir(&path, &real_path, &rel)?;
                continue;
            }
            if self.rules.ignore(&rel, false) {
                continue;
            }
            if !file_type.is_file() {
                return Err(ChartLoadError::Io(format!(
                    "cannot load irregular file {} as it has file mode type bits set",
                    path.display()
                )));
            }
            let reading_error = |e: std::io::Error| ChartLoadError::Io(format!("error reading {rel}: {e}"));
            // Helm checks the size before it reads: a file it cannot open is measured apart.
            let opened = std::fs::File::open(&path);
            let size = match &opened {
                Ok(file) => file.metadata(),
                Err(_) => std::fs::metadata(&path),
            }
            .map_err(reading_error)?
            .len();
            if size > super::archive::MAX_FILE_SIZE {
                let base =
                    real_path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
                return Err(file_too_large(&base));
            }
            let file = opened.map_err(reading_error)?;
            let role = Role::of(&rel);
            let data = if role == Role::Deferred {
                FileData::deferred(path, rel.clone())
            } else {
                let mut data = Vec::with_capacity(usize::try_from(size).unwrap_or(0));
                // Through `take`: a `File` would ask the kernel for its size again.
                std::io::Read::read_to_end(&mut std::io::Read::take(file, u64::MAX), &mut data)
                    .map_err(reading_error)?;
                FileData::read(data)
            };
            let file = LoadedChartFile { name: rel, data };
            file.offer(role, self.ahead);
            self.files.push(file);
        }
        Ok(())
    }

    /// Where a symbolic link leads, with Helm's warning (and a word when it leaves the chart).
    fn resolve_link(&mut self, path: &Path) -> Result<PathBuf, ChartLoadError> {
        let resolved = std::fs::canonicalize(path).map_err(|_| {
            ChartLoadError::Io(format!(
                "error evaluating symlink {}: {}",
                path.display(),
                why_links_fail(path)
            ))
        })?;
        let outside = if resolved.starts_with(&self.root) { "" } else { " (outside the chart)" };
        self.warnings.push(format!(
            "found symbolic link in path: {} resolves to {}{outside}. Contents of linked file included and used",
            path.display(),
            resolved.display()
        ));
        Ok(resolved)
    }
}

/// What loading a chart does with a file, by its path in the chart.
#[derive(Clone, Copy, PartialEq)]
enum Role {
    /// A chart's or a subchart's `values.yaml`: read and parsed.
    Values,
    /// A chart's or a subchart's template: read, and parsed for rendering.
    Template,
    /// Read by the loader: Chart.yaml, the schema and lock files of a chart or subchart,
    /// and what lies directly under a `charts/` (subchart archives).
    Read,
    /// Read when asked for (see [`FileData`]).
    Deferred,
}

impl Role {
    fn of(path: &str) -> Role {
        let mut name = path;
        while let Some(rest) = name.strip_prefix("charts/") {
            match rest.split_once('/') {
                Some((_, in_subchart)) => name = in_subchart,
                None => return Role::Read,
            }
        }
        match name {
            "values.yaml" => Role::Values,
            "Chart.yaml" | "Chart.lock" | "requirements.yaml" | "requirements.lock"
            | "values.schema.json" => Role::Read,
            _ if name.starts_with("templates/") => Role::Template,
            _ => Role::Deferred,
        }
    }
}

impl LoadedChartFile {
    /// Hands the file to `ahead` to parse if its role is to be parsed.
    fn offer(&self, role: Role, ahead: &Ahead) {
        let FileData::Read(data) = &self.data else { return };
        match role {
            Role::Values => ahead.offer_values(Contents::of(data)),
            Role::Template => ahead.offer_template(&self.name, Contents::of(data)),
            Role::Read | Role::Deferred => {}
        }
    }
}

/// The contents of a file the loader reads.
fn loaded(file: &LoadedChartFile) -> Result<&Arc<Vec<u8>>, ChartLoadError> {
    file.data.bytes().map_err(|e| ChartLoadError::Io(e.to_string()))
}

/// Classifies in-memory files into a chart (Helm's `LoadFiles`), their values files and
/// templates parsed on a helper thread while they are classified (see [`Ahead`]).
pub(crate) fn load_files(files: Vec<LoadedChartFile>, loader: Loader) -> Result<Chart, ChartLoadError> {
    let ahead = Ahead::default();
    let _closing = Closing(&ahead);
    offer_all(&files, &ahead);
    let mut chart = load_files_with(files, &ahead, loader)?;
    chart.ahead = Some(ahead.clone());
    Ok(chart)
}

/// Hands every values file and template among `files` to `ahead`.
fn offer_all(files: &[LoadedChartFile], ahead: &Ahead) {
    for file in files {
        file.offer(Role::of(&file.name), ahead);
    }
}

/// [`load_files`], with the values files and templates offered to `ahead` already. Errors
/// come in the order of a load in sequence: once `values.yaml` has been met, its error
/// comes before any later one.
fn load_files_with(
    files: Vec<LoadedChartFile>,
    ahead: &Ahead,
    loader: Loader,
) -> Result<Chart, ChartLoadError> {
    let mut values: Option<Arc<Vec<u8>>> = None;
    // An archive may hold `values.yaml` twice: the first one's error comes first.
    let mut earlier_error = None;
    let result = classify_files(files, ahead, loader, |data| {
        if let Some(Err(e)) = values.replace(data).map(|earlier| ahead.values(Contents::of(&earlier))) {
            earlier_error.get_or_insert(e);
        }
    });
    let values = values.map(|data| ahead.values(Contents::of(&data))).transpose();
    if let Some(e) = earlier_error {
        return Err(e);
    }
    match (result, values) {
        (_, Err(values_error)) => Err(values_error),
        (Err(e), Ok(_)) => Err(e),
        (Ok(mut chart), Ok(map)) => {
            if let Some(map) = map {
                chart.values = map;
            }
            Ok(chart)
        }
    }
}

pub(crate) fn read_chart_values(data: &[u8]) -> Result<Map, ChartLoadError> {
    super::values::load_chart_values(data).map_err(|e| ChartLoadError::ValuesYaml(helm_values_error(e)))
}

/// [`load_files`] apart from reading `values.yaml`, which is handed to `values_yaml`.
fn classify_files(
    files: Vec<LoadedChartFile>,
    ahead: &Ahead,
    loader: Loader,
    mut values_yaml: impl FnMut(Arc<Vec<u8>>),
) -> Result<Chart, ChartLoadError> {
    let mut chart = Chart { loader, ..Chart::default() };
    // Helm reads every Chart.yaml first; requirements.yaml (and requirements.lock) may then
    // change the metadata, or make it up when there is no Chart.yaml.
    let mut metadata: Option<RawMetadata> = None;
    for f in &files {
        if f.name == "Chart.yaml" {
            let md = metadata.get_or_insert_default();
            md.decode(loaded(f)?).map_err(ChartLoadError::ChartYaml)?;
            if md.api_version().is_empty() {
                md.set_api_version(if loader == Loader::V3 { "v3" } else { "v1" });
            }
        }
    }
    let other_file = |file: &'static str| move |reason| ChartLoadError::OtherChartFile { file, reason };
    let mut subcharts: BTreeMap<String, Vec<LoadedChartFile>> = BTreeMap::new();
    let mut template_at: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    for f in files {
        match f.name.as_str() {
            "Chart.yaml" => {}
            "Chart.lock" => chart_yaml::check_lock(loaded(&f)?).map_err(other_file("Chart.lock"))?,
            "values.yaml" => values_yaml(loaded(&f)?.clone()),
            "values.schema.json" => chart.schema = Some(loaded(&f)?.clone()),
            // Helm 4's v3 loader has no use for v1's dependency files.
            "requirements.yaml" | "requirements.lock" if loader == Loader::V3 => chart.files.push(f),
            "requirements.yaml" => {
                let md = metadata.get_or_insert_default();
                if md.api_version() != "v1" {
                    chart.warnings.push(REQUIREMENTS_YAML_IN_V2.into());
                }
                md.decode(loaded(&f)?).map_err(other_file("requirements.yaml"))?;
                // Read again here, as it may have changed the version.
                if md.api_version() == "v1" {
                    chart.files.push(f);
                }
            }
            "requirements.lock" => {
                chart_yaml::check_lock(loaded(&f)?).map_err(other_file("requirements.lock"))?;
                if metadata.get_or_insert_default().api_version() == "v1" {
                    chart.files.push(f);
                } else {
                    chart.warnings.push(REQUIREMENTS_LOCK_IN_V2.into());
                }
            }
            // An archive may hold a template twice: Helm keeps the last one (its templates
            // are a map by name).
            name if name.starts_with("templates/") => match template_at.get(name) {
                Some(&at) => chart.templates[at] = f,
                None => {
                    template_at.insert(f.name.clone(), chart.templates.len());
                    chart.templates.push(f);
                }
            },
            name if name.starts_with("charts/") => {
                if name.ends_with(".prov") {
                    chart.files.push(f);
                    continue;
                }
                let rest = &name["charts/".len()..];
                let sub = rest.split('/').next().unwrap_or(rest).to_string();
                let inner = rest.split_once('/').map(|(_, r)| r.to_string());
                let entry = subcharts.entry(sub).or_default();
                if let Some(inner) = inner {
                    entry.push(LoadedChartFile { name: inner, data: f.data });
                } else {
                    entry.push(LoadedChartFile { name: String::new(), data: f.data });
                }
            }
            _ => chart.files.push(f),
        }
    }
    let Some(metadata) = metadata else { return Err(ChartLoadError::MissingChartYaml) };
    chart.metadata = metadata.finish();
    validate_metadata(&mut chart.metadata)?;
    for (name, files) in subcharts {
        if name.starts_with('_') || name.starts_with('.') {
            continue;
        }
        let wrap = |source: ChartLoadError| ChartLoadError::Subchart {
            name: name.clone(),
            parent: chart.metadata.name.clone(),
            source: Box::new(source),
        };
        let mut sub = if name.ends_with(".tgz") {
            let [archive, ..] = files.as_slice() else { continue };
            if !archive.name.is_empty() {
                return Err(ChartLoadError::SubchartArchiveName {
                    parent: chart.metadata.name.clone(),
                    expected: name.clone(),
                    got: format!("{name}/{}", archive.name),
                });
            }
            let files = super::archive::load_archive_files(&loaded(archive)?[..])
                .map_err(|e| wrap(ChartLoadError::ArchiveContent(e.to_string())))?;
            offer_all(&files, ahead);
            load_files_with(files, ahead, loader).map_err(wrap)?
        } else {
            let files: Vec<LoadedChartFile> = files.into_iter().filter(|f| !f.name.is_empty()).collect();
            load_files_with(files, ahead, loader).map_err(wrap)?
        };
        chart.warnings.append(&mut sub.warnings);
        chart.dependencies.push(sub);
    }
    Ok(chart)
}

/// A chart's values.yaml that cannot be read, in helm's words (its messages name no
/// column, and a line only where go-yaml gives one).
fn helm_values_error(error: super::values::ValuesInputError) -> String {
    use super::values::ValuesInputError;
    match error {
        ValuesInputError::Yaml { pos, document_line, message, .. } => {
            let pos = crate::yaml::Pos { line: pos.line + 1 - document_line, col: pos.col };
            format!(
                "cannot unmarshal yaml document: error converting YAML to JSON: {}",
                crate::yaml::YamlError { pos, message }.go_yaml_text()
            )
        }
        ValuesInputError::Separator { found, .. } => {
            format!("error reading yaml document: invalid Yaml document separator: {found}")
        }
        ValuesInputError::NotAMap { found, .. } => {
            let go_type = match found {
                "a list" => "array",
                "a string" => "string",
                "a number" => "number",
                "a boolean" => "bool",
                other => other,
            };
            format!(
                "cannot unmarshal yaml document: error unmarshaling JSON: while decoding JSON: \
                 json: cannot unmarshal {go_type} into Go value of type map[string]interface {{}}"
            )
        }
        other => other.to_string(),
    }
}

/// Go's `unicode.IsSpace` to a space, non-printable characters dropped.
fn sanitize(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            if c.is_whitespace() {
                Some(' ')
            } else if crate::strconv::is_print(c) {
                Some(c)
            } else {
                None
            }
        })
        .collect()
}

/// Whether a chart repository's index entry is one helm keeps: its metadata (with
/// `apiVersion` v1 when it has none) passes the checks a `Chart.yaml` passes, all but the
/// one on repeated dependency names, which some repositories' indexes fail. The reason
/// when it is not.
pub(crate) fn check_index_entry(entry: &Map) -> Result<(), String> {
    let mut raw = RawMetadata::default();
    raw.decode_map(entry).map_err(|reason| ChartLoadError::ChartYaml(reason).to_string())?;
    if raw.api_version().is_empty() {
        raw.set_api_version("v1");
    }
    let mut md = raw.finish();
    match validate_metadata(&mut md) {
        Err(ChartLoadError::Validation(reason)) if reason.starts_with("more than one dependency") => Ok(()),
        other => other.map_err(|e| e.to_string()),
    }
}

fn validate_metadata(md: &mut Metadata) -> Result<(), ChartLoadError> {
    md.name = sanitize(&md.name);
    md.description = sanitize(&md.description);
    md.home = sanitize(&md.home);
    md.icon = sanitize(&md.icon);
    md.condition = sanitize(&md.condition);
    md.tags = sanitize(&md.tags);
    md.app_version = sanitize(&md.app_version);
    md.kube_version = sanitize(&md.kube_version);
    for s in md.sources.iter_mut().chain(md.keywords.iter_mut()) {
        *s = sanitize(s);
    }
    let v = |m: String| Err(ChartLoadError::Validation(m));
    if md.api_version.is_empty() {
        return v("chart.metadata.apiVersion is required".into());
    }
    if md.name.is_empty() {
        return v("chart.metadata.name is required".into());
    }
    if md.name == "." || md.name == ".." {
        return v(format!("chart.metadata.name {:?} is not allowed", md.name));
    }
    if md.name.contains('/') {
        return v(format!("chart.metadata.name {:?} is invalid", md.name));
    }
    if md.version.is_empty() {
        return v("chart.metadata.version is required".into());
    }
    if crate::funcs::semver::Version::parse(&md.version).is_err() {
        return v(format!("chart.metadata.version {:?} is invalid", md.version));
    }
    if !matches!(md.chart_type.as_str(), "" | "application" | "library") {
        return v("chart.metadata.type must be application or library".into());
    }
    if md.null_maintainer {
        return v("maintainers must not contain empty or null nodes".into());
    }
    let mut seen = std::collections::HashSet::new();
    for (at, d) in md.dependencies.iter_mut().enumerate() {
        if md.null_dependency == Some(at) {
            return v(NULL_DEPENDENCY.into());
        }
        d.name = sanitize(&d.name);
        d.version = sanitize(&d.version);
        d.repository = sanitize(&d.repository);
        d.condition = sanitize(&d.condition);
        for t in &mut d.tags {
            *t = sanitize(t);
        }
        if !d.alias.is_empty() && !d.alias.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            return v(format!("dependency {:?} has disallowed characters in the alias", d.name));
        }
        let key = if d.alias.is_empty() { d.name.clone() } else { d.alias.clone() };
        if !seen.insert(key.clone()) {
            return v(format!("more than one dependency with name or alias {key:?}"));
        }
    }
    if md.null_dependency.is_some_and(|at| at >= md.dependencies.len()) {
        return v(NULL_DEPENDENCY.into());
    }
    Ok(())
}

const NULL_DEPENDENCY: &str = "dependencies must not contain empty or null nodes";

/// Helm's warnings when a chart of `apiVersion: v2` still has the files of v1.
const REQUIREMENTS_YAML_IN_V2: &str = "Dependencies are handled in Chart.yaml since apiVersion \"v2\". We recommend migrating dependencies to Chart.yaml.";
const REQUIREMENTS_LOCK_IN_V2: &str = "Dependency locking is handled in Chart.lock since apiVersion \"v2\". We recommend migrating to Chart.lock.";
