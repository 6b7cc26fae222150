//! Writes YAML exactly as Helm's `toYaml` does: `sigs.k8s.io/yaml.Marshal`, which turns the
//! value into JSON, reads that JSON back with go-yaml v2 and marshals the result with go-yaml
//! v2's emitter (block style, two-space indent, lines folded after column 80).
//!
//! The JSON trip matters and is reproduced here: numbers get go-yaml's integer-or-float
//! typing, keys get go-yaml's "natural" order, a raw U+0085 inside a string is folded like a
//! line break, and inputs that one of the steps refuses make the whole result empty (Helm's
//! `toYaml` swallows the error and prints nothing).
//!
//! The scalar writing also serves `toYamlPretty` (`pretty.rs`), with go-yaml v3's few
//! differences switched on by [`Emitter::v3`].

use std::borrow::Cow;

use crate::strconv::{format_float_g, format_float_json};
use crate::value::Value;
use crate::yaml::load::{Scalar, null_or_bool_word, resolve_plain};

/// How map keys are ordered.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum KeyOrder {
    /// go-yaml's order, as Helm's `toYaml` prints maps: letters after other characters, runs
    /// of digits compared as numbers (`a9` before `a10`, `_x` before `A`).
    Sorted,
    /// The map's insertion order (for Kubernetes objects, whose field order we choose).
    AsGiven,
}

/// Emits one value as a YAML document the way go-yaml v2 marshals it, ending in "\n"
/// (Helm's toYaml then trims the final newline; callers do that).
///
/// Where Helm's `toYaml` fails and prints nothing, the result is empty: a NaN or infinite
/// number (JSON has none), a string holding U+007F, a C1 control other than U+0085, U+FFFE or
/// U+FFFF (go-yaml refuses to read them back), a key holding U+0085 or whose JSON spelling is
/// longer than 1024 characters, a U+0085 followed by `--- ` or `... `, and nesting deeper than
/// 10000 maps and lists.
pub fn to_yaml(value: &Value, order: KeyOrder) -> String {
    let mut out = String::new();
    push_yaml(value, order, &mut out);
    out
}

/// [`to_yaml`] appended to `out`, which is empty or ends a line (nothing is appended where
/// `to_yaml` gives an empty result).
pub fn push_yaml(value: &Value, order: KeyOrder, out: &mut String) {
    let start = out.len();
    let mut emitter = Emitter { out: std::mem::take(out), ..Emitter::default() };
    let result = emitter.document(value, order);
    *out = emitter.out;
    if result.is_err() {
        out.truncate(start);
    }
}

/// Marks an input that Helm's `toYaml` cannot marshal.
#[derive(Debug)]
struct Refused;

/// go-yaml's line width: plain and quoted scalars fold at the first space after this column.
const BEST_WIDTH: usize = 80;
/// go-yaml's indentation step.
const BEST_INDENT: isize = 2;
/// Keys longer than this (in bytes) are written as `? key` complex keys.
const SIMPLE_KEY_MAX: usize = 128;
/// go-yaml's reader gives up on a key whose JSON spelling runs longer than this (characters).
const JSON_KEY_MAX: usize = 1024;
/// go-yaml's reader gives up on JSON nested deeper than this.
pub(super) const MAX_DEPTH: usize = 10_000;

/// The scalar styles go-yaml chooses between.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Style {
    Plain,
    Single,
    Double,
    Literal,
}

/// One open block collection while emitting.
enum Frame<'a> {
    Seq { items: std::slice::Iter<'a, Value>, saved_indent: isize },
    Map { entries: Entries<'a>, saved_indent: isize },
}

/// A map's entries in the order they are written: the map's own, or sorted.
enum Entries<'a> {
    AsGiven(indexmap::map::Iter<'a, String, Value>),
    Sorted(std::vec::IntoIter<(&'a String, &'a Value)>),
}

impl<'a> Iterator for Entries<'a> {
    type Item = (&'a String, &'a Value);

    fn next(&mut self) -> Option<Self::Item> {
        match self {
            Entries::AsGiven(entries) => entries.next(),
            Entries::Sorted(entries) => entries.next(),
        }
    }
}

/// The emitter's output and its position, with the same bookkeeping go-yaml keeps: whether
/// the last thing written was whitespace, and whether only indentation is on the line so far.
pub(super) struct Emitter {
    pub(super) out: String,
    column: usize,
    pub(super) indent: isize,
    whitespace: bool,
    indention: bool,
    /// Writes scalars as go-yaml v3 does (see [`Emitter::v3`]).
    v3: bool,
}

impl Default for Emitter {
    fn default() -> Self {
        Emitter { out: String::new(), column: 0, indent: -1, whitespace: true, indention: true, v3: false }
    }
}

impl Emitter {
    /// An emitter that writes scalars as go-yaml v3 does: no line is folded, and a tab keeps
    /// a text from being plain or single-quoted (v2 only writes it double-quoted) but not
    /// from being a literal block.
    pub(super) fn v3() -> Self {
        Emitter { v3: true, ..Emitter::default() }
    }

    /// The column after which plain and quoted scalars fold at a space.
    fn width(&self) -> usize {
        if self.v3 { usize::MAX } else { BEST_WIDTH }
    }

    fn document(&mut self, root: &Value, order: KeyOrder) -> Result<(), Refused> {
        // An explicit stack rather than recursion: nesting may be as deep as go-yaml allows.
        let mut stack: Vec<Frame<'_>> = Vec::new();
        self.node(root, false, order, &mut stack)?;
        while let Some(frame) = stack.last_mut() {
            match frame {
                Frame::Seq { items, saved_indent } => match items.next() {
                    Some(item) => {
                        self.write_indent();
                        self.write_indicator("-", true, false, true);
                        self.node(item, false, order, &mut stack)?;
                    }
                    None => {
                        self.indent = *saved_indent;
                        stack.pop();
                    }
                },
                Frame::Map { entries, saved_indent } => match entries.next() {
                    Some((key, value)) => {
                        self.key(key);
                        self.node(value, true, order, &mut stack)?;
                    }
                    None => {
                        self.indent = *saved_indent;
                        stack.pop();
                    }
                },
            }
        }
        // The implicit document end: finish the last line.
        self.write_indent();
        Ok(())
    }

    /// Writes a scalar or an empty collection, or opens a block collection on `stack`.
    /// `in_mapping` is go-yaml's mapping context: the node is a mapping value.
    fn node<'a>(
        &mut self,
        value: &'a Value,
        in_mapping: bool,
        order: KeyOrder,
        stack: &mut Vec<Frame<'a>>,
    ) -> Result<(), Refused> {
        match value {
            Value::Null => self.scalar("null", Style::Plain, false),
            Value::Bool(b) => self.scalar(if *b { "true" } else { "false" }, Style::Plain, false),
            Value::Int(i) => self.word(&i.to_string()),
            Value::Float(f) => self.scalar(&number_text(*f)?, Style::Plain, false),
            Value::String(s) if is_plain_word(s) => self.word(s),
            Value::String(s) => {
                let s = reread_string(s)?;
                self.scalar(&s, string_style(&s), false);
            }
            Value::List(items) => {
                check_depth(stack)?;
                if items.is_empty() {
                    self.empty_collection("[]");
                } else {
                    // A list that is a mapping value right after `key:` is not indented.
                    let indentless = in_mapping && !self.indention;
                    let saved_indent = self.indent;
                    self.indent = if saved_indent < 0 {
                        0
                    } else if indentless {
                        saved_indent
                    } else {
                        saved_indent + BEST_INDENT
                    };
                    stack.push(Frame::Seq { items: items.iter(), saved_indent });
                }
            }
            Value::Map(map) => {
                check_depth(stack)?;
                if map.is_empty() {
                    self.empty_collection("{}");
                } else {
                    for key in map.keys() {
                        check_key(key)?;
                    }
                    let entries = match order {
                        KeyOrder::AsGiven => Entries::AsGiven(map.iter()),
                        KeyOrder::Sorted => {
                            let keys: Vec<&str> = map.keys().map(String::as_str).collect();
                            let sorted: Vec<_> = key_order(&keys, false)
                                .into_iter()
                                .filter_map(|i| map.get_index(i))
                                .collect();
                            Entries::Sorted(sorted.into_iter())
                        }
                    };
                    let saved_indent = self.indent;
                    self.indent = if saved_indent < 0 { 0 } else { saved_indent + BEST_INDENT };
                    stack.push(Frame::Map { entries, saved_indent });
                }
            }
        }
        Ok(())
    }

    /// Writes a key and the `:` after it, as a simple key when it fits on one line within
    /// go-yaml's limit, else as a `? key` complex key.
    pub(super) fn key(&mut self, key: &str) {
        if key.len() <= SIMPLE_KEY_MAX && is_plain_word(key) {
            self.write_indent();
            self.word(key);
            self.write_indicator(":", false, false, false);
            return;
        }
        self.tagged_key(None, key, string_style(key));
    }

    /// [`Emitter::key`] for a key in a given style, after a tag if there is one.
    pub(super) fn tagged_key(&mut self, tag: Option<&str>, key: &str, style: Style) {
        self.write_indent();
        let multiline = key.chars().any(is_break);
        if !multiline && tag.map_or(0, str::len) + key.len() <= SIMPLE_KEY_MAX {
            self.write_tag(tag);
            self.scalar(key, style, true);
            self.write_indicator(":", false, false, false);
        } else {
            self.write_indicator("?", true, false, true);
            self.write_tag(tag);
            self.scalar(key, style, false);
            self.write_indent();
            self.write_indicator(":", true, false, true);
        }
    }

    /// Writes a node's tag (`!!binary`), if it has one, before its content.
    pub(super) fn write_tag(&mut self, tag: Option<&str>) {
        if let Some(tag) = tag {
            if !self.whitespace {
                self.put(' ');
            }
            self.out.push_str(tag);
            self.column += tag.chars().count();
            self.whitespace = false;
            self.indention = false;
        }
    }

    /// Writes a text that [`is_plain_word`] approves, as [`Emitter::scalar`] would write it.
    pub(super) fn word(&mut self, text: &str) {
        if !self.whitespace {
            self.put(' ');
        }
        self.out.push_str(text);
        self.column += text.len();
        self.whitespace = false;
        self.indention = false;
    }

    pub(super) fn empty_collection(&mut self, text: &str) {
        let (open, close) = text.split_at(1);
        self.write_indicator(open, true, true, false);
        self.write_indicator(close, false, false, false);
    }

    /// Writes a scalar in the requested style or the next one go-yaml falls back to.
    pub(super) fn scalar(&mut self, text: &str, requested: Style, simple_key: bool) {
        // Most texts are ASCII: their bytes are their characters, and reading bytes saves
        // decoding UTF-8 and a copy, a good part of the cost of emitting large ConfigMaps.
        if text.is_ascii() {
            self.scalar_units(text.as_bytes(), requested, simple_key);
        } else {
            self.scalar_units(&text.chars().collect::<Vec<char>>(), requested, simple_key);
        }
    }

    fn scalar_units<U: Unit>(&mut self, text: &[U], requested: Style, simple_key: bool) {
        let analysis = scan(text, self.v3);
        let style = select_style(requested, &analysis, text.is_empty(), simple_key);
        let saved_indent = self.indent;
        self.indent = if saved_indent < 0 { BEST_INDENT } else { saved_indent + BEST_INDENT };
        // Simple keys must stay on one line.
        let allow_breaks = !simple_key;
        match style {
            Style::Plain => self.write_plain(text, allow_breaks),
            Style::Single => self.write_single_quoted(text, allow_breaks),
            Style::Double => self.write_double_quoted(text, allow_breaks),
            Style::Literal => self.write_literal(text),
        }
        self.indent = saved_indent;
    }

    fn put(&mut self, c: char) {
        self.out.push(c);
        self.column += 1;
    }

    fn put_break(&mut self) {
        self.out.push('\n');
        self.column = 0;
    }

    /// Copies a line break from a scalar: `\n` as the output's break, others as they are.
    fn write_break(&mut self, c: char) {
        if c == '\n' {
            self.put_break();
        } else {
            self.out.push(c);
            self.column = 0;
        }
    }

    /// Starts a new line at the current indentation unless the line holds only indentation
    /// that is not past it.
    pub(super) fn write_indent(&mut self) {
        let indent = self.indent.max(0) as usize;
        if !self.indention || self.column > indent || (self.column == indent && !self.whitespace) {
            self.put_break();
        }
        while self.column < indent {
            self.put(' ');
        }
        self.whitespace = true;
        self.indention = true;
    }

    pub(super) fn write_indicator(
        &mut self,
        indicator: &str,
        need_whitespace: bool,
        is_whitespace: bool,
        is_indention: bool,
    ) {
        if need_whitespace && !self.whitespace {
            self.put(' ');
        }
        for c in indicator.chars() {
            self.put(c);
        }
        self.whitespace = is_whitespace;
        self.indention = self.indention && is_indention;
    }

    fn write_plain<U: Unit>(&mut self, chars: &[U], allow_breaks: bool) {
        if !self.whitespace {
            self.put(' ');
        }
        let mut spaces = false;
        let mut breaks = false;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i].ch();
            if c == ' ' {
                let next_is_space = chars.get(i + 1).map(|u| u.ch()) == Some(' ');
                if allow_breaks && !spaces && self.column > self.width() && !next_is_space {
                    // Fold: the line break reads back as this space.
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
                i += 1;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
                i += 1;
            } else {
                if breaks {
                    self.write_indent();
                }
                // A word goes out in one piece: nothing in it can fold or break.
                let end = U::find_space_or_break(&chars[i..]).map_or(chars.len(), |n| i + n);
                U::push_run(&chars[i..end], &mut self.out);
                self.column += end - i;
                self.indention = false;
                spaces = false;
                breaks = false;
                i = end;
            }
        }
        self.whitespace = false;
        self.indention = false;
    }

    fn write_single_quoted<U: Unit>(&mut self, chars: &[U], allow_breaks: bool) {
        self.write_indicator("'", true, false, false);
        let mut spaces = false;
        let mut breaks = false;
        let last = chars.len().saturating_sub(1);
        for (i, c) in chars.iter().map(|u| u.ch()).enumerate() {
            if c == ' ' {
                let next_is_space = chars.get(i + 1).map(|u| u.ch()) == Some(' ');
                if allow_breaks
                    && !spaces
                    && self.column > self.width()
                    && i > 0
                    && i < last
                    && !next_is_space
                {
                    self.write_indent();
                } else {
                    self.put(c);
                }
                spaces = true;
            } else if is_break(c) {
                if !breaks && c == '\n' {
                    self.put_break();
                }
                self.write_break(c);
                self.indention = true;
                breaks = true;
            } else {
                if breaks {
                    self.write_indent();
                }
                if c == '\'' {
                    self.put('\'');
                }
                self.put(c);
                self.indention = false;
                spaces = false;
                breaks = false;
            }
        }
        self.write_indicator("'", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    fn write_double_quoted<U: Unit>(&mut self, chars: &[U], allow_breaks: bool) {
        self.write_indicator("\"", true, false, false);
        // go-yaml escapes every character of a string that starts with a byte order mark.
        let starts_with_bom = chars.first().map(|u| u.ch()) == Some('\u{feff}');
        let mut spaces = false;
        let last = chars.len().saturating_sub(1);
        for (i, c) in chars.iter().map(|u| u.ch()).enumerate() {
            if starts_with_bom || !is_printable(c) || is_break(c) || c == '"' || c == '\\' {
                self.put('\\');
                self.write_escape(c);
                spaces = false;
            } else if c == ' ' {
                if allow_breaks && !spaces && self.column > self.width() && i > 0 && i < last {
                    self.write_indent();
                    // A space at the start of the continuation line would be lost on reading.
                    if chars.get(i + 1).map(|u| u.ch()) == Some(' ') {
                        self.put('\\');
                    }
                } else {
                    self.put(c);
                }
                spaces = true;
            } else {
                self.put(c);
                spaces = false;
            }
        }
        self.write_indicator("\"", false, false, false);
        self.whitespace = false;
        self.indention = false;
    }

    /// The part of a double-quoted escape after the backslash.
    fn write_escape(&mut self, c: char) {
        let short = match c {
            '\0' => Some('0'),
            '\u{7}' => Some('a'),
            '\u{8}' => Some('b'),
            '\t' => Some('t'),
            '\n' => Some('n'),
            '\u{b}' => Some('v'),
            '\u{c}' => Some('f'),
            '\r' => Some('r'),
            '\u{1b}' => Some('e'),
            '"' => Some('"'),
            '\\' => Some('\\'),
            '\u{85}' => Some('N'),
            '\u{a0}' => Some('_'),
            '\u{2028}' => Some('L'),
            '\u{2029}' => Some('P'),
            _ => None,
        };
        if let Some(letter) = short {
            self.put(letter);
            return;
        }
        let code = c as u32;
        let (letter, digits) = match code {
            0..=0xff => ('x', 2),
            0x100..=0xffff => ('u', 4),
            _ => ('U', 8),
        };
        self.put(letter);
        for shift in (0..digits).rev() {
            let digit = (code >> (shift * 4)) & 0xf;
            self.put(char::from_digit(digit, 16).unwrap_or('0').to_ascii_uppercase());
        }
    }

    fn write_literal<U: Unit>(&mut self, chars: &[U]) {
        self.write_indicator("|", true, false, false);
        // An explicit indentation when the first line's own indentation would be ambiguous.
        if matches!(chars.first().map(|u| u.ch()), Some(c) if c == ' ' || is_break(c)) {
            self.write_indicator("2", false, false, false);
        }
        if let Some(chomp) = chomping(chars) {
            self.write_indicator(chomp, false, false, false);
        }
        self.put_break();
        self.indention = true;
        self.whitespace = true;
        let mut breaks = true;
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i].ch();
            if is_break(c) {
                self.write_break(c);
                self.indention = true;
                breaks = true;
                i += 1;
            } else {
                if breaks {
                    self.write_indent();
                }
                // The rest of the line goes out in one piece.
                let end = U::find_break(&chars[i..]).map_or(chars.len(), |n| i + n);
                U::push_run(&chars[i..end], &mut self.out);
                self.column += end - i;
                self.indention = false;
                breaks = false;
                i = end;
            }
        }
    }
}

/// The chomping indicator of a literal block: `-` without a final line break, none with
/// exactly one, `+` with more (or when the text is a lone break).
fn chomping<U: Unit>(chars: &[U]) -> Option<&'static str> {
    match chars {
        [] => Some("-"),
        [.., last] if !is_break(last.ch()) => Some("-"),
        [_] => Some("+"),
        [.., before, _] if is_break(before.ch()) => Some("+"),
        _ => None,
    }
}

fn check_depth(stack: &[Frame<'_>]) -> Result<(), Refused> {
    if stack.len() >= MAX_DEPTH { Err(Refused) } else { Ok(()) }
}

/// How a number reads after the JSON trip: Go's JSON spelling, typed again by go-yaml, so an
/// integral float prints as an integer while its JSON form has no exponent and fits 64 bits.
fn number_text(f: f64) -> Result<String, Refused> {
    if !f.is_finite() {
        return Err(Refused);
    }
    let json = format_float_json(f);
    Ok(match resolve_plain(&json) {
        Scalar::Int(i) => i.to_string(),
        Scalar::Uint(u) => u.to_string(),
        Scalar::Float(g) => format_float_g(g, 64),
        _ => json,
    })
}

/// Characters Go's JSON encoder leaves raw and go-yaml's reader refuses.
fn unreadable(c: char) -> bool {
    matches!(c, '\u{7f}'..='\u{84}' | '\u{86}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// A map key as go-yaml reads it back from JSON: the same text, or a refusal.
fn check_key(key: &str) -> Result<(), Refused> {
    // ASCII spells each character in at most 6 JSON characters; DEL is the one it can refuse.
    if key.len() * 6 + 2 <= JSON_KEY_MAX && key.is_ascii() {
        return if key.contains('\u{7f}') { Err(Refused) } else { Ok(()) };
    }
    // A raw U+0085 is a line break to go-yaml, and a JSON key must stay on one line.
    if key.chars().any(|c| unreadable(c) || c == '\u{85}') || json_length(key) > JSON_KEY_MAX {
        return Err(Refused);
    }
    Ok(())
}

/// How many characters Go's JSON encoder spells `s` with, quotes included.
fn json_length(s: &str) -> usize {
    2 + s
        .chars()
        .map(|c| match c {
            '"' | '\\' | '\n' | '\r' | '\t' | '\u{8}' | '\u{c}' => 2,
            '<' | '>' | '&' | '\u{2028}' | '\u{2029}' => 6,
            c if (c as u32) < 0x20 => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// A string value as go-yaml reads it back from JSON. Go's encoder leaves U+0085 raw, and
/// go-yaml folds it like a line break inside the double-quoted JSON string: spaces around it
/// vanish, one break becomes a space, more become newlines.
fn reread_string(s: &str) -> Result<Cow<'_, str>, Refused> {
    // ASCII has neither U+0085 nor characters past U+007F; DEL is the one it can refuse.
    if s.is_ascii() {
        return if s.contains('\u{7f}') { Err(Refused) } else { Ok(Cow::Borrowed(s)) };
    }
    if s.chars().any(unreadable) {
        return Err(Refused);
    }
    if !s.contains('\u{85}') {
        return Ok(Cow::Borrowed(s));
    }
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        while i < chars.len() && chars[i] != ' ' && chars[i] != '\u{85}' {
            out.push(chars[i]);
            i += 1;
        }
        if i == chars.len() {
            break;
        }
        let mut spaces = 0;
        let mut after_break = false;
        let mut extra_breaks = 0;
        let mut last_was_break = false;
        while i < chars.len() && (chars[i] == ' ' || chars[i] == '\u{85}') {
            if chars[i] == ' ' {
                if !after_break {
                    spaces += 1;
                }
                last_was_break = false;
            } else {
                if after_break {
                    extra_breaks += 1;
                } else {
                    after_break = true;
                }
                last_was_break = true;
            }
            i += 1;
        }
        if after_break {
            if extra_breaks == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', extra_breaks));
            }
        } else {
            out.extend(std::iter::repeat_n(' ', spaces));
        }
        // A line that starts with a document marker ends go-yaml's reading with an error.
        if last_was_break && starts_document_marker(&chars[i..]) {
            return Err(Refused);
        }
    }
    Ok(Cow::Owned(out))
}

fn starts_document_marker(rest: &[char]) -> bool {
    match rest {
        ['-', '-', '-', next, ..] | ['.', '.', '.', next, ..] => *next == ' ' || *next == '\u{85}',
        _ => false,
    }
}

/// Whether `text` is one ASCII word that go-yaml writes plain as it is, key or value, with
/// nothing to check: a letter first (so no number, timestamp or indicator), then letters,
/// digits and `_-./`, with `:` and `#` inside only where they mark nothing (no space follows
/// or precedes them in a word), and none of YAML 1.1's words for null and booleans. Most keys
/// and many values of Kubernetes objects are such words.
pub(super) fn is_plain_word(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some((first, rest)) = bytes.split_first() else { return false };
    first.is_ascii_alphabetic()
        && rest
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'/' | b':' | b'#'))
        && rest.last() != Some(&b':')
        && null_or_bool_word(text).is_none()
}

/// The style go-yaml's encoder asks for: literal for text with a newline, plain when the
/// text would read back as the same string, else double-quoted.
pub(super) fn string_style(s: &str) -> Style {
    if s.contains('\n') {
        Style::Literal
    } else if reads_back_as_string(s) {
        Style::Plain
    } else {
        Style::Double
    }
}

/// Whether `s`, written plain, reads back as a string (not null, bool, number, timestamp or
/// a YAML 1.1 sexagesimal number, which go-yaml quotes for other parsers' sake).
fn reads_back_as_string(s: &str) -> bool {
    // Only these first characters start a number, a timestamp or a sexagesimal number.
    if !matches!(s.as_bytes().first(), None | Some(b'0'..=b'9' | b'+' | b'-' | b'.')) {
        return null_or_bool_word(s).is_none();
    }
    let typed_as_string = match resolve_plain(s) {
        Scalar::Str(_) => true,
        // Out of float range (`1e400`): Go's ParseFloat fails, so go-yaml keeps a string.
        Scalar::Float(f) => {
            f.is_infinite() && !s.ends_with(".inf") && !s.ends_with(".Inf") && !s.ends_with(".INF")
        }
        _ => false,
    };
    typed_as_string && !is_timestamp(s) && !is_base60_float(s)
}

/// go-yaml's `^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$`.
fn is_base60_float(s: &str) -> bool {
    let b = s.as_bytes();
    let mut i = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        i += 1;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return false;
    }
    while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
        i += 1;
    }
    let mut groups = 0;
    while b.get(i) == Some(&b':') {
        i += 1;
        let start = i;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let ok = match i - start {
            1 => true,
            2 => b[start] <= b'5',
            _ => false,
        };
        if !ok {
            return false;
        }
        groups += 1;
    }
    if groups == 0 {
        return false;
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        while b.get(i).is_some_and(|c| c.is_ascii_digit() || *c == b'_') {
            i += 1;
        }
    }
    i == b.len()
}

/// Whether go-yaml types `s` as a timestamp: Go's `time.Parse` accepts it with one of the
/// layouts `2006-1-2T15:4:5.999999999Z07:00` (also with a lower-case `t`),
/// `2006-1-2 15:4:5.999999999` or `2006-1-2`.
fn is_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let year_digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    if year_digits != 4 || b.get(4) != Some(&b'-') {
        return false;
    }
    [Some(b'T'), Some(b't'), Some(b' '), None].into_iter().any(|sep| TimeParser { b, pos: 0 }.parse(sep))
}

/// A cursor over a candidate timestamp, following Go's `time.Parse` rules.
struct TimeParser<'a> {
    b: &'a [u8],
    pos: usize,
}

impl TimeParser<'_> {
    fn digit_at(&self, i: usize) -> Option<u32> {
        self.b.get(i).filter(|c| c.is_ascii_digit()).map(|c| u32::from(c - b'0'))
    }

    /// Go's `getnum`: one digit, or two when a second follows (exactly two when `fixed`).
    fn number(&mut self, fixed: bool) -> Option<u32> {
        let first = self.digit_at(self.pos)?;
        match self.digit_at(self.pos + 1) {
            Some(second) => {
                self.pos += 2;
                Some(first * 10 + second)
            }
            None if fixed => None,
            None => {
                self.pos += 1;
                Some(first)
            }
        }
    }

    fn literal(&mut self, c: u8) -> Option<()> {
        (self.b.get(self.pos) == Some(&c)).then(|| self.pos += 1)
    }

    /// `sep` is the date-time separator of the layout, `None` for the date-only layout.
    fn parse(&mut self, sep: Option<u8>) -> bool {
        self.parse_inner(sep).is_some()
    }

    fn parse_inner(&mut self, sep: Option<u8>) -> Option<()> {
        let year = self.b[..4].iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0'));
        self.pos = 4;
        self.literal(b'-')?;
        let month = self.number(false).filter(|m| (1..=12).contains(m))?;
        self.literal(b'-')?;
        let day = self.number(false)?;
        if let Some(sep) = sep {
            if sep == b' ' {
                // A space in a Go layout matches any run of spaces.
                self.literal(b' ')?;
                while self.literal(b' ').is_some() {}
            } else {
                self.literal(sep)?;
            }
            self.number(false).filter(|h| *h < 24)?;
            self.literal(b':')?;
            self.number(false).filter(|m| *m < 60)?;
            self.literal(b':')?;
            self.number(false).filter(|s| *s < 60)?;
            // Optional fraction: a period or comma, then any number of digits.
            if matches!(self.b.get(self.pos), Some(b'.' | b',')) && self.digit_at(self.pos + 1).is_some() {
                self.pos += 1;
                while self.digit_at(self.pos).is_some() {
                    self.pos += 1;
                }
            }
            if sep != b' ' {
                self.zone()?;
            }
        }
        if self.pos != self.b.len() {
            return None;
        }
        (1..=days_in_month(month, year)).contains(&day).then_some(())
    }

    /// `Z07:00`: `Z`, or a sign, two hour digits, `:`, two minute digits.
    fn zone(&mut self) -> Option<()> {
        if self.literal(b'Z').is_some() {
            return Some(());
        }
        let rest = self.b.get(self.pos..self.pos + 6)?;
        if rest[3] != b':' || !matches!(rest[0], b'+' | b'-') {
            return None;
        }
        self.pos += 1;
        self.number(true).filter(|h| *h <= 24)?;
        self.pos += 1;
        self.number(true).filter(|m| *m <= 60)?;
        Some(())
    }
}

fn days_in_month(month: u32, year: u32) -> u32 {
    match month {
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// What go-yaml learns about a scalar's text before choosing its style.
#[derive(Debug, PartialEq)]
struct Analysis {
    multiline: bool,
    block_plain_allowed: bool,
    single_quoted_allowed: bool,
    block_allowed: bool,
}

/// A unit of a scalar's text: a byte of ASCII text, or a character of any other text.
trait Unit: Copy {
    fn ch(self) -> char;
    /// Appends a run of units to the output at once.
    fn push_run(run: &[Self], out: &mut String);
    /// Where the first line break of `run` is.
    fn find_break(run: &[Self]) -> Option<usize>;
    /// Where the first space or line break of `run` is.
    fn find_space_or_break(run: &[Self]) -> Option<usize>;
}

impl Unit for u8 {
    fn ch(self) -> char {
        char::from(self)
    }
    fn push_run(run: &[u8], out: &mut String) {
        // Only ASCII text is handled as bytes (see `scalar`), so every run is valid UTF-8.
        out.push_str(std::str::from_utf8(run).unwrap_or_default());
    }
    // ASCII's only line breaks are `\n` and `\r`; long texts (files in ConfigMaps) are
    // searched many bytes at a time.
    fn find_break(run: &[u8]) -> Option<usize> {
        memchr::memchr2(b'\n', b'\r', run)
    }
    fn find_space_or_break(run: &[u8]) -> Option<usize> {
        memchr::memchr3(b' ', b'\n', b'\r', run)
    }
}

impl Unit for char {
    fn ch(self) -> char {
        self
    }
    fn push_run(run: &[char], out: &mut String) {
        out.extend(run);
    }
    fn find_break(run: &[char]) -> Option<usize> {
        run.iter().position(|&c| is_break(c))
    }
    fn find_space_or_break(run: &[char]) -> Option<usize> {
        run.iter().position(|&c| c == ' ' || is_break(c))
    }
}

/// What go-yaml's analysis of a scalar allows; `v3` reads tabs as go-yaml v3 does.
fn scan<U: Unit>(text: &[U], v3: bool) -> Analysis {
    if text.is_empty() {
        return Analysis {
            multiline: false,
            block_plain_allowed: true,
            single_quoted_allowed: true,
            block_allowed: false,
        };
    }
    let starts_with = |prefix: &str| text.len() >= 3 && prefix.chars().zip(text).all(|(p, u)| u.ch() == p);
    // Indicators that rule out the plain style (outside flow collections, the only ones
    // that matter here: this emitter never writes a non-empty flow collection).
    let mut block_indicators = starts_with("---") || starts_with("...");
    let mut special_characters = false;
    let mut tab_characters = false;
    let mut line_breaks = false;
    let (mut leading_space, mut leading_break) = (false, false);
    let (mut trailing_space, mut trailing_break) = (false, false);
    let (mut break_space, mut space_break) = (false, false);
    let (mut previous_space, mut previous_break) = (false, false);
    let mut preceded_by_whitespace = true;
    let last = text.len() - 1;
    let mut i = 0;
    while i < text.len() {
        let first = i == 0;
        // Past the first character, most are visible ASCII that changes nothing but the
        // whitespace just seen: the common case, skipped a run at a time.
        if !first {
            let quiet = text[i..].iter().position(|u| !is_quiet(u.ch())).unwrap_or(text.len() - i);
            if quiet > 0 {
                (previous_space, previous_break, preceded_by_whitespace) = (false, false, false);
                i += quiet;
                continue;
            }
        }
        let c = text[i].ch();
        let is_last = i == last;
        let followed_by_whitespace = text.get(i + 1).is_none_or(|n| matches!(n.ch(), ' ' | '\t'));
        if first {
            match c {
                '#' | ',' | '[' | ']' | '{' | '}' | '&' | '*' | '!' | '|' | '>' | '\'' | '"' | '%' | '@'
                | '`' => block_indicators = true,
                '?' | ':' | '-' if followed_by_whitespace => block_indicators = true,
                _ => {}
            }
        } else {
            match c {
                ':' if followed_by_whitespace => block_indicators = true,
                '#' if preceded_by_whitespace => block_indicators = true,
                _ => {}
            }
        }
        if c == '\t' && v3 {
            tab_characters = true;
        } else if !is_printable(c) {
            special_characters = true;
        }
        if c == ' ' {
            leading_space |= first;
            trailing_space |= is_last;
            break_space |= previous_break;
            previous_space = true;
            previous_break = false;
        } else if is_break(c) {
            line_breaks = true;
            leading_break |= first;
            trailing_break |= is_last;
            space_break |= previous_space;
            previous_space = false;
            previous_break = true;
        } else {
            previous_space = false;
            previous_break = false;
        }
        preceded_by_whitespace = matches!(c, ' ' | '\t' | '\0') || is_break(c);
        i += 1;
    }
    let mut analysis = Analysis {
        multiline: line_breaks,
        block_plain_allowed: true,
        single_quoted_allowed: true,
        block_allowed: true,
    };
    if leading_space || leading_break || trailing_space || trailing_break {
        analysis.block_plain_allowed = false;
    }
    if trailing_space {
        analysis.block_allowed = false;
    }
    if break_space {
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
    }
    if space_break || tab_characters || special_characters {
        analysis.block_plain_allowed = false;
        analysis.single_quoted_allowed = false;
    }
    if space_break || special_characters {
        analysis.block_allowed = false;
    }
    if line_breaks || block_indicators {
        analysis.block_plain_allowed = false;
    }
    analysis
}

/// A visible ASCII character that, past the first, marks nothing in a scalar.
fn is_quiet(c: char) -> bool {
    matches!(c, '!'..='~') && c != ':' && c != '#'
}

/// go-yaml's fallbacks: plain to single-quoted to double-quoted, literal to double-quoted.
fn select_style(requested: Style, analysis: &Analysis, empty: bool, simple_key: bool) -> Style {
    let mut style = requested;
    if simple_key && analysis.multiline {
        style = Style::Double;
    }
    if style == Style::Plain && (!analysis.block_plain_allowed || (empty && simple_key)) {
        style = Style::Single;
    }
    if style == Style::Single && !analysis.single_quoted_allowed {
        style = Style::Double;
    }
    if style == Style::Literal && (!analysis.block_allowed || simple_key) {
        style = Style::Double;
    }
    style
}

/// Characters go-yaml writes as they are; 4-byte UTF-8 characters (emoji) are not among them.
fn is_printable(c: char) -> bool {
    matches!(c, '\n' | ' '..='~' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}') && c != '\u{feff}'
}

fn is_break(c: char) -> bool {
    matches!(c, '\r' | '\n' | '\u{85}' | '\u{2028}' | '\u{2029}')
}

/// go-yaml's key order (its `keyList.Less` for two strings): walk both keys to the first
/// different character; two letters compare as characters, a letter sorts after anything
/// else, and otherwise the digit runs starting there compare as numbers. This is not always
/// transitive (`1` < `01` < `0a` < `1`); for such keys Helm's order changes from run to run
/// (go-yaml sorts Go's randomly ordered map keys), and ours is one fixed order.
///
/// go-yaml v3 (`v3`) differs in one case: where a letter meets another character right after
/// a common digit, the letter sorts first (`a1b` before `a1_`).
fn natural_less<U: Unit>(ar: &[U], br: &[U], v3: bool) -> bool {
    let mut after_digit = false;
    for i in 0..ar.len().min(br.len()) {
        let (ac, bc) = (ar[i].ch(), br[i].ch());
        if ac == bc {
            after_digit = is_digit(ac);
            continue;
        }
        let (a_letter, b_letter) = (is_letter(ac), is_letter(bc));
        if a_letter && b_letter {
            return ac < bc;
        }
        if a_letter || b_letter {
            return if v3 && after_digit { a_letter } else { b_letter };
        }
        let (mut an, mut bn) = (0i64, 0i64);
        if ac == '0' || bc == '0' {
            // A zero inside a number (after a non-zero digit) counts as a digit, not as a
            // leading zero: start both numbers from 1 so the zero keeps its weight.
            for prev in ar[..i].iter().rev().map(|u| u.ch()) {
                if !is_digit(prev) {
                    break;
                }
                if prev != '0' {
                    an = 1;
                    bn = 1;
                    break;
                }
            }
        }
        let (an, ai) = digit_run(ar, i, an);
        let (bn, bi) = digit_run(br, i, bn);
        if an != bn {
            return an < bn;
        }
        if ai != bi {
            return ai < bi;
        }
        return ac < bc;
    }
    ar.len() < br.len()
}

/// Accumulates the digits from `start` onto `n` (wrapping like Go's int64) and returns the
/// number and where the run ends.
fn digit_run<U: Unit>(chars: &[U], start: usize, mut n: i64) -> (i64, usize) {
    let mut end = start;
    while end < chars.len() && is_digit(chars[end].ch()) {
        n = n.wrapping_mul(10).wrapping_add(i64::from(chars[end].ch() as u32) - i64::from('0' as u32));
        end += 1;
    }
    (n, end)
}

/// Go's `unicode.IsLetter`, approximated outside ASCII by the alphabetic characters that are
/// not numerals.
fn is_letter(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { c.is_alphabetic() && !c.is_numeric() }
}

/// Go's `unicode.IsDigit` (decimal digits), approximated outside ASCII by the numeric
/// characters other than Latin-1's superscripts and fractions.
fn is_digit(c: char) -> bool {
    if c.is_ascii() {
        c.is_ascii_digit()
    } else {
        c.is_numeric() && !matches!(c, '\u{b2}' | '\u{b3}' | '\u{b9}' | '\u{bc}'..='\u{be}')
    }
}

/// The order in which go-yaml (v3 with `v3`) writes a map with these keys, as indexes into
/// `keys`.
pub(super) fn key_order(keys: &[&str], v3: bool) -> Vec<usize> {
    if keys.iter().all(|k| k.is_ascii()) {
        sorted_indexes(&keys.iter().map(|k| k.as_bytes()).collect::<Vec<_>>(), v3)
    } else {
        sorted_indexes(&keys.iter().map(|k| k.chars().collect()).collect::<Vec<Vec<char>>>(), v3)
    }
}

/// The order of `keys` under [`natural_less`], as indexes: a stable merge sort, which only
/// needs the comparison to be consistent to give go-yaml's order and, unlike the standard
/// library's sorts, never panics when it is not.
fn sorted_indexes<U: Unit, K: AsRef<[U]>>(keys: &[K], v3: bool) -> Vec<usize> {
    let n = keys.len();
    let mut order: Vec<usize> = (0..n).collect();
    let mut merged = order.clone();
    let mut width = 1;
    while width < n {
        for start in (0..n).step_by(2 * width) {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut left, mut right) = (start, mid);
            for slot in &mut merged[start..end] {
                let take_right = right < end
                    && (left >= mid
                        || natural_less(keys[order[right]].as_ref(), keys[order[left]].as_ref(), v3));
                if take_right {
                    *slot = order[right];
                    right += 1;
                } else {
                    *slot = order[left];
                    left += 1;
                }
            }
        }
        std::mem::swap(&mut order, &mut merged);
        width *= 2;
    }
    order
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::value::Map;

    fn yaml(v: Value) -> String {
        to_yaml(&v, KeyOrder::Sorted)
    }

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect::<Map>())
    }

    /// `text: text` at the given indentation, written with words taken as they are
    /// (`as_words`) or by go-yaml's general rules.
    fn emitted(text: &str, indent: isize, as_words: bool) -> String {
        let mut emitter = Emitter { indent, ..Emitter::default() };
        if as_words {
            emitter.key(text);
            emitter.word(text);
        } else {
            let style = string_style(text);
            emitter.write_indent();
            emitter.scalar(text, style, true);
            emitter.write_indicator(":", false, false, false);
            emitter.scalar(text, style, false);
        }
        emitter.out
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            rng_seed: proptest::test_runner::RngSeed::Fixed(83),
            cases: 2000,
            ..proptest::test_runner::Config::default()
        })]
        /// The shortcut for plain words writes what go-yaml's general rules write.
        #[test]
        fn plain_words_are_written_as_the_general_rules_write_them(
            text in "[a-zA-Z0-9_./:#~+ -]{1,12}|[yYnNtTfFoO][a-zA-Z]{0,4}",
            indent in 0isize..4,
        ) {
            if is_plain_word(&text) {
                proptest::prop_assert_eq!(emitted(&text, indent, true), emitted(&text, indent, false));
                proptest::prop_assert_eq!(string_style(&text), Style::Plain);
            }
        }

        /// Strings that do not start like a number read back as strings exactly when the full
        /// typing of plain scalars says so.
        #[test]
        fn the_shortcut_to_string_typing_agrees_with_the_full_typing(text in "[a-zA-Z~_/ ][a-zA-Z0-9.:_ -]{0,6}") {
            let typed = matches!(resolve_plain(&text), Scalar::Str(_)) && !is_timestamp(&text) && !is_base60_float(&text);
            proptest::prop_assert_eq!(reads_back_as_string(&text), typed);
        }
    }

    #[test]
    fn plain_words() {
        for word in ["apiVersion", "web-frontend", "registry.example/app:1.2", "a#b", "x:y", "e1", "Null1"] {
            assert!(is_plain_word(word), "{word}");
        }
        for other in ["", "yes", "Off", "~", "null", "a:", "1a", "-a", "a b", "é", ".inf", "a\u{7f}"] {
            assert!(!is_plain_word(other), "{other}");
        }
    }

    #[test]
    fn scalars_at_the_top() {
        assert_eq!(yaml(s("x")), "x\n");
        assert_eq!(yaml(s("")), "\"\"\n");
        assert_eq!(yaml(Value::Null), "null\n");
        assert_eq!(yaml(Value::Bool(true)), "true\n");
        assert_eq!(yaml(Value::Int(-5)), "-5\n");
        assert_eq!(yaml(Value::List(vec![Value::Int(1), Value::Int(2)])), "- 1\n- 2\n");
        assert_eq!(yaml(Value::List(vec![])), "[]\n");
        assert_eq!(yaml(Value::Map(Map::default())), "{}\n");
    }

    #[test]
    fn numbers_take_the_json_trip() {
        for (f, want) in [
            (52428800.0, "52428800"),
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1e20, "1e+20"),
            (0.00001, "1e-05"),
            (1e-7, "1e-07"),
            (-0.0, "0"),
            (1.0, "1"),
            (9007199254740993.0, "9007199254740992"),
            (1e19, "10000000000000000000"),
            (18446744073709551615.0, "1.8446744073709552e+19"),
        ] {
            assert_eq!(yaml(Value::Float(f)), format!("{want}\n"), "{f}");
        }
        assert_eq!(yaml(Value::Float(f64::NAN)), "");
        assert_eq!(yaml(map(&[("a", Value::Float(f64::INFINITY))])), "");
    }

    #[test]
    fn strings_that_would_change_type_are_double_quoted() {
        for word in [
            "yes",
            "No",
            "on",
            "y",
            "~",
            "null",
            "true",
            "010",
            "0x1F",
            "1e3",
            "1_000",
            ".5",
            "1:20",
            "2024-01-02",
            "2024-1-2T1:2:3Z",
            "2024-01-02 10:00:00",
            "2024-01-02t10:00:00.5+01:00",
            ".inf",
            "-1",
            "+1",
        ] {
            assert_eq!(yaml(s(word)), format!("\"{word}\"\n"), "{word}");
        }
        for word in ["2024-02-30", "2024-01-02T10:00:00", "1:60", "12:30:61", "<<", "NaN", "1.2.3", "y1"] {
            assert_eq!(yaml(s(word)), format!("{word}\n"), "{word}");
        }
    }

    #[test]
    fn indicators_and_spaces_are_single_quoted() {
        for text in [
            " lead", "trail ", "a: b", "#c", "*star", "- dash", "@at", "{x}", "[x]", "%p", "!bang", "'q",
            "---x",
        ] {
            let quoted = text.replace('\'', "''");
            assert_eq!(yaml(s(text)), format!("'{quoted}'\n"), "{text}");
        }
        for text in ["?q", "=eq", "a,b", "été", "it's", "a#b", "a:b", "-x", ":x"] {
            assert_eq!(yaml(s(text)), format!("{text}\n"), "{text}");
        }
    }

    #[test]
    fn special_characters_are_escaped() {
        assert_eq!(yaml(s("a\tb")), "\"a\\tb\"\n");
        assert_eq!(yaml(s("a\r\nb")), "\"a\\r\\nb\"\n");
        assert_eq!(yaml(s("\u{1}\u{1b}")), "\"\\x01\\e\"\n");
        assert_eq!(yaml(s("😀")), "\"\\U0001F600\"\n");
        assert_eq!(yaml(s("\u{feff}ab")), "\"\\uFEFF\\x61\\x62\"\n");
        assert_eq!(yaml(s("x\u{7f}")), "");
    }

    #[test]
    fn multi_line_strings_are_literal_blocks() {
        assert_eq!(yaml(map(&[("k", s("a\nb"))])), "k: |-\n  a\n  b\n");
        assert_eq!(yaml(map(&[("k", s("a\n"))])), "k: |\n  a\n");
        assert_eq!(yaml(map(&[("k", s("a\n\n"))])), "k: |+\n  a\n\n");
        assert_eq!(yaml(map(&[("k", s("  a\nb"))])), "k: |2-\n    a\n  b\n");
        assert_eq!(yaml(map(&[("k", s("a \nb"))])), "k: \"a \\nb\"\n");
        assert_eq!(yaml(s("a\n\nb")), "|-\n  a\n\n  b\n");
    }

    #[test]
    fn layout_of_collections() {
        let v = map(&[
            ("list", Value::List(vec![s("a"), map(&[("x", Value::Int(1)), ("z", Value::Int(2))])])),
            ("m", map(&[("e", Value::Map(Map::default())), ("l", Value::List(vec![]))])),
            ("nested", Value::List(vec![Value::List(vec![s("a"), s("b")])])),
        ]);
        assert_eq!(yaml(v), "list:\n- a\n- x: 1\n  z: 2\nm:\n  e: {}\n  l: []\nnested:\n- - a\n  - b\n");
    }

    #[test]
    fn keys_use_go_yaml_order_or_the_given_one() {
        let v = map(&[
            ("b", Value::Int(1)),
            ("a10", Value::Int(1)),
            ("a9", Value::Int(1)),
            ("_x", Value::Int(1)),
        ]);
        assert_eq!(to_yaml(&v, KeyOrder::Sorted), "_x: 1\na9: 1\na10: 1\nb: 1\n");
        assert_eq!(to_yaml(&v, KeyOrder::AsGiven), "b: 1\na10: 1\na9: 1\n_x: 1\n");
        let given = ["a-b", "ab", "A", "B", "10", "9", "01", "1", "-", "~", "_x"];
        let chars: Vec<Vec<char>> = given.iter().map(|k| k.chars().collect()).collect();
        let keys: Vec<&str> = sorted_indexes(&chars, false).into_iter().map(|i| given[i]).collect();
        assert_eq!(keys, ["-", "_x", "~", "1", "01", "9", "10", "A", "B", "a-b", "ab"]);
    }

    #[test]
    fn inconsistent_key_comparisons_still_give_every_key_once() {
        // `1` < `01` < `0a` < `1` in go-yaml's comparison: any fixed order will do, no panic.
        let given = ["1", "01", "0a", "x9y", "x10y", "x12", "x1a"];
        let mut keys: Vec<Vec<char>> = Vec::new();
        for round in 0..500 {
            keys.push(given[round % given.len()].chars().chain(format!("{}", round % 13).chars()).collect());
        }
        let mut order = sorted_indexes(&keys, false);
        order.sort_unstable();
        assert_eq!(order, (0..keys.len()).collect::<Vec<_>>());
        let v = map(&[("1", Value::Int(1)), ("01", Value::Int(2)), ("0a", Value::Int(3))]);
        assert_eq!(yaml(v.clone()).lines().count(), 3);
        assert_eq!(yaml(v.clone()), yaml(v));
    }

    #[test]
    fn out_of_range_numbers_stay_plain_strings() {
        assert_eq!(yaml(s("1e400")), "1e400\n");
        assert_eq!(yaml(s("-1e400")), "-1e400\n");
        assert_eq!(yaml(s(".inf")), "\".inf\"\n");
        assert_eq!(yaml(s("-.Inf")), "\"-.Inf\"\n");
    }

    #[test]
    fn special_keys() {
        assert_eq!(
            yaml(map(&[("yes", s("x")), ("1", s("y1")), ("", s("z"))])),
            "\"\": z\n\"1\": y1\n\"yes\": x\n"
        );
        assert_eq!(yaml(map(&[("a\nb", Value::Int(1))])), "? |-\n  a\n  b\n: 1\n");
        let long = "k".repeat(129);
        assert_eq!(yaml(map(&[(long.as_str(), Value::Int(1))])), format!("? {long}\n: 1\n"));
        let fits = "k".repeat(128);
        assert_eq!(yaml(map(&[(fits.as_str(), Value::Int(1))])), format!("{fits}: 1\n"));
        assert_eq!(yaml(map(&[(&"x".repeat(1022), Value::Int(1))])).len(), 1022 + 7);
        assert_eq!(yaml(map(&[(&"x".repeat(1023), Value::Int(1))])), "");
        assert_eq!(yaml(map(&[("k\u{85}", Value::Int(1))])), "");
    }

    #[test]
    fn long_lines_fold_after_column_80() {
        let words = "word ".repeat(20);
        let text = words.trim_end();
        let out = yaml(map(&[("k", s(text))]));
        let first = out.lines().next().unwrap();
        assert_eq!(first.len(), 82, "{out}");
        assert!(out.lines().nth(1).unwrap().starts_with("  word"), "{out}");
        // Simple keys never fold.
        let key = "a ".repeat(60) + "b";
        assert_eq!(yaml(map(&[(key.as_str(), Value::Int(1))])), format!("{key}: 1\n"));
        // Runs of spaces do not fold.
        let spaced = "x".repeat(85) + "  y";
        assert_eq!(yaml(s(&spaced)), format!("{spaced}\n"));
    }

    #[test]
    fn next_line_characters_fold_like_json_reading() {
        assert_eq!(yaml(s("a\u{85}b")), "a b\n");
        assert_eq!(yaml(s("a \u{85} b")), "a b\n");
        assert_eq!(yaml(s("a\u{85}\u{85}b")), "|-\n  a\n  b\n");
        assert_eq!(yaml(s("a\u{85}")), "'a '\n");
        assert_eq!(yaml(s("a\u{85}--- b")), "");
        assert_eq!(yaml(s("a\u{85}---")), "a ---\n");
    }

    #[test]
    fn nesting_is_limited_like_go_yaml() {
        fn nested(depth: usize) -> Value {
            let mut v = Value::List(vec![]);
            for _ in 1..depth {
                v = Value::List(vec![v]);
            }
            v
        }
        let ok = to_yaml(&nested(MAX_DEPTH), KeyOrder::Sorted);
        assert!(ok.ends_with("[]\n"));
        assert_eq!(to_yaml(&nested(MAX_DEPTH + 1), KeyOrder::Sorted), "");
    }

    #[test]
    fn base60_and_timestamps() {
        assert!(is_base60_float("1:20"));
        assert!(is_base60_float("-1_0:5:59.5_"));
        assert!(!is_base60_float("1:60"));
        assert!(!is_base60_float("1:"));
        assert!(!is_base60_float("a:1"));
        assert!(is_timestamp("2024-01-02"));
        assert!(is_timestamp("2024-2-29"));
        assert!(!is_timestamp("2023-2-29"));
        assert!(is_timestamp("2024-01-02   1:2:3,5"));
        assert!(is_timestamp("2024-01-02T23:59:59.123456789123-24:00"));
        assert!(!is_timestamp("2024-01-02T24:00:00Z"));
        assert!(!is_timestamp("2024-01-02T10:00:00+2:00"));
        assert!(!is_timestamp("12024-01-02"));
    }
}
