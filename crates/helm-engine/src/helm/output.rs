//! `helm template`'s output: rendered files split into documents, each document read for
//! its kind and hook annotations, documents ordered by Helm's install order (stable, by
//! kind), framed as `---\n# Source: <file>\n<document>\n`, hooks after the rest; and the
//! `--show-only` and `--output-dir` options. The public parts work on any documents, so a
//! program that builds its objects itself can print them exactly as `helm template` would.

use std::collections::{BTreeMap, VecDeque};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, PoisonError};

use regex::Regex;

use super::glob::path_match;
use super::{go_string, json_kind};
use crate::value::Value;

/// One document of the output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RenderedDocument {
    /// The template it came from (`chart/templates/x.yaml`).
    pub source: String,
    /// The document text (trimmed).
    pub content: String,
    /// Its `kind`.
    pub kind: String,
    /// For hooks: whether it is a test hook.
    pub is_test: bool,
}

/// Helm's install order of kinds.
pub(crate) const INSTALL_ORDER: &[&str] = &[
    "PriorityClass",
    "Namespace",
    "NetworkPolicy",
    "ResourceQuota",
    "LimitRange",
    "PodSecurityPolicy",
    "PodDisruptionBudget",
    "ServiceAccount",
    "Secret",
    "SecretList",
    "ConfigMap",
    "StorageClass",
    "PersistentVolume",
    "PersistentVolumeClaim",
    "CustomResourceDefinition",
    "ClusterRole",
    "ClusterRoleList",
    "ClusterRoleBinding",
    "ClusterRoleBindingList",
    "Role",
    "RoleList",
    "RoleBinding",
    "RoleBindingList",
    "Service",
    "DaemonSet",
    "Pod",
    "ReplicationController",
    "ReplicaSet",
    "Deployment",
    "HorizontalPodAutoscaler",
    "StatefulSet",
    "Job",
    "CronJob",
    "IngressClass",
    "Ingress",
    "APIService",
    "MutatingWebhookConfiguration",
    "ValidatingWebhookConfiguration",
];

const HOOK_EVENTS: &[&str] = &[
    "pre-install",
    "post-install",
    "pre-delete",
    "post-delete",
    "pre-upgrade",
    "post-upgrade",
    "pre-rollback",
    "post-rollback",
    "test",
    "test-success",
];

/// Helm's document separator, `(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*`: `---` at the start of
/// the text or after white space that ends in a line break, with the white space after it.
/// Found by hand (compiling the pattern took longer than splitting a large chart's output),
/// giving the pieces the pattern's leftmost-first split gives.
fn split_on_separators(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let white = |b: u8| matches!(b, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
    let mut pieces = Vec::new();
    let mut piece_start = 0;
    let mut search = 0;
    loop {
        let (start, dashes) = if search == 0 && bytes.starts_with(b"---") {
            (0, 0)
        } else {
            let Some(found) = memchr::memmem::find(&bytes[search..], b"\n---") else { break };
            // The match starts where the white space before the line break does.
            let line_break = search + found;
            let mut start = line_break;
            while start > search && white(bytes[start - 1]) {
                start -= 1;
            }
            (start, line_break + 1)
        };
        let mut end = dashes + 3;
        while end < bytes.len() && white(bytes[end]) {
            end += 1;
        }
        pieces.push(&text[piece_start..start]);
        piece_start = end;
        search = end;
    }
    pieces.push(&text[piece_start..]);
    pieces
}

/// Go's `strings.TrimSpace`.
fn trim_space(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// Helm's `SplitManifests`: documents in order, empty ones dropped.
pub(crate) fn split_manifests(text: &str) -> Vec<String> {
    let trimmed = trim_space(text);
    split_on_separators(trimmed)
        .into_iter()
        .filter(|d| !d.is_empty())
        .map(|d| trim_space(d).to_string())
        .collect()
}

/// What Helm reads of a document.
pub(crate) struct Head {
    kind: String,
    annotations: Option<BTreeMap<String, String>>,
}

fn head_error(msg: String) -> String {
    format!("error unmarshaling JSON: while decoding JSON: {msg}")
}

fn read_head(doc: &str) -> Result<Head, String> {
    let first = crate::yaml::load_manifest_head(doc)
        .map_err(|e| format!("error converting YAML to JSON: {}", e.go_yaml_text()))?;
    let root = first.and_then(|d| d.root).unwrap_or(Value::Null);
    let map = match root {
        Value::Map(m) => m,
        Value::Null => return Ok(Head { kind: String::new(), annotations: None }),
        other => {
            return Err(head_error(format!(
                "json: cannot unmarshal {} into Go value of type util.SimpleHead",
                json_kind(&other)
            )));
        }
    };
    let string_field = |key: &str| -> Result<String, String> {
        match map.get(key) {
            None | Some(Value::Null) => Ok(String::new()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v @ (Value::Bool(_) | Value::Int(_) | Value::Float(_))) => {
                Ok(go_string(v).unwrap_or_default())
            }
            Some(other) => Err(head_error(format!(
                "json: cannot unmarshal {} into Go struct field SimpleHead.{key} of type string",
                json_kind(other)
            ))),
        }
    };
    string_field("apiVersion")?;
    let kind = string_field("kind")?;
    let mut annotations = None;
    match map.get("metadata") {
        None | Some(Value::Null) => {}
        Some(Value::Map(md)) => {
            match md.get("name") {
                None
                | Some(Value::Null | Value::String(_) | Value::Bool(_) | Value::Int(_) | Value::Float(_)) => {
                }
                Some(other) => {
                    return Err(head_error(format!(
                        "json: cannot unmarshal {} into Go struct field .metadata.name of type string",
                        json_kind(other)
                    )));
                }
            }
            match md.get("annotations") {
                None | Some(Value::Null) => {}
                Some(Value::Map(a)) => {
                    let mut out = BTreeMap::new();
                    for (k, v) in a {
                        match v {
                            Value::String(s) => {
                                out.insert(k.clone(), s.clone());
                            }
                            Value::Null => {
                                out.insert(k.clone(), String::new());
                            }
                            v @ (Value::Bool(_) | Value::Int(_) | Value::Float(_)) => {
                                out.insert(k.clone(), go_string(v).unwrap_or_default());
                            }
                            other => {
                                return Err(head_error(format!(
                                    "json: cannot unmarshal {} into Go struct field .metadata.annotations of type string",
                                    json_kind(other)
                                )));
                            }
                        }
                    }
                    annotations = Some(out);
                }
                Some(other) => {
                    return Err(head_error(format!(
                        "json: cannot unmarshal {} into Go struct field .metadata.annotations of type map[string]string",
                        json_kind(other)
                    )));
                }
            }
        }
        Some(other) => {
            return Err(head_error(format!(
                "json: cannot unmarshal {} into Go struct field SimpleHead.metadata of type struct {{ Name string \"json:\\\"name\\\"\"; Annotations map[string]string \"json:\\\"annotations\\\"\" }}",
                json_kind(other)
            )));
        }
    }
    Ok(Head { kind, annotations })
}

/// The heads of the documents, in their order. Each document is read as a whole (that is how
/// invalid YAML is found), which is most of the cost of ordering the output; the documents
/// are independent, so a second thread reads the second half (by size) of a large output.
fn read_heads(documents: &[&str]) -> Vec<Result<Head, String>> {
    let read_all = |part: &[&str]| part.iter().map(|doc| read_head(doc)).collect::<Vec<_>>();
    super::halves::by_size(documents, |doc| doc.len(), PARALLEL_HEADS_FROM, "manifest-heads", &read_all)
}

/// The size of output from which its documents are read on two threads.
const PARALLEL_HEADS_FROM: usize = 32 * 1024;

/// A document's head, or why it could not be read.
type HeadRead = Result<Head, String>;

/// A document and its head, read.
pub(crate) type ReadDocument = (String, HeadRead);

/// Whether a rendered file's documents are read while later templates execute: not the
/// notes, nor what [`sort_manifests`] leaves out.
fn read_ahead(path: &str, content: &str) -> bool {
    !left_out(path, content) && !path.ends_with("NOTES.txt")
}

/// Whether [`sort_manifests`] leaves a rendered file out: a partial, or nothing but space.
fn left_out(path: &str, content: &str) -> bool {
    let base = path.rsplit('/').next().unwrap_or(path);
    base.starts_with('_') || trim_space(content).is_empty()
}

/// Reads the documents of rendered files while later templates are executed, for
/// [`sort_manifests`]: once the output reaches [`PARALLEL_HEADS_FROM`], a thread of `scope`
/// starts on the documents rendered so far and takes each one as it comes. When rendering
/// is over, this thread reads what is left beside it (the largest files, a chart's CRDs,
/// often come last). When templates execute on two threads, no reading thread is started
/// (a third thread would only share the two cores): the helper hands its documents in
/// ([`HeadReader::helped`]), and each thread reads once it has no template left
/// ([`HeadReader::done_rendering`]).
pub(crate) struct HeadReader<'scope, 'env> {
    scope: &'scope std::thread::Scope<'scope, 'env>,
    shared: Arc<ReaderShared>,
    /// The documents of each file, by their number.
    files: foldhash::HashMap<String, Vec<usize>>,
    size: usize,
    thread: Option<std::thread::ScopedJoinHandle<'scope, ()>>,
    /// An executing helper reads documents: no thread is started.
    helped: bool,
}

/// What a thread that helps execute templates hands to a [`HeadReader`]: the documents of
/// the files it renders, and its help reading them. Dropped, it counts as done.
pub(crate) struct HeadHelp(Arc<ReaderShared>);

impl HeadHelp {
    /// Hands in the documents of a file this thread rendered, to be read by whichever
    /// thread gets to them first; their numbers, for [`HeadReader::rendered_by_helper`].
    /// `None` for a file [`sort_manifests`] leaves out.
    pub(crate) fn rendered(&self, path: &str, content: &str) -> Option<Vec<usize>> {
        read_ahead(path, content).then(|| self.0.hand_in(split_manifests(content)))
    }

    /// This thread renders no more: it reads the documents waiting, and is done.
    pub(crate) fn done_rendering(self) {
        self.0.read_waiting(|_| false);
    }
}

impl Drop for HeadHelp {
    fn drop(&mut self) {
        let mut state = self.0.lock();
        state.helpers -= 1;
        if state.helpers == 0 {
            drop(state);
            self.0.more.notify_all();
        }
    }
}

struct ReaderShared {
    state: Mutex<ReaderState>,
    more: Condvar,
}

struct ReaderState {
    /// Documents to read, by number.
    waiting: VecDeque<(usize, String)>,
    read: Vec<Option<ReadDocument>>,
    /// The rendering thread hands in no more documents.
    closed: bool,
    /// Helpers that may still hand documents in.
    helpers: usize,
}

impl ReaderShared {
    fn lock(&self) -> MutexGuard<'_, ReaderState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Queues documents to be read; their numbers.
    fn hand_in(&self, documents: Vec<String>) -> Vec<usize> {
        let mut state = self.lock();
        let mut numbers = Vec::with_capacity(documents.len());
        for doc in documents {
            let at = state.read.len();
            state.read.push(None);
            state.waiting.push_back((at, doc));
            numbers.push(at);
        }
        drop(state);
        self.more.notify_one();
        numbers
    }

    fn close(&self) {
        self.lock().closed = true;
        self.more.notify_all();
    }

    /// Reads waiting documents until none is left and `more_coming` says no more will come.
    fn read_waiting(&self, more_coming: fn(&ReaderState) -> bool) {
        loop {
            let mut state = self.lock();
            let (at, doc) = loop {
                match state.waiting.pop_front() {
                    Some(next) => break next,
                    None if !more_coming(&state) => return,
                    None => state = self.more.wait(state).unwrap_or_else(PoisonError::into_inner),
                }
            };
            drop(state);
            let head = read_head(&doc);
            self.lock().read[at] = Some((doc, head));
        }
    }
}

impl<'scope, 'env> HeadReader<'scope, 'env> {
    pub(crate) fn new(scope: &'scope std::thread::Scope<'scope, 'env>) -> Self {
        let state = ReaderState { waiting: VecDeque::new(), read: Vec::new(), closed: false, helpers: 0 };
        HeadReader {
            scope,
            shared: Arc::new(ReaderShared { state: Mutex::new(state), more: Condvar::new() }),
            files: Default::default(),
            size: 0,
            thread: None,
            helped: false,
        }
    }

    /// For a thread that helps execute the templates: it hands in the documents of its own
    /// files, and reads those waiting when it has no template left; no reading thread is
    /// started.
    pub(crate) fn helped(&mut self) -> HeadHelp {
        self.helped = true;
        self.shared.lock().helpers += 1;
        HeadHelp(self.shared.clone())
    }

    /// A file rendered by a helper, whose documents it handed in as `numbers`
    /// ([`HeadHelp::rendered`]).
    pub(crate) fn rendered_by_helper(&mut self, path: &str, numbers: Option<Vec<usize>>) {
        if let Some(numbers) = numbers {
            self.files.entry(path.to_string()).or_default().extend(numbers);
        }
    }

    /// A file as rendered (without `<no value>`).
    pub(crate) fn rendered(&mut self, path: &str, content: &str) {
        if !read_ahead(path, content) {
            return;
        }
        let numbers = self.shared.hand_in(split_manifests(content));
        self.files.entry(path.to_string()).or_default().extend(numbers);
        self.size += content.len();
        if self.thread.is_none() && !self.helped && self.size >= PARALLEL_HEADS_FROM {
            let shared = self.shared.clone();
            let builder = std::thread::Builder::new()
                .name("manifest-heads".into())
                .stack_size(super::engine::STACK_SIZE);
            self.thread = crate::beside::spawn_scoped(builder, self.scope, move || {
                shared.read_waiting(|state| !state.closed);
            })
            .ok();
        }
    }

    /// This thread has no template left: with a helper, it reads documents beside it until
    /// the helper is done and none is left.
    pub(crate) fn done_rendering(&mut self) {
        if self.helped {
            self.shared.read_waiting(|state| state.helpers > 0);
        }
    }

    /// Every document read, by file.
    fn finish(mut self) -> foldhash::HashMap<String, Vec<ReadDocument>> {
        self.shared.close();
        self.shared.read_waiting(|_| false);
        // A thread that failed leaves every file to be read again.
        if self.thread.take().is_some_and(|thread| thread.join().is_err()) {
            return Default::default();
        }
        let mut read = std::mem::take(&mut self.shared.lock().read);
        std::mem::take(&mut self.files)
            .into_iter()
            .filter_map(|(path, numbers)| {
                let documents: Option<Vec<ReadDocument>> =
                    numbers.iter().map(|&at| read[at].take()).collect();
                Some((path, documents?))
            })
            .collect()
    }
}

impl Drop for HeadReader<'_, '_> {
    /// A reading thread stops also when rendering failed.
    fn drop(&mut self) {
        self.shared.close();
    }
}

/// What `helm template --debug` prints after a failure while rendering: every file that is
/// not blank as it came out, `---\n# Source: <file>\n<text>` (an empty line when the
/// failure came before there were files). Helm prints them in Go's map order, which changes
/// from run to run; here they come by name.
pub fn debug_dump(files: &BTreeMap<String, String>) -> String {
    let mut dump = String::new();
    for (name, text) in files {
        if !text.trim().is_empty() {
            dump.push_str(&format!("---\n# Source: {name}\n{text}\n"));
        }
    }
    format!("{}\n", dump.trim())
}

/// The manifests and hooks of rendered files, in Helm's order; the error is Helm's
/// `YAML parse error on <file>: ...`. Files `reader` read already are not read again.
pub(crate) fn sort_manifests(
    files: &BTreeMap<String, String>,
    reader: Option<HeadReader<'_, '_>>,
) -> Result<(Vec<RenderedDocument>, Vec<RenderedDocument>), String> {
    let mut read_before = reader.map(HeadReader::finish).unwrap_or_default();
    // Each document with its file, and its head when it was read already.
    let mut documents: Vec<(&String, String, Option<HeadRead>)> = Vec::new();
    for (path, content) in files {
        if left_out(path, content) {
            continue;
        }
        match read_before.remove(path) {
            Some(read) => documents.extend(read.into_iter().map(|(doc, head)| (path, doc, Some(head)))),
            None => documents.extend(split_manifests(content).into_iter().map(|doc| (path, doc, None))),
        }
    }
    let unread: Vec<&str> = documents.iter().filter(|d| d.2.is_none()).map(|d| d.1.as_str()).collect();
    let mut heads = read_heads(&unread).into_iter();
    let mut generic = Vec::new();
    let mut hooks = Vec::new();
    for (path, doc, head) in documents {
        let head = head.or_else(|| heads.next()).unwrap_or_else(|| read_head(&doc));
        let head = head.map_err(|e| format!("YAML parse error on {path}: {e}"))?;
        let hook_types = head.annotations.as_ref().and_then(|a| a.get("helm.sh/hook")).cloned();
        let manifest =
            RenderedDocument { source: path.clone(), content: doc, kind: head.kind, is_test: false };
        let Some(hook_types) = hook_types else {
            generic.push(manifest);
            continue;
        };
        let mut events = Vec::new();
        let mut unknown = false;
        for t in hook_types.split(',') {
            let t = t.trim().to_lowercase();
            if !HOOK_EVENTS.contains(&t.as_str()) {
                unknown = true;
                break;
            }
            events.push(t);
        }
        if unknown {
            continue;
        }
        let is_test = events.iter().any(|e| e == "test" || e == "test-success");
        hooks.push(RenderedDocument { is_test, ..manifest });
    }
    sort_in_install_order(&mut generic, |d| &d.kind);
    sort_in_install_order(&mut hooks, |d| &d.kind);
    Ok((generic, hooks))
}

/// Sorts items into Helm's install order by their kind: the kinds of Helm's `InstallOrder`
/// list (`PriorityClass`, `Namespace`, `NetworkPolicy`, ..., `Service`, ..., `Deployment`,
/// ...) in that order, then every other kind by name. The sort is stable, so items of one kind keep their
/// order (Helm sorts the rendered files by path first).
pub fn sort_in_install_order<T>(items: &mut [T], kind_of: impl Fn(&T) -> &str) {
    items.sort_by(|a, b| compare_kinds(kind_of(a), kind_of(b)));
}

fn compare_kinds(a: &str, b: &str) -> std::cmp::Ordering {
    let rank = |k: &str| INSTALL_ORDER.iter().position(|x| *x == k);
    match (rank(a), rank(b)) {
        (Some(x), Some(y)) => x.cmp(&y),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.cmp(b),
    }
}

/// One document as `helm template` prints it: `---`, a `# Source:` line naming the
/// template (`<chart>/templates/<file>`), the document.
pub fn frame_document(source: &str, content: &str) -> String {
    let mut out = String::with_capacity(source.len() + content.len() + 16);
    push_framed_document(&mut out, source, |out| out.push_str(content));
    out
}

/// [`frame_document`] appended to `out`, the document written by `content` in place (a
/// stream of many documents is then assembled without a copy of each).
pub fn push_framed_document(out: &mut String, source: &str, content: impl FnOnce(&mut String)) {
    out.push_str("---\n# Source: ");
    out.push_str(source);
    out.push('\n');
    content(out);
    out.push('\n');
}

/// A `--show-only` pattern that matches no template.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("could not find template {pattern} in chart")]
pub struct ShowOnlyError {
    /// The pattern, as given.
    pub pattern: String,
}

/// `--show-only`: the items whose template path (relative to the chart, `templates/...`)
/// matches one of the patterns (Go's `path.Match` globs), in pattern order; an item that two
/// patterns match is shown twice, as by Helm. Items without a template path are left out.
pub fn show_only<T: Clone>(
    items: &[T],
    patterns: &[String],
    template_path: impl Fn(&T) -> Option<&str>,
) -> Result<Vec<T>, ShowOnlyError> {
    let mut selected = Vec::new();
    for pattern in patterns {
        let before = selected.len();
        selected.extend(
            items
                .iter()
                .filter(|item| {
                    template_path(item).is_some_and(|path| path_match(pattern, path) == Some(true))
                })
                .cloned(),
        );
        if selected.len() == before {
            return Err(ShowOnlyError { pattern: pattern.clone() });
        }
    }
    Ok(selected)
}

/// `--show-only` applied, as Helm applies it, to the whole printed output: the output is
/// split into documents again and each is matched by the path in its `# Source:` line
/// (without the chart's name).
pub fn show_only_in_output(output: &str, patterns: &[String]) -> Result<String, ShowOnlyError> {
    static SOURCE: OnceLock<Regex> = OnceLock::new();
    let source = SOURCE.get_or_init(|| Regex::new(r"# Source: [^/]+/(.+)").expect("a valid pattern"));
    let docs = split_manifests(output);
    let selected = show_only(&docs, patterns, |doc| source.captures(doc)?.get(1).map(|m| m.as_str()))?;
    Ok(selected.iter().map(|doc| format!("---\n{doc}\n")).collect())
}

/// A file `--output-dir` could not write.
#[derive(Debug, thiserror::Error)]
pub enum OutputDirError {
    /// The directory of `file` could not be created.
    #[error("cannot create {}: {}", dir.display(), super::go_os_reason(source))]
    CreateDir {
        /// The directory.
        dir: PathBuf,
        /// The file it was created for.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file could not be written.
    #[error("cannot write {}: {}", file.display(), super::go_os_reason(source))]
    Write {
        /// The file.
        file: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

impl OutputDirError {
    /// The file that was being written.
    pub fn file(&self) -> &Path {
        match self {
            OutputDirError::CreateDir { file, .. } | OutputDirError::Write { file, .. } => file,
        }
    }

    /// The underlying I/O error.
    pub fn io_error(&self) -> &std::io::Error {
        match self {
            OutputDirError::CreateDir { source, .. } | OutputDirError::Write { source, .. } => source,
        }
    }
}

/// `--output-dir`: writes each (directory, source, content) document, framed, into
/// `<directory>/<source>`, the two joined as text as Helm joins them (so `out/` gives
/// `out//chart/...`); the first document of a file creates (or empties) it, later ones are
/// appended, as Helm does. Returns the file written for each document, in order, as Helm
/// prints it (helm reports every write, so a file can appear more than once).
///
/// All or nothing, unlike Helm: every file is written in full beside its target first and
/// only then renamed into place, so an error (a file in the way of a folder, a full disk, no
/// permission) leaves the directory as it was, without the folders this call created. Runs
/// into the same directory take turns (each holds a lock on it while it writes), so their
/// files never mix; the files a stopped run left beside their targets are removed by the
/// next run that writes in their folder.
pub fn write_output_dir<D: AsRef<str>, S: AsRef<str>, C: AsRef<str>>(
    documents: impl IntoIterator<Item = (D, S, C)>,
) -> Result<Vec<String>, OutputDirError> {
    let mut files: Vec<(String, String)> = Vec::new();
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut written = Vec::new();
    // The output directory; a release's own folder (`--release-name`) lies inside it.
    let mut top: Option<String> = None;
    for (dir, source, content) in documents {
        let (source, content) = (source.as_ref(), content.as_ref());
        if top.as_ref().is_none_or(|top| dir.as_ref().len() < top.len()) {
            top = Some(dir.as_ref().to_string());
        }
        let path = format!("{}/{source}", dir.as_ref());
        let at = *index.entry(path.clone()).or_insert_with(|| {
            files.push((path, String::new()));
            files.len() - 1
        });
        files[at].1.push_str(&frame_document(source, content));
        written.push(files[at].0.clone());
    }
    let mut staged = StagedFiles::default();
    let result = top
        .map_or(Ok(()), |top| staged.lock_dir(Path::new(&top)))
        .and_then(|()| files.iter().try_for_each(|(file, content)| staged.stage(Path::new(file), content)));
    match result {
        Ok(()) => staged.commit().map(|()| written),
        Err(error) => {
            staged.abandon();
            Err(error)
        }
    }
}

/// What marks a file written beside its target: `.<name><MARK><random>.tmp`.
const STAGED_MARK: &str = ".helm-engine-";

/// Files written beside their targets, and the folders created for them, until they are
/// renamed into place or abandoned.
#[derive(Default)]
struct StagedFiles {
    created_folders: Vec<PathBuf>,
    /// The output directory, locked until the files are in place.
    lock: Option<std::fs::File>,
    /// Folders already cleared of what stopped runs left.
    swept: std::collections::HashSet<PathBuf>,
    /// (temporary file, target)
    files: Vec<(PathBuf, PathBuf)>,
}

impl StagedFiles {
    /// Creates the output directory `dir` if needed and waits for its lock. The lock is a
    /// courtesy between runs: where the directory cannot be opened for reading or its file
    /// system has no locks, the run goes on without one.
    fn lock_dir(&mut self, dir: &Path) -> Result<(), OutputDirError> {
        let failure =
            |source| OutputDirError::CreateDir { dir: dir.to_path_buf(), file: dir.to_path_buf(), source };
        // A run that created the directory and then failed removes it, and a lock on what
        // was removed holds nothing: the lock counts only on the directory still there.
        for _ in 0..8 {
            self.create_folder(dir).map_err(failure)?;
            let Ok(handle) = std::fs::File::open(dir) else { return Ok(()) };
            if handle.lock().is_err() {
                return Ok(());
            }
            if same_file(&handle, dir) {
                self.lock = Some(handle);
                return Ok(());
            }
        }
        Ok(())
    }

    fn stage(&mut self, file: &Path, content: &str) -> Result<(), OutputDirError> {
        let folder = file.parent().unwrap_or(Path::new("."));
        self.create_folder(folder).map_err(|source| OutputDirError::CreateDir {
            dir: folder.to_path_buf(),
            file: file.to_path_buf(),
            source,
        })?;
        // Only under the lock: without it, another run's files may be under way there.
        if self.lock.is_some() && self.swept.insert(folder.to_path_buf()) {
            remove_stopped_runs_files(folder);
        }
        let write_error = |source| OutputDirError::Write { file: file.to_path_buf(), source };
        if file.is_dir() {
            return Err(write_error(std::io::Error::new(
                std::io::ErrorKind::IsADirectory,
                "it is a directory",
            )));
        }
        let name = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        for attempt in 0u32.. {
            let mut random = [0u8; 8];
            rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut random);
            let random: String = random.iter().map(|b| format!("{b:02x}")).collect();
            let temporary = folder.join(format!(".{name}{STAGED_MARK}{random}.tmp"));
            match std::fs::OpenOptions::new().write(true).create_new(true).open(&temporary) {
                Ok(mut out) => {
                    self.files.push((temporary, file.to_path_buf()));
                    return out.write_all(content.as_bytes()).map_err(write_error);
                }
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists && attempt < 100 => continue,
                Err(e) => return Err(write_error(e)),
            }
        }
        unreachable!("the loop returns")
    }

    /// Creates a folder and its missing parents, remembering each one created.
    fn create_folder(&mut self, folder: &Path) -> std::io::Result<()> {
        let missing: Vec<&Path> =
            folder.ancestors().take_while(|a| !a.as_os_str().is_empty() && !a.exists()).collect();
        for folder in missing.into_iter().rev() {
            std::fs::create_dir(folder)?;
            self.created_folders.push(folder.to_path_buf());
        }
        Ok(())
    }

    /// Renames every file into place. Renames within a folder fail only when the folder
    /// changes under us; then the files not yet in place are removed.
    fn commit(mut self) -> Result<(), OutputDirError> {
        let files = std::mem::take(&mut self.files);
        for (i, (temporary, file)) in files.iter().enumerate() {
            if let Err(source) = std::fs::rename(temporary, file) {
                for (left, _) in &files[i..] {
                    let _ = std::fs::remove_file(left);
                }
                return Err(OutputDirError::Write { file: file.clone(), source });
            }
        }
        Ok(())
    }

    fn abandon(self) {
        for (temporary, _) in &self.files {
            let _ = std::fs::remove_file(temporary);
        }
        for folder in self.created_folders.iter().rev() {
            let _ = std::fs::remove_dir(folder);
        }
    }
}

/// Whether `handle` is open on the file `path` names now.
#[cfg(unix)]
fn same_file(handle: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (handle.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_: &std::fs::File, _: &Path) -> bool {
    true
}

/// Removes from `folder` the files runs that were stopped left beside their targets: files
/// named as [`StagedFiles::stage`] names them (no live run has any while this one holds the
/// output directory's lock). Anything else, links included, is left alone.
fn remove_stopped_runs_files(folder: &Path) {
    let Ok(entries) = std::fs::read_dir(folder) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(name) = name.to_str() else { continue };
        let ours = name.starts_with('.')
            && name.ends_with(".tmp")
            && name.rsplit_once(STAGED_MARK).is_some_and(|(_, rest)| {
                let random = &rest[..rest.len() - ".tmp".len()];
                random.len() == 16 && random.bytes().all(|b| b.is_ascii_hexdigit())
            });
        if !ours || !entry.file_type().is_ok_and(|t| t.is_file()) {
            continue;
        }
        let _ = std::fs::remove_file(entry.path());
    }
}

#[cfg(test)]
mod tests {
    proptest::proptest! {
        #[test]
        fn separators_are_found_as_helms_pattern_finds_them(text in "[-\t\n\r\x0c a]{0,40}") {
            let pattern = Regex::new(r"(?:^|[\t\n\f\r ]*\n)---[\t\n\f\r ]*").unwrap();
            let expected: Vec<&str> = pattern.split(&text).collect();
            proptest::prop_assert_eq!(split_on_separators(&text), expected);
        }
    }

    use super::*;

    /// `files` sorted with their documents read while they were "rendered", and without.
    fn sorted_both_ways(files: &BTreeMap<String, String>) -> [String; 2] {
        let with_reader = std::thread::scope(|scope| {
            let mut reader = HeadReader::new(scope);
            // Notes are taken out before the sort.
            reader.rendered("c/templates/NOTES.txt", "notes");
            for (path, content) in files {
                reader.rendered(path, content);
            }
            sort_manifests(files, Some(reader))
        });
        [format!("{with_reader:?}"), format!("{:?}", sort_manifests(files, None))]
    }

    #[test]
    fn documents_read_while_rendering_sort_as_documents_read_after() {
        let filler = "x".repeat(4096);
        let mut files: BTreeMap<String, String> = (0..40)
            .map(|i| {
                let kind = ["Deployment", "Service", "ConfigMap", "Namespace"][i % 4];
                let hook = if i % 7 == 0 { "\n  annotations:\n    helm.sh/hook: pre-install" } else { "" };
                let content = format!(
                    "kind: {kind}\nmetadata:\n  name: n{i}{hook}\ndata: {filler}\n---\nkind: Secret\nmetadata:\n  name: s{i}\n---\nkind: Secret\nmetadata:\n  name: t{i}\n"
                );
                (format!("c/templates/t{i:02}.yaml"), content)
            })
            .collect();
        files.insert("c/templates/_helpers.tpl".into(), "not: [yaml".into());
        let [with_reader, without] = sorted_both_ways(&files);
        assert!(with_reader.starts_with("Ok("), "{with_reader}");
        assert_eq!(with_reader, without);
        // Two broken documents: the first in path order is reported either way.
        files.insert("c/templates/t05.yaml".into(), "a: [1".into());
        files.insert("c/templates/t30.yaml".into(), "- a\nb: 1".into());
        let [with_reader, without] = sorted_both_ways(&files);
        assert!(with_reader.contains("t05.yaml"), "{with_reader}");
        assert_eq!(with_reader, without);
    }

    #[test]
    fn splits_like_helm() {
        // A separator whose newline was eaten by the previous one stays as text, as in Helm.
        assert_eq!(split_manifests("a: 1\n---\nb: 2\n--- \n\n---\n"), ["a: 1", "b: 2", "---"]);
        assert_eq!(split_manifests("---\n# c\n---\n---\nx: 1"), ["# c", "---\nx: 1"]);
    }

    #[test]
    fn sorts_by_kind_stably() {
        let mut files = BTreeMap::new();
        files.insert("c/templates/a.yaml".into(), "kind: Deployment\nmetadata: {name: b}\n---\nkind: Service\n---\nkind: Zed\n---\nkind: Deployment\nmetadata: {name: a}".into());
        let (m, _) = sort_manifests(&files, None).unwrap();
        let kinds: Vec<&str> = m.iter().map(|x| x.kind.as_str()).collect();
        assert_eq!(kinds, ["Service", "Deployment", "Deployment", "Zed"]);
        assert!(m[1].content.contains("name: b"));
    }

    #[test]
    fn unknown_kinds_sort_last_by_name() {
        use std::cmp::Ordering::Less;
        assert_eq!(compare_kinds("Deployment", "Certificate"), Less);
        assert_eq!(compare_kinds("Certificate", "IngressRouteTCP"), Less);
        assert_eq!(compare_kinds("Namespace", "ConfigMap"), Less);
    }

    #[test]
    fn show_only_keeps_pattern_order_and_names_the_missing_pattern() {
        let items = ["templates/a.yaml", "templates/b/c.yaml", "other.txt"];
        let patterns = ["templates/b/*".to_string(), "templates/a.yaml".to_string()];
        let shown = show_only(&items, &patterns, |i| Some(*i));
        assert_eq!(shown, Ok(vec!["templates/b/c.yaml", "templates/a.yaml"]));
        let missing = show_only(&items, &["templates/z.yaml".to_string()], |i| Some(*i)).unwrap_err();
        assert_eq!(missing.to_string(), "could not find template templates/z.yaml in chart");
    }

    #[test]
    fn output_dir_appends_the_documents_of_one_source() {
        let dir = tempfile::tempdir().unwrap();
        let docs =
            [("c/templates/a.yaml", "x: 1"), ("c/templates/b.yaml", "y: 2"), ("c/templates/a.yaml", "z: 3")];
        let out = dir.path().display().to_string();
        let docs = docs.map(|(source, content)| (out.as_str(), source, content));
        let written = write_output_dir(docs).unwrap();
        assert_eq!(written.len(), 3);
        assert_eq!(written[0], format!("{out}/c/templates/a.yaml"));
        let a = std::fs::read_to_string(dir.path().join("c/templates/a.yaml")).unwrap();
        assert_eq!(a, "---\n# Source: c/templates/a.yaml\nx: 1\n---\n# Source: c/templates/a.yaml\nz: 3\n");
    }

    #[test]
    fn output_dir_removes_what_stopped_runs_left_and_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("c/templates");
        std::fs::create_dir_all(&folder).unwrap();
        let left = [".a.yaml.helm-engine-0123456789abcdef.tmp", ".b.yaml.helm-engine-fedcba9876543210.tmp"];
        let kept = [
            ".a.yaml.helm-engine-short.tmp",
            "a.yaml.helm-engine-0123456789abcdef.tmp",
            ".a.yaml.123-0.tmp",
            "notes.txt",
        ];
        for name in left.iter().chain(&kept) {
            std::fs::write(folder.join(name), "x").unwrap();
        }
        let out = dir.path().display().to_string();
        write_output_dir([(out.as_str(), "c/templates/a.yaml", "x: 1")]).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        let mut want: Vec<String> =
            kept.iter().map(|n| n.to_string()).chain(["a.yaml".to_string()]).collect();
        want.sort();
        assert_eq!(names, want);
    }

    #[test]
    fn output_dir_waits_for_a_run_that_holds_the_directory() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().display().to_string();
        let held = std::fs::File::open(dir.path()).unwrap();
        held.lock().unwrap();
        let writer = {
            let out = out.clone();
            std::thread::spawn(move || write_output_dir([(out.as_str(), "c/templates/a.yaml", "x: 1")]))
        };
        std::thread::sleep(std::time::Duration::from_millis(300));
        assert!(!dir.path().join("c").exists(), "written while another run held the directory");
        drop(held);
        writer.join().unwrap().unwrap();
        assert!(dir.path().join("c/templates/a.yaml").exists());
    }
}
