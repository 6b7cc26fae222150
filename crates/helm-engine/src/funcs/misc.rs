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
    t.add("fail", s, |_, a| Err(GoError::msg(arg_str(a, 0))));
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

/// Sprig's `env` and `expandenv`, which Helm keeps from templates but not from
/// `--name-template`.
pub(crate) fn register_os(t: &mut FuncTable) {
    let s = Sig::fixed(&[Ty::Str]);
    t.add("env", s, |_, a| Ok(Val::str(env_var(arg_str(a, 0)))));
    t.add("expandenv", s, |_, a| Ok(Val::str(expand_env(arg_str(a, 0), env_var))));
}

/// Go's `os.Getenv`: the variable's value, empty when it is not set.
fn env_var(name: &str) -> String {
    // The name cannot be one the system accepts when it is empty or holds `=` or NUL.
    if name.is_empty() || name.contains(['=', '\0']) {
        return String::new();
    }
    std::env::var_os(name).map(|v| v.to_string_lossy().into_owned()).unwrap_or_default()
}

/// Go's `os.Expand`: `$name` and `${name}` replaced by `lookup(name)`, where a name is a run
/// of ASCII letters, digits and `_`, or one of the shell's special characters (`$1`, `$*`);
/// `${}` and an unclosed `${` are dropped; a `$` before anything else stays.
fn expand_env(text: &str, lookup: impl Fn(&str) -> String) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied_to = 0;
    let mut j = 0;
    while j < bytes.len() {
        if bytes[j] == b'$' && j + 1 < bytes.len() {
            out.push_str(&text[copied_to..j]);
            let (name, width) = shell_name(&text[j + 1..]);
            match name {
                Some(name) => out.push_str(&lookup(name)),
                // Valid syntax, but no name: the `$` stays.
                None if width == 0 => out.push('$'),
                // Invalid syntax: what was read is dropped.
                None => {}
            }
            j += width;
            copied_to = j + 1;
        }
        j += 1;
    }
    out.push_str(&text[copied_to.min(text.len())..]);
    out
}

/// Go's `getShellName`: the name at the start of `s` (which follows a `$`), if any, and how
/// many bytes it takes.
fn shell_name(s: &str) -> (Option<&str>, usize) {
    let bytes = s.as_bytes();
    let special = |b: u8| matches!(b, b'*' | b'#' | b'$' | b'@' | b'!' | b'?' | b'-' | b'0'..=b'9');
    if bytes[0] == b'{' {
        if bytes.len() > 2 && special(bytes[1]) && bytes[2] == b'}' {
            return (Some(&s[1..2]), 3);
        }
        return match s[1..].find('}') {
            Some(0) => (None, 2),
            Some(end) => (Some(&s[1..end + 1]), end + 2),
            None => (None, 1),
        };
    }
    if special(bytes[0]) {
        return (Some(&s[..1]), 1);
    }
    let end = bytes.iter().position(|b| !(b.is_ascii_alphanumeric() || *b == b'_')).unwrap_or(bytes.len());
    if end == 0 { (None, 0) } else { (Some(&s[..end]), end) }
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

    #[test]
    fn expands_like_go_os_expand() {
        let lookup = |name: &str| format!("<{name}>");
        for (text, expanded) in [
            ("a $HOME_1/b ${X.Y}c", "a <HOME_1>/b <X.Y>c"),
            ("$1$*$-x ${?}", "<1><*><->x <?>"),
            ("cost: 5$ and $ alone, $é", "cost: 5$ and $ alone, $é"),
            ("${} gone, ${unclosed", " gone, unclosed"),
            ("end$", "end$"),
            ("plain", "plain"),
        ] {
            assert_eq!(expand_env(text, lookup), expanded, "{text}");
        }
    }
}
