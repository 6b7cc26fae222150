//! Semantic versions and constraints as Masterminds/semver v3 reads them (`semver`,
//! `semverCompare`, Chart.yaml `kubeVersion`): loose version parsing, `||` and `,`
//! constraint groups, `x` wildcards, `~`, `^`, hyphen ranges, and the rule that prereleases
//! only match constraints that mention one.

use std::cmp::Ordering;
use std::rc::Rc;
use std::sync::OnceLock;

use crate::template::error::GoError;
use crate::template::funcs::{FuncTable, arg_str};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{GoObject, Val, YamlView};

pub(crate) fn register(t: &mut FuncTable) {
    t.add("semver", Sig::fixed(&[Ty::Str]), |_, a| {
        let v = Version::parse(arg_str(a, 0)).map_err(GoError::msg)?;
        Ok(Val::Obj(Rc::new(v)))
    });
    t.add("semverCompare", Sig::fixed(&[Ty::Str, Ty::Str]), |_, a| {
        semver_compare(arg_str(a, 0), arg_str(a, 1)).map(Val::Bool).map_err(GoError::msg)
    });
}

/// How many answers of `semverCompare` a rendering keeps.
const KEPT_COMPARISONS: usize = 256;

thread_local! {
    /// `semverCompare`'s answers on this (rendering) thread, by constraint and version.
    /// Charts ask the same question for every object (Bitnami's `common` library, which API
    /// version to use), and reading a constraint runs it through four patterns.
    static COMPARED: std::cell::RefCell<foldhash::HashMap<(String, String), Result<bool, String>>> =
        std::cell::RefCell::default();
}

/// Whether `version` satisfies `constraint`, or why either cannot be read.
fn semver_compare(constraint: &str, version: &str) -> Result<bool, String> {
    let key = (constraint.to_string(), version.to_string());
    if let Some(answer) = COMPARED.with_borrow(|kept| kept.get(&key).cloned()) {
        return answer;
    }
    let answer = Constraints::parse(constraint).and_then(|c| Ok(c.check(&Version::parse(version)?)));
    COMPARED.with_borrow_mut(|kept| {
        if kept.len() >= KEPT_COMPARISONS {
            kept.clear();
        }
        kept.insert(key, answer.clone());
    });
    answer
}

/// A version.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Version {
    /// Major.
    pub major: u64,
    /// Minor.
    pub minor: u64,
    /// Patch.
    pub patch: u64,
    /// Prerelease, without the dash.
    pub pre: String,
    /// Build metadata, without the plus.
    pub metadata: String,
    /// The text it was parsed from.
    pub original: String,
}

const CV: &str = r"v?([0-9|x|X|\*]+)(\.[0-9|x|X|\*]+)?(\.[0-9|x|X|\*]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?";
const OPS: &str = r"=||!=|>|<|>=|=>|<=|=<|~|~>|\^";
const WS: &str = r"[\t\n\f\r ]";

/// Masterminds' patterns of constraints as texts: one constraint, a hyphen range, each
/// constraint of a list, a whole list.
fn masterminds_patterns() -> [String; 4] {
    [
        format!(r"^{WS}*({OPS}){WS}*({CV}){WS}*$"),
        format!(r"{WS}*({CV}){WS}+-{WS}+({CV}){WS}*"),
        format!(r"({OPS}){WS}*({CV})"),
        format!(r"^({WS}*({OPS}){WS}*({CV}){WS}*)((?:{WS}+|,{WS}*)({OPS}){WS}*({CV}){WS}*)*$"),
    ]
}

/// The patterns as compiled: the last two are only found or matched, never asked for their
/// groups, so their groups capture nothing. A matcher sets up room for every group in each
/// of its states before its first search; the two patterns' 35 groups took about 260 KB,
/// touched page by page, in every rendering that compares versions.
fn constraint_patterns() -> [String; 4] {
    let [one, range, each, list] = masterminds_patterns();
    [one, range, without_captures(&each), without_captures(&list)]
}

/// `pattern` (which has no escaped parenthesis) with every group non-capturing.
fn without_captures(pattern: &str) -> String {
    pattern.replace("(?:", "(").replace('(', "(?:")
}

/// The patterns of constraints, compiled the first time a constraint is read (a chart's own
/// version needs none of them). `regex-lite` compiles them in a fraction of the time `regex`
/// takes (whose faster matching does not pay off on texts this short); the two read them
/// alike, which a test below checks.
fn regexes() -> &'static [regex_lite::Regex; 4] {
    static RES: OnceLock<[regex_lite::Regex; 4]> = OnceLock::new();
    RES.get_or_init(|| {
        // Fixed patterns, checked by the tests below.
        constraint_patterns().map(|p| regex_lite::Regex::new(&p).expect("a valid semver pattern"))
    })
}

/// The texts of a version's parts; minor and patch may be absent.
#[derive(Debug, PartialEq, Eq)]
struct VersionParts<'a> {
    major: &'a str,
    minor: Option<&'a str>,
    patch: Option<&'a str>,
    pre: &'a str,
    metadata: &'a str,
}

/// The parts of a version as Masterminds' loose pattern
/// `^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-P)?(\+P)?$` reads them, where `P` is dot-separated
/// non-empty runs of `[0-9A-Za-z-]`: the three numbers (minor and patch possibly absent),
/// the prerelease and the metadata.
fn version_parts(v: &str) -> Option<VersionParts<'_>> {
    fn digits(s: &str) -> (&str, &str) {
        let end = s.bytes().position(|b| !b.is_ascii_digit()).unwrap_or(s.len());
        s.split_at(end)
    }
    fn dotted_words(s: &str) -> bool {
        s.split('.').all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-'))
    }
    let rest = v.strip_prefix('v').unwrap_or(v);
    let (major, mut rest) = digits(rest);
    if major.is_empty() {
        return None;
    }
    let mut numbers = [None, None];
    for number in &mut numbers {
        if let Some(after_dot) = rest.strip_prefix('.') {
            let (found, after) = digits(after_dot);
            if found.is_empty() {
                return None;
            }
            (*number, rest) = (Some(found), after);
        }
    }
    let (rest, metadata) = match rest.split_once('+') {
        Some((before, metadata)) if dotted_words(metadata) => (before, metadata),
        Some(_) => return None,
        None => (rest, ""),
    };
    let pre = match rest.strip_prefix('-') {
        Some(pre) if dotted_words(pre) => pre,
        Some(_) => return None,
        None if rest.is_empty() => "",
        None => return None,
    };
    Some(VersionParts { major, minor: numbers[0], patch: numbers[1], pre, metadata })
}

fn parse_segment(s: &str) -> Result<u64, String> {
    s.parse::<u64>().map_err(|_| {
        format!(
            "error parsing version segment: strconv.ParseUint: parsing {}: value out of range",
            crate::strconv::quote(s)
        )
    })
}

fn validate_prerelease(p: &str) -> Result<(), String> {
    for part in p.split('.') {
        if part.is_empty() {
            return Err("invalid prerelease string".into());
        }
        if part.bytes().all(|b| b.is_ascii_digit()) {
            if part.len() > 1 && part.starts_with('0') {
                return Err("version segment starts with 0".into());
            }
        } else if !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err("invalid prerelease string".into());
        }
    }
    Ok(())
}

fn validate_metadata(m: &str) -> Result<(), String> {
    for part in m.split('.') {
        if part.is_empty() || !part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
            return Err("invalid metadata string".into());
        }
    }
    Ok(())
}

impl Version {
    /// Masterminds' `NewVersion` (coercing: `1`, `1.2`, `v1.2.3` are accepted).
    pub(crate) fn parse(v: &str) -> Result<Version, String> {
        let parts = version_parts(v).ok_or("invalid semantic version")?;
        let major = parse_segment(parts.major)?;
        let minor = parts.minor.map_or(Ok(0), parse_segment)?;
        let patch = parts.patch.map_or(Ok(0), parse_segment)?;
        let (pre, metadata) = (parts.pre.to_string(), parts.metadata.to_string());
        if !pre.is_empty() {
            validate_prerelease(&pre)?;
        }
        if !metadata.is_empty() {
            validate_metadata(&metadata)?;
        }
        Ok(Version { major, minor, patch, pre, metadata, original: v.to_string() })
    }

    /// Masterminds' `Compare`: numbers, then prereleases (a release is greater).
    pub(crate) fn compare(&self, o: &Version) -> Ordering {
        self.major.cmp(&o.major).then(self.minor.cmp(&o.minor)).then(self.patch.cmp(&o.patch)).then_with(
            || match (self.pre.is_empty(), o.pre.is_empty()) {
                (true, true) => Ordering::Equal,
                (true, false) => Ordering::Greater,
                (false, true) => Ordering::Less,
                (false, false) => compare_prerelease(&self.pre, &o.pre),
            },
        )
    }

    fn v_prefix(&self) -> &str {
        if self.original.starts_with('v') { "v" } else { "" }
    }

    fn with_original(mut self) -> Version {
        self.original = format!("{}{}", self.v_prefix(), self);
        self
    }
}

/// Sprig's `semver` returns a `*semver.Version`, whose methods templates call.
impl GoObject for Version {
    fn type_name(&self) -> &'static str {
        "*semver.Version"
    }

    fn kind_name(&self) -> &'static str {
        "ptr"
    }

    fn same(&self, other: &dyn GoObject) -> bool {
        other.downcast_ref::<Version>() == Some(self)
    }

    fn to_json_val(&self) -> Val {
        Val::str(self.to_string())
    }

    fn yaml_view(&self) -> YamlView {
        // Its `MarshalText`.
        YamlView::As(Val::str(self.to_string()))
    }

    fn method_sig(&self, name: &str) -> Option<Sig> {
        match name {
            "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "Original" | "String" | "IncMajor"
            | "IncMinor" | "IncPatch" => Some(Sig::fixed(&[])),
            "LessThan" | "GreaterThan" | "Equal" | "Compare" | "LessThanEqual" | "GreaterThanEqual" => {
                Some(Sig::fixed(&[Ty::Any]))
            }
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Val]) -> Result<Val, String> {
        let other = || match args.first() {
            Some(Val::Obj(o)) => match o.downcast_ref::<Version>() {
                Some(v) => Ok(v.clone()),
                None => Err(format!("wrong type for value; expected *semver.Version; got {}", o.type_name())),
            },
            Some(v) => Err(format!("wrong type for value; expected *semver.Version; got {}", v.type_name())),
            None => Err("missing argument".to_string()),
        };
        let obj = |v: Version| Val::Obj(Rc::new(v));
        Ok(match name {
            "Major" => Val::Int64(self.major as i64),
            "Minor" => Val::Int64(self.minor as i64),
            "Patch" => Val::Int64(self.patch as i64),
            "Prerelease" => Val::str(&self.pre),
            "Metadata" => Val::str(&self.metadata),
            "Original" => Val::str(&self.original),
            "String" => Val::str(self.to_string()),
            "IncMajor" => {
                let mut n = self.clone();
                n.major += 1;
                n.minor = 0;
                n.patch = 0;
                n.pre.clear();
                n.metadata.clear();
                obj(n.with_original())
            }
            "IncMinor" => {
                let mut n = self.clone();
                n.minor += 1;
                n.patch = 0;
                n.pre.clear();
                n.metadata.clear();
                obj(n.with_original())
            }
            "IncPatch" => {
                let mut n = self.clone();
                if n.pre.is_empty() {
                    n.patch += 1;
                }
                n.pre.clear();
                n.metadata.clear();
                obj(n.with_original())
            }
            "LessThan" => Val::Bool(self.compare(&other()?) == Ordering::Less),
            "LessThanEqual" => Val::Bool(self.compare(&other()?) != Ordering::Greater),
            "GreaterThan" => Val::Bool(self.compare(&other()?) == Ordering::Greater),
            "GreaterThanEqual" => Val::Bool(self.compare(&other()?) != Ordering::Less),
            "Equal" => Val::Bool(self.compare(&other()?) == Ordering::Equal),
            "Compare" => Val::Int(match self.compare(&other()?) {
                Ordering::Less => -1,
                Ordering::Equal => 0,
                Ordering::Greater => 1,
            }),
            _ => return Err(format!("method {name} not found")),
        })
    }

    fn fmt_v(&self, _plus: bool, _depth: usize) -> String {
        self.to_string()
    }
}

impl std::fmt::Display for Version {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre)?;
        }
        if !self.metadata.is_empty() {
            write!(f, "+{}", self.metadata)?;
        }
        Ok(())
    }
}

fn compare_prerelease(a: &str, b: &str) -> Ordering {
    let ap: Vec<&str> = a.split('.').collect();
    let bp: Vec<&str> = b.split('.').collect();
    for i in 0..ap.len().max(bp.len()) {
        let d = compare_pre_part(ap.get(i).copied().unwrap_or(""), bp.get(i).copied().unwrap_or(""));
        if d != Ordering::Equal {
            return d;
        }
    }
    Ordering::Equal
}

fn compare_pre_part(s: &str, o: &str) -> Ordering {
    if s == o {
        return Ordering::Equal;
    }
    if s.is_empty() {
        return Ordering::Less;
    }
    if o.is_empty() {
        return Ordering::Greater;
    }
    match (s.parse::<u64>(), o.parse::<u64>()) {
        (Err(_), Err(_)) => {
            if s > o {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
        (Ok(_), Err(_)) => Ordering::Less,
        (Err(_), Ok(_)) => Ordering::Greater,
        (Ok(x), Ok(y)) => {
            if x > y {
                Ordering::Greater
            } else {
                Ordering::Less
            }
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
struct Constraint {
    con: Version,
    op: String,
    minor_dirty: bool,
    dirty: bool,
    patch_dirty: bool,
}

/// A parsed constraint: groups separated by `||`, each a conjunction.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Constraints {
    groups: Vec<Vec<Constraint>>,
    contains_pre: Vec<bool>,
}

fn is_x(s: &str) -> bool {
    matches!(s, "x" | "X" | "*")
}

impl Constraints {
    /// Masterminds' `NewConstraint`.
    pub(crate) fn parse(c: &str) -> Result<Constraints, String> {
        match plain_constraint(c) {
            Some(plain) => {
                Ok(Constraints { groups: vec![vec![constraint_of(plain)?]], contains_pre: vec![false] })
            }
            None => Constraints::parse_with_patterns(c),
        }
    }

    /// Masterminds' `NewConstraint`, read with its patterns.
    fn parse_with_patterns(c: &str) -> Result<Constraints, String> {
        let c = rewrite_range(c);
        let mut groups = Vec::new();
        let mut contains_pre = Vec::new();
        for part in c.split("||") {
            if !regexes()[3].is_match(part) {
                return Err(format!("improper constraint: {part}"));
            }
            let mut found: Vec<String> =
                regexes()[2].find_iter(part).map(|m| m.as_str().to_string()).collect();
            if found.is_empty() {
                found.push(part.to_string());
            }
            let mut group = Vec::new();
            let mut has_pre = false;
            for s in found {
                let pc = parse_constraint(&s)?;
                if !pc.con.pre.is_empty() {
                    has_pre = true;
                }
                group.push(pc);
            }
            groups.push(group);
            contains_pre.push(has_pre);
        }
        Ok(Constraints { groups, contains_pre })
    }

    /// Whether `v` satisfies the constraint.
    pub(crate) fn check(&self, v: &Version) -> bool {
        self.groups.iter().zip(&self.contains_pre).any(|(g, pre)| g.iter().all(|c| c.check(v, *pre)))
    }
}

fn rewrite_range(s: &str) -> String {
    let mut out = s.to_string();
    for caps in regexes()[1].captures_iter(s) {
        let whole = caps.get(0).map_or("", |m| m.as_str());
        let a = caps.get(1).map_or("", |m| m.as_str());
        let b = caps.get(11).map_or("", |m| m.as_str());
        out = out.replacen(whole, &format!(">= {a}, <= {b} "), 1);
    }
    out
}

/// One constraint's parts as Masterminds' pattern captures them: the operator, the version,
/// its major number, and its minor number, patch number and prerelease, each with its
/// leading `.` or `-`.
#[derive(Debug, PartialEq)]
struct Groups<'a> {
    op: &'a str,
    version: &'a str,
    major: &'a str,
    minor: &'a str,
    patch: &'a str,
    pre: &'a str,
}

/// A constraint that is a plain version, without operator, range, list, prerelease or
/// spaces (`2.x.x`, `16.2`, `1.2.3`: what nearly every chart's dependencies ask for), read
/// without the patterns, which are then never compiled: the major version in digits, then
/// at most two parts that are digits or a wildcard. Anything else goes to the patterns.
fn plain_constraint(c: &str) -> Option<Groups<'_>> {
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    let major = c.split('.').next().unwrap_or(c);
    // The minor and patch parts keep their leading dot, as the pattern captures them.
    let rest = &c[major.len()..];
    let (minor, patch) = match rest.get(1..).and_then(|after_dot| after_dot.find('.')) {
        Some(at) => rest.split_at(at + 1),
        None => (rest, ""),
    };
    let plain = |part: &str| part.is_empty() || part.strip_prefix('.').is_some_and(|p| digits(p) || is_x(p));
    (digits(major) && plain(minor) && plain(patch)).then_some(Groups {
        op: "",
        version: c,
        major,
        minor,
        patch,
        pre: "",
    })
}

fn parse_constraint(c: &str) -> Result<Constraint, String> {
    if c.is_empty() {
        return Ok(Constraint {
            con: Version::parse("0.0.0").map_err(|_| "constraint parser error".to_string())?,
            op: String::new(),
            minor_dirty: false,
            dirty: true,
            patch_dirty: false,
        });
    }
    let m = regexes()[0].captures(c).ok_or_else(|| format!("improper constraint: {c}"))?;
    let g = |i: usize| m.get(i).map_or("", |x| x.as_str());
    constraint_of(Groups { op: g(1), version: g(2), major: g(3), minor: g(4), patch: g(5), pre: g(6) })
}

/// Masterminds' `parseConstraint` from the groups of the constraint.
fn constraint_of(g: Groups<'_>) -> Result<Constraint, String> {
    let (mut minor_dirty, mut patch_dirty, mut dirty) = (false, false, false);
    let mut ver = g.version.to_string();
    if is_x(g.major) || g.major.is_empty() {
        ver = format!("0.0.0{}", g.pre);
        dirty = true;
    } else if is_x(g.minor.trim_start_matches('.')) || g.minor.is_empty() {
        minor_dirty = true;
        dirty = true;
        ver = format!("{}.0.0{}", g.major, g.pre);
    } else if is_x(g.patch.trim_start_matches('.')) || g.patch.is_empty() {
        dirty = true;
        patch_dirty = true;
        ver = format!("{}{}.0{}", g.major, g.minor, g.pre);
    }
    let con = Version::parse(&ver).map_err(|_| "constraint parser error".to_string())?;
    Ok(Constraint { con, op: g.op.to_string(), minor_dirty, dirty, patch_dirty })
}

impl Constraint {
    fn check(&self, v: &Version, include_pre: bool) -> bool {
        if !v.pre.is_empty() && !include_pre {
            return false;
        }
        let c = &self.con;
        match self.op.as_str() {
            "" | "=" => {
                if self.dirty {
                    self.tilde(v)
                } else {
                    v.compare(c) == Ordering::Equal
                }
            }
            "!=" => {
                if self.dirty {
                    if c.major != v.major {
                        return true;
                    }
                    if c.minor != v.minor && !self.minor_dirty {
                        return true;
                    } else if self.minor_dirty {
                        return false;
                    } else if c.patch != v.patch && !self.patch_dirty {
                        return true;
                    } else if self.patch_dirty {
                        if !v.pre.is_empty() || !c.pre.is_empty() {
                            return compare_prerelease(&v.pre, &c.pre) != Ordering::Equal;
                        }
                        return false;
                    }
                }
                v.compare(c) != Ordering::Equal
            }
            ">" => {
                if !self.dirty {
                    return v.compare(c) == Ordering::Greater;
                }
                if v.major > c.major {
                    true
                } else if v.major < c.major || self.minor_dirty {
                    false
                } else if self.patch_dirty {
                    v.minor > c.minor
                } else {
                    v.compare(c) == Ordering::Greater
                }
            }
            "<" => v.compare(c) == Ordering::Less,
            ">=" | "=>" => v.compare(c) != Ordering::Less,
            "<=" | "=<" => {
                if !self.dirty {
                    return v.compare(c) != Ordering::Greater;
                }
                !(v.major > c.major || (v.major == c.major && v.minor > c.minor && !self.minor_dirty))
            }
            "~" | "~>" => self.tilde(v),
            "^" => {
                if v.compare(c) == Ordering::Less {
                    return false;
                }
                if c.major > 0 || self.minor_dirty {
                    return v.major == c.major;
                }
                if c.major == 0 && v.major > 0 {
                    return false;
                }
                if c.minor > 0 || self.patch_dirty {
                    return v.minor == c.minor;
                }
                if c.minor == 0 && v.minor > 0 {
                    return false;
                }
                c.patch == v.patch
            }
            _ => false,
        }
    }

    fn tilde(&self, v: &Version) -> bool {
        let c = &self.con;
        if v.compare(c) == Ordering::Less {
            return false;
        }
        if c.major == 0 && c.minor == 0 && c.patch == 0 && !self.minor_dirty && !self.patch_dirty {
            return true;
        }
        if v.major != c.major {
            return false;
        }
        v.minor == c.minor || self.minor_dirty
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;

    fn check(c: &str, v: &str) -> bool {
        Constraints::parse(c).unwrap().check(&Version::parse(v).unwrap())
    }

    #[test]
    fn dependency_constraints_are_read_without_the_patterns() {
        let groups = |major, minor, patch, version| Groups { op: "", version, major, minor, patch, pre: "" };
        assert_eq!(plain_constraint("2.x.x"), Some(groups("2", ".x", ".x", "2.x.x")));
        assert_eq!(plain_constraint("16.X.X"), Some(groups("16", ".X", ".X", "16.X.X")));
        assert_eq!(plain_constraint("1.2"), Some(groups("1", ".2", "", "1.2")));
        for other in ["~1.2", "1.2.3-0", ">=1", "1.2.3.4", "1.2.", "x", "v1", "1 - 2", "1.2 || 2"] {
            assert_eq!(plain_constraint(other), None, "{other}");
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::test_runner::Config {
            rng_seed: proptest::test_runner::RngSeed::Fixed(101),
            cases: 3000,
            ..proptest::test_runner::Config::default()
        })]
        /// `regex-lite` finds in constraints what `regex` finds.
        #[test]
        fn constraint_patterns_read_alike(text in "[ <>=!~^|,*xX.v0-9a-z+-]{0,14}") {
            for (lite, full) in regexes().iter().zip(constraint_patterns()) {
                let full = Regex::new(&full).unwrap();
                let lite_captures: Vec<_> = lite
                    .captures_iter(&text)
                    .map(|c| c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect::<Vec<_>>())
                    .collect();
                let full_captures: Vec<_> = full
                    .captures_iter(&text)
                    .map(|c| c.iter().map(|g| g.map(|g| (g.start(), g.end()))).collect::<Vec<_>>())
                    .collect();
                proptest::prop_assert_eq!(lite_captures, full_captures);
            }
        }

        /// A plain version read without the patterns is read as the patterns read it.
        #[test]
        fn plain_constraints_read_as_the_patterns_read_them(
            text in "[0-9]{1,3}([.]([0-9]{1,2}|[xX*]|)){0,3}|[0-9xX*.v ~^=<>|,-]{0,8}"
        ) {
            proptest::prop_assert_eq!(Constraints::parse(&text), Constraints::parse_with_patterns(&text));
        }

        /// Without their captures, the patterns only found or matched find and match what
        /// Masterminds' patterns do.
        #[test]
        fn patterns_without_captures_match_alike(text in "[ <>=!~^|,*xX.v0-9a-z+-]{0,14}") {
            for (compiled, original) in constraint_patterns().iter().zip(masterminds_patterns()) {
                let compiled = Regex::new(compiled).unwrap();
                let original = Regex::new(&original).unwrap();
                let spans = |re: &Regex| re.find_iter(&text).map(|m| m.range()).collect::<Vec<_>>();
                proptest::prop_assert_eq!(spans(&compiled), spans(&original));
            }
        }

        /// The version reader finds the parts Masterminds' pattern finds, and refuses what it
        /// refuses.
        #[test]
        fn versions_are_read_as_the_pattern_reads_them(text in "v?[0-9]{0,2}([.][0-9]{0,2}){0,3}([-+][0-9a-zA-Z.+-]{0,6}){0,2}|[v0-9.+a-]{0,8}") {
            let pattern = Regex::new(
                r"^v?([0-9]+)(\.[0-9]+)?(\.[0-9]+)?(-([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?(\+([0-9A-Za-z\-]+(\.[0-9A-Za-z\-]+)*))?$",
            )
            .unwrap();
            let expected = pattern.captures(&text).map(|m| {
                let group = |i: usize| m.get(i).map(|g| g.as_str());
                VersionParts {
                    major: group(1).unwrap_or_default(),
                    minor: group(2).map(|g| &g[1..]),
                    patch: group(3).map(|g| &g[1..]),
                    pre: group(5).unwrap_or_default(),
                    metadata: group(8).unwrap_or_default(),
                }
            });
            proptest::prop_assert_eq!(version_parts(&text), expected);
        }
    }

    #[test]
    fn constraints() {
        assert!(check(">=1.20.0-0", "v1.35.0"));
        assert!(check(">=1.20", "1.35.0"));
        assert!(!check(">=1.20", "1.35.0-rc.1"));
        assert!(check(">=1.20-0", "1.35.0-rc.1"));
        assert!(check("~1.2", "1.2.9"));
        assert!(!check("~1.2", "1.3.0"));
        assert!(check("^1.2", "1.9.0"));
        assert!(check("1.2.x", "1.2.7"));
        assert!(check("1.0 - 2.0", "1.5.0"));
        assert!(check("<1.0 || >=2.0", "2.1.0"));
        assert!(check(">1.0, <2.0", "1.5.0"));
        assert_eq!(Version::parse("v1.2").unwrap().to_string(), "1.2.0");
        assert!(Version::parse("abc").is_err());
        assert!(Constraints::parse("foo").is_err());
    }
}
