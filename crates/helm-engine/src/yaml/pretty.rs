//! Writes YAML as go-yaml v3's encoder writes a Go value with a two-space indent: Helm's
//! `toYamlPretty`.
//!
//! Unlike `toYaml` there is no trip through JSON, so numbers keep their Go type (a float64
//! prints in Go's shortest form, `1e+06`, and NaN as `.nan`), a struct's fields come in their
//! declaration order, and bytes that are not UTF-8 are written as `!!binary` base64. The
//! layout differs too: a list under a key is indented below it, and no line is folded.

use super::emit::{Emitter, MAX_DEPTH, Style, is_plain_word, string_style};
use crate::base64::base64_encode;
use crate::value::Value;

/// Writes `value` as Helm's `toYamlPretty` writes a value read from values files or `--set`
/// (floats from files, integers from `--set`), ending in "\n", which Helm trims. A value
/// nested deeper than the 10,000 levels a values file may have gives an empty result.
pub fn to_yaml_pretty(value: &Value) -> String {
    node_of(value, 0).map(|node| pretty_document(&node)).unwrap_or_default()
}

/// A value as go-yaml v3 sees the Go value Helm holds for it; `None` past [`MAX_DEPTH`]
/// levels.
fn node_of(value: &Value, depth: usize) -> Option<PrettyNode> {
    if depth > MAX_DEPTH {
        return None;
    }
    let nested = |v: &Value| node_of(v, depth + 1);
    Some(match value {
        Value::Null => PrettyNode::Null,
        Value::Bool(b) => PrettyNode::Bool(*b),
        Value::Int(i) => PrettyNode::Int(*i),
        Value::Float(f) => PrettyNode::Float(*f),
        Value::String(s) => PrettyNode::Str(s.clone()),
        Value::List(items) => PrettyNode::List(items.iter().map(nested).collect::<Option<_>>()?),
        Value::Map(map) => {
            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
            let ordered = go_map_order(&keys).into_iter().filter_map(|i| map.get_index(i));
            PrettyNode::Map(
                ordered
                    .map(|(k, v)| Some((PrettyNode::Str(k.clone()), nested(v)?)))
                    .collect::<Option<_>>()?,
            )
        }
    })
}

/// A Go value as go-yaml v3's encoder sees it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum PrettyNode {
    /// A nil interface, pointer or map value.
    Null,
    Bool(bool),
    /// A signed integer of any size (`int`, `int64`, and integer types such as `time.Month`).
    Int(i64),
    /// An unsigned integer (a byte of a `[]byte`).
    Uint(u64),
    Float(f64),
    /// A string, written plain when it reads back as the same string, else quoted or as a
    /// literal block.
    Str(String),
    /// A text written plain whatever it would read as (a `time.Time` in RFC 3339).
    Verbatim(String),
    /// A string that is not valid UTF-8: its bytes.
    Binary(Vec<u8>),
    List(Vec<PrettyNode>),
    /// Entries in the order they are written (a Go map's sorted by [`go_map_order`], a
    /// struct's fields in declaration order).
    Map(Vec<(PrettyNode, PrettyNode)>),
}

/// The order in which go-yaml writes a Go map with these keys, as indexes into `keys`.
pub(crate) fn go_map_order(keys: &[&str]) -> Vec<usize> {
    super::emit::key_order(keys, true)
}

/// One open block collection.
enum Frame<'a> {
    Seq { items: std::slice::Iter<'a, PrettyNode>, saved_indent: isize },
    Map { entries: std::slice::Iter<'a, (PrettyNode, PrettyNode)>, saved_indent: isize },
}

/// The document go-yaml v3's encoder writes for `root` with `SetIndent(2)`, ending in "\n".
pub(crate) fn pretty_document(root: &PrettyNode) -> String {
    let mut emitter = Emitter::v3();
    // An explicit stack rather than recursion: values may nest thousands of levels deep.
    let mut stack: Vec<Frame<'_>> = Vec::new();
    open(&mut emitter, root, &mut stack);
    while let Some(frame) = stack.last_mut() {
        match frame {
            Frame::Seq { items, saved_indent } => match items.next() {
                Some(item) => {
                    emitter.write_indent();
                    emitter.write_indicator("-", true, false, true);
                    open(&mut emitter, item, &mut stack);
                }
                None => {
                    emitter.indent = *saved_indent;
                    stack.pop();
                }
            },
            Frame::Map { entries, saved_indent } => match entries.next() {
                Some((key, value)) => {
                    key_node(&mut emitter, key);
                    open(&mut emitter, value, &mut stack);
                }
                None => {
                    emitter.indent = *saved_indent;
                    stack.pop();
                }
            },
        }
    }
    // The implicit document end finishes the last line.
    emitter.write_indent();
    emitter.out
}

/// Writes a scalar or an empty collection, or opens a block collection on `stack`.
fn open<'a>(emitter: &mut Emitter, node: &'a PrettyNode, stack: &mut Vec<Frame<'a>>) {
    // go-yaml v3 starts a sequence item's content after its `- ` and anything else at the
    // next multiple of the indent step; with a step of 2 every indent is even, so both are
    // two further (and a list under a key is indented, where v2 keeps it at the key's column).
    let nested_indent = |indent: isize| if indent < 0 { 0 } else { indent + 2 };
    match node {
        PrettyNode::List(items) if items.is_empty() => emitter.empty_collection("[]"),
        PrettyNode::Map(entries) if entries.is_empty() => emitter.empty_collection("{}"),
        PrettyNode::List(items) => {
            let saved_indent = emitter.indent;
            emitter.indent = nested_indent(saved_indent);
            stack.push(Frame::Seq { items: items.iter(), saved_indent });
        }
        PrettyNode::Map(entries) => {
            let saved_indent = emitter.indent;
            emitter.indent = nested_indent(saved_indent);
            stack.push(Frame::Map { entries: entries.iter(), saved_indent });
        }
        scalar => {
            let (tag, text, style) = scalar_parts(scalar);
            emitter.write_tag(tag);
            emitter.scalar(&text, style, false);
        }
    }
}

/// Writes a map key and its `:`.
fn key_node(emitter: &mut Emitter, key: &PrettyNode) {
    match key {
        PrettyNode::Str(text) => emitter.key(text),
        other => {
            let (tag, text, style) = scalar_parts(other);
            emitter.tagged_key(tag, &text, style);
        }
    }
}

/// A scalar's tag, text and requested style, as go-yaml v3's encoder chooses them; a
/// collection (which the callers never pass) as an empty string.
fn scalar_parts(node: &PrettyNode) -> (Option<&'static str>, std::borrow::Cow<'_, str>, Style) {
    use std::borrow::Cow;
    match node {
        PrettyNode::Null => (None, Cow::Borrowed("null"), Style::Plain),
        PrettyNode::Bool(b) => (None, Cow::Borrowed(if *b { "true" } else { "false" }), Style::Plain),
        PrettyNode::Int(i) => (None, Cow::Owned(i.to_string()), Style::Plain),
        PrettyNode::Uint(u) => (None, Cow::Owned(u.to_string()), Style::Plain),
        PrettyNode::Float(f) => (None, Cow::Owned(float_text(*f)), Style::Plain),
        PrettyNode::Str(s) if is_plain_word(s) => (None, Cow::Borrowed(s), Style::Plain),
        PrettyNode::Str(s) => (None, Cow::Borrowed(s), string_style(s)),
        PrettyNode::Verbatim(s) => (None, Cow::Borrowed(s), Style::Plain),
        PrettyNode::Binary(bytes) => {
            let text = binary_text(bytes);
            let style = if text.contains('\n') { Style::Literal } else { Style::Plain };
            (Some("!!binary"), Cow::Owned(text), style)
        }
        PrettyNode::List(_) | PrettyNode::Map(_) => (None, Cow::Borrowed(""), Style::Plain),
    }
}

/// A float64 as go-yaml v3 writes it: Go's shortest `%g` form, YAML's words for the
/// special values.
fn float_text(f: f64) -> String {
    if f.is_nan() {
        ".nan".to_string()
    } else if f.is_infinite() {
        if f > 0.0 { ".inf" } else { "-.inf" }.to_string()
    } else {
        crate::strconv::format_float_g(f, 64)
    }
}

/// Base64 as go-yaml v3 writes binary data: one line when it is shorter than 70
/// characters, else lines of 70 each ending in a line break.
fn binary_text(bytes: &[u8]) -> String {
    const LINE: usize = 70;
    let encoded = base64_encode(bytes);
    if encoded.len() < LINE {
        return encoded;
    }
    let mut out = String::with_capacity(encoded.len() + encoded.len() / LINE + 1);
    for line in encoded.as_bytes().chunks(LINE) {
        // Base64 is ASCII, so every chunk is text.
        out.push_str(std::str::from_utf8(line).unwrap_or_default());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use PrettyNode::*;

    fn s(text: &str) -> PrettyNode {
        Str(text.to_string())
    }

    fn map(entries: Vec<(&str, PrettyNode)>) -> PrettyNode {
        Map(entries.into_iter().map(|(k, v)| (s(k), v)).collect())
    }

    #[test]
    fn lists_under_a_key_are_indented() {
        let doc = map(vec![
            ("a", List(vec![Int(1), map(vec![("b", List(vec![s("x")])), ("c", Null)])])),
            ("d", List(vec![List(vec![s("p"), s("q")]), List(vec![]), Map(vec![])])),
        ]);
        assert_eq!(
            pretty_document(&doc),
            "a:\n  - 1\n  - b:\n      - x\n    c: null\nd:\n  - - p\n    - q\n  - []\n  - {}\n"
        );
    }

    #[test]
    fn numbers_keep_their_go_type() {
        let doc = List(vec![Float(1e6), Float(2.5), Float(-0.0), Int(1_000_000), Uint(255)]);
        assert_eq!(pretty_document(&doc), "- 1e+06\n- 2.5\n- -0\n- 1000000\n- 255\n");
        let special = List(vec![Float(f64::NAN), Float(f64::INFINITY), Float(f64::NEG_INFINITY)]);
        assert_eq!(pretty_document(&special), "- .nan\n- .inf\n- -.inf\n");
    }

    #[test]
    fn long_lines_are_not_folded_and_tabs_are_quoted() {
        let long = ["word"; 40].join(" ");
        assert_eq!(pretty_document(&s(&long)), format!("{long}\n"));
        assert_eq!(pretty_document(&s("a\tb")), "\"a\\tb\"\n");
        // A tab does not keep a text with line breaks from being a literal block.
        assert_eq!(pretty_document(&map(vec![("k", s("a\tb\nc\n"))])), "k: |\n  a\tb\n  c\n");
    }

    #[test]
    fn binary_data_is_tagged_base64() {
        assert_eq!(pretty_document(&Binary(vec![0xff])), "!!binary /w==\n");
        assert_eq!(pretty_document(&Map(vec![(Binary(vec![0xff]), Int(1))])), "!!binary /w==: 1\n");
        let long = pretty_document(&map(vec![("k", Binary(vec![0xff; 60]))]));
        let lines: Vec<&str> = long.lines().collect();
        assert_eq!(lines[0], "k: !!binary |");
        assert_eq!(lines[1].len(), 2 + 70);
        assert_eq!(lines.len(), 3);
    }

    #[test]
    fn times_are_plain() {
        assert_eq!(pretty_document(&Verbatim("2020-03-04T00:00:00Z".into())), "2020-03-04T00:00:00Z\n");
        assert_eq!(pretty_document(&s("2020-03-04T00:00:00Z")), "\"2020-03-04T00:00:00Z\"\n");
    }
}
