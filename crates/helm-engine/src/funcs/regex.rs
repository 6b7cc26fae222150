//! Sprig's regular expression functions (Go's RE2 syntax, which the `regex` crate shares).

use regex::Regex;

use crate::template::error::GoError;
use crate::template::funcs::{FuncTable, arg_int, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{SliceKind, Val};

type R = Result<Val, GoError>;

/// How many compiled patterns a rendering keeps.
const CACHED_PATTERNS: usize = 256;

thread_local! {
    /// Patterns compiled on this (rendering) thread. Charts call the same few patterns
    /// again for every object (Bitnami's `common` library does), and compiling one costs
    /// far more than matching it.
    static COMPILED: std::cell::RefCell<foldhash::HashMap<String, Regex>> =
        std::cell::RefCell::default();
}

/// Compiles like Go's `regexp.Compile`, with Go's error texts for the common mistakes.
fn compile(expr: &str) -> Result<Regex, GoError> {
    if let Some(re) = COMPILED.with_borrow(|cache| cache.get(expr).cloned()) {
        return Ok(re);
    }
    let re = compile_uncached(expr)?;
    COMPILED.with_borrow_mut(|cache| {
        if cache.len() >= CACHED_PATTERNS {
            cache.clear();
        }
        cache.insert(expr.to_string(), re.clone());
    });
    Ok(re)
}

fn compile_uncached(expr: &str) -> Result<Regex, GoError> {
    if let Err(e) = regex_syntax::ast::parse::Parser::new().parse(expr) {
        return Err(GoError::msg(go_syntax_error(expr, &e)));
    }
    Regex::new(expr).map_err(|e| GoError::msg(format!("error parsing regexp: {}: `{expr}`", rust_detail(&e))))
}

fn rust_detail(e: &regex::Error) -> String {
    match e {
        regex::Error::Syntax(s) => {
            s.lines().last().unwrap_or(s).trim().trim_start_matches("error: ").to_string()
        }
        other => other.to_string(),
    }
}

/// Go's `regexp/syntax` error for what the parser found: `error parsing regexp: CODE: `EXPR``.
fn go_syntax_error(expr: &str, e: &regex_syntax::ast::Error) -> String {
    use regex_syntax::ast::ErrorKind as K;
    let span = e.span();
    let fragment = |start: usize, end: usize| expr.get(start..end).unwrap_or(expr).to_string();
    let (code, text) = match e.kind() {
        K::GroupUnclosed => ("missing closing )", expr.to_string()),
        K::GroupUnopened => ("unexpected )", expr.to_string()),
        K::ClassUnclosed => ("missing closing ]", fragment(span.start.offset, expr.len())),
        K::RepetitionMissing => {
            ("missing argument to repetition operator", fragment(span.start.offset, span.end.offset))
        }
        K::EscapeUnexpectedEof => ("trailing backslash at end of expression", String::new()),
        K::EscapeUnrecognized => ("invalid escape sequence", fragment(span.start.offset, span.end.offset)),
        K::ClassRangeInvalid => {
            ("invalid character class range", fragment(span.start.offset, span.end.offset))
        }
        K::RepetitionCountInvalid => ("invalid repeat count", fragment(span.start.offset, span.end.offset)),
        K::NestLimitExceeded(_) => ("expression nests too deeply", expr.to_string()),
        _ => ("invalid or unsupported Perl syntax", fragment(span.start.offset, span.end.offset)),
    };
    format!("error parsing regexp: {code}: `{text}`")
}

/// `MustCompile` panics with the expression quoted.
fn must_compile(expr: &str) -> Result<Regex, GoError> {
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

fn find_all(re: Regex, s: &str, n: i64) -> R {
    let limit = if n < 0 { usize::MAX } else { n as usize };
    let found: Vec<&str> = re.find_iter(s).take(limit).map(|m| m.as_str()).collect();
    // Go returns a nil slice when nothing matches.
    Ok(if found.is_empty() { Val::nil_list(SliceKind::Str) } else { Val::str_list(found) })
}

/// Go's `Regexp.Split`.
fn split(re: Regex, s: &str, n: i64) -> R {
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
