//! Helm's values coalescing across a chart and its subcharts: the user's values over the
//! chart's defaults, each subchart's defaults under its name, `global` copied down to every
//! subchart; and the processing of Chart.yaml dependencies (`condition`, `tags`, `alias`,
//! `import-values`) that decides which subcharts take part.

use crate::value::{Map, Value};

use super::chart::Chart;
use crate::funcs::semver::{Constraints, Version};

const GLOBAL: &str = "global";

fn is_table(v: &Value) -> bool {
    matches!(v, Value::Map(_))
}

/// Helm's `CoalesceValues(chart, vals)`.
pub fn coalesce_values(chart: &Chart, vals: &Map) -> Result<Map, String> {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, "", false)?;
    Ok(dest)
}

/// Helm's `MergeValues(chart, vals)`: like coalescing, but nulls are kept.
pub fn merge_values(chart: &Chart, vals: &Map) -> Result<Map, String> {
    let mut dest = vals.clone();
    coalesce(chart, &mut dest, "", true)?;
    Ok(dest)
}

fn coalesce(chart: &Chart, dest: &mut Map, prefix: &str, merge: bool) -> Result<(), String> {
    coalesce_chart_values(chart, dest, merge);
    coalesce_deps(chart, dest, prefix, merge)
}

fn concat_prefix(a: &str, b: &str) -> String {
    if a.is_empty() { b.to_string() } else { format!("{a}.{b}") }
}

fn coalesce_deps(chart: &Chart, dest: &mut Map, prefix: &str, merge: bool) -> Result<(), String> {
    for sub in &chart.dependencies {
        let name = sub.name().to_string();
        match dest.get(&name) {
            None => {
                dest.insert(name.clone(), Value::Map(Map::new()));
            }
            Some(v) if !is_table(v) => {
                return Err(format!("type mismatch on {name}: %!t({}={})", go_type(v), go_print(v)));
            }
            _ => {}
        }
        let sub_prefix = concat_prefix(prefix, chart.name());
        let parent_globals = dest.get(GLOBAL).cloned();
        if let Some(Value::Map(dv)) = dest.get_mut(&name) {
            coalesce_globals(dv, parent_globals.as_ref());
            coalesce(sub, dv, &sub_prefix, merge)?;
        }
    }
    Ok(())
}

fn go_type(v: &Value) -> &'static str {
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

fn go_print(v: &Value) -> String {
    crate::template::fmt::format_value(&crate::template::value::Val::from_value(v), 'v', false, 0)
}

/// Copies the parent's `global` into a subchart's values (the subchart's own globals win
/// for scalar keys only when the parent has none).
fn coalesce_globals(dest: &mut Map, src_global: Option<&Value>) {
    let mut dg = match dest.get(GLOBAL) {
        None => Map::new(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => return,
    };
    let sg = match src_global {
        None => Map::new(),
        Some(Value::Map(m)) => m.clone(),
        Some(_) => return,
    };
    for (key, val) in sg {
        if let Value::Map(vm) = &val {
            let mut vv = vm.clone();
            match dg.get(&key) {
                None => {
                    dg.insert(key, Value::Map(vv));
                }
                Some(Value::Map(destv)) => {
                    coalesce_tables(&mut vv, destv.clone(), true);
                    dg.insert(key, Value::Map(vv));
                }
                Some(_) => {}
            }
        } else if matches!(dg.get(&key), Some(Value::Map(_))) {
            // A table is not replaced by a scalar.
        } else {
            dg.insert(key, val);
        }
    }
    dest.insert(GLOBAL.to_string(), Value::Map(dg));
}

fn coalesce_chart_values(chart: &Chart, v: &mut Map, merge: bool) {
    for (key, val) in chart.values.clone() {
        match v.get_mut(&key) {
            Some(Value::Null) if !merge => {
                v.shift_remove(&key);
            }
            Some(Value::Map(dest)) => {
                if let Value::Map(src) = val {
                    let merge = merge || chart.dependencies.iter().any(|d| d.name() == key);
                    coalesce_tables(dest, src, merge);
                }
            }
            Some(_) => {}
            None => {
                v.insert(key, val);
            }
        }
    }
}

/// Helm's `coalesceTablesFullKey`: `src` (defaults) under `dst` (overrides).
pub fn coalesce_tables(dst: &mut Map, mut src: Map, merge: bool) {
    let src_non_nil: std::collections::HashSet<String> =
        src.iter().filter(|(_, v)| !matches!(v, Value::Null)).map(|(k, _)| k.clone()).collect();
    for (key, val) in dst.iter() {
        if matches!(val, Value::Null) {
            src.insert(key.clone(), Value::Null);
        }
    }
    for (key, val) in src {
        match dst.get_mut(&key) {
            Some(Value::Null) if !merge && src_non_nil.contains(&key) => {
                dst.shift_remove(&key);
            }
            None => {
                dst.insert(key, val);
            }
            Some(Value::Map(dm)) => {
                if let Value::Map(sv) = val {
                    coalesce_tables(dm, sv, merge);
                }
            }
            Some(_) => {}
        }
    }
}

/// The value at a dotted path (Helm's `Values.PathValue`); None when missing.
fn path_value<'a>(vals: &'a Map, path: &str) -> Option<&'a Value> {
    let mut parts = path.split('.').peekable();
    let mut cur = vals;
    while let Some(p) = parts.next() {
        let v = cur.get(p)?;
        if parts.peek().is_none() {
            return Some(v);
        }
        cur = v.as_map()?;
    }
    None
}

/// Whether `version` satisfies `constraint` (Helm's `IsCompatibleRange`).
pub fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (Version::parse(version), Constraints::parse(constraint)) {
        (Ok(v), Ok(c)) => c.check(&v),
        _ => false,
    }
}

/// Helm's `ProcessDependencies`: drops disabled subcharts, applies aliases and imports
/// values.
pub fn process_dependencies(chart: &mut Chart, user: &Map) -> Result<(), String> {
    process_enabled(chart, user, "")?;
    process_import_values_rec(chart)
}

fn process_enabled(chart: &mut Chart, v: &Map, path: &str) -> Result<(), String> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let existing = std::mem::take(&mut chart.dependencies);
    let mut deps: Vec<Chart> = Vec::new();
    for e in &existing {
        let listed = chart
            .metadata
            .dependencies
            .iter()
            .any(|req| e.name() == req.name && is_compatible_range(&req.version, &e.metadata.version));
        if !listed {
            deps.push(e.clone());
        }
    }
    for req in &mut chart.metadata.dependencies {
        if let Some(found) = existing
            .iter()
            .find(|c| c.name() == req.name && is_compatible_range(&req.version, &c.metadata.version))
        {
            let mut copy = found.clone();
            if !req.alias.is_empty() {
                copy.metadata.name = req.alias.clone();
            }
            deps.push(copy);
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    chart.dependencies = deps;
    for req in &mut chart.metadata.dependencies {
        req.enabled = true;
    }
    let cvals = coalesce_values(chart, v)?;
    // Tags.
    if let Some(Value::Map(tags)) = cvals.get("tags") {
        for req in &mut chart.metadata.dependencies {
            let (mut has_true, mut has_false) = (false, false);
            for t in &req.tags {
                match tags.get(t) {
                    Some(Value::Bool(true)) => has_true = true,
                    Some(Value::Bool(false)) => has_false = true,
                    _ => {}
                }
            }
            if !has_true && has_false {
                req.enabled = false;
            } else if has_true || !has_false {
                req.enabled = true;
            }
        }
    }
    // Conditions: the first boolean found decides.
    for req in &mut chart.metadata.dependencies {
        for cond in req.condition.trim().split(',') {
            if cond.is_empty() {
                continue;
            }
            if let Some(Value::Bool(b)) = path_value(&cvals, &format!("{path}{cond}")) {
                req.enabled = *b;
                break;
            }
        }
    }
    let removed: Vec<String> =
        chart.metadata.dependencies.iter().filter(|r| !r.enabled).map(|r| r.name.clone()).collect();
    chart.dependencies.retain(|c| !removed.contains(&c.metadata.name));
    chart.metadata.dependencies.retain(|r| !removed.contains(&r.name));
    for sub in &mut chart.dependencies {
        let sub_path = format!("{path}{}.", sub.metadata.name);
        process_enabled(sub, &cvals, &sub_path)?;
    }
    Ok(())
}

fn process_import_values_rec(chart: &mut Chart) -> Result<(), String> {
    for d in &mut chart.dependencies {
        process_import_values_rec(d)?;
    }
    process_import_values(chart)
}

fn path_to_map(path: &str, data: Map) -> Map {
    if path == "." {
        return data;
    }
    let mut cur = data;
    for p in path.split('.').rev() {
        let mut m = Map::new();
        m.insert(p.to_string(), Value::Map(cur));
        cur = m;
    }
    cur
}

fn table<'a>(vals: &'a Map, path: &str) -> Option<&'a Map> {
    let mut cur = vals;
    for p in path.split('.') {
        cur = cur.get(p)?.as_map()?;
    }
    Some(cur)
}

fn process_import_values(chart: &mut Chart) -> Result<(), String> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let cvals = merge_values(chart, &Map::new())?;
    let mut b = Map::new();
    for r in &mut chart.metadata.dependencies {
        let mut out = Vec::new();
        for riv in &r.import_values {
            match riv {
                Value::Map(iv) => {
                    let show = |k: &str| iv.get(k).map(go_print).unwrap_or_else(|| "<nil>".into());
                    let (child, parent) = (show("child"), show("parent"));
                    let mut m = Map::new();
                    m.insert("child".into(), Value::String(child.clone()));
                    m.insert("parent".into(), Value::String(parent.clone()));
                    out.push(Value::Map(m));
                    if let Some(vv) = table(&cvals, &format!("{}.{child}", r.name)) {
                        coalesce_tables(&mut b, path_to_map(&parent, vv.clone()), true);
                    }
                }
                Value::String(iv) => {
                    let child = format!("exports.{iv}");
                    let mut m = Map::new();
                    m.insert("child".into(), Value::String(child.clone()));
                    m.insert("parent".into(), Value::String(".".into()));
                    out.push(Value::Map(m));
                    if let Some(vm) = table(&cvals, &format!("{}.{child}", r.name)) {
                        coalesce_tables(&mut b, vm.clone(), true);
                    }
                }
                _ => {}
            }
        }
        r.import_values = out;
    }
    let mut merged = cvals;
    coalesce_tables(&mut merged, b, true);
    chart.values = merged;
    Ok(())
}
