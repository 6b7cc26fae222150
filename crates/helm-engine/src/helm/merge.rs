//! Helm's two ways of combining values: merging user inputs into each other
//! ([`merge_maps`]: later wins, maps merge, nulls are kept) and coalescing the user's values
//! over the chart's defaults ([`coalesce`]: a user `null` deletes a default key).

use crate::value::{Map, Value};

/// Helm's `MergeMaps(a, b)`: `b` over `a`; maps merge recursively, anything else replaces.
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

/// Helm's `CoalesceValues`: the user's values over the chart defaults. Maps merge, scalars
/// and lists replace, a user `null` removes a default key; a user `null` for a key the chart
/// does not have stays `null`.
pub fn coalesce(user: Map, defaults: &Map) -> Map {
    let mut result = user;
    for (key, default) in defaults {
        match result.get_mut(key) {
            None => {
                result.insert(key.clone(), default.clone());
            }
            Some(Value::Null) => {
                result.shift_remove(key);
            }
            Some(Value::Map(user_map)) => {
                if let Value::Map(default_map) = default {
                    coalesce_tables(user_map, default_map);
                }
            }
            Some(_) => {}
        }
    }
    result
}

/// Helm's `coalesceTablesFullKey` without merge mode, below the top level.
fn coalesce_tables(dst: &mut Map, src: &Map) {
    for (key, default) in src {
        match dst.get_mut(key) {
            None => {
                dst.insert(key.clone(), default.clone());
            }
            Some(Value::Null) => {
                if !matches!(default, Value::Null) {
                    dst.shift_remove(key);
                }
            }
            Some(Value::Map(user_map)) => {
                if let Value::Map(default_map) = default {
                    coalesce_tables(user_map, default_map);
                }
            }
            Some(_) => {}
        }
    }
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
            "deleteMe": 1, "keep": 2, "nested": {"deleteChild": 1, "child": 2}, "list": ["a", "b"], "scalar": 1
        }));
        let user = map(serde_json::json!({
            "deleteMe": null, "nested": {"deleteChild": null}, "list": ["z"], "unknown": null, "scalar": {"m": 1}
        }));
        assert_eq!(
            Value::Map(coalesce(user, &defaults)).to_json(),
            serde_json::json!({
                "nested": {"child": 2}, "list": ["z"], "unknown": null, "scalar": {"m": 1}, "keep": 2
            })
        );
    }
}
