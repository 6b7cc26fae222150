//! A tree evaluated against the values: conditions decided, expressions computed, the values'
//! own maps and lists copied in. Maps copied from the values, and ConfigMap data, come out with
//! sorted keys, as Helm's `toYaml` prints them in the chart.

use std::cell::RefCell;
use std::collections::HashMap;

use sha2::{Digest, Sha256};

use crate::components::tree::{Content, DataBlock, Node, Part, Presence};
use crate::eval::Ctx;
use helm_engine::{KeyOrder, to_yaml};
use helm_engine::{Map, Value};

/// Trees evaluated against one release's values, sharing what is computed once for all:
/// the checksum of a ConfigMap's data, which every pod that reads the ConfigMap carries (the
/// shared environment's is in most pods). A block is known by its name, which names its
/// ConfigMap; the wiring gives one name one block (a test checks it).
#[derive(Default)]
pub struct Evaluation {
    checksums: RefCell<HashMap<String, String>>,
}

impl Evaluation {
    /// The value a tree stands for.
    pub fn evaluate(&self, node: &Node, ctx: &Ctx<'_>) -> Value {
        match node {
            Node::Str(text) => Value::String(text.to_string()),
            Node::Int(number) => Value::Int(*number),
            Node::Bool(flag) => Value::Bool(*flag),
            Node::Text(expr) => Value::String(expr.eval(ctx)),
            Node::Number(path) => Value::Int(ctx.int(path)),
            Node::Map(parts) => {
                let mut map = Map::default();
                for part in parts.iter() {
                    match part {
                        Part::Entry(key, value, presence) => {
                            if let Some(value) = self.present(value, presence, ctx) {
                                map.insert(key.to_string(), value);
                            }
                        }
                        Part::Splice(path) => {
                            if let Value::Map(entries) = sorted(ctx.lookup(path)) {
                                map.extend(entries);
                            }
                        }
                        Part::Include(_, fragment) => {
                            if let Value::Map(entries) = self.evaluate(fragment, ctx) {
                                map.extend(entries);
                            }
                        }
                        Part::Item(..) | Part::Each(..) => unreachable!("items belong to lists"),
                    }
                }
                Value::Map(map)
            }
            Node::List(parts) => {
                let mut items = Vec::new();
                for part in parts.iter() {
                    match part {
                        Part::Item(value, presence) => items.extend(self.present(value, presence, ctx)),
                        Part::Each(seq, item) => {
                            for element in seq.eval(ctx) {
                                items.push(self.evaluate(item, &ctx.at(&element)));
                            }
                        }
                        Part::Splice(path) => {
                            if let Value::List(values) = sorted(ctx.lookup(path)) {
                                items.extend(values);
                            }
                        }
                        Part::Entry(..) | Part::Include(..) => unreachable!("entries belong to maps"),
                    }
                }
                Value::List(items)
            }
            Node::Values(path) => sorted(ctx.lookup(path)),
            Node::Data(block) => Value::Map(data(block, ctx)),
            Node::Checksum(block) => {
                let mut checksums = self.checksums.borrow_mut();
                let sum =
                    checksums.entry(block.name.to_string()).or_insert_with(|| checksum(data(block, ctx)));
                Value::String(sum.clone())
            }
        }
    }

    /// The value of an entry or item, when it is there.
    fn present(&self, value: &Node, presence: &Presence, ctx: &Ctx<'_>) -> Option<Value> {
        match presence {
            Presence::Always => Some(self.evaluate(value, ctx)),
            Presence::When(cond) => cond.eval(ctx).then(|| self.evaluate(value, ctx)),
            Presence::NonEmpty => Some(self.evaluate(value, ctx)).filter(|v| !is_empty(v)),
        }
    }
}

/// Go's notion of an empty value, which the chart's `if` and `with` test.
fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::Bool(flag) => !flag,
        Value::Int(number) => *number == 0,
        Value::Float(number) => *number == 0.0,
        Value::String(text) => text.is_empty(),
        Value::List(items) => items.is_empty(),
        Value::Map(map) => map.is_empty(),
    }
}

/// A copy with every map's keys sorted.
fn sorted(value: &Value) -> Value {
    match value {
        Value::Map(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            Value::Map(entries.into_iter().map(|(k, v)| (k.clone(), sorted(v))).collect())
        }
        Value::List(items) => Value::List(items.iter().map(sorted).collect()),
        other => other.clone(),
    }
}

/// A ConfigMap's data: the entries that apply, sorted by key.
fn data(block: &DataBlock, ctx: &Ctx<'_>) -> Map {
    let mut map = Map::default();
    if let Some(Value::Map(extra)) = block.extra.as_deref().map(|path| ctx.lookup(path)) {
        map.extend(extra.iter().map(|(k, v)| (k.clone(), v.clone())));
    }
    let own: Vec<(String, Value)> = block
        .entries
        .iter()
        .filter(|e| e.when.eval(ctx))
        .map(|e| {
            let text = match &e.content {
                Content::Static { text, .. } => text.to_string(),
                Content::File(expr) | Content::Value(expr) => expr.eval(ctx),
            };
            (e.key.to_string(), Value::String(text))
        })
        .collect();
    map.extend(own);
    let mut entries: Vec<(String, Value)> = map.into_iter().collect();
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.into_iter().collect()
}

/// The checksum a pod carries for a ConfigMap it reads, so that it restarts when the content
/// changes: SHA-256 of the ConfigMap's data as Helm's `toYaml` prints it (sorted keys, no final
/// newline), which is how the chart computes it too.
fn checksum(data: Map) -> String {
    let yaml = to_yaml(&Value::Map(data), KeyOrder::Sorted);
    let digest = Sha256::digest(yaml.trim_end_matches('\n').as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::tree::DataBlock;

    /// The data blocks under `node`, and whether any is inside an iteration (where its
    /// entries could read the element iterated over).
    fn blocks<'n>(node: &'n Node, in_iteration: bool, into: &mut Vec<(&'n DataBlock, bool)>) {
        match node {
            Node::Data(block) | Node::Checksum(block) => into.push((block, in_iteration)),
            Node::Map(parts) | Node::List(parts) => {
                for part in parts.iter() {
                    match part {
                        Part::Entry(_, node, _) | Part::Item(node, _) => blocks(node, in_iteration, into),
                        Part::Include(_, node) => blocks(node, in_iteration, into),
                        Part::Each(_, node) => blocks(node, true, into),
                        Part::Splice(_) => {}
                    }
                }
            }
            _ => {}
        }
    }

    #[test]
    fn a_block_name_stands_for_one_block_outside_iterations() {
        let mut found = Vec::new();
        for object in crate::objects::all() {
            blocks(&object.body, false, &mut found);
        }
        assert!(found.len() > 10);
        let mut by_name: HashMap<&str, &DataBlock> = HashMap::new();
        for (block, in_iteration) in found {
            assert!(!in_iteration, "{} is evaluated per element", block.name);
            let first = *by_name.entry(&block.name).or_insert(block);
            assert_eq!(first, block, "two blocks are named {}", block.name);
        }
    }

    #[test]
    fn emptiness_is_gos() {
        for (value, empty) in [
            (Value::Null, true),
            (Value::Bool(false), true),
            (Value::Bool(true), false),
            (Value::Int(0), true),
            (Value::Int(-1), false),
            (Value::Float(0.0), true),
            (Value::Float(0.5), false),
            (Value::String(String::new()), true),
            (Value::String("x".into()), false),
            (Value::List(vec![]), true),
            (Value::List(vec![Value::Null]), false),
            (Value::Map(Default::default()), true),
        ] {
            assert_eq!(is_empty(&value), empty, "{value:?}");
        }
    }
}
