//! Embeds a compact copy of the chart's `values.schema.json` for the quick verdict on values
//! (`src/values/verdict.rs`): the same schema without the annotations that assert nothing
//! (descriptions, defaults, titles, formats), a quarter of its size, so that reading it costs
//! little at run time. The schema itself is generated from the typed model by `export`; a test
//! keeps the committed copy current.

use std::path::PathBuf;

use serde_json::Value;

const ANNOTATIONS: &[&str] = &["$schema", "default", "description", "format", "title"];

/// Drops the annotations of a schema node and of the nodes below it; the maps under
/// `properties` and `definitions` are names, whose keys are kept whatever they are.
fn strip(node: &mut Value) {
    let Value::Object(object) = node else { return };
    object.retain(|keyword, _| {
        !ANNOTATIONS.contains(&keyword.as_str()) && !keyword.starts_with("x-kubernetes-")
    });
    for (keyword, child) in object.iter_mut() {
        match keyword.as_str() {
            "properties" | "definitions" => {
                if let Value::Object(named) = child {
                    named.values_mut().for_each(strip);
                }
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(list) = child {
                    list.iter_mut().for_each(strip);
                }
            }
            "enum" | "const" | "required" => {}
            _ => strip(child),
        }
    }
}

fn main() {
    let source = "chart-out/values.schema.json";
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-changed=build.rs");
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let mut schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    strip(&mut schema);
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("values.schema.min.json"), serde_json::to_string(&schema).expect("JSON"))
        .expect("OUT_DIR is writable");
}
