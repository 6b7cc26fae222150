//! Sprig's dictionary functions, with Go map semantics: `set`, `unset`, `merge` and
//! `mergeOverwrite` change the map they are given (and every holder of it sees the change).

use std::collections::BTreeMap;

use super::conv::strval;
use super::misc::is_empty_val;
use crate::template::error::GoError;
use crate::template::funcs::{FuncTable, arg, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{MAX_NESTING, MapKind, MapRef, Val};

type R = Result<Val, GoError>;

const MAP: Ty = Ty::IfaceMap;

fn map_of(v: &Val) -> Option<&MapRef> {
    match v {
        Val::Map(m) => Some(m),
        _ => None,
    }
}

pub(crate) fn register(t: &mut FuncTable) {
    t.add("dict", Sig::variadic(&[], Ty::Any), |_, a| {
        let mut m = BTreeMap::new();
        for pair in a.chunks(2) {
            let key = strval(&pair[0]);
            m.insert(key, pair.get(1).cloned().unwrap_or_else(|| Val::str("")));
        }
        Ok(Val::map(m))
    });
    t.add("get", Sig::fixed(&[MAP, Ty::Str]), |_, a| {
        let found = map_of(&arg(a, 0)).and_then(|m| m.borrow().entries.get(arg_str(a, 1)).cloned());
        Ok(found.unwrap_or_else(|| Val::str("")))
    });
    t.add("set", Sig::fixed(&[MAP, Ty::Str, Ty::Any]), |_, a| {
        let d = arg(a, 0);
        if let Some(m) = map_of(&d) {
            m.borrow_mut().insert(arg_str(a, 1).to_string(), arg(a, 2));
        }
        Ok(d)
    });
    t.add("unset", Sig::fixed(&[MAP, Ty::Str]), |_, a| {
        let d = arg(a, 0);
        if let Some(m) = map_of(&d) {
            m.borrow_mut().remove(arg_str(a, 1));
        }
        Ok(d)
    });
    t.add("hasKey", Sig::fixed(&[MAP, Ty::Str]), |_, a| {
        Ok(Val::Bool(map_of(&arg(a, 0)).is_some_and(|m| m.borrow().entries.contains_key(arg_str(a, 1)))))
    });
    t.add("pluck", Sig::variadic(&[Ty::Str], MAP), |_, a| {
        let key = arg_str(a, 0);
        let found =
            a[1..].iter().filter_map(|d| map_of(d).and_then(|m| m.borrow().entries.get(key).cloned()));
        Ok(Val::list(found.collect()))
    });
    t.add("keys", Sig::variadic(&[], MAP), |_, a| {
        let mut keys = Vec::new();
        for d in a {
            if let Some(m) = map_of(d) {
                keys.extend(m.borrow().entries.keys().cloned());
            }
        }
        Ok(Val::str_list(keys))
    });
    t.add("pick", Sig::variadic(&[MAP], Ty::Str), |_, a| {
        let src = map_of(&arg(a, 0)).map(|m| m.borrow().entries.clone()).unwrap_or_default();
        let mut out = BTreeMap::new();
        for k in &a[1..] {
            let k = k.as_str().unwrap_or("");
            if let Some(v) = src.get(k) {
                out.insert(k.to_string(), v.clone());
            }
        }
        Ok(Val::map(out))
    });
    t.add("omit", Sig::variadic(&[MAP], Ty::Str), |_, a| {
        let src = map_of(&arg(a, 0)).map(|m| m.borrow().entries.clone()).unwrap_or_default();
        let omit: Vec<&str> = a[1..].iter().map(|v| v.as_str().unwrap_or("")).collect();
        Ok(Val::map(src.into_iter().filter(|(k, _)| !omit.contains(&k.as_str())).collect()))
    });
    t.add("values", Sig::fixed(&[MAP]), |_, a| {
        let src = map_of(&arg(a, 0)).map(|m| m.borrow().entries.clone()).unwrap_or_default();
        Ok(Val::list(src.into_values().collect()))
    });
    for (name, overwrite) in
        [("merge", false), ("mustMerge", false), ("mergeOverwrite", true), ("mustMergeOverwrite", true)]
    {
        let f: crate::template::funcs::NativeFn =
            if overwrite { |_, a| merge_all(a, true) } else { |_, a| merge_all(a, false) };
        let _ = name;
        t.add(name, Sig::variadic(&[MAP], MAP), f);
    }
    for name in ["deepCopy", "mustDeepCopy"] {
        // copystructure reflects on its argument: nil has no type.
        t.add(name, Sig::fixed(&[Ty::Any]), |_, a| {
            if arg(a, 0).is_nil() {
                return Err(GoError::msg("reflect: call of reflect.Value.Type on zero Value"));
            }
            Ok(arg(a, 0).deep_copy())
        });
    }
    t.add("dig", Sig::variadic(&[], Ty::Any), dig);
}

fn merge_all(a: &[Val], overwrite: bool) -> R {
    let dst = arg(a, 0);
    let Some(dst_map) = map_of(&dst).cloned() else {
        return Ok(dst);
    };
    for src in &a[1..] {
        if let Some(src_map) = map_of(src) {
            mergo(&dst_map, src_map, overwrite, 0);
        }
    }
    Ok(dst)
}

/// dario.cat/mergo's map merge as Sprig calls it: maps merge recursively; without
/// `overwrite` a source value only fills a missing or empty destination value.
fn mergo(dst: &MapRef, src: &MapRef, overwrite: bool, depth: usize) {
    if depth > MAX_NESTING {
        return;
    }
    let src_entries = src.borrow().entries.clone();
    for (key, sv) in src_entries {
        let dv = dst.borrow().entries.get(&key).cloned();
        if sv.is_nil() {
            if overwrite {
                dst.borrow_mut().insert(key, Val::Nil);
            }
            continue;
        }
        match &sv {
            Val::Map(sm) => {
                if let Some(Val::Map(dm)) = &dv
                    && !std::rc::Rc::ptr_eq(dm, sm)
                {
                    mergo(dm, sm, overwrite, depth + 1);
                }
            }
            Val::List(_) | Val::Bytes(_) => {
                let dst_empty = dst.borrow().entries.is_empty();
                let value = if overwrite || dst_empty {
                    sv.clone()
                } else {
                    match &dv {
                        Some(v) if !v.is_nil() => v.clone(),
                        _ => empty_like(&sv),
                    }
                };
                dst.borrow_mut().insert(key.clone(), value);
            }
            _ => {}
        }
        if let Some(d) = &dv
            && !is_empty_val(d)
        {
            if matches!(sv, Val::List(_) | Val::Bytes(_)) {
                continue;
            }
            if matches!(sv, Val::Map(_)) && matches!(d, Val::Map(_)) {
                continue;
            }
        }
        if overwrite || dv.as_ref().is_none_or(is_empty_val) {
            dst.borrow_mut().insert(key, sv);
        }
    }
}

fn empty_like(v: &Val) -> Val {
    match v {
        Val::List(l) => Val::typed_list(l.kind, Vec::new()),
        Val::Bytes(_) => Val::Bytes(Default::default()),
        _ => Val::Nil,
    }
}

fn type_assertion(v: &Val, want: &str) -> GoError {
    let have = if v.is_nil() { "nil".to_string() } else { v.type_name() };
    GoError::msg(format!("interface conversion: interface {{}} is {have}, not {want}"))
}

fn dig(_: &crate::template::exec::CallCtx<'_>, ps: &[Val]) -> R {
    if ps.len() < 3 {
        return Err(GoError::msg("dig needs at least three arguments"));
    }
    let last = &ps[ps.len() - 1];
    let mut dict = match last {
        Val::Map(m) if m.borrow().kind == MapKind::Iface => m.clone(),
        other => return Err(type_assertion(other, "map[string]interface {}")),
    };
    let default = ps[ps.len() - 2].clone();
    let mut keys = Vec::new();
    for k in &ps[..ps.len() - 2] {
        match k {
            Val::Str(s) => keys.push(s.to_string()),
            other => return Err(type_assertion(other, "string")),
        }
    }
    for (i, key) in keys.iter().enumerate() {
        let step = dict.borrow().entries.get(key).cloned();
        let Some(step) = step else {
            return Ok(default);
        };
        if i + 1 == keys.len() {
            return Ok(step);
        }
        dict = match &step {
            Val::Map(m) if m.borrow().kind == MapKind::Iface => m.clone(),
            other => return Err(type_assertion(other, "map[string]interface {}")),
        };
    }
    Ok(default)
}
