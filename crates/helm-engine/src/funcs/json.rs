//! JSON as Go's `encoding/json` writes and reads it: `toJson` (HTML-escaped, keys sorted,
//! Go's float spelling), `toPrettyJson`, `toRawJson`, and `fromJson` with Go's error texts.

use std::collections::BTreeMap;

use crate::strconv::{format_float_json, parse_float};

use crate::template::error::GoError;
use crate::template::funcs::{FuncTable, arg, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{MAX_NESTING, Val};

pub(crate) fn register(t: &mut FuncTable) {
    let any = Sig::fixed(&[Ty::Any]);
    let s = Sig::fixed(&[Ty::Str]);
    t.add("toJson", any, |_, a| Ok(Val::str(encode(&arg(a, 0), true, None).unwrap_or_default())));
    t.add("mustToJson", any, |_, a| encode(&arg(a, 0), true, None).map(Val::str));
    t.add("toPrettyJson", any, |_, a| Ok(Val::str(encode(&arg(a, 0), true, Some("  ")).unwrap_or_default())));
    t.add("mustToPrettyJson", any, |_, a| encode(&arg(a, 0), true, Some("  ")).map(Val::str));
    t.add("toRawJson", any, |_, a| encode(&arg(a, 0), false, None).map(Val::str));
    t.add("mustToRawJson", any, |_, a| encode(&arg(a, 0), false, None).map(Val::str));
    // Sprig's fromJson: any JSON value, nil when the text is not JSON.
    t.add("fromJson", s, |_, a| Ok(decode(arg_str(a, 0)).unwrap_or_default()));
    // Sprig's mustFromJson: any JSON value.
    t.add("mustFromJson", s, |_, a| decode(arg_str(a, 0)).map_err(GoError::msg));
}

/// Helm's `fromJson` (in place of Sprig's) and `fromJsonArray`: a map or a list, with any
/// error inside it.
pub(crate) fn register_helm(t: &mut FuncTable) {
    let s = Sig::fixed(&[Ty::Str]);
    // A map, with any error under the key "Error".
    t.add("fromJson", s, |_, a| {
        let mut m = BTreeMap::new();
        match decode(arg_str(a, 0)) {
            Ok(Val::Map(parsed)) => return Ok(Val::Map(parsed)),
            Ok(Val::Nil) => {}
            Ok(other) => {
                m.insert("Error".to_string(), Val::str(type_error(&other, "map[string]interface {}")));
            }
            Err(e) => {
                m.insert("Error".to_string(), Val::str(e));
            }
        }
        Ok(Val::map(m))
    });
    t.add("fromJsonArray", s, |_, a| {
        Ok(match decode(arg_str(a, 0)) {
            Ok(Val::List(l)) => Val::List(l),
            Ok(Val::Nil) => Val::list(Vec::new()),
            Ok(other) => Val::list(vec![Val::str(type_error(&other, "[]interface {}"))]),
            Err(e) => Val::list(vec![Val::str(e)]),
        })
    });
}

fn type_error(v: &Val, target: &str) -> String {
    let what = match v {
        Val::List(_) => "array",
        Val::Str(_) => "string",
        Val::Float(_) => "number",
        Val::Bool(_) => "bool",
        Val::Map(_) => "object",
        _ => "value",
    };
    format!("json: cannot unmarshal {what} into Go value of type {target}")
}

/// `json.Marshal` (or `MarshalIndent` with `indent`); `escape_html` as Go's default.
pub(crate) fn encode(v: &Val, escape_html: bool, indent: Option<&str>) -> Result<String, GoError> {
    let mut out = String::new();
    write_value(&mut out, v, escape_html, indent, 0)?;
    Ok(out)
}

fn newline(out: &mut String, indent: Option<&str>, depth: usize) {
    if let Some(ind) = indent {
        out.push('\n');
        for _ in 0..depth {
            out.push_str(ind);
        }
    }
}

fn write_value(
    out: &mut String,
    v: &Val,
    html: bool,
    indent: Option<&str>,
    depth: usize,
) -> Result<(), GoError> {
    if depth > MAX_NESTING {
        return Err(GoError::msg("json: unsupported value: encountered a cycle"));
    }
    match v {
        Val::Nil => out.push_str("null"),
        Val::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Val::Int(i) | Val::Int64(i) => out.push_str(&i.to_string()),
        Val::Byte(b) => out.push_str(&b.to_string()),
        Val::Float(f) => {
            if !f.is_finite() {
                return Err(GoError::msg(format!(
                    "json: unsupported value: {}",
                    crate::template::fmt::format_value(v, 'v', false, 0)
                )));
            }
            out.push_str(&format_float_json(*f));
        }
        Val::Str(s) => write_string(out, s, html),
        Val::Bytes(b) => write_string(out, &crate::base64::base64_encode(b), html),
        Val::List(l) if l.nil => out.push_str("null"),
        Val::List(l) => {
            if l.items.is_empty() {
                out.push_str("[]");
                return Ok(());
            }
            out.push('[');
            for (i, item) in l.items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, indent, depth + 1);
                write_value(out, item, html, indent, depth + 1)?;
            }
            newline(out, indent, depth);
            out.push(']');
        }
        Val::Map(m) => {
            let entries = m.try_borrow().map(|d| d.entries.clone()).unwrap_or_default();
            write_object(out, entries.iter().map(|(k, v)| (k.as_str(), v)), html, indent, depth)?;
        }
        Val::Obj(o) => match o.json_fields() {
            Some(fields) => write_object(out, fields.iter().map(|(k, v)| (*k, v)), html, indent, depth)?,
            None => write_value(out, &o.to_json_val(), html, indent, depth)?,
        },
    }
    Ok(())
}

/// A JSON object with these members, in this order.
fn write_object<'a>(
    out: &mut String,
    members: impl Iterator<Item = (&'a str, &'a Val)>,
    html: bool,
    indent: Option<&str>,
    depth: usize,
) -> Result<(), GoError> {
    let mut empty = true;
    for (i, (k, item)) in members.enumerate() {
        out.push(if i == 0 { '{' } else { ',' });
        empty = false;
        newline(out, indent, depth + 1);
        write_string(out, k, html);
        out.push(':');
        if indent.is_some() {
            out.push(' ');
        }
        write_value(out, item, html, indent, depth + 1)?;
    }
    if empty {
        out.push_str("{}");
    } else {
        newline(out, indent, depth);
        out.push('}');
    }
    Ok(())
}

fn write_string(out: &mut String, s: &str, html: bool) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' | '>' | '&' if html => out.push_str(&format!("\\u{:04x}", c as u32)),
            '\u{2028}' | '\u{2029}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            // A byte that is not UTF-8 (see `go_string_of`): Go writes the replacement character.
            c if crate::strconv::raw_byte(c).is_some() => out.push_str("\\ufffd"),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Go's quoting of a character in JSON syntax errors. Go's scanner reads bytes: a character
/// beyond ASCII is named by its first byte, read as a character (`Ü` is `'Ã'`), and so is a
/// byte that is not UTF-8 (see `go_string_of`).
fn quote_char(c: char) -> String {
    let mut utf8 = [0; 4];
    let c = char::from(crate::strconv::raw_byte(c).unwrap_or(c.encode_utf8(&mut utf8).as_bytes()[0]));
    match c {
        '\'' => "'\\''".into(),
        '"' => "'\"'".into(),
        c => {
            let q = crate::strconv::quote(&c.to_string());
            format!("'{}'", &q[1..q.len() - 1])
        }
    }
}

/// `json.Unmarshal` into an `interface{}`: numbers become float64. The error texts are Go's.
pub(crate) fn decode(text: &str) -> Result<Val, String> {
    let mut p = JsonParser { s: text, pos: 0, depth: 0, stream: false };
    p.skip_ws();
    if p.pos >= text.len() {
        return Err("unexpected end of JSON input".into());
    }
    let v = p.value()?;
    p.skip_ws();
    if let Some(c) = p.peek() {
        return Err(format!("invalid character {} after top-level value", quote_char(c)));
    }
    Ok(v)
}

/// `text` read as Go's JSON decoder reads one document from a stream with nothing after it
/// (the schema validator's reading of a file or a web page): `json.Unmarshal`'s messages,
/// but `EOF` when there is no document, `unexpected EOF` when it is cut short, and no
/// character named for what follows it.
pub(crate) fn decode_document(text: &str) -> Result<Val, String> {
    let mut p = JsonParser { s: text, pos: 0, depth: 0, stream: true };
    p.skip_ws();
    if p.pos >= text.len() {
        return Err("EOF".into());
    }
    let v = p.value().map_err(|message| match message.as_str() {
        "unexpected end of JSON input" => UNEXPECTED_EOF.into(),
        _ => message,
    })?;
    p.skip_ws();
    if p.peek().is_some() {
        return Err("invalid character after top-level value".into());
    }
    Ok(v)
}

/// Go's `io.ErrUnexpectedEOF`.
const UNEXPECTED_EOF: &str = "unexpected EOF";

struct JsonParser<'a> {
    s: &'a str,
    pos: usize,
    depth: usize,
    /// Read as a stream decoder reads it (see [`decode_document`]).
    stream: bool,
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<char> {
        self.s[self.pos..].chars().next()
    }

    fn bump(&mut self) -> Option<char> {
        let c = self.peek()?;
        self.pos += c.len_utf8();
        Some(c)
    }

    fn skip_ws(&mut self) {
        while let Some(c) = self.peek() {
            if matches!(c, ' ' | '\t' | '\n' | '\r') {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    fn eof() -> String {
        "unexpected end of JSON input".into()
    }

    fn value(&mut self) -> Result<Val, String> {
        self.skip_ws();
        let Some(c) = self.peek() else {
            return Err(Self::eof());
        };
        match c {
            '{' => self.object(),
            '[' => self.array(),
            '"' => self.string().map(Val::str),
            't' => self.literal("true", Val::Bool(true)),
            'f' => self.literal("false", Val::Bool(false)),
            'n' => self.literal("null", Val::Nil),
            '-' | '0'..='9' => self.number(),
            c => Err(format!("invalid character {} looking for beginning of value", quote_char(c))),
        }
    }

    fn nest(&mut self) -> Result<(), String> {
        self.depth += 1;
        if self.depth > 10_000 {
            return Err("exceeded max depth".into());
        }
        Ok(())
    }

    fn object(&mut self) -> Result<Val, String> {
        self.nest()?;
        self.bump();
        let mut m = BTreeMap::new();
        self.skip_ws();
        if self.peek() == Some('}') {
            self.bump();
            self.depth -= 1;
            return Ok(Val::map(m));
        }
        loop {
            self.skip_ws();
            match self.peek() {
                None => return Err(Self::eof()),
                Some('"') => {}
                Some(c) => {
                    return Err(format!(
                        "invalid character {} looking for beginning of object key string",
                        quote_char(c)
                    ));
                }
            }
            let key = self.string()?;
            self.skip_ws();
            match self.bump() {
                None => return Err(Self::eof()),
                Some(':') => {}
                Some(c) => return Err(format!("invalid character {} after object key", quote_char(c))),
            }
            let v = self.value()?;
            m.insert(key, v);
            self.skip_ws();
            match self.bump() {
                None => return Err(Self::eof()),
                Some(',') => continue,
                Some('}') => break,
                Some(c) => {
                    return Err(format!("invalid character {} after object key:value pair", quote_char(c)));
                }
            }
        }
        self.depth -= 1;
        Ok(Val::map(m))
    }

    fn array(&mut self) -> Result<Val, String> {
        self.nest()?;
        self.bump();
        let mut items = Vec::new();
        self.skip_ws();
        if self.peek() == Some(']') {
            self.bump();
            self.depth -= 1;
            return Ok(Val::list(items));
        }
        loop {
            items.push(self.value()?);
            self.skip_ws();
            match self.bump() {
                None => return Err(Self::eof()),
                Some(',') => continue,
                Some(']') => break,
                Some(c) => return Err(format!("invalid character {} after array element", quote_char(c))),
            }
        }
        self.depth -= 1;
        Ok(Val::list(items))
    }

    fn literal(&mut self, word: &str, v: Val) -> Result<Val, String> {
        for expected in word.chars() {
            // At the end Go's scanner steps a space, which no literal takes; a stream
            // decoder wants more input.
            if self.stream && self.peek().is_none() {
                return Err(UNEXPECTED_EOF.into());
            }
            match self.bump().unwrap_or(' ') {
                c if c == expected => {}
                c => {
                    return Err(format!(
                        "invalid character {} in literal {word} (expecting {})",
                        quote_char(c),
                        quote_char(expected)
                    ));
                }
            }
        }
        Ok(v)
    }

    fn hex4(&mut self) -> Result<u32, String> {
        let mut v = 0;
        for _ in 0..4 {
            match self.bump() {
                None => return Err(Self::eof()),
                Some(c) => match c.to_digit(16) {
                    Some(d) => v = v * 16 + d,
                    None => {
                        return Err(format!(
                            "invalid character {} in \\u hexadecimal character escape",
                            quote_char(c)
                        ));
                    }
                },
            }
        }
        Ok(v)
    }

    fn string(&mut self) -> Result<String, String> {
        self.bump();
        let mut out = String::new();
        loop {
            let Some(c) = self.bump() else {
                return Err(Self::eof());
            };
            match c {
                '"' => return Ok(out),
                '\\' => {
                    let Some(e) = self.bump() else {
                        return Err(Self::eof());
                    };
                    match e {
                        '"' => out.push('"'),
                        '\\' => out.push('\\'),
                        '/' => out.push('/'),
                        'b' => out.push('\u{8}'),
                        'f' => out.push('\u{c}'),
                        'n' => out.push('\n'),
                        'r' => out.push('\r'),
                        't' => out.push('\t'),
                        'u' => {
                            let hi = self.hex4()?;
                            if (0xd800..0xdc00).contains(&hi) {
                                let save = self.pos;
                                if self.s[self.pos..].starts_with("\\u") {
                                    self.pos += 2;
                                    let lo = self.hex4()?;
                                    if (0xdc00..0xe000).contains(&lo) {
                                        let c = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
                                        out.push(char::from_u32(c).unwrap_or('\u{fffd}'));
                                        continue;
                                    }
                                }
                                self.pos = save;
                                out.push('\u{fffd}');
                            } else {
                                out.push(char::from_u32(hi).unwrap_or('\u{fffd}'));
                            }
                        }
                        c => {
                            return Err(format!("invalid character {} in string escape code", quote_char(c)));
                        }
                    }
                }
                c if (c as u32) < 0x20 => {
                    return Err(format!("invalid character {} in string literal", quote_char(c)));
                }
                c => out.push(c),
            }
        }
    }

    fn number(&mut self) -> Result<Val, String> {
        let start = self.pos;
        // At the end Go's scanner steps a space, which an unfinished number does not take.
        let bad = |c: Option<char>, after: &str| {
            format!("invalid character {} {after}numeric literal", quote_char(c.unwrap_or(' ')))
        };
        if self.peek() == Some('-') {
            self.bump();
        }
        match self.bump() {
            Some('0') => {}
            Some('1'..='9') => {
                while matches!(self.peek(), Some('0'..='9')) {
                    self.bump();
                }
            }
            other => return Err(bad(other, "in ")),
        }
        if self.peek() == Some('.') {
            self.bump();
            match self.bump() {
                Some('0'..='9') => {}
                other => return Err(bad(other, "after decimal point in ")),
            }
            while matches!(self.peek(), Some('0'..='9')) {
                self.bump();
            }
        }
        if matches!(self.peek(), Some('e' | 'E')) {
            self.bump();
            if matches!(self.peek(), Some('+' | '-')) {
                self.bump();
            }
            match self.bump() {
                Some('0'..='9') => {}
                other => return Err(bad(other, "in exponent of ")),
            }
            while matches!(self.peek(), Some('0'..='9')) {
                self.bump();
            }
        }
        let text = &self.s[start..self.pos];
        match parse_float(text) {
            Some(f) => Ok(Val::Float(f)),
            None => Err(format!("json: cannot unmarshal number {text} into Go value of type float64")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_like_go() {
        let v = decode(r#"{"b":[1,2.5,"<a&b>"],"a":null}"#).unwrap();
        assert_eq!(encode(&v, true, None).unwrap(), r#"{"a":null,"b":[1,2.5,"\u003ca\u0026b\u003e"]}"#);
        assert_eq!(encode(&Val::Float(1e21), true, None).unwrap(), "1e+21");
        assert_eq!(encode(&Val::Float(0.00001), true, None).unwrap(), "0.00001");
    }

    #[test]
    fn decode_errors_are_go_texts() {
        assert_eq!(decode("").unwrap_err(), "unexpected end of JSON input");
        assert_eq!(decode("x").unwrap_err(), "invalid character 'x' looking for beginning of value");
        assert_eq!(decode("{\"a\" 1}").unwrap_err(), "invalid character '1' after object key");
        assert_eq!(decode("[1] 2").unwrap_err(), "invalid character '2' after top-level value");
    }
}
