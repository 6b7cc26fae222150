//! Conversions with the semantics of `spf13/cast` (which Sprig's `int`, `int64`, `float64`
//! and arithmetic use) and Sprig's `strval` (`toString`, `quote`, `join`, ...).

use crate::template::fmt::format_value;
use crate::template::funcs::{FuncTable, arg};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{SliceKind, Val};

pub(crate) fn register(t: &mut FuncTable) {
    let any = Sig::fixed(&[Ty::Any]);
    t.add("toString", any, |_, a| Ok(Val::str(strval(&arg(a, 0)))));
    t.add("int", any, |_, a| Ok(Val::Int(to_int64(&arg(a, 0)))));
    t.add("int64", any, |_, a| Ok(Val::Int64(to_int64(&arg(a, 0)))));
    t.add("float64", any, |_, a| Ok(Val::Float(to_float64(&arg(a, 0)))));
    t.add("atoi", Sig::fixed(&[Ty::Str]), |_, a| Ok(Val::Int(atoi(crate::template::funcs::arg_str(a, 0)))));
    t.add("toDecimal", any, |_, a| {
        let text = format_value(&arg(a, 0), 'v', false, 0);
        Ok(Val::Int64(parse_int_radix(&text, 8).unwrap_or(0)))
    });
    t.add("toStrings", any, |_, a| Ok(Val::str_list(strslice(&arg(a, 0)))));
}

/// Sprig's `strval`: strings as they are, byte slices as text, objects with a `String`
/// method through it, everything else as `%v`.
pub fn strval(v: &Val) -> String {
    match v {
        Val::Str(s) => s.to_string(),
        Val::Bytes(b) => String::from_utf8_lossy(b).into_owned(),
        Val::Obj(o) if o.type_name() == "*semver.Version" => o.fmt_v(false, 0),
        other => format_value(other, 'v', false, 0),
    }
}

/// Sprig's `strslice`: a list as strings (nil elements dropped), a scalar as a one-element
/// list, nil as an empty list.
pub fn strslice(v: &Val) -> Vec<String> {
    match v {
        Val::List(l) => l.items.iter().filter(|x| !x.is_nil()).map(strval).collect(),
        Val::Bytes(b) => b.iter().map(|x| x.to_string()).collect(),
        Val::Nil => Vec::new(),
        other => vec![strval(other)],
    }
}

/// Go's conversion of a float64 to int64 on amd64: out-of-range values (and NaN) give the
/// minimum int64.
pub fn float_to_int64(f: f64) -> i64 {
    if f.is_nan() || !(-9.223_372_036_854_776e18..9.223_372_036_854_776e18).contains(&f) {
        i64::MIN
    } else {
        f as i64
    }
}

/// `cast.ToInt64`: numbers converted, strings parsed as Go integer literals (after
/// dropping a zero decimal part like `1.00`), booleans 1 or 0, anything else 0.
pub fn to_int64(v: &Val) -> i64 {
    match v {
        Val::Int(i) | Val::Int64(i) => *i,
        Val::Byte(b) => i64::from(*b),
        Val::Float(f) => float_to_int64(*f),
        Val::Str(s) => parse_int_base0(trim_zero_decimal(s)).unwrap_or(0),
        Val::Bool(b) => i64::from(*b),
        _ => 0,
    }
}

/// `cast.ToFloat64`.
pub fn to_float64(v: &Val) -> f64 {
    match v {
        Val::Int(i) | Val::Int64(i) => *i as f64,
        Val::Byte(b) => f64::from(*b),
        Val::Float(f) => *f,
        Val::Str(s) => parse_float(s).unwrap_or(0.0),
        Val::Bool(b) => f64::from(u8::from(*b)),
        _ => 0.0,
    }
}

/// Go's `strconv.ParseFloat(s, 64)` (decimal and special spellings).
pub fn parse_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    let body = lower.trim_start_matches(['+', '-']);
    if matches!(body, "inf" | "infinity" | "nan") {
        let neg = lower.starts_with('-');
        return Some(match body {
            "nan" => f64::NAN,
            _ if neg => f64::NEG_INFINITY,
            _ => f64::INFINITY,
        });
    }
    crate::template::parser::parse_go_float(s)
}

/// `strconv.Atoi`, errors ignored (Sprig's `atoi`).
pub fn atoi(s: &str) -> i64 {
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return 0;
    }
    match digits.parse::<i64>() {
        Ok(n) => {
            if neg {
                -n
            } else {
                n
            }
        }
        Err(_) => 0,
    }
}

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

/// Go's `strconv.ParseInt(s, 0, 64)`.
pub fn parse_int_base0(s: &str) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let (radix, digits, prefixed) =
        if let Some(r) = body.strip_prefix("0x").or_else(|| body.strip_prefix("0X")) {
            (16, r, true)
        } else if let Some(r) = body.strip_prefix("0o").or_else(|| body.strip_prefix("0O")) {
            (8, r, true)
        } else if let Some(r) = body.strip_prefix("0b").or_else(|| body.strip_prefix("0B")) {
            (2, r, true)
        } else if body.len() > 1 && body.starts_with('0') {
            (8, &body[1..], true)
        } else {
            (10, body, false)
        };
    let digits = if digits.contains('_') {
        if !underscores_ok(digits, prefixed) {
            return None;
        }
        digits.replace('_', "")
    } else {
        digits.to_string()
    };
    if digits.is_empty() || digits.starts_with(['+', '-']) {
        return None;
    }
    let u = u64::from_str_radix(&digits, radix).ok()?;
    if neg {
        if u <= i64::MAX as u64 + 1 { Some((u as i128).wrapping_neg() as i64) } else { None }
    } else {
        i64::try_from(u).ok()
    }
}

fn underscores_ok(digits: &str, prefixed: bool) -> bool {
    let b = digits.as_bytes();
    b.iter().enumerate().all(|(i, c)| {
        *c != b'_'
            || ((if i == 0 { prefixed } else { b[i - 1] != b'_' }) && i + 1 < b.len() && b[i + 1] != b'_')
    })
}

/// `strconv.ParseInt(s, radix, 64)` without prefixes.
pub fn parse_int_radix(s: &str, radix: u32) -> Option<i64> {
    let (neg, body) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() || body.starts_with(['+', '-']) {
        return None;
    }
    let u = u64::from_str_radix(body, radix).ok()?;
    if neg {
        if u <= i64::MAX as u64 + 1 { Some((u as i128).wrapping_neg() as i64) } else { None }
    } else {
        i64::try_from(u).ok()
    }
}

/// A `[]string` value.
pub fn string_list(items: Vec<String>) -> Val {
    Val::typed_list(SliceKind::Str, items.into_iter().map(Val::str).collect())
}
