//! `values.schema.json` checks, per chart and subchart, on the coalesced values, as Helm
//! runs them before rendering. The verdicts follow JSON Schema (draft from `$schema`,
//! 2020-12 without one, as in helm 4); the wording of each violation is the `jsonschema`
//! crate's, not Helm's (see COMPATIBILITY.md).

use crate::value::{Map, Value};

use super::chart::Chart;

/// Appends the problems of `chart` and its subcharts to `out`, in Helm's layout:
/// `<chart>:\n- at '<pointer>': <message>\n`.
pub(crate) fn validate_chart(chart: &Chart, values: &Map, out: &mut String) {
    if let Some(schema) = &chart.schema {
        let problems = validate_one(schema, values);
        if !problems.is_empty() {
            out.push_str(&format!("{}:\n", chart.name()));
            out.push_str(&problems);
        }
    }
    for sub in &chart.dependencies {
        match values.get(sub.name()) {
            None | Some(Value::Null) => {}
            Some(Value::Map(m)) => validate_chart(sub, m, out),
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

fn validate_one(schema: &[u8], values: &Map) -> String {
    let schema: serde_json::Value = match serde_json::from_slice(schema) {
        Ok(s) => s,
        Err(e) => return format!("{e}\n"),
    };
    let validator = match jsonschema::options().with_draft(draft_of(&schema)).build(&schema) {
        Ok(v) => v,
        Err(e) => return format!("{e}\n"),
    };
    let instance = Value::Map(values.clone()).to_json();
    let mut lines: Vec<String> =
        validator.iter_errors(&instance).map(|e| format!("- at '{}': {}\n", e.instance_path(), e)).collect();
    lines.sort();
    lines.dedup();
    lines.concat()
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
