//! User values from `-f` files and `--set*` flags, merged in Helm's order, remembering which
//! input set each key so that errors can point at a file, line and column or at a flag.

use std::collections::HashMap;

use super::coalesce::merge_maps;
use super::strvals::{FileReader, SetKind, parse_set};
use crate::value::{KeyPath, Map, PathTree, Segment, Value};
use crate::yaml::{Pos, Positions, load_values_document};

/// Everything the user gave, before reading: files already loaded into memory.
#[derive(Clone, Debug, Default)]
pub struct ValueInputs {
    /// `-f` files in command-line order: (name as given, contents).
    pub files: Vec<(String, Vec<u8>)>,
    /// `--set-json` texts.
    pub set_json: Vec<String>,
    /// `--set` texts.
    pub set: Vec<String>,
    /// `--set-string` texts.
    pub set_string: Vec<String>,
    /// `--set-file` texts.
    pub set_file: Vec<String>,
    /// `--set-literal` texts.
    pub set_literal: Vec<String>,
}

impl ValueInputs {
    /// The `--set*` texts in the order Helm applies them, whatever their order on the
    /// command line: all `--set-json`, then `--set`, `--set-string`, `--set-file`, `--set-literal`.
    fn flags_in_helm_order(&self) -> impl Iterator<Item = (SetKind, &String)> {
        [
            (SetKind::Json, &self.set_json),
            (SetKind::Typed, &self.set),
            (SetKind::String, &self.set_string),
            (SetKind::File, &self.set_file),
            (SetKind::Literal, &self.set_literal),
        ]
        .into_iter()
        .flat_map(|(kind, texts)| texts.iter().map(move |t| (kind, t)))
    }
}

/// Input that cannot be read as values.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ValuesInputError {
    /// A values file is not UTF-8 text.
    #[error("{name}: not valid UTF-8 text (invalid byte at line {line})")]
    NotUtf8 {
        /// The file's name, as given.
        name: String,
        /// The line of the first invalid byte.
        line: usize,
    },
    /// A values file is not YAML.
    #[error("{name}:{pos}: invalid YAML: {message}")]
    Yaml {
        /// The file's name, as given.
        name: String,
        /// Where the YAML reader stopped.
        pos: Pos,
        /// The line the document starts on: go-yaml counts lines from there, as Helm gives
        /// it one document at a time.
        document_line: usize,
        /// Why.
        message: String,
    },
    /// A line of a values file starts with `---` and goes on with more than a comment.
    #[error(
        "{name}:{line}: a line starting with `---` separates documents and may go on only with a comment, found `{found}`"
    )]
    Separator {
        /// The file's name, as given.
        name: String,
        /// The line.
        line: usize,
        /// What follows the dashes (spaces around it taken off).
        found: String,
    },
    /// A document of a values file is not a map.
    #[error("{name}:{pos}: a values document must be a map of keys, found {found}")]
    NotAMap {
        /// The file's name, as given.
        name: String,
        /// Where the document starts.
        pos: Pos,
        /// What it is instead (`a list`, `a string`, ...).
        found: &'static str,
    },
    /// A `--set*` text cannot be parsed.
    #[error("{flag} {text}: {message}")]
    Set {
        /// The flag (`--set`, `--set-string`, ...).
        flag: &'static str,
        /// The text given to it.
        text: String,
        /// Helm's message.
        message: String,
    },
}

/// Where a key's value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A values file, at a position when known.
    File {
        /// The file's name, as given.
        name: String,
        /// The key's or value's position in it.
        pos: Option<Pos>,
    },
    /// A `--set*` flag, spelled as given.
    Flag(String),
    /// Nobody set it: the chart's default.
    Default,
}

/// The longest flag an origin shows whole.
const SHOWN_FLAG_CHARACTERS: usize = 100;

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::File { name, pos: Some(pos) } => write!(f, "{name}:{pos}"),
            Origin::File { name, pos: None } => f.write_str(name),
            // A flag is shown as given, up to a length that fits a line; a longer one (a
            // `--set-file` of a whole document, say) by its start and its length.
            Origin::Flag(flag) if flag.chars().count() > SHOWN_FLAG_CHARACTERS => {
                let start: String = flag.chars().take(SHOWN_FLAG_CHARACTERS - 20).collect();
                write!(f, "{start}... ({} characters)", flag.chars().count())
            }
            Origin::Flag(flag) => f.write_str(flag),
            Origin::Default => f.write_str("default values"),
        }
    }
}

enum SourcePaths {
    File(Positions),
    /// Every path the flag set, each with its parents.
    Flag(PathTree),
}

struct Source {
    label: String,
    paths: SourcePaths,
}

impl Source {
    /// This source's origin for exactly `path`, if it set it.
    fn origin_of(&self, path: &KeyPath, prefer_key: bool) -> Option<Origin> {
        match &self.paths {
            SourcePaths::File(positions) => {
                let pos = if prefer_key { positions.key(path) } else { None }
                    .or_else(|| positions.value(path))
                    .or_else(|| positions.key(path))?;
                Some(Origin::File { name: self.label.clone(), pos: Some(pos) })
            }
            SourcePaths::Flag(paths) => paths.node(path).map(|_| Origin::Flag(self.label.clone())),
        }
    }
}

/// The user's values merged in Helm's order, with the origin of each key.
pub struct UserValues {
    /// The merged values, what Helm hands to the chart as the user's values.
    pub values: Map,
    sources: Vec<Source>,
    /// Things worth telling the user that do not make the input invalid.
    pub warnings: Vec<String>,
}

impl UserValues {
    /// Reads and merges every input. `read_file` serves `--set-file`.
    pub fn collect(
        inputs: &ValueInputs,
        read_file: &mut FileReader<'_>,
    ) -> Result<UserValues, ValuesInputError> {
        let mut values = Map::default();
        let mut sources = Vec::new();
        let mut warnings = Vec::new();
        for (name, bytes) in &inputs.files {
            let (map, positions) = load_values_file(name, bytes, &mut warnings)?;
            merge_maps(&mut values, map);
            sources.push(Source { label: name.clone(), paths: SourcePaths::File(positions) });
        }
        for (kind, text) in inputs.flags_in_helm_order() {
            let set_error = |e: super::strvals::SetError| ValuesInputError::Set {
                flag: kind.flag(),
                text: text.clone(),
                message: e.0,
            };
            // Parsing into an empty map tells exactly which keys this flag sets, against the
            // values as they stand before it. A file is read once for both parses (standard
            // input cannot be read twice).
            let mut read: HashMap<String, Vec<u8>> = HashMap::new();
            let mut read_once = |path: &str| -> Result<Vec<u8>, String> {
                if let Some(text) = read.get(path) {
                    return Ok(text.clone());
                }
                let text = read_file(path)?;
                read.insert(path.to_string(), text.clone());
                Ok(text)
            };
            let mut own = Map::default();
            parse_set(text, kind, &mut own, &mut read_once).map_err(set_error)?;
            let mut paths = PathTree::default();
            for (key, value) in &own {
                let node = paths.child(0, Segment::Key(key.clone()));
                collect_paths(value, values.get(key), node, &mut paths);
            }
            parse_set(text, kind, &mut values, &mut read_once).map_err(set_error)?;
            sources
                .push(Source { label: format!("{} {text}", kind.flag()), paths: SourcePaths::Flag(paths) });
        }
        Ok(UserValues { values, sources, warnings })
    }

    /// The inputs in the order they were merged: each values file's name as given, then each
    /// flag as [`Origin::Flag`] names it.
    pub fn input_labels(&self) -> Vec<String> {
        self.sources.iter().map(|s| s.label.clone()).collect()
    }

    /// Where the user set exactly `path` (the key itself when `about_key`), if anywhere:
    /// unlike [`UserValues::origin`], no enclosing key stands in for it.
    pub fn set_at(&self, path: &KeyPath, about_key: bool) -> Option<Origin> {
        self.sources.iter().rev().find_map(|s| s.origin_of(path, about_key))
    }

    /// Where the value at `path` came from: the last input that set it. For a key nobody
    /// set (a missing key), the nearest parent a values file sets, else a flag that set one.
    pub fn origin(&self, path: &KeyPath, about_key: bool) -> Origin {
        if let Some(origin) = self.set_at(path, about_key) {
            return origin;
        }
        let ancestors = || std::iter::successors(path.parent(), KeyPath::parent).filter(|p| !p.is_root());
        let from_files = ancestors().find_map(|p| {
            self.sources
                .iter()
                .rev()
                .filter(|s| matches!(s.paths, SourcePaths::File(_)))
                .find_map(|s| s.origin_of(&p, true))
        });
        from_files
            .or_else(|| {
                ancestors().find_map(|p| self.sources.iter().rev().find_map(|s| s.origin_of(&p, true)))
            })
            .unwrap_or(Origin::Default)
    }
}

/// The paths a flag's own values (`value`) set, over what the values held before it
/// (`before`, at the same place).
fn collect_paths(value: &Value, before: Option<&Value>, node: u32, into: &mut PathTree) {
    match value {
        Value::Map(m) => {
            let before = before.and_then(Value::as_map);
            for (k, v) in m {
                let child = into.child(node, Segment::Key(k.clone()));
                collect_paths(v, before.and_then(|b| b.get(k)), child, into);
            }
        }
        Value::List(l) => {
            let before = before.and_then(Value::as_list);
            for (i, v) in l.iter().enumerate() {
                let earlier = before.and_then(|b| b.get(i));
                // A null item where the list already had one is the padding that setting a
                // later index puts before it (`list[1]=x`): the earlier item stays, and so does
                // its origin. Padding beyond the earlier list is the flag's doing.
                if matches!(v, Value::Null) && earlier.is_some() {
                    continue;
                }
                let child = into.child(node, Segment::Index(i));
                collect_paths(v, earlier, child, into);
            }
        }
        _ => {}
    }
}

/// Loads one values file as Helm 4 does: every document (see [`split_documents`]) must be a
/// map (or empty), and the documents are merged in order.
pub(crate) fn load_values_file(
    name: &str,
    bytes: &[u8],
    warnings: &mut Vec<String>,
) -> Result<(Map, Positions), ValuesInputError> {
    load_values(name, bytes, warnings, true)
}

/// A chart's own `values.yaml`, read as [`load_values_file`] reads a user's file but without
/// noting where each value stands (nothing points the user to a chart's defaults).
pub(crate) fn load_chart_values(bytes: &[u8]) -> Result<Map, ValuesInputError> {
    let mut warnings = Vec::new();
    let (values, _) = load_values("values.yaml", bytes, &mut warnings, false)?;
    Ok(values)
}

fn load_values(
    name: &str,
    bytes: &[u8],
    warnings: &mut Vec<String>,
    with_positions: bool,
) -> Result<(Map, Positions), ValuesInputError> {
    let text = std::str::from_utf8(bytes).map_err(|e| ValuesInputError::NotUtf8 {
        name: name.to_string(),
        line: 1 + bytes[..e.valid_up_to()].iter().filter(|b| **b == b'\n').count(),
    })?;
    let mut values = Map::default();
    let mut positions = Positions::default();
    let documents = split_documents(text).map_err(|(line, found)| ValuesInputError::Separator {
        name: name.to_string(),
        line,
        found,
    })?;
    for (first_line, document) in documents {
        let yaml_error = |e: crate::yaml::YamlError| ValuesInputError::Yaml {
            name: name.to_string(),
            pos: Pos { line: e.pos.line + first_line - 1, col: e.pos.col },
            document_line: first_line,
            message: e.message,
        };
        // Helm's line reader ends every line with a line break, the last one too (a block
        // scalar on the last line of a file keeps its final line break).
        let document = if document.is_empty() || document.ends_with('\n') {
            std::borrow::Cow::Borrowed(document)
        } else {
            std::borrow::Cow::Owned(format!("{document}\n"))
        };
        let Some(document) = load_values_document(&document, with_positions).map_err(yaml_error)? else {
            continue;
        };
        let document = document.moved_down(first_line - 1);
        for (path, pos) in &document.duplicate_keys {
            warnings.push(format!("{name}:{pos}: key {path} is given twice; the last one wins"));
        }
        match document.root {
            None | Some(Value::Null) => {}
            Some(Value::Map(map)) => merge_maps(&mut values, map),
            Some(other) => {
                return Err(ValuesInputError::NotAMap {
                    name: name.to_string(),
                    pos: document
                        .positions
                        .locate(&KeyPath::root())
                        .unwrap_or(Pos { line: first_line, col: 1 }),
                    found: article(other.type_name()),
                });
            }
        }
        positions.merge(document.positions);
    }
    Ok((values, positions))
}

/// The documents of a values file as Helm 4 cuts it before go-yaml reads each one
/// (Kubernetes' `YAMLReader`), with the line each starts on: line by line, not by YAML's
/// rules. Every line that starts with `---` ends the document before it, and is left out;
/// when nothing came before it, it starts the next document instead. After the dashes only
/// spaces and a comment may follow; anything else is refused, with its line and what
/// follows (a line `-----END CERTIFICATE-----` of a quoted string written at column 0).
/// go-yaml then reads only the first YAML document of each piece (nothing after a `...`).
fn split_documents(text: &str) -> Result<Vec<(usize, &str)>, (usize, String)> {
    let bytes = text.as_bytes();
    let first = text.starts_with("---").then_some(0);
    let separators = first.into_iter().chain(memchr::memmem::find_iter(bytes, b"\n---").map(|i| i + 1));
    let mut documents = Vec::new();
    let (mut start, mut first_line) = (0, 1);
    // Lines are counted only up to where a separator stands.
    let (mut counted_to, mut line) = (0, 1);
    for at in separators {
        line += memchr::memchr_iter(b'\n', &bytes[counted_to..at]).count();
        counted_to = at;
        let end = memchr::memchr(b'\n', &bytes[at..]).map_or(text.len(), |i| at + i + 1);
        let rest = text[at + 3..end].trim();
        if !rest.is_empty() && !rest.starts_with('#') {
            return Err((line, rest.to_string()));
        }
        if at > start {
            documents.push((first_line, &text[start..at]));
            (start, first_line) = (end, line + 1);
        }
    }
    if text.len() > start {
        documents.push((first_line, &text[start..]));
    }
    Ok(documents)
}

fn article(type_name: &'static str) -> &'static str {
    match type_name {
        "list" => "a list",
        "string" => "a string",
        "number" => "a number",
        "boolean" => "a boolean",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn no_files(_: &str) -> Result<Vec<u8>, String> {
        Err("no files here".into())
    }

    #[test]
    fn later_inputs_win_and_origins_follow() {
        let inputs = ValueInputs {
            files: vec![
                ("a.yaml".into(), b"domain: a.example\nadmin:\n  enabled: false\n".to_vec()),
                ("b.yaml".into(), b"domain: b.example\n".to_vec()),
            ],
            set: vec!["admin.enabled=true".into()],
            ..Default::default()
        };
        let user = UserValues::collect(&inputs, &mut no_files).unwrap();
        assert_eq!(user.values["domain"], Value::String("b.example".into()));
        assert_eq!(
            user.origin(&KeyPath::from_dotted("domain"), false),
            Origin::File { name: "b.yaml".into(), pos: Some(Pos { line: 1, col: 9 }) }
        );
        assert_eq!(
            user.origin(&KeyPath::from_dotted("admin.enabled"), false),
            Origin::Flag("--set admin.enabled=true".into())
        );
        assert_eq!(
            user.origin(&KeyPath::from_dotted("admin.image"), false),
            Origin::File { name: "a.yaml".into(), pos: Some(Pos { line: 2, col: 1 }) }
        );
        assert_eq!(user.origin(&KeyPath::from_dotted("subnet"), false), Origin::Default);
        let long = Origin::Flag(format!("--set hostnames[0]={}", "é".repeat(200)));
        assert_eq!(long.to_string(), format!("--set hostnames[0]={}... (219 characters)", "é".repeat(61)));
        assert_eq!(Origin::Flag("--set a=b".into()).to_string(), "--set a=b");
    }

    /// A flag's paths are kept as a tree of single steps: a `--set` of list indexes nested
    /// 20,000 deep (60 KB of text) is 20,002 small nodes, not 20,000 paths of up to 20,000
    /// steps each (which took minutes and gigabytes). On a thread with the stack the command
    /// line gives its work, as values this deep are read, merged and dropped recursively.
    #[test]
    fn deeply_nested_flags_keep_their_paths_in_linear_memory() {
        let worker = std::thread::Builder::new().stack_size(super::super::engine::RENDER_STACK_SIZE);
        worker.spawn(deep_flag).unwrap().join().unwrap();
    }

    fn deep_flag() {
        let depth = 20_000;
        let inputs = ValueInputs { set: vec![format!("a{}=1", "[0]".repeat(depth))], ..Default::default() };
        let user = UserValues::collect(&inputs, &mut no_files).unwrap();
        let SourcePaths::Flag(tree) = &user.sources[0].paths else { panic!("a flag's paths") };
        assert_eq!(tree.len(), depth + 2);
        let deepest = KeyPath::from_json_pointer(
            &format!("/a{}", "/0".repeat(depth)),
            &Value::Map(user.values.clone()),
        );
        assert_eq!(deepest.segments().len(), depth + 1);
        let flag = Origin::Flag(user.input_labels()[0].clone());
        assert_eq!(user.set_at(&deepest, false), Some(flag));
        assert_eq!(user.set_at(&deepest.child_index(0), false), None);
    }

    #[test]
    fn flags_apply_in_helm_order_not_command_line_order() {
        // --set-string is applied after --set, whatever the order given.
        let inputs = ValueInputs {
            set_string: vec!["a=str".into()],
            set: vec!["a=1".into()],
            set_json: vec!["a=[1]".into()],
            ..Default::default()
        };
        let user = UserValues::collect(&inputs, &mut no_files).unwrap();
        assert_eq!(user.values["a"], Value::String("str".into()));
    }

    #[test]
    fn documents_merge_and_non_maps_are_refused() {
        let mut warnings = Vec::new();
        let (map, _) = load_values_file("v.yaml", b"a: 1\nb: 1\n---\nb: 2\n", &mut warnings).unwrap();
        assert_eq!(Value::Map(map).to_json(), serde_json::json!({"a": 1, "b": 2}));
        let err = load_values_file("v.yaml", b"- a\n- b\n", &mut warnings).unwrap_err();
        assert_eq!(err.to_string(), "v.yaml:1:1: a values document must be a map of keys, found a list");
        let err = load_values_file("v.yaml", b"a: 1\n\xff\n", &mut warnings).unwrap_err();
        assert_eq!(err.to_string(), "v.yaml: not valid UTF-8 text (invalid byte at line 2)");
        assert!(load_values_file("v.yaml", b"", &mut warnings).unwrap().0.is_empty());
    }

    #[test]
    fn files_are_cut_at_lines_starting_with_three_dashes_as_helm_4_does() {
        let pieces = |text| split_documents(text).unwrap();
        assert_eq!(pieces("a: 1\n---\nb: 2\n"), [(1, "a: 1\n"), (3, "b: 2\n")]);
        // A separator before which nothing stands starts the next piece.
        assert_eq!(pieces("---\n--- # c\na: 1\n---\n"), [(1, "---\n"), (3, "a: 1\n")]);
        assert_eq!(pieces("a: 1\n\n---\n\n"), [(1, "a: 1\n\n"), (4, "\n")]);
        assert_eq!(pieces("a: 1"), [(1, "a: 1")]);
        assert!(pieces("").is_empty());
        // Not YAML's rules: `...` ends nothing, and any line starting with `---` separates.
        assert_eq!(pieces("a: 1\n...\nb: 2\n---\t\r\n"), [(1, "a: 1\n...\nb: 2\n")]);
        assert_eq!(split_documents("a: \"x\n-----END-----\"\n"), Err((2, "--END-----\"".to_string())));
        assert_eq!(split_documents("a: 1\n--- b: 2\n"), Err((2, "b: 2".to_string())));

        let mut warnings = Vec::new();
        // go-yaml reads the first YAML document of each piece, each piece a text of its own
        // (a leading byte order mark is taken off).
        let text = "a: 1\n...\nc: 1\n---\n\u{feff}b: 2\nb: 3\n";
        let (map, positions) = load_values_file("v.yaml", text.as_bytes(), &mut warnings).unwrap();
        assert_eq!(Value::Map(map).to_json(), serde_json::json!({"a": 1, "b": 3}));
        assert_eq!(positions.value(&KeyPath::from_dotted("b")), Some(Pos { line: 6, col: 4 }));
        assert_eq!(warnings, ["v.yaml:6:1: key b is given twice; the last one wins"]);
        // A key after a `<<` merge overrides the merged one, as it is meant to; given twice
        // after it, it is a duplicate again.
        let mut warnings = Vec::new();
        let text = "base: &b {p: 1, q: 2}\nother: &o {q: 3}\nm:\n  <<: [*b, *o]\n  q: 4\n  p: 5\n  p: 6\n";
        let (map, _) = load_values_file("v.yaml", text.as_bytes(), &mut warnings).unwrap();
        assert_eq!(Value::Map(map).to_json()["m"], serde_json::json!({"p": 6, "q": 4}));
        assert_eq!(warnings, ["v.yaml:7:3: key m.p is given twice; the last one wins"]);
        let mut warnings = Vec::new();
        let err = load_values_file("v.yaml", b"a: 1\n---\nb: [\n", &mut warnings).unwrap_err();
        assert!(
            matches!(err, ValuesInputError::Yaml { pos: Pos { line: 4, .. }, document_line: 3, .. }),
            "{err:?}"
        );
        let err = load_values_file("v.yaml", b"a: 1\n---\n- x\n", &mut warnings).unwrap_err();
        assert_eq!(err.to_string(), "v.yaml:3:1: a values document must be a map of keys, found a list");
        let err = load_values_file("v.yaml", b"a: 1\n---x\n", &mut warnings).unwrap_err();
        assert_eq!(
            err.to_string(),
            "v.yaml:2: a line starting with `---` separates documents and may go on only with a comment, found `x`"
        );
    }

    #[test]
    fn a_charts_values_read_alike_without_positions() {
        let text = b"a: 1
b: &x {c: [1, 2.5, yes], d: null}
e: *x
b: 2
---
f: {g: h}
<<: {i: j}
";
        let (with, positions) = load_values_file("values.yaml", text, &mut Vec::new()).unwrap();
        assert!(positions.value(&KeyPath::from_dotted("f.g")).is_some());
        let without = load_chart_values(text).unwrap();
        assert_eq!(Value::Map(without).to_json(), Value::Map(with).to_json());
        for (bad, message) in [(&b"- a\n"[..], "found a list"), (b"a: [\n", "did not find expected")] {
            assert!(load_chart_values(bad).unwrap_err().to_string().contains(message), "{message}");
        }
    }
}
