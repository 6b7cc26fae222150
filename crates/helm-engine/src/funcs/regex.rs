//! Sprig's regular expression functions (Go's RE2 syntax, which the `regex` crate shares).

use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use regex::Regex;

use crate::template::error::GoError;
use crate::template::funcs::{FuncTable, arg_int, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{SliceKind, Val};

type R = Result<Val, GoError>;

/// How many compiled patterns the process keeps.
const CACHED_PATTERNS: usize = 256;

/// Patterns compiled so far, shared by the threads that execute templates. Charts call the
/// same few patterns again for every object (Bitnami's `common` library does), from the
/// templates of both executing threads, and compiling one costs far more than matching it.
// Shared, not cloned: a clone of a `Regex` gets a pool of search caches of its own, which
// is built again on its first search (most of a `regexReplaceAll` call).
static COMPILED: LazyLock<Mutex<foldhash::HashMap<String, Arc<Regex>>>> = LazyLock::new(Mutex::default);

/// Compiles like Go's `regexp.Compile`, with Go's error texts for the common mistakes.
fn compile(expr: &str) -> Result<Arc<Regex>, GoError> {
    let cached = || COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(re) = cached().get(expr).cloned() {
        return Ok(re);
    }
    // Compiled without the lock: the other thread does not wait for it.
    let re = compile_uncached(expr)?;
    let mut cache = cached();
    if cache.len() >= CACHED_PATTERNS {
        cache.clear();
    }
    Ok(cache.entry(expr.to_string()).or_insert(re).clone())
}

fn compile_uncached(expr: &str) -> Result<Arc<Regex>, GoError> {
    let parser = regex_syntax::ast::parse::Parser::new;
    // Some characters are literals in Go and syntax to the `regex` crate: a brace that starts
    // no counted repetition (`{`, `a{,2}`, `a{01}`), a `[` or `&&` in a class; and some flag
    // groups Go takes the crate refuses.
    let escaped = (expr.contains(['{', '[']) || expr.contains("(?"))
        .then(|| with_go_literals_escaped(expr))
        .filter(|escaped| escaped != expr);
    // The expression as Go reads it, escaped where needed, is what is parsed, and its errors
    // are those reported (fragments from it, the whole expression as written).
    let text = escaped.as_deref().unwrap_or(expr);
    let ast = parser().parse(text).map_err(|e| {
        GoError::msg(count_refused_before(text, &e).unwrap_or_else(|| go_syntax_error(expr, text, &e)))
    })?;
    if let Some(refused) = count_refused(text, &ast) {
        return Err(GoError::msg(refused));
    }
    Regex::new(&with_ascii_perl_classes(text, &ast))
        .map(Arc::new)
        .map_err(|e| GoError::msg(format!("error parsing regexp: {}: `{expr}`", rust_detail(&e))))
}

/// Go's error for the first repetition it refuses in `ast` (parsed from `text`).
fn count_refused(text: &str, ast: &regex_syntax::ast::Ast) -> Option<String> {
    let (code, start, end) = repeat_beyond_go(ast)?;
    Some(format!("error parsing regexp: {code}: `{}`", text.get(start..end).unwrap_or_default()))
}

/// Go's parser reads left to right and refuses a count where it meets it, so a count it
/// refuses comes before a syntax error further on (and before a missing `)`, which it finds
/// at the end): the part before the error, its open groups closed, is checked first.
fn count_refused_before(expr: &str, error: &regex_syntax::ast::Error) -> Option<String> {
    use regex_syntax::ast::ErrorKind;
    let end = match error.kind() {
        ErrorKind::GroupUnclosed => expr.len(),
        _ => error.span().start.offset,
    };
    let mut before = with_go_literals_escaped(expr.get(..end)?);
    // Each round closes a group or cuts the text shorter; the bound only guards the loop.
    for _ in 0..64 {
        match regex_syntax::ast::parse::Parser::new().parse(&before) {
            Ok(ast) => return count_refused(&before, &ast),
            Err(e) if matches!(e.kind(), ErrorKind::GroupUnclosed) => before.push(')'),
            // An error inside the text: the part before it; one at its end, inside a group's
            // opening (`(?P<x`, `(?z`) or a class: the part before that group or class.
            Err(e) => {
                let at = e.span().start.offset;
                let cut = if at < before.len() { at } else { before.get(..at)?.rfind(['(', '['])? };
                before.truncate(cut);
            }
        }
    }
    None
}

/// The first counted repetition Go's parser refuses, in the order it meets them (an inner one
/// before the one around it): a count above 1000, or counts nested so that the innermost
/// part would be copied more than 1000 times (Go's `repeatIsValid`, checked where an
/// operator repeats at least twice). Go shows a lazy operator's `?` for the second only.
/// A repetition operator right after another (`a**`, `a{2}{2}`: Go's `invalid nested
/// repetition operator`, shown from the first operator) is refused after the outer one's
/// count is read and before the copies are counted. The result: Go's code, and where the
/// operators it shows start and end.
fn repeat_beyond_go(ast: &regex_syntax::ast::Ast) -> Option<(&'static str, usize, usize)> {
    use regex_syntax::ast::Ast;
    if let Some(inner) = parts(ast).iter().find_map(repeat_beyond_go) {
        return Some(inner);
    }
    let Ast::Repetition(repetition) = ast else { return None };
    let span = repetition.op.span;
    let counted = counts(repetition);
    if let Some((min, max)) = counted
        && (min > 1000 || max.is_some_and(|max| max > 1000))
    {
        let lazy = usize::from(!repetition.greedy);
        return Some(("invalid repeat count", span.start.offset, span.end.offset - lazy));
    }
    if let Ast::Repetition(inner) = &*repetition.ast {
        return Some(("invalid nested repetition operator", inner.op.span.start.offset, span.end.offset));
    }
    let (min, max) = counted?;
    let repeats = min >= 2 || max.is_some_and(|max| max >= 2);
    (repeats && !copies_within(ast, 1000)).then_some((
        "invalid repeat count",
        span.start.offset,
        span.end.offset,
    ))
}

/// The expressions directly inside `ast`, in order.
fn parts(ast: &regex_syntax::ast::Ast) -> &[regex_syntax::ast::Ast] {
    use regex_syntax::ast::Ast;
    match ast {
        Ast::Repetition(repetition) => std::slice::from_ref(&*repetition.ast),
        Ast::Group(group) => std::slice::from_ref(&*group.ast),
        Ast::Alternation(alternation) => &alternation.asts,
        Ast::Concat(concat) => &concat.asts,
        _ => &[],
    }
}

/// A counted repetition's least and most (`None`: no most); `None` for `*`, `+` and `?`,
/// which Go does not count.
fn counts(repetition: &regex_syntax::ast::Repetition) -> Option<(u32, Option<u32>)> {
    use regex_syntax::ast::{RepetitionKind, RepetitionRange};
    match repetition.op.kind {
        RepetitionKind::Range(RepetitionRange::Exactly(n)) => Some((n, Some(n))),
        RepetitionKind::Range(RepetitionRange::AtLeast(n)) => Some((n, None)),
        RepetitionKind::Range(RepetitionRange::Bounded(min, max)) => Some((min, Some(max))),
        _ => None,
    }
}

/// Whether the counted repetitions in `ast`, multiplied down each branch, stay within
/// `budget` copies (Go's `repeatIsValid`).
fn copies_within(ast: &regex_syntax::ast::Ast, mut budget: u32) -> bool {
    use regex_syntax::ast::Ast;
    if let Ast::Repetition(repetition) = ast
        && let Some((min, max)) = counts(repetition)
    {
        let most = match max {
            Some(0) => return true,
            Some(max) => max,
            None => min,
        };
        if most > budget {
            return false;
        }
        budget = budget.checked_div(most).unwrap_or(budget);
    }
    parts(ast).iter().all(|part| copies_within(part, budget))
}

/// `expr` with the characters Go reads as literals and the `regex` crate does not escaped,
/// as Go's parser decides: outside a class, a `{` that does not start `{n}`, `{n,}` or
/// `{n,m}` (numbers without leading zeros); inside one, a `[` that starts no named class
/// such as `[:alpha:]` (a nested class to the crate), `&&` and `~~` (set operations to
/// the crate), and a `-` after a set such as `\w` (`[\w-.]`: a range to the crate).
/// Escapes, `\pL`, `\p{..}` and `\x{..}` are passed over as Go's parser passes them.
fn with_go_literals_escaped(expr: &str) -> String {
    let bytes = expr.as_bytes();
    let mut out = String::with_capacity(expr.len() + 4);
    let mut at = 0;
    // The end of an escape starting at `from` (a backslash): `\p{..}`, `\P{..}` and
    // `\x{..}` run to their closing brace.
    let escape_end = |from: usize| {
        let braced =
            matches!(bytes.get(from + 1), Some(b'p' | b'P' | b'x')) && bytes.get(from + 2) == Some(&b'{');
        match braced.then(|| expr[from..].find('}')).flatten() {
            Some(close) => from + close + 1,
            None => {
                // `\pL`: a one-letter class name.
                let named = usize::from(matches!(bytes.get(from + 1), Some(b'p' | b'P')));
                let mut end = from + 1;
                for _ in 0..=named {
                    end += expr.get(end..).and_then(|rest| rest.chars().next()).map_or(0, char::len_utf8);
                }
                end.min(expr.len())
            }
        }
    };
    let char_end = |from: usize| from + expr[from..].chars().next().map_or(1, char::len_utf8);
    // Inside a capture's name, which Go reads to its `>`: no flag group there.
    let mut in_name = false;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => {
                let end = escape_end(at);
                out.push_str(&expr[at..end]);
                at = end;
            }
            b'[' => {
                // A class runs to its first `]` that is not its first character.
                let mut end = at + 1;
                if bytes.get(end) == Some(&b'^') {
                    end += 1;
                }
                if bytes.get(end) == Some(&b']') {
                    end += 1;
                }
                out.push_str(&expr[at..end]);
                // Whether the last item was a set (`\w`, `\pL`, `[:alpha:]`): a `-` after one
                // is a literal to Go and a range the crate refuses.
                let mut after_set = false;
                while end < bytes.len() && bytes[end] != b']' {
                    let set_follows = after_set;
                    after_set = false;
                    let next = match bytes[end] {
                        b'-' if set_follows && bytes.get(end + 1).is_some_and(|&b| b != b']') => {
                            out.push('\\');
                            end + 1
                        }
                        b'\\' => {
                            after_set = matches!(
                                bytes.get(end + 1),
                                Some(b'd' | b'D' | b's' | b'S' | b'w' | b'W' | b'p' | b'P')
                            );
                            escape_end(end)
                        }
                        // A named class such as `[:alpha:]` is passed over whole.
                        b'[' => match (bytes.get(end + 1) == Some(&b':'))
                            .then(|| expr[end + 2..].find(":]"))
                            .flatten()
                        {
                            Some(close) => {
                                after_set = true;
                                end + 2 + close + 2
                            }
                            None => {
                                out.push('\\');
                                end + 1
                            }
                        },
                        // The second of the pair escaped.
                        b'&' | b'~' if bytes.get(end + 1) == Some(&bytes[end]) => {
                            out.push(char::from(bytes[end]));
                            out.push('\\');
                            end += 1;
                            end + 1
                        }
                        _ => char_end(end),
                    };
                    out.push_str(&expr[end..next]);
                    end = next;
                }
                let close = (end + 1).min(bytes.len());
                out.push_str(&expr[end..close]);
                at = close;
            }
            b'{' if !starts_repetition(&expr[at..]) => {
                out.push_str("\\{");
                at += 1;
            }
            // Not inside a group's name, which Go reads to its `>`.
            b'(' if !in_name && let Some((length, flags)) = go_flag_group(&expr[at..]) => {
                out.push_str(&flags);
                at += length;
            }
            _ => {
                let rest = &expr[at..];
                if rest.starts_with("(?P<") || rest.starts_with("(?<") {
                    in_name = true;
                } else if bytes[at] == b'>' {
                    in_name = false;
                }
                let end = char_end(at);
                out.push_str(&expr[at..end]);
                at = end;
            }
        }
    }
    out
}

/// A group of flags that Go takes and the crate refuses, at the start of `text`, with the
/// length it takes and the same flags as the crate writes them: Go lets a flag come twice
/// (`(?ii)`, `(?i-i)`: the last one counts) and takes `(?)`, which sets none.
fn go_flag_group(text: &str) -> Option<(usize, String)> {
    let flags = text.strip_prefix("(?")?;
    // Only the run of flags is read (a long expression is not searched for a `)`).
    let end = flags.bytes().take_while(|b| b"imsU-".contains(b)).count();
    let terminator = flags.get(end..=end).filter(|t| *t == ")" || *t == ":")?;
    let given = &flags[..end];
    if given.matches('-').count() > 1 || given.ends_with('-') {
        return None;
    }
    let (on, off) = given.split_once('-').unwrap_or((given, ""));
    let last = |flag: char| {
        [(on, true), (off, false)].iter().rev().find(|(part, _)| part.contains(flag)).map(|(_, set)| *set)
    };
    let (mut set, mut cleared) = (String::new(), String::new());
    for flag in "imsU".chars() {
        match last(flag) {
            Some(true) => set.push(flag),
            Some(false) => cleared.push(flag),
            None => {}
        }
    }
    let written = match (set.is_empty() && cleared.is_empty(), terminator) {
        // `(?)` sets nothing: a group that sets what is set already keeps it in its place
        // (between a `(` and a `?` it must not join them).
        (true, ")") => "(?u)".to_string(),
        (true, _) => "(?:".to_string(),
        (false, _) if cleared.is_empty() => format!("(?{set}{terminator}"),
        (false, _) => format!("(?{set}-{cleared}{terminator}"),
    };
    let length = 2 + end + 1;
    (written != text[..length]).then_some((length, written))
}

/// Whether `text` starts with a counted repetition as Go's `parseRepeat` reads one.
fn starts_repetition(text: &str) -> bool {
    fn number(text: &str) -> Option<&str> {
        let digits = text.bytes().take_while(u8::is_ascii_digit).count();
        let leading_zero = digits >= 2 && text.starts_with('0');
        (digits > 0 && !leading_zero).then(|| &text[digits..])
    }
    let Some(rest) = text.strip_prefix('{').and_then(number) else { return false };
    let rest = match rest.strip_prefix(',') {
        Some(after) if after.starts_with('}') => after,
        Some(after) => match number(after) {
            Some(after) => after,
            None => return false,
        },
        None => rest,
    };
    rest.starts_with('}')
}

/// `expr` with its Perl classes (`\d`, `\w`, `\s` and their negations) and word boundaries
/// (`\b`, `\B`) spelled as Go reads them: ASCII only (`\s` is `[\t\n\f\r ]`, without the
/// vertical tab), where the `regex` crate reads them as Unicode. Everything else keeps its
/// Unicode meaning in both (`.`, `\pL`, case folding).
fn with_ascii_perl_classes(expr: &str, ast: &regex_syntax::ast::Ast) -> String {
    use regex_syntax::ast::{self, Ast, ClassPerlKind, ClassSetItem, Visitor};

    /// The spans to replace, with their replacements, in the order found.
    struct Spans(Vec<(usize, usize, &'static str)>);

    fn perl(class: &ast::ClassPerl) -> &'static str {
        match (&class.kind, class.negated) {
            (ClassPerlKind::Digit, false) => "[0-9]",
            (ClassPerlKind::Digit, true) => "[^0-9]",
            (ClassPerlKind::Word, false) => "[0-9A-Za-z_]",
            (ClassPerlKind::Word, true) => "[^0-9A-Za-z_]",
            (ClassPerlKind::Space, false) => r"[\t\n\f\r ]",
            (ClassPerlKind::Space, true) => r"[^\t\n\f\r ]",
        }
    }

    impl Visitor for Spans {
        type Output = Vec<(usize, usize, &'static str)>;
        type Err = std::convert::Infallible;

        fn finish(self) -> Result<Self::Output, Self::Err> {
            Ok(self.0)
        }

        fn visit_pre(&mut self, ast: &Ast) -> Result<(), Self::Err> {
            match ast {
                Ast::ClassPerl(class) => {
                    self.0.push((class.span.start.offset, class.span.end.offset, perl(class)))
                }
                Ast::Assertion(assertion) => {
                    let ascii = match assertion.kind {
                        ast::AssertionKind::WordBoundary => r"(?-u:\b)",
                        ast::AssertionKind::NotWordBoundary => r"(?-u:\B)",
                        _ => return Ok(()),
                    };
                    self.0.push((assertion.span.start.offset, assertion.span.end.offset, ascii));
                }
                _ => {}
            }
            Ok(())
        }

        fn visit_class_set_item_pre(&mut self, item: &ClassSetItem) -> Result<(), Self::Err> {
            // Inside brackets the class is nested: `[\w-]` becomes `[[0-9A-Za-z_]-]`.
            if let ClassSetItem::Perl(class) = item {
                self.0.push((class.span.start.offset, class.span.end.offset, perl(class)));
            }
            Ok(())
        }
    }

    let Ok(mut spans) = ast::visit(ast, Spans(Vec::new()));
    if spans.is_empty() {
        return expr.to_string();
    }
    spans.sort_by_key(|(start, ..)| *start);
    let mut out = String::with_capacity(expr.len() + 16 * spans.len());
    let mut at = 0;
    for (start, end, replacement) in spans {
        out.push_str(&expr[at..start]);
        out.push_str(replacement);
        at = end;
    }
    out.push_str(&expr[at..]);
    out
}

fn rust_detail(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(s) => {
            s.lines().last().unwrap_or(s).trim().trim_start_matches("error: ").to_string()
        }
        other => other.to_string(),
    }
}

/// Go's `regexp/syntax` error for what the parser found in `parsed` (`whole`, as Go reads
/// it): `error parsing regexp: CODE: `EXPR``.
fn go_syntax_error(whole: &str, parsed: &str, e: &regex_syntax::ast::Error) -> String {
    use regex_syntax::ast::ErrorKind as K;
    let expr = parsed;
    let span = e.span();
    let fragment = |start: usize, end: usize| expr.get(start..end).unwrap_or(expr).to_string();
    let (code, text) = match e.kind() {
        K::GroupUnclosed => ("missing closing )", whole.to_string()),
        K::GroupUnopened => ("unexpected )", whole.to_string()),
        K::ClassUnclosed => ("missing closing ]", fragment(span.start.offset, expr.len())),
        K::EscapeUnexpectedEof => ("trailing backslash at end of expression", String::new()),
        K::EscapeUnrecognized => ("invalid escape sequence", fragment(span.start.offset, span.end.offset)),
        K::ClassRangeInvalid => {
            ("invalid character class range", fragment(span.start.offset, span.end.offset))
        }
        // Go shows the count without a lazy `?`.
        K::RepetitionCountInvalid => {
            let shown = fragment(span.start.offset, span.end.offset);
            ("invalid repeat count", shown.strip_suffix('?').map(str::to_string).unwrap_or(shown))
        }
        // A count too large to read: Go reads it as -1, an invalid count, shown in braces.
        K::DecimalInvalid
            if let Some(open) = expr[..span.start.offset].rfind('{')
                && let Some(close) = expr[span.end.offset..].find('}') =>
        {
            ("invalid repeat count", fragment(open, span.end.offset + close + 1))
        }
        K::NestLimitExceeded(_) => ("expression nests too deeply", whole.to_string()),
        K::FlagUnrecognized
        | K::FlagUnexpectedEof
        | K::FlagDanglingNegation
        | K::FlagRepeatedNegation { .. }
        | K::FlagDuplicate { .. }
            if let Some(open) = expr[..span.start.offset].rfind('(') =>
        {
            ("invalid or unsupported Perl syntax", fragment(open, open + go_flags_stop(&expr[open..])))
        }
        // Go shows the operator that has nothing to repeat.
        // Go shows the operator that has nothing to repeat (the crate's span may be empty).
        K::RepetitionMissing => {
            let end = if span.start.offset < span.end.offset {
                span.end.offset
            } else {
                let rest = &expr[span.start.offset..];
                span.start.offset
                    + match rest.strip_prefix('{').and_then(|_| rest.find('}')) {
                        Some(close) => close + 1,
                        None => rest.chars().next().map_or(0, char::len_utf8),
                    }
            };
            ("missing argument to repetition operator", fragment(span.start.offset, end))
        }
        K::UnsupportedBackreference => {
            ("invalid escape sequence", fragment(span.start.offset, span.end.offset))
        }
        // Go shows the group's opening: to the end when its `>` is missing, else through it.
        K::GroupNameUnexpectedEof | K::GroupNameEmpty | K::GroupNameInvalid
            if let Some(open) = expr[..span.start.offset].rfind('(') =>
        {
            let close =
                expr[span.start.offset..].find('>').map_or(expr.len(), |at| span.start.offset + at + 1);
            ("invalid named capture", fragment(open, close))
        }
        _ => ("invalid or unsupported Perl syntax", fragment(span.start.offset, span.end.offset)),
    };
    format!("error parsing regexp: {code}: `{text}`")
}

/// Where Go stops reading the flags of a group (`group` starts with its `(?`): just after the
/// character it refuses (a second `-`, a `)` or `:` right after `-`, anything but a flag), or
/// at the end when the flags run on to it. Go takes a flag twice.
fn go_flags_stop(group: &str) -> usize {
    let mut negated = false;
    let mut flag_since = false;
    for (at, c) in group.char_indices().skip(2) {
        let stop = match c {
            'i' | 'm' | 's' | 'U' => {
                flag_since = true;
                false
            }
            '-' if !negated => {
                negated = true;
                flag_since = false;
                false
            }
            ')' | ':' if !negated || flag_since => return at + 1,
            _ => true,
        };
        if stop {
            return at + c.len_utf8();
        }
    }
    group.len()
}

/// `MustCompile` panics with the expression quoted.
fn must_compile(expr: &str) -> Result<Arc<Regex>, GoError> {
    compile(expr).map_err(|e| GoError::msg(format!("regexp: Compile({}): {e}", backquote(expr))))
}

pub(crate) fn register(t: &mut FuncTable) {
    let ss = Sig::fixed(&[Ty::Str, Ty::Str]);
    let ssi = Sig::fixed(&[Ty::Str, Ty::Str, Ty::Int]);
    let sss = Sig::fixed(&[Ty::Str, Ty::Str, Ty::Str]);
    t.add("regexMatch", ss, |_, a| {
        Ok(Val::Bool(compile(arg_str(a, 0)).is_ok_and(|r| r.is_match(arg_str(a, 1)))))
    });
    t.add("mustRegexMatch", ss, |_, a| Ok(Val::Bool(compile(arg_str(a, 0))?.is_match(arg_str(a, 1)))));
    t.add("regexFindAll", ssi, |_, a| find_all(must_compile(arg_str(a, 0))?, arg_str(a, 1), arg_int(a, 2)));
    t.add("mustRegexFindAll", ssi, |_, a| find_all(compile(arg_str(a, 0))?, arg_str(a, 1), arg_int(a, 2)));
    t.add("regexFind", ss, |_, a| {
        Ok(Val::str(must_compile(arg_str(a, 0))?.find(arg_str(a, 1)).map_or("", |m| m.as_str())))
    });
    t.add("mustRegexFind", ss, |_, a| {
        Ok(Val::str(compile(arg_str(a, 0))?.find(arg_str(a, 1)).map_or("", |m| m.as_str())))
    });
    t.add("regexReplaceAll", sss, |_, a| {
        Ok(Val::str(must_compile(arg_str(a, 0))?.replace_all(arg_str(a, 1), arg_str(a, 2))))
    });
    t.add("mustRegexReplaceAll", sss, |_, a| {
        Ok(Val::str(compile(arg_str(a, 0))?.replace_all(arg_str(a, 1), arg_str(a, 2))))
    });
    t.add("regexReplaceAllLiteral", sss, |_, a| {
        Ok(Val::str(must_compile(arg_str(a, 0))?.replace_all(arg_str(a, 1), regex::NoExpand(arg_str(a, 2)))))
    });
    t.add("mustRegexReplaceAllLiteral", sss, |_, a| {
        Ok(Val::str(compile(arg_str(a, 0))?.replace_all(arg_str(a, 1), regex::NoExpand(arg_str(a, 2)))))
    });
    t.add("regexSplit", ssi, |_, a| split(must_compile(arg_str(a, 0))?, arg_str(a, 1), arg_int(a, 2)));
    t.add("mustRegexSplit", ssi, |_, a| split(compile(arg_str(a, 0))?, arg_str(a, 1), arg_int(a, 2)));
    t.add("regexQuoteMeta", Sig::fixed(&[Ty::Str]), |_, a| Ok(Val::str(regex::escape(arg_str(a, 0)))));
}

fn find_all(re: Arc<Regex>, s: &str, n: i64) -> R {
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let found: Vec<&str> = re.find_iter(s).take(limit).map(|m| m.as_str()).collect();
    // Go returns a nil slice when nothing matches.
    Ok(if found.is_empty() { Val::nil_list(SliceKind::Str) } else { Val::str_list(found) })
}

/// Go's `Regexp.Split`.
fn split(re: Arc<Regex>, s: &str, n: i64) -> R {
    if n == 0 {
        return Ok(Val::nil_list(SliceKind::Str));
    }
    if !re.as_str().is_empty() && s.is_empty() {
        return Ok(Val::str_list([""]));
    }
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let mut parts: Vec<String> = Vec::new();
    let mut beg = 0;
    let mut end = 0;
    for m in re.find_iter(s).take(limit) {
        if n > 0 && parts.len() == limit - 1 {
            break;
        }
        end = m.start();
        if m.end() != 0 {
            parts.push(s[beg..end].to_string());
        }
        beg = m.end();
    }
    if end != s.len() {
        parts.push(s[beg..].to_string());
    }
    Ok(Val::str_list(parts))
}

/// Go's `regexp` quoting of an expression in panics: back quotes when possible.
fn backquote(s: &str) -> String {
    if s.chars().all(|c| c != '`' && (c == '\t' || !c.is_control())) {
        format!("`{s}`")
    } else {
        crate::strconv::quote(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ascii(expr: &str) -> String {
        with_ascii_perl_classes(expr, &regex_syntax::ast::parse::Parser::new().parse(expr).unwrap())
    }

    #[test]
    fn flag_groups_go_takes_are_written_as_the_crate_takes_them() {
        for (given, written) in [
            ("(?ii)", Some((5, "(?i)"))),
            ("(?i-i:", Some((6, "(?-i:"))),
            ("(?)", Some((3, "(?u)"))),
            ("(?-s-)", None),
            ("(?i", None),
            ("(?i-)", None),
            ("(?P<n>", None),
            ("(?i)", None),
        ] {
            let found = go_flag_group(given);
            assert_eq!(found.as_ref().map(|(n, w)| (*n, w.as_str())), written, "{given}");
        }
        // Not inside a capture's name.
        assert_eq!(with_go_literals_escaped("(?P<a(?)>b)(?ii)"), "(?P<a(?)>b)(?i)");
    }

    #[test]
    fn literals_go_reads_and_the_crate_does_not_are_escaped() {
        assert_eq!(with_go_literals_escaped(r"{(v[0-9])*[^}]*}}$"), r"\{(v[0-9])*[^}]*}}$");
        assert_eq!(
            with_go_literals_escaped(r"a{2}b{,2}c{01}d{1,}e{1,x}[{]\{\p{Greek}\x{41}[\p{L}{][]{]"),
            r"a{2}b\{,2}c\{01}d{1,}e\{1,x}[{]\{\p{Greek}\x{41}[\p{L}{][]{]"
        );
        assert_eq!(with_go_literals_escaped(r"[[:alpha:]{]{é{"), r"[[:alpha:]{]\{é\{");
        assert_eq!(with_go_literals_escaped(r"[[a][a&&b~~c][^][:x]"), r"[\[a][a&\&b~\~c][^]\[:x]");
        assert_eq!(
            with_go_literals_escaped(r"[\w-\.][\pL-9][\p{L}-9][[:alpha:]-9][\d-][a-z][\w--z]"),
            r"[\w\-\.][\pL\-9][\p{L}\-9][[:alpha:]\-9][\d-][a-z][\w\--z]",
            "a `-` after a set is a literal to Go"
        );
        assert!(starts_repetition("{0}") && starts_repetition("{10,}") && starts_repetition("{1,20}x"));
        assert!(!starts_repetition("{") && !starts_repetition("{00}") && !starts_repetition("{1,02}"));
    }

    #[test]
    fn perl_classes_and_word_boundaries_are_spelled_in_ascii() {
        assert_eq!(ascii(r"a\d+\W"), r"a[0-9]+[^0-9A-Za-z_]");
        assert_eq!(ascii(r"[\w-]\s\S"), r"[[0-9A-Za-z_]-][\t\n\f\r ][^\t\n\f\r ]");
        assert_eq!(ascii(r"\bx\B"), r"(?-u:\b)x(?-u:\B)");
        assert_eq!(ascii(r"\pL.[a-z]"), r"\pL.[a-z]", "other classes keep their meaning");
        assert!(compile(r"^[\d]\b$").is_ok());
    }
}
