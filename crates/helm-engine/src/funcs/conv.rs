//! Conversions with the semantics of `spf13/cast` (which Sprig's `int`, `int64`, `float64`
//! and arithmetic use) and Sprig's `strval` (`toString`, `quote`, `join`, ...).

use crate::strconv::{atoi_lossy, parse_float, parse_int};
use crate::template::fmt::format_value;
use crate::template::funcs::{FuncTable, arg, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::Val;

pub(crate) fn register(t: &mut FuncTable) {
    let any = Sig::fixed(&[Ty::Any]);
    t.add("toString", any, |_, a| Ok(Val::str(strval(&arg(a, 0)))));
    t.add("int", any, |_, a| Ok(Val::Int(to_int64(&arg(a, 0)))));
    t.add("int64", any, |_, a| Ok(Val::Int64(to_int64(&arg(a, 0)))));
    t.add("float64", any, |_, a| Ok(Val::Float(to_float64(&arg(a, 0)))));
    t.add("atoi", Sig::fixed(&[Ty::Str]), |_, a| Ok(Val::Int(atoi_lossy(arg_str(a, 0)))));
    t.add("toDecimal", any, |_, a| {
        let text = format_value(&arg(a, 0), 'v', false, 0);
        Ok(Val::Int64(parse_int(&text, 8).unwrap_or(0)))
    });
    t.add("toStrings", any, |_, a| match arg(a, 0) {
        // A []string comes back as it is: a nil one stays nil.
        v @ Val::List(_) if v.is_nil_str_list() => Ok(v),
        v => Ok(Val::str_list(strslice(&v))),
    });
}

/// Sprig's `strval`: strings as they are, byte slices as text, objects with a `String`
/// method through it, everything else as `%v`.
pub(crate) fn strval(v: &Val) -> String {
    match v {
        Val::Str(s) => s.to_string(),
        Val::Bytes(b) => crate::strconv::go_string_of(b).into_owned(),
        Val::Obj(o) if o.type_name() == "*semver.Version" => o.fmt_v(false, 0),
        other => format_value(other, 'v', false, 0),
    }
}

/// Sprig's `strslice`: a list as strings (nil elements dropped), a scalar as a one-element
/// list, nil as an empty list.
pub(crate) fn strslice(v: &Val) -> Vec<String> {
    match v {
        Val::List(l) => l.items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Val::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Val::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// Go's conversion of a float64 to int64 on amd64: out-of-range values (and NaN) give the
/// minimum int64.
pub(crate) fn float_to_int64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast.ToInt64`: numbers converted, strings parsed as Go integer literals (after
/// dropping a zero decimal part like `1.00`), booleans 1 or 0, anything else 0.
pub(crate) fn to_int64(v: &Val) -> i64 {
    match v {
        Val::Int(i) | Val::Int64(i) => *i,
        Val::Byte(b) => i64::from(*b),
        Val::Float(f) => float_to_int64(*f),
        Val::Str(s) => parse_int(trim_zero_decimal(s), 0).unwrap_or(0),
        Val::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// `cast.ToFloat64`.
pub(crate) fn to_float64(v: &Val) -> f64 {
    match v {
        Val::Int(i) | Val::Int64(i) => *i as f64,
        Val::Byte(b) => f64::from(*b),
        Val::Float(f) => *f,
        Val::Str(s) => parse_float(s).unwrap_or(0.0),
        Val::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// cast's `trimZeroDecimal`: `1.00` becomes `1`; anything else stays as it is.
fn trim_zero_decimal(s: &str) -> &str {
    let bytes = s.as_bytes();
    let mut found_zero = false;
    for i in (1..=bytes.len()).rev() {
        match bytes[i - 1] {
            b'.' => {
                if found_zero {
                    return &s[..i - 1];
                }
            }
            b'0' => found_zero = true,
            _ => return s,
        }
    }
    s
}
