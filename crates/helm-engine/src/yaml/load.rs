//! Reads YAML the way Helm does (go-yaml v2, YAML 1.1 scalars, then a trip through JSON), and
//! remembers where every node stood so that errors can name a line and column.

use std::borrow::Cow;

use foldhash::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, Span, Tag};

use crate::strconv::{format_float_g, parse_float, parse_int, parse_uint};
use crate::value::{KeyPath, Map, PathTree, Segment, Value};

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
    /// The error in go-yaml's words: `yaml: line N: message`. go-yaml counts lines from 0
    /// and leaves out line 0; it adds one for the errors of its scanner but not for those of
    /// its parser (`did not find expected ...`, but for a character in an anchor's name),
    /// which therefore name the line before the problem. The errors of its reader and its
    /// decoder never name a line.
    pub fn go_yaml_text(&self) -> String {
        // go-yaml's line, counted from 0.
        let mark = self.pos.line.saturating_sub(1);
        let line = if self.message == CONTROL_CHARACTERS
            || NOT_UTF8.contains(&self.message.as_str())
            || self.is_decoders()
            || mark == 0
        {
            0
        } else if self.message.starts_with("did not find expected") && self.message != ANCHOR_NAME_CHARACTER {
            mark
        } else {
            mark + 1
        };
        if line == 0 {
            format!("yaml: {}", self.message)
        } else {
            format!("yaml: line {line}: {}", self.message)
        }
    }

    /// An error of go-yaml's decoder (a tagged scalar of another type, an alias no anchor
    /// has), which names no line.
    fn is_decoders(&self) -> bool {
        self.message.starts_with("cannot decode !!")
            || self.message.starts_with("invalid map key: ")
            || self.message.starts_with("!!binary value")
            || self.message.starts_with("unknown anchor '")
            || (self.message.starts_with("anchor '") && self.message.ends_with("' value contains itself"))
            || self.message == MERGE_REFUSED
    }
}

/// Where the nodes of one or more documents stood. The paths seen form a tree in which each
/// step is stored once, so memory grows with the size of the input, not with its size times
/// its depth.
#[derive(Clone, Debug)]
pub struct Positions {
    /// The paths seen.
    tree: PathTree,
    /// The position of each node's value.
    values: Vec<Option<Pos>>,
    /// The position of the mapping key that introduces each node.
    keys: Vec<Option<Pos>>,
}

impl Default for Positions {
    fn default() -> Self {
        Positions { tree: PathTree::default(), values: vec![None], keys: vec![None] }
    }
}

impl Positions {
    /// The node reached from `parent` by `step`, made when it is new.
    fn child(&mut self, parent: u32, step: Segment) -> u32 {
        let node = self.tree.child(parent, step);
        if self.tree.len() > self.values.len() {
            self.values.push(None);
            self.keys.push(None);
        }
        node
    }

    fn node(&self, path: &KeyPath) -> Option<u32> {
        self.tree.node(path)
    }

    /// Where the value at `path` stood.
    pub fn value(&self, path: &KeyPath) -> Option<Pos> {
        self.node(path).and_then(|n| self.values[n as usize])
    }

    /// Where the mapping key that introduces `path` stood.
    pub fn key(&self, path: &KeyPath) -> Option<Pos> {
        self.node(path).and_then(|n| self.keys[n as usize])
    }

    /// The best position for `path`: its value, else its key, else the nearest ancestor's.
    pub fn locate(&self, path: &KeyPath) -> Option<Pos> {
        let at = |n: u32| self.values[n as usize].or(self.keys[n as usize]);
        std::iter::once(0).chain(self.tree.walk(path)).filter_map(at).last()
    }

    /// The position of the key that introduces `path`, else [`Positions::locate`].
    pub fn locate_key(&self, path: &KeyPath) -> Option<Pos> {
        self.key(path).or_else(|| self.locate(path))
    }

    /// Adds the positions of `later`, which win where both know a path (as a later values
    /// document wins).
    pub fn merge(&mut self, later: Positions) {
        // A parent is always made before its children, so it is mapped before them.
        let mut mapped = vec![0u32; later.values.len()];
        for ((parent, step), node) in later.tree.into_steps() {
            mapped[node as usize] = self.child(mapped[parent as usize], step);
        }
        for (node, (value, key)) in later.values.into_iter().zip(later.keys).enumerate() {
            let here = mapped[node] as usize;
            if value.is_some() {
                self.values[here] = value;
            }
            if key.is_some() {
                self.keys[here] = key;
            }
        }
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

impl YamlDocument {
    /// The document as it stands `lines` lines further down (read from a piece of a text).
    pub(crate) fn moved_down(mut self, lines: usize) -> Self {
        if lines > 0 {
            let positions = &mut self.positions;
            let all = positions.values.iter_mut().chain(positions.keys.iter_mut()).flatten();
            for pos in all.chain(self.duplicate_keys.iter_mut().map(|(_, pos)| pos)) {
                pos.line += lines;
            }
            self.start_line += lines;
        }
        self
    }
}

/// How deep mappings and lists may nest: go-yaml's limit.
const MAX_DEPTH: usize = 10_000;

/// How many nodes alias expansion may produce before the input counts as an attack.
const ALIAS_EXPANSION_BUDGET: usize = 1_000_000;

/// Parses every document of `text`, every number a float as Helm reads values.
pub fn load_yaml_documents(text: &str) -> Result<Vec<YamlDocument>, YamlError> {
    load(text, Reading::Documents)
}

/// Parses the first document of `text` and nothing after it, as `sigs.k8s.io/yaml` does for
/// `fromYaml`, `Chart.yaml` and each rendered manifest: text after the first document is not
/// read, so it cannot make an error (`[]interface {}` reads as an empty list). Positions are
/// not recorded: the document's `positions` are empty.
pub fn load_first_yaml_document(text: &str) -> Result<Option<YamlDocument>, YamlError> {
    Ok(load(text, Reading::FirstDocument)?.into_iter().next())
}

/// [`load_first_yaml_document`] for what Helm reads of a rendered manifest (its kind, name
/// and annotations): the same result or error, but the root mapping's entries other than
/// `apiVersion`, `kind` and `metadata` may be left out. Where the block reader reads the
/// text, they are only looked through for what would make reading them fail (and the
/// general parser reads the text when something would); building them was more than half
/// the time spent reading a chart's large CRDs.
pub(crate) fn load_manifest_head(text: &str) -> Result<Option<YamlDocument>, YamlError> {
    Ok(load_as(text, Reading::FirstDocument, true)?.into_iter().next())
}

/// The first document of one piece of a values file, as Helm 4 reads each piece with
/// `sigs.k8s.io/yaml` (see `helm::values`): nothing after the first document is read.
/// Positions are recorded only when asked for (nobody is pointed to a chart's own defaults;
/// recording them was an eighth of the time spent reading them).
pub(crate) fn load_values_document(
    text: &str,
    with_positions: bool,
) -> Result<Option<YamlDocument>, YamlError> {
    let reading = if with_positions { Reading::FirstDocumentWithPositions } else { Reading::FirstDocument };
    Ok(load(text, reading)?.into_iter().next())
}

/// Parses every document of `text`, keeping integers (`52428800`) apart from floats
/// (`5.24288e+07`, `80.0`): for comparing what two renderers printed, where the difference
/// matters to whoever reads the manifest.
pub fn load_yaml_documents_keeping_integers(text: &str) -> Result<Vec<YamlDocument>, YamlError> {
    load(text, Reading::KeepingIntegers)
}

/// What [`load`] reads, and how.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Reading {
    /// Every document, numbers as floats.
    #[default]
    Documents,
    /// Every document, integers kept apart from floats.
    KeepingIntegers,
    /// The first document only, numbers as floats, without positions.
    FirstDocument,
    /// The first document only, numbers as floats, with positions.
    FirstDocumentWithPositions,
}

impl Reading {
    fn keeps_positions(self) -> bool {
        matches!(self, Reading::Documents | Reading::KeepingIntegers | Reading::FirstDocumentWithPositions)
    }

    fn first_only(self) -> bool {
        matches!(self, Reading::FirstDocument | Reading::FirstDocumentWithPositions)
    }
}

/// How many times the reader re-indents lines and reads again before it gives up (see
/// [`load_with_parser`]).
const MAX_REINDENTS: usize = 100;

/// How many runs of tabs the reader reads as spaces, one reading of the text each, before it
/// gives up (see [`load_with_parser`]): a file written with a tab after every key's `:`.
const MAX_TABS_AS_SPACES: usize = 1_000;

/// How many comments right after a token (`"x"#c`) the reader blanks, one reading of the
/// text each, before it gives up (see [`load_with_parser`]).
const MAX_COMMENTS_BLANKED: usize = 1_000;

/// Reads `text`. Where positions are not recorded, plain block YAML (most values files and
/// rendered manifests) is read by a faster reader first; it hands anything else to the
/// general parser.
fn load(text: &str, reading: Reading) -> Result<Vec<YamlDocument>, YamlError> {
    load_as(text, reading, false)
}

/// [`load`], with only a manifest's head built where the block reader reads the text
/// (`head`, see [`load_manifest_head`]).
fn load_as(text: &str, reading: Reading, head: bool) -> Result<Vec<YamlDocument>, YamlError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    refuse_bytes_that_are_not_utf8(text)?;
    refuse_control_characters(text)?;
    // go-yaml breaks lines at NEL (U+0085) as at `\n`, and copies it into scalars as `\n`.
    let with_nel_as_newline;
    let text = if text.contains('\u{85}') {
        with_nel_as_newline = text.replace('\u{85}', "\n");
        with_nel_as_newline.as_str()
    } else {
        text
    };
    if !reading.keeps_positions() {
        let mut builder = Builder { reading, ..Builder::default() };
        let read = if head {
            let mut filter = HeadFilter { builder: &mut builder, open: Vec::new(), skipping: false };
            super::block::read_block_yaml(text, &mut |event, span| filter.event(event, span))
        } else {
            super::block::read_block_yaml(text, &mut |event, span| builder.event(event, span).is_ok())
        };
        if read {
            return Ok(builder.documents);
        }
    }
    load_with_parser(text, reading)
}

/// [`load`] with the general parser alone (after the checks on the whole text).
///
/// go-yaml does not look at indentation inside flow collections and quoted scalars: a
/// closing `]` may sit at its parent key's column, and the second line of a quoted string
/// at column 0. The parser used here wants such lines indented deeper than the enclosing
/// block. Where it refuses a line for that alone, the line is indented further and the text
/// read again: spaces at the start of a line inside a flow collection or a quoted scalar
/// never change what it means. The enclosing block began on an earlier line, so indenting
/// past the longest earlier line is always enough. Likewise tabs that go-yaml reads as
/// spaces and the parser used here refuses (between a key's `:` and its value, at the start
/// of a quoted string's later line) are read as spaces, a character each as before.
/// Positions are reported in the original text.
fn load_with_parser(text: &str, reading: Reading) -> Result<Vec<YamlDocument>, YamlError> {
    // go-yaml reads a byte order mark after the start of the text as any other character:
    // skipped in a comment, kept in a scalar or a key. The parser used here refuses it
    // wherever it stands, so it reads a stand-in, one character of three bytes as the mark
    // is (positions stay where they were), which the builder turns back into the mark.
    let with_stand_in;
    let (text, bom_stand_in) = match byte_order_mark_stand_in(text) {
        Some(stand_in) => {
            with_stand_in = text.replace('\u{feff}', stand_in.encode_utf8(&mut [0; 4]));
            (with_stand_in.as_str(), Some(stand_in))
        }
        None => (text, None),
    };
    // A last line of spaces without a line break: the parser used here reads it into a
    // block scalar (`|`, `>`) that ends the text as if a line break followed, and in a
    // clipped one keeps a break for it even where it holds no more than the indentation.
    // go-yaml adds nothing for the missing break. So the text is read with the break, and
    // where the line changes what is read (more spaces than the indentation, or a kept
    // scalar), once more with the break the parser added taken off; as written only for an
    // error.
    if let Some(last) =
        text.rsplit('\n').next().filter(|last| !last.is_empty() && last.bytes().all(|b| b == b' '))
    {
        let broken = format!("{text}\n");
        if let Ok(documents) = load_reindenting(&broken, reading, bom_stand_in, false) {
            let without_line =
                load_reindenting(&text[..text.len() - last.len()], reading, bom_stand_in, false);
            let same = without_line.is_ok_and(|others| {
                others.len() == documents.len()
                    && others.iter().zip(&documents).all(|(a, b)| a.root == b.root)
            });
            if same {
                return Ok(documents);
            }
            if let Ok(documents) = load_reindenting(&broken, reading, bom_stand_in, true) {
                return Ok(documents);
            }
        }
    }
    load_reindenting(text, reading, bom_stand_in, false)
}

/// A private-use character `text` does not contain, when it contains a byte order mark: not
/// as written, nor as an escape a double-quoted scalar could hold (`\ue000`). (A text
/// holding every one of the 6,400 has the marks refused where they stand.)
fn byte_order_mark_stand_in(text: &str) -> Option<char> {
    if !text.contains('\u{feff}') {
        return None;
    }
    let escaped: Vec<u32> = memchr::memchr_iter(b'\\', text.as_bytes())
        .filter_map(|at| {
            let digits = match text.as_bytes().get(at + 1) {
                Some(b'u') => 4,
                Some(b'U') => 8,
                _ => return None,
            };
            text.get(at + 2..at + 2 + digits).and_then(|hex| u32::from_str_radix(hex, 16).ok())
        })
        .collect();
    ('\u{e000}'..='\u{f8ff}').find(|c| !text.contains(*c) && !escaped.contains(&u32::from(*c)))
}

/// [`load_with_parser`] apart from the last line of spaces and byte order marks;
/// `unbroken_end` takes the last line break off a block scalar that ends the text.
fn load_reindenting(
    text: &str,
    reading: Reading,
    bom_stand_in: Option<char>,
    unbroken_end: bool,
) -> Result<Vec<YamlDocument>, YamlError> {
    let mut reindented: Option<String> = None;
    let mut padding: HashMap<usize, usize> = HashMap::default();
    let (mut reindents, mut tab_runs, mut comments) = (0, 0, 0);
    loop {
        let source = reindented.as_deref().unwrap_or(text);
        let mut builder =
            Builder { reading, padding: std::mem::take(&mut padding), bom_stand_in, ..Builder::default() };
        let result = builder.read(source, unbroken_end);
        padding = std::mem::take(&mut builder.padding);
        let Err(Refusal { error, retry: Some(retry) }) = result else {
            return result.map(|()| builder.documents).map_err(|r| r.error);
        };
        let lines = match retry {
            Retry::Reindent(_) if reindents == MAX_REINDENTS => return Err(error),
            Retry::TabsAsSpaces(_) if tab_runs == MAX_TABS_AS_SPACES => return Err(error),
            Retry::CommentToBlanks(_) if comments == MAX_COMMENTS_BLANKED => return Err(error),
            Retry::Reindent(lines) => {
                reindents += 1;
                lines
            }
            Retry::TabsAsSpaces(bytes) => {
                tab_runs += 1;
                let mut spaced = source.to_string();
                spaced.replace_range(bytes.clone(), &source[bytes].replace('\t', " "));
                reindented = Some(spaced);
                continue;
            }
            // Each reading has a comment fewer; as many bytes of spaces keep every later
            // position where it was.
            Retry::CommentToBlanks(bytes) => {
                comments += 1;
                let mut blanked = source.to_string();
                blanked.replace_range(bytes.clone(), &" ".repeat(bytes.len()));
                reindented = Some(blanked);
                continue;
            }
        };
        // Measured on the text as written: blocks start only on lines never re-indented.
        let widest = text.lines().take(lines.first - 1).map(|l| l.chars().count()).max().unwrap_or(0);
        let extra = (widest + 1).saturating_sub(lines.col).max(1);
        for line in lines.first..=lines.last {
            *padding.entry(line).or_default() += extra;
        }
        reindented = Some(indent_lines(source, &lines, extra));
    }
}

/// go-yaml's scanner on a character it refuses in an anchor's or alias's name.
const ANCHOR_NAME_CHARACTER: &str = "did not find expected alphabetic or numeric character";

/// Byte offsets of the parser's markers (which count characters) in one text, found walking
/// forward from the last one asked for: markers come in order.
struct ByteOffsets<'t> {
    text: &'t str,
    /// Whether the text is ASCII (then a marker's index is its offset), once asked.
    ascii: Option<bool>,
    /// The last marker's character index and byte offset.
    last: (usize, usize),
}

impl<'t> ByteOffsets<'t> {
    fn new(text: &'t str) -> Self {
        ByteOffsets { text, ascii: None, last: (0, 0) }
    }

    fn of(&mut self, char_index: usize) -> Option<usize> {
        if *self.ascii.get_or_insert_with(|| self.text.is_ascii()) {
            return (char_index <= self.text.len()).then_some(char_index);
        }
        if char_index < self.last.0 {
            self.last = (0, 0);
        }
        let (from_char, from_byte) = self.last;
        let mut chars =
            self.text[from_byte..].char_indices().map(|(i, _)| from_byte + i).chain([self.text.len()]);
        let byte = chars.nth(char_index - from_char)?;
        self.last = (char_index, byte);
        Some(byte)
    }
}

/// Where in `text` the node at `start` begins and where its anchor's or alias's name does
/// (after the `&` or `*`, and a tag, if any), as byte offsets; `None` when the node starts
/// with neither.
fn anchor_at(offsets: &mut ByteOffsets<'_>, start: Marker) -> Option<(usize, usize)> {
    let text = offsets.text;
    let node = offsets.of(start.index())?;
    let mut at = node;
    loop {
        match text[at..].chars().next()? {
            ' ' | '\t' => at += 1,
            '!' => at += text[at..].find([' ', '\t', '\n', '\r']).unwrap_or(text.len() - at),
            '&' | '*' => return Some((node, at + 1)),
            _ => return None,
        }
    }
}

/// The name go-yaml reads at the start of `text`: letters, digits, `_` and `-`.
fn go_yaml_name(text: &str) -> &str {
    &text[..text.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')).unwrap_or(text.len())]
}

/// Where the name of the anchor or alias a node starts with has a character go-yaml
/// refuses in a name, as a line (from 1) and column (from 0): go-yaml takes letters,
/// digits, `_` and `-`, and after them only a space, a line break or one of `,]}?:%@` and
/// the backquote; the parser used here takes any character but spaces and `,[]{}`.
fn strange_anchor_character(offsets: &mut ByteOffsets<'_>, start: Marker) -> Option<(usize, usize)> {
    let text = offsets.text;
    let (node, name) = anchor_at(offsets, start)?;
    let end = name + go_yaml_name(&text[name..]).len();
    match text[end..].chars().next() {
        None | Some(' ' | '\t' | '\n' | '\r' | ',' | ']' | '}' | '?' | ':' | '%' | '@' | '`') => None,
        Some(_) => {
            let before = &text[node..end];
            let col = match before.rfind('\n') {
                Some(i) => before[i + 1..].chars().count(),
                None => start.col() + before.chars().count(),
            };
            Some((start.line() + before.matches('\n').count(), col))
        }
    }
}

/// The parser's message as go-yaml words it: the problem alone, without the context the
/// parser used here puts first (`while scanning a quoted scalar, found unexpected end of
/// stream`).
fn go_yaml_problem(info: &str) -> String {
    match info.strip_prefix("while ").and_then(|rest| rest.split_once(", ")) {
        Some((_, "expected ',' or ']'")) => "did not find expected ',' or ']'".to_string(),
        Some((_, problem)) => problem.to_string(),
        None if info == "simple key expect ':'" => "could not find expected ':'".to_string(),
        // A tab indenting a block, `@` or a backquote where a token starts.
        None if info == "tabs disallowed within this context (block indentation)"
            || info.starts_with("unexpected character: ") =>
        {
            "found character that cannot start any token".to_string()
        }
        None => info.to_string(),
    }
}

/// go-yaml's reader refuses these characters (`yaml: control characters are not allowed`)
/// wherever they stand, quoted or not.
const CONTROL_CHARACTERS: &str = "control characters are not allowed";

/// The first character go-yaml's reader refuses, as a byte offset. YAML's printable
/// characters are tab, the line breaks, printable ASCII, NEL and everything from U+00A0 up
/// except U+FFFE and U+FFFF (a Rust `char` is never a surrogate). Scanned as UTF-8 bytes:
/// C0 controls and DEL are single bytes, C1 controls other than NEL start with 0xC2, and
/// U+FFFE/U+FFFF are `EF BF BE`/`EF BF BF`.
fn first_control_character(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    // Files are read whole before anything else, so the check runs over every byte: 32
    // bytes at a time, a block none of whose bytes can start a refused character skipped
    // with a test the compiler turns into a few vector instructions.
    const BLOCK: usize = 32;
    let mut from = 0;
    for block in bytes.chunks(BLOCK) {
        let suspect = block.iter().fold(false, |any, &b| any | may_start_control_character(b));
        if suspect && let Some(at) = (from..from + block.len()).find(|&i| is_control_character_at(bytes, i)) {
            return Some(at);
        }
        from += block.len();
    }
    None
}

/// Whether a refused character can start at byte `b`: a C0 control other than tab and the
/// line breaks, DEL, or the first byte of a C1 control or of U+FFFE/U+FFFF.
fn may_start_control_character(b: u8) -> bool {
    (b < 0x20 && b != b'\t' && b != b'\n' && b != b'\r') | (b == 0x7f) | (b == 0xc2) | (b == 0xef)
}

/// Whether a refused character starts at byte `i` of `bytes`.
fn is_control_character_at(bytes: &[u8], i: usize) -> bool {
    match bytes[i] {
        b'\t' | b'\n' | b'\r' => false,
        0..=0x1f | 0x7f => true,
        0xc2 => bytes.get(i + 1).is_some_and(|&next| (0x80..=0x9f).contains(&next) && next != 0x85),
        0xef => bytes.get(i + 1) == Some(&0xbf) && matches!(bytes.get(i + 2), Some(0xbe | 0xbf)),
        _ => false,
    }
}

/// The reader decodes its input ahead of the scanner, so go-yaml reports such a character
/// before most syntax errors; checking the whole text first gives the same answer except
/// when a syntax error stands more than a read-ahead (about 512 bytes) before it.
fn refuse_control_characters(text: &str) -> Result<(), YamlError> {
    let Some(at) = first_control_character(text) else { return Ok(()) };
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before[before.rfind('\n').map_or(0, |i| i + 1)..].chars().count() + 1;
    Err(YamlError { pos: Pos { line, col }, message: CONTROL_CHARACTERS.into() })
}

/// go-yaml's reader's words for bytes that are not UTF-8.
const NOT_UTF8: [&str; 5] = [
    "invalid leading UTF-8 octet",
    "incomplete UTF-8 octet sequence",
    "invalid trailing UTF-8 octet",
    "invalid length of a UTF-8 sequence",
    "invalid Unicode character",
];

/// A text made from bytes that are not all UTF-8 (a binary file's contents in a template's
/// output, see `strconv::go_string_of`) is refused as go-yaml's reader refuses the first
/// sequence it cannot decode.
fn refuse_bytes_that_are_not_utf8(text: &str) -> Result<(), YamlError> {
    let bytes = crate::strconv::go_bytes(text);
    let std::borrow::Cow::Owned(bytes) = bytes else { return Ok(()) };
    let Err(invalid) = std::str::from_utf8(&bytes) else { return Ok(()) };
    let rest = &bytes[invalid.valid_up_to()..];
    let width = match rest[0] {
        b if b & 0xE0 == 0xC0 => 2,
        b if b & 0xF0 == 0xE0 => 3,
        b if b & 0xF8 == 0xF0 => 4,
        _ => 0,
    };
    let message = if width == 0 {
        NOT_UTF8[0]
    } else if rest.len() < width {
        NOT_UTF8[1]
    } else if rest[1..width].iter().any(|b| b & 0xC0 != 0x80) {
        NOT_UTF8[2]
    } else {
        // A complete sequence that is still not UTF-8: too long for its value, or a value
        // that is no character.
        let value = rest[1..width]
            .iter()
            .fold(u32::from(rest[0]) & (0x7F >> width), |v, b| (v << 6) | u32::from(b & 0x3F));
        let shortest = match value {
            0..0x80 => 1,
            0x80..0x800 => 2,
            0x800..0x10000 => 3,
            _ => 4,
        };
        if shortest != width { NOT_UTF8[3] } else { NOT_UTF8[4] }
    };
    Err(YamlError { pos: Pos { line: 1, col: 1 }, message: message.into() })
}

/// Why reading stopped.
struct Refusal {
    error: YamlError,
    /// How to change the text so that the parser reads what go-yaml would have read.
    retry: Option<Retry>,
}

enum Retry {
    /// Lines refused only for their indentation.
    Reindent(Reindent),
    /// Blanks (bytes of the text) whose tabs are refused where go-yaml reads them as spaces.
    TabsAsSpaces(std::ops::Range<usize>),
    /// A comment right after a token (`"x"#c`, `[1]#c`), which go-yaml reads as a comment and
    /// the parser refuses: its bytes, up to the end of its line, to be blanked.
    CommentToBlanks(std::ops::Range<usize>),
}

/// Lines `first` to `last` (counted from 1); the first one's content starts at column `col`
/// (from 0).
struct Reindent {
    first: usize,
    last: usize,
    col: usize,
}

impl From<YamlError> for Refusal {
    fn from(error: YamlError) -> Self {
        Refusal { error, retry: None }
    }
}

/// The run of spaces and tabs in `text` that byte `at` stands in or just after.
fn blanks_around(text: &str, at: usize) -> std::ops::Range<usize> {
    let bytes = text.as_bytes();
    let blank = |b: &u8| matches!(b, b' ' | b'\t');
    let start = at - bytes[..at].iter().rev().take_while(|b| blank(b)).count();
    let end = at + bytes[at..].iter().take_while(|b| blank(b)).count();
    start..end
}

/// `text` with `extra` spaces at the start of each of `lines`.
fn indent_lines(text: &str, lines: &Reindent, extra: usize) -> String {
    let mut out = String::with_capacity(text.len() + extra * (lines.last + 1 - lines.first));
    for (i, line) in text.split_inclusive('\n').enumerate() {
        if (lines.first..=lines.last).contains(&(i + 1)) {
            out.extend(std::iter::repeat_n(' ', extra));
        }
        out.push_str(line);
    }
    out
}

/// The lines after the first of the quoted scalar that starts at character `index` of the
/// text, on line `line`: those that go-yaml reads whatever their indentation.
fn quoted_scalar_continuation(offsets: &mut ByteOffsets<'_>, index: usize, line: usize) -> Option<Reindent> {
    let last = quoted_scalar_last_line(offsets, index, line)?;
    (last > line).then_some(Reindent { first: line + 1, last, col: 0 })
}

/// The line on which the quoted scalar that starts at character `index` of the text (on
/// line `line`) ends; `None` when it does not end, or when go-yaml stops in it first: at a
/// later line that starts with a document marker.
fn quoted_scalar_last_line(offsets: &mut ByteOffsets<'_>, index: usize, line: usize) -> Option<usize> {
    let text = offsets.text;
    let start = offsets.of(index)?;
    let quote = text[start..].chars().next()?;
    let body = &text[start + quote.len_utf8()..];
    let mut rest = body.char_indices().peekable();
    let mut last = line;
    // A line break at `at`: counted (`\r\n` once); `None` where the next line starts with a
    // document marker, which ends go-yaml's reading.
    let breaks = |at: usize, c: char, last: &mut usize| -> Option<()> {
        if c == '\r' && body[at + 1..].starts_with('\n') {
            return Some(());
        }
        *last += 1;
        (!starts_with_document_marker(&body[at + 1..])).then_some(())
    };
    loop {
        let (at, c) = rest.next()?;
        match (quote, c) {
            // An escaped character, perhaps an escaped line break.
            ('"', '\\') => {
                let (at, escaped) = rest.next()?;
                if matches!(escaped, '\n' | '\r') {
                    breaks(at, escaped, &mut last)?;
                }
            }
            ('\'', '\'') if rest.peek().map(|(_, c)| *c) == Some('\'') => {
                rest.next();
            }
            (q, c) if c == q && matches!(q, '"' | '\'') => return Some(last),
            (_, '\n' | '\r') => {
                breaks(at, c, &mut last)?;
            }
            _ => {}
        }
    }
}

/// Whether a line starts with a document marker (`---` or `...` and then a blank, a line
/// break or the end).
fn starts_with_document_marker(line: &str) -> bool {
    (line.starts_with("---") || line.starts_with("..."))
        && line[3..].chars().next().is_none_or(|c| matches!(c, ' ' | '\t' | '\r' | '\n'))
}

/// The lines of a text as go-yaml breaks them: at `\n`, `\r\n` and `\r`.
fn go_yaml_lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let current = rest?;
        match current.find(['\n', '\r']) {
            Some(at) => {
                let width = if current[at..].starts_with("\r\n") { 2 } else { 1 };
                rest = Some(&current[at + width..]);
                Some(&current[..at])
            }
            None => {
                rest = None;
                Some(current)
            }
        }
    })
}

/// Where go-yaml stops in a quoted scalar that starts on line `line` and never ends: at the
/// first later line that starts with a document marker (`---` or `...`), else at the end of
/// the text (whatever the lines' indentation, which go-yaml does not look at there). The line
/// (counted from 1) and go-yaml's words.
fn unterminated_quoted_scalar(text: &str, line: usize) -> (usize, &'static str) {
    let mut count = 0;
    for (at, l) in go_yaml_lines(text).enumerate() {
        count = at + 1;
        if at >= line && starts_with_document_marker(l) {
            return (at + 1, "found unexpected document indicator");
        }
    }
    (count, "found unexpected end of stream")
}

enum Frame {
    /// `merged`: the keys a `<<` merge set and no key of the mapping has set since (a key
    /// given after a merge overrides it, as it is meant to, and is no duplicate).
    Map {
        map: Map,
        node: u32,
        anchor: usize,
        key: Option<PendingKey>,
        merged: Vec<String>,
    },
    List {
        list: Vec<Value>,
        node: u32,
        anchor: usize,
    },
}

struct PendingKey {
    name: String,
    merge: bool,
}

#[derive(Default)]
struct Builder {
    documents: Vec<YamlDocument>,
    stack: Vec<Frame>,
    /// Spaces added at the start of lines (see [`load`]), taken off reported columns.
    padding: HashMap<usize, usize>,
    anchors: HashMap<usize, Value>,
    positions: Positions,
    duplicate_keys: Vec<(KeyPath, Pos)>,
    root: Option<Value>,
    expanded: usize,
    start_line: usize,
    reading: Reading,
    /// What the parser reads in place of a byte order mark (see [`load_with_parser`]).
    bom_stand_in: Option<char>,
    /// The first error of the document under way that go-yaml's decoder finds, once the whole
    /// document has parsed without one: a mapping or list that stood where a key does (see
    /// [`go_syntax`]), an alias inside its own anchor's value, a `<<` of what is no mapping.
    decode_error: Option<YamlError>,
}

impl Frame {
    fn node(&self) -> u32 {
        match self {
            Frame::Map { node, .. } | Frame::List { node, .. } => *node,
        }
    }

    /// The anchor the collection is given (0 for none).
    fn anchor(&self) -> usize {
        match self {
            Frame::Map { anchor, .. } | Frame::List { anchor, .. } => *anchor,
        }
    }
}

impl Builder {
    /// Reads every event of `text`; `unbroken_end`: as if its last line break were not
    /// there (see [`load_with_parser`]).
    fn read(&mut self, text: &str, unbroken_end: bool) -> Result<(), Refusal> {
        let mut parser = Parser::new_from_str(text);
        let mut offsets = ByteOffsets::new(text);
        // Where a block scalar ends that runs to the end of a text without a final line
        // break (the text's last line holds more than blanks): the parser adds one.
        let last_line = text.rsplit('\n').next().unwrap_or_default();
        let unbroken_end = if !unbroken_end && last_line.trim_matches([' ', '\t', '\r']).is_empty() {
            None
        } else {
            Some(text.chars().count())
        };
        while let Some(event) = parser.next_event() {
            if let Err(e) = &event
                && self.reading.first_only()
                && self.stack.is_empty()
                && self.root.is_some()
                && e.info() == "did not find expected <document start>"
            {
                // go-yaml stops after the first document's root and never looks for the next
                // document's start; the parser used here complains about text after the root
                // (`[]interface {}`) before it ends the document.
                self.event(Event::DocumentEnd, Span::empty(*e.marker()))?;
                break;
            }
            let (event, span) = event.map_err(|e| {
                let (line, col) = (e.marker().line(), e.marker().col());
                let mut error = YamlError { pos: self.pos_at(line, col), message: go_yaml_problem(e.info()) };
                if e.info().ends_with("unknown anchor") {
                    // go-yaml stops at a strange name first, and names the alias otherwise.
                    if let Some((line, col)) = strange_anchor_character(&mut offsets, *e.marker()) {
                        error = YamlError {
                            pos: self.pos_at(line, col),
                            message: ANCHOR_NAME_CHARACTER.to_string(),
                        };
                    } else if let Some((_, name)) = anchor_at(&mut offsets, *e.marker()) {
                        error.message =
                            format!("unknown anchor '{}' referenced", go_yaml_name(&text[name..]));
                    }
                }
                let unterminated = match e.info() {
                    "while scanning a quoted scalar, found unexpected end of stream"
                    | "while scanning a quoted scalar, found unexpected document indicator" => true,
                    "invalid indentation in quoted scalar" => {
                        quoted_scalar_last_line(&mut offsets, e.marker().index(), line).is_none()
                    }
                    _ => false,
                };
                if unterminated {
                    let (stop, message) = unterminated_quoted_scalar(text, line);
                    let error = YamlError { pos: self.pos_at(stop, 0), message: message.to_string() };
                    return Refusal { error, retry: None };
                }
                let retry = match e.info() {
                    "invalid indentation" | "invalid indentation in flow construct" => {
                        Some(Retry::Reindent(Reindent { first: line, last: line, col }))
                    }
                    "invalid indentation in quoted scalar" => {
                        quoted_scalar_continuation(&mut offsets, e.marker().index(), line)
                            .map(Retry::Reindent)
                    }
                    // Tabs after a key's `:` (the marker after them) and at the start of a
                    // quoted string's later line (the marker on the first tab refused).
                    "':' must be followed by a valid YAML whitespace"
                    | "tab cannot be used as indentation" => offsets
                        .of(e.marker().index())
                        .map(|at| blanks_around(text, at))
                        // Each reading again has a tab fewer.
                        .filter(|blanks| text[blanks.clone()].contains('\t'))
                        .map(Retry::TabsAsSpaces),
                    "comments must be separated from other tokens by whitespace" => offsets
                        .of(e.marker().index())
                        .filter(|&at| text[at..].starts_with('#'))
                        .map(|at| at..at + text[at..].find(['\n', '\r']).unwrap_or(text.len() - at))
                        .map(Retry::CommentToBlanks),
                    _ => None,
                };
                Refusal { error, retry }
            })?;
            let named = matches!(event, Event::Alias(_))
                || matches!(event, Event::Scalar(_, _, anchor, _) | Event::SequenceStart(anchor, _) | Event::MappingStart(anchor, _) if anchor != 0);
            if named && let Some((line, col)) = strange_anchor_character(&mut offsets, span.start) {
                let message = ANCHOR_NAME_CHARACTER.to_string();
                return Err(Refusal {
                    error: YamlError { pos: self.pos_at(line, col), message },
                    retry: None,
                });
            }
            // An alias inside the value of its own anchor: go-yaml's decoder names the anchor,
            // unless the alias is merged (`<<`) and the anchor's value is no mapping.
            if let Event::Alias(id) = &event
                && let Some(anchored) = self.stack.iter().find(|frame| frame.anchor() == *id)
                && let Some(at) = offsets.of(span.start.index())
            {
                let name = go_yaml_name(text[at..].strip_prefix('*').unwrap_or(&text[at..]));
                let merged =
                    matches!(self.stack.last(), Some(Frame::Map { key: Some(key), .. }) if key.merge);
                let message = if merged && matches!(anchored, Frame::List { .. }) {
                    MERGE_REFUSED.to_string()
                } else {
                    format!("anchor '{name}' value contains itself")
                };
                let pos = self.pos_at(span.start.line(), span.start.col());
                self.decode_error.get_or_insert(YamlError { pos, message });
            }
            let event = match event {
                Event::Scalar(text, style @ (ScalarStyle::Literal | ScalarStyle::Folded), anchor, tag)
                    if Some(span.end.index()) == unbroken_end && text.ends_with('\n') =>
                {
                    Event::Scalar(Cow::Owned(text[..text.len() - 1].to_string()), style, anchor, tag)
                }
                event => event,
            };
            self.event(event, span)?;
            if self.reading.first_only() && !self.documents.is_empty() {
                break;
            }
        }
        Ok(())
    }

    /// A position in the original text, from a line (from 1) and column (from 0) of the
    /// text read.
    fn pos_at(&self, line: usize, col: usize) -> Pos {
        let pad = if self.padding.is_empty() { 0 } else { self.padding.get(&line).copied().unwrap_or(0) };
        Pos { line, col: col.saturating_sub(pad) + 1 }
    }

    fn event(&mut self, event: Event<'_>, span: Span) -> Result<(), YamlError> {
        let pos = self.pos_at(span.start.line(), span.start.col());
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
                if let Some(decode_error) = self.decode_error.take() {
                    return Err(decode_error);
                }
                self.documents.push(YamlDocument {
                    root: self.root.take(),
                    positions: std::mem::take(&mut self.positions),
                    duplicate_keys: std::mem::take(&mut self.duplicate_keys),
                    start_line: self.start_line,
                });
            }
            Event::Scalar(text, style, anchor, tag) => {
                let text = match self.bom_stand_in {
                    Some(stand_in) if text.contains(stand_in) => {
                        Cow::Owned(text.replace(stand_in, "\u{feff}"))
                    }
                    _ => text,
                };
                if self.expects_key() {
                    let scalar = resolve_scalar(&text, style, tag.as_deref())
                        .map_err(|message| YamlError { pos, message })?;
                    let merge = style == ScalarStyle::Plain && text == "<<";
                    let name = key_string(scalar).map_err(|message| YamlError { pos, message })?;
                    let mut duplicate = false;
                    if let Some(Frame::Map { map, merged, .. }) = self.stack.last_mut()
                        && !merge
                        && map.contains_key(&name)
                    {
                        match merged.iter().position(|k| *k == name) {
                            Some(at) => {
                                merged.swap_remove(at);
                            }
                            None => duplicate = true,
                        }
                    }
                    if duplicate {
                        let path = self.path_here().child_key(&name);
                        self.duplicate_keys.push((path, pos));
                    }
                    if self.reading.keeps_positions() {
                        let parent = self.stack.last().map_or(0, Frame::node);
                        let node = self.positions.child(parent, Segment::Key(name.clone()));
                        self.positions.keys[node as usize] = Some(pos);
                    }
                    if let Some(Frame::Map { key, .. }) = self.stack.last_mut() {
                        *key = Some(PendingKey { name, merge });
                    }
                    return Ok(());
                }
                let node = self.child_node();
                self.positions.values[node as usize] = Some(pos);
                let value = match resolve_scalar(&text, style, tag.as_deref())
                    .map_err(|message| YamlError { pos, message })?
                {
                    Scalar::Int(i) if self.reading == Reading::KeepingIntegers => Value::Int(i),
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
                let node = self.open(pos)?;
                self.stack.push(Frame::List { list: Vec::new(), node, anchor });
            }
            Event::MappingStart(anchor, _) => {
                let node = self.open(pos)?;
                self.stack.push(Frame::Map {
                    map: Map::default(),
                    node,
                    anchor,
                    key: None,
                    merged: Vec::new(),
                });
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
                let value = match self.anchors.get(&id) {
                    Some(value) => value.clone(),
                    // An alias inside its own anchor's value, refused when the document has
                    // parsed (see `decode_error`); until then an empty mapping stands for it.
                    None if self.stack.iter().any(|frame| frame.anchor() == id) => Value::Map(Map::default()),
                    None => return Err(YamlError { pos, message: "unknown anchor".into() }),
                };
                self.expanded += count_nodes(&value);
                if self.expanded > ALIAS_EXPANSION_BUDGET {
                    return Err(YamlError { pos, message: "document contains excessive aliasing".into() });
                }
                let node = self.child_node();
                self.positions.values[node as usize] = Some(pos);
                self.complete(value, 0, pos)?;
            }
        }
        Ok(())
    }

    fn expects_key(&self) -> bool {
        matches!(self.stack.last(), Some(Frame::Map { key: None, .. }))
    }

    /// The node of the value that is about to start (the root, 0, when positions are not
    /// kept: nobody asks where the parts of a document read by `fromYaml` stood).
    fn child_node(&mut self) -> u32 {
        if !self.reading.keeps_positions() {
            return 0;
        }
        match self.stack.last() {
            Some(Frame::Map { node, key: Some(k), .. }) => {
                self.positions.child(*node, Segment::Key(k.name.clone()))
            }
            Some(Frame::List { node, list, .. }) => self.positions.child(*node, Segment::Index(list.len())),
            _ => 0,
        }
    }

    /// Starts a mapping or list: records where it stands and refuses nesting deeper than
    /// go-yaml allows.
    fn open(&mut self, pos: Pos) -> Result<u32, YamlError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(YamlError { pos, message: format!("exceeded max depth of {MAX_DEPTH}") });
        }
        let node = self.child_node();
        self.positions.values[node as usize] = Some(pos);
        Ok(node)
    }

    /// The path of the innermost open mapping or list (only needed to report duplicates).
    fn path_here(&self) -> KeyPath {
        let mut path = KeyPath::root();
        for pair in self.stack.windows(2) {
            path = match &pair[0] {
                Frame::Map { key: Some(k), .. } => path.child_key(&k.name),
                Frame::List { list, .. } => path.child_index(list.len()),
                Frame::Map { key: None, .. } => path,
            };
        }
        path
    }

    fn complete(&mut self, value: Value, anchor: usize, pos: Pos) -> Result<(), YamlError> {
        if anchor != 0 {
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.root = Some(value),
            Some(Frame::List { list, .. }) => list.push(value),
            Some(Frame::Map { map, key, merged, .. }) => {
                let Some(pending) = key.take() else {
                    // A mapping or list where a key stands: read whole, and refused as
                    // go-yaml's decoder refuses it, after the document has parsed; its value
                    // goes under a key of no consequence until then.
                    if !matches!(value, Value::Map(_) | Value::List(_)) {
                        return Err(YamlError { pos, message: "unexpected value in mapping".into() });
                    }
                    let message = format!("invalid map key: {}", go_syntax(&value));
                    self.decode_error.get_or_insert(YamlError { pos, message });
                    *key = Some(PendingKey { name: String::new(), merge: false });
                    return Ok(());
                };
                if pending.merge {
                    let sources = match &value {
                        Value::List(items) => items.as_slice(),
                        single => std::slice::from_ref(single),
                    };
                    for source in sources {
                        if let Value::Map(source) = source {
                            for name in source.keys() {
                                if !map.contains_key(name) && !merged.contains(name) {
                                    merged.push(name.clone());
                                }
                            }
                        }
                    }
                    // go-yaml's decoder refuses it, once the document has parsed.
                    if let Err(message) = merge_into(map, value) {
                        self.decode_error.get_or_insert(YamlError { pos, message });
                    }
                } else {
                    map.insert(pending.name, value);
                }
            }
        }
        Ok(())
    }
}

/// A value as Go's `%#v` prints what go-yaml decoded it to (`map[interface {}]interface {}`
/// with its keys in order, `[]interface {}`, quoted strings, `interface {}(nil)`).
fn go_syntax(value: &Value) -> String {
    match value {
        Value::Null => "interface {}(nil)".into(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => format_float_g(*f, 64),
        Value::String(s) => crate::strconv::quote(s),
        Value::List(items) => {
            let items: Vec<String> = items.iter().map(go_syntax).collect();
            format!("[]interface {{}}{{{}}}", items.join(", "))
        }
        Value::Map(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            let entries: Vec<String> = entries
                .into_iter()
                .map(|(k, v)| format!("{}:{}", crate::strconv::quote(k), go_syntax(v)))
                .collect();
            format!("map[interface {{}}]interface {{}}{{{}}}", entries.join(", "))
        }
    }
}

/// Checks the fast paths against the general parser on `text`, for the fuzz target and the
/// tests: where the block reader reads a text, it must give the general parser's documents
/// (in both readings that use it), and a manifest's head must be that of the whole document,
/// or its error. The text is the whole input, as [`load`] gets it; the block reader is
/// compared only on texts [`load`] hands to it (no byte-order mark, NEL or control
/// characters). The problem found, with the text, when they differ.
#[doc(hidden)]
pub fn check_fast_readers(text: &str) -> Result<(), String> {
    if !text.starts_with('\u{feff}') && !text.contains('\u{85}') && refuse_control_characters(text).is_ok() {
        read_alike(text)?;
    }
    head_read_alike(text)
}

/// The documents the block reader gives, or `None` when it hands the text over.
fn by_block_reader(text: &str, reading: Reading) -> Option<Vec<YamlDocument>> {
    let mut builder = Builder { reading, ..Builder::default() };
    super::block::read_block_yaml(text, &mut |event, span| builder.event(event, span).is_ok())
        .then_some(builder.documents)
}

fn summary(documents: &[YamlDocument]) -> String {
    let parts: Vec<_> = documents.iter().map(|d| (&d.root, d.start_line, &d.duplicate_keys)).collect();
    format!("{parts:?}")
}

/// Whether the block reader read `text` (where positions are not recorded: the first
/// document of a text); when it did, its documents must be the general parser's.
fn read_alike(text: &str) -> Result<bool, String> {
    let Some(fast) = by_block_reader(text, Reading::FirstDocument) else { return Ok(false) };
    let general = load_with_parser(text, Reading::FirstDocument)
        .map_err(|e| format!("{text:?}: only the block reader reads it ({e:?})"))?;
    if summary(&fast) != summary(&general) {
        return Err(format!("{text:?}:\n block   {}\n general {}", summary(&fast), summary(&general)));
    }
    Ok(true)
}

/// Whether reading `text` for a manifest's head gives the first document's `apiVersion`,
/// `kind` and `metadata`, or its error, exactly.
fn head_read_alike(text: &str) -> Result<(), String> {
    let head_of = |document: Result<Option<YamlDocument>, YamlError>| match document {
        Ok(Some(YamlDocument { root: Some(Value::Map(map)), start_line, .. })) => {
            let kept: Vec<_> = map
                .iter()
                .filter(|(key, _)| matches!(key.as_str(), "apiVersion" | "kind" | "metadata"))
                .collect();
            format!("{start_line} {kept:?}")
        }
        Ok(Some(YamlDocument { root, start_line, .. })) => format!("{start_line} {root:?}"),
        other => format!("{other:?}"),
    };
    let (head, whole) = (head_of(load_manifest_head(text)), head_of(load_first_yaml_document(text)));
    if head == whole { Ok(()) } else { Err(format!("{text:?}:\n head  {head}\n whole {whole}")) }
}

/// Passes to a [`Builder`] the events of a document but those of the root mapping's entries
/// other than `apiVersion`, `kind` and `metadata` (see [`load_manifest_head`]). In the
/// entries it skips, it refuses (so that the general parser reads the text) whatever the
/// builder could refuse or read otherwise than as plain data: merge keys, null keys,
/// numbers JSON cannot hold, aliases, collections as keys.
struct HeadFilter<'b> {
    builder: &'b mut Builder,
    /// The collections open, outermost first: for a mapping, whether a key comes next.
    open: Vec<Option<bool>>,
    /// The events are those of a root entry left out.
    skipping: bool,
}

impl HeadFilter<'_> {
    fn event(&mut self, event: Event<'_>, span: Span) -> bool {
        let key_next = matches!(self.open.last(), Some(Some(true)));
        let mut value_done = false;
        match &event {
            Event::Scalar(text, style, _, tag) => {
                if tag.is_some() {
                    return false;
                }
                let plain = *style == ScalarStyle::Plain;
                if key_next {
                    if plain && (text == "<<" || null_or_bool_word(text) == Some(None) || text.is_empty()) {
                        return false;
                    }
                    if self.open.len() == 1 {
                        self.skipping = !matches!(text.as_ref(), "apiVersion" | "kind" | "metadata");
                    }
                    if let Some(open) = self.open.last_mut() {
                        *open = Some(false);
                    }
                } else {
                    if self.skipping && plain && !finite_when_plain(text) {
                        return false;
                    }
                    value_done = true;
                }
            }
            Event::MappingStart(..) | Event::SequenceStart(..) => {
                if key_next {
                    return false;
                }
                self.open.push(matches!(event, Event::MappingStart(..)).then_some(true));
            }
            Event::MappingEnd | Event::SequenceEnd => {
                self.open.pop();
                value_done = true;
            }
            Event::Alias(_) => return false,
            Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart(_)
            | Event::DocumentEnd
            | Event::Nothing => {}
        }
        let skipped = self.skipping;
        if value_done {
            // A value completes its mapping's entry.
            if let Some(open @ Some(false)) = self.open.last_mut() {
                *open = Some(true);
            }
            if self.open.len() <= 1 {
                self.skipping = false;
            }
        }
        skipped || self.builder.event(event, span).is_ok()
    }
}

/// Whether a plain scalar reads as anything but a number JSON cannot hold (`.inf`, `.nan`,
/// ...): only a text that starts as a number could.
fn finite_when_plain(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(b'.' | b'+' | b'-' | b'0'..=b'9') => {
            !matches!(resolve_plain(text), Scalar::Float(f) if !f.is_finite())
        }
        _ => true,
    }
}

/// go-yaml's refusal of a `<<` whose value is neither a mapping nor a list of mappings.
const MERGE_REFUSED: &str = "map merge requires map or sequence of maps as the value";

/// go-yaml v2's `<<` merge: the merged mapping's keys are set where the `<<` stands. Of a
/// sequence of mappings the earlier ones take precedence: go-yaml sets them from the last to
/// the first.
fn merge_into(map: &mut Map, value: Value) -> Result<(), String> {
    const REFUSED: &str = MERGE_REFUSED;
    match value {
        Value::Map(m) => {
            map.extend(m);
            Ok(())
        }
        Value::List(items) => {
            if !items.iter().all(|item| matches!(item, Value::Map(_))) {
                return Err(REFUSED.into());
            }
            for item in items.into_iter().rev() {
                if let Value::Map(m) = item {
                    map.extend(m);
                }
            }
            Ok(())
        }
        _ => Err(REFUSED.into()),
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
///
/// A scalar tagged `!!bool`, `!!int`, `!!float` or `!!null` (quoted or not) is resolved as a
/// plain one and must come out of that type (an `int64` may become a float), else reading
/// fails with go-yaml's `cannot decode !!str `x` as a !!int`; `!!binary` is decoded from
/// base64. Other tags, `!!timestamp` among them, leave the text a string.
fn resolve_scalar(text: &str, style: ScalarStyle, tag: Option<&Tag>) -> Result<Scalar, String> {
    let Some(tag) = tag else {
        return Ok(if style == ScalarStyle::Plain {
            resolve_plain(text)
        } else {
            Scalar::Str(text.to_string())
        });
    };
    const CORE: &str = "tag:yaml.org,2002:";
    let core = if tag.handle == CORE { Some(tag.suffix.as_str()) } else { tag.suffix.strip_prefix(CORE) };
    let wanted = match core {
        Some(wanted @ ("bool" | "int" | "float" | "null")) => wanted,
        Some("binary") => {
            return crate::base64::base64_decode(text)
                .map(|bytes| Scalar::Str(String::from_utf8_lossy(&bytes).into_owned()))
                .map_err(|_| "!!binary value contains invalid base64 data".to_string());
        }
        _ => return Ok(Scalar::Str(text.to_string())),
    };
    let resolved = resolve_plain(text);
    let found = match &resolved {
        Scalar::Null => "null",
        Scalar::Bool(_) => "bool",
        Scalar::Int(_) | Scalar::Uint(_) => "int",
        Scalar::Float(_) => "float",
        Scalar::Str(_) => "str",
    };
    match (wanted, resolved) {
        (_, resolved) if found == wanted => Ok(resolved),
        // Not an integer only an unsigned 64 bits hold, as in go-yaml.
        ("float", Scalar::Int(i)) => Ok(Scalar::Float(i as f64)),
        _ => Err(format!("cannot decode !!{found} `{text}` as a !!{wanted}")),
    }
}

/// YAML 1.1's words for null (`Some(None)`) and for booleans, as go-yaml reads them.
pub(super) fn null_or_bool_word(text: &str) -> Option<Option<bool>> {
    match text {
        "~" | "null" | "Null" | "NULL" => Some(None),
        "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => Some(Some(true)),
        "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off" | "OFF" => {
            Some(Some(false))
        }
        _ => None,
    }
}

/// go-yaml v2's implicit typing of a plain scalar.
pub(super) fn resolve_plain(text: &str) -> Scalar {
    match null_or_bool_word(text) {
        Some(None) => return Scalar::Null,
        Some(Some(b)) => return Scalar::Bool(b),
        None => {}
    }
    match text {
        "" => return Scalar::Null,
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
    fn a_last_line_of_spaces_without_a_break_adds_no_line_break() {
        // What helm 4's fromYaml gives for `e` (the anchor sends the text to the general
        // parser); values files are read with a break added (helm::values).
        let e = |text: &str| one(&format!("x: &a 1\ne:{text}")).as_map().unwrap()["e"].clone();
        let s = |text: &str| Value::String(text.into());
        assert_eq!(e(" |\n  f\n  "), s("f\n"));
        assert_eq!(e(" |\n  f\n\n  "), s("f\n"));
        assert_eq!(e(" |\n  f\n   "), s("f\n "));
        assert_eq!(e(" >\n  f\n  "), s("f\n"));
        assert_eq!(e(" |+\n  f\n  "), s("f\n"));
        assert_eq!(e(" |+\n  f\n    "), s("f\n  "));
        assert_eq!(e(" |-\n  f\n  "), s("f"));
        assert_eq!(e(" |-\n  f\n    "), s("f\n  "));
        assert_eq!(e("\n  - |\n    f\n    "), Value::List(vec![s("f\n")]));
        // An error still names the text as written.
        let error = load_yaml_documents("a: [1,\n  ").unwrap_err();
        assert_eq!(error, load_reindenting("a: [1,\n  ", Reading::Documents, None, false).unwrap_err());
    }

    #[test]
    fn control_characters_are_refused_where_they_stand_and_named_without_a_line() {
        for text in ["a: \"x\u{7}y\"\n", "a: 1\nb: 2\nc: x\u{83}y\n", "# \u{0}\n", "a: \u{7f}\n"] {
            let error = load_yaml_documents(text).unwrap_err();
            assert_eq!(error.go_yaml_text(), "yaml: control characters are not allowed", "{text:?}");
        }
        let error = load_yaml_documents("a: 1\nb: 2\nc: x\u{83}y\n").unwrap_err();
        assert_eq!(error.pos, Pos { line: 3, col: 5 });
        for allowed in ['\t', '\u{85}', '\u{a0}', '\u{feff}', '\u{e000}', '\u{fffd}', '\u{1f600}'] {
            assert!(load_yaml_documents(&format!("a: \"x{allowed}y\"\n")).is_ok(), "{allowed:?}");
        }
    }

    #[test]
    fn control_characters_are_found_byte_by_byte_as_char_by_char() {
        let printable = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{fffd}' | '\u{10000}'..);
        let edges = (0u32..0x300).chain(0xd7f0..0xe010).chain(0xfef0..0x10010).filter_map(char::from_u32);
        for c in edges {
            let text = format!("ab{c}c");
            assert_eq!(first_control_character(&text), (!printable(c)).then_some(2), "{:04X}", c as u32);
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            rng_seed: proptest::test_runner::RngSeed::Fixed(303),
            ..proptest::test_runner::Config::default()
        })]

        /// Scanned a block at a time, texts longer than a block (refused characters on either
        /// side of a block's edge) give the first refused character's offset, char by char.
        #[test]
        fn control_characters_are_found_across_blocks(
            plain in "[a \n\t\u{85}\u{a0}\u{e9}\u{fffd}]{0,70}",
            rest in "[a\u{7}\u{7f}\u{85}\u{9f}\u{fffe}\u{ffff}]{0,8}",
        ) {
            let text = plain + &rest;
            let printable = |c: char| matches!(c, '\t' | '\n' | '\r' | ' '..='~' | '\u{85}' | '\u{a0}'..='\u{fffd}' | '\u{10000}'..);
            let expected = text.char_indices().find(|(_, c)| !printable(*c)).map(|(i, _)| i);
            proptest::prop_assert_eq!(first_control_character(&text), expected);
        }
    }

    #[test]
    fn byte_order_marks_after_the_start_are_characters_as_in_go_yaml() {
        // What helm 4 read from `-f` files holding these texts (the mark written `~` here).
        let cases = [
            ("a: 1 #~x\nb: 2\n", r#"{"a":1,"b":2}"#),
            ("a: x~y\n", r#"{"a":"x~y"}"#),
            ("a: ~y\n", r#"{"a":"~y"}"#),
            ("a: 1\n~b: 2\n", r#"{"a":1,"~b":2}"#),
            ("a:\n  b: 1\n~ c: 2\n", r#"{"a":{"b":1},"~ c":2}"#),
            ("a: \"x\n~y\"\n", r#"{"a":"x ~y"}"#),
            ("a: |\n  x~y\n", r#"{"a":"x~y\n"}"#),
            ("a: [x, ~y]\n", r#"{"a":["x","~y"]}"#),
            ("a: {x: 1,\n~y: 2}\n", r#"{"a":{"x":1,"~y":2}}"#),
            ("a: 'x~'\n", r#"{"a":"x~"}"#),
            ("k~: 1\n", r#"{"k~":1}"#),
            ("\n~a: 1\n", r#"{"~a":1}"#),
            ("~\n~a: 1\n", r#"{"~a":1}"#),
        ];
        for (text, json) in cases {
            let text = text.replace('~', "\u{feff}");
            let json: serde_json::Value = serde_json::from_str(&json.replace('~', "\u{feff}")).unwrap();
            assert_eq!(one(&text).to_json(), json, "{text:?}");
            let first = load_first_yaml_document(&text).unwrap().unwrap().root.unwrap();
            assert_eq!(first.to_json(), json, "{text:?}");
        }
        // A mark where go-yaml wants a `:` or a key is no more than a character there.
        for text in ["a: 1\n~\n", "a: \"x\"~\n", "a: |\n~ x\n"] {
            assert!(load_yaml_documents(&text.replace('~', "\u{feff}")).is_err(), "{text:?}");
        }
        // The stand-in is a character the text does not hold.
        assert_eq!(byte_order_mark_stand_in("a: \u{feff}\u{e000}\u{e001}"), Some('\u{e002}'));
        assert_eq!(byte_order_mark_stand_in("a: \u{e000}"), None);
        assert_eq!(one("a: \u{e000}\u{feff}\n").to_json(), serde_json::json!({"a": "\u{e000}\u{feff}"}));
        // Nor one an escape makes (found by the fuzz target).
        assert_eq!(byte_order_mark_stand_in("a: \"\u{feff}\\ue000 \\U0000E001\""), Some('\u{e002}'));
        let text = "a: \"\u{feff}\\ue000\\uE001\"\n";
        assert_eq!(one(text).to_json(), serde_json::json!({"a": "\u{feff}\u{e000}\u{e001}"}));
        check_fast_readers(text).unwrap();
    }

    #[test]
    fn core_tags_resolve_or_fail_as_in_go_yaml() {
        // What helm 4 read from values files holding these texts.
        let cases = [
            ("a: !!int \"5\"", r#"{"a":5}"#),
            ("a: !!float \"5\"", r#"{"a":5}"#),
            ("a: !!bool \"yes\"", r#"{"a":true}"#),
            ("a: !!null \"\"", r#"{"a":null}"#),
            ("a: !!binary aGk=", r#"{"a":"hi"}"#),
            ("a: !<tag:yaml.org,2002:int> \"7\"", r#"{"a":7}"#),
            ("a: !!timestamp 2001-12-14", r#"{"a":"2001-12-14"}"#),
            ("a: !local 5", r#"{"a":"5"}"#),
        ];
        for (text, json) in cases {
            let json: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(one(text).to_json(), json, "{text:?}");
        }
        let text_of = |text: &str| load_yaml_documents(text).unwrap_err().go_yaml_text();
        assert_eq!(text_of("b: 1\na: !!int x"), "yaml: cannot decode !!str `x` as a !!int");
        assert_eq!(text_of("a: !!int 1.5"), "yaml: cannot decode !!float `1.5` as a !!int");
        assert_eq!(
            text_of("a: !!float \"18446744073709551615\""),
            "yaml: cannot decode !!int `18446744073709551615` as a !!float"
        );
        assert_eq!(text_of("a: !!binary aGk"), "yaml: !!binary value contains invalid base64 data");
    }

    #[test]
    fn anchor_names_and_unknown_aliases_are_refused_as_in_go_yaml() {
        let text_of = |text: &str| load_yaml_documents(text).unwrap_err().go_yaml_text();
        let strange = "did not find expected alphabetic or numeric character";
        assert_eq!(text_of("b: 1\nc: 2\na: &x. 1"), format!("yaml: line 3: {strange}"));
        assert_eq!(text_of("a: !!str &x\u{e9} 1"), format!("yaml: {strange}"));
        assert_eq!(text_of("a: &x\n  b: 1\nc: *x."), format!("yaml: line 3: {strange}"));
        assert_eq!(text_of("b: 1\na: [*y]"), "yaml: unknown anchor 'y' referenced");
        assert_eq!(text_of("a: &x [*x]"), "yaml: anchor 'x' value contains itself");
        assert_eq!(text_of("b: 1\nc: &yy\n  d: [1, {e: *yy}]"), "yaml: anchor 'yy' value contains itself");
        // An alias of an anchor whose value is complete is no cycle.
        assert!(load_yaml_documents("a: &x [1]\nb: &y [*x]\nc: *y").is_ok());
        // Markers count characters; names are found by bytes.
        assert_eq!(text_of("\u{e9}: &\u{e9} 1\nb: [*\u{e9}, &x\u{e9}y 1]"), format!("yaml: {strange}"));
        assert_eq!(text_of("\u{e9}: &a 1\nb: [*a, &x\u{e9}y 1]"), format!("yaml: line 2: {strange}"));
        assert_eq!(text_of("\u{e9}\u{e9}: &a 1\nb: *a\nc: *\u{e9}"), format!("yaml: line 3: {strange}"));
        let mut offsets = ByteOffsets::new("a\u{e9}b\u{1f600}c");
        assert_eq!(
            [3, 1, 2, 4, 0, 5].map(|i| offsets.of(i)),
            [Some(4), Some(1), Some(3), Some(8), Some(0), Some(9)]
        );
        assert_eq!(offsets.of(6), None);
        assert_eq!(
            one("a: [&x-y_z 1, *x-y_z]\nb: {&k c: 1}").to_json(),
            serde_json::json!({"a": [1, 1], "b": {"c": 1}})
        );
    }

    #[test]
    fn tabs_go_yaml_reads_as_spaces_are_read() {
        // What helm 4 read from values files holding these texts.
        let cases = [
            ("a:\t1\nb:\t\t-1\nc:\n  d:\tx", r#"{"a":1,"b":-1,"c":{"d":"x"}}"#),
            ("a: \"x\n \t y\n\tz\"", r#"{"a":"x y z"}"#),
            ("a: |\n  k:\tv\nb:\tc", r#"{"a":"k:\tv\n","b":"c"}"#),
        ];
        for (text, json) in cases {
            let json: serde_json::Value = serde_json::from_str(json).unwrap();
            assert_eq!(one(text).to_json(), json, "{text:?}");
        }
        // One reading per run of tabs.
        let many: String = (0..50).map(|i| format!("k{i}:\t{i}\n")).collect();
        assert_eq!(one(&many).to_json()["k49"], serde_json::json!(49));
        assert_eq!(blanks_around("a: \t x", 4), 2..5);
    }

    #[test]
    fn nel_breaks_lines_as_in_go_yaml() {
        assert_eq!(one("a: \"x\u{85}y\"\u{85}b: |\n  p\u{85}  q\n"), {
            let mut m = Map::default();
            m.insert("a".into(), Value::String("x y".into()));
            m.insert("b".into(), Value::String("p\nq\n".into()));
            Value::Map(m)
        });
    }

    #[test]
    fn quoted_scalars_stay_strings() {
        assert_eq!(one("a: \"yes\"\nb: '5'\nc: !!str 7"), {
            let mut m = Map::default();
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
        assert_eq!(p.value(&KeyPath::from_dotted("a.b")), Some(Pos { line: 2, col: 6 }));
        assert_eq!(p.key(&KeyPath::from_dotted("a.b")), Some(Pos { line: 2, col: 3 }));
        assert_eq!(p.value(&KeyPath::from_dotted("list").child_index(1)), Some(Pos { line: 5, col: 5 }));
        assert_eq!(p.value(&KeyPath::from_dotted("list").child_index(2)), None);
        assert_eq!(p.locate(&KeyPath::from_dotted("a.b.c.d")), Some(Pos { line: 2, col: 6 }));
        assert_eq!(p.locate_key(&KeyPath::from_dotted("a")), Some(Pos { line: 1, col: 1 }));
    }

    #[test]
    fn anchors_aliases_and_merge_keys_work() {
        let v = one("base: &b {p: 1, q: 2}\nother:\n  <<: *b\n  q: 3\ncopy: *b\n");
        assert_eq!(v.get_dotted("other.p"), Some(&Value::Float(1.0)));
        assert_eq!(v.get_dotted("other.q"), Some(&Value::Float(3.0)));
        assert_eq!(v.get_dotted("copy.q"), Some(&Value::Float(2.0)));
        // Of several merged mappings the earlier ones win, as in go-yaml v2.
        let v = one("d: &d {r: 1, p: 80}
o: &o {r: 3, p: 8080, x: 1}
app:
  <<: [*d, *o]
  n: w
");
        assert_eq!(v.get_dotted("app.r"), Some(&Value::Float(1.0)));
        assert_eq!(v.get_dotted("app.p"), Some(&Value::Float(80.0)));
        assert_eq!(v.get_dotted("app.x"), Some(&Value::Float(1.0)));
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
    fn flow_collections_may_close_left_of_their_key_as_in_go_yaml() {
        let text = "a:\n  b: [\n    1,\n  2\n]\n  c: {\nd: 1}\ne: [x,\ny]\n";
        let docs = load_yaml_documents(text).unwrap();
        let root = docs[0].root.as_ref().unwrap();
        assert_eq!(root.get_dotted("a.c.d"), Some(&Value::Float(1.0)));
        assert_eq!(
            root.get_dotted("e"),
            Some(&Value::List(vec![Value::String("x".into()), Value::Bool(true)]))
        );
        // Positions are those of the text as written, not as re-indented.
        let p = &docs[0].positions;
        assert_eq!(p.value(&KeyPath::from_dotted("a.b").child_index(1)), Some(Pos { line: 4, col: 3 }));
        assert_eq!(p.key(&KeyPath::from_dotted("a.c.d")), Some(Pos { line: 7, col: 1 }));
        assert_eq!(p.value(&KeyPath::from_dotted("e").child_index(1)), Some(Pos { line: 9, col: 1 }));
        // The lines of a quoted scalar may start anywhere, as in go-yaml.
        let docs = load_yaml_documents("a:\n  b: \"x\n\\\ny \\\"z\"\n  c: 'it''s\n\n   so'\n").unwrap();
        let root = docs[0].root.as_ref().unwrap();
        assert_eq!(root.get_dotted("a.b"), Some(&Value::String("x y \"z".into())));
        assert_eq!(root.get_dotted("a.c"), Some(&Value::String("it's\nso".into())));
        assert_eq!(docs[0].positions.value(&KeyPath::from_dotted("a.c")), Some(Pos { line: 5, col: 6 }));
        // A real indentation error is still one, at its own place.
        let err = load_yaml_documents("a:\n  b: [1,\n2]\n c: 1\n").unwrap_err();
        assert_eq!(err.pos.line, 4, "{err:?}");
    }

    #[test]
    fn nesting_stops_at_go_yamls_depth() {
        // Dropping a value nested this deep recurses; a test thread's stack is too small.
        let worker = std::thread::Builder::new().stack_size(64 << 20);
        worker
            .spawn(|| {
                let deepest = format!("a:\n  {}x\n", "- ".repeat(MAX_DEPTH - 1));
                assert!(load_yaml_documents(&deepest).is_ok());
                let err = load_yaml_documents(&format!("a:\n  {}x\n", "- ".repeat(MAX_DEPTH))).unwrap_err();
                assert_eq!(err.go_yaml_text(), "yaml: line 2: exceeded max depth of 10000");
            })
            .unwrap()
            .join()
            .unwrap();
    }

    #[test]
    fn positions_of_later_documents_win() {
        let mut first = load_yaml_documents("a: 1\nb: 2\n").unwrap().remove(0).positions;
        let second = load_yaml_documents("\n\nb: 3\nc: [4]\n").unwrap().remove(0).positions;
        first.merge(second);
        assert_eq!(first.value(&KeyPath::from_dotted("a")), Some(Pos { line: 1, col: 4 }));
        assert_eq!(first.value(&KeyPath::from_dotted("b")), Some(Pos { line: 3, col: 4 }));
        assert_eq!(first.value(&KeyPath::from_dotted("c").child_index(0)), Some(Pos { line: 4, col: 5 }));
    }

    #[test]
    fn error_lines_are_counted_as_go_yaml_counts_them() {
        // Recorded from helm 4 (a chart's values.yaml): the parser's errors name the line
        // before the problem, the scanner's the line itself, and neither names line 1.
        for (text, want) in [
            ("a: [", "yaml: line 1: did not find expected node content"),
            ("a: [\n\n", "yaml: line 2: did not find expected node content"),
            ("a:\n  b: {\n  c: 1\n", "yaml: line 3: did not find expected ',' or '}'"),
            ("x: 1\n- a\n", "yaml: line 1: did not find expected key"),
            ("x:\n  - a\n  b: 1\n", "yaml: line 2: did not find expected '-' indicator"),
            ("x: 1\n  y: 2\n", "yaml: line 2: mapping values are not allowed in this context"),
            ("a: b: c\n", "yaml: mapping values are not allowed in this context"),
        ] {
            assert_eq!(load_yaml_documents(text).unwrap_err().go_yaml_text(), want, "{text:?}");
        }
    }

    #[test]
    fn infinity_is_refused_as_json_would() {
        assert!(load_yaml_documents("a: .inf\n").is_err());
    }
}

/// The block reader ([`super::block`]) against the general parser: where the block reader
/// reads a text at all, both must give the same documents.
#[cfg(test)]
mod block_reader_tests {
    use super::*;

    #[test]
    fn rendered_manifests_and_values_are_read_alike() {
        for text in [
            "",
            "# Source: chart/templates/a.yaml\n",
            "---\n# Source: x\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: \"a\"\n  labels: {}\ndata:\n  k: v\n",
            "a: 1\nb: 2.5\nc: true\nd: ~\ne: null\nf: 0x1F\ng: 1e3\nh: yes\ni: \"1\"\nj: '2'\n",
            "list:\n- a\n- b: c\n  d: e\n-\n-\n  nested: 1\nnext: 1\n",
            "list:\n  - a\n  -   b: 1\n      c: 2\n  - \"q\"\n",
            "x: |\n  line1\n\n  line2\n    deeper\ny: |-\n  z\n\n\nw: |+\n  keep\n\n\nv: |\n",
            "x: | # comment\n\n   text\n  \n",
            "x: |-\n  a\n     \n  b",
            "k:\n  # comment\n  a: 1 # after\n  b: x#y\n  c: 'it''s'\n  d: \"tab\\there \\u00e9 \\x41 \\\\ \\\"\"\n",
            "rules:\n- apiGroups: [\"\"]\n  resources: [pods, \"services\" , 'x']\n  verbs: [ ]\n  m: {a: b, \"c\": [d, e]}\n",
            "a:\n  {}\nb:\n  \"next line\"\nc:\n    |\n      text\n",
            "image: docker.io/bitnami/redis:7.2 # tag\nurl: http://x:80/a\nneg: -1\nopt: --flag=1\ncolon: :x\n",
            "dup: 1\ndup: 2\nm:\n  k: a\n  k: b\n",
            "<<: {a: 1}\nb: 2\n",
            "  indented: root\n  more: 1\n",
            "a: 1\n\n\n",
            "a: b\n   # deeper comment\nc: d\n",
            "a: plain\n  continued\n   and  \n  on # comment\nb: 1\n",
            "- first\n  second\n-   k: v\n      w\n    l: x\n",
            "q: 'it''s\n   folded  \n  ''here'''\nl:\n- 'a\n  b' # c\n",
            "k:\n    below\n  left of it\nm: x\n  - dash\n  ? mark\n  `tick` 'q' \"d\" [b] {c} *s &a !t |p >g %x @y\n",
        ] {
            assert!(read_alike(text).unwrap(), "handed over: {text:?}");
        }
    }

    #[test]
    fn other_yaml_is_handed_to_the_general_parser() {
        for text in [
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a:\n\tb: 1\n",
            "a: 1\r\n",
            "a: >\n  folded\n",
            "a: 1\n---\nb: 2\n",
            "a: plain\n\n  after a blank line\n",
            "a: plain # comment\n  continued\n",
            "a: plain\n  # comment\n  continued\n",
            "a: plain\n  b: c\n",
            "a: plain\n  ends in:\n",
            "a: 'quoted\n\n  after a blank line'\n",
            "a: 'quoted\nat the left'\n",
            "a: 'never closed\n  b\n",
            "a: [1, 2,]\n",
            "a: [1,\n 2]\n",
            "a: \"open\n  quote\"\n",
            "a: b: c\n",
            "x: 1\n  y: 2\n",
            "just a scalar\n",
            "? complex\n: key\n",
            "a: |2\n   x\n",
            "a: |\n    \n  x\n",
        ] {
            assert!(!read_alike(text).unwrap(), "read by the block reader: {text:?}");
        }
    }

    #[test]
    fn manifest_heads_are_read_as_from_the_whole_document() {
        for text in [
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    x: \"1\"\ndata:\n  k: v\n",
            "spec:\n  a: [1, {b: c}]\nkind: Job\nkind: Pod\nstatus:\n- x\n-\n  - y\nmetadata: {name: n}\n",
            "data:\n  k: .inf\nkind: Pod\n",
            "data:\n  k: -.Inf\n",
            "data:\n  - 1e400\n  - .5\n  - +1\n",
            "data:\n  ~: x\n",
            "data:\n  : x\n",
            "spec:\n  <<: {a: 1}\n",
            "<<: {kind: Pod}\n",
            "data: &a 1\nkind: *a\n",
            "- kind: Pod\n",
            "plain text\n",
            "kind: Pod\nspec: x\n  y\n",
            "kind: Pod\nspec: 'a\n  b'\nmetadata:\n  name: \"q\"\n",
            "",
        ] {
            head_read_alike(text).unwrap();
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]

        #[test]
        fn heads_read_alike(
            lines in proptest::collection::vec((0usize..5, 0usize..HEAD_LINES.len()), 0..14),
        ) {
            let text: String =
                lines.iter().map(|&(indent, line)| format!("{}{}\n", " ".repeat(indent), HEAD_LINES[line])).collect();
            if let Err(problem) = head_read_alike(&text) {
                proptest::prop_assert!(false, "{}", problem);
            }
        }

        #[test]
        fn whatever_the_block_reader_reads_it_reads_as_the_parser_does(
            lines in proptest::collection::vec((0usize..7, 0usize..LINES.len()), 0..14),
            end_with_break in proptest::bool::ANY,
        ) {
            let mut text: String =
                lines.iter().map(|&(indent, line)| format!("{}{}\n", " ".repeat(indent), LINES[line])).collect();
            if !end_with_break {
                text.pop();
            }
            if let Err(problem) = read_alike(&text) {
                proptest::prop_assert!(false, "{}", problem);
            }
        }
    }

    /// Lines manifests are made of in the property on heads.
    const HEAD_LINES: &[&str] = &[
        "kind: Pod",
        "kind:",
        "apiVersion: v1",
        "metadata:",
        "name: n",
        "annotations:",
        "a: \"1\"",
        "spec:",
        "- x",
        "- k: .inf",
        "v: .nan",
        "w: 1e400",
        "x: -.5",
        "~: x",
        "null: y",
        "<<: {kind: Job}",
        "y: &a 1",
        "z: *a",
        "- [a, {b: .inf}]",
        "text",
        "'q",
        "q'",
        "# c",
        "",
        "---",
    ];

    /// Lines texts are made of in the property above: the reader's forms and their near misses.
    const LINES: &[&str] = &[
        "a:",
        "a: 1",
        "b: x y",
        "c: \"q\\n\"",
        "d: 'it''s'",
        "- ",
        "-",
        "- a",
        "- k: v",
        "- - x",
        "e: |",
        "e: |-",
        "e: |+",
        "text",
        "  text",
        "# comment",
        "",
        "   ",
        "f: [a, \"b\"]",
        "g: {h: i}",
        "g: {}",
        "h: []",
        "---",
        "...",
        "i: a #c",
        "j: -1",
        "k: :x",
        "l: a: b",
        "m: x:",
        "\"n\": 1",
        "o: &a 1",
        "p: *a",
        "q: >",
        "r: {",
        "s: 'open",
        "t: .inf",
        "u: ~",
        "<<: {v: 1}",
        "w: \"\\x4",
        "x: 'a'b",
        "more text",
        "- dash text",
        "? mark",
        "`tick` 'q'",
        "y: a #c",
        "z: [x]",
        "'q",
        "a: 'open",
        "''' '",
        "close'",
    ];
}
