//! URLs as Go's `net/url` reads and writes them: `Parse` splits a text into its parts (the
//! path and the fragment decoded, the query kept as written), `String` joins parts back with
//! Go's escaping. Sprig's `urlParse` and `urlJoin` are these two; a chart schema's `file:`
//! addresses, and which values files helm fetches rather than reads, follow the same rules. Go strings are bytes, so the parts are too (see
//! [`crate::strconv::go_string_of`] for turning them into the engine's strings).

use crate::strconv::{go_bytes, go_string_of, quote};

/// A URL's parts, as Go's `url.URL` holds them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Url {
    /// Lower-cased by [`parse`].
    pub(crate) scheme: Vec<u8>,
    /// What follows `scheme:` when it does not start with `/` (`mailto:joe@example.org`),
    /// as written.
    pub(crate) opaque: Vec<u8>,
    pub(crate) user: Option<UserInfo>,
    /// `host` or `host:port`, decoded.
    pub(crate) host: Vec<u8>,
    /// Decoded.
    pub(crate) path: Vec<u8>,
    /// The path as written, when it is not the path's default escaping (`a%2Fb`).
    pub(crate) raw_path: Vec<u8>,
    /// A `?` with nothing after it.
    pub(crate) force_query: bool,
    /// As written, without the `?`.
    pub(crate) raw_query: Vec<u8>,
    /// Decoded.
    pub(crate) fragment: Vec<u8>,
    /// The fragment as written, when it is not the fragment's default escaping.
    pub(crate) raw_fragment: Vec<u8>,
}

/// `user` or `user:password`, decoded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UserInfo {
    pub(crate) username: Vec<u8>,
    pub(crate) password: Option<Vec<u8>>,
}

/// Where in a URL a text stands: each place escapes (and accepts) its own characters.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Part {
    Path,
    Host,
    Zone,
    UserPassword,
    Fragment,
}

/// Whether Go escapes byte `c` in `part`.
fn should_escape(c: u8, part: Part) -> bool {
    if c.is_ascii_alphanumeric() {
        return false;
    }
    if matches!(part, Part::Host | Part::Zone)
        && matches!(
            c,
            b'!' | b'$'
                | b'&'
                | b'\''
                | b'('
                | b')'
                | b'*'
                | b'+'
                | b','
                | b';'
                | b'='
                | b':'
                | b'['
                | b']'
                | b'<'
                | b'>'
                | b'"'
        )
    {
        return false;
    }
    match c {
        b'-' | b'_' | b'.' | b'~' => false,
        b'$' | b'&' | b'+' | b',' | b'/' | b':' | b';' | b'=' | b'?' | b'@' => match part {
            Part::Path => c == b'?',
            Part::UserPassword => matches!(c, b'@' | b'/' | b'?' | b':'),
            Part::Fragment => false,
            Part::Host | Part::Zone => true,
        },
        b'!' | b'(' | b')' | b'*' if part == Part::Fragment => false,
        _ => true,
    }
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|d| d as u8)
}

/// `text` with its `%XX` escapes decoded, or Go's reason why it cannot be: a `%` without two
/// hexadecimal digits, or (in a host) an escaped ASCII byte or a byte hosts do not hold.
fn unescape(text: &[u8], part: Part) -> Result<Vec<u8>, String> {
    let escape_error = |from: usize| {
        let end = (from + 3).min(text.len());
        format!("invalid URL escape {}", quote(&go_string_of(&text[from..end])))
    };
    let mut out = Vec::with_capacity(text.len());
    let mut i = 0;
    while i < text.len() {
        let c = text[i];
        if c == b'%' {
            let (Some(high), Some(low)) =
                (text.get(i + 1).and_then(|&h| hex_value(h)), text.get(i + 2).and_then(|&l| hex_value(l)))
            else {
                return Err(escape_error(i));
            };
            // Only %25 may escape an ASCII byte in a host (RFC 6874's zone separator); a
            // zone may escape what a host could hold written out, and spaces.
            let escaped = &text[i..i + 3];
            let byte = high << 4 | low;
            if part == Part::Host && high < 8 && escaped != b"%25" {
                return Err(escape_error(i));
            }
            if part == Part::Zone && escaped != b"%25" && byte != b' ' && should_escape(byte, Part::Host) {
                return Err(escape_error(i));
            }
            out.push(byte);
            i += 3;
            continue;
        }
        if matches!(part, Part::Host | Part::Zone) && c < 0x80 && should_escape(c, part) {
            return Err(format!("invalid character {} in host name", quote(&(c as char).to_string())));
        }
        out.push(c);
        i += 1;
    }
    Ok(out)
}

/// `text` with every byte `part` does not hold as `%XX` (upper-case hexadecimal).
fn escape(text: &[u8], part: Part) -> Vec<u8> {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = Vec::with_capacity(text.len());
    for &c in text {
        if should_escape(c, part) {
            out.extend_from_slice(&[b'%', HEX[usize::from(c >> 4)], HEX[usize::from(c & 15)]]);
        } else {
            out.push(c);
        }
    }
    out
}

/// Go's `url.Parse`: the parts of `text`, or Go's message (`parse "<url>": <reason>`).
pub(crate) fn parse(text: &str) -> Result<Url, String> {
    let bytes = go_bytes(text);
    let (without_fragment, fragment) = match bytes.iter().position(|&c| c == b'#') {
        Some(at) => (&bytes[..at], Some(&bytes[at + 1..])),
        None => (&bytes[..], None),
    };
    let failed = |url: &[u8], reason: String| format!("parse {}: {reason}", quote(&go_string_of(url)));
    let mut url =
        parse_without_fragment(without_fragment).map_err(|reason| failed(without_fragment, reason))?;
    if let Some(fragment) = fragment.filter(|f| !f.is_empty()) {
        url.fragment = unescape(fragment, Part::Fragment).map_err(|reason| failed(&bytes, reason))?;
        if escape(&url.fragment, Part::Fragment) != fragment {
            url.raw_fragment = fragment.to_vec();
        }
    }
    Ok(url)
}

fn parse_without_fragment(text: &[u8]) -> Result<Url, String> {
    if text.iter().any(|&c| c < b' ' || c == 0x7f) {
        return Err("net/url: invalid control character in URL".into());
    }
    let mut url = Url::default();
    if text == b"*" {
        url.path = b"*".to_vec();
        return Ok(url);
    }
    let (scheme, mut rest) = split_scheme(text)?;
    url.scheme = scheme.to_ascii_lowercase();
    let question_marks = rest.iter().filter(|&&c| c == b'?').count();
    if rest.last() == Some(&b'?') && question_marks == 1 {
        url.force_query = true;
        rest = &rest[..rest.len() - 1];
    } else if let Some(at) = rest.iter().position(|&c| c == b'?') {
        url.raw_query = rest[at + 1..].to_vec();
        rest = &rest[..at];
    }
    if !rest.starts_with(b"/") {
        if !url.scheme.is_empty() {
            // A rootless path after a scheme is opaque (RFC 3986).
            url.opaque = rest.to_vec();
            return Ok(url);
        }
        // `cache_object:foo/bar` is a malformed scheme, not a path.
        let first_segment = rest.split(|&c| c == b'/').next().unwrap_or_default();
        if first_segment.contains(&b':') {
            return Err("first path segment in URL cannot contain colon".into());
        }
    }
    if (!url.scheme.is_empty() || !rest.starts_with(b"///")) && rest.starts_with(b"//") {
        let authority_and_path = &rest[2..];
        let end = authority_and_path.iter().position(|&c| c == b'/').unwrap_or(authority_and_path.len());
        let (user, host) = parse_authority(&authority_and_path[..end])?;
        url.user = user;
        url.host = host;
        rest = &authority_and_path[end..];
    }
    url.path = unescape(rest, Part::Path)?;
    if escape(&url.path, Part::Path) != rest {
        url.raw_path = rest.to_vec();
    }
    Ok(url)
}

/// `scheme` and the rest of `scheme:rest`; no scheme when the text does not start with one
/// (a letter, then letters, digits, `+`, `-` or `.`), an error when it starts with `:`.
fn split_scheme(text: &[u8]) -> Result<(&[u8], &[u8]), String> {
    for (i, &c) in text.iter().enumerate() {
        match c {
            b'a'..=b'z' | b'A'..=b'Z' => {}
            b'0'..=b'9' | b'+' | b'-' | b'.' if i > 0 => {}
            b':' if i == 0 => return Err("missing protocol scheme".into()),
            b':' => return Ok((&text[..i], &text[i + 1..])),
            _ => break,
        }
    }
    Ok((b"", text))
}

fn parse_authority(authority: &[u8]) -> Result<(Option<UserInfo>, Vec<u8>), String> {
    let at = authority.iter().rposition(|&c| c == b'@');
    let host = parse_host(&authority[at.map_or(0, |at| at + 1)..])?;
    let Some(at) = at else { return Ok((None, host)) };
    let userinfo = &authority[..at];
    let allowed = |c: &u8| c.is_ascii_alphanumeric() || b"-._:~!$&'()*+,;=%@".contains(c);
    // Go checks characters (runes): a byte of a multi-byte character is never allowed.
    if !userinfo.iter().all(allowed) {
        return Err("net/url: invalid userinfo".into());
    }
    let user = match userinfo.iter().position(|&c| c == b':') {
        None => UserInfo { username: unescape(userinfo, Part::UserPassword)?, password: None },
        Some(colon) => UserInfo {
            username: unescape(&userinfo[..colon], Part::UserPassword)?,
            password: Some(unescape(&userinfo[colon + 1..], Part::UserPassword)?),
        },
    };
    Ok((Some(user), host))
}

/// `host` or `host:port` (`[ipv6]:port`, with an RFC 6874 zone after `%25`), decoded. Only
/// an IPv6 address may stand in brackets (Go 1.25 checks it as `netip.ParseAddr` does).
fn parse_host(host: &[u8]) -> Result<Vec<u8>, String> {
    let bad_port = |port: &[u8]| format!("invalid port {} after host", quote(&go_string_of(port)));
    match host.iter().rposition(|&c| c == b'[') {
        Some(0) => {
            let close =
                host.iter().rposition(|&c| c == b']').ok_or_else(|| "missing ']' in host".to_string())?;
            let port = &host[close + 1..];
            if !valid_optional_port(port) {
                return Err(bad_port(port));
            }
            let port = unescape(port, Part::Host)?;
            let inside = &host[1..close];
            let mut address = match inside.windows(3).position(|w| w == b"%25") {
                Some(zone) => {
                    let mut address = unescape(&inside[..zone], Part::Host)?;
                    address.extend(unescape(&inside[zone..], Part::Zone)?);
                    address
                }
                None => unescape(inside, Part::Host)?,
            };
            if check_ip_address(&address).map_err(|e| format!("invalid host: {e}"))? == IpKind::V4 {
                return Err("invalid IP-literal".into());
            }
            address.insert(0, b'[');
            address.push(b']');
            address.extend(port);
            Ok(address)
        }
        Some(_) => Err("invalid IP-literal".into()),
        None => {
            if let Some(colon) = host.iter().rposition(|&c| c == b':') {
                let port = &host[colon..];
                if !valid_optional_port(port) {
                    return Err(bad_port(port));
                }
            }
            unescape(host, Part::Host)
        }
    }
}

/// Whether `text` is an IP address as Go's `netip.ParseAddr` reads them (with an IPv6 zone
/// after `%`).
pub(crate) fn is_ip_address(text: &str) -> bool {
    check_ip_address(text.as_bytes()).is_ok()
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum IpKind {
    V4,
    V6,
}

/// Whether `text` is an IP address, and which kind, as Go's `netip.ParseAddr` reads it; its
/// message when it is not (`ParseAddr("1.2.3"): IPv4 address too short`).
fn check_ip_address(text: &[u8]) -> Result<IpKind, String> {
    let fail = |reason: &str, at: &[u8]| {
        let mut message = format!("ParseAddr({}): {reason}", quote(&go_string_of(text)));
        if !at.is_empty() {
            message.push_str(&format!(" (at {})", quote(&go_string_of(at))));
        }
        message
    };
    match text.iter().find(|c| matches!(c, b'.' | b':' | b'%')) {
        Some(b'.') => check_ipv4(text, &fail).map(|()| IpKind::V4),
        Some(b':') => check_ipv6(text, &fail).map(|()| IpKind::V6),
        Some(_) => Err(fail("missing IPv6 address", b"")),
        None => Err(fail("unable to parse IP", b"")),
    }
}

/// Four decimal fields of 0 to 255 without leading zeros, separated by dots.
fn check_ipv4(text: &[u8], fail: &dyn Fn(&str, &[u8]) -> String) -> Result<(), String> {
    let (mut value, mut digits, mut dots) = (0u32, 0, 0);
    for (i, &c) in text.iter().enumerate() {
        match c {
            b'0'..=b'9' => {
                if digits == 1 && value == 0 {
                    return Err(fail("IPv4 field has octet with leading zero", b""));
                }
                value = value * 10 + u32::from(c - b'0');
                digits += 1;
                if value > 255 {
                    return Err(fail("IPv4 field has value >255", b""));
                }
            }
            b'.' => {
                if i == 0 || i == text.len() - 1 || text[i - 1] == b'.' {
                    return Err(fail("IPv4 field must have at least one digit", &text[i..]));
                }
                if dots == 3 {
                    return Err(fail("IPv4 address too long", b""));
                }
                dots += 1;
                value = 0;
                digits = 0;
            }
            _ => return Err(fail("unexpected character", &text[i..])),
        }
    }
    if dots < 3 {
        return Err(fail("IPv4 address too short", b""));
    }
    Ok(())
}

/// Up to eight groups of one to four hexadecimal digits separated by colons, one `::` for
/// the groups left out, optionally an IPv4 address for the last two groups and a zone after
/// `%`.
fn check_ipv6(text: &[u8], fail: &dyn Fn(&str, &[u8]) -> String) -> Result<(), String> {
    let mut rest = text;
    if let Some(percent) = text.iter().position(|&c| c == b'%') {
        if percent == text.len() - 1 {
            return Err(fail("zone must be a non-empty string", b""));
        }
        rest = &text[..percent];
    }
    let address_end = rest.len();
    // Bytes of the address found, and where a `::` stood.
    let mut filled = 0;
    let mut gap = None;
    if let Some(after) = rest.strip_prefix(b"::") {
        gap = Some(0);
        rest = after;
        if rest.is_empty() {
            return Ok(());
        }
    }
    while filled < 16 {
        let digits = rest.iter().take_while(|c| c.is_ascii_hexdigit()).count();
        if digits > 4 {
            return Err(fail("each group must have 4 or less digits", rest));
        }
        if digits == 0 {
            return Err(fail("each colon-separated field must have at least one digit", rest));
        }
        if rest.get(digits) == Some(&b'.') {
            if gap.is_none() && filled != 12 {
                return Err(fail(
                    "embedded IPv4 address must replace the final 2 fields of the address",
                    rest,
                ));
            }
            if filled + 4 > 16 {
                return Err(fail(
                    "too many hex fields to fit an embedded IPv4 at the end of the address",
                    rest,
                ));
            }
            check_ipv4(&text[address_end - rest.len()..address_end], fail)?;
            rest = b"";
            filled += 4;
            break;
        }
        filled += 2;
        rest = &rest[digits..];
        if rest.is_empty() {
            break;
        }
        if rest[0] != b':' {
            return Err(fail("unexpected character, want colon", rest));
        }
        if rest.len() == 1 {
            return Err(fail("colon must be followed by more characters", rest));
        }
        rest = &rest[1..];
        if rest[0] == b':' {
            if gap.is_some() {
                return Err(fail("multiple :: in address", rest));
            }
            gap = Some(filled);
            rest = &rest[1..];
            if rest.is_empty() {
                break;
            }
        }
    }
    if !rest.is_empty() {
        return Err(fail("trailing garbage after address", rest));
    }
    match (filled < 16, gap) {
        (true, None) => Err(fail("address string too short", b"")),
        (false, Some(_)) => Err(fail("the :: must expand to at least one field of zeros", b"")),
        _ => Ok(()),
    }
}

/// Empty, or `:` and digits.
fn valid_optional_port(port: &[u8]) -> bool {
    port.is_empty() || (port[0] == b':' && port[1..].iter().all(u8::is_ascii_digit))
}

impl UserInfo {
    /// Go's `Userinfo.String`: `user[:password]`, escaped.
    pub(crate) fn escaped(&self) -> Vec<u8> {
        let mut out = escape(&self.username, Part::UserPassword);
        if let Some(password) = &self.password {
            out.push(b':');
            out.extend(escape(password, Part::UserPassword));
        }
        out
    }
}

impl Url {
    /// Go's `splitHostPort`: the host and the port after its last colon, when that is a
    /// valid (possibly empty) port.
    fn split_host_port(&self) -> (&[u8], &[u8]) {
        let host = &self.host[..];
        match host.iter().rposition(|&c| c == b':') {
            Some(colon) if valid_optional_port(&host[colon..]) => (&host[..colon], &host[colon + 1..]),
            _ => (host, b""),
        }
    }

    /// Go's `URL.Hostname`: the host without a valid port and without IPv6 brackets.
    pub(crate) fn hostname(&self) -> &[u8] {
        let host = self.split_host_port().0;
        match host.strip_prefix(b"[").and_then(|h| h.strip_suffix(b"]")) {
            Some(inner) => inner,
            None => host,
        }
    }

    /// Go's `URL.Port`: the port written after the host, or nothing.
    pub(crate) fn port(&self) -> &[u8] {
        self.split_host_port().1
    }

    /// The path as written when that is a valid escaping of it, else Go's escaping.
    fn escaped_path(&self) -> Vec<u8> {
        if !self.raw_path.is_empty()
            && valid_encoded(&self.raw_path, Part::Path)
            && unescape(&self.raw_path, Part::Path).is_ok_and(|p| p == self.path)
        {
            return self.raw_path.clone();
        }
        if self.path == b"*" {
            return self.path.clone();
        }
        escape(&self.path, Part::Path)
    }

    fn escaped_fragment(&self) -> Vec<u8> {
        if !self.raw_fragment.is_empty()
            && valid_encoded(&self.raw_fragment, Part::Fragment)
            && unescape(&self.raw_fragment, Part::Fragment).is_ok_and(|f| f == self.fragment)
        {
            return self.raw_fragment.clone();
        }
        escape(&self.fragment, Part::Fragment)
    }

    /// Go's `URL.IsAbs`: the URL has a scheme.
    pub(crate) fn is_abs(&self) -> bool {
        !self.scheme.is_empty()
    }

    /// Go's `URL.setPath`: `escaped` decoded, kept as written when that is not the default
    /// escaping. The text comes from a valid URL, so it decodes.
    fn set_path(&mut self, escaped: &[u8]) {
        self.path = unescape(escaped, Part::Path).unwrap_or_else(|_| escaped.to_vec());
        self.raw_path = if escape(&self.path, Part::Path) == escaped { Vec::new() } else { escaped.to_vec() };
    }

    /// Go's `URL.ResolveReference` (RFC 3986, 5.2): `reference` read against this URL.
    pub(crate) fn resolve_reference(&self, reference: &Url) -> Url {
        let mut url = reference.clone();
        if reference.scheme.is_empty() {
            url.scheme.clone_from(&self.scheme);
        }
        if !reference.scheme.is_empty() || !reference.host.is_empty() || reference.user.is_some() {
            url.set_path(&resolve_path(&reference.escaped_path(), b""));
            return url;
        }
        if !reference.opaque.is_empty() {
            url.user = None;
            url.host.clear();
            url.path.clear();
            return url;
        }
        if reference.path.is_empty() && !reference.force_query && reference.raw_query.is_empty() {
            url.raw_query.clone_from(&self.raw_query);
            if reference.fragment.is_empty() {
                url.fragment.clone_from(&self.fragment);
                url.raw_fragment.clone_from(&self.raw_fragment);
            }
        }
        if reference.path.is_empty() && !self.opaque.is_empty() {
            url.opaque.clone_from(&self.opaque);
            url.user = None;
            url.host.clear();
            url.path.clear();
            return url;
        }
        url.host.clone_from(&self.host);
        url.user.clone_from(&self.user);
        url.set_path(&resolve_path(&self.escaped_path(), &reference.escaped_path()));
        url
    }

    /// Go's `URL.String`.
    pub(crate) fn to_go_string(&self) -> String {
        let mut out = Vec::new();
        if !self.scheme.is_empty() {
            out.extend_from_slice(&self.scheme);
            out.push(b':');
        }
        if !self.opaque.is_empty() {
            out.extend_from_slice(&self.opaque);
        } else {
            if !self.scheme.is_empty() || !self.host.is_empty() || self.user.is_some() {
                if !self.host.is_empty() || !self.path.is_empty() || self.user.is_some() {
                    out.extend_from_slice(b"//");
                }
                if let Some(user) = &self.user {
                    out.extend(user.escaped());
                    out.push(b'@');
                }
                out.extend(escape(&self.host, Part::Host));
            }
            let path = self.escaped_path();
            if !path.is_empty() && path[0] != b'/' && !self.host.is_empty() {
                out.push(b'/');
            }
            // A first segment with a colon would read as a scheme (RFC 3986 4.2).
            if out.is_empty()
                && path.split(|&c| c == b'/').next().is_some_and(|segment| segment.contains(&b':'))
            {
                out.extend_from_slice(b"./");
            }
            out.extend(path);
        }
        if self.force_query || !self.raw_query.is_empty() {
            out.push(b'?');
            out.extend_from_slice(&self.raw_query);
        }
        if !self.fragment.is_empty() {
            out.push(b'#');
            out.extend(self.escaped_fragment());
        }
        go_string_of(&out).into_owned()
    }
}

/// Go's `resolvePath`: `reference` read against the path `base` (both escaped), with the
/// `.` and `..` segments worked out; always absolute.
fn resolve_path(base: &[u8], reference: &[u8]) -> Vec<u8> {
    let full: Vec<u8> = if reference.is_empty() {
        base.to_vec()
    } else if reference[0] != b'/' {
        let keep = base.iter().rposition(|&c| c == b'/').map_or(0, |i| i + 1);
        [&base[..keep], reference].concat()
    } else {
        reference.to_vec()
    };
    if full.is_empty() {
        return Vec::new();
    }
    let mut out = vec![b'/'];
    let mut first = true;
    let mut last: &[u8] = b"";
    for segment in full.split(|&c| c == b'/') {
        last = segment;
        match segment {
            b"." => first = false,
            b".." => {
                let written = &out[1..];
                match written.iter().rposition(|&c| c == b'/') {
                    None => {
                        out.truncate(1);
                        first = true;
                    }
                    Some(at) => out.truncate(at + 1),
                }
            }
            _ => {
                if !first {
                    out.push(b'/');
                }
                out.extend_from_slice(segment);
                first = false;
            }
        }
    }
    if last == b"." || last == b".." {
        out.push(b'/');
    }
    if out.len() > 1 && out[1] == b'/' {
        out.remove(0);
    }
    out
}

/// Whether `text` is a valid escaped path or fragment: nothing in it needs escaping but
/// the sub-delimiters, `:`, `@`, brackets and `%`.
fn valid_encoded(text: &[u8], part: Part) -> bool {
    text.iter().all(|&c| b"!$&'()*+,;=:@[]%".contains(&c) || !should_escape(c, part))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_are_resolved_as_rfc_3986_resolves_them() {
        // RFC 3986, 5.4: its normal and abnormal examples.
        let base = parse("http://a/b/c/d;p?q").unwrap();
        let cases = [
            ("g:h", "g:h"),
            ("g", "http://a/b/c/g"),
            ("./g", "http://a/b/c/g"),
            ("g/", "http://a/b/c/g/"),
            ("/g", "http://a/g"),
            ("//g", "http://g"),
            ("?y", "http://a/b/c/d;p?y"),
            ("g?y", "http://a/b/c/g?y"),
            ("#s", "http://a/b/c/d;p?q#s"),
            ("g#s", "http://a/b/c/g#s"),
            (";x", "http://a/b/c/;x"),
            ("", "http://a/b/c/d;p?q"),
            (".", "http://a/b/c/"),
            ("./", "http://a/b/c/"),
            ("..", "http://a/b/"),
            ("../g", "http://a/b/g"),
            ("../..", "http://a/"),
            ("../../g", "http://a/g"),
            ("../../../g", "http://a/g"),
            ("/./g", "http://a/g"),
            ("/../g", "http://a/g"),
            ("g.", "http://a/b/c/g."),
            ("..g", "http://a/b/c/..g"),
            ("./../g", "http://a/b/g"),
            ("./g/.", "http://a/b/c/g/"),
            ("g/./h", "http://a/b/c/g/h"),
            ("g/../h", "http://a/b/c/h"),
            ("g;x=1/../y", "http://a/b/c/y"),
        ];
        for (reference, want) in cases {
            let resolved = base.resolve_reference(&parse(reference).unwrap());
            assert_eq!(resolved.to_go_string(), want, "{reference}");
        }
    }

    fn parts(text: &str) -> Url {
        parse(text).unwrap()
    }

    #[test]
    fn the_parts_are_decoded_where_go_decodes_them() {
        let url = parts("HTTP://u%40x:p%3Aw@h:80/a%20b?x=%20y#f%20g");
        assert_eq!(url.scheme, b"http");
        assert_eq!(url.user.as_ref().map(UserInfo::escaped), Some(b"u%40x:p%3Aw".to_vec()));
        assert_eq!(url.host, b"h:80");
        assert_eq!(url.hostname(), b"h");
        assert_eq!(url.path, b"/a b");
        assert_eq!(url.raw_query, b"x=%20y");
        assert_eq!(url.fragment, b"f g");
        assert_eq!(parts("mailto:joe@example.org").opaque, b"joe@example.org");
        assert_eq!(parts("http://[::1]:8080/x").hostname(), b"::1");
        assert_eq!(parts("file://../values.schema.json").path, b"/values.schema.json");
    }

    #[test]
    fn malformed_urls_are_refused_in_gos_words() {
        for (text, message) in [
            ("http://h/%zz", r#"parse "http://h/%zz": invalid URL escape "%zz""#),
            ("http://h/%4", r#"parse "http://h/%4": invalid URL escape "%4""#),
            (":x", r#"parse ":x": missing protocol scheme"#),
            ("a:b/c:d", ""),
            ("1a:b/x", r#"parse "1a:b/x": first path segment in URL cannot contain colon"#),
            ("x/a:b", ""),
            ("http://h:8x/", r#"parse "http://h:8x/": invalid port ":8x" after host"#),
            ("http://[::1/", r#"parse "http://[::1/": missing ']' in host"#),
            ("http://a b/", r#"parse "http://a b/": invalid character " " in host name"#),
            ("http://u v@h/", r#"parse "http://u v@h/": net/url: invalid userinfo"#),
            ("a\nb", r#"parse "a\nb": net/url: invalid control character in URL"#),
            ("/p#%x", r#"parse "/p#%x": invalid URL escape "%x""#),
        ] {
            assert_eq!(parse(text).err().unwrap_or_default(), message, "{text}");
        }
    }

    #[test]
    fn written_back_with_gos_escaping() {
        for (text, written) in [
            ("http://h/a%20b?q#f%20g", "http://h/a%20b?q#f%20g"),
            ("http://h/a%2Fb", "http://h/a%2Fb"),
            ("http://h/a b", "http://h/a%20b"),
            ("HTTP://H/P?", "http://H/P?"),
            ("mailto:joe@example.org", "mailto:joe@example.org"),
            ("/a:b", "/a:b"),
            ("http://h/é#(x)!", "http://h/%C3%A9#(x)!"),
        ] {
            assert_eq!(parts(text).to_go_string(), written, "{text}");
        }
        let relative = Url { path: b"a:b/c".to_vec(), ..Url::default() };
        assert_eq!(relative.to_go_string(), "./a:b/c");
    }
}
