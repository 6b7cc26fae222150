//! Number formatting exactly as Go's `strconv` and `encoding/json` do it, which is what Helm
//! prints: `{{ 52428800.0 }}` is `5.24288e+07`, `toJson` of it is `52428800`.

/// Go's `strconv.FormatFloat(f, 'g', -1, bits)` (also `fmt`'s `%v`): the shortest digits that
/// read back as the same number (as a float32 when `bits` is 32), in scientific notation when
/// the decimal exponent is below -4 or at least 6.
pub fn format_float_g(f: f64, bits: u32) -> String {
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

fn special(f: f64) -> Option<String> {
    if f.is_nan() {
        Some("NaN".into())
    } else if f.is_infinite() {
        Some(if f > 0.0 { "+Inf".into() } else { "-Inf".into() })
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

/// Shortest round-trip decimal digits of a finite, non-zero `f` (as f32 when `bits` is 32),
/// and the decimal exponent of the first digit.
fn shortest_digits(f: f64, bits: u32) -> (bool, String, i32) {
    let formatted = if bits == 32 { format!("{:e}", f as f32) } else { format!("{f:e}") };
    let (mantissa, exponent) = formatted.split_once('e').unwrap_or((&formatted, "0"));
    let negative = mantissa.starts_with('-');
    let digits: String = mantissa.chars().filter(|c| c.is_ascii_digit()).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    (negative, digits.to_string(), exponent.parse().unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

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
