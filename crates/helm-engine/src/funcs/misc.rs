//! Sprig's defaults, reflection, path and URL functions.

use std::collections::BTreeMap;

use crate::template::error::GoError;
use crate::template::funcs::{FuncTable, arg, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{Val, deep_equal};

/// Sprig's `empty`: zero numbers, false, nil, and empty strings, lists and maps.
pub(crate) fn is_empty_val(v: &Val) -> bool {
    !v.truth()
}

pub(crate) fn register(t: &mut FuncTable) {
    let any1 = Sig::fixed(&[Ty::Any]);
    let s = Sig::fixed(&[Ty::Str]);
    t.add("hello", Sig::fixed(&[]), |_, _| Ok(Val::str("Hello!")));
    t.add("default", Sig::variadic(&[Ty::Any], Ty::Any), |_, a| {
        let given = &a[1.min(a.len())..];
        match given.first() {
            Some(g) if !is_empty_val(g) => Ok(g.clone()),
            _ => Ok(arg(a, 0)),
        }
    });
    t.add("empty", any1, |_, a| Ok(Val::Bool(is_empty_val(&arg(a, 0)))));
    t.add("coalesce", Sig::variadic(&[], Ty::Any), |_, a| {
        Ok(a.iter().find(|v| !is_empty_val(v)).cloned().unwrap_or_default())
    });
    t.add("all", Sig::variadic(&[], Ty::Any), |_, a| Ok(Val::Bool(a.iter().all(|v| !is_empty_val(v)))));
    t.add("any", Sig::variadic(&[], Ty::Any), |_, a| Ok(Val::Bool(a.iter().any(|v| !is_empty_val(v)))));
    t.add("ternary", Sig::fixed(&[Ty::Any, Ty::Any, Ty::Bool]), |_, a| {
        Ok(if matches!(arg(a, 2), Val::Bool(true)) { arg(a, 0) } else { arg(a, 1) })
    });
    t.add("deepEqual", Sig::fixed(&[Ty::Any, Ty::Any]), |_, a| {
        Ok(Val::Bool(deep_equal(&arg(a, 0), &arg(a, 1))))
    });
    t.add("typeOf", any1, |_, a| Ok(Val::str(arg(a, 0).type_name())));
    t.add("typeIs", Sig::fixed(&[Ty::Str, Ty::Any]), |_, a| {
        Ok(Val::Bool(arg_str(a, 0) == arg(a, 1).type_name()))
    });
    t.add("typeIsLike", Sig::fixed(&[Ty::Str, Ty::Any]), |_, a| {
        let t = arg(a, 1).type_name();
        let target = arg_str(a, 0);
        Ok(Val::Bool(target == t || format!("*{target}") == t))
    });
    t.add("kindOf", any1, |_, a| Ok(Val::str(arg(a, 0).kind_name())));
    t.add("kindIs", Sig::fixed(&[Ty::Str, Ty::Any]), |_, a| {
        Ok(Val::Bool(arg_str(a, 0) == arg(a, 1).kind_name()))
    });
    for name in ["base", "osBase"] {
        t.add(name, s, |_, a| Ok(Val::str(path_base(arg_str(a, 0)))));
    }
    for name in ["dir", "osDir"] {
        t.add(name, s, |_, a| Ok(Val::str(path_dir(arg_str(a, 0)))));
    }
    for name in ["clean", "osClean"] {
        t.add(name, s, |_, a| Ok(Val::str(path_clean(arg_str(a, 0)))));
    }
    for name in ["ext", "osExt"] {
        t.add(name, s, |_, a| Ok(Val::str(path_ext(arg_str(a, 0)))));
    }
    for name in ["isAbs", "osIsAbs"] {
        t.add(name, s, |_, a| Ok(Val::Bool(arg_str(a, 0).starts_with('/'))));
    }
    t.add("getHostByName", s, |_, _| Ok(Val::str("")));
    t.add("urlParse", s, |_, a| url_parse(arg_str(a, 0)));
    t.add("urlJoin", Sig::fixed(&[Ty::IfaceMap]), |_, a| Ok(Val::str(url_join(&arg(a, 0)))));
}

/// Go's `path.Base`.
pub(crate) fn path_base(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let trimmed = p.trim_end_matches('/');
    if trimmed.is_empty() {
        return "/".into();
    }
    trimmed.rsplit('/').next().unwrap_or(trimmed).to_string()
}

/// Go's `path.Dir`.
pub(crate) fn path_dir(p: &str) -> String {
    let dir = match p.rfind('/') {
        Some(i) => &p[..=i],
        None => "",
    };
    path_clean(dir)
}

/// Go's `path.Ext`.
pub(crate) fn path_ext(p: &str) -> String {
    for (i, c) in p.char_indices().rev() {
        if c == '/' {
            break;
        }
        if c == '.' {
            return p[i..].to_string();
        }
    }
    String::new()
}

/// Go's `path.Clean`: lexical processing of `.`, `..` and repeated slashes.
pub(crate) fn path_clean(p: &str) -> String {
    if p.is_empty() {
        return ".".into();
    }
    let rooted = p.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for seg in p.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if parts.last().is_some_and(|l| *l != "..") {
                    parts.pop();
                } else if !rooted {
                    parts.push("..");
                }
            }
            s => parts.push(s),
        }
    }
    let joined = parts.join("/");
    if rooted {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".into()
    } else {
        joined
    }
}

fn url_parse(s: &str) -> Result<Val, GoError> {
    // scheme://userinfo@host/path?query#fragment, as Go's url.Parse splits it.
    let mut rest = s;
    let mut m = BTreeMap::new();
    let (without_fragment, fragment) = match rest.split_once('#') {
        Some((a, b)) => (a, b),
        None => (rest, ""),
    };
    rest = without_fragment;
    let mut scheme = "";
    if let Some(i) = rest.find(':')
        && i > 0
        && rest[..i].chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && rest[..i].chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    {
        scheme = &rest[..i];
        rest = &rest[i + 1..];
    }
    let (before_query, query) = match rest.split_once('?') {
        Some((a, b)) => (a, b),
        None => (rest, ""),
    };
    let (mut host, mut path, mut userinfo) = ("", before_query, "");
    if let Some(after) = before_query.strip_prefix("//") {
        let (authority, p) = match after.find('/') {
            Some(i) => (&after[..i], &after[i..]),
            None => (after, ""),
        };
        path = p;
        match authority.rsplit_once('@') {
            Some((u, h)) => {
                userinfo = u;
                host = h;
            }
            None => host = authority,
        }
    }
    let insert = |m: &mut BTreeMap<String, Val>, k: &str, v: &str| {
        m.insert(k.to_string(), Val::str(v));
    };
    insert(&mut m, "scheme", scheme);
    insert(&mut m, "host", host);
    insert(
        &mut m,
        "hostname",
        host.rsplit_once(':').map_or(host, |(h, _)| h).trim_start_matches('[').trim_end_matches(']'),
    );
    insert(&mut m, "path", path);
    insert(&mut m, "query", query);
    insert(&mut m, "opaque", "");
    insert(&mut m, "fragment", fragment);
    insert(&mut m, "userinfo", userinfo);
    Ok(Val::map(m))
}

fn url_join(d: &Val) -> String {
    let entries = d.map_entries().unwrap_or_default();
    let get = |k: &str| entries.get(k).and_then(Val::as_str).unwrap_or("").to_string();
    let mut out = String::new();
    let scheme = get("scheme");
    if !scheme.is_empty() {
        out.push_str(&scheme);
        out.push(':');
    }
    let host = get("host");
    let userinfo = get("userinfo");
    if !host.is_empty() || !userinfo.is_empty() {
        out.push_str("//");
        if !userinfo.is_empty() {
            out.push_str(&userinfo);
            out.push('@');
        }
        out.push_str(&host);
    }
    out.push_str(&get("path"));
    let query = get("query");
    if !query.is_empty() {
        out.push('?');
        out.push_str(&query);
    }
    let fragment = get("fragment");
    if !fragment.is_empty() {
        out.push('#');
        out.push_str(&fragment);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_like_go() {
        assert_eq!(path_clean("a/../../b//c/."), "../b/c");
        assert_eq!(path_clean("/../a"), "/a");
        assert_eq!(path_base("a/b/"), "b");
        assert_eq!(path_dir("a/b/c"), "a/b");
        assert_eq!(path_dir("c"), ".");
        assert_eq!(path_ext("a/b.tar.gz"), ".gz");
    }
}
