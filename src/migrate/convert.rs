//! The conversions of the table: one official value into ours. Each returns the value, with
//! remarks when part of it stays behind, or why it cannot be carried at all.

use helm_engine::{Map, Value};

use super::table::Conv;
use crate::values::trust::trust_variable;

/// A converted value and what the conversion left behind.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Converted {
    pub value: Value,
    pub remarks: Vec<String>,
}

impl Converted {
    fn plain(value: Value) -> Self {
        Converted { value, remarks: Vec::new() }
    }
}

/// Converts one value; `Err` says why it cannot be carried.
pub(super) fn convert(conv: Conv, value: &Value) -> Result<Converted, String> {
    Ok(match conv {
        Conv::Copy => Converted::plain(normalize(value)),
        Conv::Int => Converted::plain(Value::Int(int(value)?)),
        Conv::Bool => {
            let remarks = match value {
                Value::String(s) if !s.is_empty() && !s.eq_ignore_ascii_case("true") => vec![format!(
                    "{} is a text, which the official chart's templates take as true (any text but the empty one)",
                    describe(value)
                )],
                _ => Vec::new(),
            };
            Converted { value: Value::Bool(truth(value)), remarks }
        }
        Conv::MailuBool => Converted::plain(Value::Bool(boolean(value)?)),
        Conv::Text => Converted::plain(Value::String(text(value)?)),
        Conv::Upper => Converted::plain(Value::String(text(value)?.to_uppercase())),
        Conv::TextMap => text_map(value)?,
        Conv::Objects => objects(value, |_| None)?,
        Conv::Env => objects(value, |entry| {
            let name = entry.get("name").and_then(Value::as_str)?;
            trust_variable(name).map(|variable| {
                format!(
                    "{name} decides {} and Mailu's trust rests on it, so no extra variable sets it: {}",
                    variable.decides, variable.instead
                )
            })
        })?,
        Conv::CommaList => Converted::plain(Value::List(
            text(value)?
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_string()))
                .collect(),
        )),
        Conv::FirstRate => {
            // Mailu's limiter (the `limits` library's `parse`) reads rates separated by `,`,
            // `;` or `|`, and uses the first.
            let all = text(value)?;
            let mut rates = all.split([',', ';', '|']).map(str::trim).filter(|s| !s.is_empty());
            let written = rates.next().unwrap_or_default();
            let first = mailu_rate(written)?;
            let rest: Vec<&str> = rates.collect();
            let mut remarks = Vec::new();
            if first != written {
                remarks.push(format!("{written} is written {first} here"));
            }
            if !rest.is_empty() {
                remarks.push(format!(
                    "Mailu read only the first of the rates: kept {first}, left out {}",
                    rest.join(", ")
                ));
            }
            Converted { value: Value::String(first), remarks }
        }
        Conv::MailuRegistry => {
            Converted::plain(Value::String(format!("{}/mailu", text(value)?.trim_end_matches('/'))))
        }
        Conv::SecretName => Converted::plain(Value::String(secret_name(value)?)),
        Conv::SecretNames => {
            let list = value.as_list().ok_or("must be a list")?;
            Converted::plain(Value::List(
                list.iter()
                    .map(secret_name)
                    .collect::<Result<Vec<_>, _>>()?
                    .into_iter()
                    .map(Value::String)
                    .collect(),
            ))
        }
        Conv::Plugins => {
            let list = value.as_list().ok_or("must be a list")?;
            let plugins: Vec<String> = list
                .iter()
                .map(text)
                .collect::<Result<Vec<_>, _>>()?
                .into_iter()
                .filter(|p| p != "mailu")
                .collect();
            if plugins == MAILU_PLUGINS {
                Converted::plain(Value::List(Vec::new()))
            } else if plugins.is_empty() && !list.is_empty() {
                // Mailu's plugin alone: Mailu runs it alone; an empty list here would be
                // Mailu's whole default list.
                Converted::plain(Value::List(vec![Value::String("mailu".into())]))
            } else {
                Converted::plain(Value::List(plugins.into_iter().map(Value::String).collect()))
            }
        }
        Conv::AlwaysOn => {
            if !truth(value) {
                return Err("it cannot be turned off here: Mailu does not work without it".into());
            }
            Converted::plain(Value::Bool(true))
        }
        Conv::MatchLabels => match_labels(value)?,
        Conv::NamespaceLabel => {
            let namespace = text(value)?;
            Converted::plain(Value::Map(Map::from_iter([(
                "kubernetes.io/metadata.name".to_string(),
                Value::String(namespace),
            )])))
        }
    })
}

/// Roundcube's plugins when Mailu chooses them (its own plugin aside).
const MAILU_PLUGINS: [&str; 6] = ["archive", "zipdownload", "markasjunk", "managesieve", "enigma", "carddav"];

/// Whole numbers as integers, everywhere in a value (helm reads every number as a float).
pub(super) fn normalize(value: &Value) -> Value {
    match value {
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 9.0e15 => Value::Int(*f as i64),
        Value::List(items) => Value::List(items.iter().map(normalize).collect()),
        Value::Map(map) => Value::Map(map.iter().map(|(k, v)| (k.clone(), normalize(v))).collect()),
        other => other.clone(),
    }
}

pub(super) fn int(value: &Value) -> Result<i64, String> {
    match normalize(value) {
        Value::Int(i) => Ok(i),
        Value::String(s) if s.trim().parse::<i64>().is_ok() => Ok(s.trim().parse().unwrap_or_default()),
        other => Err(format!("must be a whole number, found {}", describe(&other))),
    }
}

/// A boolean as Mailu reads its environment (core/admin/mailu/configuration.py): `true` and
/// `yes`, `false` and `no`, in any case; empty is not set.
pub(super) fn boolean(value: &Value) -> Result<bool, String> {
    match value {
        Value::Bool(b) => Ok(*b),
        Value::String(s) if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("yes") => Ok(true),
        Value::String(s)
            if s.eq_ignore_ascii_case("false") || s.eq_ignore_ascii_case("no") || s.is_empty() =>
        {
            Ok(false)
        }
        other => Err(format!("must be true or false, found {}", describe(other))),
    }
}

/// Whether a value is true as Go's templates test it (`if`, `and`, `not`): false, zero, null
/// and empty texts, lists and maps are false, everything else true.
/// A rate as Mailu's limiter reads it (`10/minute`, `10 per minute`, `10/1 minutes`, any
/// case), as this chart writes it (`10/minute`); a rate of months or years, or per several
/// units (`10/2 hours`), has no equal here.
fn mailu_rate(written: &str) -> Result<String, String> {
    let lower = written.to_ascii_lowercase();
    let digits = lower.len() - lower.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (count, rest) = lower.split_at(digits);
    let rest = rest.trim_start();
    let rest =
        rest.strip_prefix('/').or_else(|| rest.strip_prefix("per")).ok_or_else(|| not_a_rate(written))?;
    let rest = rest.trim_start();
    let multiple = rest.len() - rest.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    let (multiple, unit) = rest.split_at(multiple);
    if !multiple.is_empty() && multiple.parse::<u64>().ok() != Some(1) {
        return Err(format!(
            "{written}: a rate per several units has no equal here (a count per second, minute, hour or day)"
        ));
    }
    let unit = unit.trim();
    let unit = unit.strip_suffix('s').unwrap_or(unit);
    match unit {
        _ if count.is_empty() => Err(not_a_rate(written)),
        "second" | "minute" | "hour" | "day" => {
            let count = count.trim_start_matches('0');
            Ok(format!("{}/{unit}", if count.is_empty() { "0" } else { count }))
        }
        "month" | "year" => Err(format!(
            "{written}: a rate per {unit} has no equal here (a count per second, minute, hour or day)"
        )),
        _ => Err(not_a_rate(written)),
    }
}

fn not_a_rate(written: &str) -> String {
    format!("{written}: not a rate Mailu reads (a count per second, minute, hour, day, month or year)")
}

pub(super) fn truth(value: &Value) -> bool {
    match value {
        Value::Bool(b) => *b,
        Value::Null => false,
        Value::Int(i) => *i != 0,
        Value::Float(f) => *f != 0.0,
        Value::String(s) => !s.is_empty(),
        Value::List(items) => !items.is_empty(),
        Value::Map(map) => !map.is_empty(),
    }
}

pub(super) fn text(value: &Value) -> Result<String, String> {
    match normalize(value) {
        Value::String(s) => Ok(s),
        Value::Int(i) => Ok(i.to_string()),
        Value::Float(f) => Ok(f.to_string()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => Ok(String::new()),
        other => Err(format!("must be a text, found {}", describe(&other))),
    }
}

/// A value as the official chart's templates wrote it into a Secret: helm reads every number
/// in values as a float and prints it as Go does (`1234567` becomes `1.234567e+06`).
pub(super) fn rendered(value: &Value) -> String {
    match normalize(value) {
        Value::Int(i) => helm_engine::format_float_g(i as f64, 64),
        Value::Float(f) => helm_engine::format_float_g(f, 64),
        other => text(&other).unwrap_or_default(),
    }
}

/// A Secret's name: the official helpers accept a text or a map with `name`.
pub(super) fn secret_name(value: &Value) -> Result<String, String> {
    match value {
        Value::Map(map) => map.get("name").map(text).unwrap_or_else(|| Err("a map without `name`".into())),
        other => text(other),
    }
}

/// A value in words, for messages.
pub(super) fn describe(value: &Value) -> String {
    match value {
        Value::String(s) => format!("{s:?}"),
        Value::List(_) => "a list".into(),
        Value::Map(_) => "a map".into(),
        Value::Null => "nothing".into(),
        Value::Bool(b) => b.to_string(),
        other => text(other).unwrap_or_default(),
    }
}

/// Whether a value holds a template expression of the official chart (it evaluated some of
/// its values with `tpl`; here they are passed on as text).
pub(super) fn has_template(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains("{{"),
        Value::List(items) => items.iter().any(has_template),
        Value::Map(map) => map.iter().any(|(k, v)| k.contains("{{") || has_template(v)),
        _ => false,
    }
}

const TEMPLATE: &str = "holds a template expression of the official chart, which is not evaluated here";

fn text_map(value: &Value) -> Result<Converted, String> {
    let map = value.as_map().ok_or_else(|| format!("must be a map, found {}", describe(value)))?;
    let mut out = Map::default();
    let mut remarks = Vec::new();
    for (key, item) in map {
        if item == &Value::Null {
            continue;
        }
        if has_template(item) || key.contains("{{") {
            remarks.push(format!("{key} left out: it {TEMPLATE}"));
            continue;
        }
        match text(item) {
            Ok(t) => {
                out.insert(key.clone(), Value::String(t));
            }
            Err(e) => remarks.push(format!("{key} left out: it {e}")),
        }
    }
    Ok(Converted { value: Value::Map(out), remarks })
}

/// A list of maps, without the entries a test refuses (with its reason) and those holding
/// template expressions.
fn objects(value: &Value, refuse: impl Fn(&Map) -> Option<String>) -> Result<Converted, String> {
    let list = value.as_list().ok_or_else(|| format!("must be a list, found {}", describe(value)))?;
    let mut out = Vec::new();
    let mut remarks = Vec::new();
    for (index, item) in list.iter().enumerate() {
        let name = item
            .get_dotted("name")
            .and_then(Value::as_str)
            .map_or(format!("entry {}", index + 1), |n| n.to_string());
        if has_template(item) {
            remarks.push(format!("{name} left out: it {TEMPLATE}"));
            continue;
        }
        if let Some(map) = item.as_map()
            && let Some(reason) = refuse(map)
        {
            remarks.push(format!("{name} left out: {reason}"));
            continue;
        }
        out.push(normalize(item));
    }
    Ok(Converted { value: Value::List(out), remarks })
}

/// The `matchLabels` of a pod selector the official chart takes as YAML text.
fn match_labels(value: &Value) -> Result<Converted, String> {
    let selector = match value {
        Value::String(s) => {
            let documents =
                helm_engine::load_yaml_documents(s).map_err(|e| format!("is not YAML: {}", e.message))?;
            documents.into_iter().find_map(|d| d.root).unwrap_or(Value::Null)
        }
        other => other.clone(),
    };
    if has_template(&selector) {
        return Err(format!("it {TEMPLATE}"));
    }
    let mut remarks = Vec::new();
    if selector.get_dotted("matchExpressions").is_some() {
        remarks.push("its matchExpressions have no equivalent (a label map here)".to_string());
    }
    let labels = selector.get_dotted("matchLabels").cloned().unwrap_or(Value::Map(Map::default()));
    let converted = text_map(&labels)?;
    remarks.extend(converted.remarks);
    Ok(Converted { value: converted.value, remarks })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> Value {
        Value::String(text.into())
    }

    #[test]
    fn several_rates_keep_the_first_as_mailu_does() {
        let out = convert(Conv::FirstRate, &s("100/minute;3600/hour")).unwrap();
        assert_eq!(out.value, s("100/minute"));
        assert_eq!(
            out.remarks,
            ["Mailu read only the first of the rates: kept 100/minute, left out 3600/hour"]
        );
        assert!(convert(Conv::FirstRate, &s("5/hour")).unwrap().remarks.is_empty());
        // The separators and spellings Mailu's limiter reads.
        let out = convert(Conv::FirstRate, &s("10 per Minute, 100/hour")).unwrap();
        assert_eq!(out.value, s("10/minute"));
        assert_eq!(
            out.remarks,
            [
                "10 per Minute is written 10/minute here",
                "Mailu read only the first of the rates: kept 10/minute, left out 100/hour"
            ]
        );
        assert_eq!(convert(Conv::FirstRate, &s("100/hour|1000/day")).unwrap().value, s("100/hour"));
        assert_eq!(convert(Conv::FirstRate, &s("50 per days")).unwrap().value, s("50/day"));
        assert_eq!(convert(Conv::FirstRate, &s("7/1 hours")).unwrap().value, s("7/hour"));
        assert!(convert(Conv::FirstRate, &s("10/2 hours")).unwrap_err().contains("several units"));
        assert!(convert(Conv::FirstRate, &s("3/month")).unwrap_err().contains("per month"));
        assert!(convert(Conv::FirstRate, &s("lots")).unwrap_err().contains("not a rate"));
        assert!(convert(Conv::FirstRate, &s("/hour")).unwrap_err().contains("not a rate"));
    }

    #[test]
    fn numbers_read_as_floats_become_integers() {
        assert_eq!(convert(Conv::Int, &Value::Float(3.0)).unwrap().value, Value::Int(3));
        assert_eq!(convert(Conv::Int, &s("30")).unwrap().value, Value::Int(30));
        assert!(convert(Conv::Int, &Value::Float(2.5)).is_err());
        assert_eq!(convert(Conv::Text, &Value::Float(2.0)).unwrap().value, s("2"));
    }

    #[test]
    fn secret_names_come_as_texts_or_maps() {
        let map = Value::Map(Map::from_iter([("name".to_string(), s("regcred"))]));
        let list = Value::List(vec![s("a"), map]);
        assert_eq!(convert(Conv::SecretNames, &list).unwrap().value, Value::List(vec![s("a"), s("regcred")]));
    }

    #[test]
    fn pod_selectors_written_as_yaml_give_their_labels() {
        let out = convert(Conv::MatchLabels, &s("matchLabels:\n  app: nginx\n")).unwrap();
        assert_eq!(out.value, Value::Map(Map::from_iter([("app".to_string(), s("nginx"))])));
        let expressions = s("matchExpressions:\n  - {key: app, operator: Exists}\n");
        assert_eq!(convert(Conv::MatchLabels, &expressions).unwrap().remarks.len(), 1);
    }

    #[test]
    fn trust_variables_and_templates_are_left_out_of_the_environment() {
        let entry = |name: &str, value: &str| {
            Value::Map(Map::from_iter([("name".to_string(), s(name)), ("value".to_string(), s(value))]))
        };
        let list = Value::List(vec![
            entry("A", "1"),
            entry("SUBNET", "0.0.0.0/0"),
            entry("B", "{{ .Release.Name }}"),
        ]);
        let out = convert(Conv::Env, &list).unwrap();
        assert_eq!(out.value, Value::List(vec![entry("A", "1")]));
        assert_eq!(out.remarks.len(), 2, "{:?}", out.remarks);
    }

    #[test]
    fn mailus_own_plugin_is_implied_and_its_default_list_is_mailus_choice() {
        let list = |items: &[&str]| Value::List(items.iter().map(|i| s(i)).collect());
        let official =
            list(&["archive", "zipdownload", "markasjunk", "managesieve", "enigma", "carddav", "mailu"]);
        assert_eq!(convert(Conv::Plugins, &official).unwrap().value, list(&[]));
        assert_eq!(convert(Conv::Plugins, &list(&["archive", "mailu"])).unwrap().value, list(&["archive"]));
        assert_eq!(convert(Conv::Plugins, &list(&["mailu"])).unwrap().value, list(&["mailu"]));
    }
}
