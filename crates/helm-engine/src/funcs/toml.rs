//! Helm's `toToml` and `fromToml`. Helm uses BurntSushi's Go TOML package: its encoder's
//! layout (keys without sub-tables first, sorted; `[table]` headers with nested tables and
//! their keys indented by two spaces per level; a blank line before each top-level table)
//! is reproduced here, and its error texts; documents are read with the `toml` crate.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::dates::TimeObj;
use super::gotime::{GoTime, Loc, LocalZone};
use crate::strconv::format_float_g;
use crate::template::value::{SliceKind, TomlView, Val};

/// What the encoder reports for values TOML cannot hold.
const NIL_ELEMENT: &str = "toml: cannot encode array with nil element";
const NO_KEY: &str = "toml: top-level values must be Go maps or structs";

/// The TOML kind of a value, as the encoder classifies it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// A table (a map or a struct).
    Table,
    /// A non-empty list whose elements are all tables.
    TableArray,
    /// Anything written as `key = value`.
    Plain,
}

/// The value as the encoder sees it: objects other than times and structs through their
/// [`TomlView`] (a struct stays itself, a table of its exported fields).
fn resolve(v: &Val) -> Val {
    match v {
        Val::Obj(o) if o.downcast_ref::<TimeObj>().is_none() => match o.toml_view() {
            TomlView::As(v) => v,
            TomlView::Struct(_) => v.clone(),
        },
        other => other.clone(),
    }
}

/// A table's entries in the encoder's order (a map's sorted, a struct's declared), each with,
/// for a struct, its position among all the struct's fields; and the number of exported fields.
fn table_entries(v: &Val) -> (Vec<(String, Val, Option<usize>)>, usize) {
    if let Val::Obj(o) = v
        && let TomlView::Struct(fields) = o.toml_view()
    {
        let exported = fields.iter().flatten().count();
        let entries = fields
            .into_iter()
            .enumerate()
            .filter_map(|(index, field)| field.map(|(name, value)| (name.to_string(), value, Some(index))))
            .collect();
        return (entries, exported);
    }
    let entries: Vec<_> =
        v.map_entries().unwrap_or_default().into_iter().map(|(k, v)| (k, v, None)).collect();
    let n = entries.len();
    (entries, n)
}

fn kind(v: &Val) -> Result<Option<Kind>, &'static str> {
    Ok(Some(match resolve(v) {
        Val::Nil => return Ok(None),
        Val::Map(_) => Kind::Table,
        // What `resolve` leaves as an object is a time or a struct.
        Val::Obj(o) if o.downcast_ref::<TimeObj>().is_none() => Kind::Table,
        Val::List(l) => {
            if l.items.is_empty() {
                Kind::Plain
            } else {
                let mut all_tables = true;
                for item in &l.items {
                    match kind(item)? {
                        None => return Err(NIL_ELEMENT),
                        Some(Kind::Table) => {}
                        Some(_) => all_tables = false,
                    }
                }
                if all_tables { Kind::TableArray } else { Kind::Plain }
            }
        }
        _ => Kind::Plain,
    }))
}

/// `toToml`: the document, or the encoder's error text.
pub(crate) fn to_toml(v: &Val) -> String {
    let mut enc = Encoder { out: String::new() };
    match enc.encode(&[], v) {
        Ok(()) => enc.out,
        Err(e) => e.to_string(),
    }
}

struct Encoder {
    out: String,
}

impl Encoder {
    fn write(&mut self, s: &str) {
        self.out.push_str(s);
    }

    /// A newline, unless nothing has been written yet.
    fn newline(&mut self) {
        if !self.out.is_empty() {
            self.out.push('\n');
        }
    }

    fn indent(key: &[String]) -> String {
        "  ".repeat(key.len().saturating_sub(1))
    }

    fn encode(&mut self, key: &[String], v: &Val) -> Result<(), &'static str> {
        let v = resolve(v);
        match kind(&v)? {
            None => Ok(()),
            Some(Kind::Table) => self.table(key, &v),
            Some(Kind::TableArray) => self.table_array(key, &v),
            Some(Kind::Plain) => self.key_value(key, &v, false),
        }
    }

    fn table(&mut self, key: &[String], v: &Val) -> Result<(), &'static str> {
        if key.len() == 1 {
            self.newline();
        }
        if !key.is_empty() {
            let header = format!("{}[{}]", Self::indent(key), key_string(key));
            self.write(&header);
            self.newline();
        }
        self.map(key, v, false)
    }

    fn table_array(&mut self, key: &[String], v: &Val) -> Result<(), &'static str> {
        if key.is_empty() {
            return Err(NO_KEY);
        }
        for item in v.list_items().unwrap_or_default() {
            let item = resolve(&item);
            if item.is_nil() {
                continue;
            }
            self.newline();
            let header = format!("{}[[{}]]", Self::indent(key), key_string(key));
            self.write(&header);
            self.newline();
            self.map(key, &item, false)?;
        }
        Ok(())
    }

    fn map(&mut self, key: &[String], v: &Val, inline: bool) -> Result<(), &'static str> {
        let (entries, exported) = table_entries(v);
        let (mut direct, mut sub) = (Vec::new(), Vec::new());
        for entry in &entries {
            match kind(&entry.1)? {
                Some(Kind::Table | Kind::TableArray) => sub.push(entry),
                _ => direct.push(entry),
            }
        }
        if inline {
            self.write("{");
        }
        let has_sub = !sub.is_empty();
        for (group, trailing) in [(direct, has_sub), (sub, false)] {
            let n = group.len();
            for (i, (k, item, struct_index)) in group.into_iter().enumerate() {
                if resolve(item).is_nil() {
                    continue;
                }
                if inline {
                    self.key_value(std::slice::from_ref(k), item, true)?;
                    // A struct's comma goes after every field but the one whose position
                    // in the struct equals the count of exported fields less one (so
                    // unexported fields shift it), as BurntSushi's encoder writes it.
                    let comma = match struct_index {
                        Some(index) => *index + 1 != exported,
                        None => trailing || i != n - 1,
                    };
                    if comma {
                        self.write(", ");
                    }
                } else {
                    let mut path = key.to_vec();
                    path.push(k.clone());
                    self.encode(&path, item)?;
                }
            }
        }
        if inline {
            self.write("}");
        }
        Ok(())
    }

    fn key_value(&mut self, key: &[String], v: &Val, inline: bool) -> Result<(), &'static str> {
        if key.is_empty() {
            return self.element(v);
        }
        let line = format!("{}{} = ", Self::indent(key), bare_or_quoted(&key[key.len() - 1]));
        self.write(&line);
        self.element(v)?;
        if !inline {
            self.newline();
        }
        Ok(())
    }

    fn element(&mut self, v: &Val) -> Result<(), &'static str> {
        if let Val::Obj(o) = v
            && let Some(t) = o.downcast_ref::<TimeObj>()
        {
            let text = t.time.format("2006-01-02T15:04:05.999999999Z07:00");
            self.write(&text);
            return Ok(());
        }
        match resolve(v) {
            Val::Str(s) => self.write(&quoted(&s)),
            Val::Bool(b) => self.write(if b { "true" } else { "false" }),
            Val::Int(n) | Val::Int64(n) => self.write(&n.to_string()),
            Val::Byte(b) => self.write(&b.to_string()),
            Val::Float(f) => {
                let text = if f.is_nan() {
                    if f.is_sign_negative() { "-nan".to_string() } else { "nan".to_string() }
                } else if f.is_infinite() {
                    if f < 0.0 { "-inf".to_string() } else { "inf".to_string() }
                } else {
                    let g = format_float_g(f, 64);
                    if g.contains('e') || g.contains('.') { g } else { format!("{g}.0") }
                };
                self.write(&text);
            }
            Val::List(_) | Val::Bytes(_) => {
                let items = v.list_items().unwrap_or_default();
                self.write("[");
                for (i, item) in items.iter().enumerate() {
                    if resolve(item).is_nil() {
                        return Err(NIL_ELEMENT);
                    }
                    self.element(item)?;
                    if i + 1 != items.len() {
                        self.write(", ");
                    }
                }
                self.write("]");
            }
            m @ Val::Map(_) => self.map(&[], &m, true)?,
            Val::Nil => {}
            o @ Val::Obj(_) => self.map(&[], &o, true)?,
        }
        Ok(())
    }
}

/// The encoder's double-quoted string: `"` and `\` escaped, control characters as `\b`,
/// `\t`, `\n`, `\f`, `\r` or `\uXXXX`.
fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\u{8}' => out.push_str("\\b"),
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\u{c}' => out.push_str("\\f"),
            '\r' => out.push_str("\\r"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A key as TOML writes it: bare when it is made of letters, digits, `_` and `-`.
fn bare_or_quoted(k: &str) -> String {
    if !k.is_empty() && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        k.to_string()
    } else if k.is_empty() {
        "\"\"".to_string()
    } else {
        quoted(k)
    }
}

fn key_string(key: &[String]) -> String {
    key.iter().map(|k| bare_or_quoted(k)).collect::<Vec<_>>().join(".")
}

/// `fromToml`: the document as a map (integers `int64`, floats `float64`, dates and times
/// `time.Time`), or a map holding the parse error under `Error`.
pub(crate) fn from_toml(text: &str, local_offset: i32, local: &LocalZone) -> Val {
    match text.parse::<toml::Table>() {
        Ok(table) => table_val(&table, local_offset, local),
        Err(e) => {
            let line = e.span().map_or(1, |s| text[..s.start.min(text.len())].matches('\n').count() + 1);
            let message = e.message().trim_end().to_string();
            Val::map(BTreeMap::from([(
                "Error".to_string(),
                Val::str(format!("toml: line {line}: {message}")),
            )]))
        }
    }
}

fn table_val(t: &toml::Table, off: i32, local: &LocalZone) -> Val {
    Val::map(t.iter().map(|(k, v)| (k.clone(), toml_val(v, off, local))).collect())
}

fn toml_val(v: &toml::Value, off: i32, local: &LocalZone) -> Val {
    match v {
        toml::Value::String(s) => Val::str(s),
        toml::Value::Integer(i) => Val::Int64(*i),
        toml::Value::Float(f) => Val::Float(*f),
        toml::Value::Boolean(b) => Val::Bool(*b),
        // Go's decoder makes arrays of tables `[]map[string]interface {}`.
        toml::Value::Array(items) if !items.is_empty() && items.iter().all(toml::Value::is_table) => {
            Val::typed_list(SliceKind::Maps, items.iter().map(|i| toml_val(i, off, local)).collect())
        }
        toml::Value::Array(items) => Val::list(items.iter().map(|i| toml_val(i, off, local)).collect()),
        toml::Value::Table(t) => table_val(t, off, local),
        toml::Value::Datetime(dt) => datetime_val(dt, off, local).unwrap_or(Val::str(dt.to_string())),
    }
}

/// A TOML date or time as BurntSushi's decoder makes it: offset date-times in their offset,
/// local ones in fixed zones named `datetime-local`, `date-local` and `time-local` that
/// carry the local offset.
fn datetime_val(dt: &toml::value::Datetime, off: i32, local: &LocalZone) -> Option<Val> {
    let date = match dt.date {
        Some(d) => (i16::try_from(d.year).ok()?, d.month as i8, d.day as i8),
        None => (0, 1, 1),
    };
    let time =
        dt.time.map_or((0, 0, 0, 0), |t| (t.hour as i8, t.minute as i8, t.second as i8, t.nanosecond as i32));
    let civil = jiff::civil::DateTime::new(date.0, date.1, date.2, time.0, time.1, time.2, time.3).ok()?;
    let (offset, loc) = match (dt.offset, dt.date, dt.time) {
        (Some(toml::value::Offset::Z), ..) => (0, Loc::Utc),
        (Some(toml::value::Offset::Custom { minutes }), ..) => {
            let secs = i32::from(minutes) * 60;
            (secs, Loc::Fixed(String::new(), secs))
        }
        (None, Some(_), Some(_)) => (off, Loc::Fixed("datetime-local".into(), off)),
        (None, Some(_), None) => (off, Loc::Fixed("date-local".into(), off)),
        (None, None, _) => (off, Loc::Fixed("time-local".into(), off)),
    };
    let ts = civil
        .to_zoned(jiff::tz::TimeZone::fixed(jiff::tz::Offset::from_seconds(offset).ok()?))
        .ok()?
        .timestamp();
    let time = GoTime { ts, loc, mono: None };
    Some(Val::Obj(Rc::new(TimeObj::new(time, local.clone()))))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Val)]) -> Val {
        Val::map(entries.iter().map(|(k, v)| (k.to_string(), v.clone())).collect())
    }

    #[test]
    fn encodes_like_burntsushi() {
        let v = map(&[
            ("x", Val::Float(1.0)),
            ("name", Val::str("a\"b")),
            ("a", map(&[("b", Val::Int64(1)), ("c", map(&[("d", Val::Bool(true))]))])),
            ("list", Val::list(vec![Val::Int(1), Val::str("s")])),
            ("nothing", Val::Nil),
        ]);
        assert_eq!(
            to_toml(&v),
            "list = [1, \"s\"]\nname = \"a\\\"b\"\nx = 1.0\n\n[a]\n  b = 1\n  [a.c]\n    d = true\n"
        );
        assert_eq!(to_toml(&Val::str("s")), "\"s\"");
        assert_eq!(to_toml(&Val::list(vec![map(&[])])), NO_KEY);
        assert_eq!(to_toml(&map(&[("l", Val::list(vec![Val::Nil]))])), NIL_ELEMENT);
    }

    #[test]
    fn tables_of_arrays_and_quoted_keys() {
        let v = map(&[(
            "srv",
            Val::list(vec![map(&[("host a", Val::str("x"))]), map(&[("port", Val::Int64(2))])]),
        )]);
        assert_eq!(to_toml(&v), "[[srv]]\n  \"host a\" = \"x\"\n\n[[srv]]\n  port = 2\n");
    }

    #[test]
    fn decodes_with_go_types() {
        let v = from_toml("a = 1\nb = 1.5\n[t]\nc = [\"x\"]\n", 0, &LocalZone::named("UTC").unwrap());
        let m = v.map_entries().unwrap();
        assert!(matches!(m["a"], Val::Int64(1)));
        assert!(matches!(m["b"], Val::Float(f) if f == 1.5));
        let bad = from_toml("a = ", 0, &LocalZone::named("UTC").unwrap());
        assert!(bad.map_entries().unwrap()["Error"].as_str().unwrap().starts_with("toml: line 1: "));
    }
}
