//! Helm's processing of Chart.yaml dependencies before rendering: which subcharts take part
//! (`condition`, `tags`), under which name (`alias`), and the values they export to their
//! parent (`import-values`).

use super::chart::{Chart, Dependency};
use super::coalesce::{
    NullRule, Within, coalesce_chart_within, coalesce_tables, go_print, merge_defaults_taking,
};
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
    let mut read = Within::default();
    values_read_for_conditions(chart, "", &mut read);
    process_dependencies_reading(chart, user, &read)
}

/// [`process_dependencies`], coalescing only what `read` names for the conditions.
fn process_dependencies_reading(chart: &mut Chart, user: &Map, read: &Within) -> Result<(), String> {
    process_enabled(chart, user, "", read)?;
    process_import_values_rec(chart)
}

/// What deciding which subcharts take part reads of the values coalesced at each chart
/// level: `tags`, `global`, the conditions' paths, and each subchart's table, which
/// coalescing makes or refuses (Helm's type mismatch), with the `global` it copies down. Helm
/// coalesces all the values once per chart that has dependencies, to read a few booleans;
/// only these keys are coalesced here. Every name a subchart may go by while it is processed
/// (its own and its aliases) is counted.
fn values_read_for_conditions(chart: &Chart, path: &str, read: &mut Within) {
    read.add_whole(["tags"]);
    read.add_whole(["global"]);
    for req in &chart.metadata.dependencies {
        for cond in req.condition.trim().split(',').filter(|cond| !cond.is_empty()) {
            read.add_whole(format!("{path}{cond}").split('.'));
        }
    }
    subchart_tables(chart, read);
    for sub in &chart.dependencies {
        for name in names_of(chart, sub) {
            values_read_for_conditions(sub, &format!("{path}{name}."), read);
        }
    }
}

/// The tables coalescing a chart's values makes or checks: one per subchart, down the
/// subcharts, each with its `global`, which coalescing copies into the tables below it.
fn subchart_tables(chart: &Chart, at: &mut Within) {
    for sub in &chart.dependencies {
        for name in names_of(chart, sub) {
            let table = at.add([name]);
            table.add_whole(["global"]);
            subchart_tables(sub, table);
        }
    }
}

/// The names a subchart of `chart` may have: its own, and the aliases requirements give it.
fn names_of<'a>(chart: &'a Chart, sub: &'a Chart) -> impl Iterator<Item = &'a str> {
    let aliases =
        chart.metadata.dependencies.iter().filter(move |req| req.name == sub.name() && !req.alias.is_empty());
    std::iter::once(sub.name()).chain(aliases.map(|req| req.alias.as_str()))
}

fn process_enabled(chart: &mut Chart, v: &Map, path: &str, read: &Within) -> Result<(), String> {
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
    let cvals = coalesce_chart_within(chart, v, NullRule::Delete, read)?;
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
        process_enabled(sub, &cvals, &sub_path, read)?;
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
    // The chart's defaults are replaced by the result below.
    let cvals = merge_defaults_taking(chart)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::helm::chart::Metadata;

    /// A small generator of charts and values from a seed (xorshift), over few names, so
    /// that conditions, tags, aliases, nulls and type clashes meet often.
    struct Gen(u64);

    impl Gen {
        fn below(&mut self, n: u64) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0 % n
        }

        fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
            items[self.below(items.len() as u64) as usize]
        }

        fn value(&mut self, depth: u32) -> Value {
            match self.below(if depth == 0 { 5 } else { 7 }) {
                0 => Value::Null,
                1 | 2 => Value::Bool(self.below(2) == 0),
                3 => Value::Int(1),
                4 => Value::String("s".into()),
                _ => Value::Map(self.map(depth - 1)),
            }
        }

        fn map(&mut self, depth: u32) -> Map {
            let mut map = Map::default();
            for _ in 0..self.below(5) {
                let key = self.pick(&["enabled", "tags", "global", "a", "t1", "t2", "s1", "s2", "s3", "al"]);
                let value = self.value(depth);
                map.insert(key.to_string(), value);
            }
            map
        }

        fn chart(&mut self, name: &str, depth: u32) -> Chart {
            let mut chart = Chart {
                metadata: Metadata { name: name.into(), version: "1.0.0".into(), ..Metadata::default() },
                values: self.map(3),
                ..Chart::default()
            };
            if depth == 0 {
                return chart;
            }
            for _ in 0..self.below(4) {
                let sub_name = self.pick(&["s1", "s2", "s3"]);
                chart.dependencies.push(self.chart(sub_name, depth - 1));
                for _ in 0..1 + self.below(2) {
                    let condition = self.pick(&[
                        "",
                        "enabled",
                        "s1.enabled",
                        "a.enabled,s2.enabled",
                        "global.s1",
                        "a",
                        "s2.global.t1",
                        "s1.s3.global.a",
                    ]);
                    let tags: &[&str] = match self.below(3) {
                        0 => &[],
                        1 => &["t1"],
                        _ => &["t1", "t2"],
                    };
                    chart.metadata.dependencies.push(Dependency {
                        name: sub_name.into(),
                        version: self.pick(&[">=1", "<1"]).into(),
                        condition: format!(
                            "{}{condition}",
                            if self.below(2) == 0 { format!("{sub_name}.") } else { String::new() }
                        ),
                        tags: tags.iter().map(|t| t.to_string()).collect(),
                        alias: self.pick(&["", "", "al"]).into(),
                        ..Dependency::default()
                    });
                }
            }
            chart
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            rng_seed: proptest::test_runner::RngSeed::Fixed(12),
            cases: 3000,
            ..proptest::test_runner::Config::default()
        })]
        /// Coalescing only the keys the conditions read decides as coalescing everything:
        /// the same subcharts, names and values, or the same error.
        #[test]
        fn conditions_read_from_part_of_the_values_decide_alike(seed in 1u64..) {
            let mut generate = Gen(seed);
            let chart = generate.chart("root", 3);
            let user = generate.map(4);
            let mut everything = chart.clone();
            let expected = process_dependencies_reading(&mut everything, &user, Within::EVERYTHING);
            let mut part = chart;
            let found = process_dependencies(&mut part, &user);
            proptest::prop_assert_eq!(&found, &expected);
            if expected.is_ok() {
                proptest::prop_assert_eq!(part, everything);
            }
        }
    }
}
