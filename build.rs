//! Compiles the chart's `values.schema.json` into Rust data for the quick verdict on values
//! (`src/values/verdict.rs`): one static array of schema nodes, references resolved to
//! indices, property names sorted for binary search. Reading the schema at run time (97 KB of
//! JSON even without its annotations) cost as much as the rest of `validate`; as data in the
//! binary it costs nothing. Only the keywords that assert something are kept; descriptions,
//! defaults, titles and formats are dropped. The schema itself is generated from the typed
//! model by `export`; a test keeps the committed copy current.
//!
//! Each pattern also carries the texts of the chart's defaults that meet it and match it,
//! found here with the same regular expression engine: most strings a run checks are
//! defaults, and compiling their patterns was two fifths of a `validate`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value};

/// Keywords that assert nothing here: draft-07 ignores the integer widths schemars writes as
/// `format`, and `x-kubernetes-*` is for Kubernetes' own readers.
const ANNOTATIONS: &[&str] = &["$schema", "default", "description", "format", "title"];

struct Compiler {
    /// Rust expressions of the nodes, by index; `None` while a node is being compiled.
    nodes: Vec<Option<String>>,
    definitions: BTreeMap<String, usize>,
    /// Per pattern, the default texts that match it.
    known: BTreeMap<String, BTreeSet<String>>,
}

impl Compiler {
    fn reserve(&mut self) -> usize {
        self.nodes.push(None);
        self.nodes.len() - 1
    }

    fn compile(&mut self, schema: &Value, at: &str) -> usize {
        let index = self.reserve();
        let expression = self.node(schema, at);
        self.nodes[index] = Some(expression);
        index
    }

    fn node(&mut self, schema: &Value, at: &str) -> String {
        let Value::Object(object) = schema else { panic!("{at}: a schema node is an object") };
        let mut fields = String::new();
        for (keyword, value) in object {
            if ANNOTATIONS.contains(&keyword.as_str()) || keyword.starts_with("x-kubernetes-") {
                continue;
            }
            let here = format!("{at}/{keyword}");
            let field = match keyword.as_str() {
                "$ref" => {
                    let name = value.as_str().and_then(|r| r.strip_prefix("#/definitions/"));
                    let target = name.and_then(|n| self.definitions.get(n));
                    format!("reference: Some({})", target.unwrap_or_else(|| panic!("{here}: unknown $ref")))
                }
                "type" => format!("kind: Some(Kind::{})", kind(value, &here)),
                "properties" => {
                    let named = value.as_object().unwrap_or_else(|| panic!("{here}: an object"));
                    let mut entries: Vec<(&String, usize)> = named
                        .iter()
                        .map(|(name, child)| (name, self.compile(child, &format!("{here}/{name}"))))
                        .collect();
                    entries.sort();
                    let list: Vec<String> =
                        entries.iter().map(|(name, i)| format!("({name:?}, {i})")).collect();
                    format!("properties: &[{}]", list.join(", "))
                }
                "additionalProperties" => match value {
                    Value::Bool(true) => "additional: Additional::Any".into(),
                    Value::Bool(false) => "additional: Additional::Deny".into(),
                    child => format!("additional: Additional::Node({})", self.compile(child, &here)),
                },
                "required" => format!("required: &[{}]", strings(value, &here).join(", ")),
                "enum" => {
                    let list = value.as_array().unwrap_or_else(|| panic!("{here}: a list"));
                    let literals: Vec<String> = list.iter().map(|v| literal(v, &here)).collect();
                    format!("one_of_values: Some(&[{}])", literals.join(", "))
                }
                "const" => format!("constant: Some({})", literal(value, &here)),
                "pattern" => {
                    let source = value.as_str().unwrap_or_else(|| panic!("{here}"));
                    let texts = self.known.keys().position(|p| p == source);
                    let known = texts.map_or("&[]".to_string(), |i| format!("&KNOWN_{i}"));
                    format!("pattern: Some(Pattern {{ source: {source:?}, known: {known} }})")
                }
                "minimum" => format!("minimum: Some({:?})", number(value, &here)),
                "maximum" => format!("maximum: Some({:?})", number(value, &here)),
                "minLength" => format!("min_length: Some({})", count(value, &here)),
                "maxLength" => format!("max_length: Some({})", count(value, &here)),
                "minItems" => format!("min_items: Some({})", count(value, &here)),
                "minProperties" => format!("min_properties: Some({})", count(value, &here)),
                "uniqueItems" => {
                    format!("unique_items: {}", value.as_bool().unwrap_or_else(|| panic!("{here}")))
                }
                "items" => format!("items: Some({})", self.compile(value, &here)),
                "propertyNames" => format!("property_names: Some({})", self.compile(value, &here)),
                "if" => format!("condition: Some({})", self.compile(value, &here)),
                "then" => format!("then: Some({})", self.compile(value, &here)),
                "not" => format!("not: Some({})", self.compile(value, &here)),
                "allOf" => {
                    let list = value.as_array().unwrap_or_else(|| panic!("{here}: a list"));
                    let indices: Vec<String> = list
                        .iter()
                        .enumerate()
                        .map(|(i, child)| self.compile(child, &format!("{here}/{i}")).to_string())
                        .collect();
                    format!("all_of: &[{}]", indices.join(", "))
                }
                // Compiled up front, so that references can point at them.
                "definitions" => continue,
                // The walker would not evaluate it: better no build than a verdict that is
                // wrong (a test lists the keywords the generated schema may use).
                other => panic!("{here}: the quick verdict does not evaluate `{other}`"),
            };
            let _ = write!(fields, "{field}, ");
        }
        format!("Node {{ {fields}..Node::EMPTY }}")
    }
}

fn kind(value: &Value, at: &str) -> &'static str {
    match value.as_str() {
        Some("object") => "Object",
        Some("array") => "Array",
        Some("string") => "String",
        Some("boolean") => "Boolean",
        Some("null") => "Null",
        Some("number") => "Number",
        Some("integer") => "Integer",
        _ => panic!("{at}: the quick verdict reads one type name, not {value}"),
    }
}

fn literal(value: &Value, at: &str) -> String {
    match value {
        Value::Bool(flag) => format!("Literal::Bool({flag})"),
        Value::String(text) => format!("Literal::String({text:?})"),
        Value::Number(_) => format!("Literal::Number({:?})", number(value, at)),
        _ => panic!("{at}: the quick verdict compares booleans, numbers and strings, not {value}"),
    }
}

fn number(value: &Value, at: &str) -> f64 {
    value.as_f64().unwrap_or_else(|| panic!("{at}: a number"))
}

fn count(value: &Value, at: &str) -> u64 {
    value.as_u64().unwrap_or_else(|| panic!("{at}: a count"))
}

fn strings(value: &Value, at: &str) -> Vec<String> {
    let list = value.as_array().unwrap_or_else(|| panic!("{at}: a list"));
    list.iter().map(|v| format!("{:?}", v.as_str().unwrap_or_else(|| panic!("{at}: strings")))).collect()
}

/// Records the texts of `value` that meet a pattern of `node`, and match it; `value` is a
/// default, `node` the schema that checks it. Conditional and combined schemas are all
/// visited: a pair recorded here is a true match whichever branch a run takes.
fn defaults_meeting_patterns(
    root: &Value,
    node: &Value,
    value: &Value,
    known: &mut BTreeMap<String, BTreeSet<String>>,
) {
    let Value::Object(object) = node else { return };
    if let Some(name) =
        object.get("$ref").and_then(Value::as_str).and_then(|r| r.strip_prefix("#/definitions/"))
    {
        if let Some(target) = root.pointer(&format!("/definitions/{name}")) {
            defaults_meeting_patterns(root, target, value, known);
        }
        return;
    }
    for keyword in ["allOf"] {
        for child in object.get(keyword).and_then(Value::as_array).into_iter().flatten() {
            defaults_meeting_patterns(root, child, value, known);
        }
    }
    for keyword in ["then", "not"] {
        if let Some(child) = object.get(keyword) {
            defaults_meeting_patterns(root, child, value, known);
        }
    }
    match value {
        Value::String(text) => {
            if let Some(pattern) = object.get("pattern").and_then(Value::as_str) {
                let regex =
                    regex_lite::Regex::new(pattern).unwrap_or_else(|e| panic!("pattern {pattern}: {e}"));
                if regex.is_match(text) {
                    known.entry(pattern.to_string()).or_default().insert(text.clone());
                }
            }
        }
        Value::Array(items) => {
            if let Some(schema) = object.get("items") {
                items.iter().for_each(|item| defaults_meeting_patterns(root, schema, item, known));
            }
        }
        Value::Object(entries) => {
            for (key, entry) in entries {
                let schema = object
                    .get("properties")
                    .and_then(|p| p.get(key))
                    .or_else(|| object.get("additionalProperties").filter(|a| a.is_object()));
                if let Some(schema) = schema {
                    defaults_meeting_patterns(root, schema, entry, known);
                }
            }
        }
        _ => {}
    }
}

/// Every schema node that states a default, with the default, checked against that node.
fn visit_defaults(root: &Value, node: &Value, known: &mut BTreeMap<String, BTreeSet<String>>) {
    match node {
        Value::Object(object) => {
            if let Some(default) = object.get("default") {
                defaults_meeting_patterns(root, node, default, known);
            }
            for (keyword, child) in object {
                if !matches!(keyword.as_str(), "default" | "enum" | "const") {
                    visit_defaults(root, child, known);
                }
            }
        }
        Value::Array(list) => list.iter().for_each(|child| visit_defaults(root, child, known)),
        _ => {}
    }
}

fn main() {
    let source = "chart-out/values.schema.json";
    println!("cargo:rerun-if-changed={source}");
    println!("cargo:rerun-if-changed=build.rs");
    // On Linux the program is linked at a fixed address: the loader then has no relocations
    // to apply at start (about 0.4 M instructions) and no relocated data to copy into private
    // memory (about 1 MiB of a run's peak). See docs/testing.md, "Performance".
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    let text = std::fs::read_to_string(source).unwrap_or_else(|e| panic!("{source}: {e}"));
    let schema: Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{source}: {e}"));
    let empty = Map::new();
    let definitions = schema.get("definitions").and_then(Value::as_object).unwrap_or(&empty);
    let mut known = BTreeMap::new();
    visit_defaults(&schema, &schema, &mut known);
    let mut compiler = Compiler { nodes: Vec::new(), definitions: BTreeMap::new(), known };
    // The root is node 0; the definitions follow, their indices known before any is compiled.
    let root = compiler.reserve();
    for name in definitions.keys() {
        let index = compiler.reserve();
        compiler.definitions.insert(name.clone(), index);
    }
    for (name, definition) in definitions {
        let expression = compiler.node(definition, &format!("#/definitions/{name}"));
        compiler.nodes[compiler.definitions[name]] = Some(expression);
    }
    compiler.nodes[root] = Some(compiler.node(&schema, "#"));
    let mut code = String::from("// Generated by build.rs from chart-out/values.schema.json.\n");
    let _ = writeln!(code, "static NODES: [Node; {}] = [", compiler.nodes.len());
    for (i, node) in compiler.nodes.iter().enumerate() {
        let _ = writeln!(code, "    /* {i} */ {},", node.as_deref().expect("every node compiled"));
    }
    code.push_str("];\n");
    for (i, texts) in compiler.known.values().enumerate() {
        let list: Vec<String> = texts.iter().map(|text| format!("{text:?}")).collect();
        let _ = writeln!(code, "static KNOWN_{i}: [&str; {}] = [{}];", list.len(), list.join(", "));
    }
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("values_schema_nodes.rs"), code).expect("OUT_DIR is writable");
}
