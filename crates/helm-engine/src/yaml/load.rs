//! Reads YAML the way Helm does (go-yaml v2, YAML 1.1 scalars, then a trip through JSON), and
//! remembers where every node stood so that errors can name a line and column.

use std::collections::HashMap;

use saphyr_parser::{Event, Parser, ScalarStyle, Span};

use crate::strconv::{format_float_g, parse_float, parse_int, parse_uint};
use crate::value::{KeyPath, Map, Value};

/// A line and column in a source text, both counted from 1.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    /// The line.
    pub line: usize,
    /// The column.
    pub col: usize,
}

impl std::fmt::Display for Pos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.line, self.col)
    }
}

/// A YAML text that could not be read.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("line {}, column {}: {message}", pos.line, pos.col)]
pub struct YamlError {
    /// Where reading stopped.
    pub pos: Pos,
    /// Why.
    pub message: String,
}

impl YamlError {
    /// The error in go-yaml's words: `yaml: line N: message`, without the line when the
    /// problem is on the first line (go-yaml counts from 0 there and leaves it out).
    pub fn go_yaml_text(&self) -> String {
        if self.pos.line > 1 {
            format!("yaml: line {}: {}", self.pos.line, self.message)
        } else {
            format!("yaml: {}", self.message)
        }
    }
}

/// Where the nodes of one document stood.
#[derive(Clone, Debug, Default)]
pub struct Positions {
    /// The position of each node's value.
    pub values: HashMap<KeyPath, Pos>,
    /// The position of each mapping key.
    pub keys: HashMap<KeyPath, Pos>,
}

impl Positions {
    /// The best position for `path`: its value, else its key, else the nearest ancestor's.
    pub fn locate(&self, path: &KeyPath) -> Option<Pos> {
        let mut current = Some(path.clone());
        while let Some(p) = current {
            if let Some(pos) = self.values.get(&p).or_else(|| self.keys.get(&p)) {
                return Some(*pos);
            }
            current = p.parent();
        }
        None
    }

    /// The position of the key that introduces `path`, else [`Positions::locate`].
    pub fn locate_key(&self, path: &KeyPath) -> Option<Pos> {
        self.keys.get(path).copied().or_else(|| self.locate(path))
    }
}

/// One parsed document. `root` is `None` for an empty document.
#[derive(Clone, Debug)]
pub struct YamlDocument {
    /// The document's value, with Helm's typing (numbers are floats).
    pub root: Option<Value>,
    /// Where each node stood.
    pub positions: Positions,
    /// Keys that appeared twice in one mapping (the last one wins, as in Helm).
    pub duplicate_keys: Vec<(KeyPath, Pos)>,
    /// The line the document starts on (its `---`, when it has one).
    pub start_line: usize,
}

/// How many nodes alias expansion may produce before the input counts as an attack.
const ALIAS_EXPANSION_BUDGET: usize = 1_000_000;

/// Parses every document of `text`, every number a float as Helm reads values.
pub fn load_yaml_documents(text: &str) -> Result<Vec<YamlDocument>, YamlError> {
    load(text, false)
}

/// Parses every document of `text`, keeping integers (`52428800`) apart from floats
/// (`5.24288e+07`, `80.0`): for comparing what two renderers printed, where the difference
/// matters to whoever reads the manifest.
pub fn load_yaml_documents_keeping_integers(text: &str) -> Result<Vec<YamlDocument>, YamlError> {
    load(text, true)
}

fn load(text: &str, keep_integers: bool) -> Result<Vec<YamlDocument>, YamlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut builder = Builder { keep_integers, ..Builder::default() };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| YamlError {
            pos: Pos { line: e.marker().line(), col: e.marker().col() + 1 },
            message: e.info().to_string(),
        })?;
        builder.event(event, span)?;
    }
    Ok(builder.documents)
}

enum Frame {
    Map { map: Map, path: KeyPath, anchor: usize, key: Option<PendingKey> },
    List { list: Vec<Value>, path: KeyPath, anchor: usize },
}

struct PendingKey {
    name: String,
    merge: bool,
}

#[derive(Default)]
struct Builder {
    documents: Vec<YamlDocument>,
    stack: Vec<Frame>,
    anchors: HashMap<usize, Value>,
    positions: Positions,
    duplicate_keys: Vec<(KeyPath, Pos)>,
    root: Option<Value>,
    expanded: usize,
    start_line: usize,
    keep_integers: bool,
}

fn pos_of(span: &Span) -> Pos {
    Pos { line: span.start.line(), col: span.start.col() + 1 }
}

impl Builder {
    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let pos = pos_of(&span);
        match event {
            Event::StreamStart | Event::StreamEnd | Event::Nothing => {}
            Event::DocumentStart(_) => {
                self.start_line = pos.line;
                self.anchors.clear();
                self.positions = Positions::default();
                self.duplicate_keys.clear();
                self.root = None;
            }
            Event::DocumentEnd => {
                self.documents.push(YamlDocument {
                    root: self.root.take(),
                    positions: std::mem::take(&mut self.positions),
                    duplicate_keys: std::mem::take(&mut self.duplicate_keys),
                    start_line: self.start_line,
                });
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = tag.map(|t| t.to_string());
                if self.expects_key() {
                    let scalar = resolve_scalar(&text, style, tag.as_deref());
                    let merge = style == ScalarStyle::Plain && text == "<<";
                    let name = key_string(scalar).map_err(|message| YamlError { pos, message })?;
                    let path = self.child_path_for_key(&name);
                    if let Some(Frame::Map { map, key, .. }) = self.stack.last_mut() {
                        if !merge && map.contains_key(&name) {
                            self.duplicate_keys.push((path.clone(), pos));
                        }
                        *key = Some(PendingKey { name, merge });
                    }
                    self.positions.keys.insert(path, pos);
                    return Ok(());
                }
                let path = self.child_path();
                self.positions.values.insert(path, pos);
                let value = match resolve_scalar(&text, style, tag.as_deref()) {
                    Scalar::Int(i) if self.keep_integers => Value::Int(i),
                    scalar => scalar.into_value(),
                };
                if let Value::Float(f) = value
                    && !f.is_finite()
                {
                    return Err(YamlError {
                        pos,
                        message: format!("unsupported value {} (JSON cannot hold it)", format_float_g(f, 64)),
                    });
                }
                self.complete(value, anchor, pos)?;
            }
            Event::SequenceStart(anchor, _) => {
                self.refuse_complex_key(pos)?;
                let path = self.child_path();
                self.positions.values.insert(path.clone(), pos);
                self.stack.push(Frame::List { list: Vec::new(), path, anchor });
            }
            Event::MappingStart(anchor, _) => {
                self.refuse_complex_key(pos)?;
                let path = self.child_path();
                self.positions.values.insert(path.clone(), pos);
                self.stack.push(Frame::Map { map: Map::new(), path, anchor, key: None });
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match self.stack.pop() {
                    Some(Frame::List { list, anchor, .. }) => (Value::List(list), anchor),
                    Some(Frame::Map { map, anchor, .. }) => (Value::Map(map), anchor),
                    None => return Ok(()),
                };
                self.complete(value, anchor, pos)?;
            }
            Event::Alias(id) => {
                if self.expects_key() {
                    return Err(YamlError {
                        pos,
                        message: "an alias cannot be used as a mapping key here".into(),
                    });
                }
                let value = self
                    .anchors
                    .get(&id)
                    .cloned()
                    .ok_or_else(|| YamlError { pos, message: "unknown anchor".into() })?;
                self.expanded += count_nodes(&value);
                if self.expanded > ALIAS_EXPANSION_BUDGET {
                    return Err(YamlError { pos, message: "document contains excessive aliasing".into() });
                }
                let path = self.child_path();
                self.positions.values.insert(path, pos);
                self.complete(value, 0, pos)?;
            }
        }
        Ok(())
    }

    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    fn refuse_complex_key(&self, pos: Pos) -> Result<(), YamlError> {
        if self.expects_key() {
            return Err(YamlError { pos, message: "a mapping or list cannot be a mapping key".into() });
        }
        Ok(())
    }

    fn child_path_for_key(&self, name: &str) -> KeyPath {
        match self.stack.last() {
            Some(Frame::Map { path, .. }) => path.child_key(name),
            _ => KeyPath::root(),
        }
    }

    /// The path of the node that is about to start.
    fn child_path(&self) -> KeyPath {
        match self.stack.last() {
            Some(Frame::Map { path, key: Some(k), .. }) => path.child_key(&k.name),
            Some(Frame::List { path, list, .. }) => path.child_index(list.len()),
            _ => KeyPath::root(),
        }
    }

    fn complete(&mut self, value: Value, anchor: usize, pos: Pos) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::List { list, .. }) => list.push(value),
            Some(Frame::Map { map, key, .. }) => {
                let Some(pending) = key.take() else {
                    return Err(YamlError { pos, message: "unexpected value in mapping".into() });
                };
                if pending.merge {
                    merge_into(map, value).map_err(|message| YamlError { pos, message })?;
                } else {
                    map.insert(pending.name, value);
                }
            }
        }
        Ok(())
    }
}

/// go-yaml v2's `<<` merge: the merged mapping's keys are set in order, each source in turn.
fn merge_into(map: &mut Map, value: Value) -> Result<(), String> {
    match value {
        Value::Map(m) => {
            map.extend(m);
            Ok(())
        }
        Value::List(items) => {
            for item in items {
                match item {
                    Value::Map(m) => map.extend(m),
                    _ => {
                        return Err("map merge requires map or sequence of maps as the value".into());
                    }
                }
            }
            Ok(())
        }
        _ => Err("map merge requires map or sequence of maps as the value".into()),
    }
}

fn count_nodes(value: &Value) -> usize {
    match value {
        Value::List(l) => 1 + l.iter().map(count_nodes).sum::<usize>(),
        Value::Map(m) => 1 + m.values().map(count_nodes).sum::<usize>(),
        _ => 1,
    }
}

/// A mapping key as JSON needs it: a string, with booleans and numbers spelled out.
fn key_string(scalar: Scalar) -> Result<String, String> {
    match scalar {
        Scalar::Str(s) => Ok(s),
        Scalar::Bool(b) => Ok(b.to_string()),
        Scalar::Int(i) => Ok(i.to_string()),
        Scalar::Uint(u) => Ok(u.to_string()),
        Scalar::Float(f) => Ok(match format_float_g(f, 32).as_str() {
            "+Inf" => ".inf".into(),
            "-Inf" => "-.inf".into(),
            "NaN" => ".nan".into(),
            s => s.to_string(),
        }),
        Scalar::Null => Err("a null mapping key is not supported".into()),
    }
}

/// A scalar as go-yaml v2 types it, before the JSON round trip turns numbers into floats.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Scalar {
    Null,
    Bool(bool),
    Int(i64),
    Uint(u64),
    Float(f64),
    Str(String),
}

impl Scalar {
    /// The value Helm ends up with: every number a float.
    pub(super) fn into_value(self) -> Value {
        match self {
            Scalar::Null => Value::Null,
            Scalar::Bool(b) => Value::Bool(b),
            Scalar::Int(i) => Value::Float(i as f64),
            Scalar::Uint(u) => Value::Float(u as f64),
            Scalar::Float(f) => Value::Float(f),
            Scalar::Str(s) => Value::String(s),
        }
    }
}

/// Resolves a scalar with YAML 1.1 rules as go-yaml v2 does, then gives numbers the type a
/// JSON round trip gives them (every number a float), as Helm's values loading does. Keys are
/// resolved the same way but keep integers, so that `010: x` becomes key `8`.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&str>) -> Scalar {
    let explicit = tag.map(|t| t.trim_start_matches("tag:yaml.org,2002:").trim_start_matches("!!"));
    match explicit {
        Some("str") => return Scalar::Str(text.to_string()),
        Some("null") => return Scalar::Null,
        Some("bool" | "int" | "float") => {}
        Some(_) => return Scalar::Str(text.to_string()),
        None if style != ScalarStyle::Plain => return Scalar::Str(text.to_string()),
        None => {}
    }
    resolve_plain(text)
}

/// go-yaml v2's implicit typing of a plain scalar.
pub(super) fn resolve_plain(text: &str) -> Scalar {
    match text {
        "" | "~" | "null" | "Null" | "NULL" => return Scalar::Null,
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
            return Scalar::Bool(true);
        }
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            return Scalar::Bool(false);
        }
        ".nan" | ".NaN" | ".NAN" => return Scalar::Float(f64::NAN),
        ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" => {
            return Scalar::Float(f64::INFINITY);
        }
        "-.inf" | "-.Inf" | "-.INF" => return Scalar::Float(f64::NEG_INFINITY),
        _ => {}
    }
    let first = text.as_bytes()[0];
    if first == b'.' {
        return parse_float(text).map_or_else(|| Scalar::Str(text.into()), Scalar::Float);
    }
    if !(first.is_ascii_digit() || first == b'+' || first == b'-') {
        return Scalar::Str(text.to_string());
    }
    let plain: String = text.chars().filter(|c| *c != '_').collect();
    if let Some(i) = parse_int(&plain, 0) {
        return Scalar::Int(i);
    }
    if let Some(u) = parse_uint(&plain, 0) {
        return Scalar::Uint(u);
    }
    if is_yaml_style_float(&plain)
        && let Some(f) = parse_float(&plain)
    {
        return Scalar::Float(f);
    }
    // go-yaml's own reading of YAML 1.1 binary, where Go's base prefix rules failed.
    let binary = match plain.strip_prefix("-0b") {
        Some(digits) => parse_int(&format!("-{digits}"), 2),
        None => plain.strip_prefix("0b").and_then(|digits| parse_int(digits, 2)),
    };
    match binary {
        Some(i) => Scalar::Int(i),
        None => Scalar::Str(text.to_string()),
    }
}

/// go-yaml v2's `yamlStyleFloat`: `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
fn is_yaml_style_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
        i += 1;
    }
    let int_start = i;
    while i < b.len() && b[i].is_ascii_digit() {
        i += 1;
    }
    let int_digits = i - int_start;
    if i < b.len() && b[i] == b'.' {
        i += 1;
        let frac_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if int_digits == 0 && i == frac_start {
            return false;
        }
    } else if int_digits == 0 {
        return false;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exp_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exp_start {
            return false;
        }
    }
    i == b.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> Value {
        load_yaml_documents(text).unwrap().remove(0).root.unwrap()
    }

    fn scalar(text: &str) -> Value {
        resolve_plain(text).into_value()
    }

    #[test]
    fn yaml_1_1_scalars_resolve_like_helm() {
        assert_eq!(scalar("yes"), Value::Bool(true));
        assert_eq!(scalar("On"), Value::Bool(true));
        assert_eq!(scalar("off"), Value::Bool(false));
        assert_eq!(scalar("n"), Value::Bool(false));
        assert_eq!(scalar("010"), Value::Float(8.0));
        assert_eq!(scalar("0x1F"), Value::Float(31.0));
        assert_eq!(scalar("0o17"), Value::Float(15.0));
        assert_eq!(scalar("1_000"), Value::Float(1000.0));
        assert_eq!(scalar("1e3"), Value::Float(1000.0));
        assert_eq!(scalar("08"), Value::Float(8.0));
        assert_eq!(scalar("0b101"), Value::Float(5.0));
        assert_eq!(scalar("-0b101"), Value::Float(-5.0));
        assert_eq!(scalar(".5"), Value::Float(0.5));
        assert_eq!(scalar("5432"), Value::Float(5432.0));
        assert_eq!(scalar("2024-01-02"), Value::String("2024-01-02".into()));
        assert_eq!(scalar("12:30"), Value::String("12:30".into()));
        assert_eq!(scalar("~"), Value::Null);
        assert_eq!(scalar("-"), Value::String("-".into()));
        assert_eq!(scalar("1.2.3"), Value::String("1.2.3".into()));
        assert_eq!(scalar("18446744073709551615"), Value::Float(18446744073709551615.0));
        assert_eq!(scalar("1e400"), Value::String("1e400".into()));
        assert_eq!(scalar("1e-400"), Value::Float(0.0));
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        assert_eq!(one("a: \"yes\"\nb: '5'\nc: !!str 7"), {
            let mut m = Map::new();
            m.insert("a".into(), Value::String("yes".into()));
            m.insert("b".into(), Value::String("5".into()));
            m.insert("c".into(), Value::String("7".into()));
            Value::Map(m)
        });
    }

    #[test]
    fn keys_are_stringified_like_json_conversion() {
        let v = one("n: 3\ny: 1\n010: x\n1.5: f\n1234567: big\n");
        let keys: Vec<_> = v.as_map().unwrap().keys().cloned().collect();
        assert_eq!(keys, ["false", "true", "8", "1.5", "1234567"]);
    }

    #[test]
    fn positions_are_recorded_for_values_and_keys() {
        let docs = load_yaml_documents("a:\n  b: 1\nlist:\n  - x\n  - y\n").unwrap();
        let p = &docs[0].positions;
        assert_eq!(p.values[&KeyPath::from_dotted("a.b")], Pos { line: 2, col: 6 });
        assert_eq!(p.keys[&KeyPath::from_dotted("a.b")], Pos { line: 2, col: 3 });
        assert_eq!(p.values[&KeyPath::from_dotted("list").child_index(1)], Pos { line: 5, col: 5 });
    }

    #[test]
    fn anchors_aliases_and_merge_keys_work() {
        let v = one("base: &b {p: 1, q: 2}\nother:\n  <<: *b\n  q: 3\ncopy: *b\n");
        assert_eq!(v.get_dotted("other.p"), Some(&Value::Float(1.0)));
        assert_eq!(v.get_dotted("other.q"), Some(&Value::Float(3.0)));
        assert_eq!(v.get_dotted("copy.q"), Some(&Value::Float(2.0)));
    }

    #[test]
    fn billion_laughs_is_refused() {
        let mut text = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        let mut prev = 'a';
        for name in 'b'..='k' {
            text.push_str(&format!("{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"));
            prev = name;
        }
        let err = load_yaml_documents(&text).unwrap_err();
        assert!(err.message.contains("excessive aliasing"), "{err}");
    }

    #[test]
    fn syntax_errors_carry_a_line() {
        let err = load_yaml_documents("a: 1\nb: [1, 2\n").unwrap_err();
        assert!(err.pos.line >= 2, "{err:?}");
    }

    #[test]
    fn duplicate_keys_are_reported_and_the_last_wins() {
        let docs = load_yaml_documents("a: 1\na: 2\n").unwrap();
        assert_eq!(docs[0].duplicate_keys.len(), 1);
        assert_eq!(docs[0].root.as_ref().unwrap().get_dotted("a"), Some(&Value::Float(2.0)));
    }

    #[test]
    fn infinity_is_refused_as_json_would() {
        assert!(load_yaml_documents("a: .inf\n").is_err());
    }
}
