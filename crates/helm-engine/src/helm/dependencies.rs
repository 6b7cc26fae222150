//! Helm's processing of Chart.yaml dependencies before rendering: which subcharts take part
//! (`condition`, `tags`), under which name (`alias`), and the values they export to their
//! parent (`import-values`).

use super::chart::{Chart, Dependency};
use super::coalesce::{NullRule, coalesce_chart, coalesce_tables, go_print};
use crate::funcs::semver::{Constraints, Version};
use crate::value::{Map, Value};

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
pub(crate) fn is_compatible_range(constraint: &str, version: &str) -> bool {
    match (Version::parse(version), Constraints::parse(constraint)) {
        (Ok(v), Ok(c)) => c.check(&v),
        _ => false,
    }
}

/// The dependencies Chart.yaml lists that the chart does not hold (Helm's
/// `CheckDependencies`, which `helm template` runs on the chart it is given): compared by
/// chart name only, whatever the version or alias.
pub(crate) fn missing_dependencies(chart: &Chart) -> Vec<String> {
    chart
        .metadata
        .dependencies
        .iter()
        .filter(|req| !chart.dependencies.iter().any(|sub| sub.name() == req.name))
        .map(|req| req.name.clone())
        .collect()
}

/// Helm's `ProcessDependencies`: drops disabled subcharts, applies aliases and imports
/// values.
pub(crate) fn process_dependencies(chart: &mut Chart, user: &Map) -> Result<(), String> {
    process_enabled(chart, user, "")?;
    process_import_values_rec(chart)
}

fn process_enabled(chart: &mut Chart, v: &Map, path: &str) -> Result<(), String> {
    if chart.metadata.dependencies.is_empty() {
        return Ok(());
    }
    let mut existing: Vec<Option<Chart>> =
        std::mem::take(&mut chart.dependencies).into_iter().map(Some).collect();
    let requested = |req: &Dependency, c: &Chart| {
        c.name() == req.name && is_compatible_range(&req.version, &c.metadata.version)
    };
    // For each requirement, the first subchart it names; a subchart no requirement names is
    // kept as it is.
    let found: Vec<Option<usize>> = chart
        .metadata
        .dependencies
        .iter()
        .map(|req| existing.iter().position(|c| c.as_ref().is_some_and(|c| requested(req, c))))
        .collect();
    let mut deps: Vec<Chart> = Vec::new();
    for e in &mut existing {
        if e.as_ref().is_some_and(|c| !chart.metadata.dependencies.iter().any(|req| requested(req, c))) {
            deps.extend(e.take());
        }
    }
    for (at, req) in chart.metadata.dependencies.iter_mut().enumerate() {
        if let Some(index) = found[at] {
            // Moved on its last use, copied before (two aliases of one subchart).
            let used_again = found[at + 1..].contains(&Some(index));
            let sub = if used_again { existing[index].clone() } else { existing[index].take() };
            if let Some(mut sub) = sub {
                if !req.alias.is_empty() {
                    sub.metadata.name = req.alias.clone();
                }
                deps.push(sub);
            }
        }
        if !req.alias.is_empty() {
            req.name = req.alias.clone();
        }
    }
    chart.dependencies = deps;
    for req in &mut chart.metadata.dependencies {
        req.enabled = true;
    }
    let cvals = coalesce_chart(chart, v, NullRule::Delete)?;
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
        let mut m = Map::default();
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
    let cvals = coalesce_chart(chart, &Map::default(), NullRule::Keep)?;
    let mut b = Map::default();
    for r in &mut chart.metadata.dependencies {
        let mut out = Vec::new();
        for riv in &r.import_values {
            match riv {
                Value::Map(iv) => {
                    let show = |k: &str| iv.get(k).map(go_print).unwrap_or_else(|| "<nil>".into());
                    let (child, parent) = (show("child"), show("parent"));
                    let mut m = Map::default();
                    m.insert("child".into(), Value::String(child.clone()));
                    m.insert("parent".into(), Value::String(parent.clone()));
                    out.push(Value::Map(m));
                    if let Some(vv) = table(&cvals, &format!("{}.{child}", r.name)) {
                        coalesce_tables(&mut b, &path_to_map(&parent, vv.clone()), NullRule::Keep);
                    }
                }
                Value::String(iv) => {
                    let child = format!("exports.{iv}");
                    let mut m = Map::default();
                    m.insert("child".into(), Value::String(child.clone()));
                    m.insert("parent".into(), Value::String(".".into()));
                    out.push(Value::Map(m));
                    if let Some(vm) = table(&cvals, &format!("{}.{child}", r.name)) {
                        coalesce_tables(&mut b, vm, NullRule::Keep);
                    }
                }
                _ => {}
            }
        }
        r.import_values = out;
    }
    let mut merged = cvals;
    coalesce_tables(&mut merged, &b, NullRule::Keep);
    chart.values = merged;
    Ok(())
}
