//! The layout of helm 4's schema errors. Its validator (santhosh-tekuri/jsonschema v6) does not
//! list violations: it answers one error per schema applied to a value, a group ("validation
//! failed") where that application found several, so that the violations come out as a tree
//! shaped like the validation. The `jsonschema` crate lists them flat, each with the path of
//! schema keywords that led to it; this module rebuilds helm's tree from those paths.
//!
//! Order: a schema's own keywords in the order helm checks them, then the values under it
//! (properties by name, items by index), then `not`, `allOf`, `anyOf`, `oneOf` and
//! `then`/`else`. Helm visits properties in Go's map order, which changes from run to run;
//! by name is the stable order closest to it.

use std::collections::{BTreeMap, HashMap};

use jsonschema::ValidationError;
use jsonschema::error::ValidationErrorKind;

use super::schema::{message, missing_message, quote};

/// One error as helm prints it: `- at '<value>': <message>`, its causes indented under it.
#[derive(Debug, PartialEq)]
struct Report {
    at: String,
    message: String,
    kind: ReportKind,
    causes: Vec<Report>,
}

#[derive(Debug, PartialEq, Clone, Copy)]
enum ReportKind {
    /// One violated keyword (its causes, if any: the failing branches of `anyOf`/`oneOf`).
    Keyword,
    /// Several errors of one schema applied to one value.
    Group,
    /// A `$ref` that failed; printed only when it holds more than one error.
    Reference,
    /// `allOf`, with the failing branches.
    AllOf,
}

impl Report {
    fn new(at: &str, message: String, kind: ReportKind, causes: Vec<Report>) -> Report {
        Report { at: at.to_string(), message, kind, causes }
    }

    /// The causes of a group; the report itself otherwise.
    fn into_causes(self) -> Vec<Report> {
        match self.kind {
            ReportKind::Group => self.causes,
            _ => vec![self],
        }
    }

    fn print(&self, depth: usize, out: &mut Vec<String>) {
        if let (ReportKind::Reference, [only]) = (self.kind, self.causes.as_slice()) {
            return only.print(depth, out);
        }
        out.push(format!("{}- at {}: {}", "  ".repeat(depth), quote(&self.at), self.message));
        for cause in &self.causes {
            cause.print(depth + 1, out);
        }
    }
}

/// Helm's lines for the violations of one chart's values (`old_refs`: a draft before 2019-09,
/// where `$ref` stands for its whole schema). Helm leaves out the group of the top value.
pub(super) fn problem_lines(errors: &[ValidationError<'_>], old_refs: bool) -> Vec<String> {
    let errors: Vec<&ValidationError<'_>> = errors.iter().collect();
    let mut lines = Vec::new();
    if let Some(top) = applied(&reached(errors), "", "", old_refs) {
        for report in top.into_causes() {
            report.print(0, &mut lines);
        }
    }
    lines
}

/// The violations helm's validator reaches. It checks a schema's `type`, `const`, `enum` and
/// `format` first, in that order, and stops at the first that fails: nothing else of that
/// schema is checked for that value, neither its other keywords nor its subschemas
/// (`{type: string, enum: [a, b]}` on a null is only `got null, want string`).
fn reached<'e, 'a>(errors: Vec<&'e ValidationError<'a>>) -> Vec<&'e ValidationError<'a>> {
    let rank = |error: &ValidationError<'_>| match error.kind() {
        ValidationErrorKind::Type { .. } => Some(0u8),
        ValidationErrorKind::Constant { .. } => Some(1),
        ValidationErrorKind::Enum { .. } => Some(2),
        ValidationErrorKind::Format { .. } => Some(3),
        _ => None,
    };
    let schema_of = |path: &'e str| path.rsplit_once('/').map_or("", |(parent, _)| parent);
    // The first check that failed for each schema applied to each value.
    let mut stops: HashMap<(&str, &str), u8> = HashMap::new();
    for error in &errors {
        if let Some(r) = rank(error) {
            let place = (schema_of(error.evaluation_path().as_str()), error.instance_path().as_str());
            stops.entry(place).and_modify(|first| *first = (*first).min(r)).or_insert(r);
        }
    }
    if stops.is_empty() {
        return errors;
    }
    // An error is reached when no stop happened at its schema or one above it, on its value
    // or one above it; a stop itself, when no earlier check of its schema failed.
    let is_reached = |error: &&'e ValidationError<'a>| {
        let (path, at) = (error.evaluation_path().as_str(), error.instance_path().as_str());
        let own = rank(error).map(|r| (r, schema_of(path)));
        !pointer_prefixes(path).any(|schema| {
            pointer_prefixes(at).any(|value| match (stops.get(&(schema, value)), own) {
                (None, _) => false,
                (Some(first), Some((r, own_schema))) if own_schema == schema && value == at => *first < r,
                (Some(_), _) => true,
            })
        })
    };
    errors.into_iter().filter(is_reached).collect()
}

/// A JSON pointer and the pointers above it: `/a/b`, `/a`, ``.
fn pointer_prefixes(pointer: &str) -> impl Iterator<Item = &str> {
    let cuts = pointer.match_indices('/').map(|(i, _)| i).chain(std::iter::once(pointer.len()));
    cuts.map(move |end| &pointer[..end])
}

/// Where an error sits relative to the schema being applied.
enum Place<'p> {
    /// A keyword of this schema.
    Keyword(&'p str),
    /// A subschema applied to a value under this one (`properties`, `items`, ...):
    /// the subschema's path and the value's.
    Below { schema: String, at: String, rank: u16 },
    /// A subschema applied to this value (`then`, `else`, `dependentSchemas`).
    Beside { schema: String, rank: u16 },
    /// The subschema of `$ref` (and its dynamic kinds).
    Reference(String),
    /// Branch `index` of `allOf`.
    AllOfBranch(u64),
}

/// Where `error` sits when the schema at `schema` is applied to the value at `at`.
fn place<'e>(error: &'e ValidationError<'_>, schema: &str, at: &str) -> Place<'e> {
    let path = error.evaluation_path().as_str();
    let rest = path.strip_prefix(schema).unwrap_or(path);
    let segments: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
    let first = segments[0];
    let below_value = || {
        let inner = error.instance_path().as_str().strip_prefix(at)?.strip_prefix('/')?;
        Some(format!("{at}/{}", inner.split('/').next().unwrap_or_default()))
    };
    let path_of = |count: usize| format!("{schema}/{}", segments[..count].join("/"));
    let is_index = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let taken = match (first, segments.len()) {
        ("properties" | "patternProperties", n) if n > 2 => Some((2, 14)),
        ("additionalProperties", n) if n > 1 => Some((1, 14)),
        ("items" | "prefixItems", n) if n > 2 && is_index(segments[1]) => Some((2, 23)),
        ("items" | "additionalItems", n) if n > 1 => Some((1, 23)),
        _ => None,
    };
    if let Some((count, rank)) = taken
        && let Some(value) = below_value()
    {
        return Place::Below { schema: path_of(count), at: value, rank };
    }
    match (first, segments.len()) {
        ("$ref" | "$dynamicRef" | "$recursiveRef", n) if n > 1 => Place::Reference(path_of(1)),
        ("allOf", n) if n > 2 && is_index(segments[1]) => {
            Place::AllOfBranch(segments[1].parse().unwrap_or(u64::MAX))
        }
        ("dependentSchemas" | "dependencies", n) if n > 2 => Place::Beside { schema: path_of(2), rank: 13 },
        ("then" | "else", n) if n > 1 => Place::Beside { schema: path_of(1), rank: 54 },
        _ => Place::Keyword(first),
    }
}

/// The order in which helm's validator checks a schema's keywords.
fn keyword_rank(keyword: &str) -> u16 {
    match keyword {
        "type" => 0,
        "const" => 1,
        "enum" => 2,
        "format" => 3,
        "$ref" | "$dynamicRef" | "$recursiveRef" => 4,
        "minProperties" => 10,
        "maxProperties" => 11,
        "required" => 12,
        "dependencies" | "dependentRequired" | "dependentSchemas" => 13,
        "additionalProperties" => 15,
        "propertyNames" => 16,
        "minItems" => 20,
        "maxItems" => 21,
        "uniqueItems" => 22,
        "additionalItems" | "items" => 24,
        "contains" | "minContains" | "maxContains" => 25,
        "minLength" => 30,
        "maxLength" => 31,
        "pattern" => 32,
        "contentEncoding" | "contentMediaType" | "contentSchema" => 33,
        "minimum" => 40,
        "maximum" => 41,
        "exclusiveMinimum" => 42,
        "exclusiveMaximum" => 43,
        "multipleOf" => 44,
        "not" => 50,
        "allOf" => 51,
        "anyOf" => 52,
        "oneOf" => 53,
        "unevaluatedProperties" | "unevaluatedItems" => 60,
        _ => 70,
    }
}

/// How a value below sorts: items by index, properties by name.
fn value_order(at: &str) -> (u64, String) {
    let last = at.rsplit('/').next().unwrap_or_default();
    match last.parse::<u64>() {
        Ok(index) if !last.starts_with('+') => (index, String::new()),
        _ => (u64::MAX, last.to_string()),
    }
}

/// The error helm answers for the schema at `schema` applied to the value at `at`, given
/// the violations found under it: none, one, or a group.
fn applied(errors: &[&ValidationError<'_>], schema: &str, at: &str, old_refs: bool) -> Option<Report> {
    type Key = (u16, (u64, String));
    let mut keywords: Vec<(Key, Report)> = Vec::new();
    let mut missing: Vec<String> = Vec::new();
    let mut below: BTreeMap<(String, String), (u16, Vec<&ValidationError<'_>>)> = BTreeMap::new();
    let mut beside: BTreeMap<String, (u16, Vec<&ValidationError<'_>>)> = BTreeMap::new();
    let mut references: BTreeMap<String, Vec<&ValidationError<'_>>> = BTreeMap::new();
    let mut all_of: BTreeMap<u64, Vec<&ValidationError<'_>>> = BTreeMap::new();
    for &error in errors {
        match place(error, schema, at) {
            Place::Keyword(keyword) => {
                if let ValidationErrorKind::Required { property } = error.kind() {
                    missing.push(property.as_str().unwrap_or_default().to_string());
                    continue;
                }
                let causes = branches(error, old_refs);
                let value = error.instance_path().as_str();
                let report = Report::new(value, message(error), ReportKind::Keyword, causes);
                keywords.push(((keyword_rank(keyword), (0, String::new())), report));
            }
            Place::Below { schema, at: value, rank } => {
                below.entry((value, schema)).or_insert_with(|| (rank, Vec::new())).1.push(error)
            }
            Place::Beside { schema, rank } => {
                beside.entry(schema).or_insert_with(|| (rank, Vec::new())).1.push(error)
            }
            Place::Reference(schema) => references.entry(schema).or_default().push(error),
            Place::AllOfBranch(index) => all_of.entry(index).or_default().push(error),
        }
    }
    let mut reports = keywords;
    if !missing.is_empty() {
        let report = Report::new(at, missing_message(&missing), ReportKind::Keyword, Vec::new());
        reports.push(((keyword_rank("required"), (0, String::new())), report));
    }
    for ((value, sub), (rank, errors)) in &below {
        if let Some(report) = applied(errors, sub, value, old_refs) {
            reports.push(((*rank, value_order(value)), report));
        }
    }
    for (sub, (rank, errors)) in &beside {
        if let Some(report) = applied(errors, sub, at, old_refs) {
            reports.push(((*rank, (0, sub.clone())), report));
        }
    }
    for (sub, errors) in &references {
        if let Some(report) = applied(errors, sub, at, old_refs) {
            let reference =
                Report::new(at, "validation failed".into(), ReportKind::Reference, report.into_causes());
            if old_refs {
                // Before 2019-09 a `$ref` replaces its schema: nothing beside it is checked.
                return Some(reference);
            }
            reports.push(((keyword_rank("$ref"), (0, sub.clone())), reference));
        }
    }
    let failed: Vec<Report> = all_of
        .iter()
        .filter_map(|(index, errors)| applied(errors, &format!("{schema}/allOf/{index}"), at, old_refs))
        .collect();
    if !failed.is_empty() {
        reports.push((
            (keyword_rank("allOf"), (0, String::new())),
            Report::new(at, "'allOf' failed".into(), ReportKind::AllOf, failed),
        ));
    }
    reports.sort_by(|a, b| a.0.cmp(&b.0));
    let mut reports: Vec<Report> = reports.into_iter().map(|(_, report)| report).collect();
    reports.dedup();
    match reports.len() {
        0 => None,
        1 => reports.pop(),
        _ => Some(Report::new(at, "validation failed".into(), ReportKind::Group, reports)),
    }
}

/// The failing branches of `anyOf` and `oneOf`, each as helm answers it.
fn branches(error: &ValidationError<'_>, old_refs: bool) -> Vec<Report> {
    let (ValidationErrorKind::AnyOf { context } | ValidationErrorKind::OneOfNotValid { context }) =
        error.kind()
    else {
        return Vec::new();
    };
    let schema = error.evaluation_path().as_str();
    let at = error.instance_path().as_str();
    context
        .iter()
        .enumerate()
        .filter_map(|(index, branch)| {
            let errors = reached(branch.iter().collect());
            applied(&errors, &format!("{schema}/{index}"), at, old_refs)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn lines(schema: serde_json::Value, values: serde_json::Value) -> Vec<String> {
        let validator = jsonschema::options().build(&schema).expect("a valid schema");
        let errors: Vec<_> = validator.iter_errors(&values).collect();
        problem_lines(&errors, false)
    }

    #[test]
    fn a_pointer_comes_with_the_pointers_above_it() {
        assert_eq!(pointer_prefixes("/a/b").collect::<Vec<_>>(), ["", "/a", "/a/b"]);
        assert_eq!(pointer_prefixes("").collect::<Vec<_>>(), [""]);
    }

    #[test]
    fn items_come_by_index_and_properties_by_name() {
        let items: Vec<i32> = (0..12).collect();
        let got = lines(json!({"items": {"type": "string"}}), json!(items));
        let want: Vec<String> = (0..12).map(|i| format!("- at '/{i}': got number, want string")).collect();
        assert_eq!(got, want);
        let got = lines(json!({"additionalProperties": {"type": "string"}}), json!({"b": 1, "a": 2}));
        assert_eq!(got, ["- at '/a': got number, want string", "- at '/b': got number, want string"]);
    }

    #[test]
    fn a_failing_type_hides_the_rest_of_its_schema_but_not_its_neighbours() {
        let schema = json!({"properties": {
            "x": {"type": "object", "required": ["q"], "properties": {"a": {"minimum": 3}}},
            "y": {"minimum": 3},
        }});
        let got = lines(schema, json!({"x": [1], "y": 1}));
        assert_eq!(got, ["- at '/x': got array, want object", "- at '/y': minimum: got 1, want 3"]);
    }
}
