//! Sprig's list functions. The non-`must` variants fail with the same message (Sprig
//! panics and Go's template engine turns the panic into the call's error).

use super::conv::{strslice, strval};
use super::misc::is_empty_val;
use crate::template::error::GoError;
use crate::template::funcs::{FuncTable, NIL_DEREFERENCE, arg, arg_int};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{List, SliceKind, Val, deep_equal};

type R = Result<Val, GoError>;

/// Go's kind name as Sprig's errors print it.
pub(crate) fn kind_of(v: &Val) -> &'static str {
    v.kind_name()
}

/// The elements of a slice argument, or Sprig's error for another kind (`what` names the
/// operation: "Cannot find first on type string").
fn items(v: &Val, what: &str) -> Result<Vec<Val>, GoError> {
    match v {
        Val::Nil => Err(GoError::msg(NIL_DEREFERENCE)),
        other => other.list_items().ok_or_else(|| GoError::msg(format!("{what} {}", kind_of(other)))),
    }
}

pub(crate) fn register(t: &mut FuncTable) {
    let any1 = Sig::fixed(&[Ty::Any]);
    let any2 = Sig::fixed(&[Ty::Any, Ty::Any]);
    t.add("list", Sig::variadic(&[], Ty::Any), |_, a| Ok(Val::list(a.to_vec())));
    t.add("tuple", Sig::variadic(&[], Ty::Any), |_, a| Ok(Val::list(a.to_vec())));
    for name in ["append", "push", "mustAppend", "mustPush"] {
        t.add(name, any2, |_, a| {
            let mut l = items(&arg(a, 0), "Cannot push on type")?;
            l.push(arg(a, 1));
            Ok(Val::list(l))
        });
    }
    for name in ["prepend", "mustPrepend"] {
        t.add(name, any2, |_, a| {
            let mut l = items(&arg(a, 0), "Cannot prepend on type")?;
            l.insert(0, arg(a, 1));
            Ok(Val::list(l))
        });
    }
    for name in ["first", "mustFirst"] {
        t.add(name, any1, |_, a| {
            Ok(items(&arg(a, 0), "Cannot find first on type")?.first().cloned().unwrap_or_default())
        });
    }
    for name in ["last", "mustLast"] {
        t.add(name, any1, |_, a| {
            Ok(items(&arg(a, 0), "Cannot find last on type")?.last().cloned().unwrap_or_default())
        });
    }
    for name in ["rest", "mustRest"] {
        t.add(name, any1, |_, a| {
            let l = items(&arg(a, 0), "Cannot find rest on type")?;
            Ok(match l.get(1..) {
                Some(rest) => Val::list(rest.to_vec()),
                None => Val::nil_list(SliceKind::Iface),
            })
        });
    }
    for name in ["initial", "mustInitial"] {
        t.add(name, any1, |_, a| {
            let l = items(&arg(a, 0), "Cannot find initial on type")?;
            Ok(match l.len() {
                0 => Val::nil_list(SliceKind::Iface),
                n => Val::list(l[..n - 1].to_vec()),
            })
        });
    }
    for name in ["reverse", "mustReverse"] {
        t.add(name, any1, |_, a| {
            let mut l = items(&arg(a, 0), "Cannot find reverse on type")?;
            l.reverse();
            Ok(Val::list(l))
        });
    }
    for name in ["uniq", "mustUniq"] {
        t.add(name, any1, |_, a| {
            let l = items(&arg(a, 0), "Cannot find uniq on type")?;
            // A string equals only a string: strings are looked up in a set (a list of
            // thousands of host names would otherwise take quadratic time), the rest compared
            // one by one with the other items that are not strings.
            let mut strings = std::collections::HashSet::new();
            let mut others: Vec<Val> = Vec::new();
            let mut out: Vec<Val> = Vec::new();
            for v in l {
                let new = match &v {
                    Val::Str(text) => strings.insert(text.clone()),
                    _ if others.iter().any(|x| deep_equal(x, &v)) => false,
                    _ => {
                        others.push(v.clone());
                        true
                    }
                };
                if new {
                    out.push(v);
                }
            }
            Ok(Val::list(out))
        });
    }
    for name in ["compact", "mustCompact"] {
        t.add(name, any1, |_, a| {
            let l = items(&arg(a, 0), "Cannot compact on type")?;
            Ok(Val::list(l.into_iter().filter(|v| !is_empty_val(v)).collect()))
        });
    }
    for name in ["without", "mustWithout"] {
        t.add(name, Sig::variadic(&[Ty::Any], Ty::Any), |_, a| {
            let l = items(&arg(a, 0), "Cannot find without on type")?;
            let omit = &a[1.min(a.len())..];
            Ok(Val::list(l.into_iter().filter(|v| !omit.iter().any(|o| deep_equal(o, v))).collect()))
        });
    }
    for name in ["has", "mustHas"] {
        t.add(name, any2, |_, a| {
            let haystack = arg(a, 1);
            if haystack.is_nil() {
                return Ok(Val::Bool(false));
            }
            let l = items(&haystack, "Cannot find has on type")?;
            let needle = arg(a, 0);
            Ok(Val::Bool(l.iter().any(|v| deep_equal(&needle, v))))
        });
    }
    for name in ["slice", "mustSlice"] {
        t.add(name, Sig::variadic(&[Ty::Any], Ty::Any), slice);
    }
    t.add("concat", Sig::variadic(&[], Ty::Any), |_, a| {
        let mut out = Vec::new();
        for l in a {
            match l {
                Val::Nil => return Err(GoError::msg(NIL_DEREFERENCE)),
                other => match other.list_items() {
                    Some(items) => out.extend(items),
                    None => {
                        return Err(GoError::msg(format!("Cannot concat type {} as list", kind_of(other))));
                    }
                },
            }
        }
        // Sprig appends to a nil slice: nothing to append leaves it nil.
        Ok(if out.is_empty() { Val::nil_list(SliceKind::Iface) } else { Val::list(out) })
    });
    for name in ["chunk", "mustChunk"] {
        t.add(name, Sig::fixed(&[Ty::Int, Ty::Any]), |_, a| {
            let size = arg_int(a, 0);
            let l = items(&arg(a, 1), "Cannot chunk type")?;
            if size <= 0 {
                return Err(GoError::msg("runtime error: makeslice: len out of range"));
            }
            Ok(Val::list(l.chunks(size as usize).map(|c| Val::list(c.to_vec())).collect()))
        });
    }
    t.add("sortAlpha", any1, |_, a| {
        let v = arg(a, 0);
        let mut out = match &v {
            // Sprig hands a []string back as it is: a nil one stays nil.
            Val::List(_) if v.is_nil_str_list() => return Ok(v),
            Val::List(_) | Val::Bytes(_) => strslice(&v),
            other => vec![strval(other)],
        };
        out.sort();
        Ok(Val::str_list(out))
    });
}

fn slice(_: &crate::template::exec::CallCtx<'_>, a: &[Val]) -> R {
    let list = arg(a, 0);
    let (kind, elems) = match &list {
        Val::Nil => return Err(GoError::msg(NIL_DEREFERENCE)),
        Val::List(l) => (l.kind, l.items.clone()),
        Val::Bytes(b) => {
            let n = b.len();
            let (start, end) = slice_bounds(a, n)?;
            if n == 0 {
                return Ok(Val::Nil);
            }
            return Ok(Val::Bytes(std::sync::Arc::new(b[start..end].to_vec())));
        }
        other => {
            return Err(GoError::msg(format!(
                "list should be type of slice or array but {}",
                kind_of(other)
            )));
        }
    };
    if elems.is_empty() {
        return Ok(Val::Nil);
    }
    let (start, end) = slice_bounds(a, elems.len())?;
    Ok(Val::List(std::rc::Rc::new(List { kind, items: elems[start..end].to_vec(), nil: false })))
}

fn slice_bounds(a: &[Val], len: usize) -> Result<(usize, usize), GoError> {
    let start = a.get(1).map_or(0, super::conv::to_int64);
    let end = a.get(2).map_or(len as i64, super::conv::to_int64);
    if start < 0 || end < start || end as u64 > len as u64 {
        return Err(GoError::msg("reflect.Value.Slice: slice index out of bounds"));
    }
    Ok((start as usize, end as usize))
}
