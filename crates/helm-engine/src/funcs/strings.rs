//! Sprig's string functions.

use std::borrow::Cow;
use std::collections::BTreeMap;

use super::conv::{strslice, strval};
use super::word_case;
use crate::strconv::{go_bytes, go_len, go_string_of, quote};
use crate::template::error::GoError;
use crate::template::fmt::format_value;
use crate::template::funcs::{FuncTable, arg, arg_int, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{MapKind, Val};

const S: Sig = Sig::fixed(&[Ty::Str]);
const SS: Sig = Sig::fixed(&[Ty::Str, Ty::Str]);

pub(crate) fn register(t: &mut FuncTable) {
    t.add("trim", S, |_, a| Ok(Val::str(go_trim_space(arg_str(a, 0)))));
    t.add("upper", S, |_, a| Ok(Val::str(to_upper(&runes(arg_str(a, 0))))));
    t.add("lower", S, |_, a| Ok(Val::str(to_lower(&runes(arg_str(a, 0))))));
    t.add("title", S, |_, a| Ok(Val::str(title(&runes(arg_str(a, 0))))));
    t.add("untitle", S, |_, a| Ok(Val::str(untitle(&runes(arg_str(a, 0))))));
    t.add("substr", Sig::fixed(&[Ty::Int, Ty::Int, Ty::Str]), |_, a| {
        substring(arg_int(a, 0), arg_int(a, 1), arg_str(a, 2)).map(Val::str)
    });
    t.add("repeat", Sig::fixed(&[Ty::Int, Ty::Str]), |_, a| {
        let n = arg_int(a, 0);
        if n < 0 {
            return Err(GoError::msg("strings: negative Repeat count"));
        }
        let s = arg_str(a, 1);
        if (s.len() as u128) * (n as u128) > super::MAX_MADE {
            return Err(GoError::msg("strings: Repeat output length overflow"));
        }
        Ok(Val::str(s.repeat(n as usize)))
    });
    t.add("trimall", SS, |_, a| Ok(Val::str(trim_cutset(arg_str(a, 1), arg_str(a, 0)))));
    t.add("trimAll", SS, |_, a| Ok(Val::str(trim_cutset(arg_str(a, 1), arg_str(a, 0)))));
    t.add("trimSuffix", SS, |_, a| {
        let (suffix, s) = (arg_str(a, 0), arg_str(a, 1));
        Ok(Val::str(s.strip_suffix(suffix).unwrap_or(s)))
    });
    t.add("trimPrefix", SS, |_, a| {
        let (prefix, s) = (arg_str(a, 0), arg_str(a, 1));
        Ok(Val::str(s.strip_prefix(prefix).unwrap_or(s)))
    });
    t.add("nospace", S, |_, a| Ok(Val::str(word_case::delete_white_space(arg_str(a, 0)))));
    t.add("initials", S, |_, a| Ok(Val::str(word_case::initials(&runes(arg_str(a, 0))))));
    t.add("swapcase", S, |_, a| Ok(Val::str(word_case::swap_case(&runes(arg_str(a, 0))))));
    // Go compares bytes: a byte that is not UTF-8 may be the start of a character of the other.
    t.add("contains", SS, |_, a| Ok(Val::Bool(go_contains(arg_str(a, 1), arg_str(a, 0)))));
    t.add("hasPrefix", SS, |_, a| {
        Ok(Val::Bool(go_bytes(arg_str(a, 1)).starts_with(&go_bytes(arg_str(a, 0)))))
    });
    t.add("hasSuffix", SS, |_, a| Ok(Val::Bool(go_bytes(arg_str(a, 1)).ends_with(&go_bytes(arg_str(a, 0))))));
    t.add("quote", Sig::variadic(&[], Ty::Any), |_, a| {
        let parts: Vec<String> = a.iter().filter(|v| !v.is_nil()).map(|v| quote(&strval(v))).collect();
        Ok(Val::str(parts.join(" ")))
    });
    t.add("squote", Sig::variadic(&[], Ty::Any), |_, a| {
        let parts: Vec<String> = a
            .iter()
            .filter(|v| !v.is_nil())
            .map(|v| format!("'{}'", format_value(v, 'v', false, 0)))
            .collect();
        Ok(Val::str(parts.join(" ")))
    });
    t.add("cat", Sig::variadic(&[], Ty::Any), |_, a| {
        let parts: Vec<String> =
            a.iter().filter(|v| !v.is_nil()).map(|v| format_value(v, 'v', false, 0)).collect();
        Ok(Val::str(parts.join(" ")))
    });
    // Sprig pads with strings.Repeat, which panics on a negative count.
    t.add("indent", Sig::fixed(&[Ty::Int, Ty::Str]), |_, a| {
        padding(arg_int(a, 0), arg_str(a, 1))?;
        Ok(Val::str(indent(arg_int(a, 0), arg_str(a, 1))))
    });
    t.add("nindent", Sig::fixed(&[Ty::Int, Ty::Str]), |_, a| {
        padding(arg_int(a, 0), arg_str(a, 1))?;
        Ok(Val::str(format!("\n{}", indent(arg_int(a, 0), arg_str(a, 1)))))
    });
    t.add("replace", Sig::fixed(&[Ty::Str, Ty::Str, Ty::Str]), |_, a| {
        Ok(Val::str(go_replace(arg_str(a, 2), arg_str(a, 0), arg_str(a, 1))))
    });
    t.add("plural", Sig::fixed(&[Ty::Str, Ty::Str, Ty::Int]), |_, a| {
        Ok(Val::str(if arg_int(a, 2) == 1 { arg_str(a, 0) } else { arg_str(a, 1) }))
    });
    t.add("trunc", Sig::fixed(&[Ty::Int, Ty::Str]), |_, a| Ok(Val::str(trunc(arg_int(a, 0), arg_str(a, 1)))));
    t.add("join", Sig::fixed(&[Ty::Str, Ty::Any]), |_, a| {
        Ok(Val::str(strslice(&arg(a, 1)).join(arg_str(a, 0))))
    });
    t.add("split", SS, |_, a| Ok(split_map(go_split(arg_str(a, 1), arg_str(a, 0), -1))));
    t.add("splitn", Sig::fixed(&[Ty::Str, Ty::Int, Ty::Str]), |_, a| {
        Ok(split_map(go_split(arg_str(a, 2), arg_str(a, 0), arg_int(a, 1))))
    });
    t.add("splitList", SS, |_, a| Ok(Val::str_list(go_split(arg_str(a, 1), arg_str(a, 0), -1))));
    t.add("abbrev", Sig::fixed(&[Ty::Int, Ty::Str]), |_, a| {
        let (w, s) = (arg_int(a, 0), arg_str(a, 1));
        Ok(Val::str(if w < 4 { s.to_string() } else { abbreviate(s, 0, w).unwrap_or_default() }))
    });
    t.add("abbrevboth", Sig::fixed(&[Ty::Int, Ty::Int, Ty::Str]), |_, a| {
        let (l, r, s) = (arg_int(a, 0), arg_int(a, 1), arg_str(a, 2));
        if r < 4 || l > 0 && r < 7 {
            return Ok(Val::str(s));
        }
        Ok(Val::str(abbreviate(s, l, r).unwrap_or_default()))
    });
    t.add("wrap", Sig::fixed(&[Ty::Int, Ty::Str]), |_, a| {
        Ok(Val::str(wrap(arg_str(a, 1), arg_int(a, 0), "\n", false)))
    });
    t.add("wrapWith", Sig::fixed(&[Ty::Int, Ty::Str, Ty::Str]), |_, a| {
        Ok(Val::str(wrap(arg_str(a, 2), arg_int(a, 0), arg_str(a, 1), true)))
    });
    t.add("snakecase", S, |_, a| Ok(Val::str(word_case::lower_words(arg_str(a, 0), '_'))));
    t.add("kebabcase", S, |_, a| Ok(Val::str(word_case::lower_words(arg_str(a, 0), '-'))));
    t.add("camelcase", S, |_, a| Ok(Val::str(word_case::camel_case(&runes(arg_str(a, 0))))));
}

/// Go's `strings.TrimSpace`.
pub(crate) fn go_trim_space(s: &str) -> &str {
    s.trim_matches(|c: char| c.is_whitespace())
}

/// Go's `unicode.ToUpper`: Unicode's simple mapping. Where the full mapping has several
/// characters, the simple one is the character itself, but for the Greek letters with
/// ypogegrammeni, which map to their prosgegrammeni forms.
pub(crate) fn single_upper(c: char) -> char {
    match c {
        '\u{1f80}'..='\u{1f87}' | '\u{1f90}'..='\u{1f97}' | '\u{1fa0}'..='\u{1fa7}' => {
            char::from_u32(c as u32 + 8).unwrap_or(c)
        }
        '\u{1fb3}' => '\u{1fbc}',
        '\u{1fc3}' => '\u{1fcc}',
        '\u{1ff3}' => '\u{1ffc}',
        _ => {
            let mut it = c.to_uppercase();
            match (it.next(), it.next()) {
                (Some(u), None) => u,
                _ => c,
            }
        }
    }
}

/// Go's `unicode.ToLower`: Unicode's simple mapping (`İ` is `i`, its full mapping `i̇`).
pub(crate) fn single_lower(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `strings.ToUpper` (simple case mapping, one character for one).
pub(crate) fn to_upper(s: &str) -> String {
    s.chars().map(single_upper).collect()
}

/// Go's `strings.ToLower`.
pub(crate) fn to_lower(s: &str) -> String {
    s.chars().map(single_lower).collect()
}

fn is_separator(c: char) -> bool {
    if c.is_ascii() {
        return !(c.is_ascii_alphanumeric() || c == '_');
    }
    if c.is_alphabetic() || c.is_numeric() {
        return false;
    }
    c.is_whitespace()
}

/// Go's deprecated `strings.Title`: upper-cases the first letter of each word.
pub(crate) fn title(s: &str) -> String {
    let mut prev = ' ';
    s.chars()
        .map(|c| {
            let out = if is_separator(prev) { super::word_case::title(c) } else { c };
            prev = c;
            out
        })
        .collect()
}

/// goutils' `Uncapitalize`: the first letter of every word lower-cased.
fn untitle(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at_word_start = true;
    for c in s.chars() {
        if c.is_whitespace() {
            at_word_start = true;
            out.push(c);
        } else if at_word_start {
            out.push(single_lower(c));
            at_word_start = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Go's `strings.Contains`, which compares bytes.
fn go_contains(text: &str, part: &str) -> bool {
    match (go_bytes(text), go_bytes(part)) {
        (Cow::Borrowed(_), Cow::Borrowed(_)) => text.contains(part),
        (text, part) => part.is_empty() || text.windows(part.len()).any(|w| w == &part[..]),
    }
}

/// The Go string `s` as the functions that read it rune by rune see it: each byte that is
/// not UTF-8 is the replacement character U+FFFD (see `strconv::go_string_of`).
fn runes(s: &str) -> Cow<'_, str> {
    crate::strconv::replacing_raw_bytes(s)
}

/// Bytes `start..end` of the Go string `s`: a character cut in two leaves bytes that are not
/// UTF-8, kept as Go keeps them (see `strconv::go_string_of`).
fn byte_slice(s: &str, start: usize, end: usize) -> String {
    go_string_of(&go_bytes(s)[start..end]).into_owned()
}

fn substring(start: i64, end: i64, s: &str) -> Result<String, GoError> {
    let len = go_len(s) as i64;
    if start < 0 {
        if end < 0 || end > len {
            return Err(GoError::msg(format!(
                "runtime error: slice bounds out of range [:{end}] with length {len}"
            )));
        }
        return Ok(byte_slice(s, 0, end as usize));
    }
    if end < 0 || end > len {
        if start > len {
            return Err(GoError::msg(format!("runtime error: slice bounds out of range [{start}:{len}]")));
        }
        return Ok(byte_slice(s, start as usize, len as usize));
    }
    if start > end {
        return Err(GoError::msg(format!("runtime error: slice bounds out of range [{start}:{end}]")));
    }
    Ok(byte_slice(s, start as usize, end as usize))
}

/// Go's `strings.Trim(s, cutset)`.
pub(crate) fn trim_cutset(s: &str, cutset: &str) -> String {
    s.trim_matches(|c: char| cutset.contains(c)).to_string()
}

/// Whether `indent` may pad `s` with `spaces`: not a negative count, and not more in all than
/// a function makes (`super::made_len`).
fn padding(spaces: i64, s: &str) -> Result<(), GoError> {
    if spaces < 0 {
        return Err(GoError::msg("strings: negative Repeat count"));
    }
    // The lines are counted only when a line for every byte would be too much: counting them
    // on every call would read each text once more.
    let (spaces, len) = (spaces as u128, s.len() as u128);
    if spaces * (len + 1) + len <= super::MAX_MADE {
        return Ok(());
    }
    let lines = s.bytes().filter(|&b| b == b'\n').count() as u128 + 1;
    super::made_len(spaces * lines + len).map(drop)
}

/// Sprig's `indent`: every line, empty ones included, gets the padding.
pub(crate) fn indent(spaces: i64, s: &str) -> String {
    let pad = " ".repeat(spaces.max(0) as usize);
    format!("{pad}{}", s.replace('\n', &format!("\n{pad}")))
}

/// Go's `strings.Replace(s, old, new, -1)`.
pub(crate) fn go_replace(s: &str, old: &str, new: &str) -> String {
    if old.is_empty() {
        let mut out = String::from(new);
        for c in s.chars() {
            out.push(c);
            out.push_str(new);
        }
        return out;
    }
    s.replace(old, new)
}

/// Sprig's `trunc`: the first `c` bytes, or the last `-c` bytes for a negative count.
pub(crate) fn trunc(c: i64, s: &str) -> String {
    let len = go_len(s) as i64;
    if c < 0 && len + c > 0 {
        return byte_slice(s, (len + c) as usize, len as usize);
    }
    if c >= 0 && len > c {
        return byte_slice(s, 0, c as usize);
    }
    s.to_string()
}

/// Go's `strings.SplitN` (n < 0: all parts; n == 0: none).
pub(crate) fn go_split(s: &str, sep: &str, n: i64) -> Vec<String> {
    if n == 0 {
        return Vec::new();
    }
    if sep.is_empty() {
        let chars: Vec<String> = s.chars().map(String::from).collect();
        if n > 0 && (n as usize) < chars.len() {
            let head: Vec<String> = chars[..n as usize - 1].to_vec();
            let tail: String = s.chars().skip(n as usize - 1).collect();
            return head.into_iter().chain(std::iter::once(tail)).collect();
        }
        return chars;
    }
    if n < 0 {
        s.split(sep).map(String::from).collect()
    } else {
        s.splitn(n as usize, sep).map(String::from).collect()
    }
}

fn split_map(parts: Vec<String>) -> Val {
    let entries: BTreeMap<String, Val> =
        parts.into_iter().enumerate().map(|(i, p)| (format!("_{i}"), Val::str(p))).collect();
    Val::typed_map(MapKind::Str, entries)
}

/// goutils' `AbbreviateFull` (byte based, as in Go).
fn abbreviate(s: &str, offset: i64, max_width: i64) -> Option<String> {
    if s.is_empty() {
        return Some(String::new());
    }
    if max_width < 4 {
        return None;
    }
    let len = go_len(s) as i64;
    if len <= max_width {
        return Some(s.to_string());
    }
    let mut offset = offset.min(len);
    if len - offset < max_width - 3 {
        offset = len - (max_width - 3);
    }
    if offset <= 4 {
        return Some(format!("{}...", byte_slice(s, 0, (max_width - 3) as usize)));
    }
    if max_width < 7 {
        return None;
    }
    if offset + max_width - 3 < len {
        let rest = byte_slice(s, offset as usize, len as usize);
        return Some(format!("...{}", abbreviate(&rest, 0, max_width - 3)?));
    }
    Some(format!("...{}", byte_slice(s, (len - (max_width - 3)) as usize, len as usize)))
}

/// goutils' `WrapCustom`.
fn wrap(s: &str, width: i64, newline: &str, long_words: bool) -> String {
    if s.is_empty() {
        return String::new();
    }
    let newline = if newline.is_empty() { "\n" } else { newline };
    let width = width.max(1) as usize;
    let b: &[u8] = &go_bytes(s);
    let len = b.len();
    let mut offset = 0usize;
    let mut out: Vec<u8> = Vec::new();
    while len - offset > width {
        if b[offset] == b' ' {
            offset += 1;
            continue;
        }
        let end = (width + offset + 1).min(len);
        let space = b[offset..end].iter().rposition(|c| *c == b' ');
        if let Some(sp) = space {
            let at = sp + offset;
            out.extend_from_slice(&b[offset..at]);
            out.extend_from_slice(newline.as_bytes());
            offset = at + 1;
        } else if long_words {
            let end = width + offset;
            out.extend_from_slice(&b[offset..end]);
            out.extend_from_slice(newline.as_bytes());
            offset += width;
        } else {
            let end = width + offset;
            match b[end..].iter().position(|c| *c == b' ') {
                None => {
                    out.extend_from_slice(&b[offset..]);
                    offset = len;
                }
                Some(i) => {
                    let at = i + end;
                    out.extend_from_slice(&b[offset..at]);
                    out.extend_from_slice(newline.as_bytes());
                    offset = at + 1;
                }
            }
        }
    }
    out.extend_from_slice(&b[offset.min(len)..]);
    go_string_of(&out).into_owned()
}
