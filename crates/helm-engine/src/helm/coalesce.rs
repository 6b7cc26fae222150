//! Helm's two ways of combining values, in one place.
//!
//! - [`merge_maps`] (Helm's `MergeMaps`) combines the user's inputs (`-f` files, `--set`
//!   flags): later wins, maps merge, anything else replaces, nulls are kept.
//! - [`coalesce_values`] puts values over defaults: maps merge, scalars and lists replace,
//!   and a `null` either deletes the key (Helm's `CoalesceValues`, what rendering uses) or
//!   stays (`MergeValues`, which Helm uses to read subcharts' exports). [`NullRule`] is the
//!   only difference between the two.
//! - For a chart, [`coalesce_chart`] does the same down the subcharts: each subchart's
//!   defaults under its name, the parent's `global` copied into every subchart.

use super::chart::Chart;
use crate::value::{Map, Value};

const GLOBAL: &str = "global";

/// What a `null` among the overriding values does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NullRule {
    /// Helm's `CoalesceValues`: a `null` removes the key and its default (a `null` for a key
    /// that has no default stays).
    Delete,
    /// Helm's `MergeValues`: a `null` is kept as a value.
    Keep,
}

/// Helm's `MergeMaps(into, from)`: `from` over `into`; maps merge recursively, anything else
/// replaces.
pub fn merge_maps(into: &mut Map, from: Map) {
    for (key, value) in from {
        match (into.get_mut(&key), value) {
            (Some(Value::Map(existing)), Value::Map(incoming)) => merge_maps(existing, incoming),
            (_, value) => {
                into.insert(key, value);
            }
        }
    }
}

/// `values` over `defaults` (Helm's `CoalesceValues` or `MergeValues` for a chart without
/// subcharts): maps merge, scalars and lists replace, nulls follow `nulls`.
pub fn coalesce_values(values: Map, defaults: &Map, nulls: NullRule) -> Map {
    let mut dest = values;
    coalesce_top(&mut dest, defaults, nulls, &|_| false, Within::EVERYTHING);
    dest
}

/// Helm's `CoalesceValues(chart, vals)` or `MergeValues(chart, vals)`: the values over the
/// chart's defaults, then each subchart's defaults under the subchart's name, with `global`
/// copied down. The error is Helm's, for a subchart key whose value is not a map.
pub(crate) fn coalesce_chart(chart: &Chart, values: &Map, nulls: NullRule) -> Result<Map, String> {
    coalesce_chart_within(chart, values, nulls, Within::EVERYTHING)
}

/// [`coalesce_chart`] for a caller that reads only the keys `within` names: the result holds
/// those (at least), each as the full coalescing makes it, and the same error if any. Keys
/// are coalesced independently of each other (only `global` is copied into the subcharts'
/// tables, and a subchart's table is known by its name), so leaving out the others changes
/// nothing in what is kept.
pub(crate) fn coalesce_chart_within(
    chart: &Chart,
    values: &Map,
    nulls: NullRule,
    within: &Within,
) -> Result<Map, String> {
    let mut dest = copy_within(values, within);
    coalesce_chart_into(chart, &mut dest, nulls, within)?;
    Ok(dest)
}

/// The keys of a values tree that a reader needs: every key, or those listed, each with the
/// part of its value that is needed.
#[derive(Debug, Default)]
pub(crate) struct Within {
    every_key: bool,
    keys: Vec<(String, Within)>,
}

impl Within {
    pub(crate) const EVERYTHING: &Within = &Within { every_key: true, keys: Vec::new() };
    const NOTHING: &Within = &Within { every_key: false, keys: Vec::new() };

    /// The whole value at `path` (and what leads to it) is needed.
    pub(crate) fn add_whole<'p>(&mut self, path: impl IntoIterator<Item = &'p str>) {
        self.add(path).every_key = true;
    }

    /// The node for `path`, made if missing.
    pub(crate) fn add<'p>(&mut self, path: impl IntoIterator<Item = &'p str>) -> &mut Within {
        let mut node = self;
        for key in path {
            let at = match node.keys.iter().position(|(k, _)| k == key) {
                Some(at) => at,
                None => {
                    node.keys.push((key.to_string(), Within::default()));
                    node.keys.len() - 1
                }
            };
            node = &mut node.keys[at].1;
        }
        node
    }

    fn has(&self, key: &str) -> bool {
        self.every_key || self.keys.iter().any(|(k, _)| k == key)
    }

    fn under(&self, key: &str) -> &Within {
        if self.every_key {
            return self;
        }
        self.keys.iter().find(|(k, _)| k == key).map_or(Within::NOTHING, |(_, within)| within)
    }
}

/// A copy of the part of `map` that `within` names.
fn copy_within(map: &Map, within: &Within) -> Map {
    if within.every_key {
        return map.clone();
    }
    map.iter()
        .filter(|(key, _)| within.has(key))
        .map(|(key, value)| (key.clone(), value_within(value, within.under(key))))
        .collect()
}

fn value_within(value: &Value, within: &Within) -> Value {
    match value {
        Value::Map(map) => Value::Map(copy_within(map, within)),
        _ => value.clone(),
    }
}

/// Helm's `MergeValues(chart, {})` for a chart whose own defaults are replaced by the result:
/// over no values the top level is a copy of the defaults, so they are moved, not copied.
pub(crate) fn merge_defaults_taking(chart: &mut Chart) -> Result<Map, String> {
    let mut dest = std::mem::take(&mut chart.values);
    coalesce_subcharts(chart, &mut dest, NullRule::Keep, Within::EVERYTHING)?;
    Ok(dest)
}

fn coalesce_chart_into(
    chart: &Chart,
    dest: &mut Map,
    nulls: NullRule,
    within: &Within,
) -> Result<(), String> {
    let is_subchart = |key: &str| chart.dependencies.iter().any(|d| d.name() == key);
    coalesce_top(dest, &chart.values, nulls, &is_subchart, within);
    coalesce_subcharts(chart, dest, nulls, within)
}

/// Each subchart's defaults under its name, with the parent's `global` copied in.
fn coalesce_subcharts(chart: &Chart, dest: &mut Map, nulls: NullRule, within: &Within) -> Result<(), String> {
    for sub in &chart.dependencies {
        let name = sub.name().to_string();
        match dest.get(&name) {
            None => {
                dest.insert(name.clone(), Value::Map(Map::default()));
            }
            Some(v) if !matches!(v, Value::Map(_)) => {
                return Err(format!("type mismatch on {name}: %!t({}={})", go_type(v), go_print(v)));
            }
            _ => {}
        }
        let parent_globals = dest.get(GLOBAL).cloned();
        if let Some(Value::Map(sub_values)) = dest.get_mut(&name) {
            coalesce_globals(sub_values, parent_globals.as_ref());
            coalesce_chart_into(sub, sub_values, nulls, within.under(&name))?;
        }
    }
    Ok(())
}

/// The top level of Helm's coalescing: a `null` deletes whatever the default is (below the
/// top only a non-null default), and a subchart's table is always merged with nulls kept.
fn coalesce_top(
    dest: &mut Map,
    defaults: &Map,
    nulls: NullRule,
    is_subchart: &dyn Fn(&str) -> bool,
    within: &Within,
) {
    for (key, default) in defaults.iter().filter(|(key, _)| within.has(key)) {
        match dest.get_mut(key) {
            None => {
                dest.insert(key.clone(), value_within(default, within.under(key)));
            }
            Some(Value::Null) if nulls == NullRule::Delete => {
                dest.shift_remove(key);
            }
            Some(Value::Map(table)) => {
                if let Value::Map(default_table) = default {
                    let nulls = if is_subchart(key) { NullRule::Keep } else { nulls };
                    coalesce_tables_within(table, default_table, nulls, within.under(key));
                }
            }
            Some(_) => {}
        }
    }
}

/// Helm's `coalesceTablesFullKey`: `defaults` under `dst`, recursively.
pub(crate) fn coalesce_tables(dst: &mut Map, defaults: &Map, nulls: NullRule) {
    coalesce_tables_within(dst, defaults, nulls, Within::EVERYTHING);
}

fn coalesce_tables_within(dst: &mut Map, defaults: &Map, nulls: NullRule, within: &Within) {
    for (key, default) in defaults.iter().filter(|(key, _)| within.has(key)) {
        match dst.get_mut(key) {
            None => {
                dst.insert(key.clone(), value_within(default, within.under(key)));
            }
            Some(Value::Null) if nulls == NullRule::Delete && !matches!(default, Value::Null) => {
                dst.shift_remove(key);
            }
            Some(Value::Map(table)) => {
                if let Value::Map(default_table) = default {
                    coalesce_tables_within(table, default_table, nulls, within.under(key));
                }
            }
            Some(_) => {}
        }
    }
}

/// Copies the parent's `global` into a subchart's values: the parent's scalars win, tables
/// merge (the parent's over the subchart's), and a table is never replaced by a scalar.
fn coalesce_globals(dest: &mut Map, parent_global: Option<&Value>) {
    let mut globals = match dest.get(GLOBAL) {
        None => Map::default(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => return,
    };
    let parent = match parent_global {
        None => Map::default(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => return,
    };
    for (key, value) in parent {
        match (value, globals.get(&key)) {
            (Value::Map(mut table), existing) => match existing {
                None => {
                    globals.insert(key, Value::Map(table));
                }
                Some(Value::Map(own)) => {
                    coalesce_tables(&mut table, &own.clone(), NullRule::Keep);
                    globals.insert(key, Value::Map(table));
                }
                Some(_) => {}
            },
            (_, Some(Value::Map(_))) => {}
            (value, _) => {
                globals.insert(key, value);
            }
        }
    }
    dest.insert(GLOBAL.to_string(), Value::Map(globals));
}

/// Go's type name of a value read from YAML (`%T`), for Helm's type mismatch message.
pub(crate) fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Int(_) => "int64",
        Value::Float(_) => "float64",
        Value::String(_) => "string",
        Value::List(_) => "[]interface {}",
        Value::Map(_) => "map[string]interface {}",
    }
}

/// Go's `%v` of a value read from YAML.
pub(crate) fn go_print(v: &Value) -> String {
    crate::template::fmt::format_value(&crate::template::value::Val::from_value(v), 'v', false, 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(json: serde_json::Value) -> Map {
        match Value::from_json(&json, true) {
            Value::Map(m) => m,
            _ => unreachable!(),
        }
    }

    #[test]
    fn merge_replaces_lists_and_merges_maps() {
        let mut a = map(serde_json::json!({"l": [1, 2, 3], "m": {"x": 1, "y": 2}, "s": "a"}));
        merge_maps(&mut a, map(serde_json::json!({"l": [9], "m": {"y": 3}, "s": null})));
        assert_eq!(Value::Map(a).to_json(), serde_json::json!({"l": [9], "m": {"x": 1, "y": 3}, "s": null}));
    }

    #[test]
    fn coalesce_deletes_on_null_and_fills_defaults() {
        let defaults = map(serde_json::json!({
            "deleteMe": 1, "keep": 2, "nested": {"deleteChild": 1, "child": 2, "nullDefault": null},
            "list": ["a", "b"], "scalar": 1
        }));
        let user = map(serde_json::json!({
            "deleteMe": null, "nested": {"deleteChild": null, "nullDefault": null}, "list": ["z"],
            "unknown": null, "scalar": {"m": 1}
        }));
        assert_eq!(
            Value::Map(coalesce_values(user.clone(), &defaults, NullRule::Delete)).to_json(),
            serde_json::json!({
                "nested": {"child": 2, "nullDefault": null}, "list": ["z"], "unknown": null,
                "scalar": {"m": 1}, "keep": 2
            })
        );
        assert_eq!(
            Value::Map(coalesce_values(user, &defaults, NullRule::Keep)).to_json(),
            serde_json::json!({
                "deleteMe": null, "nested": {"deleteChild": null, "nullDefault": null, "child": 2},
                "list": ["z"], "unknown": null, "scalar": {"m": 1}, "keep": 2
            })
        );
    }
}
