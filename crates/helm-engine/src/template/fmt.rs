//! Go's `fmt` package as templates see it: `%v` printing of every value kind, `Sprint` and
//! `Sprintln` spacing, and `Sprintf` with Go's verbs, flags, widths, precisions and its
//! in-band error notes (`%!d(float64=1.5)`, `%!d(MISSING)`, `%!(EXTRA int=2)`).

use crate::strconv::{
    can_backquote, format_float_b, format_float_e, format_float_f, format_float_g, format_float_g_prec,
    format_float_x, is_print, quote, quote_ascii, quote_rune,
};

use super::value::{MAX_NESTING, Val};

/// Formats one value with `verb` the way `fmt` prints a value nested in a container (or at
/// the top when `depth` is 0), with no width or flags except `plus` (`%+v`).
pub(crate) fn format_value(v: &Val, verb: char, plus: bool, depth: usize) -> String {
    let mut p = Printer { out: String::new() };
    let spec = Spec { verb, plus_v: plus && verb == 'v', plus: plus && verb != 'v', ..Spec::default() };
    p.print_val(v, &spec, depth);
    p.out
}

/// `fmt.Sprint`: operands formatted with `%v`, a space between two operands when neither is
/// a string.
pub(crate) fn sprint_values(values: &[Val]) -> String {
    let mut out = String::new();
    let mut prev_string = false;
    for (i, v) in values.iter().enumerate() {
        let is_string = matches!(v, Val::Str(_));
        if i > 0 && !is_string && !prev_string {
            out.push(' ');
        }
        out.push_str(&format_value(v, 'v', false, 0));
        prev_string = is_string;
    }
    out
}

/// `fmt.Sprintln`: operands formatted with `%v`, always separated by spaces, then a newline.
pub(crate) fn sprintln_values(values: &[Val]) -> String {
    let mut out: Vec<String> = values.iter().map(|v| format_value(v, 'v', false, 0)).collect();
    let mut text = std::mem::take(&mut out).join(" ");
    text.push('\n');
    text
}

/// `fmt.Sprintf`.
pub(crate) fn sprintf(format: &str, args: &[Val]) -> String {
    let mut p = Printer { out: String::new() };
    let bytes = format.as_bytes();
    let mut i = 0;
    let mut arg_num = 0usize;
    let mut reordered = false;
    let mut good_arg_num = true;
    while i < bytes.len() {
        // Copy literal text up to the next '%'.
        let start = i;
        while i < bytes.len() && bytes[i] != b'%' {
            i += 1;
        }
        p.out.push_str(&format[start..i]);
        if i >= bytes.len() {
            break;
        }
        i += 1; // the '%'
        let mut spec = Spec::default();
        // Flags.
        while i < bytes.len() {
            match bytes[i] {
                b'#' => spec.sharp = true,
                b'0' => spec.zero = true,
                b'+' => spec.plus = true,
                b'-' => spec.minus = true,
                b' ' => spec.space = true,
                _ => break,
            }
            i += 1;
        }
        // Argument index before the width.
        let (n, ni, ok) = arg_index(bytes, i, arg_num, args.len());
        if ni != i {
            reordered = true;
            good_arg_num = ok;
        }
        arg_num = n;
        i = ni;
        // Width.
        if i < bytes.len() && bytes[i] == b'*' {
            i += 1;
            match int_arg(args, arg_num) {
                Some(w) => {
                    spec.width = Some(w.unsigned_abs() as usize);
                    if w < 0 {
                        spec.minus = true;
                        spec.zero = false;
                    }
                }
                None => p.out.push_str("%!(BADWIDTH)"),
            }
            arg_num += 1;
            reordered = false;
        } else {
            let (w, ni) = parse_num(bytes, i);
            if ni != i {
                spec.width = w;
                if reordered {
                    good_arg_num = false;
                }
            }
            i = ni;
        }
        // Precision.
        if i < bytes.len() && bytes[i] == b'.' {
            i += 1;
            if reordered {
                good_arg_num = false;
            }
            let (n, ni, ok) = arg_index(bytes, i, arg_num, args.len());
            if ni != i {
                reordered = true;
                good_arg_num = ok;
            }
            arg_num = n;
            i = ni;
            if i < bytes.len() && bytes[i] == b'*' {
                i += 1;
                match int_arg(args, arg_num) {
                    Some(prec) if prec >= 0 => spec.prec = Some(prec as usize),
                    // Go refuses a negative precision as it refuses a missing one.
                    Some(_) | None => p.out.push_str("%!(BADPREC)"),
                }
                arg_num += 1;
                reordered = false;
            } else {
                let (prec, ni) = parse_num(bytes, i);
                spec.prec = Some(prec.unwrap_or(0));
                i = ni;
            }
        }
        if !reordered {
            let (n, ni, ok) = arg_index(bytes, i, arg_num, args.len());
            if ni != i {
                reordered = true;
                good_arg_num = ok;
            }
            arg_num = n;
            i = ni;
        }
        if i >= bytes.len() {
            p.out.push_str("%!(NOVERB)");
            break;
        }
        let verb = format[i..].chars().next().unwrap_or('%');
        i += verb.len_utf8();
        spec.verb = verb;
        if spec.minus {
            spec.zero = false;
        }
        if verb == '%' {
            p.out.push('%');
            continue;
        }
        if !good_arg_num {
            p.out.push_str(&format!("%!{verb}(BADINDEX)"));
            continue;
        }
        if arg_num >= args.len() {
            p.out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        }
        if verb == 'v' {
            // %+v prints field names; %#v Go syntax.
            spec.plus_v = spec.plus;
            spec.plus = false;
        }
        p.print_arg(&args[arg_num], &spec);
        arg_num += 1;
    }
    if !reordered && arg_num < args.len() {
        p.out.push_str("%!(EXTRA ");
        for (k, a) in args[arg_num..].iter().enumerate() {
            if k > 0 {
                p.out.push_str(", ");
            }
            if a.is_nil() {
                p.out.push_str("<nil>");
            } else {
                p.out.push_str(&a.type_name());
                p.out.push('=');
                p.out.push_str(&format_value(a, 'v', false, 0));
            }
        }
        p.out.push(')');
    }
    p.out
}

/// A `*` width or precision: an integer argument of at most a million either way (Go's
/// `tooLarge`), else none.
fn int_arg(args: &[Val], n: usize) -> Option<i64> {
    let value = match args.get(n)? {
        Val::Int(i) | Val::Int64(i) => *i,
        Val::Byte(b) => i64::from(*b),
        _ => return None,
    };
    (-1_000_000..=1_000_000).contains(&value).then_some(value)
}

fn parse_num(bytes: &[u8], mut i: usize) -> (Option<usize>, usize) {
    let start = i;
    let mut n: usize = 0;
    while i < bytes.len() && bytes[i].is_ascii_digit() {
        if n > 1_000_000 {
            // Go gives up on a number already beyond a million before its next digit, as a
            // crazy long number, and on the rest of the format with it (`%!(NOVERB)`).
            return (None, bytes.len());
        }
        n = n * 10 + usize::from(bytes[i] - b'0');
        i += 1;
    }
    if i == start { (None, i) } else { (Some(n), i) }
}

/// An explicit argument index `[n]`: returns (new argument number, new position, ok).
fn arg_index(bytes: &[u8], i: usize, arg_num: usize, num_args: usize) -> (usize, usize, bool) {
    if i >= bytes.len() || bytes[i] != b'[' {
        return (arg_num, i, true);
    }
    let mut j = i + 1;
    while j < bytes.len() && bytes[j] != b']' {
        j += 1;
    }
    if j >= bytes.len() {
        return (arg_num, i + 1, false);
    }
    let text = std::str::from_utf8(&bytes[i + 1..j]).unwrap_or("");
    match text.parse::<usize>() {
        Ok(n) if n >= 1 && n <= num_args => (n - 1, j + 1, true),
        _ => (arg_num, j + 1, false),
    }
}

#[derive(Clone, Debug)]
struct Spec {
    verb: char,
    sharp: bool,
    zero: bool,
    plus: bool,
    minus: bool,
    space: bool,
    plus_v: bool,
    width: Option<usize>,
    prec: Option<usize>,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            verb: 'v',
            sharp: false,
            zero: false,
            plus: false,
            minus: false,
            space: false,
            plus_v: false,
            width: None,
            prec: None,
        }
    }
}

struct Printer {
    out: String,
}

impl Printer {
    fn print_arg(&mut self, v: &Val, spec: &Spec) {
        if v.is_nil() {
            match spec.verb {
                'T' | 'v' => self.pad(spec, "<nil>"),
                _ => self.bad_verb(v, spec),
            }
            return;
        }
        if spec.verb == 'T' {
            self.pad_str(spec, &v.type_name());
            return;
        }
        if spec.verb == 'p' {
            self.bad_verb(v, spec);
            return;
        }
        self.print_val(v, spec, 0);
    }

    fn print_val(&mut self, v: &Val, spec: &Spec, depth: usize) {
        if depth > MAX_NESTING {
            self.out.push_str("...");
            return;
        }
        match v {
            Val::Nil => {
                if spec.sharp && spec.verb == 'v' {
                    self.out.push_str("interface {}(nil)");
                } else if depth == 0 && spec.verb != 'v' {
                    self.bad_verb(v, spec);
                } else {
                    self.pad(spec, "<nil>");
                }
            }
            Val::Bool(b) => match spec.verb {
                't' | 'v' => self.pad(spec, if *b { "true" } else { "false" }),
                _ => self.bad_verb(v, spec),
            },
            Val::Int(i) | Val::Int64(i) => self.fmt_integer(*i as i128, false, spec, v),
            Val::Byte(b) => self.fmt_integer(i128::from(*b), true, spec, v),
            Val::Float(f) => self.fmt_float(*f, spec, v),
            Val::Str(s) => self.fmt_string(s, spec, v),
            Val::Bytes(b) => self.fmt_bytes(b, spec, v, depth),
            Val::List(l) => {
                if spec.sharp && spec.verb == 'v' && l.nil {
                    self.out.push_str(&v.type_name());
                    self.out.push_str("(nil)");
                    return;
                }
                if spec.sharp && spec.verb == 'v' {
                    self.out.push_str(&v.type_name());
                    self.out.push('{');
                    for (k, item) in l.items.iter().enumerate() {
                        if k > 0 {
                            self.out.push_str(", ");
                        }
                        self.print_val(item, spec, depth + 1);
                    }
                    self.out.push('}');
                    return;
                }
                self.out.push('[');
                for (k, item) in l.items.iter().enumerate() {
                    if k > 0 {
                        self.out.push(' ');
                    }
                    self.print_val(item, spec, depth + 1);
                }
                self.out.push(']');
            }
            Val::Map(m) => {
                let entries = match m.try_borrow() {
                    Ok(data) => data.entries.clone(),
                    Err(_) => Default::default(),
                };
                if spec.sharp && spec.verb == 'v' {
                    self.out.push_str(&v.type_name());
                    self.out.push('{');
                    for (k, (key, item)) in entries.iter().enumerate() {
                        if k > 0 {
                            self.out.push_str(", ");
                        }
                        self.out.push_str(&quote(key));
                        self.out.push(':');
                        self.print_val(item, spec, depth + 1);
                    }
                    self.out.push('}');
                    return;
                }
                self.out.push_str("map[");
                for (k, (key, item)) in entries.iter().enumerate() {
                    if k > 0 {
                        self.out.push(' ');
                    }
                    self.print_val(&Val::str(key), spec, depth + 1);
                    self.out.push(':');
                    self.print_val(item, spec, depth + 1);
                }
                self.out.push(']');
            }
            Val::Obj(o) => {
                let text = o.fmt_v(spec.plus_v, depth);
                self.pad(spec, &text);
            }
        }
    }

    fn bad_verb(&mut self, v: &Val, spec: &Spec) {
        self.out.push_str("%!");
        self.out.push(spec.verb);
        self.out.push('(');
        if v.is_nil() {
            self.out.push_str("<nil>");
        } else {
            self.out.push_str(&v.type_name());
            self.out.push('=');
            self.out.push_str(&format_value(v, 'v', false, 0));
        }
        self.out.push(')');
    }

    /// Pads with spaces (or zeros when asked) to the width; width counts characters.
    fn pad(&mut self, spec: &Spec, text: &str) {
        let len = text.chars().count();
        let width = spec.width.unwrap_or(0);
        if len >= width {
            self.out.push_str(text);
            return;
        }
        let fill = width - len;
        if spec.minus {
            self.out.push_str(text);
            self.out.extend(std::iter::repeat_n(' ', fill));
        } else {
            let c = if spec.zero { '0' } else { ' ' };
            self.out.extend(std::iter::repeat_n(c, fill));
            self.out.push_str(text);
        }
    }

    /// Pads a string, truncated to the precision first.
    fn pad_str(&mut self, spec: &Spec, text: &str) {
        match spec.prec {
            Some(p) => {
                let cut: String = text.chars().take(p).collect();
                self.pad(spec, &cut);
            }
            None => self.pad(spec, text),
        }
    }

    fn fmt_integer(&mut self, n: i128, unsigned: bool, spec: &Spec, v: &Val) {
        let negative = n < 0;
        let magnitude = n.unsigned_abs();
        let digits = match spec.verb {
            'v' | 'd' => magnitude.to_string(),
            'b' => format!("{magnitude:b}"),
            'o' | 'O' => format!("{magnitude:o}"),
            'x' => format!("{magnitude:x}"),
            'X' => format!("{magnitude:X}"),
            'c' => {
                let c = u32::try_from(n).ok().and_then(char::from_u32).unwrap_or('\u{fffd}');
                self.pad(spec, &c.to_string());
                return;
            }
            'q' => {
                let c = u32::try_from(n).ok().and_then(char::from_u32).unwrap_or('\u{fffd}');
                self.pad(spec, &quote_rune(c));
                return;
            }
            'U' => {
                let mut text = format!("U+{magnitude:04X}");
                if spec.sharp
                    && let Some(c) = u32::try_from(n).ok().and_then(char::from_u32)
                    && is_print(c)
                {
                    text.push_str(&format!(" '{c}'"));
                }
                self.pad(spec, &text);
                return;
            }
            _ => {
                self.bad_verb(v, spec);
                return;
            }
        };
        let _ = unsigned;
        // Precision is a minimum number of digits; `%.0d` of zero prints nothing.
        let mut digits = digits;
        if let Some(p) = spec.prec {
            if p == 0 && magnitude == 0 {
                digits.clear();
            }
            while digits.len() < p {
                digits.insert(0, '0');
            }
        }
        let mut prefix = String::new();
        if negative {
            prefix.push('-');
        } else if spec.plus {
            prefix.push('+');
        } else if spec.space {
            prefix.push(' ');
        }
        if spec.sharp {
            match spec.verb {
                'x' => prefix.push_str("0x"),
                'X' => prefix.push_str("0X"),
                'b' => prefix.push_str("0b"),
                'o' if !digits.starts_with('0') => prefix.push('0'),
                _ => {}
            }
        }
        if spec.verb == 'O' {
            prefix.push_str("0o");
        }
        self.pad_number(spec, &prefix, &digits, spec.prec.is_none());
    }

    /// Pads a number: zero padding goes between the sign/prefix and the digits.
    fn pad_number(&mut self, spec: &Spec, prefix: &str, digits: &str, zero_ok: bool) {
        let width = spec.width.unwrap_or(0);
        let len = prefix.chars().count() + digits.chars().count();
        if spec.zero && zero_ok && !spec.minus && len < width {
            self.out.push_str(prefix);
            self.out.extend(std::iter::repeat_n('0', width - len));
            self.out.push_str(digits);
        } else {
            let text = format!("{prefix}{digits}");
            let plain = Spec { zero: false, ..spec.clone() };
            self.pad(&plain, &text);
        }
    }

    fn fmt_float(&mut self, f: f64, spec: &Spec, v: &Val) {
        let text = match spec.verb {
            'v' => format_float_g(f, 64),
            'g' | 'G' => {
                let t = match spec.prec {
                    Some(p) => format_float_g_prec(f, p),
                    None => format_float_g(f, 64),
                };
                if spec.verb == 'G' { t.to_uppercase() } else { t }
            }
            'e' | 'E' => {
                let t = format_float_e(f, spec.prec.unwrap_or(6));
                if spec.verb == 'E' { t.to_uppercase() } else { t }
            }
            'f' | 'F' => format_float_f(f, spec.prec.unwrap_or(6)),
            'x' | 'X' => {
                let t = format_float_x(f, spec.prec);
                if spec.verb == 'X' { t.to_uppercase() } else { t }
            }
            'b' => format_float_b(f),
            _ => {
                self.bad_verb(v, spec);
                return;
            }
        };
        let (negative, body) = match text.strip_prefix('-') {
            Some(rest) => (true, rest.to_string()),
            None => (false, text.strip_prefix('+').unwrap_or(&text).to_string()),
        };
        let mut prefix = String::new();
        if negative {
            prefix.push('-');
        } else if spec.plus || text.starts_with('+') {
            prefix.push('+');
        } else if spec.space {
            prefix.push(' ');
        }
        let finite = f.is_finite();
        self.pad_number(spec, &prefix, &body, finite);
    }

    fn fmt_string(&mut self, s: &str, spec: &Spec, v: &Val) {
        match spec.verb {
            'v' if spec.sharp => self.pad(spec, &quote(s)),
            'v' | 's' => self.pad_str(spec, s),
            'q' => {
                let text = if spec.sharp && can_backquote(s) {
                    format!("`{s}`")
                } else if spec.plus {
                    quote_ascii(s)
                } else {
                    quote(s)
                };
                let truncated = match spec.prec {
                    Some(p) => {
                        let cut: String = s.chars().take(p).collect();
                        if spec.plus { quote_ascii(&cut) } else { quote(&cut) }
                    }
                    None => text,
                };
                self.pad(spec, &truncated);
            }
            'x' | 'X' => self.fmt_hex_bytes(s.as_bytes(), spec),
            _ => self.bad_verb(v, spec),
        }
    }

    fn fmt_bytes(&mut self, b: &[u8], spec: &Spec, v: &Val, depth: usize) {
        match spec.verb {
            's' => self.pad_str(spec, &crate::strconv::go_string_of(b)),
            'q' => self.pad(spec, &quote(&crate::strconv::go_string_of(b))),
            'x' | 'X' => self.fmt_hex_bytes(b, spec),
            'v' | 'd' => {
                if spec.sharp && spec.verb == 'v' {
                    let parts: Vec<String> = b.iter().map(|x| format!("0x{x:x}")).collect();
                    self.out.push_str(&format!("[]byte{{{}}}", parts.join(", ")));
                    return;
                }
                self.out.push('[');
                for (k, x) in b.iter().enumerate() {
                    if k > 0 {
                        self.out.push(' ');
                    }
                    self.fmt_integer(i128::from(*x), true, spec, v);
                }
                self.out.push(']');
            }
            _ => {
                // Other verbs apply to each byte as an integer.
                self.out.push('[');
                for (k, x) in b.iter().enumerate() {
                    if k > 0 {
                        self.out.push(' ');
                    }
                    self.print_val(&Val::Byte(*x), spec, depth + 1);
                }
                self.out.push(']');
            }
        }
    }

    fn fmt_hex_bytes(&mut self, b: &[u8], spec: &Spec) {
        let upper = spec.verb == 'X';
        let bytes = match spec.prec {
            Some(p) if p < b.len() => &b[..p],
            _ => b,
        };
        let mut text = String::new();
        for (k, x) in bytes.iter().enumerate() {
            if spec.space && k > 0 {
                text.push(' ');
            }
            if spec.sharp && (spec.space || k == 0) {
                text.push_str(if upper { "0X" } else { "0x" });
            }
            text.push_str(&if upper { format!("{x:02X}") } else { format!("{x:02x}") });
        }
        self.pad(spec, &text);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(format: &str, args: &[Val]) -> String {
        sprintf(format, args)
    }

    #[test]
    fn verbs_match_go() {
        assert_eq!(f("%d %s", &[Val::Float(1.5), Val::Int(3)]), "%!d(float64=1.5) %!s(int=3)");
        assert_eq!(
            f("%5.2f|%-5s|%05d", &[Val::Float(3.25159), Val::str("ab"), Val::Int(42)]),
            " 3.25|ab   |00042"
        );
        assert_eq!(f("%q %x", &[Val::str("q\""), Val::str("hi")]), "\"q\\\"\" 6869");
        assert_eq!(f("%d", &[]), "%!d(MISSING)");
        assert_eq!(f("%d", &[Val::Int(1), Val::Int(2)]), "1%!(EXTRA int=2)");
        assert_eq!(f("%z %", &[Val::Int(1)]), "%!z(int=1) %!(NOVERB)");
        assert_eq!(f("%s %d", &[Val::Nil, Val::Nil]), "%!s(<nil>) %!d(<nil>)");
        assert_eq!(
            f(
                "%x %X %o %b %c %U",
                &[Val::Int(255), Val::Int(255), Val::Int(8), Val::Int(5), Val::Int(65), Val::Int(65)]
            ),
            "ff FF 10 101 A U+0041"
        );
        let x = Val::Float(1234.5678);
        assert_eq!(
            f(
                "%e %E %g %.3e %.3g %8.3f",
                &[x.clone(), x.clone(), x.clone(), x.clone(), x.clone(), Val::Float(3.25159)]
            ),
            "1.234568e+03 1.234568E+03 1234.5678 1.235e+03 1.23e+03    3.252"
        );
        assert_eq!(
            f("%G %+d % d %x", &[Val::Float(1e21), Val::Int(5), Val::Int(5), Val::Float(3.5)]),
            "1E+21 +5  5 0x1.cp+01"
        );
        assert_eq!(f("%q %q", &[Val::Int(65), Val::str("é\n\x01")]), "'A' \"é\\n\\x01\"");
        assert_eq!(f("%5.1q|%5t", &[Val::str("abc"), Val::Bool(true)]), "  \"a\"| true");
    }

    #[test]
    fn sprint_spacing() {
        let vals =
            [Val::Int(1), Val::Int(2), Val::str("a"), Val::str("b"), Val::Int(3), Val::Nil, Val::Int(4)];
        assert_eq!(sprint_values(&vals), "1 2ab3 <nil> 4");
        assert_eq!(sprintln_values(&[Val::Int(1), Val::str("a")]), "1 a\n");
    }
}
