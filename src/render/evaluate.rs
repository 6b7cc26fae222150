//! A tree evaluated against the values: conditions decided, expressions computed, the values'
//! own maps and lists copied in. Maps copied from the values, and ConfigMap data, come out with
//! sorted keys, as Helm's `toYaml` prints them in the chart.

use sha2::{Digest, Sha256};

use crate::components::expr::Ctx;
use crate::components::tree::{Content, DataBlock, Node, Part, Presence};
use helm_engine::{KeyOrder, to_yaml};
use helm_engine::{Map, Value};

/// The value a tree stands for.
pub fn evaluate(node: &Node, ctx: &Ctx<'_>) -> Value {
    match node {
        Node::Str(text) => Value::String(text.to_string()),
        Node::Int(number) => Value::Int(*number),
        Node::Bool(flag) => Value::Bool(*flag),
        Node::Text(expr) => Value::String(expr.eval(ctx)),
        Node::Number(path) => Value::Int(ctx.int(path)),
        Node::Map(parts) => {
            let mut map = Map::default();
            for part in parts {
                match part {
                    Part::Entry(key, value, presence) => {
                        if let Some(value) = present(value, presence, ctx) {
                            map.insert(key.to_string(), value);
                        }
                    }
                    Part::Splice(path) => {
                        if let Value::Map(entries) = sorted(ctx.lookup(path)) {
                            map.extend(entries);
                        }
                    }
                    Part::Include(_, fragment) => {
                        if let Value::Map(entries) = evaluate(fragment, ctx) {
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
            for part in parts {
                match part {
                    Part::Item(value, presence) => items.extend(present(value, presence, ctx)),
                    Part::Each(seq, item) => {
                        for element in seq.eval(ctx) {
                            items.push(evaluate(item, &ctx.at(&element)));
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
        Node::Checksum(block) => Value::String(checksum(data(block, ctx))),
    }
}

/// The value of an entry or item, when it is there.
fn present(value: &Node, presence: &Presence, ctx: &Ctx<'_>) -> Option<Value> {
    match presence {
        Presence::Always => Some(evaluate(value, ctx)),
        Presence::When(cond) => cond.eval(ctx).then(|| evaluate(value, ctx)),
        Presence::NonEmpty => Some(evaluate(value, ctx)).filter(|v| !is_empty(v)),
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
