//! Sprig's defaults, reflection, path and URL functions.

use std::collections::BTreeMap;

use crate::funcs::env::FuncEnv;
use crate::gourl;
use crate::strconv::{go_bytes, go_string_of};
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
    t.add("getHostByName", s, |ctx, a| get_host_by_name(FuncEnv::of(ctx), arg_str(a, 0)));
    t.add("urlParse", s, |_, a| url_parse(arg_str(a, 0)));
    t.add("urlJoin", Sig::fixed(&[Ty::IfaceMap]), |_, a| url_join(&arg(a, 0)).map(Val::str));
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

/// Sprig's `getHostByName`: one of the addresses the resolver gives for `name`, picked at
/// random, when the rendering may ask it (`--enable-dns`); `""` otherwise, as helm replaces
/// the function. A name without addresses leaves Go's random pick nothing to pick from.
fn get_host_by_name(env: &FuncEnv, name: &str) -> Result<Val, GoError> {
    if !env.dns {
        return Ok(Val::str(""));
    }
    // Go answers an address with itself, as written.
    if gourl::is_ip_address(name) {
        return Ok(Val::str(name));
    }
    let mut addresses: Vec<String> = Vec::new();
    // The port is the resolver's business only; any will do.
    for address in std::net::ToSocketAddrs::to_socket_addrs(&(name, 0)).into_iter().flatten() {
        let ip = address.ip().to_string();
        if !addresses.contains(&ip) {
            addresses.push(ip);
        }
    }
    if addresses.is_empty() {
        return Err(GoError::msg("invalid argument to Intn"));
    }
    let pick = env.below(addresses.len() as u64) as usize;
    Ok(Val::str(addresses.swap_remove(pick)))
}

/// Sprig's `urlParse`: Go's parts of the URL, its errors as Sprig's panics.
fn url_parse(text: &str) -> Result<Val, GoError> {
    let url = gourl::parse(text).map_err(|e| GoError::msg(format!("unable to parse url: {e}")))?;
    let string = |bytes: &[u8]| Val::str(go_string_of(bytes));
    let userinfo = url.user.as_ref().map(gourl::UserInfo::escaped).unwrap_or_default();
    Ok(Val::map(BTreeMap::from([
        ("scheme".to_string(), string(&url.scheme)),
        ("host".to_string(), string(&url.host)),
        ("hostname".to_string(), string(url.hostname())),
        ("path".to_string(), string(&url.path)),
        ("query".to_string(), string(&url.raw_query)),
        ("opaque".to_string(), string(&url.opaque)),
        ("fragment".to_string(), string(&url.fragment)),
        ("userinfo".to_string(), string(&userinfo)),
    ])))
}

/// Sprig's `urlJoin`: a URL from the parts `urlParse` gives, written as Go writes it. Each
/// part must be a string; `userinfo` is read as Go reads the part of a URL before `@`.
fn url_join(parts: &Val) -> Result<String, GoError> {
    let entries = parts.map_entries().unwrap_or_default();
    let part = |key: &str| -> Result<Vec<u8>, GoError> {
        match entries.get(key) {
            None => Ok(Vec::new()),
            Some(Val::Str(s)) => Ok(go_bytes(s).into_owned()),
            Some(Val::Nil) => {
                Err(GoError::msg("runtime error: invalid memory address or nil pointer dereference"))
            }
            Some(other) => Err(GoError::msg(format!(
                "unable to parse {key} key, must be of type string, but {} found",
                other.kind_name()
            ))),
        }
    };
    let mut url = gourl::Url {
        scheme: part("scheme")?,
        host: part("host")?,
        path: part("path")?,
        raw_query: part("query")?,
        opaque: part("opaque")?,
        fragment: part("fragment")?,
        ..gourl::Url::default()
    };
    let userinfo = part("userinfo")?;
    if !userinfo.is_empty() {
        let stand_in = format!("proto://{}@host", go_string_of(&userinfo));
        let parsed = gourl::parse(&stand_in)
            .map_err(|e| GoError::msg(format!("unable to parse userinfo in dict: {e}")))?;
        url.user = parsed.user;
    }
    Ok(url.to_go_string())
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
