//! The two glob dialects Helm uses: Go's `path.Match` (`.helmignore`, `--show-only`) and
//! `gobwas/glob` with `/` as the separator (`.Files.Glob`: `*` within one path segment, `**`
//! across segments, `?`, classes `[a-z]` and `[!x]`, alternatives `{a,b}`, `\` escapes).

/// A compiled pattern.
#[derive(Clone, Debug, Default)]
pub(crate) struct Glob {
    tokens: Vec<Tok>,
}

#[derive(Clone, Debug)]
enum Tok {
    Lit(char),
    Any,
    Super,
    One,
    Class { negated: bool, items: Vec<(char, char)> },
    Alt(Vec<Vec<Tok>>),
}

const SEP: char = '/';

impl Glob {
    /// Compiles a pattern; `None` when it is malformed (an unclosed `[` or `{`).
    pub(crate) fn compile(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut pos = 0;
        let tokens = parse_seq(&chars, &mut pos, false)?;
        if pos != chars.len() {
            return None;
        }
        Some(Glob { tokens })
    }

    /// Whether `text` matches the whole pattern.
    pub(crate) fn matches(&self, text: &str) -> bool {
        let chars: Vec<char> = text.chars().collect();
        match_seq(&self.tokens, &chars, 0)
    }
}

fn parse_seq(chars: &[char], pos: &mut usize, in_alt: bool) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    while *pos < chars.len() {
        let c = chars[*pos];
        match c {
            ',' | '}' if in_alt => return Some(out),
            '\\' => {
                *pos += 1;
                out.push(Tok::Lit(*chars.get(*pos)?));
                *pos += 1;
            }
            '*' => {
                if chars.get(*pos + 1) == Some(&'*') {
                    out.push(Tok::Super);
                    *pos += 2;
                } else {
                    out.push(Tok::Any);
                    *pos += 1;
                }
            }
            '?' => {
                out.push(Tok::One);
                *pos += 1;
            }
            '[' => {
                *pos += 1;
                let negated = chars.get(*pos) == Some(&'!');
                if negated {
                    *pos += 1;
                }
                let mut items = Vec::new();
                loop {
                    let c = *chars.get(*pos)?;
                    if c == ']' {
                        *pos += 1;
                        break;
                    }
                    if chars.get(*pos + 1) == Some(&'-') && chars.get(*pos + 2).is_some_and(|e| *e != ']') {
                        items.push((c, chars[*pos + 2]));
                        *pos += 3;
                    } else {
                        items.push((c, c));
                        *pos += 1;
                    }
                }
                out.push(Tok::Class { negated, items });
            }
            '{' => {
                *pos += 1;
                let mut alts = Vec::new();
                loop {
                    let seq = parse_seq(chars, pos, true)?;
                    alts.push(seq);
                    match chars.get(*pos)? {
                        ',' => *pos += 1,
                        '}' => {
                            *pos += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                out.push(Tok::Alt(alts));
            }
            c => {
                out.push(Tok::Lit(c));
                *pos += 1;
            }
        }
    }
    if in_alt {
        return None;
    }
    Some(out)
}

fn match_seq(tokens: &[Tok], text: &[char], at: usize) -> bool {
    let Some((first, rest)) = tokens.split_first() else {
        return at == text.len();
    };
    match first {
        Tok::Lit(c) => text.get(at) == Some(c) && match_seq(rest, text, at + 1),
        Tok::One => text.get(at).is_some_and(|c| *c != SEP) && match_seq(rest, text, at + 1),
        Tok::Class { negated, items } => {
            text.get(at).is_some_and(|c| {
                let inside = items.iter().any(|(lo, hi)| lo <= c && c <= hi);
                inside != *negated
            }) && match_seq(rest, text, at + 1)
        }
        Tok::Any => {
            let mut i = at;
            loop {
                if match_seq(rest, text, i) {
                    return true;
                }
                if i >= text.len() || text[i] == SEP {
                    return false;
                }
                i += 1;
            }
        }
        Tok::Super => (at..=text.len()).any(|i| match_seq(rest, text, i)),
        Tok::Alt(alts) => alts.iter().any(|alt| {
            let mut joined = alt.clone();
            joined.extend_from_slice(rest);
            match_seq(&joined, text, at)
        }),
    }
}

/// Go's `path.Match` / `filepath.Match` (Unix): `*` and `?` stay within a path segment,
/// `[...]` classes with `^` negation, `\` escapes. `None` for a malformed pattern.
pub(crate) fn path_match(pattern: &str, name: &str) -> Option<bool> {
    // Patterns and paths are nearly always ASCII: their bytes are their characters.
    if pattern.is_ascii() && name.is_ascii() {
        return match_chars(pattern.as_bytes(), name.as_bytes());
    }
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    match_chars(&p, &n)
}

/// [`path_match`] over characters, as `char`s or as ASCII bytes.
fn match_chars<C: Copy + Into<char>>(p: &[C], n: &[C]) -> Option<bool> {
    // Validate the whole pattern first, as Go reports bad patterns even after a mismatch.
    let mut i = 0;
    while i < p.len() {
        match p[i].into() {
            '\\' => {
                i += 1;
                if i >= p.len() {
                    return None;
                }
                i += 1;
            }
            '[' => {
                let (_, next) = parse_class(p, i)?;
                i = next;
            }
            _ => i += 1,
        }
    }
    Some(match_from(p, 0, n, 0))
}

/// A parsed character class: whether it is negated, and its ranges.
type Class = (bool, Vec<(char, char)>);

/// A character class starting at `p[i] == '['`: (negated, ranges) and the index after it.
fn parse_class<C: Copy + Into<char>>(p: &[C], i: usize) -> Option<(Class, usize)> {
    let at = |j: usize| p.get(j).map(|&c| c.into());
    let mut j = i + 1;
    let negated = at(j) == Some('^');
    if negated {
        j += 1;
    }
    let mut ranges = Vec::new();
    let mut first = true;
    loop {
        let c = at(j)?;
        if c == ']' && !first {
            return Some(((negated, ranges), j + 1));
        }
        first = false;
        let lo = if c == '\\' {
            j += 1;
            at(j)?
        } else {
            c
        };
        if lo == ']' && c != '\\' {
            return None;
        }
        j += 1;
        let mut hi = lo;
        if at(j) == Some('-') {
            j += 1;
            let c2 = at(j)?;
            hi = if c2 == '\\' {
                j += 1;
                at(j)?
            } else {
                c2
            };
            if hi == ']' && c2 != '\\' {
                return None;
            }
            j += 1;
        }
        ranges.push((lo, hi));
    }
}

fn match_from<C: Copy + Into<char>>(p: &[C], pi: usize, n: &[C], ni: usize) -> bool {
    if pi == p.len() {
        return ni == n.len();
    }
    let name = |i: usize| -> Option<char> { n.get(i).map(|&c| c.into()) };
    match p[pi].into() {
        '*' => {
            let mut k = ni;
            loop {
                if match_from(p, pi + 1, n, k) {
                    return true;
                }
                if k >= n.len() || name(k) == Some('/') {
                    return false;
                }
                k += 1;
            }
        }
        '?' => name(ni).is_some_and(|c| c != '/') && match_from(p, pi + 1, n, ni + 1),
        '[' => match parse_class(p, pi) {
            Some(((negated, ranges), next)) => {
                name(ni).is_some_and(|c| {
                    c != '/' && ranges.iter().any(|(lo, hi)| *lo <= c && c <= *hi) != negated
                }) && match_from(p, next, n, ni + 1)
            }
            None => false,
        },
        '\\' => pi + 1 < p.len() && name(ni) == Some(p[pi + 1].into()) && match_from(p, pi + 2, n, ni + 1),
        c => name(ni) == Some(c) && match_from(p, pi + 1, n, ni + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_match_like_go() {
        assert_eq!(path_match("*.txt", "a.txt"), Some(true));
        assert_eq!(path_match("*.txt", "d/a.txt"), Some(false));
        assert_eq!(path_match("templates/.?*", "templates/.hidden"), Some(true));
        assert_eq!(path_match("[a-c]x", "bx"), Some(true));
        assert_eq!(path_match("[^a-c]x", "bx"), Some(false));
        assert_eq!(path_match("[", "a"), None);
        assert_eq!(path_match("ä?[ö-ü]", "äxü"), Some(true), "characters, not bytes");
        assert_eq!(path_match("a?c", "aäc"), Some(true));
        assert_eq!(path_match("a\\*", "a*"), Some(true));
    }

    fn m(p: &str, t: &str) -> bool {
        Glob::compile(p).unwrap().matches(t)
    }

    #[test]
    fn globs() {
        assert!(m("files/*.txt", "files/a.txt"));
        assert!(!m("files/*.txt", "files/sub/a.txt"));
        assert!(m("files/**.txt", "files/sub/a.txt"));
        assert!(m("**", "a/b/c"));
        assert!(m("files/{a,b}.txt", "files/b.txt"));
        assert!(m("f?le[0-9].[!x]", "file1.y"));
        assert!(Glob::compile("[abc").is_none());
    }
}
