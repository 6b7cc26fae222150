//! Go's `strconv`, as far as Helm's output depends on it, in one place: numbers parsed with
//! Go's syntax (base prefixes, digit-separating underscores, range errors), floats spelled
//! the way `strconv.FormatFloat` and `encoding/json` spell them (`{{ 52428800.0 }}` prints
//! `5.24288e+07`, `toJson` of it is `52428800`), and strings quoted and unquoted.
//!
//! Everything else (YAML's typing, the template parser's number literals, Sprig's
//! conversions, `--set` typing) builds on these functions.

// ---- parsing ----

/// Why Go's `strconv` refused an integer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum IntError {
    /// Not an integer in the syntax asked for (Go's `ErrSyntax`).
    Syntax,
    /// Too large (Go's `ErrRange`), with the value Go returns beside the error: the nearest
    /// value the type can hold.
    Range(i64),
}

/// Go's `strconv.ParseUint(s, base, 64)`; `None` where Go returns an error. Base 0 reads a
/// `0b`, `0o` or `0x` prefix (a lone leading `0` means octal) and allows `_` between digits.
pub(crate) fn parse_uint(s: &str, base: u32) -> Option<u64> {
    go_parse_uint(s, base).ok()
}

/// Go's `strconv.ParseInt(s, base, 64)`; `None` where Go returns an error: an optional
/// sign, then [`parse_uint`]'s syntax, within the range of int64.
pub(crate) fn parse_int(s: &str, base: u32) -> Option<i64> {
    go_parse_int(s, base).ok()
}

/// Go's `strconv.ParseInt(s, 0, 64)`, as flags of Go programs read whole numbers (`0x10`,
/// `017`, `1_000`), with Go's error text.
pub fn parse_go_int(s: &str) -> Result<i64, String> {
    go_parse_int(s, 0).map_err(|e| {
        let why = match e {
            IntError::Syntax => "invalid syntax",
            IntError::Range(_) => "value out of range",
        };
        format!("strconv.ParseInt: parsing {}: {why}", quote(s))
    })
}

/// `strconv.Atoi`: the number, or why it is none, in Go's words.
pub(crate) fn atoi(s: &str) -> Result<i64, &'static str> {
    go_parse_int(s, 10).map_err(|e| match e {
        IntError::Syntax => "invalid syntax",
        IntError::Range(_) => "value out of range",
    })
}

/// `strconv.Atoi` with its error ignored, as Sprig's `atoi` calls it: the number, the
/// nearest int64 when it is too large, 0 when it is not a number.
pub(crate) fn atoi_lossy(s: &str) -> i64 {
    match go_parse_int(s, 10) {
        Ok(n) | Err(IntError::Range(n)) => n,
        Err(IntError::Syntax) => 0,
    }
}

/// `ParseUint`, with Go's order of checks: an overflow is reported as soon as it happens,
/// before the rest of the text (or its underscores) is looked at.
fn go_parse_uint(s: &str, base: u32) -> Result<u64, IntError> {
    let base_prefixed = base == 0;
    let (base, digits) = if base_prefixed {
        match s.as_bytes() {
            [b'0', p, _, ..] if matches!(p.to_ascii_lowercase(), b'b' | b'o' | b'x') => {
                let base = match p.to_ascii_lowercase() {
                    b'b' => 2,
                    b'o' => 8,
                    _ => 16,
                };
                (base, &s[2..])
            }
            [b'0', ..] => (8, &s[1..]),
            _ => (10, s),
        }
    } else {
        (base, s)
    };
    if s.is_empty() || !(2..=36).contains(&base) {
        return Err(IntError::Syntax);
    }
    let mut n: u64 = 0;
    let mut underscores = false;
    for c in digits.chars() {
        if c == '_' && base_prefixed {
            underscores = true;
            continue;
        }
        let d = c.to_digit(base).ok_or(IntError::Syntax)?;
        n = n
            .checked_mul(u64::from(base))
            .and_then(|n| n.checked_add(u64::from(d)))
            .ok_or(IntError::Range(i64::MAX))?;
    }
    if underscores && !underscores_ok(s) {
        return Err(IntError::Syntax);
    }
    Ok(n)
}

/// `ParseInt`: a range error carries the clamped value Go returns with it.
fn go_parse_int(s: &str, base: u32) -> Result<i64, IntError> {
    let (negative, magnitude) = split_sign(s);
    let clamped = if negative { i64::MIN } else { i64::MAX };
    let u = match go_parse_uint(magnitude, base) {
        Ok(u) => u,
        Err(IntError::Range(_)) => return Err(IntError::Range(clamped)),
        Err(IntError::Syntax) => return Err(IntError::Syntax),
    };
    if negative {
        // The magnitude of i64::MIN is one more than i64::MAX.
        if u <= 1 << 63 { Ok((u as i64).wrapping_neg()) } else { Err(IntError::Range(clamped)) }
    } else {
        i64::try_from(u).map_err(|_| IntError::Range(clamped))
    }
}

/// Go's `strconv.ParseFloat(s, 64)`; `None` where Go returns an error, which includes a
/// value too large for a float64 (Go's range error; a value too small becomes zero). Reads
/// decimal and hexadecimal (`0x1.8p3`) spellings, `_` between digits, and `inf`,
/// `infinity` (with a sign) and `nan` in any case.
pub(crate) fn parse_float(s: &str) -> Option<f64> {
    if let Some(f) = special_float(s) {
        return Some(f);
    }
    let (negative, body) = split_sign(s);
    if body.contains('_') && !underscores_ok(s) {
        return None;
    }
    let plain = body.replace('_', "");
    let value = match plain.strip_prefix("0x").or_else(|| plain.strip_prefix("0X")) {
        Some(hex) => parse_hex_float(hex)?,
        None => parse_decimal_float(&plain)?,
    };
    if value.is_infinite() {
        return None;
    }
    Some(if negative { -value } else { value })
}

/// One optional sign: (negative, the rest).
fn split_sign(s: &str) -> (bool, &str) {
    match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    }
}

/// Go's spellings of infinity and not-a-number: the whole text must be one of them.
fn special_float(s: &str) -> Option<f64> {
    let lower = s.to_ascii_lowercase();
    match lower.as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" => Some(f64::INFINITY),
        "-inf" | "-infinity" => Some(f64::NEG_INFINITY),
        // Go accepts no sign before `nan`.
        "nan" => Some(f64::NAN),
        _ => None,
    }
}

/// A decimal mantissa with an optional exponent (`1.5`, `.5`, `5.`, `1e-3`), correctly
/// rounded.
fn parse_decimal_float(s: &str) -> Option<f64> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut mantissa_digits = 0;
    let mut seen_dot = false;
    while i < b.len() {
        match b[i] {
            b'0'..=b'9' => mantissa_digits += 1,
            b'.' if !seen_dot => seen_dot = true,
            _ => break,
        }
        i += 1;
    }
    if mantissa_digits == 0 {
        return None;
    }
    if i < b.len() && (b[i] == b'e' || b[i] == b'E') {
        i += 1;
        if i < b.len() && (b[i] == b'+' || b[i] == b'-') {
            i += 1;
        }
        let exponent_start = i;
        while i < b.len() && b[i].is_ascii_digit() {
            i += 1;
        }
        if i == exponent_start {
            return None;
        }
    }
    if i != b.len() {
        return None;
    }
    s.parse::<f64>().ok()
}

/// A hexadecimal mantissa (after `0x`) with its mandatory binary exponent (`1.8p3`).
fn parse_hex_float(s: &str) -> Option<f64> {
    let (mantissa, exponent) = s.split_once(['p', 'P'])?;
    let exponent: i32 = match exponent.strip_prefix('+') {
        Some(rest) if !rest.starts_with(['+', '-']) => rest.parse().ok()?,
        _ => exponent.parse().ok()?,
    };
    let (int_part, frac_part) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if int_part.is_empty() && frac_part.is_empty() {
        return None;
    }
    let mut v = 0f64;
    for c in int_part.chars().chain(frac_part.chars()) {
        v = v * 16.0 + f64::from(c.to_digit(16)?);
    }
    Some(v * 2f64.powi(exponent - 4 * frac_part.len() as i32))
}

/// Go's rule for `_` in number literals: only between two digits, or between a base prefix
/// and a digit (`1_000`, `0x_ff`; not `_1`, `1_`, `1__0`, `1_.5`).
fn underscores_ok(s: &str) -> bool {
    let (_, s) = split_sign(s);
    let b = s.as_bytes();
    // What came last: the start, a digit (or base prefix), an underscore, or anything else.
    #[derive(PartialEq)]
    enum Last {
        Start,
        Digit,
        Underscore,
        Other,
    }
    let mut last = Last::Start;
    let mut i = 0;
    let mut hex = false;
    if b.len() >= 2 && b[0] == b'0' && matches!(b[1].to_ascii_lowercase(), b'b' | b'o' | b'x') {
        hex = b[1].eq_ignore_ascii_case(&b'x');
        last = Last::Digit;
        i = 2;
    }
    for &c in &b[i..] {
        if c.is_ascii_digit() || (hex && c.is_ascii_hexdigit()) {
            last = Last::Digit;
        } else if c == b'_' {
            if last != Last::Digit {
                return false;
            }
            last = Last::Underscore;
        } else {
            if last == Last::Underscore {
                return false;
            }
            last = Last::Other;
        }
    }
    last != Last::Underscore
}

// ---- formatting ----

/// Go's `strconv.FormatFloat(f, 'g', -1, bits)` (also `fmt`'s `%v`): the shortest digits that
/// read back as the same number (as a float32 when `bits` is 32), in scientific notation when
/// the decimal exponent is below -4 or at least 6.
pub fn format_float_g(f: f64, bits: u32) -> String {
    // A float64 beyond float32's range is an infinity as a float32.
    let f = if bits == 32 { f64::from(f as f32) } else { f };
    if let Some(special) = special(f) {
        return special;
    }
    let (negative, digits, exp) = shortest_digits(f, bits);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    if !(-4..6).contains(&exp) {
        push_scientific(&mut out, &digits, exp);
    } else {
        push_fixed(&mut out, &digits, exp);
    }
    out
}

/// Go's `encoding/json` spelling of a float64: plain decimal unless the magnitude is below
/// 1e-6 or at least 1e21, and then `1e-7` rather than `1e-07`.
pub fn format_float_json(f: f64) -> String {
    if let Some(special) = special(f) {
        return special;
    }
    let (negative, digits, exp) = shortest_digits(f, 64);
    let mut out = String::new();
    if negative {
        out.push('-');
    }
    let abs = f.abs();
    if !(1e-6..1e21).contains(&abs) {
        push_scientific(&mut out, &digits, exp);
        // Go trims one leading zero of a negative two-digit exponent.
        if let Some(pos) = out.rfind("e-0")
            && out.len() - pos == 4
        {
            out.remove(pos + 2);
        }
    } else {
        push_fixed(&mut out, &digits, exp);
    }
    out
}

/// Go's spelling of NaN and the infinities, which have no digits.
fn non_finite(f: f64) -> Option<&'static str> {
    if f.is_nan() {
        Some("NaN")
    } else if f.is_infinite() {
        Some(if f > 0.0 { "+Inf" } else { "-Inf" })
    } else {
        None
    }
}

/// The floats the shortest formats spell without digits: NaN, the infinities and zero.
fn special(f: f64) -> Option<String> {
    if let Some(text) = non_finite(f) {
        Some(text.to_string())
    } else if f == 0.0 {
        Some(if f.is_sign_negative() { "-0".into() } else { "0".into() })
    } else {
        None
    }
}

fn push_scientific(out: &mut String, digits: &str, exp: i32) {
    out.push_str(&digits[..1]);
    if digits.len() > 1 {
        out.push('.');
        out.push_str(&digits[1..]);
    }
    out.push('e');
    out.push(if exp < 0 { '-' } else { '+' });
    let e = exp.unsigned_abs();
    if e < 10 {
        out.push('0');
    }
    out.push_str(&e.to_string());
}

fn push_fixed(out: &mut String, digits: &str, exp: i32) {
    if exp < 0 {
        out.push_str("0.");
        for _ in 0..(-exp - 1) {
            out.push('0');
        }
        out.push_str(digits);
        return;
    }
    let int_len = (exp + 1) as usize;
    if digits.len() <= int_len {
        out.push_str(digits);
        for _ in digits.len()..int_len {
            out.push('0');
        }
    } else {
        out.push_str(&digits[..int_len]);
        out.push('.');
        out.push_str(&digits[int_len..]);
    }
}

/// Whether `f` is negative, the shortest decimal digits that read back as `f` (finite and
/// not zero; as a float32 when `bits` is 32), and the decimal exponent of the first digit.
pub(crate) fn shortest_digits(f: f64, bits: u32) -> (bool, String, i32) {
    let formatted = if bits == 32 { format!("{:e}", f as f32) } else { format!("{f:e}") };
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    (negative, digits.to_string(), exponent.parse().unwrap_or(0))
}

/// Go's `strconv.FormatFloat(f, 'e', prec, 64)`.
pub(crate) fn format_float_e(f: f64, prec: usize) -> String {
    if let Some(text) = non_finite(f) {
        return text.to_string();
    }
    let text = format!("{f:.prec$e}");
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    format!("{mantissa}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
}

/// Go's `strconv.FormatFloat(f, 'f', prec, 64)`.
pub(crate) fn format_float_f(f: f64, prec: usize) -> String {
    if let Some(text) = non_finite(f) {
        return text.to_string();
    }
    format!("{f:.prec$}")
}

/// Go's `strconv.FormatFloat(f, 'g', prec, 64)` for an explicit precision.
pub(crate) fn format_float_g_prec(f: f64, prec: usize) -> String {
    if let Some(text) = non_finite(f) {
        return text.to_string();
    }
    let prec = prec.max(1);
    if f == 0.0 {
        return if f.is_sign_negative() { "-0".into() } else { "0".into() };
    }
    let text = format!("{:.*e}", prec - 1, f.abs());
    let (mantissa, exp) = text.split_once('e').unwrap_or((&text, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let nd = digits.len() as i32;
    let dp = exp + 1;
    let mut eprec = prec as i32;
    if eprec > nd && nd >= dp {
        eprec = nd;
    }
    let sign = if f < 0.0 { "-" } else { "" };
    if exp < -4 || exp >= eprec {
        let mut out = format!("{sign}{}", &digits[..1]);
        if nd > 1 {
            out.push('.');
            out.push_str(&digits[1..]);
        }
        out.push_str(&format!("e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs()));
        out
    } else if dp <= 0 {
        format!("{sign}0.{}{digits}", "0".repeat((-dp) as usize))
    } else if nd <= dp {
        format!("{sign}{digits}{}", "0".repeat((dp - nd) as usize))
    } else {
        format!("{sign}{}.{}", &digits[..dp as usize], &digits[dp as usize..])
    }
}

/// Go's `strconv.FormatFloat(f, 'x', prec, 64)`: hexadecimal mantissa and binary exponent.
pub(crate) fn format_float_x(f: f64, prec: Option<usize>) -> String {
    if let Some(text) = non_finite(f) {
        return text.to_string();
    }
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if f == 0.0 {
        let frac = match prec {
            Some(p) if p > 0 => format!(".{}", "0".repeat(p)),
            _ => String::new(),
        };
        return format!("{sign}0x0{frac}p+00");
    }
    let bits = f.abs().to_bits();
    let mut exp = ((bits >> 52) & 0x7ff) as i32;
    let mut mant = bits & ((1u64 << 52) - 1);
    if exp == 0 {
        // Subnormal: normalise.
        exp = -1022;
        while mant & (1u64 << 52) == 0 {
            mant <<= 1;
            exp -= 1;
        }
        mant &= (1u64 << 52) - 1;
    } else {
        exp -= 1023;
    }
    let mut lead = 1u64;
    let mut hex = format!("{mant:013x}");
    match prec {
        Some(p) if p < 13 => {
            // Round to p hex digits, half to even.
            let shift = (13 - p) * 4;
            let full = (1u64 << 52) | mant;
            let mut kept = full >> shift;
            let rest = full & ((1u64 << shift) - 1);
            let half = 1u64 << (shift - 1);
            if rest > half || (rest == half && kept & 1 == 1) {
                kept += 1;
            }
            if kept >> (52 - shift) > 1 {
                kept >>= 1;
                exp += 1;
            }
            lead = kept >> (52 - shift);
            let frac = kept & ((1u64 << (52 - shift)) - 1);
            hex = if p == 0 { String::new() } else { format!("{frac:0width$x}", width = p) };
        }
        Some(p) => hex.push_str(&"0".repeat(p - 13)),
        None => hex = hex.trim_end_matches('0').to_string(),
    }
    let frac = if hex.is_empty() { String::new() } else { format!(".{hex}") };
    format!("{sign}0x{lead}{frac}p{}{:02}", if exp < 0 { '-' } else { '+' }, exp.unsigned_abs())
}

pub(crate) fn format_float_b(f: f64) -> String {
    let bits = f.to_bits();
    let sign = if bits >> 63 == 1 { "-" } else { "" };
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let mant = bits & ((1u64 << 52) - 1);
    let (mant, exp) = if exp == 0 { (mant, -1074) } else { (mant | (1u64 << 52), exp - 1075) };
    format!("{sign}{mant}p{}{}", if exp < 0 { "-" } else { "+" }, exp.abs())
}

// ---- strings ----

pub(crate) use crate::go_unicode::is_print;

fn push_escaped(out: &mut String, c: char, quote_char: char, ascii_only: bool) {
    match c {
        '\u{7}' => out.push_str("\\a"),
        '\u{8}' => out.push_str("\\b"),
        '\u{c}' => out.push_str("\\f"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\u{b}' => out.push_str("\\v"),
        '\\' => out.push_str("\\\\"),
        c if c == quote_char => {
            out.push('\\');
            out.push(c);
        }
        c if (c as u32) < 0x80 && is_print(c) => out.push(c),
        // A byte that is not UTF-8, as Go quotes it.
        c if let Some(b) = raw_byte(c) => out.push_str(&format!("\\x{b:02x}")),
        c if !ascii_only && is_print(c) => out.push(c),
        c if (c as u32) < 0x20 || c as u32 == 0x7f => out.push_str(&format!("\\x{:02x}", c as u32)),
        c if (c as u32) < 0x10000 => out.push_str(&format!("\\u{:04x}", c as u32)),
        c => out.push_str(&format!("\\U{:08x}", c as u32)),
    }
}

/// Go's `strconv.Quote`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"', false);
    }
    out.push('"');
    out
}

/// Go's `strconv.QuoteToASCII`.
pub(crate) fn quote_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        push_escaped(&mut out, c, '"', true);
    }
    out.push('"');
    out
}

/// Go's `strconv.QuoteRune`.
pub(crate) fn quote_rune(c: char) -> String {
    let mut out = String::from("'");
    push_escaped(&mut out, c, '\'', false);
    out.push('\'');
    out
}

pub(crate) fn can_backquote(s: &str) -> bool {
    s.chars().all(|c| c != '`' && c != '\u{feff}' && (c == '\t' || !c.is_control()))
}

/// Go's `strconv.Unquote` for the three literal forms.
pub(crate) fn unquote(s: &str) -> Result<String, String> {
    let err = || "invalid syntax".to_string();
    let bytes = s.as_bytes();
    if bytes.len() < 2 {
        return Err(err());
    }
    let q = bytes[0];
    if q != bytes[bytes.len() - 1] {
        return Err(err());
    }
    let body = &s[1..s.len() - 1];
    match q {
        b'`' => {
            if body.contains('`') {
                return Err(err());
            }
            Ok(body.replace('\r', ""))
        }
        // Without escapes, newlines or quotes inside, a double-quoted body is its own value
        // (the common case, and the slow path below allocates per character).
        b'"' if !body.contains(['\\', '\n', '"']) => Ok(body.to_string()),
        b'"' | b'\'' => {
            let quote = q as char;
            let mut out = String::new();
            let mut rest = body;
            let mut count = 0;
            while !rest.is_empty() {
                let (c, tail) = unquote_char(rest, quote)?;
                out.push_str(&c);
                rest = tail;
                count += 1;
            }
            if q == b'\'' && count != 1 {
                return Err(err());
            }
            // Escaped bytes may make UTF-8 together (`\xc3\xa9` is `é`).
            Ok(go_string_of(&go_bytes(&out)).into_owned())
        }
        _ => Err(err()),
    }
}

/// Go's `strconv.UnquoteChar`: one (possibly escaped) character and the rest. A `\x` or
/// octal escape can produce a byte that is not valid UTF-8 on its own; it is kept as the
/// replacement character.
pub(crate) fn unquote_char(s: &str, quote: char) -> Result<(String, &str), String> {
    let err = || "invalid syntax".to_string();
    let mut chars = s.chars();
    let c = chars.next().ok_or_else(err)?;
    if c == quote && (quote == '\'' || quote == '"') {
        return Err(err());
    }
    if c != '\\' {
        if c == '\n' && quote != '`' {
            return Err(err());
        }
        return Ok((c.to_string(), chars.as_str()));
    }
    let e = chars.next().ok_or_else(err)?;
    let rest = chars.as_str();
    let simple = match e {
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'f' => Some('\u{c}'),
        'n' => Some('\n'),
        'r' => Some('\r'),
        't' => Some('\t'),
        'v' => Some('\u{b}'),
        '\\' => Some('\\'),
        '\'' | '"' if e == quote => Some(e),
        _ => None,
    };
    if let Some(c) = simple {
        return Ok((c.to_string(), rest));
    }
    let hex = |n: usize| -> Result<(u32, &str), String> {
        if rest.len() < n || !rest.is_char_boundary(n) {
            return Err(err());
        }
        let v = u32::from_str_radix(&rest[..n], 16).map_err(|_| err())?;
        if rest[..n].starts_with('+') || rest[..n].starts_with('-') {
            return Err(err());
        }
        Ok((v, &rest[n..]))
    };
    match e {
        'x' => {
            let (v, tail) = hex(2)?;
            Ok((byte_char(v), tail))
        }
        'u' | 'U' => {
            let (v, tail) = hex(if e == 'u' { 4 } else { 8 })?;
            let c = char::from_u32(v).ok_or_else(err)?;
            Ok((c.to_string(), tail))
        }
        '0'..='7' => {
            if rest.len() < 2 || !rest.is_char_boundary(2) {
                return Err(err());
            }
            let digits = format!("{e}{}", &rest[..2]);
            if !digits.chars().all(|d| ('0'..='7').contains(&d)) {
                return Err(err());
            }
            let v = u32::from_str_radix(&digits, 8).map_err(|_| err())?;
            if v > 255 {
                return Err(err());
            }
            Ok((byte_char(v), &rest[2..]))
        }
        _ => Err(err()),
    }
}

/// The byte `v` of an escape (`\xff`, `\377`): a character below 0x80, else a stand-in for
/// the byte (see [`go_string_of`]); [`unquote`] decodes the bytes again once all are read.
fn byte_char(v: u32) -> String {
    let c = if v < 0x80 { char::from_u32(v) } else { char::from_u32(RAW_BYTE_BASE + v) };
    c.map(String::from).unwrap_or_default()
}

/// Bytes as text, invalid UTF-8 replaced by U+FFFD; valid text (nearly always) is checked by
/// the standard library's fast path and copied once.
pub(crate) fn text_of(bytes: &[u8]) -> String {
    text_in(bytes).into_owned()
}

/// [`text_of`] without a copy when the bytes are valid UTF-8 (checked first: the standard
/// library's check is several times faster than the lossy conversion's own scan).
pub(crate) fn text_in(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(text) => std::borrow::Cow::Borrowed(text),
        Err(_) => String::from_utf8_lossy(bytes),
    }
}

/// Where the stand-ins for bytes that are not UTF-8 start (see [`go_string_of`]).
const RAW_BYTE_BASE: u32 = 0x10_FF00;

/// Bytes as a Go string, which may hold any bytes: valid UTF-8 as it is, and each byte that is
/// not part of a valid sequence as a stand-in character, U+10FF80 to U+10FFFF (private use),
/// so that the functions that see a Go string's bytes (`b64enc`, the checksums, `len`,
/// `quote`) give Go's answers for a binary file read with `.Files.Get`. Everything else
/// sees the stand-in as a character of its own.
pub(crate) fn go_string_of(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    if let Ok(text) = std::str::from_utf8(bytes) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(bytes.len() + 8);
    for chunk in bytes.utf8_chunks() {
        out.push_str(chunk.valid());
        out.extend(chunk.invalid().iter().filter_map(|&b| char::from_u32(RAW_BYTE_BASE + u32::from(b))));
    }
    std::borrow::Cow::Owned(out)
}

/// The byte a stand-in of [`go_string_of`] stands for.
pub(crate) fn raw_byte(c: char) -> Option<u8> {
    u8::try_from(u32::from(c).checked_sub(RAW_BYTE_BASE)?).ok().filter(|b| *b >= 0x80)
}

/// How many stand-ins of [`go_string_of`] `text` holds; a text without the byte 0xF4, with
/// which every stand-in's UTF-8 starts (nearly every text), is not read further.
fn raw_byte_count(text: &str) -> usize {
    if !text.as_bytes().contains(&0xF4) {
        return 0;
    }
    text.chars().filter(|c| raw_byte(*c).is_some()).count()
}

/// The bytes of the Go string `text` (its stand-ins turned back into the bytes they stand for).
pub(crate) fn go_bytes(text: &str) -> std::borrow::Cow<'_, [u8]> {
    if raw_byte_count(text) == 0 {
        return std::borrow::Cow::Borrowed(text.as_bytes());
    }
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match raw_byte(c) {
            Some(b) => out.push(b),
            None => out.extend_from_slice(c.encode_utf8(&mut [0; 4]).as_bytes()),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `text` as Go's JSON encoder leaves a string: each stand-in of [`go_string_of`] becomes
/// the replacement character U+FFFD.
pub(crate) fn replacing_raw_bytes(text: &str) -> std::borrow::Cow<'_, str> {
    if raw_byte_count(text) == 0 {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(
        text.chars().map(|c| if raw_byte(c).is_some() { '\u{fffd}' } else { c }).collect(),
    )
}

/// The length of the Go string `text` in bytes.
pub(crate) fn go_len(text: &str) -> usize {
    // A stand-in is four bytes of UTF-8 for one byte of the Go string.
    text.len() - 3 * raw_byte_count(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_are_read_as_go_reads_them() {
        assert_eq!(parse_go_int("0x10"), Ok(16));
        assert_eq!(parse_go_int("-0b101"), Ok(-5));
        assert_eq!(parse_go_int("017"), Ok(15));
        assert_eq!(parse_go_int("0o17"), Ok(15));
        assert_eq!(parse_go_int("1_000"), Ok(1000));
        assert_eq!(parse_go_int("_1"), Err("strconv.ParseInt: parsing \"_1\": invalid syntax".into()));
        assert_eq!(parse_go_int("0x_1f"), Ok(31));
        assert_eq!(parse_go_int("0"), Ok(0));
        assert!(parse_go_int("08").is_err() && parse_go_int("").is_err() && parse_go_int("1__0").is_err());
        assert_eq!(parse_go_int("-9223372036854775808"), Ok(i64::MIN));
        assert!(parse_go_int("9223372036854775808").unwrap_err().contains("out of range"));
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            rng_seed: proptest::test_runner::RngSeed::Fixed(11),
            ..proptest::test_runner::Config::default()
        })]

        /// Any bytes come back from their Go string, with their length, and a quoted Go
        /// string reads back as the same bytes.
        #[test]
        fn any_bytes_survive_a_go_string(bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..40)) {
            let text = go_string_of(&bytes);
            proptest::prop_assert_eq!(&*go_bytes(&text), &bytes[..]);
            proptest::prop_assert_eq!(go_len(&text), bytes.len());
            let back = unquote(&quote(&text)).expect("a quoted string reads back");
            proptest::prop_assert_eq!(&*go_bytes(&back), &bytes[..]);
            proptest::prop_assert!(!replacing_raw_bytes(&text).chars().any(|c| raw_byte(c).is_some()));
        }
    }

    #[test]
    fn bytes_that_are_not_utf8_survive_as_stand_ins() {
        let bytes = b"ab\xff\xfe\x00c\xc3\xa9\xe2\x82";
        let text = go_string_of(bytes);
        assert_eq!(text.chars().filter(|c| raw_byte(*c).is_some()).count(), 4);
        assert_eq!(&*go_bytes(&text), bytes);
        assert_eq!(go_len(&text), bytes.len());
        assert_eq!(quote(&text), r#""ab\xff\xfe\x00cé\xe2\x82""#);
        assert!(matches!(go_string_of(b"plain"), std::borrow::Cow::Borrowed("plain")));
        assert_eq!(raw_byte('\u{10ff41}'), None, "no stand-in for an ASCII byte");
        assert_eq!(go_len("\u{10ff41}é"), 6, "a character of the text is not a stand-in");
    }

    #[test]
    fn integers_parse_with_gos_prefixes_underscores_and_ranges() {
        for (text, want) in [
            ("0", Some(0)),
            ("010", Some(8)),
            ("0x1F", Some(31)),
            ("0o17", Some(15)),
            ("0b101", Some(5)),
            ("-0x10", Some(-16)),
            ("+7", Some(7)),
            ("1_000", Some(1000)),
            ("0x_ff", Some(255)),
            ("0_7", Some(7)),
            ("9223372036854775807", Some(i64::MAX)),
            ("-9223372036854775808", Some(i64::MIN)),
            ("9223372036854775808", None),
            ("_1", None),
            ("1_", None),
            ("1__0", None),
            ("0x", None),
            ("08", None),
            ("+-1", None),
            ("", None),
            ("-", None),
        ] {
            assert_eq!(parse_int(text, 0), want, "{text}");
        }
        assert_eq!(parse_uint("18446744073709551615", 0), Some(u64::MAX));
        assert_eq!(parse_uint("-1", 0), None);
        // A fixed base takes no prefix and no underscores (strconv.Atoi is base 10).
        assert_eq!(parse_int("-42", 10), Some(-42));
        assert_eq!(parse_int("1_0", 10), None);
        assert_eq!(parse_int("0x10", 10), None);
        assert_eq!(parse_int("17", 8), Some(15));
        // Atoi's value beside a range error is the nearest int64; a syntax error gives 0.
        assert_eq!(atoi_lossy("99999999999999999999"), i64::MAX);
        assert_eq!(atoi_lossy("-99999999999999999999"), i64::MIN);
        assert_eq!(atoi_lossy("12x"), 0);
        // Go reports the overflow before it reads the rest.
        assert_eq!(go_parse_int("99999999999999999999x", 10), Err(IntError::Range(i64::MAX)));
    }

    #[test]
    fn floats_parse_like_go() {
        for (text, want) in [
            ("1.5", Some(1.5)),
            (".5", Some(0.5)),
            ("5.", Some(5.0)),
            ("1e3", Some(1000.0)),
            ("-2.5E-1", Some(-0.25)),
            ("1_000.5", Some(1000.5)),
            ("0x1.8p1", Some(3.0)),
            ("0x10p-4", Some(1.0)),
            ("1e-400", Some(0.0)),
            ("1e400", None),
            ("0x1", None),
            ("1_.5", None),
            ("1e", None),
            (".", None),
            ("", None),
            ("1.5x", None),
        ] {
            assert_eq!(parse_float(text), want, "{text}");
        }
        assert_eq!(parse_float("+Inf"), Some(f64::INFINITY));
        assert_eq!(parse_float("-infinity"), Some(f64::NEG_INFINITY));
        assert!(parse_float("NaN").is_some_and(f64::is_nan));
        assert_eq!(parse_float("+nan"), None);
        assert_eq!(parse_float("infin"), None);
    }

    #[test]
    fn quoting_round_trips() {
        for text in ["plain", "tab\there", "quote \"x\"", "é\u{1}\u{10FFFF}"] {
            assert_eq!(unquote(&quote(text)).as_deref(), Ok(text));
        }
        assert_eq!(quote("é\n\u{1}"), "\"é\\n\\x01\"");
        assert_eq!(quote_ascii("é"), "\"\\u00e9\"");
        assert_eq!(unquote("`a\\n`").as_deref(), Ok("a\\n"));
        assert!(unquote("\"a").is_err());
    }

    #[test]
    fn g_format_matches_helm_printing() {
        // Figures from Helm's own output for values read from YAML files.
        for (f, want) in [
            (52428800.0, "5.24288e+07"),
            (5432.0, "5432"),
            (1.5, "1.5"),
            (1e21, "1e+21"),
            (1000000.0, "1e+06"),
            (1234567.0, "1.234567e+06"),
            (123456.0, "123456"),
            (0.00001, "1e-05"),
            (0.0001, "0.0001"),
            (1e20, "1e+20"),
            (9007199254740993.0, "9.007199254740992e+15"),
            (1.0, "1"),
            (-2.5, "-2.5"),
            (0.0, "0"),
        ] {
            assert_eq!(format_float_g(f, 64), want, "{f}");
        }
    }

    #[test]
    fn json_format_matches_go_encoding_json() {
        for (f, want) in [
            (52428800.0, "52428800"),
            (1e21, "1e+21"),
            (0.00001, "0.00001"),
            (1e20, "100000000000000000000"),
            (1.5, "1.5"),
            (1e-7, "1e-7"),
            (1.5e-10, "1.5e-10"),
        ] {
            assert_eq!(format_float_json(f), want, "{f}");
        }
    }

    #[test]
    fn float32_keys_use_float32_digits() {
        assert_eq!(format_float_g(0.1, 32), "0.1");
        assert_eq!(format_float_g(1.5, 32), "1.5");
    }
}
