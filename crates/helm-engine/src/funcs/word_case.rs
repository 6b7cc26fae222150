//! Sprig's `snakecase`, `kebabcase` and `camelcase` (the xstrings library Helm links), and the
//! byte-wise `nospace` and `initials` (goutils), with Go's Unicode classes.
//!
//! xstrings cuts the text into runs (`words`) of one class each, then joins their lower-case
//! forms with the connector, except around punctuation and where a number belongs to the word
//! before or after it (`Bld4Floor3rd` gives `bld4_floor_3rd`, `HTTP2xx` gives `http_2xx`).

use crate::go_unicode::{is_letter, is_lower, is_number, is_punct, is_title, is_upper};

/// xstrings' letters: Go's letters without the CJK ideographs, which it treats as symbols.
fn is_alphabet(c: char) -> bool {
    is_letter(c)
        && !matches!(c, '\u{4e00}'..='\u{9fcc}' | '\u{3400}'..='\u{4d85}' | '\u{20000}'..='\u{2b81d}')
}

fn is_connector(c: char) -> bool {
    c == '-' || c == '_' || c.is_whitespace()
}

/// The class of a run of characters.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Class {
    /// The end of the text (or only U+FFFD left, which Go reads as broken bytes and skips).
    End,
    Number,
    /// Starts with an upper-case letter: `A`, `Abc`, `HTTP`.
    Upper,
    /// Lower-case (or caseless) letters.
    Alphabet,
    Connector,
    Punct,
    Other,
}

/// A cursor over the text that skips U+FFFD (Go's decoder reports broken bytes and a real
/// U+FFFD alike, and xstrings steps over both, keeping them inside the run).
struct Runs<'a> {
    text: &'a str,
}

impl<'a> Runs<'a> {
    /// The next character that is not U+FFFD, and the bytes up to and including it; at the
    /// end, `fallback` and the bytes left.
    fn peek(&self, fallback: char) -> (char, usize) {
        for (at, c) in self.text.char_indices() {
            if c != '\u{fffd}' {
                return (c, at + c.len_utf8());
            }
        }
        (fallback, self.text.len())
    }

    /// Extends the run (`start[..taken]`) over the characters `keep` accepts.
    fn take_while(&mut self, start: &'a str, taken: &mut usize, keep: &dyn Fn(char) -> bool, mut last: char) {
        self.text = &start[*taken..];
        while !self.text.is_empty() {
            let (c, size) = self.peek(last);
            if !keep(c) {
                break;
            }
            last = c;
            *taken += size;
            self.text = &start[*taken..];
        }
    }

    /// The next run and its class, or `Class::End` with what is left.
    fn next(&mut self) -> (Class, &'a str) {
        let start = self.text;
        if start.is_empty() {
            return (Class::End, "");
        }
        let (first, size) = self.peek('\u{fffd}');
        if first == '\u{fffd}' {
            self.text = "";
            return (Class::End, start);
        }
        let mut taken = size;
        let class = if is_connector(first) {
            self.take_while(start, &mut taken, &is_connector, first);
            Class::Connector
        } else if is_punct(first) {
            self.take_while(start, &mut taken, &is_punct, first);
            Class::Punct
        } else if is_upper(first) {
            self.text = &start[taken..];
            if !self.text.is_empty() {
                let (second, size) = self.peek(first);
                if is_upper(second) {
                    // An abbreviation: upper-case letters up to the last one, which starts the
                    // next word when a lower-case letter follows it (`HTTPServer`).
                    let mut last_size = size;
                    taken += size;
                    self.text = &start[taken..];
                    let mut prev = second;
                    while !self.text.is_empty() {
                        let (c, size) = self.peek(prev);
                        if !is_upper(c) {
                            if is_alphabet(c) {
                                taken -= last_size;
                                self.text = &start[taken..];
                            }
                            break;
                        }
                        prev = c;
                        last_size = size;
                        taken += size;
                        self.text = &start[taken..];
                    }
                } else if is_alphabet(second) {
                    taken += size;
                    self.take_while(start, &mut taken, &|c| is_alphabet(c) && !is_upper(c), second);
                }
            }
            Class::Upper
        } else if is_alphabet(first) {
            self.take_while(start, &mut taken, &|c| is_alphabet(c) && !is_upper(c), first);
            Class::Alphabet
        } else if is_number(first) {
            self.take_while(start, &mut taken, &is_number, first);
            Class::Number
        } else {
            let other = |c: char| !(is_connector(c) || is_alphabet(c) || is_number(c) || is_punct(c));
            self.take_while(start, &mut taken, &other, first);
            Class::Other
        };
        (class, &start[..taken])
    }
}

/// A run as it goes into the result: upper-case letters lowered and connectors replaced in
/// the runs that have them, every other run as it is.
fn push_lower(out: &mut String, class: Class, run: &str, connector: char) {
    if class != Class::Upper && class != Class::Connector {
        out.push_str(run);
        return;
    }
    for c in run.chars() {
        if is_connector(c) {
            out.push(connector);
        } else if is_upper(c) {
            out.push(super::strings::single_lower(c));
        } else {
            out.push(c);
        }
    }
}

/// xstrings' `ToSnakeCase` (`connector` `_`) and `ToKebabCase` (`-`).
pub(crate) fn lower_words(text: &str, connector: char) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let mut runs = Runs { text };
    let (mut class, mut run) = runs.next();
    let joins = |class: Class| !matches!(class, Class::End | Class::Connector | Class::Punct);
    while !runs.text.is_empty() {
        if class != Class::Connector {
            push_lower(&mut out, class, run, connector);
        }
        let (prev, prev_run) = (class, run);
        (class, run) = runs.next();
        match prev {
            Class::Number => {
                // Letters and digits after a number stay with it: `2xx`, `2m3s`.
                while matches!(class, Class::Alphabet | Class::Number) {
                    push_lower(&mut out, class, run, connector);
                    (class, run) = runs.next();
                }
                if joins(class) {
                    out.push(connector);
                }
            }
            Class::Connector => push_lower(&mut out, prev, prev_run, connector),
            Class::Punct => {}
            _ if class != Class::Number => {
                if class != Class::Connector && class != Class::Punct {
                    out.push(connector);
                }
            }
            _ if runs.text.is_empty() => {}
            _ => {
                // A number after a word: part of the word (`Bld4Floor`), unless letters follow
                // it, which make it the start of the next one (`HTTP2xx`).
                let number = run;
                (class, run) = runs.next();
                if class != Class::Alphabet {
                    push_lower(&mut out, Class::Number, number, connector);
                    if class != Class::Connector && class != Class::Punct {
                        out.push(connector);
                    }
                } else {
                    out.push(connector);
                    push_lower(&mut out, Class::Number, number, connector);
                    while matches!(class, Class::Alphabet | Class::Number) {
                        push_lower(&mut out, class, run, connector);
                        (class, run) = runs.next();
                    }
                    if joins(class) {
                        out.push(connector);
                    }
                }
            }
        }
    }
    push_lower(&mut out, class, run, connector);
    out
}

/// xstrings' `ToCamelCase`: single connectors dropped and the letter after each upper-cased;
/// a word that starts with upper-case letters keeps only the first one (`HTTPServer` gives
/// `Httpserver`, `GO_PATH` `GoPath`). Leading connectors, all but the last of a run of them,
/// and a trailing one are kept.
pub(crate) fn camel_case(text: &str) -> String {
    use super::strings::{single_lower, single_upper};
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    // The previous character as written, and whether the word's leading upper-case run goes on.
    let mut current = None;
    let mut upper_run = false;
    for c in chars.by_ref() {
        if !is_connector(c) {
            current = Some(single_upper(c));
            upper_run = is_upper(c);
            break;
        }
        out.push(c);
    }
    let Some(mut current) = current else {
        // Only connectors: xstrings writes the last one a second time.
        if let Some(last) = text.chars().last() {
            out.push(last);
        }
        return out;
    };
    for c in chars {
        let prev = current;
        current = c;
        if is_connector(c) && is_connector(prev) {
            out.push(prev);
            continue;
        }
        if is_connector(prev) {
            current = single_upper(c);
            upper_run = is_upper(c);
            continue;
        }
        out.push(prev);
        if upper_run && is_upper(c) {
            current = single_lower(c);
        } else {
            upper_run = false;
        }
    }
    out.push(current);
    out
}

/// goutils' `SwapCase`: upper- and title-case letters lowered; a lower-case letter raised to
/// title case at the start of a word (after white space), to upper case elsewhere.
pub(crate) fn swap_case(text: &str) -> String {
    use super::strings::{single_lower, single_upper};
    let mut after_space = true;
    text.chars()
        .map(|c| {
            if is_upper(c) || is_title(c) {
                after_space = false;
                single_lower(c)
            } else if is_lower(c) {
                let raised = if after_space { title(c) } else { single_upper(c) };
                after_space = false;
                raised
            } else {
                after_space = c.is_whitespace();
                c
            }
        })
        .collect()
}

/// Go's `unicode.ToTitle` of a lower-case letter: its upper case, except for the letters whose
/// title case differs (the digraphs `ǆ` → `ǅ`; Georgian letters, their own title case).
pub(crate) fn title(c: char) -> char {
    match c {
        'Ǆ' | 'ǅ' | 'ǆ' => 'ǅ',
        'Ǉ' | 'ǈ' | 'ǉ' => 'ǈ',
        'Ǌ' | 'ǋ' | 'ǌ' => 'ǋ',
        'Ǳ' | 'ǲ' | 'ǳ' => 'ǲ',
        '\u{10d0}'..='\u{10fa}' | '\u{10fd}'..='\u{10ff}' => c,
        _ => super::strings::single_upper(c),
    }
}

/// Each byte of `text` read as the character of that number (what goutils does by
/// converting bytes to runes): ASCII stays, other UTF-8 turns into Latin-1 pairs.
fn bytes_as_chars(text: &str) -> impl Iterator<Item = char> + '_ {
    text.bytes().map(char::from)
}

/// goutils' `DeleteWhiteSpace`: bytes that are Go white space (including 0x85 and 0xA0, which
/// occur inside multi-byte characters) removed, the rest kept byte by byte as characters.
pub(crate) fn delete_white_space(text: &str) -> String {
    if !bytes_as_chars(text).any(char::is_whitespace) {
        return text.to_string();
    }
    bytes_as_chars(text).filter(|c| !c.is_whitespace()).collect()
}

/// goutils' `Initials`: the first byte after each white-space byte, as a character.
pub(crate) fn initials(text: &str) -> String {
    let mut out = String::new();
    let mut after_gap = true;
    for c in bytes_as_chars(text) {
        if c.is_whitespace() {
            after_gap = true;
        } else if after_gap {
            out.push(c);
            after_gap = false;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_and_kebab_case_split_words_as_xstrings_does() {
        for (text, snake) in [
            ("FirstName", "first_name"),
            ("HTTPServer", "http_server"),
            ("NoHTTPS", "no_https"),
            ("GO_PATH", "go_path"),
            ("GO PATH", "go_path"),
            ("GO-PATH", "go_path"),
            ("http2xx", "http_2xx"),
            ("HTTP20xOK", "http_20x_ok"),
            ("Duration2m3s", "duration_2m3s"),
            ("Bld4Floor3rd", "bld4_floor_3rd"),
            ("[1 two 3.5 <nil> true]", "[1_two_3.5_<_nil_>_true]"),
            ("", ""),
            ("a", "a"),
        ] {
            assert_eq!(lower_words(text, '_'), snake, "{text}");
        }
        assert_eq!(lower_words("GO PATH", '-'), "go-path");
    }

    #[test]
    fn camel_case_keeps_odd_connectors() {
        for (text, camel) in [
            ("some_words", "SomeWords"),
            ("_leading", "_Leading"),
            ("a__b", "A_B"),
            ("trailing_", "Trailing_"),
            ("a.b c", "A.bC"),
            ("HTTPServer", "Httpserver"),
            ("NoHTTPS", "NoHTTPS"),
            ("GO_PATH", "GoPath"),
            ("AB.CD", "Ab.CD"),
            ("1AB", "1AB"),
            ("a_bC", "ABC"),
            ("\u{1c5}A", "\u{1c4}A"),
            ("__", "___"),
            ("x", "X"),
            ("", ""),
        ] {
            assert_eq!(camel_case(text), camel, "{text:?}");
        }
    }

    #[test]
    fn swap_case_raises_word_starts_to_title_case() {
        assert_eq!(swap_case("Hello wORLD"), "hELLO World");
        assert_eq!(swap_case("ǆx ǆ ǅ Ǆ"), "ǅX ǅ ǆ ǆ");
        assert_eq!(swap_case("ა ბა"), "ა ბᲐ");
        assert_eq!(swap_case("a-b c\td"), "A-B C\tD");
    }

    #[test]
    fn goutils_works_on_bytes() {
        assert_eq!(delete_white_space("a b\tc"), "abc");
        assert_eq!(delete_white_space("ünï"), "ünï", "no white-space byte: unchanged");
        assert_eq!(delete_white_space("ü x"), "\u{c3}\u{bc}x");
        assert_eq!(delete_white_space("à"), "\u{c3}", "its second byte, 0xA0, is white space");
        assert_eq!(initials("Ünïcödé straße"), "\u{c3}s");
    }
}
