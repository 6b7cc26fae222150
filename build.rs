//! Compiles the chart's `values.schema.json` into Rust data for the quick verdict on values
//! (`src/values/verdict.rs`): one static array of schema nodes, references resolved to
//! indices, property names sorted for binary search. Reading the schema at run time (97 KB of
//! JSON even without its annotations) cost as much as the rest of `validate`; as data in the
//! binary it costs nothing. Only the keywords that assert something are kept; descriptions,
//! defaults, titles and formats are dropped. The schema itself is generated from the typed
//! model by `export`; a test keeps the committed copy current.
//!
//! Every `pattern` of the schema, and the wiring's own (`src/patterns/wiring.rs`), is compiled
//! here into a deterministic finite automaton whose tables go into the binary
//! (`src/patterns/mod.rs`): compiling them at run time was a tenth of a `render`.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use regex_automata::dfa::dense;

use serde_json::{Map, Value};

/// Keywords that assert nothing here: draft-07 ignores the integer widths schemars writes as
/// `format`, and `x-kubernetes-*` is for Kubernetes' own readers.
const ANNOTATIONS: &[&str] = &["$schema", "default", "description", "format", "title"];

struct Compiler {
    /// Rust expressions of the nodes, by index; `None` while a node is being compiled.
    nodes: Vec<Option<String>>,
    definitions: BTreeMap<String, usize>,
    /// Every pattern met.
    patterns: BTreeSet<String>,
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
                    self.patterns.insert(source.to_string());
                    format!("pattern: Some({source:?})")
                }
                "minimum" => format!("minimum: Some({:?})", number(value, &here)),
                "maximum" => format!("maximum: Some({:?})", number(value, &here)),
                "minLength" => format!("min_length: Some({})", count(value, &here)),
                "maxLength" => format!("max_length: Some({})", count(value, &here)),
                "minItems" => format!("min_items: Some({})", count(value, &here)),
                "maxItems" => format!("max_items: Some({})", count(value, &here)),
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

// The wiring, compiled here too: its trees are written out as data (`build/wiring.rs`). The
// build reads only `objects::build`, so most of what these modules offer is unused here.
#[allow(dead_code, unreachable_pub)]
#[path = "src/components/mod.rs"]
mod components;
#[allow(dead_code, unreachable_pub)]
#[path = "src/objects/mod.rs"]
mod objects;
#[path = "build/wiring.rs"]
mod wiring_data;

mod patterns {
    // Only `ALL` is read by the build itself; the wiring reads the rest.
    #[allow(unreachable_pub, dead_code)]
    pub(crate) mod wiring {
        include!("src/patterns/wiring.rs");
    }
}

/// Stands in for the data this build writes, which the program's `objects::all` reads.
mod baked {
    pub(crate) static OBJECTS: &[crate::components::tree::Object] = &[];
}

/// The automata of `patterns`, each in a file of `out`, and the Rust table naming them
/// (`BUILT_IN` of `src/patterns/mod.rs`), sorted by pattern.
fn compile_patterns(patterns: &BTreeSet<String>, out: &Path) -> String {
    let big_endian = std::env::var("CARGO_CFG_TARGET_ENDIAN").as_deref() == Ok("big");
    let mut code = format!("static BUILT_IN: [BuiltIn; {}] = [\n", patterns.len());
    for (i, pattern) in patterns.iter().enumerate() {
        let automaton = dense::Builder::new()
            .configure(dense::Config::new().minimize(true))
            .build(pattern)
            .unwrap_or_else(|e| panic!("pattern {pattern}: {e}"));
        let (bytes, padding) =
            if big_endian { automaton.to_bytes_big_endian() } else { automaton.to_bytes_little_endian() };
        let file = format!("pattern-{i}.dfa");
        std::fs::write(out.join(&file), &bytes[padding..]).expect("OUT_DIR is writable");
        let _ = writeln!(
            code,
            "    BuiltIn {{ source: {pattern:?}, tables: &{{ static TABLES: &Aligned<[u8]> = &Aligned {{ \
             _align: [], bytes: *include_bytes!(concat!(env!(\"OUT_DIR\"), \"/{file}\")) }}; TABLES }}.bytes, \
             automaton: OnceLock::new() }},"
        );
    }
    code.push_str("];\n");
    code
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
    let mut compiler =
        Compiler { nodes: Vec::new(), definitions: BTreeMap::new(), patterns: BTreeSet::new() };
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
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("values_schema_nodes.rs"), code).expect("OUT_DIR is writable");
    println!("cargo:rerun-if-changed=src/patterns/wiring.rs");
    compiler.patterns.extend(patterns::wiring::ALL.iter().map(|p| p.to_string()));
    let table = compile_patterns(&compiler.patterns, &out);
    std::fs::write(out.join("patterns.rs"), table).expect("OUT_DIR is writable");
    for source in ["src/components", "src/objects", "build/wiring.rs"] {
        println!("cargo:rerun-if-changed={source}");
    }
    let wiring = wiring_data::Baker::module(&objects::build());
    std::fs::write(out.join("wiring.rs"), wiring).expect("OUT_DIR is writable");
}
