//! Go's template builtins: `and or not eq ne lt le gt ge len index print printf println
//! html js urlquery call` (Sprig's `slice` replaces Go's).

use super::error::GoError;
use super::exec::CallCtx;
use super::fmt::{format_value, sprint_values, sprintf, sprintln_values};
use super::funcs::{FuncTable, arg};
use super::sig::{Sig, Ty};
use super::value::Val;

type R = Result<Val, GoError>;

pub(super) fn register(t: &mut FuncTable) {
    let rv1 = Sig::variadic(&[Ty::RValue], Ty::RValue);
    let rv2 = Sig::fixed(&[Ty::RValue, Ty::RValue]);
    // `and` and `or` are evaluated by the executor (they short-circuit); these bodies are
    // never called but keep the signature in one place.
    t.add_builtin("and", rv1, |_, a| Ok(a.last().cloned().unwrap_or_default()));
    t.add_builtin("or", rv1, |_, a| Ok(a.last().cloned().unwrap_or_default()));
    t.add_builtin("not", Sig::fixed(&[Ty::RValue]), |_, a| Ok(Val::Bool(!arg(a, 0).truth())));
    t.add_builtin("eq", rv1, |_, a| eq_many(a).map(Val::Bool));
    t.add_builtin("ne", rv2, |_, a| eq(&arg(a, 0), &arg(a, 1)).map(|b| Val::Bool(!b)));
    t.add_builtin("lt", rv2, |_, a| lt(&arg(a, 0), &arg(a, 1)).map(Val::Bool));
    t.add_builtin("le", rv2, |_, a| le(&arg(a, 0), &arg(a, 1)).map(Val::Bool));
    t.add_builtin("gt", rv2, |_, a| le(&arg(a, 0), &arg(a, 1)).map(|b| Val::Bool(!b)));
    t.add_builtin("ge", rv2, |_, a| lt(&arg(a, 0), &arg(a, 1)).map(|b| Val::Bool(!b)));
    t.add_builtin("len", Sig::fixed(&[Ty::RValue]), length);
    t.add_builtin("index", rv1, index);
    t.add_builtin("print", Sig::variadic(&[], Ty::Any), |_, a| Ok(Val::str(sprint_values(a))));
    t.add_builtin("println", Sig::variadic(&[], Ty::Any), |_, a| Ok(Val::str(sprintln_values(a))));
    t.add_builtin("printf", Sig::variadic(&[Ty::Str], Ty::Any), |_, a| {
        Ok(Val::str(sprintf(super::funcs::arg_str(a, 0), &a[1.min(a.len())..])))
    });
    t.add_builtin("html", Sig::variadic(&[], Ty::Any), |_, a| Ok(Val::str(html_escape(&eval_args(a)))));
    t.add_builtin("js", Sig::variadic(&[], Ty::Any), |_, a| Ok(Val::str(js_escape(&eval_args(a)))));
    t.add_builtin("urlquery", Sig::variadic(&[], Ty::Any), |_, a| Ok(Val::str(query_escape(&eval_args(a)))));
    t.add_builtin("call", rv1, call);
}

/// Go's `evalArgs` for the escapers: a lone string as is, else `fmt.Sprint`, where a nil
/// argument has become the string `<no value>` first (Go's `printableValue`).
fn eval_args(args: &[Val]) -> String {
    if let [Val::Str(s)] = args {
        return s.to_string();
    }
    if args.iter().any(Val::is_nil) {
        let printable: Vec<Val> =
            args.iter().map(|a| if a.is_nil() { Val::str("<no value>") } else { a.clone() }).collect();
        return sprint_values(&printable);
    }
    sprint_values(args)
}

fn call(_: &CallCtx<'_>, args: &[Val]) -> R {
    match args.first() {
        None | Some(Val::Nil) => Err(GoError::msg("call of nil")),
        Some(v) => Err(GoError::msg(format!("non-function of type {}", v.type_name()))),
    }
}

/// The comparison classes of Go's `basicKind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Invalid,
    Bool,
    Int,
    Uint,
    Float,
    Str,
}

fn basic_kind(v: &Val) -> Option<Kind> {
    Some(match v {
        Val::Bool(_) => Kind::Bool,
        Val::Int(_) | Val::Int64(_) => Kind::Int,
        Val::Byte(_) => Kind::Uint,
        Val::Float(_) => Kind::Float,
        Val::Str(_) => Kind::Str,
        _ => return None,
    })
}

fn int_of(v: &Val) -> i64 {
    match v {
        Val::Int(i) | Val::Int64(i) => *i,
        Val::Byte(b) => i64::from(*b),
        _ => 0,
    }
}

fn float_of(v: &Val) -> f64 {
    match v {
        Val::Float(f) => *f,
        _ => 0.0,
    }
}

fn str_of(v: &Val) -> &str {
    v.as_str().unwrap_or("")
}

fn eq_many(args: &[Val]) -> Result<bool, GoError> {
    let Some((first, rest)) = args.split_first() else {
        return Err(GoError::msg("missing argument for comparison"));
    };
    if rest.is_empty() {
        return Err(GoError::msg("missing argument for comparison"));
    }
    for other in rest {
        if eq(first, other)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Go's `eq` for two values: basic kinds compare by value (ints of any size together),
/// different kinds are an error unless one side is nil.
pub(crate) fn eq(a: &Val, b: &Val) -> Result<bool, GoError> {
    let k1 = basic_kind(a).unwrap_or(Kind::Invalid);
    let k2 = basic_kind(b).unwrap_or(Kind::Invalid);
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(int_of(a) == int_of(b)),
            _ if !a.is_nil() && !b.is_nil() => Err(GoError::msg(format!(
                "incompatible types for comparison: {} and {}",
                a.type_name(),
                b.type_name()
            ))),
            _ => Ok(false),
        };
    }
    Ok(match k1 {
        Kind::Bool => matches!((a, b), (Val::Bool(x), Val::Bool(y)) if x == y),
        Kind::Int | Kind::Uint => int_of(a) == int_of(b),
        Kind::Float => float_of(a) == float_of(b),
        Kind::Str => str_of(a) == str_of(b),
        Kind::Invalid => {
            if a.is_nil() || b.is_nil() {
                return Ok(a.is_nil() == b.is_nil());
            }
            if a.type_name() != b.type_name() {
                return Err(GoError::msg(format!(
                    "non-comparable types {}: {}, {}: {}",
                    format_value(a, 's', false, 0),
                    a.type_name(),
                    b.type_name(),
                    format_value(b, 'v', false, 0)
                )));
            }
            match (a, b) {
                (Val::Obj(x), Val::Obj(y)) if x.kind_name() == "struct" || x.kind_name() == "ptr" => {
                    std::rc::Rc::ptr_eq(x, y) || (x.kind_name() == "struct" && x.same(y.as_ref()))
                }
                _ => {
                    return Err(GoError::msg(format!(
                        "non-comparable type {}: {}",
                        format_value(b, 's', false, 0),
                        b.type_name()
                    )));
                }
            }
        }
    })
}

/// Go's `lt`: basic kinds only, same kind (ints of any size together).
pub(crate) fn lt(a: &Val, b: &Val) -> Result<bool, GoError> {
    let bad = || GoError::msg("invalid type for comparison");
    let k1 = basic_kind(a).ok_or_else(bad)?;
    let k2 = basic_kind(b).ok_or_else(bad)?;
    if k1 != k2 {
        return match (k1, k2) {
            (Kind::Int, Kind::Uint) | (Kind::Uint, Kind::Int) => Ok(int_of(a) < int_of(b)),
            _ => Err(GoError::msg(format!(
                "incompatible types for comparison: {} and {}",
                a.type_name(),
                b.type_name()
            ))),
        };
    }
    match k1 {
        Kind::Bool | Kind::Invalid => Err(bad()),
        Kind::Float => Ok(float_of(a) < float_of(b)),
        Kind::Int | Kind::Uint => Ok(int_of(a) < int_of(b)),
        Kind::Str => Ok(str_of(a) < str_of(b)),
    }
}

fn le(a: &Val, b: &Val) -> Result<bool, GoError> {
    if lt(a, b)? {
        return Ok(true);
    }
    eq(a, b)
}

fn length(_: &CallCtx<'_>, args: &[Val]) -> R {
    let v = arg(args, 0);
    if v.is_nil() {
        return Err(GoError::msg("len of nil pointer"));
    }
    if let Val::Str(s) = &v {
        return Ok(Val::Int(crate::strconv::go_len(s) as i64));
    }
    match v.len() {
        Some(n) => Ok(Val::Int(n as i64)),
        None => Err(GoError::msg(format!("len of type {}", v.type_name()))),
    }
}

/// Go's `indexArg`: an integer index within `cap`.
fn index_arg(index: &Val, cap: usize) -> Result<usize, GoError> {
    let x = match index {
        Val::Int(i) | Val::Int64(i) => *i,
        Val::Byte(b) => i64::from(*b),
        Val::Nil => return Err(GoError::msg("cannot index slice/array with nil")),
        other => {
            return Err(GoError::msg(format!("cannot index slice/array with type {}", other.type_name())));
        }
    };
    if x < 0 || x as u64 > cap as u64 {
        return Err(GoError::msg(format!("index out of range: {x}")));
    }
    Ok(x as usize)
}

fn index(_: &CallCtx<'_>, args: &[Val]) -> R {
    let mut item = arg(args, 0);
    if item.is_nil() {
        return Err(GoError::msg("index of untyped nil"));
    }
    for index in &args[1..] {
        if item.is_nil() {
            return Err(GoError::msg("index of nil pointer"));
        }
        item = match &item {
            Val::List(_) | Val::Bytes(_) | Val::Str(_) => {
                let len = item.len().unwrap_or(0);
                let x = index_arg(index, len)?;
                if x == len {
                    let what = if matches!(item, Val::Str(_)) { "string" } else { "slice" };
                    return Err(GoError::msg(format!("reflect: {what} index out of range")));
                }
                match &item {
                    Val::List(l) => l.items[x].clone(),
                    Val::Bytes(b) => Val::Byte(b[x]),
                    Val::Str(s) => Val::Byte(s.as_bytes()[x]),
                    _ => Val::Nil,
                }
            }
            Val::Map(m) => {
                let key = match index {
                    Val::Str(s) => s.to_string(),
                    Val::Nil => return Err(GoError::msg("value is nil; should be of type string")),
                    other => {
                        return Err(GoError::msg(format!(
                            "value has type {}; should be string",
                            other.type_name()
                        )));
                    }
                };
                let data = m.borrow();
                match data.entries.get(&key) {
                    Some(v) => v.clone(),
                    None if data.kind == super::value::MapKind::Str => Val::str(""),
                    None => Val::Nil,
                }
            }
            Val::Obj(o) if o.kind_name() == "map" => match index {
                Val::Str(s) => o.field(s).unwrap_or_default(),
                other => {
                    return Err(GoError::msg(format!(
                        "value has type {}; should be string",
                        other.type_name()
                    )));
                }
            },
            other => return Err(GoError::msg(format!("can't index item of type {}", other.type_name()))),
        };
    }
    Ok(item)
}

/// Go's `template.HTMLEscapeString`.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '"' => out.push_str("&#34;"),
            '\'' => out.push_str("&#39;"),
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\0' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// Go's `template.JSEscapeString`.
pub(crate) fn js_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\'' => out.push_str("\\'"),
            '"' => out.push_str("\\\""),
            '<' => out.push_str("\\u003C"),
            '>' => out.push_str("\\u003E"),
            '&' => out.push_str("\\u0026"),
            '=' => out.push_str("\\u003D"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u00{:02X}", c as u32)),
            c if (c as u32) < 0x80 => out.push(c),
            // A byte that is not UTF-8 is U+FFFD to Go, printable: the byte is kept.
            c if crate::strconv::is_print(c) || crate::strconv::raw_byte(c).is_some() => out.push(c),
            c => out.push_str(&format!("\\u{:04X}", c as u32)),
        }
    }
    out
}

/// Go's `url.QueryEscape`.
pub(crate) fn query_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for &b in crate::strconv::go_bytes(s).iter() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => out.push(b as char),
            b' ' => out.push('+'),
            b => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}
