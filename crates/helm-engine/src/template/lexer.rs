//! The lexer: splits template text into text runs and the tokens inside `{{ }}` actions,
//! exactly where Go's `text/template/parse` lexer splits them (trim markers `{{- ` and ` -}}`,
//! comments `{{/* */}}`, newlines inside actions, number spellings), with Go's error texts.
//!
//! It is pulled token by token by the parser, so a lexical error further down the text is
//! only reported if the parser gets that far, as in Go.

/// The kind of a token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    /// A lexical error; the token's value is the message.
    Error,
    /// `true` or `false`.
    Bool,
    /// A printable ASCII character that has no other meaning (a comma, say).
    Char,
    /// A character constant: `'a'`.
    CharConstant,
    /// A complex constant: `1+2i`.
    Complex,
    /// `=`
    Assign,
    /// `:=`
    Declare,
    /// End of input.
    Eof,
    /// `.Field`
    Field,
    /// A function name.
    Identifier,
    /// `{{` (with or without a trim marker).
    LeftDelim,
    /// `(`
    LeftParen,
    /// A number.
    Number,
    /// `|`
    Pipe,
    /// A raw string: `` `text` ``.
    RawString,
    /// `}}` (with or without a trim marker).
    RightDelim,
    /// `)`
    RightParen,
    /// Spaces between operands (newlines included).
    Space,
    /// A quoted string: `"text"`.
    String,
    /// Text outside actions.
    Text,
    /// A variable: `$` or `$name`.
    Variable,
    /// `block`
    Block,
    /// `break`
    Break,
    /// `continue`
    Continue,
    /// `.` alone.
    Dot,
    /// `define`
    Define,
    /// `else`
    Else,
    /// `end`
    End,
    /// `if`
    If,
    /// `nil`
    Nil,
    /// `range`
    Range,
    /// `template`
    Template,
    /// `with`
    With,
}

impl Kind {
    /// Whether the kind is a keyword (Go prints those as `<name>` in messages).
    pub(crate) fn is_keyword(self) -> bool {
        matches!(
            self,
            Kind::Block
                | Kind::Break
                | Kind::Continue
                | Kind::Dot
                | Kind::Define
                | Kind::Else
                | Kind::End
                | Kind::If
                | Kind::Nil
                | Kind::Range
                | Kind::Template
                | Kind::With
        )
    }
}

/// A token: its kind, byte offset, text and the line it starts on. Tokens are copied
/// freely (the parser peeks and backs up as Go's does), so they hold only borrowed text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Item<'a> {
    /// What it is.
    pub kind: Kind,
    /// Byte offset in the input.
    pub pos: usize,
    /// Its text, borrowed from the input (empty for [`Kind::Error`], whose message
    /// [`Lexer::error_message`] holds).
    pub val: &'a str,
    /// The 1-based line where it starts.
    pub line: usize,
}

impl Item<'_> {
    /// Go's spelling of a token in parse errors: `EOF`, the message of an error (`message`),
    /// `<if>` for a keyword, a quoted text cut to ten characters otherwise.
    pub(crate) fn describe(&self, message: &str) -> String {
        match self.kind {
            Kind::Eof => "EOF".into(),
            Kind::Error => message.into(),
            k if k.is_keyword() => format!("<{}>", self.val),
            _ if self.val.chars().count() > 10 => {
                let cut: String = self.val.chars().take(10).collect();
                format!("{}...", crate::strconv::quote(&cut))
            }
            _ => crate::strconv::quote(self.val),
        }
    }
}

const LEFT_DELIM: &str = "{{";
const RIGHT_DELIM: &str = "}}";
const LEFT_COMMENT: &str = "/*";
const RIGHT_COMMENT: &str = "*/";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    Text,
    LeftDelim,
    InsideAction,
    Done,
}

/// A pull lexer over one template text.
pub(crate) struct Lexer<'a> {
    input: &'a str,
    pos: usize,
    start: usize,
    line: usize,
    start_line: usize,
    paren_depth: usize,
    state: State,
    /// Whether `break` and `continue` are keywords (they are unless functions of those names
    /// exist).
    break_ok: bool,
    continue_ok: bool,
    /// The message of the error the lexer stopped at.
    error_message: String,
}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// Go's `isAlphaNumeric`: `_`, a letter (category L) or a decimal digit (Nd). Rust's
/// `is_alphabetic` and `is_numeric` are wider (letter numbers like `Ⅷ`, spacing marks like
/// the Devanagari `ा`), which Go's lexer calls bad characters.
fn is_alnum(c: char) -> bool {
    c == '_' || crate::go_unicode::is_letter(c) || crate::go_unicode::is_digit(c)
}

/// The ASCII bytes of names: letters, digits and `_`.
const ASCII_WORD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        table[b] = (b as u8).is_ascii_alphanumeric() || b == b'_' as usize;
        b += 1;
    }
    table
};

fn has_left_trim_marker(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 2 && b[0] == b'-' && is_space(b[1] as char)
}

/// Whether `s` starts with a right delimiter, and whether it has a trim marker (` -}}`).
fn right_delim_at(s: &str) -> (bool, bool) {
    match s.as_bytes() {
        [b'}', b'}', ..] => (true, false),
        [space, b'-', b'}', b'}', ..] if is_space(*space as char) => (true, true),
        _ => (false, false),
    }
}

/// The line breaks in `text` (most texts counted are a delimiter or a few spaces).
fn count_lines(text: &str) -> usize {
    let bytes = text.as_bytes();
    if bytes.len() < 32 {
        return bytes.iter().filter(|&&b| b == b'\n').count();
    }
    memchr::memchr_iter(b'\n', bytes).count()
}

/// Where the first `{{` of `text` starts.
fn find_left_delim(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut from = 0;
    while let Some(at) = memchr::memchr(b'{', &bytes[from..]) {
        let at = from + at;
        if bytes.get(at + 1) == Some(&b'{') {
            return Some(at);
        }
        from = at + 1;
    }
    None
}

fn keyword(word: &str) -> Option<Kind> {
    Some(match word {
        "." => Kind::Dot,
        "block" => Kind::Block,
        "break" => Kind::Break,
        "continue" => Kind::Continue,
        "define" => Kind::Define,
        "else" => Kind::Else,
        "end" => Kind::End,
        "if" => Kind::If,
        "range" => Kind::Range,
        "nil" => Kind::Nil,
        "template" => Kind::Template,
        "with" => Kind::With,
        _ => return None,
    })
}

/// Go's `%#U` of a character: `U+002D '-'`.
pub(crate) fn char_u(c: Option<char>) -> String {
    match c {
        Some(c) if crate::strconv::is_print(c) => format!("U+{:04X} '{c}'", c as u32),
        Some(c) => format!("U+{:04X}", c as u32),
        None => "U+FFFFFFFFFFFFFFFF".into(),
    }
}

impl<'a> Lexer<'a> {
    /// A lexer over `input`; `break_ok`/`continue_ok` say whether those words are keywords.
    pub(crate) fn new(input: &'a str, break_ok: bool, continue_ok: bool) -> Self {
        Lexer {
            input,
            pos: 0,
            start: 0,
            line: 1,
            start_line: 1,
            paren_depth: 0,
            state: State::Text,
            break_ok,
            continue_ok,
            error_message: String::new(),
        }
    }

    /// Why lexing stopped, once a [`Kind::Error`] token has been returned.
    pub(crate) fn error_message(&self) -> &str {
        &self.error_message
    }

    fn rest(&self) -> &'a str {
        &self.input[self.pos..]
    }

    fn peek_char(&self) -> Option<char> {
        self.rest().chars().next()
    }

    /// Moves past a run of [`is_alnum`] characters (an identifier, field or variable name);
    /// most are ASCII and are taken a byte at a time.
    fn skip_alnum(&mut self) {
        loop {
            let rest = &self.input.as_bytes()[self.pos..];
            let ascii = rest.iter().position(|&b| !ASCII_WORD[usize::from(b)]).unwrap_or(rest.len());
            self.pos += ascii;
            if rest.get(ascii).is_none_or(u8::is_ascii) {
                return;
            }
            match self.peek_char() {
                Some(c) if is_alnum(c) => self.pos += c.len_utf8(),
                _ => return,
            }
        }
    }

    fn next_char(&mut self) -> Option<char> {
        let c = self.peek_char()?;
        self.pos += c.len_utf8();
        if c == '\n' {
            self.line += 1;
        }
        Some(c)
    }

    fn backup(&mut self, c: Option<char>) {
        if let Some(c) = c {
            self.pos -= c.len_utf8();
            if c == '\n' {
                self.line -= 1;
            }
        }
    }

    fn item(&mut self, kind: Kind) -> Item<'a> {
        let item =
            Item { kind, pos: self.start, val: &self.input[self.start..self.pos], line: self.start_line };
        self.start = self.pos;
        self.start_line = self.line;
        item
    }

    fn ignore(&mut self) {
        self.line += count_lines(&self.input[self.start..self.pos]);
        self.start = self.pos;
        self.start_line = self.line;
    }

    fn error(&mut self, message: String) -> Item<'a> {
        self.state = State::Done;
        self.error_message = message;
        Item { kind: Kind::Error, pos: self.start, val: "", line: self.start_line }
    }

    fn accept(&mut self, valid: &str) -> bool {
        match self.peek_char() {
            Some(c) if valid.contains(c) => {
                self.next_char();
                true
            }
            _ => false,
        }
    }

    fn accept_run(&mut self, valid: &str) {
        while self.accept(valid) {}
    }

    /// [`right_delim_at`] here.
    fn at_right_delim(&self) -> (bool, bool) {
        right_delim_at(self.rest())
    }

    fn at_terminator(&self) -> bool {
        matches!(
            &self.input.as_bytes()[self.pos..],
            [] | [b' ' | b'\t' | b'\r' | b'\n' | b'.' | b',' | b'|' | b':' | b')' | b'(', ..]
                | [b'}', b'}', ..]
        )
    }

    /// The next token; after the end or an error, `Eof` forever.
    pub(crate) fn next_item(&mut self) -> Item<'a> {
        loop {
            let produced = match self.state {
                State::Done => {
                    return Item { kind: Kind::Eof, pos: self.input.len(), val: "", line: self.line };
                }
                State::Text => self.lex_text(),
                State::LeftDelim => self.lex_left_delim(),
                State::InsideAction => self.lex_inside_action(),
            };
            if let Some(item) = produced {
                if item.kind == Kind::Eof {
                    self.state = State::Done;
                }
                return item;
            }
        }
    }

    fn lex_text(&mut self) -> Option<Item<'a>> {
        if let Some(x) = find_left_delim(self.rest()) {
            if x > 0 {
                self.pos += x;
                let delim_end = self.pos + LEFT_DELIM.len();
                let mut trim = 0;
                if has_left_trim_marker(&self.input[delim_end..]) {
                    let text = &self.input.as_bytes()[self.start..self.pos];
                    trim = text.iter().rev().take_while(|&&b| is_space(b as char)).count();
                }
                self.pos -= trim;
                self.line += count_lines(&self.input[self.start..self.pos]);
                let item = self.item(Kind::Text);
                self.pos += trim;
                self.ignore();
                self.state = State::LeftDelim;
                if !item.val.is_empty() {
                    return Some(item);
                }
                return None;
            }
            self.state = State::LeftDelim;
            return None;
        }
        self.pos = self.input.len();
        if self.pos > self.start {
            self.line += count_lines(&self.input[self.start..self.pos]);
            let item = self.item(Kind::Text);
            self.state = State::Done;
            // Go emits EOF after the final text; the Done state does that.
            return Some(item);
        }
        Some(self.item(Kind::Eof))
    }

    fn lex_left_delim(&mut self) -> Option<Item<'a>> {
        self.pos += LEFT_DELIM.len();
        let trim = has_left_trim_marker(self.rest());
        let after = if trim { 2 } else { 0 };
        if self.input[self.pos + after..].starts_with(LEFT_COMMENT) {
            self.pos += after;
            self.ignore();
            return self.lex_comment();
        }
        let item = self.item(Kind::LeftDelim);
        self.pos += after;
        self.ignore();
        self.paren_depth = 0;
        self.state = State::InsideAction;
        Some(item)
    }

    fn lex_comment(&mut self) -> Option<Item<'a>> {
        self.pos += LEFT_COMMENT.len();
        let Some(x) = self.rest().find(RIGHT_COMMENT) else {
            return Some(self.error("unclosed comment".into()));
        };
        self.pos += x + RIGHT_COMMENT.len();
        let (delim, trim) = self.at_right_delim();
        if !delim {
            return Some(self.error("comment ends before closing delimiter".into()));
        }
        if trim {
            self.pos += 2;
        }
        self.pos += RIGHT_DELIM.len();
        if trim {
            self.pos += self.rest().bytes().take_while(|&b| is_space(b as char)).count();
        }
        self.ignore();
        self.state = State::Text;
        None
    }

    fn lex_right_delim(&mut self) -> Option<Item<'a>> {
        let (_, trim) = self.at_right_delim();
        if trim {
            self.pos += 2;
            self.ignore();
        }
        self.pos += RIGHT_DELIM.len();
        let item = self.item(Kind::RightDelim);
        if trim {
            self.pos += self.rest().bytes().take_while(|&b| is_space(b as char)).count();
            self.ignore();
        }
        self.state = State::Text;
        Some(item)
    }

    fn lex_inside_action(&mut self) -> Option<Item<'a>> {
        // A right delimiter starts with `}` or, trim-marked, with a space: other tokens are
        // told by their first byte alone.
        let first = self.input.as_bytes().get(self.pos).copied();
        if matches!(first, Some(b'}' | b' ' | b'\t' | b'\r' | b'\n')) && self.at_right_delim().0 {
            if self.paren_depth == 0 {
                return self.lex_right_delim();
            }
            return Some(self.error("unclosed left paren".into()));
        }
        let c = match first {
            Some(b' ' | b'\t' | b'\r' | b'\n') => return self.lex_space(),
            Some(b) if b.is_ascii() => {
                self.pos += 1;
                char::from(b)
            }
            _ => match self.next_char() {
                Some(c) => c,
                None => return Some(self.error("unclosed action".into())),
            },
        };
        match c {
            '=' => Some(self.item(Kind::Assign)),
            ':' => {
                if self.next_char() != Some('=') {
                    return Some(self.error("expected :=".into()));
                }
                Some(self.item(Kind::Declare))
            }
            '|' => Some(self.item(Kind::Pipe)),
            '"' => Some(self.lex_quote()),
            '`' => Some(self.lex_raw_quote()),
            '$' => Some(self.lex_variable()),
            '\'' => Some(self.lex_char()),
            '.' => {
                // ".field" unless a digit follows ('.5' is a number).
                match self.input.as_bytes().get(self.pos) {
                    Some(b) if b.is_ascii_digit() => {
                        self.backup(Some(c));
                        Some(self.lex_number())
                    }
                    _ => Some(self.lex_field_or_variable(Kind::Field)),
                }
            }
            '+' | '-' | '0'..='9' => {
                self.backup(Some(c));
                Some(self.lex_number())
            }
            c if is_alnum(c) => {
                self.backup(Some(c));
                Some(self.lex_identifier())
            }
            '(' => {
                self.paren_depth += 1;
                Some(self.item(Kind::LeftParen))
            }
            ')' => {
                if self.paren_depth == 0 {
                    return Some(self.error("unexpected right paren".into()));
                }
                self.paren_depth -= 1;
                Some(self.item(Kind::RightParen))
            }
            c if c.is_ascii() && (' '..='~').contains(&c) => Some(self.item(Kind::Char)),
            c => Some(self.error(format!("unrecognized character in action: {}", char_u(Some(c))))),
        }
    }

    fn lex_space(&mut self) -> Option<Item<'a>> {
        let mut spaces = 0;
        for &b in &self.input.as_bytes()[self.pos..] {
            match b {
                b' ' | b'\t' | b'\r' => {}
                b'\n' => self.line += 1,
                _ => break,
            }
            spaces += 1;
        }
        self.pos += spaces;
        // A space followed by "-}}" is a trim-marked right delimiter, not an operand space.
        if right_delim_at(&self.input[self.pos - 1..]) == (true, true) {
            let c = self.input[..self.pos].chars().next_back();
            self.backup(c);
            if spaces == 1 {
                return self.lex_right_delim();
            }
        }
        Some(self.item(Kind::Space))
    }

    fn lex_identifier(&mut self) -> Item<'a> {
        self.skip_alnum();
        let c = self.peek_char();
        let word = &self.input[self.start..self.pos];
        if !self.at_terminator() {
            return self.error(format!("bad character {}", char_u(c)));
        }
        match keyword(word) {
            Some(Kind::Break) if !self.break_ok => self.item(Kind::Identifier),
            Some(Kind::Continue) if !self.continue_ok => self.item(Kind::Identifier),
            Some(k) => self.item(k),
            None if word.starts_with('.') => self.item(Kind::Field),
            None if word == "true" || word == "false" => self.item(Kind::Bool),
            None => self.item(Kind::Identifier),
        }
    }

    fn lex_variable(&mut self) -> Item<'a> {
        if self.at_terminator() {
            return self.item(Kind::Variable);
        }
        self.lex_field_or_variable(Kind::Variable)
    }

    fn lex_field_or_variable(&mut self, kind: Kind) -> Item<'a> {
        if self.at_terminator() {
            return self.item(if kind == Kind::Variable { Kind::Variable } else { Kind::Dot });
        }
        self.skip_alnum();
        let last = self.peek_char();
        if !self.at_terminator() {
            return self.error(format!("bad character {}", char_u(last)));
        }
        self.item(kind)
    }

    fn lex_char(&mut self) -> Item<'a> {
        loop {
            match self.next_char() {
                Some('\\') => match self.next_char() {
                    Some(c) if c != '\n' => continue,
                    _ => return self.error("unterminated character constant".into()),
                },
                None | Some('\n') => return self.error("unterminated character constant".into()),
                Some('\'') => break,
                Some(_) => {}
            }
        }
        self.item(Kind::CharConstant)
    }

    fn lex_number(&mut self) -> Item<'a> {
        if !self.scan_number() {
            let text = self.input[self.start..self.pos].to_string();
            return self.error(format!("bad number syntax: {}", crate::strconv::quote(&text)));
        }
        if let Some('+' | '-') = self.peek_char() {
            // A complex constant: 1+2i.
            if !self.scan_number() || !self.input[..self.pos].ends_with('i') {
                let text = self.input[self.start..self.pos].to_string();
                return self.error(format!("bad number syntax: {}", crate::strconv::quote(&text)));
            }
            return self.item(Kind::Complex);
        }
        self.item(Kind::Number)
    }

    fn scan_number(&mut self) -> bool {
        self.accept("+-");
        let mut digits = "0123456789_";
        if self.accept("0") {
            if self.accept("xX") {
                digits = "0123456789abcdefABCDEF_";
            } else if self.accept("oO") {
                digits = "01234567_";
            } else if self.accept("bB") {
                digits = "01_";
            }
        }
        self.accept_run(digits);
        if self.accept(".") {
            self.accept_run(digits);
        }
        if digits.len() == 11 && self.accept("eE") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        if digits.len() == 23 && self.accept("pP") {
            self.accept("+-");
            self.accept_run("0123456789_");
        }
        self.accept("i");
        if let Some(c) = self.peek_char()
            && is_alnum(c)
        {
            self.next_char();
            return false;
        }
        true
    }

    /// A quoted string, its opening quote read: up to the closing quote, skipping escaped
    /// characters; a line break or the end of the input leaves it unterminated.
    fn lex_quote(&mut self) -> Item<'a> {
        let bytes = self.input.as_bytes();
        loop {
            let Some(at) = memchr::memchr3(b'"', b'\\', b'\n', &bytes[self.pos..]) else {
                self.pos = bytes.len();
                return self.error("unterminated quoted string".into());
            };
            self.pos += at + 1;
            match bytes[self.pos - 1] {
                b'"' => return self.item(Kind::String),
                b'\n' => {
                    self.line += 1;
                    return self.error("unterminated quoted string".into());
                }
                _ => match self.next_char() {
                    Some(c) if c != '\n' => {}
                    _ => return self.error("unterminated quoted string".into()),
                },
            }
        }
    }

    /// A raw string, its opening quote read: up to the closing one, across lines.
    fn lex_raw_quote(&mut self) -> Item<'a> {
        let rest = self.rest();
        let Some(at) = memchr::memchr(b'`', rest.as_bytes()) else {
            self.line += count_lines(rest);
            self.pos = self.input.len();
            return self.error("unterminated raw quoted string".into());
        };
        self.line += count_lines(&rest[..at]);
        self.pos += at + 1;
        self.item(Kind::RawString)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            rng_seed: proptest::test_runner::RngSeed::Fixed(648),
            ..proptest::test_runner::Config::default()
        })]

        /// The lexer ends with EOF or an error after at most one token per input byte (and
        /// one more), whatever the text.
        #[test]
        fn lexing_always_ends(text in proptest::prelude::any::<String>()) {
            let mut lexer = Lexer::new(&text, true, true);
            let ended = (0..=text.len() + 1).any(|_| matches!(lexer.next_item().kind, Kind::Eof | Kind::Error));
            proptest::prop_assert!(ended);
        }

        /// The bytewise searches find what the string methods find.
        #[test]
        fn delimiters_and_lines_are_found(text in "[a{}\n\\u{e9}]{0,12}") {
            proptest::prop_assert_eq!(find_left_delim(&text), text.find(LEFT_DELIM));
            proptest::prop_assert_eq!(count_lines(&text), text.matches('\n').count());
        }
    }

    fn kinds(input: &str) -> Vec<(Kind, String)> {
        let mut lexer = Lexer::new(input, true, true);
        let mut out = Vec::new();
        loop {
            let item = lexer.next_item();
            let kind = item.kind;
            let text = if kind == Kind::Error { lexer.error_message() } else { item.val };
            out.push((kind, text.to_string()));
            if matches!(kind, Kind::Eof | Kind::Error) {
                break;
            }
        }
        out
    }

    #[test]
    fn trims_and_comments() {
        let items = kinds("a  {{- .x -}}  b{{/* c */}}d");
        let vals: Vec<&str> = items.iter().map(|(_, v)| v.as_str()).collect();
        assert_eq!(vals, ["a", "{{", ".x", "}}", "b", "d", ""]);
    }

    #[test]
    fn numbers_and_errors() {
        let items = kinds("{{ 0x1F 1_000 3.5e-2 'a' 1+2i }}");
        let nums: Vec<Kind> = items.iter().map(|(k, _)| *k).filter(|k| *k != Kind::Space).collect();
        assert_eq!(
            nums,
            [
                Kind::LeftDelim,
                Kind::Number,
                Kind::Number,
                Kind::Number,
                Kind::CharConstant,
                Kind::Complex,
                Kind::RightDelim,
                Kind::Eof
            ]
        );
        assert_eq!(kinds("{{ .x").last().unwrap().1, "unclosed action");
        assert_eq!(kinds("{{ 3x }}").last().unwrap().1, "bad number syntax: \"3x\"");
    }
}
