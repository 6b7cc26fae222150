//! `values.schema.json` checks, per chart and subchart, on the coalesced values, as Helm
//! runs them before rendering. The verdicts follow JSON Schema (draft from `$schema`,
//! 2020-12 without one, as in helm 4), found by the `jsonschema` crate; each violation is
//! worded as helm 4's validator words it (`minimum: got -2, want 0`) and arranged as it
//! arranges them (see `schema_report`).

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{JsonType, ValidationError};
use serde_json::Value as Json;

use crate::strconv;
use crate::value::{Map, Value};

use super::chart::Chart;
use super::schema_refs::{OWN_ADDRESS, ReferredSchemas, Warnings, own_base};
use super::schema_report::problem_lines;
use super::verdict::{JsonSchema, Verdict, verdict};

/// The problems of `chart` and its subcharts, in Helm's layout (see [`validate_chart`]);
/// empty when the values are valid.
/// Helm's warnings go to `warn`, each once, after the checks.
pub(crate) fn chart_problems(
    chart: &Chart,
    values: &Map,
    leave_to_exit: bool,
    warn: Option<fn(&str)>,
) -> String {
    let mut problems = String::new();
    let checking = Checking { leave_to_exit, warnings: Warnings::default() };
    validate_chart(chart, values, &checking, &mut problems);
    if let Some(warn) = warn {
        checking
            .warnings
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .iter()
            .for_each(|w| warn(w));
    }
    problems
}

/// How the schemas are checked.
struct Checking {
    /// See [`super::RenderOptions::process_exits_after`]: the schemas read are not freed.
    leave_to_exit: bool,
    /// Helm's warnings (see [`super::RenderOptions::warn`]).
    warnings: Warnings,
}

/// Appends the problems of `chart` and its subcharts to `out`, in Helm's layout:
/// `<chart>:\n- at '<pointer>': <message>\n`.
fn validate_chart(chart: &Chart, values: &Map, checking: &Checking, out: &mut String) {
    if let Some(schema) = &chart.schema {
        let problems = validate_one(schema, values, checking);
        if !problems.is_empty() {
            out.push_str(&format!("{}:\n", chart.name()));
            out.push_str(&problems);
        }
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Null) => {}
            Some(Value::Map(m)) => validate_chart(sub, m, checking, out),
            Some(other) => out.push_str(&format!(
                "{}:\ninvalid type for values: expected object (map), got {}\n",
                sub.name(),
                match other {
                    Value::Bool(_) => "bool",
                    Value::Int(_) => "int64",
                    Value::Float(_) => "float64",
                    Value::String(_) => "string",
                    _ => "[]interface {}",
                }
            )),
        }
    }
}

/// Whether the chart or one of its (enabled) subcharts has a `values.schema.json`.
pub(crate) fn any_schema(chart: &Chart) -> bool {
    chart.schema.is_some() || chart.dependencies.iter().any(any_schema)
}

fn validate_one(schema: &[u8], values: &Map, checking: &Checking) -> String {
    let schema: serde_json::Value = match serde_json::from_slice(schema) {
        Ok(s) => s,
        // Go's words, as helm's validator reads the schema.
        Err(e) => {
            return crate::funcs::json::decode_document(&strconv::go_string_of(schema))
                .err()
                .unwrap_or_else(|| e.to_string());
        }
    };
    let draft = draft_of(&schema);
    let values = Value::Map(values.clone());
    // Valid values, the common case, need no compiled validator.
    if JsonSchema::new(&schema, draft).is_some_and(|quick| verdict(&quick, &values) == Verdict::Valid) {
        if checking.leave_to_exit {
            std::mem::forget(schema);
            std::mem::forget(values);
        }
        return String::new();
    }
    let validator = match compile(&schema, draft, &checking.warnings) {
        Ok(v) => v,
        Err(message) => return message,
    };
    let instance = values.to_json();
    let errors: Vec<_> = validator.iter_errors(&instance).collect();
    let old_refs =
        matches!(draft, jsonschema::Draft::Draft4 | jsonschema::Draft::Draft6 | jsonschema::Draft::Draft7);
    problem_lines(&errors, old_refs).into_iter().map(|line| line + "\n").collect()
}

/// The validator of `schema`, or why there is none: the first schema referred to that cannot
/// be loaded (helm's `failing loading "<url>": ...`), or the compiler's message. Unlike the
/// violations, these end without a line break, as in helm (a subchart's name follows on the
/// same line).
fn compile(
    schema: &Json,
    draft: jsonschema::Draft,
    warnings: &Warnings,
) -> Result<jsonschema::Validator, String> {
    let referred = ReferredSchemas::new(warnings.clone());
    let options = || {
        jsonschema::options().with_draft(draft).with_base_uri(OWN_ADDRESS).with_retriever(referred.clone())
    };
    let failing_loading = |uri: &str, source: &dyn std::fmt::Display| {
        let why = referred.failure(uri).unwrap_or_else(|| source.to_string());
        format!("failing loading {}: {why}", strconv::quote(uri))
    };
    let unretrievable = |e: &ValidationError<'_>| match e.kind() {
        ValidationErrorKind::Referencing(jsonschema::ReferencingError::Unretrievable { uri, source }) => {
            Some(failing_loading(uri, source))
        }
        _ => None,
    };
    let failed = |e: ValidationError<'_>| {
        unretrievable(&e).or_else(|| missing_target(schema, &e)).unwrap_or_else(|| e.to_string())
    };
    let first = options().build(schema);
    // A `$ref` the validator did not follow while gathering the documents leads to one it
    // never asked for: gather every one referred to, then compile again.
    let never_asked_for = |e: &ValidationError<'_>| match e.kind() {
        ValidationErrorKind::Referencing(jsonschema::ReferencingError::Unretrievable { uri, .. }) => {
            referred.failure(uri).is_none()
        }
        _ => false,
    };
    match first {
        Err(e) if never_asked_for(&e) => {}
        first => return first.map_err(failed),
    }
    let registry = jsonschema::Registry::new()
        .retriever(referred.clone())
        .extend(referred.referred_documents(schema))
        .and_then(jsonschema::RegistryBuilder::prepare)
        .map_err(|e| match e {
            jsonschema::ReferencingError::Unretrievable { uri, source } => failing_loading(&uri, &source),
            other => other.to_string(),
        })?;
    options().with_registry(&registry).build(schema).map_err(failed)
}

/// Helm's words for a `$ref` whose target its document does not hold, when the `$ref` is
/// in the chart's schema: `json-pointer in "<document>#<pointer>" not found`, or for an
/// anchor `anchor in "<document>#<anchor>" not found in schema "<document>"`. The document is
/// named by the address it was loaded from (the chart's own is `file:///values.schema.json`
/// whatever its `$id`).
fn missing_target(schema: &Json, error: &ValidationError<'_>) -> Option<String> {
    use jsonschema::ReferencingError::{InvalidArrayIndex, NoSuchAnchor, PointerToNowhere};
    let ValidationErrorKind::Referencing(referencing) = error.kind() else { return None };
    let (fragment, anchor) = match referencing {
        PointerToNowhere { pointer } | InvalidArrayIndex { pointer, .. } => (pointer.as_str(), false),
        NoSuchAnchor { anchor } => (anchor.as_str(), true),
        _ => return None,
    };
    let mut references = Vec::new();
    super::schema_refs::collect_references(schema, &mut references);
    let base = own_base(schema).or_else(|| jsonschema::uri::from_str(OWN_ADDRESS).ok())?;
    let document = references.into_iter().find_map(|reference| {
        let (address, named) = reference.split_once('#')?;
        if named != fragment {
            return None;
        }
        if address.is_empty() {
            return Some(OWN_ADDRESS.to_string());
        }
        Some(jsonschema::uri::resolve_against(&base.borrow(), address).ok()?.as_str().to_string())
    })?;
    let target = strconv::quote(&format!("{document}#{fragment}"));
    Some(if anchor {
        format!("anchor in {target} not found in schema {}", strconv::quote(&document))
    } else {
        format!("json-pointer in {target} not found")
    })
}

/// The message of one violation, as helm 4's validator (santhosh-tekuri/jsonschema v6,
/// with an English number printer) writes it.
pub(super) fn message(error: &ValidationError<'_>) -> String {
    let instance: &Json = error.instance();
    match error.kind() {
        ValidationErrorKind::Type { kind } => {
            let wanted: Vec<JsonType> = match kind {
                TypeKind::Single(t) => vec![*t],
                TypeKind::Multiple(set) => set.iter().collect(),
            };
            let order = [
                JsonType::Null,
                JsonType::Boolean,
                JsonType::Number,
                JsonType::Integer,
                JsonType::String,
                JsonType::Array,
                JsonType::Object,
            ];
            let wanted: Vec<&str> = order.iter().filter(|t| wanted.contains(t)).map(|t| t.as_str()).collect();
            format!("got {}, want {}", type_name(instance), wanted.join(" or "))
        }
        ValidationErrorKind::Minimum { limit } => bound("minimum", instance, limit),
        ValidationErrorKind::Maximum { limit } => bound("maximum", instance, limit),
        ValidationErrorKind::ExclusiveMinimum { limit } => bound("exclusiveMinimum", instance, limit),
        ValidationErrorKind::ExclusiveMaximum { limit } => bound("exclusiveMaximum", instance, limit),
        ValidationErrorKind::MultipleOf { multiple_of } => {
            format!(
                "multipleOf: got {}, want {}",
                english_float(as_f64(instance)),
                english_float(*multiple_of)
            )
        }
        ValidationErrorKind::MinLength { limit } => count("minLength", string_length(instance), *limit),
        ValidationErrorKind::MaxLength { limit } => count("maxLength", string_length(instance), *limit),
        ValidationErrorKind::MinItems { limit } => count("minItems", array_length(instance), *limit),
        ValidationErrorKind::MaxItems { limit } => count("maxItems", array_length(instance), *limit),
        ValidationErrorKind::MinProperties { limit } => {
            count("minProperties", object_length(instance), *limit)
        }
        ValidationErrorKind::MaxProperties { limit } => {
            count("maxProperties", object_length(instance), *limit)
        }
        ValidationErrorKind::Required { property } => {
            missing_message(&[property.as_str().unwrap_or_default().to_string()])
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            format!("additional properties {} not allowed", quoted_list(unexpected))
        }
        ValidationErrorKind::Pattern { pattern } => format!(
            "{} does not match pattern {}",
            quote(instance.as_str().unwrap_or_default()),
            quote(pattern)
        ),
        ValidationErrorKind::Enum { options } => match options.as_array() {
            Some(options) if options.iter().all(is_primitive) => {
                let shown: Vec<String> = options.iter().map(display).collect();
                if shown.len() == 1 {
                    format!("value must be {}", shown[0])
                } else {
                    format!("value must be one of {}", shown.join(", "))
                }
            }
            _ => "'enum' failed".into(),
        },
        ValidationErrorKind::Constant { expected_value } if is_primitive(expected_value) => {
            format!("value must be {}", display(expected_value))
        }
        ValidationErrorKind::Constant { .. } => "'const' failed".into(),
        ValidationErrorKind::UniqueItems => match equal_items(instance) {
            Some((i, j)) => {
                format!("items at {} and {} are equal", english_integer(i as u64), english_integer(j as u64))
            }
            None => error.to_string(),
        },
        ValidationErrorKind::Contains => "no items match contains schema".into(),
        ValidationErrorKind::FalseSchema => "false schema".into(),
        ValidationErrorKind::Not { .. } => "'not' failed".into(),
        ValidationErrorKind::AnyOf { .. } => "'anyOf' failed".into(),
        ValidationErrorKind::OneOfNotValid { .. } => "'oneOf' failed, none matched".into(),
        ValidationErrorKind::OneOfMultipleValid { context } => {
            let valid: Vec<String> = context
                .iter()
                .enumerate()
                .filter(|(_, e)| e.is_empty())
                .map(|(i, _)| i.to_string())
                .take(2)
                .collect();
            format!("'oneOf' failed, subschemas {} matched", valid.join(", "))
        }
        ValidationErrorKind::AdditionalItems { limit } => {
            let extra = array_length(instance).saturating_sub(*limit as u64);
            format!("last {} additionalItem(s) not allowed", english_integer(extra))
        }
        // Rare keywords keep the `jsonschema` crate's wording.
        _ => error.to_string(),
    }
}

pub(super) fn missing_message(names: &[String]) -> String {
    match names {
        [one] => format!("missing property {}", quote(one)),
        several => format!("missing properties {}", quoted_list(several)),
    }
}

fn bound(keyword: &str, instance: &Json, limit: &Json) -> String {
    format!("{keyword}: got {}, want {}", english_float(as_f64(instance)), english_float(as_f64(limit)))
}

fn count(keyword: &str, got: u64, want: u64) -> String {
    format!("{keyword}: got {}, want {}", english_integer(got), english_integer(want))
}

fn as_f64(value: &Json) -> f64 {
    value.as_f64().unwrap_or(f64::NAN)
}

fn string_length(value: &Json) -> u64 {
    value.as_str().map_or(0, |s| s.chars().count() as u64)
}

fn array_length(value: &Json) -> u64 {
    value.as_array().map_or(0, |a| a.len() as u64)
}

fn object_length(value: &Json) -> u64 {
    value.as_object().map_or(0, |o| o.len() as u64)
}

/// The JSON type helm names for a value: integers are numbers.
fn type_name(value: &Json) -> &'static str {
    match value {
        Json::Null => "null",
        Json::Bool(_) => "boolean",
        Json::Number(_) => "number",
        Json::String(_) => "string",
        Json::Array(_) => "array",
        Json::Object(_) => "object",
    }
}

fn is_primitive(value: &Json) -> bool {
    !matches!(value, Json::Array(_) | Json::Object(_))
}

/// A schema's value in a message: strings quoted, `null` as Go prints nil, the rest as written.
fn display(value: &Json) -> String {
    match value {
        Json::String(s) => quote(s),
        Json::Null => "<nil>".into(),
        Json::Array(_) | Json::Object(_) => "value".into(),
        other => other.to_string(),
    }
}

fn quoted_list(names: &[String]) -> String {
    names.iter().map(|n| quote(n)).collect::<Vec<_>>().join(", ")
}

/// The first two equal items, as helm finds them: the earliest later item that repeats one
/// before it, and that earlier one.
fn equal_items(value: &Json) -> Option<(usize, usize)> {
    first_repeated(value.as_array()?)
}

/// The first item equal (as [`json_schema_equal`] compares) to one before it, and the first
/// of those earlier ones; in time linear in the items, not quadratic.
pub(crate) fn first_repeated(items: &[Json]) -> Option<(usize, usize)> {
    let mut first_seen: std::collections::HashMap<Identity<'_>, usize> = std::collections::HashMap::new();
    for (i, item) in items.iter().enumerate() {
        if let Some(&j) = first_seen.get(&Identity::of(item)) {
            return Some((j, i));
        }
        first_seen.insert(Identity::of(item), i);
    }
    None
}

/// What [`json_schema_equal`] compares of a JSON value, in a form that hashes: a number's
/// value (0 and -0 alike), a map's entries in key order.
#[derive(PartialEq, Eq, Hash)]
enum Identity<'a> {
    Null,
    Bool(bool),
    Number(Option<u64>),
    String(&'a str),
    Array(Vec<Identity<'a>>),
    Object(Vec<(&'a str, Identity<'a>)>),
}

impl<'a> Identity<'a> {
    fn of(value: &'a Json) -> Identity<'a> {
        match value {
            Json::Null => Identity::Null,
            Json::Bool(b) => Identity::Bool(*b),
            Json::Number(n) => Identity::Number(n.as_f64().map(|f| if f == 0.0 { 0 } else { f.to_bits() })),
            Json::String(s) => Identity::String(s),
            Json::Array(items) => Identity::Array(items.iter().map(Identity::of).collect()),
            Json::Object(map) => {
                let mut entries: Vec<(&str, Identity<'_>)> =
                    map.iter().map(|(k, v)| (k.as_str(), Identity::of(v))).collect();
                entries.sort_unstable_by(|a, b| a.0.cmp(b.0));
                Identity::Object(entries)
            }
        }
    }
}

/// JSON equality as JSON Schema defines it (`uniqueItems`, `enum`, `const`): numbers by
/// value, so that 1 equals 1.0, and maps whatever the order of their keys.
pub fn json_schema_equal(a: &Json, b: &Json) -> bool {
    match (a, b) {
        (Json::Number(x), Json::Number(y)) => x.as_f64() == y.as_f64(),
        (Json::Array(x), Json::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_schema_equal(a, b))
        }
        (Json::Object(x), Json::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_schema_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A text in single quotes as the validator writes it: Go's escapes, but `"` as is and `'`
/// escaped.
pub(super) fn quote(text: &str) -> String {
    let go = strconv::quote(text);
    let inner = go[1..go.len() - 1].replace("\\\"", "\"").replace('\'', "\\'");
    format!("'{inner}'")
}

/// An integer as an English number printer writes it: digits grouped by commas.
fn english_integer(n: u64) -> String {
    group_digits(&n.to_string())
}

/// A float as an English number printer writes `%v`: the shortest digits, in scientific
/// form (`1.5×10⁰⁶`) when the exponent is below -4 or at least 6, else with grouped digits.
fn english_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "∞".into() } else { "-∞".into() };
    }
    if f == 0.0 {
        return "0".into();
    }
    let scientific = format!("{f:e}");
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let exponent: i32 = exponent.parse().unwrap_or(0);
    if !(-4..6).contains(&exponent) {
        let digits = format!("{:02}", exponent.unsigned_abs());
        let superscript: String = digits
            .chars()
            .map(|d| ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹'][d.to_digit(10).unwrap_or(0) as usize])
            .collect();
        let sign = if exponent < 0 { "⁻" } else { "" };
        return format!("{mantissa}×10{sign}{superscript}");
    }
    let plain = format!("{f}");
    let (sign, rest) = plain.strip_prefix('-').map_or(("", plain.as_str()), |r| ("-", r));
    let (whole, fraction) = rest.split_once('.').map_or((rest, None), |(w, f)| (w, Some(f)));
    let mut out = format!("{sign}{}", group_digits(whole));
    if let Some(fraction) = fraction {
        out.push('.');
        out.push_str(fraction);
    }
    out
}

fn group_digits(digits: &str) -> String {
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The draft named by `$schema`; 2020-12 when there is none, as in helm 4.
fn draft_of(schema: &serde_json::Value) -> jsonschema::Draft {
    use jsonschema::Draft;
    let uri = schema.get("$schema").and_then(|s| s.as_str()).unwrap_or("");
    if uri.contains("draft-04") {
        Draft::Draft4
    } else if uri.contains("draft-06") {
        Draft::Draft6
    } else if uri.contains("draft-07") {
        Draft::Draft7
    } else if uri.contains("2019-09") {
        Draft::Draft201909
    } else {
        Draft::Draft202012
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plain() -> Checking {
        Checking { leave_to_exit: false, warnings: Warnings::default() }
    }

    #[test]
    fn a_schema_on_the_web_is_fetched() {
        let address = super::super::schema_refs::tests::serve(&[("/s.json", 200, r#"{"type": "integer"}"#)]);
        let schema = format!(r#"{{"properties": {{"x": {{"$ref": "{address}/s.json"}}}}}}"#);
        let values = |x: Value| Map::from_iter([("x".to_string(), x)]);
        assert_eq!(validate_one(schema.as_bytes(), &values(Value::Int(1)), &plain()), "");
        assert_eq!(
            validate_one(schema.as_bytes(), &values(Value::String("a".into())), &plain()),
            "- at '/x': got string, want integer\n"
        );
    }

    #[test]
    fn a_schema_that_cannot_be_fetched_is_named() {
        let address = super::super::schema_refs::tests::serve(&[("/s.json", 200, "{}")]);
        let schema = format!(r#"{{"properties": {{"x": {{"$ref": "{address}/gone.json"}}}}}}"#);
        assert_eq!(
            validate_one(schema.as_bytes(), &Map::default(), &plain()),
            format!(
                "failing loading \"{address}/gone.json\": HTTP request to {address}/gone.json returned status 404 (Not Found)"
            )
        );
    }

    #[test]
    fn refs_into_named_definitions_of_documents_on_the_web_are_followed() {
        // Definitions at the top level of documents that refer to one another relatively,
        // as bjw-s' common library keeps its schemas (the output is helm 4's).
        let address = super::super::schema_refs::tests::serve(&[
            (
                "/lib/values.schema.json",
                200,
                r#"{"$schema": "http://json-schema.org/draft-07/schema", "properties": {"x": {"$ref": "schemas/a.json#/instance"}}}"#,
            ),
            ("/lib/schemas/a.json", 200, r#"{"instance": {"allOf": [{"$ref": "b.json#/size"}]}}"#),
            ("/lib/schemas/b.json", 200, r#"{"size": {"oneOf": [{"$ref": "leaf.json#/positive"}]}}"#),
            ("/lib/schemas/leaf.json", 200, r#"{"positive": {"type": "integer", "minimum": 1}}"#),
        ]);
        let schema = format!(
            r#"{{"$schema": "http://json-schema.org/draft-07/schema", "$ref": "{address}/lib/values.schema.json"}}"#
        );
        let values = |x: Value| Map::from_iter([("x".to_string(), x)]);
        assert_eq!(validate_one(schema.as_bytes(), &values(Value::Int(2)), &plain()), "");
        assert_eq!(
            validate_one(schema.as_bytes(), &values(Value::Int(0)), &plain()),
            "- at '/x': 'allOf' failed\n  - at '/x': 'oneOf' failed, none matched\n    - at '/x': minimum: got 0, want 1\n"
        );
    }

    #[test]
    fn schemas_in_files_are_read_from_the_root_of_the_file_system_as_in_helm() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("small.json"), r#"{"type": "integer", "maximum": 3}"#).unwrap();
        let at = dir.path().display().to_string();
        let values = Map::from_iter([("x".to_string(), Value::Int(5))]);
        let check = |reference: &str| {
            let schema = format!(r#"{{"properties": {{"x": {{"$ref": "{reference}"}}}}}}"#);
            validate_one(schema.as_bytes(), &values, &plain())
        };
        for reference in [
            format!("file://{at}/small.json"),
            format!("file://localhost{at}/small.json"),
            format!("..{at}/./small.json"),
        ] {
            assert_eq!(check(&reference), "- at '/x': maximum: got 5, want 3\n", "{reference}");
        }
        // Relative to `file:///values.schema.json`, whatever the chart's folder.
        assert_eq!(
            check("file://../no-such-schema.json"),
            "failing loading \"file://../no-such-schema.json\": open /no-such-schema.json: no such file or directory"
        );
        assert_eq!(
            check(&format!("file://{at}")),
            format!("failing loading \"file://{at}\": read {at}: is a directory")
        );
        std::fs::write(dir.path().join("empty.json"), " \n").unwrap();
        assert_eq!(
            check(&format!("file://{at}/empty.json")),
            format!("failing loading \"file://{at}/empty.json\": EOF")
        );
        // The chart's own schema is not read from the disk.
        assert_eq!(
            validate_one(br##"{"$defs": {"small": {"maximum": 3}}, "properties": {"x": {"$ref": "values.schema.json#/$defs/small"}}}"##, &values, &plain()),
            "- at '/x': maximum: got 5, want 3\n"
        );
    }

    #[test]
    fn a_urn_accepts_anything_with_a_warning_and_other_schemes_are_refused() {
        let checking = plain();
        let values = Map::from_iter([("x".to_string(), Value::Int(5))]);
        let schema = br#"{"properties": {"x": {"$ref": "urn:example:s"}, "y": {"$ref": "urn:example:s"}}}"#;
        assert_eq!(validate_one(schema, &values, &checking), "");
        assert_eq!(validate_one(schema, &values, &checking), "", "a second schema of the rendering");
        assert_eq!(
            *checking.warnings.lock().unwrap(),
            ["unresolved URN reference ignored; using permissive schema: urn:example:s"]
        );
        assert_eq!(
            validate_one(
                br#"{"properties": {"x": {"$ref": "ftp://example.org/s.json"}}}"#,
                &values,
                &plain()
            ),
            "failing loading \"ftp://example.org/s.json\": no URLLoader registered for \"ftp://example.org/s.json\""
        );
    }

    #[test]
    fn numbers_are_printed_as_an_english_printer_prints_them() {
        for (f, text) in [
            (-2.0, "-2"),
            (0.0, "0"),
            (2.5, "2.5"),
            (1000.0, "1,000"),
            (100000.0, "100,000"),
            (123456.7, "123,456.7"),
            (1e6, "1×10⁰⁶"),
            (1234567.0, "1.234567×10⁰⁶"),
            (1e21, "1×10²¹"),
            (0.0001, "0.0001"),
            (1e-5, "1×10⁻⁰⁵"),
            (-1e7, "-1×10⁰⁷"),
        ] {
            assert_eq!(english_float(f), text, "{f}");
        }
        assert_eq!(english_integer(1234567), "1,234,567");
        assert_eq!(english_integer(12), "12");
    }

    #[test]
    fn texts_are_quoted_as_the_validator_quotes_them() {
        assert_eq!(quote("/a"), "'/a'");
        assert_eq!(quote(""), "''");
        assert_eq!(quote("it's \"x\"\n"), "'it\\'s \"x\"\\n'");
        assert_eq!(quote("a\\b"), "'a\\\\b'");
    }

    #[test]
    fn nested_lists_and_maps_are_equal_only_item_for_item() {
        let eq = |a: &str, b: &str| {
            json_schema_equal(&serde_json::from_str(a).unwrap(), &serde_json::from_str(b).unwrap())
        };
        assert!(eq("[1, [2.0, {\"a\": 3}]]", "[1.0, [2, {\"a\": 3.0}]]"));
        assert!(!eq("[1, 2]", "[1, 2, 3]"), "a longer list");
        assert!(!eq("[1, 2]", "[1, 3]"), "another item");
        assert!(!eq("[]", "[1]"));
        assert!(eq("{\"a\": [1], \"b\": 2}", "{\"b\": 2.0, \"a\": [1.0]}"), "keys in another order");
        assert!(!eq("{\"a\": 1}", "{\"a\": 1, \"b\": 2}"), "more keys");
        assert!(!eq("{\"a\": 1}", "{\"b\": 1}"), "other keys");
        assert!(!eq("{\"a\": 1}", "{\"a\": 2}"), "another value");
        assert!(!eq("{}", "{\"a\": null}"));
    }
}
