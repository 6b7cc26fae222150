//! The `--set` mini-language, with Helm's exact rules: `a.b=1` nests, `,` separates pairs,
//! `\` escapes the next character, `{x,y}` is a list, `name[2]=v` sets a list element,
//! integers become int64, `true`/`false`/`null` are typed, everything else stays a string.

use crate::strconv::parse_int;
use crate::value::{Map, Value};

/// Which `--set` flag a text came from; it decides how values are typed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SetKind {
    /// `--set`: int64, bool and null are recognised.
    Typed,
    /// `--set-string`: every value is a string.
    String,
    /// `--set-json`: every value is JSON.
    Json,
    /// `--set-file`: every value names a file whose contents become the string value.
    File,
    /// `--set-literal`: one key, the rest of the text is the value, nothing is escaped.
    Literal,
}

impl SetKind {
    /// The flag's name as typed on the command line.
    pub fn flag(self) -> &'static str {
        match self {
            SetKind::Typed => "--set",
            SetKind::String => "--set-string",
            SetKind::Json => "--set-json",
            SetKind::File => "--set-file",
            SetKind::Literal => "--set-literal",
        }
    }
}

/// A `--set` text that could not be parsed.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{0}")]
pub struct SetError(pub String);

/// The deepest `a.b.c` nesting Helm accepts.
const MAX_NESTING: usize = 30;
/// The largest list index Helm accepts.
const MAX_INDEX: i64 = 65536;

/// Reads the file named by a `--set-file` value: its bytes, which become a string as Go's
/// would (any bytes; see `strconv::go_string_of` for those that are not UTF-8).
pub type FileReader<'a> = dyn FnMut(&str) -> Result<Vec<u8>, String> + 'a;

/// Parses `text` into `data` as Helm's `strvals.ParseInto` (and its variants) would.
pub fn parse_set(
    text: &str,
    kind: SetKind,
    data: &mut Map,
    read_file: &mut FileReader<'_>,
) -> Result<(), SetError> {
    if kind == SetKind::Json {
        let trimmed = text.trim();
        if trimmed.starts_with('{') {
            let json: serde_json::Value = serde_json::from_str(trimmed)
                .map_err(|_| SetError(format!("failed parsing --set-json data JSON: {text}")))?;
            let Value::Map(map) = Value::from_json(&json, false) else {
                return Err(SetError(format!("failed parsing --set-json data JSON: {text}")));
            };
            super::coalesce::merge_maps(data, map);
            return Ok(());
        }
    }
    let mut parser = SetParser { chars: text.chars().collect(), at: 0, kind, read_file };
    loop {
        match parser.key(data, 0) {
            Ok(()) => continue,
            Err(Stop::End) => return Ok(()),
            Err(Stop::Fail(message)) => return Err(SetError(message)),
        }
    }
}

enum Stop {
    /// The input ended; for Helm this ends parsing without an error.
    End,
    Fail(String),
}

impl From<String> for Stop {
    fn from(message: String) -> Self {
        Stop::Fail(message)
    }
}

struct SetParser<'r, 'a> {
    chars: Vec<char>,
    at: usize,
    kind: SetKind,
    read_file: &'r mut FileReader<'a>,
}

impl SetParser<'_, '_> {
    fn next(&mut self) -> Option<char> {
        let c = self.chars.get(self.at).copied();
        if c.is_some() {
            self.at += 1;
        }
        c
    }

    fn unread(&mut self) {
        self.at -= 1;
    }

    /// Reads up to one of `stop`; returns the text and the stop character (`None` at the end).
    fn until(&mut self, stop: &[char]) -> (String, Option<char>) {
        let escapes = self.kind != SetKind::Literal;
        let mut text = String::new();
        loop {
            match self.next() {
                None => return (text, None),
                Some(c) if stop.contains(&c) => return (text, Some(c)),
                Some('\\') if escapes => match self.next() {
                    Some(escaped) => text.push(escaped),
                    None => return (text, None),
                },
                Some(c) => text.push(c),
            }
        }
    }

    fn typed(&mut self, text: String) -> Result<Value, Stop> {
        match self.kind {
            SetKind::String | SetKind::Literal => Ok(Value::String(text)),
            SetKind::File => (self.read_file)(&text)
                .map(|bytes| Value::String(crate::strconv::go_string_of(&bytes).into_owned()))
                .map_err(Stop::Fail),
            SetKind::Typed | SetKind::Json => Ok(typed_value(&text)),
        }
    }

    fn key(&mut self, data: &mut Map, nesting: usize) -> Result<(), Stop> {
        let stop: &[char] =
            if self.kind == SetKind::Literal { &['=', '[', '.'] } else { &['=', '[', ',', '.'] };
        let (key, last) = self.until(stop);
        match last {
            None if key.is_empty() => Err(Stop::End),
            None => Err(format!("key {key:?} has no value").into()),
            Some('[') => {
                let index = self.index()?;
                let mut list = match data.get(&key) {
                    None => Vec::new(),
                    Some(Value::List(l)) => l.clone(),
                    Some(other) => return Err(not_a("list", other)),
                };
                let result = self.list_item(&mut list, index, nesting);
                set(data, &key, Value::List(list));
                result
            }
            Some('=') => {
                if self.kind == SetKind::Json {
                    return self.json_value(data, &key);
                }
                if self.kind == SetKind::Literal {
                    let rest: String = self.chars[self.at..].iter().collect();
                    self.at = self.chars.len();
                    set(data, &key, Value::String(rest));
                    return Ok(());
                }
                match self.value_list()? {
                    ValueList::End => {
                        set(data, &key, Value::String(String::new()));
                        Err(Stop::End)
                    }
                    ValueList::List(items) => {
                        set(data, &key, Value::List(items));
                        Ok(())
                    }
                    ValueList::NotAList => {
                        let (text, _) = self.until(&[',']);
                        let value = self.typed(text)?;
                        set(data, &key, value);
                        Ok(())
                    }
                }
            }
            Some(',') => {
                set(data, &key, Value::String(String::new()));
                Err(format!("key {key:?} has no value (cannot end with ,)").into())
            }
            Some(_) => {
                // '.': a nested map.
                if nesting + 1 > MAX_NESTING {
                    return Err(format!(
                        "value name nested level is greater than maximum supported nested level of {MAX_NESTING}"
                    )
                    .into());
                }
                let mut inner = match data.get(&key) {
                    None => Map::default(),
                    Some(Value::Map(m)) => m.clone(),
                    Some(other) => return Err(not_a("map", other)),
                };
                let result = self.key(&mut inner, nesting + 1);
                if result.is_ok() && inner.is_empty() {
                    return Err(format!("key map {key:?} has no value").into());
                }
                if !inner.is_empty() {
                    set(data, &key, Value::Map(inner));
                }
                result
            }
        }
    }

    fn index(&mut self) -> Result<i64, Stop> {
        let (text, last) = self.until(&[']']);
        if last.is_none() {
            return Err(Stop::End);
        }
        crate::strconv::atoi(&text)
            .map_err(|why| Stop::Fail(format!("error parsing index: strconv.Atoi: parsing {text:?}: {why}")))
    }

    fn list_item(&mut self, list: &mut Vec<Value>, index: i64, nesting: usize) -> Result<(), Stop> {
        if index < 0 {
            return Err(format!("negative {index} index not allowed").into());
        }
        let (rest, last) = self.until(&['[', '.', '=']);
        if !rest.is_empty() {
            // Go quotes the runes one by one: ['b' 'c'].
            let runes: Vec<String> = rest.chars().map(crate::strconv::quote_rune).collect();
            return Err(format!("unexpected data at end of array index: [{}]", runes.join(" ")).into());
        }
        match last {
            None => Err(Stop::End),
            Some('=') => {
                if self.kind == SetKind::Json {
                    let value = self.json_item()?;
                    return set_index(list, index, value);
                }
                if self.kind == SetKind::Literal {
                    let rest: String = self.chars[self.at..].iter().collect();
                    self.at = self.chars.len();
                    return set_index(list, index, Value::String(rest));
                }
                match self.value_list()? {
                    ValueList::End => set_index(list, index, Value::String(String::new())),
                    ValueList::List(items) => set_index(list, index, Value::List(items)),
                    ValueList::NotAList => {
                        let (text, _) = self.until(&[',']);
                        let value = self.typed(text)?;
                        set_index(list, index, value)
                    }
                }
            }
            Some('[') => {
                let next_index = self.index()?;
                let mut inner = match list.get(index as usize) {
                    None | Some(Value::Null) => Vec::new(),
                    Some(Value::List(l)) => l.clone(),
                    Some(other) => return Err(not_a("list", other)),
                };
                self.list_item(&mut inner, next_index, nesting)?;
                set_index(list, index, Value::List(inner))
            }
            Some(_) => {
                // '.': a map inside the list.
                let mut inner = match list.get(index as usize) {
                    Some(Value::Map(m)) => m.clone(),
                    _ => Map::default(),
                };
                self.key(&mut inner, nesting)?;
                set_index(list, index, Value::Map(inner))
            }
        }
    }

    fn value_list(&mut self) -> Result<ValueList, Stop> {
        match self.next() {
            None => return Ok(ValueList::End),
            Some('{') => {}
            Some(_) => {
                self.unread();
                return Ok(ValueList::NotAList);
            }
        }
        let mut items = Vec::new();
        loop {
            let (text, last) = self.until(&[',', '}']);
            match last {
                None => return Err("list must terminate with '}'".to_string().into()),
                Some('}') => {
                    if let Some(c) = self.next()
                        && c != ','
                    {
                        self.unread();
                    }
                    items.push(self.typed(text)?);
                    return Ok(ValueList::List(items));
                }
                Some(_) => items.push(self.typed(text)?),
            }
        }
    }

    /// Skips blanks and at most one comma; true when no value follows.
    fn empty_value(&mut self) -> bool {
        loop {
            match self.next() {
                None | Some(',') => return true,
                Some(c) if c.is_whitespace() => continue,
                Some(_) => {
                    self.unread();
                    return false;
                }
            }
        }
    }

    fn json_item(&mut self) -> Result<Value, Stop> {
        if self.empty_value() {
            return Ok(Value::Null);
        }
        let rest: String = self.chars[self.at..].iter().collect();
        let mut stream = serde_json::Deserializer::from_str(&rest).into_iter::<serde_json::Value>();
        let json = match stream.next() {
            Some(Ok(json)) => json,
            Some(Err(e)) => return Err(format!("invalid JSON: {e}").into()),
            None => return Ok(Value::Null),
        };
        let consumed = rest[..stream.byte_offset()].chars().count();
        self.at += consumed;
        self.empty_value();
        Ok(Value::from_json(&json, false))
    }

    fn json_value(&mut self, data: &mut Map, key: &str) -> Result<(), Stop> {
        let value = self.json_item()?;
        set(data, key, value);
        Ok(())
    }
}

enum ValueList {
    End,
    NotAList,
    List(Vec<Value>),
}

/// Helm's message when a key's value is not the map or list a `--set` path goes through:
/// Go's type assertion fails, and helm reports the runtime's words.
fn not_a(wanted: &str, found: &Value) -> Stop {
    let wanted = if wanted == "map" { "map[string]interface {}" } else { "[]interface {}" };
    // The runtime names a nil interface `nil` where `%T` writes `<nil>`.
    let found = if *found == Value::Null { "nil" } else { super::coalesce::go_type(found) };
    Stop::Fail(format!("unable to parse key: interface conversion: interface {{}} is {found}, not {wanted}"))
}

fn set(data: &mut Map, key: &str, value: Value) {
    if !key.is_empty() {
        data.insert(key.to_string(), value);
    }
}

fn set_index(list: &mut Vec<Value>, index: i64, value: Value) -> Result<(), Stop> {
    if index < 0 {
        return Err(format!("negative {index} index not allowed").into());
    }
    if index > MAX_INDEX {
        return Err(format!("index of {index} is greater than maximum supported index of {MAX_INDEX}").into());
    }
    let index = index as usize;
    if list.len() <= index {
        list.resize(index + 1, Value::Null);
    }
    list[index] = value;
    Ok(())
}

/// Helm's typing of a `--set` value.
pub(crate) fn typed_value(text: &str) -> Value {
    if text.eq_ignore_ascii_case("true") {
        return Value::Bool(true);
    }
    if text.eq_ignore_ascii_case("false") {
        return Value::Bool(false);
    }
    if text.eq_ignore_ascii_case("null") {
        return Value::Null;
    }
    if text == "0" {
        return Value::Int(0);
    }
    if !text.is_empty()
        && !text.starts_with('0')
        && let Some(i) = parse_int(text, 10)
    {
        return Value::Int(i);
    }
    Value::String(text.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Value, SetError> {
        parse_kind(text, SetKind::Typed)
    }

    fn parse_kind(text: &str, kind: SetKind) -> Result<Value, SetError> {
        let mut map = Map::default();
        parse_set(text, kind, &mut map, &mut |path: &str| Ok(format!("<{path}>").into_bytes()))?;
        Ok(Value::Map(map))
    }

    fn json(text: &str) -> serde_json::Value {
        parse(text).unwrap().to_json()
    }

    #[test]
    fn typing_follows_helm() {
        assert_eq!(typed_value("52428800"), Value::Int(52428800));
        assert_eq!(typed_value("1.5"), Value::String("1.5".into()));
        assert_eq!(typed_value("1e6"), Value::String("1e6".into()));
        assert_eq!(typed_value("010"), Value::String("010".into()));
        assert_eq!(typed_value("0x1F"), Value::String("0x1F".into()));
        assert_eq!(typed_value("99999999999999999999"), Value::String("99999999999999999999".into()));
        assert_eq!(typed_value("TRUE"), Value::Bool(true));
        assert_eq!(typed_value("Null"), Value::Null);
        assert_eq!(typed_value("~"), Value::String("~".into()));
        assert_eq!(typed_value("-5"), Value::Int(-5));
        assert_eq!(typed_value("+5"), Value::Int(5));
        assert_eq!(typed_value("0"), Value::Int(0));
    }

    #[test]
    fn syntax_follows_helm() {
        assert_eq!(json("a.b.c=1"), serde_json::json!({"a": {"b": {"c": 1}}}));
        assert_eq!(json("a=1,b=x"), serde_json::json!({"a": 1, "b": "x"}));
        assert_eq!(json(r"a=x\,y"), serde_json::json!({"a": "x,y"}));
        assert_eq!(json(r"e\.f=2"), serde_json::json!({"e.f": 2}));
        assert_eq!(json("j=\"q\""), serde_json::json!({"j": "\"q\""}));
        assert_eq!(json("d={x,y}"), serde_json::json!({"d": ["x", "y"]}));
        assert_eq!(json("empty={}"), serde_json::json!({"empty": [""]}));
        assert_eq!(json("i="), serde_json::json!({"i": ""}));
        assert_eq!(json("list[1]=B"), serde_json::json!({"list": [null, "B"]}));
        assert_eq!(json("h[0].n=1,h[0].m=2"), serde_json::json!({"h": [{"n": 1, "m": 2}]}));
        assert_eq!(json("m[0][1]=x"), serde_json::json!({"m": [[null, "x"]]}));
        assert_eq!(json("a={1,2},b=3"), serde_json::json!({"a": [1, 2], "b": 3}));
        assert_eq!(json("a=1,a=2"), serde_json::json!({"a": 2}));
    }

    #[test]
    fn errors_follow_helm() {
        assert_eq!(parse("a").unwrap_err().0, "key \"a\" has no value");
        assert_eq!(parse("a,b=1").unwrap_err().0, "key \"a\" has no value (cannot end with ,)");
        assert_eq!(parse("a={x,y").unwrap_err().0, "list must terminate with '}'");
        assert_eq!(parse("a[-1]=x").unwrap_err().0, "negative -1 index not allowed");
        assert_eq!(
            parse("a[x]=1").unwrap_err().0,
            "error parsing index: strconv.Atoi: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            parse("a[99999999999999999999]=1").unwrap_err().0,
            "error parsing index: strconv.Atoi: parsing \"99999999999999999999\": value out of range"
        );
        assert!(parse("a[70000]=1").unwrap_err().0.contains("maximum supported index"));
        let deep = (0..32).map(|i| format!("k{i}")).collect::<Vec<_>>().join(".") + "=1";
        assert!(parse(&deep).unwrap_err().0.contains("nested level"));
        let deepest_allowed = (0..31).map(|i| format!("k{i}")).collect::<Vec<_>>().join(".") + "=1";
        assert!(parse(&deepest_allowed).is_ok());
    }

    #[test]
    fn set_string_json_file_and_literal() {
        assert_eq!(
            parse_kind("a=5,b=true", SetKind::String).unwrap().to_json(),
            serde_json::json!({"a": "5", "b": "true"})
        );
        assert_eq!(
            parse_kind("a=1.5e7,b=[1,\"x\"],c={\"d\":null}", SetKind::Json).unwrap().to_json(),
            serde_json::json!({"a": 15000000, "b": [1, "x"], "c": {"d": null}})
        );
        assert_eq!(parse_kind("a=", SetKind::Json).unwrap(), {
            let mut m = Map::default();
            m.insert("a".into(), Value::Null);
            Value::Map(m)
        });
        assert_eq!(
            parse_kind("a=f.txt", SetKind::File).unwrap().to_json(),
            serde_json::json!({"a": "<f.txt>"})
        );
        assert_eq!(
            parse_kind("a.b=x,y=z\\n", SetKind::Literal).unwrap().to_json(),
            serde_json::json!({"a": {"b": "x,y=z\\n"}})
        );
        assert_eq!(
            parse_kind("{\"a\": {\"b\": 1}}", SetKind::Json).unwrap().to_json(),
            serde_json::json!({"a": {"b": 1}})
        );
    }

    #[test]
    fn set_into_existing_values_patches_them() {
        let mut map = Map::default();
        parse_set("a.x=1", SetKind::Typed, &mut map, &mut |_: &str| Err("no".into())).unwrap();
        parse_set("a.y=2", SetKind::Typed, &mut map, &mut |_: &str| Err("no".into())).unwrap();
        assert_eq!(Value::Map(map.clone()).to_json(), serde_json::json!({"a": {"x": 1, "y": 2}}));
        let err =
            parse_set("a.x.z=1", SetKind::Typed, &mut map, &mut |_: &str| Err("no".into())).unwrap_err();
        assert_eq!(
            err.0,
            "unable to parse key: interface conversion: interface {} is int64, not map[string]interface {}"
        );
    }
}
