//! Go objects with fields and methods that Helm hands to templates: `.Capabilities` (with
//! `KubeVersion`, `APIVersions.Has` and `HelmVersion`), `.Files` (`Get`, `Glob`, `AsConfig`,
//! ...) and the versions Sprig's `semver` returns.

use std::collections::BTreeMap;
use std::rc::Rc;

use super::glob::Glob;
use crate::funcs::encoding::base64_encode;
use crate::funcs::semver::Version;
use crate::template::fmt::format_value;
use crate::template::sig::{Sig, Ty};
use crate::template::value::{SliceKind, Val};

/// Helm's `.Capabilities`.
#[derive(Clone, Debug)]
pub struct Capabilities {
    /// `.KubeVersion`
    pub kube_version: KubeVersion,
    /// `.APIVersions`: group/versions, and group/version/kinds given with `--api-versions`.
    pub api_versions: Vec<String>,
    /// `.HelmVersion`
    pub helm_version: BuildInfo,
}

/// Helm's `common.KubeVersion`.
#[derive(Clone, Debug, PartialEq)]
pub struct KubeVersion {
    /// The version as given, with a leading `v` (`GitVersion`).
    pub version: String,
    /// The version normalised to `vMAJOR.MINOR.PATCH` (`String`).
    pub normalized: String,
    /// The major version.
    pub major: String,
    /// The minor version.
    pub minor: String,
}

/// Helm's `version.BuildInfo`.
#[derive(Clone, Debug, PartialEq)]
pub struct BuildInfo {
    /// The Helm version this renderer imitates.
    pub version: String,
    /// Its git commit.
    pub git_commit: String,
    /// Its git tree state.
    pub git_tree_state: String,
    /// The Go version it was built with.
    pub go_version: String,
    /// The client-go version it was built with.
    pub kube_client_version: String,
}

impl BuildInfo {
    /// The values helm 4.1.4 reports.
    pub fn helm_4_1_4() -> BuildInfo {
        BuildInfo {
            version: "v4.1.4".into(),
            git_commit: "05fa37973dc9e42b76e1d2883494c87174b6074f".into(),
            git_tree_state: "clean".into(),
            go_version: "go1.25.9".into(),
            kube_client_version: "v1.35".into(),
        }
    }
}

/// Helm's `.Files`: the chart's files by path.
#[derive(Clone, Debug, Default)]
pub struct Files {
    /// Contents by path relative to the chart.
    pub entries: BTreeMap<String, Rc<Vec<u8>>>,
}

/// A Go object.
#[derive(Clone, Debug)]
pub enum Obj {
    /// `*common.Capabilities`
    Capabilities(Rc<Capabilities>),
    /// `common.KubeVersion`
    KubeVersion(KubeVersion),
    /// `version.BuildInfo`
    BuildInfo(BuildInfo),
    /// `engine.files`
    Files(Files),
    /// `*semver.Version`
    Semver(Version),
}

const SIG_NONE: Sig = Sig::fixed(&[]);
const SIG_STR: Sig = Sig::fixed(&[Ty::Str]);

impl Obj {
    /// The Go type name.
    pub fn type_name(&self) -> &'static str {
        match self {
            Obj::Capabilities(_) => "*common.Capabilities",
            Obj::KubeVersion(_) => "common.KubeVersion",
            Obj::BuildInfo(_) => "version.BuildInfo",
            Obj::Files(_) => "engine.files",
            Obj::Semver(_) => "*semver.Version",
        }
    }

    /// The Go kind name.
    pub fn kind_name(&self) -> &'static str {
        match self {
            Obj::Capabilities(_) | Obj::Semver(_) => "ptr",
            Obj::KubeVersion(_) | Obj::BuildInfo(_) => "struct",
            Obj::Files(_) => "map",
        }
    }

    /// Go's truth: structs and non-nil pointers are true, maps when not empty.
    pub fn truth(&self) -> bool {
        match self {
            Obj::Files(f) => !f.entries.is_empty(),
            _ => true,
        }
    }

    /// Whether a map-like object has no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == Some(0)
    }

    /// The length, for map-like objects.
    pub fn len(&self) -> Option<usize> {
        match self {
            Obj::Files(f) => Some(f.entries.len()),
            _ => None,
        }
    }

    /// Whether two objects are equal as Go's `reflect.DeepEqual` sees them.
    pub fn same(&self, other: &Obj) -> bool {
        match (self, other) {
            (Obj::KubeVersion(a), Obj::KubeVersion(b)) => a == b,
            (Obj::BuildInfo(a), Obj::BuildInfo(b)) => a == b,
            (Obj::Semver(a), Obj::Semver(b)) => a == b,
            (Obj::Files(a), Obj::Files(b)) => a.entries == b.entries,
            _ => false,
        }
    }

    /// The object as `encoding/json` would see it (exported fields, JSON tags).
    pub fn to_json_val(&self) -> Val {
        let s = |v: &str| Val::str(v);
        match self {
            Obj::Capabilities(c) => Val::map(BTreeMap::from([
                ("APIVersions".to_string(), Val::str_list(&c.api_versions)),
                ("HelmVersion".to_string(), Obj::BuildInfo(c.helm_version.clone()).to_json_val()),
                ("KubeVersion".to_string(), Obj::KubeVersion(c.kube_version.clone()).to_json_val()),
            ])),
            Obj::KubeVersion(k) => Val::map(BTreeMap::from([
                ("Major".to_string(), s(&k.major)),
                ("Minor".to_string(), s(&k.minor)),
                ("Version".to_string(), s(&k.version)),
            ])),
            Obj::BuildInfo(b) => {
                let mut m = BTreeMap::new();
                for (key, value) in [
                    ("version", &b.version),
                    ("git_commit", &b.git_commit),
                    ("git_tree_state", &b.git_tree_state),
                    ("go_version", &b.go_version),
                ] {
                    if !value.is_empty() {
                        m.insert(key.to_string(), s(value));
                    }
                }
                m.insert("kube_client_version".to_string(), s(&b.kube_client_version));
                Val::map(m)
            }
            Obj::Files(f) => {
                Val::map(f.entries.iter().map(|(k, v)| (k.clone(), Val::str(base64_encode(v)))).collect())
            }
            Obj::Semver(v) => s(&v.to_string()),
        }
    }

    /// A struct field or map entry (not a method).
    pub fn field(&self, name: &str) -> Option<Val> {
        let s = |v: &str| Some(Val::str(v));
        match (self, name) {
            (Obj::Capabilities(c), "KubeVersion") => {
                Some(Val::Obj(Rc::new(Obj::KubeVersion(c.kube_version.clone()))))
            }
            (Obj::Capabilities(c), "APIVersions") => {
                Some(Val::typed_list(SliceKind::VersionSet, c.api_versions.iter().map(Val::str).collect()))
            }
            (Obj::Capabilities(c), "HelmVersion") => {
                Some(Val::Obj(Rc::new(Obj::BuildInfo(c.helm_version.clone()))))
            }
            (Obj::KubeVersion(k), "Version") => s(&k.version),
            (Obj::KubeVersion(k), "Major") => s(&k.major),
            (Obj::KubeVersion(k), "Minor") => s(&k.minor),
            (Obj::BuildInfo(b), "Version") => s(&b.version),
            (Obj::BuildInfo(b), "GitCommit") => s(&b.git_commit),
            (Obj::BuildInfo(b), "GitTreeState") => s(&b.git_tree_state),
            (Obj::BuildInfo(b), "GoVersion") => s(&b.go_version),
            (Obj::BuildInfo(b), "KubeClientVersion") => s(&b.kube_client_version),
            // A map type: a missing key gives the element type's zero value (a nil []byte).
            (Obj::Files(f), key) => Some(Val::Bytes(f.entries.get(key).cloned().unwrap_or_default())),
            _ => None,
        }
    }

    /// Whether the object is a struct whose field `name` exists but is unexported.
    pub fn unexported_field(&self, name: &str) -> bool {
        matches!((self, name), (Obj::KubeVersion(_), "normalizedVersion"))
    }

    /// The signature of method `name`, if the object has it.
    pub fn method_sig(&self, name: &str) -> Option<Sig> {
        match (self, name) {
            (Obj::KubeVersion(_), "String" | "GitVersion") => Some(SIG_NONE),
            (Obj::Files(_), "Get" | "GetBytes" | "Glob" | "Lines") => Some(SIG_STR),
            (Obj::Files(_), "AsConfig" | "AsSecrets") => Some(SIG_NONE),
            (
                Obj::Semver(_),
                "Major" | "Minor" | "Patch" | "Prerelease" | "Metadata" | "Original" | "String" | "IncMajor"
                | "IncMinor" | "IncPatch",
            ) => Some(SIG_NONE),
            (
                Obj::Semver(_),
                "LessThan" | "GreaterThan" | "Equal" | "Compare" | "LessThanEqual" | "GreaterThanEqual",
            ) => Some(Sig::fixed(&[Ty::Any])),
            _ => None,
        }
    }

    /// Calls method `name` (whose signature [`Obj::method_sig`] gave) with checked arguments.
    pub fn call_method(&self, name: &str, args: &[Val]) -> Result<Val, String> {
        let arg_str = || args.first().and_then(Val::as_str).unwrap_or("").to_string();
        match (self, name) {
            (Obj::KubeVersion(k), "String") => {
                Ok(Val::str(if k.normalized.is_empty() { &k.version } else { &k.normalized }))
            }
            (Obj::KubeVersion(k), "GitVersion") => Ok(Val::str(&k.version)),
            (Obj::Files(f), "GetBytes") => {
                Ok(Val::Bytes(f.entries.get(&arg_str()).cloned().unwrap_or_default()))
            }
            (Obj::Files(f), "Get") => Ok(Val::str(
                f.entries
                    .get(&arg_str())
                    .map(|b| String::from_utf8_lossy(b).into_owned())
                    .unwrap_or_default(),
            )),
            (Obj::Files(f), "Glob") => Ok(Val::Obj(Rc::new(Obj::Files(f.glob(&arg_str()))))),
            (Obj::Files(f), "AsConfig") => Ok(Val::str(f.as_config(false))),
            (Obj::Files(f), "AsSecrets") => Ok(Val::str(f.as_config(true))),
            (Obj::Files(f), "Lines") => f.lines(&arg_str()),
            (Obj::Semver(v), _) => v.call_method(name, args),
            _ => Err(format!("method {name} not found")),
        }
    }

    /// Go's `%v` (with `plus`, `%+v`: struct field names).
    pub fn fmt_v(&self, plus: bool, depth: usize) -> String {
        let field =
            |name: &str, value: &str| if plus { format!("{name}:{value}") } else { value.to_string() };
        match self {
            Obj::Capabilities(c) => {
                let inner = format!(
                    "{{{} {} {}}}",
                    field("KubeVersion", &Obj::KubeVersion(c.kube_version.clone()).fmt_v(plus, depth + 1)),
                    field(
                        "APIVersions",
                        &format_value(&Val::str_list(&c.api_versions), 'v', plus, depth + 1)
                    ),
                    field("HelmVersion", &Obj::BuildInfo(c.helm_version.clone()).fmt_v(plus, depth + 1)),
                );
                // fmt prints a pointer to a struct as &{...} at the top and as an address below.
                if depth == 0 { format!("&{inner}") } else { "0xc000010000".to_string() }
            }
            Obj::KubeVersion(k) => format!(
                "{{{} {} {} {}}}",
                field("Version", &k.version),
                field("normalizedVersion", &k.normalized),
                field("Major", &k.major),
                field("Minor", &k.minor)
            ),
            Obj::BuildInfo(b) => format!(
                "{{{} {} {} {} {}}}",
                field("Version", &b.version),
                field("GitCommit", &b.git_commit),
                field("GitTreeState", &b.git_tree_state),
                field("GoVersion", &b.go_version),
                field("KubeClientVersion", &b.kube_client_version)
            ),
            Obj::Files(f) => {
                let parts: Vec<String> = f
                    .entries
                    .iter()
                    .map(|(k, v)| {
                        format!("{k}:{}", format_value(&Val::Bytes(v.clone()), 'v', plus, depth + 1))
                    })
                    .collect();
                format!("map[{}]", parts.join(" "))
            }
            Obj::Semver(v) => v.to_string(),
        }
    }

    /// How a template action prints the object: addressable values use their `String`
    /// method where the pointer type has one, and pointers are followed.
    pub fn print_top(&self) -> String {
        match self {
            Obj::KubeVersion(k) => {
                if k.normalized.is_empty() {
                    k.version.clone()
                } else {
                    k.normalized.clone()
                }
            }
            Obj::Capabilities(_) => {
                let text = self.fmt_v(false, 0);
                text.strip_prefix('&').map(str::to_string).unwrap_or(text)
            }
            other => other.fmt_v(false, 0),
        }
    }

    /// The entries `range` visits, for map-like objects: (key, value) sorted by key.
    pub fn range_entries(&self) -> Option<Vec<(Val, Val)>> {
        match self {
            Obj::Files(f) => {
                Some(f.entries.iter().map(|(k, v)| (Val::str(k), Val::Bytes(v.clone()))).collect())
            }
            _ => None,
        }
    }
}

impl Files {
    /// The files whose path matches a gobwas-style glob (`*` stays within a directory, `**`
    /// crosses them); a pattern that does not compile matches everything, as in Helm.
    pub fn glob(&self, pattern: &str) -> Files {
        let glob = Glob::compile(pattern).unwrap_or_else(|| Glob::compile("**").unwrap_or_default());
        Files {
            entries: self
                .entries
                .iter()
                .filter(|(k, _)| glob.matches(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        }
    }

    /// `AsConfig` (file contents) or `AsSecrets` (base64 contents): a YAML map keyed by base
    /// name.
    pub fn as_config(&self, secrets: bool) -> String {
        let mut map = BTreeMap::new();
        for (k, v) in &self.entries {
            let base = k.rsplit('/').next().unwrap_or(k).to_string();
            let text = if secrets { base64_encode(v) } else { String::from_utf8_lossy(v).into_owned() };
            map.insert(base, Val::str(text));
        }
        crate::funcs::helm::to_yaml_text(&Val::typed_map(crate::template::value::MapKind::Str, map))
    }

    /// `Lines`: the file split on newlines, without a final empty line.
    pub fn lines(&self, path: &str) -> Result<Val, String> {
        let Some(bytes) = self.entries.get(path) else {
            return Ok(Val::typed_list(SliceKind::Str, Vec::new()));
        };
        let text = String::from_utf8_lossy(bytes).into_owned();
        if text.is_empty() {
            // Helm indexes the last byte of the contents, which panics on an empty file.
            return Err("runtime error: index out of range [-1]".into());
        }
        let text = text.strip_suffix('\n').unwrap_or(&text);
        Ok(Val::str_list(text.split('\n')))
    }
}
