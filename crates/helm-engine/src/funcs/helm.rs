//! Helm's own template functions: `include`, `tpl`, `required`, `fail`, `lookup` (always
//! empty, as in `helm template`), `toYaml`, `toYamlPretty`, `fromYaml`, `fromYamlArray`.

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::strconv::quote;
use crate::template::error::GoError;
use crate::template::exec::{CallCtx, MAX_TPL_DEPTH, TemplateSet, execute, execute_tree};
use crate::template::funcs::{FuncTable, arg, arg_str};
use crate::template::parser::parse;
use crate::template::sig::{Sig, Ty};
use crate::template::value::{MAX_NESTING, MapKind, Val, YamlView};
use crate::yaml::{KeyOrder, PrettyNode, go_map_order, load_first_yaml_document, pretty_document, to_yaml};

/// Helm's limit on nested `include`s of one name.
pub(crate) const RECURSION_MAX: usize = 1000;

/// Helm marks the messages of `required` and `fail` so that it can print them alone.
pub(crate) const WARN_START: &str = "HELM_ERR_START";
/// End of the mark.
pub(crate) const WARN_END: &str = "HELM_ERR_END";

pub(crate) fn register(t: &mut FuncTable) {
    t.add("include", Sig::fixed(&[Ty::Str, Ty::Any]), include);
    t.add("tpl", Sig::fixed(&[Ty::Str, Ty::Any]), tpl);
    t.add("required", Sig::fixed(&[Ty::Str, Ty::Any]), |_, a| {
        let val = arg(a, 1);
        let missing = match &val {
            Val::Nil => true,
            Val::Str(s) => s.is_empty(),
            _ => false,
        };
        if missing {
            return Err(GoError::msg(format!("{WARN_START}{}{WARN_END}", arg_str(a, 0))));
        }
        Ok(val)
    });
    // Helm marks the messages of `required` and `fail` so that it can report them alone.
    t.add("fail", Sig::fixed(&[Ty::Str]), |_, a| {
        Err(GoError::msg(format!("{WARN_START}{}{WARN_END}", arg_str(a, 0))))
    });
    super::json::register_helm(t);
    t.add("lookup", Sig::fixed(&[Ty::Str, Ty::Str, Ty::Str, Ty::Str]), |_, _| Ok(Val::map(BTreeMap::new())));
    values_methods(t);
    t.add("toYaml", Sig::fixed(&[Ty::Any]), |_, a| Ok(Val::str(to_yaml_text(&arg(a, 0)))));
    t.add("mustToYaml", Sig::fixed(&[Ty::Any]), |_, a| {
        let v = arg(a, 0);
        match v.to_value() {
            Some(value) => Ok(Val::str(to_yaml(&value, KeyOrder::Sorted).trim_end_matches('\n'))),
            None => Err(GoError::msg("json: unsupported value: encountered a cycle")),
        }
    });
    t.add("toYamlPretty", Sig::fixed(&[Ty::Any]), |_, a| Ok(Val::str(to_yaml_pretty_text(&arg(a, 0)))));
    t.add("fromYaml", Sig::fixed(&[Ty::Str]), |_, a| Ok(from_yaml(arg_str(a, 0), false)));
    t.add("fromYamlArray", Sig::fixed(&[Ty::Str]), |_, a| Ok(from_yaml(arg_str(a, 0), true)));
    t.add("toToml", Sig::fixed(&[Ty::Any]), |_, a| Ok(Val::str(super::toml::to_toml(&arg(a, 0)))));
    t.add("fromToml", Sig::fixed(&[Ty::Str]), |c, a| {
        let env = super::FuncEnv::of(c);
        let offset = env.local().to_offset_info(env.now()).offset().seconds();
        Ok(super::toml::from_toml(arg_str(a, 0), offset, env.local_zone()))
    });
}

/// The methods of Helm's `common.Values` (the type of `.Values` and of the top-level
/// object), which Go's templates find before map keys of the same name.
fn values_methods(t: &mut FuncTable) {
    let values = MapKind::Values;
    // Both hand back the map itself, typed `map[string]interface {}` and `common.Values`;
    // here they are shallow copies of that type.
    t.add_map_method(values, "AsMap", Sig::fixed(&[]), |_, a| Ok(retyped(&arg(a, 0), MapKind::Iface)));
    t.add_map_method(values, "YAML", Sig::fixed(&[]), |_, a| {
        let v = arg(a, 0);
        v.to_value()
            .map(|value| Val::str(to_yaml(&value, KeyOrder::Sorted)))
            .ok_or_else(|| GoError::msg("json: unsupported value: encountered a cycle"))
    });
    t.add_map_method(values, "Table", Sig::fixed(&[Ty::Str]), |_, a| {
        values_table(&arg(a, 0), arg_str(a, 1)).map(|t| retyped(&t, MapKind::Values))
    });
    t.add_map_method(values, "PathValue", Sig::fixed(&[Ty::Str]), |_, a| {
        values_path_value(&arg(a, 0), arg_str(a, 1))
    });
    // Nothing a template can pass is an io.Writer: the call fails on its argument.
    t.add_map_method(values, "Encode", Sig::fixed(&[Ty::Named("io.Writer")]), |_, _| {
        Err(GoError::msg("an io.Writer cannot be passed from a template"))
    });
}

/// A map of another Go map type with the same entries.
fn retyped(v: &Val, kind: MapKind) -> Val {
    Val::typed_map(kind, v.map_entries().unwrap_or_default())
}

/// `Values.Table`: the map at a dotted path of map keys.
fn values_table(v: &Val, path: &str) -> Result<Val, GoError> {
    let mut table = v.clone();
    for key in path.split('.') {
        let next = table.map_entries().and_then(|m| m.get(key).cloned());
        match next {
            Some(found @ Val::Map(_)) => table = found,
            _ => return Err(GoError::msg(format!("{} is not a table", quote(key)))),
        }
    }
    Ok(table)
}

/// `Values.PathValue`: the non-table value at a dotted path.
fn values_path_value(v: &Val, path: &str) -> Result<Val, GoError> {
    if path.is_empty() {
        return Err(GoError::msg("YAML path cannot be empty"));
    }
    let parts: Vec<&str> = path.split('.').collect();
    let (key, parents) = parts.split_last().expect("split gives at least one part");
    let not_a_value = || GoError::msg(format!("{} is not a value", quote(key)));
    let table = if parents.is_empty() {
        v.clone()
    } else {
        values_table(v, &parents.join(".")).map_err(|_| not_a_value())?
    };
    match table.map_entries().and_then(|m| m.get(*key).cloned()) {
        Some(Val::Map(m)) if m.borrow().kind == MapKind::Iface => Err(not_a_value()),
        Some(found) => Ok(found),
        None => Err(not_a_value()),
    }
}

/// Helm's `toYaml`: go-yaml output without the final newline; empty when it cannot be
/// marshalled.
pub(crate) fn to_yaml_text(v: &Val) -> String {
    match v.to_value() {
        Some(value) => {
            let mut text = to_yaml(&value, KeyOrder::Sorted);
            if text.ends_with('\n') {
                text.pop();
            }
            text
        }
        None => String::new(),
    }
}

/// Helm's `toYamlPretty`: go-yaml v3's output with a two-space indent, without the final
/// newline. Empty for a value that contains itself, where helm's recursion never ends.
fn to_yaml_pretty_text(v: &Val) -> String {
    match pretty_node(v, 0) {
        Some(node) => {
            let mut text = pretty_document(&node);
            if text.ends_with('\n') {
                text.pop();
            }
            text
        }
        None => String::new(),
    }
}

/// A value as go-yaml v3's encoder sees it; `None` past [`MAX_NESTING`] levels.
fn pretty_node(v: &Val, depth: usize) -> Option<PrettyNode> {
    if depth > MAX_NESTING {
        return None;
    }
    let nested = |v: &Val| pretty_node(v, depth + 1);
    Some(match v {
        Val::Nil => PrettyNode::Null,
        Val::Bool(b) => PrettyNode::Bool(*b),
        Val::Int(i) | Val::Int64(i) => PrettyNode::Int(*i),
        Val::Byte(b) => PrettyNode::Uint(u64::from(*b)),
        Val::Float(f) => PrettyNode::Float(*f),
        Val::Str(s) => pretty_string(s),
        // A byte slice is a sequence of numbers to go-yaml.
        Val::Bytes(bytes) => {
            PrettyNode::List(bytes.iter().map(|b| PrettyNode::Uint(u64::from(*b))).collect())
        }
        Val::List(list) => PrettyNode::List(list.items.iter().map(nested).collect::<Option<_>>()?),
        Val::Map(map) => {
            let map = map.try_borrow().ok()?;
            let entries: Vec<(&String, &Val)> = map.entries.iter().collect();
            let keys: Vec<&str> = entries.iter().map(|(k, _)| k.as_str()).collect();
            let ordered = go_map_order(&keys).into_iter().map(|i| {
                let (key, value) = entries[i];
                Some((pretty_string(key), nested(value)?))
            });
            PrettyNode::Map(ordered.collect::<Option<_>>()?)
        }
        Val::Obj(object) => match object.yaml_view() {
            YamlView::Struct(fields) => PrettyNode::Map(
                fields
                    .into_iter()
                    .map(|(name, value)| Some((PrettyNode::Str(name), nested(&value)?)))
                    .collect::<Option<_>>()?,
            ),
            YamlView::As(value) => nested(&value)?,
            YamlView::Time(text) => PrettyNode::Verbatim(text),
        },
    })
}

/// A Go string as go-yaml v3 sees it: text when its bytes are UTF-8, else binary data.
fn pretty_string(s: &str) -> PrettyNode {
    match crate::strconv::go_bytes(s) {
        // No stand-ins for raw bytes: the text itself.
        std::borrow::Cow::Borrowed(_) => PrettyNode::Str(s.to_string()),
        std::borrow::Cow::Owned(bytes) => match String::from_utf8(bytes) {
            Ok(text) => PrettyNode::Str(text),
            Err(e) => PrettyNode::Binary(e.into_bytes()),
        },
    }
}

/// How many texts `fromYaml` keeps read.
const CACHED_YAML: usize = 256;

thread_local! {
    /// The texts `fromYaml` read on this (rendering) thread, with what they hold. Charts read
    /// the same text again for every object (one of Bitnami's reads its `Chart.yaml` a
    /// hundred times), and reading YAML costs far more than building the values again; each
    /// call gets values of its own, which a template may change.
    static READ_YAML: std::cell::RefCell<foldhash::HashMap<String, Result<Option<crate::value::Value>, String>>> =
        std::cell::RefCell::default();
}

/// The first document of `text` (`None` when empty or null), or go-yaml's error, remembered.
fn first_yaml_value(text: &str) -> Result<Option<crate::value::Value>, String> {
    if let Some(read) = READ_YAML.with_borrow(|cache| cache.get(text).cloned()) {
        return read;
    }
    let read = match load_first_yaml_document(text) {
        Err(e) => Err(format!("error converting YAML to JSON: {}", e.go_yaml_text())),
        Ok(doc) => Ok(doc.and_then(|d| d.root).filter(|root| !matches!(root, crate::value::Value::Null))),
    };
    READ_YAML.with_borrow_mut(|cache| {
        if cache.len() >= CACHED_YAML {
            cache.clear();
        }
        cache.insert(text.to_string(), read.clone());
    });
    read
}

/// Helm's `fromYaml` (a map, errors under "Error") and `fromYamlArray` (a list, an error as
/// its only element).
fn from_yaml(text: &str, array: bool) -> Val {
    let target = if array { "[]interface {}" } else { "map[string]interface {}" };
    let result = match first_yaml_value(text) {
        Err(e) => Err(e),
        Ok(None) => Ok(None),
        Ok(Some(v)) => {
            let val = Val::from_value(&v);
            let ok = if array { matches!(val, Val::List(_)) } else { matches!(val, Val::Map(_)) };
            if ok {
                Ok(Some(val))
            } else {
                let what = match val {
                    Val::List(_) => "array",
                    Val::Map(_) => "object",
                    Val::Str(_) => "string",
                    Val::Bool(_) => "bool",
                    _ => "number",
                };
                Err(format!(
                    "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {what} into Go value of type {target}"
                ))
            }
        }
    };
    match (result, array) {
        (Ok(Some(v)), _) => v,
        (Ok(None), false) => Val::map(BTreeMap::new()),
        (Ok(None), true) => Val::list(Vec::new()),
        (Err(e), false) => Val::map(BTreeMap::from([("Error".to_string(), Val::str(e))])),
        (Err(e), true) => Val::list(vec![Val::str(e)]),
    }
}

fn include(ctx: &CallCtx<'_>, a: &[Val]) -> Result<Val, GoError> {
    let name = arg_str(a, 0).to_string();
    let data = arg(a, 1);
    {
        let mut counts = ctx.rt.named_calls.borrow_mut();
        let count = counts.entry(name.clone()).or_insert(0);
        if *count > RECURSION_MAX {
            return Err(GoError::wrap(
                &format!("rendering template has a nested reference name: {name}: "),
                GoError::msg("unable to execute template"),
            ));
        }
        *count += 1;
    }
    let result = execute(ctx.rt, ctx.set, &name, Some(data));
    if let Some(count) = ctx.rt.named_calls.borrow_mut().get_mut(&name) {
        *count = count.saturating_sub(1);
    }
    result.map(Val::str)
}

fn tpl(ctx: &CallCtx<'_>, a: &[Val]) -> Result<Val, GoError> {
    let depth = &ctx.rt.tpl_depth;
    if depth.get() >= MAX_TPL_DEPTH {
        return Err(GoError::msg(format!(
            "tpl calls nest more than {MAX_TPL_DEPTH} deep (a template that runs itself through tpl?)"
        )));
    }
    depth.set(depth.get() + 1);
    let result = tpl_once(ctx, a);
    depth.set(depth.get() - 1);
    result
}

fn tpl_once(ctx: &CallCtx<'_>, a: &[Val]) -> Result<Val, GoError> {
    let text = arg_str(a, 0);
    let data = arg(a, 1);
    let funcs = ctx.rt.funcs.clone();
    let root = ctx.set.root.clone();
    let cached = ctx.rt.tpl_parsed.borrow().get(&*root).and_then(|texts| texts.get(text)).cloned();
    let trees = match cached {
        Some(trees) => trees,
        None => {
            let known = funcs.names();
            let trees = parse(&root, text, &|name| known.contains(name)).map_err(|e| {
                GoError::wrap(
                    &format!("cannot parse template {}: ", quote(text)),
                    GoError::msg(e.to_string()),
                )
            })?;
            let mut parsed = ctx.rt.tpl_parsed.borrow_mut();
            parsed.entry(root.to_string()).or_default().insert(text.to_string(), trees.clone());
            trees
        }
    };
    // The text's own tree runs even when an existing template of the same name is kept.
    let own = trees.iter().find(|t| t.name == root).cloned();
    let mut set = TemplateSet::extending(ctx.set);
    set.add_trees(trees);
    let set = Rc::new(set);
    let out = match own {
        Some(tree) => execute_tree(ctx.rt, &set, &tree, Some(data)),
        None => execute(ctx.rt, &set, &root, Some(data)),
    };
    let out = out.map_err(|e| {
        GoError::wrap(&format!("error during tpl function execution for {}: ", quote(text)), e)
    })?;
    Ok(Val::str(out.replace("<no value>", "")))
}
