//! A fast reader for the plain block YAML that most charts' `values.yaml` files and nearly
//! every rendered manifest are written in: block mappings and lists, scalars (plain or
//! single-quoted, also over several lines indented deeper than their collection, as CRDs'
//! descriptions are written; double-quoted on one line), literal block scalars (`|`, `|-`,
//! `|+`), flow lists and maps that close on the line they open (`[""]`, `{}`), and
//! comments, in one document.
//!
//! The general parser spends about a hundred instructions a byte on such text; this reader
//! walks it line by line and hands the same events to the same builder. Anything else
//! (anchors, tags, flow collections over several lines, folded scalars, blank lines inside
//! a scalar, double-quoted scalars over several lines, tabs, several documents, any error)
//! makes it give up, and the general parser reads the text from the start: the reader
//! never decides what a text means on its own, and never reports an error. Tests (in
//! `load.rs`) require both readers to give the same documents wherever this one reads a
//! text, on chosen texts and on generated ones.
//!
//! Only the events' start lines and columns of mapping keys and documents are exact (the
//! builder needs no others when it does not record positions); the caller uses this reader
//! only when positions are not recorded.

use std::borrow::Cow;

use saphyr_parser::{Event, Marker, ScalarStyle, Span};

/// How deeply mappings and lists may nest before the reader hands the text over (it
/// recurses on the stack; the general parser does not).
const MAX_DEPTH: usize = 200;

/// The longest implicit key YAML allows.
const MAX_KEY_LENGTH: usize = 1024;

/// Reads `text`, giving each event to `sink`. Returns `false` when the text is outside
/// what this reader handles or `sink` refused an event: the events given so far must then
/// be thrown away.
pub(super) fn read_block_yaml<'t>(text: &'t str, sink: &mut dyn FnMut(Event<'t>, Span) -> bool) -> bool {
    if has_unhandled_bytes(text.as_bytes()) {
        return false;
    }
    let mut reader = Reader { text, bytes: text.as_bytes(), line_start: 0, line: 1, sink };
    reader.stream().is_some()
}

/// Tabs (indentation rules), carriage returns and the Unicode line and paragraph
/// separators (line breaks to YAML 1.1) are left to the general parser.
fn has_unhandled_bytes(bytes: &[u8]) -> bool {
    memchr::memchr2(b'\t', b'\r', bytes).is_some()
        || memchr::memchr_iter(0xe2, bytes)
            .any(|i| bytes.get(i + 1) == Some(&0x80) && matches!(bytes.get(i + 2), Some(0xa8 | 0xa9)))
}

/// `None`: hand the text to the general parser.
type Step = Option<()>;

/// A mapping key: its text, its style, and the offset just after its `:`.
type Key<'t> = (Cow<'t, str>, ScalarStyle, usize);

struct Reader<'t, 's> {
    text: &'t str,
    bytes: &'t [u8],
    /// Byte offset of the start of the current line (the text's length at its end).
    line_start: usize,
    /// The current line, counted from 1.
    line: usize,
    sink: &'s mut dyn FnMut(Event<'t>, Span) -> bool,
}

/// Bytes that cannot start a plain scalar here (YAML's indicators); `-`, `?` and `:`
/// followed by a space would start something else, and are left to the general parser
/// even when they would not.
fn is_indicator(b: u8) -> bool {
    matches!(
        b,
        b'-' | b'?'
            | b':'
            | b','
            | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
    )
}

impl<'t> Reader<'t, '_> {
    fn emit(&mut self, event: Event<'t>, line: usize, col: usize) -> Step {
        let mark = Marker::new(0, line, col);
        (self.sink)(event, Span::new(mark, mark)).then_some(())
    }

    /// The end of the current line (the offset of its `\n`, or the text's length).
    fn line_end(&self) -> usize {
        memchr::memchr(b'\n', &self.bytes[self.line_start..])
            .map_or(self.bytes.len(), |i| self.line_start + i)
    }

    fn at_end(&self) -> bool {
        self.line_start >= self.bytes.len()
    }

    fn next_line(&mut self) {
        self.line_start = (self.line_end() + 1).min(self.bytes.len());
        self.line += 1;
    }

    /// The number of spaces the current line starts with.
    fn indent(&self) -> usize {
        self.bytes[self.line_start..].iter().take_while(|&&b| b == b' ').count()
    }

    /// Moves to the next line with content (not blank, not only a comment), staying on the
    /// current one if it has content. `Some(None)` at the end of the text, `Some(Some(n))`
    /// with the line's indentation, `None` at a document marker.
    fn next_content(&mut self) -> Option<Option<usize>> {
        while !self.at_end() {
            let indent = self.indent();
            match self.bytes.get(self.line_start + indent) {
                None | Some(b'\n' | b'#') => self.next_line(),
                Some(_) => {
                    if indent == 0 && self.is_document_marker() {
                        return None;
                    }
                    return Some(Some(indent));
                }
            }
        }
        Some(None)
    }

    /// Whether the current line starts with `---` or `...` followed by a space or its end.
    fn is_document_marker(&self) -> bool {
        let rest = &self.bytes[self.line_start..];
        (rest.starts_with(b"---") || rest.starts_with(b"..."))
            && matches!(rest.get(3), None | Some(b' ' | b'\n'))
    }

    /// Whether a `-` entry starts at byte `at`.
    fn is_dash(&self, at: usize) -> bool {
        self.bytes.get(at) == Some(&b'-') && matches!(self.bytes.get(at + 1), None | Some(b' ' | b'\n'))
    }

    /// The position at which a collection that ends here ends: the next token, or the end
    /// of the text.
    fn end_position(&self) -> (usize, usize) {
        (self.line, if self.at_end() { 0 } else { self.indent() })
    }

    fn stream(&mut self) -> Step {
        self.emit(Event::StreamStart, 1, 0)?;
        // Blank lines and comments, then perhaps an explicit document start.
        let explicit = loop {
            if self.at_end() {
                return self.emit(Event::StreamEnd, self.line, 0);
            }
            let indent = self.indent();
            match self.bytes.get(self.line_start + indent) {
                None | Some(b'\n' | b'#') => self.next_line(),
                Some(_) if indent == 0 && self.bytes[self.line_start..].starts_with(b"---") => {
                    let rest = &self.bytes[self.line_start + 3..self.line_end()];
                    if !rest.iter().all(|&b| b == b' ') {
                        return None;
                    }
                    self.emit(Event::DocumentStart(true), self.line, 0)?;
                    self.next_line();
                    break true;
                }
                Some(_) => break false,
            }
        };
        let indent = self.next_content()??;
        if !explicit {
            self.emit(Event::DocumentStart(false), self.line, indent)?;
        }
        self.node(indent, None, 0)?;
        if self.next_content()?.is_some() {
            return None;
        }
        let (line, col) = self.end_position();
        self.emit(Event::DocumentEnd, line, col)?;
        self.emit(Event::StreamEnd, line, col)
    }

    /// The node that starts at column `col` of the current line: a mapping or a list, or
    /// (not at the root) a value as [`Self::inline_value`] reads it, in a collection at
    /// column `parent`.
    fn node(&mut self, col: usize, parent: Option<usize>, depth: usize) -> Step {
        if depth >= MAX_DEPTH {
            return None;
        }
        let at = self.line_start + col;
        if self.is_dash(at) {
            self.sequence(col, depth)
        } else if self.key_at(at)?.is_some() {
            self.mapping(col, depth)
        } else {
            self.inline_value(parent?, at, self.line_end(), depth)
        }
    }

    /// The key that starts at byte `at`, if the text there is `key:` followed by a space or
    /// the line's end: the key's text and style, and the offset just after its `:`. `None`
    /// when the text is beyond this reader.
    fn key_at(&self, at: usize) -> Option<Option<Key<'t>>> {
        let end = self.line_end();
        let first = *self.bytes.get(at)?;
        if first == b'"' || first == b'\'' {
            // A quoted scalar that does not close on its line is no key.
            let Some((text, after)) = self.quoted(at, end) else { return Some(None) };
            let style = if first == b'"' { ScalarStyle::DoubleQuoted } else { ScalarStyle::SingleQuoted };
            return Some(match self.bytes.get(after) {
                Some(b':') if matches!(self.bytes.get(after + 1), None | Some(b' ' | b'\n')) => {
                    Some((text, style, after + 1))
                }
                _ => None,
            });
        }
        if is_indicator(first) {
            return Some(None);
        }
        let line = &self.bytes[at..end];
        let mut from = 0;
        while let Some(i) = memchr::memchr2(b':', b'#', &line[from..]).map(|i| from + i) {
            match line[i] {
                b':' if matches!(line.get(i + 1), None | Some(b' ')) => {
                    if i > MAX_KEY_LENGTH || line[i - 1] == b' ' {
                        return None;
                    }
                    return Some(Some((
                        Cow::Borrowed(&self.text[at..at + i]),
                        ScalarStyle::Plain,
                        at + i + 1,
                    )));
                }
                // A comment: no key on this line.
                b'#' if line[i - 1] == b' ' => return Some(None),
                _ => from = i + 1,
            }
        }
        Some(None)
    }

    /// A block mapping whose first key starts at column `col` of the current line.
    fn mapping(&mut self, col: usize, depth: usize) -> Step {
        self.emit(Event::MappingStart(0, None), self.line, col)?;
        loop {
            let at = self.line_start + col;
            let (key, style, after) = self.key_at(at)??;
            self.emit(Event::Scalar(key, style, 0, None), self.line, col)?;
            self.value(col, after, depth)?;
            match self.next_content()? {
                Some(indent) if indent == col && !self.is_dash(self.line_start + col) => {}
                Some(indent) if indent < col => break,
                None => break,
                Some(_) => return None,
            }
        }
        let (line, end_col) = self.end_position();
        self.emit(Event::MappingEnd, line, end_col)
    }

    /// A block list whose first `-` stands at column `col` of the current line.
    fn sequence(&mut self, col: usize, depth: usize) -> Step {
        self.emit(Event::SequenceStart(0, None), self.line, col)?;
        loop {
            let end = self.line_end();
            let item = self.skip_spaces(self.line_start + col + 1, end);
            if item == end || self.bytes[item] == b'#' {
                self.nested_or_empty(col, col, depth, false)?;
            } else if self.is_dash(item) {
                return None;
            } else if self.key_at(item)?.is_some() {
                self.mapping(item - self.line_start, depth + 1)?;
            } else {
                self.inline_value(col, item, end, depth)?;
            }
            match self.next_content()? {
                Some(indent) if indent == col && self.is_dash(self.line_start + col) => {}
                Some(indent) if indent <= col => break,
                None => break,
                Some(_) => return None,
            }
        }
        let (line, end_col) = self.end_position();
        self.emit(Event::SequenceEnd, line, end_col)
    }

    /// The value of a mapping entry at column `col`, after the `:` at byte `after - 1`.
    fn value(&mut self, col: usize, after: usize, depth: usize) -> Step {
        let end = self.line_end();
        let start = self.skip_spaces(after, end);
        if start == end || self.bytes[start] == b'#' {
            let colon_col = after - 1 - self.line_start;
            self.nested_or_empty(col, colon_col, depth, true)
        } else {
            self.inline_value(col, start, end, depth)
        }
    }

    /// A value that starts on a later line: a mapping or list indented deeper than `col`
    /// (or, for a mapping entry, a list at `col` itself), or else an empty value.
    fn nested_or_empty(&mut self, col: usize, empty_col: usize, depth: usize, entry: bool) -> Step {
        let line = self.line;
        self.next_line();
        match self.next_content()? {
            Some(indent) if indent > col => self.node(indent, Some(col), depth + 1),
            Some(indent) if entry && indent == col && self.is_dash(self.line_start + col) => {
                self.sequence(col, depth + 1)
            }
            _ => self.emit(Event::Scalar(Cow::Borrowed(""), ScalarStyle::Plain, 0, None), line, empty_col),
        }
    }

    fn skip_spaces(&self, mut at: usize, end: usize) -> usize {
        while at < end && self.bytes[at] == b' ' {
            at += 1;
        }
        at
    }

    /// A value that starts at byte `start` of the current line (not a space, not a
    /// comment), in a collection at column `col`: a quoted or plain scalar, a flow
    /// collection on this line, or a literal block scalar. Moves past it.
    fn inline_value(&mut self, col: usize, start: usize, end: usize, depth: usize) -> Step {
        let value_col = start - self.line_start;
        let line = self.line;
        match self.bytes[start] {
            quote @ (b'"' | b'\'') => {
                let (text, after, end) = match self.quoted(start, end) {
                    Some((text, after)) => (text, after, end),
                    None if quote == b'\'' => self.single_quoted_lines(col, start, end)?,
                    None => return None,
                };
                self.rest_is_comment(after, end)?;
                let style = if quote == b'"' { ScalarStyle::DoubleQuoted } else { ScalarStyle::SingleQuoted };
                self.emit(Event::Scalar(text, style, 0, None), line, value_col)?;
            }
            b'{' | b'[' => {
                let after = self.flow(start, end, depth + 1)?;
                self.rest_is_comment(after, end)?;
            }
            b'|' => return self.literal(col, start, end),
            // `-`, `?` and `:` start a plain scalar when a character other than a space
            // follows.
            b'-' | b'?' | b':' if !matches!(self.bytes.get(start + 1), None | Some(b' ' | b'\n')) => {
                self.plain(col, start, end, line, value_col)?
            }
            first if is_indicator(first) => return None,
            _ => self.plain(col, start, end, line, value_col)?,
        }
        self.next_line();
        Some(())
    }

    /// A flow list or mapping that opens at byte `start` and closes on the same line, with
    /// scalars and flow collections in it. Returns the offset after its closing bracket.
    fn flow(&mut self, start: usize, end: usize, depth: usize) -> Option<usize> {
        if depth >= MAX_DEPTH {
            return None;
        }
        let mapping = self.bytes[start] == b'{';
        let close = if mapping { b'}' } else { b']' };
        let (line, col) = (self.line, start - self.line_start);
        let (open_event, close_event) = if mapping {
            (Event::MappingStart(0, None), Event::MappingEnd)
        } else {
            (Event::SequenceStart(0, None), Event::SequenceEnd)
        };
        self.emit(open_event, line, col)?;
        let mut at = self.skip_spaces(start + 1, end);
        if self.bytes.get(at) != Some(&close) {
            loop {
                if mapping {
                    let (key, style, after) = self.flow_scalar(at, end, true)?;
                    self.emit(Event::Scalar(key, style, 0, None), line, at - self.line_start)?;
                    if self.bytes.get(after) != Some(&b':') || self.bytes.get(after + 1) != Some(&b' ') {
                        return None;
                    }
                    at = self.skip_spaces(after + 1, end);
                }
                at = match self.bytes.get(at)? {
                    b'[' | b'{' => self.flow(at, end, depth + 1)?,
                    _ => {
                        let (text, style, after) = self.flow_scalar(at, end, false)?;
                        self.emit(Event::Scalar(text, style, 0, None), line, at - self.line_start)?;
                        after
                    }
                };
                at = self.skip_spaces(at, end);
                match self.bytes.get(at) {
                    Some(b',') => {
                        at = self.skip_spaces(at + 1, end);
                        // A trailing comma is left to the general parser.
                        if self.bytes.get(at) == Some(&close) {
                            return None;
                        }
                    }
                    Some(&b) if b == close => break,
                    _ => return None,
                }
            }
        }
        self.emit(close_event, line, at - self.line_start)?;
        Some(at + 1)
    }

    /// A scalar inside a flow collection, starting at byte `at`: quoted, or plain up to a
    /// `,` or closing bracket (a `:` ends a key and nothing else). Its text, style and the
    /// offset after it.
    fn flow_scalar(&self, at: usize, end: usize, key: bool) -> Option<(Cow<'t, str>, ScalarStyle, usize)> {
        let first = *self.bytes.get(at).filter(|_| at < end)?;
        if first == b'"' || first == b'\'' {
            let (text, after) = self.quoted(at, end)?;
            let style = if first == b'"' { ScalarStyle::DoubleQuoted } else { ScalarStyle::SingleQuoted };
            return Some((text, style, after));
        }
        if is_indicator(first) {
            return None;
        }
        let stop = at + self.bytes[at..end].iter().position(|b| b",[]{}:#".contains(b))?;
        match self.bytes[stop] {
            b':' if key => {}
            b',' | b']' | b'}' if !key => {}
            _ => return None,
        }
        let mut text_end = stop;
        while self.bytes[text_end - 1] == b' ' {
            text_end -= 1;
        }
        Some((Cow::Borrowed(&self.text[at..text_end]), ScalarStyle::Plain, stop))
    }

    /// A plain scalar from byte `start` of the current line, in a collection at column
    /// `col`: to the line's end or a comment, and on over the lines right below it that are
    /// indented deeper than `col` (each line break between them read as a space, as in
    /// descriptions of custom resources). A blank line or a comment ends it; a deeper line
    /// after that is left to the caller, which hands the text over. Stays on its last line.
    fn plain(&mut self, col: usize, start: usize, end: usize, line: usize, value_col: usize) -> Step {
        let (stop, mut comment) = self.plain_line(start, end)?;
        let mut folded: Option<String> = None;
        let mut end = end;
        while !comment {
            let Some(spaces) = self.deeper_next_line(end, col) else { break };
            if self.bytes[end + 1 + spaces] == b'#' {
                break;
            }
            let text = folded.get_or_insert_with(|| self.text[start..stop].to_string());
            self.next_line();
            let start = self.line_start + spaces;
            end = self.line_end();
            let (stop, ends_in_comment) = self.plain_line(start, end)?;
            text.push(' ');
            text.push_str(&self.text[start..stop]);
            comment = ends_in_comment;
        }
        let text = folded.map_or(Cow::Borrowed(&self.text[start..stop]), Cow::Owned);
        self.emit(Event::Scalar(text, ScalarStyle::Plain, 0, None), line, value_col)
    }

    /// The indentation of the line after the one ending at `end`, when that line is
    /// indented deeper than `col` and not blank: a scalar at `col` may go on there.
    fn deeper_next_line(&self, end: usize, col: usize) -> Option<usize> {
        let next = self.bytes.get(end + 1..)?;
        let spaces = next.iter().take_while(|&&b| b == b' ').count();
        (spaces > col && !matches!(next.get(spaces), None | Some(b'\n'))).then_some(spaces)
    }

    /// The text of one line of a plain scalar from byte `start` to `end` (the line's end):
    /// where it stops (before a comment and trailing spaces), and whether a comment follows.
    /// `None` for a `: ` in it, which would start a mapping here.
    fn plain_line(&self, start: usize, end: usize) -> Option<(usize, bool)> {
        let mut stop = end;
        let mut comment = false;
        let text = &self.bytes[start..end];
        let mut from = 0;
        while let Some(i) = memchr::memchr2(b':', b'#', &text[from..]).map(|i| from + i) {
            match text[i] {
                // `a: b: c` is an error, and `a: b:` too.
                b':' if matches!(text.get(i + 1), None | Some(b' ')) => return None,
                b'#' if text[i - 1] == b' ' => {
                    stop = start + i;
                    comment = true;
                    break;
                }
                _ => from = i + 1,
            }
        }
        while stop > start && self.bytes[stop - 1] == b' ' {
            stop -= 1;
        }
        Some((stop, comment))
    }

    /// After a quoted scalar or an empty flow collection: only spaces and perhaps a
    /// comment may follow on the line.
    fn rest_is_comment(&self, after: usize, end: usize) -> Step {
        let next = self.skip_spaces(after, end);
        (next == end || (self.bytes[next] == b'#' && next > after)).then_some(())
    }

    /// A single-line quoted scalar opening at byte `start`: its value and the offset after
    /// its closing quote.
    fn quoted(&self, start: usize, end: usize) -> Option<(Cow<'t, str>, usize)> {
        if self.bytes[start] == b'\'' {
            single_quoted(self.text, start + 1, end)
        } else {
            double_quoted(self.text, start + 1, end)
        }
    }

    /// A single-quoted scalar opening at byte `start` that does not close on its line, in a
    /// collection at column `col`: its lines, each indented deeper than `col`, up to the
    /// closing quote, every line break between two of them read as a space (and the
    /// spaces around it dropped). A blank line in it, or a line not indented deeper, is
    /// left to the general parser. Its value, the offset after the closing quote and the end
    /// of that line, which becomes the current one.
    fn single_quoted_lines(
        &mut self,
        col: usize,
        start: usize,
        end: usize,
    ) -> Option<(Cow<'t, str>, usize, usize)> {
        let mut value = String::new();
        let (mut from, mut end) = (start + 1, end);
        loop {
            match memchr::memchr(b'\'', &self.bytes[from..end]).map(|i| from + i) {
                Some(quote) if self.bytes.get(quote + 1) == Some(&b'\'') => {
                    value.push_str(&self.text[from..=quote]);
                    from = quote + 2;
                }
                Some(quote) => {
                    value.push_str(&self.text[from..quote]);
                    return Some((Cow::Owned(value), quote + 1, end));
                }
                None => {
                    value.push_str(self.text[from..end].trim_end_matches(' '));
                    let spaces = self.deeper_next_line(end, col)?;
                    value.push(' ');
                    self.next_line();
                    from = self.line_start + spaces;
                    end = self.line_end();
                }
            }
        }
    }

    /// A literal block scalar whose header (`|`, `|-` or `|+`) is at byte `start`, in a
    /// collection at column `col`. Moves to the first line after it.
    fn literal(&mut self, col: usize, start: usize, end: usize) -> Step {
        let (keep, strip, after) = match self.bytes.get(start + 1) {
            Some(b'+') => (true, false, start + 2),
            Some(b'-') => (false, true, start + 2),
            _ => (false, false, start + 1),
        };
        if after < end && self.bytes[after] != b' ' {
            return None;
        }
        self.rest_is_comment(after, end)?;
        self.next_line();
        // Blank lines before the first line of content set nothing but line breaks; one with
        // more spaces than that line would set the indentation (beyond this reader).
        let mut leading = 0;
        let mut widest_blank = 0;
        let indent = loop {
            let indent = self.indent();
            match self.bytes.get(self.line_start + indent) {
                _ if self.at_end() => break 0,
                None | Some(b'\n') => {
                    widest_blank = widest_blank.max(indent);
                    leading += 1;
                    self.next_line();
                }
                Some(_) => break indent,
            }
        };
        if indent <= col {
            // No content: an empty scalar, when no blank line could have set an
            // indentation.
            if leading > 0 {
                return None;
            }
            let (line, col) = self.end_position();
            return self.emit(Event::Scalar(Cow::Borrowed(""), ScalarStyle::Literal, 0, None), line, col);
        }
        if widest_blank > indent {
            return None;
        }
        let (first_line, first_col) = (self.line, indent);
        let mut out = String::new();
        out.extend(std::iter::repeat_n('\n', leading));
        let mut breaks = 0;
        while !self.at_end() {
            let end = self.line_end();
            let spaces = self.indent();
            let blank = self.line_start + spaces == end;
            if blank && spaces <= indent {
                // A last line without a line break adds none.
                if end < self.bytes.len() {
                    breaks += 1;
                }
            } else if !blank && spaces < indent {
                break;
            } else {
                out.extend(std::iter::repeat_n('\n', breaks));
                breaks = 0;
                out.push_str(&self.text[self.line_start + indent..end]);
                // The last line of a text that does not end in a line break adds none.
                if end < self.bytes.len() {
                    out.push('\n');
                }
            }
            self.next_line();
        }
        if strip {
            if out.ends_with('\n') {
                out.pop();
            }
        } else if keep {
            out.extend(std::iter::repeat_n('\n', breaks));
        }
        self.emit(Event::Scalar(Cow::Owned(out), ScalarStyle::Literal, 0, None), first_line, first_col)
    }
}

fn single_quoted(text: &str, from: usize, end: usize) -> Option<(Cow<'_, str>, usize)> {
    let bytes = text.as_bytes();
    let mut owned: Option<String> = None;
    let mut piece = from;
    let mut at = from;
    loop {
        let quote = from_offset(memchr::memchr(b'\'', &bytes[at..end]), at)?;
        if bytes.get(quote + 1) == Some(&b'\'') {
            owned.get_or_insert_with(String::new).push_str(&text[piece..=quote]);
            at = quote + 2;
            piece = at;
            continue;
        }
        return Some((quoted_value(text, owned, from, piece, quote), quote + 1));
    }
}

/// A quoted scalar's value, its text from `from` to the closing quote at `close`: borrowed
/// when nothing was unescaped, else what was (`owned`) and the text since (`piece`).
fn quoted_value(text: &str, owned: Option<String>, from: usize, piece: usize, close: usize) -> Cow<'_, str> {
    match owned {
        Some(mut value) => {
            value.push_str(&text[piece..close]);
            Cow::Owned(value)
        }
        None => Cow::Borrowed(&text[from..close]),
    }
}

fn from_offset(found: Option<usize>, base: usize) -> Option<usize> {
    found.map(|i| base + i)
}

fn double_quoted(text: &str, from: usize, end: usize) -> Option<(Cow<'_, str>, usize)> {
    let bytes = text.as_bytes();
    let mut owned: Option<String> = None;
    let mut piece = from;
    let mut at = from;
    loop {
        let stop = from_offset(memchr::memchr2(b'"', b'\\', &bytes[at..end]), at)?;
        if bytes[stop] == b'"' {
            return Some((quoted_value(text, owned, from, piece, stop), stop + 1));
        }
        let s = owned.get_or_insert_with(String::new);
        s.push_str(&text[piece..stop]);
        let escape = *bytes.get(stop + 1).filter(|_| stop + 1 < end)?;
        let (c, width) = match escape {
            b'\\' => ('\\', 0),
            b'"' => ('"', 0),
            b'/' => ('/', 0),
            b'n' => ('\n', 0),
            b't' => ('\t', 0),
            b'r' => ('\r', 0),
            b'0' => ('\0', 0),
            b' ' => (' ', 0),
            b'x' => ('x', 2),
            b'u' => ('u', 4),
            b'U' => ('U', 8),
            _ => return None,
        };
        at = stop + 2;
        if width == 0 {
            s.push(c);
        } else {
            let digits = text.get(at..at + width).filter(|_| at + width <= end)?;
            if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                return None;
            }
            s.push(char::from_u32(u32::from_str_radix(digits, 16).ok()?)?);
            at += width;
        }
        piece = at;
    }
}
