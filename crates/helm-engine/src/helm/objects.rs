//! Go objects with fields and methods that Helm hands to templates: `.Capabilities` (with
//! `KubeVersion`, `APIVersions.Has` and `HelmVersion`) and `.Files` (`Get`, `Glob`,
//! `AsConfig`, ...).

use super::contents::FileData;
use std::collections::BTreeMap;
use std::rc::Rc;

use super::glob::Glob;
use crate::base64::base64_encode;
use crate::template::fmt::format_value;
use crate::template::go_struct::{self, Field, JsonName};
use crate::template::sig::{Sig, Ty};
use crate::template::value::{GoObject, SliceKind, TomlView, Val, YamlView};

/// Helm's `.Capabilities`.
#[derive(Clone, Debug)]
pub(crate) struct Capabilities {
    /// `.KubeVersion`
    pub kube_version: KubeVersion,
    /// `.APIVersions`: group/versions, and group/version/kinds given with `--api-versions`.
    pub api_versions: Vec<String>,
    /// `.HelmVersion`
    pub helm_version: BuildInfo,
}

/// Helm's `common.KubeVersion`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct KubeVersion {
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
pub(crate) struct BuildInfo {
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
    pub(crate) fn helm_4_1_4() -> BuildInfo {
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
pub(crate) struct Files {
    /// Contents by path relative to the chart.
    pub entries: BTreeMap<String, FileData>,
}

const SIG_NONE: Sig = Sig::fixed(&[]);
const SIG_STR: Sig = Sig::fixed(&[Ty::Str]);

/// `common.Capabilities`' fields.
const CAPABILITIES_FIELDS: &[Field<Capabilities>] = &[
    Field::new("KubeVersion", |caps| Val::Obj(Rc::new(caps.kube_version.clone()))),
    Field::new("APIVersions", |caps| {
        Val::typed_list(SliceKind::VersionSet, caps.api_versions.iter().map(Val::str).collect())
    }),
    Field::new("HelmVersion", |caps| Val::Obj(Rc::new(caps.helm_version.clone()))),
];

/// Helm's `*common.Capabilities`: a pointer to a struct.
impl GoObject for Capabilities {
    fn type_name(&self) -> &'static str {
        "*common.Capabilities"
    }

    fn kind_name(&self) -> &'static str {
        "ptr"
    }

    fn same(&self, _other: &dyn GoObject) -> bool {
        // Two pointers are deeply equal only when they are the same pointer, which the
        // caller checks.
        false
    }

    fn to_json_val(&self) -> Val {
        go_struct::json_map(self, CAPABILITIES_FIELDS)
    }

    fn json_fields(&self) -> Option<Vec<(&'static str, Val)>> {
        Some(go_struct::json_fields(self, CAPABILITIES_FIELDS))
    }

    fn toml_view(&self) -> TomlView {
        go_struct::toml_view(self, CAPABILITIES_FIELDS)
    }

    fn yaml_view(&self) -> YamlView {
        go_struct::yaml_view(self, CAPABILITIES_FIELDS)
    }

    fn field(&self, name: &str) -> Option<Val> {
        go_struct::field(self, CAPABILITIES_FIELDS, name)
    }

    fn fmt_v(&self, plus: bool, depth: usize) -> String {
        // fmt prints a pointer to a struct as &{...} at the top and as an address below.
        if depth == 0 {
            format!("&{}", go_struct::fmt_v(self, CAPABILITIES_FIELDS, plus, depth))
        } else {
            "0xc000010000".to_string()
        }
    }

    fn print_top(&self) -> String {
        // A template action follows the pointer.
        go_struct::fmt_v(self, CAPABILITIES_FIELDS, false, 0)
    }
}

/// `common.KubeVersion`'s fields (no JSON tags).
const KUBE_VERSION_FIELDS: &[Field<KubeVersion>] = &[
    Field::new("Version", |kube| Val::str(&kube.version)),
    Field::new("normalizedVersion", |kube| Val::str(&kube.normalized)),
    Field::new("Major", |kube| Val::str(&kube.major)),
    Field::new("Minor", |kube| Val::str(&kube.minor)),
];

/// Helm's `common.KubeVersion`: a struct with a `String` method on its pointer.
impl GoObject for KubeVersion {
    fn type_name(&self) -> &'static str {
        "common.KubeVersion"
    }

    fn kind_name(&self) -> &'static str {
        "struct"
    }

    fn same(&self, other: &dyn GoObject) -> bool {
        other.downcast_ref::<KubeVersion>() == Some(self)
    }

    fn to_json_val(&self) -> Val {
        go_struct::json_map(self, KUBE_VERSION_FIELDS)
    }

    fn json_fields(&self) -> Option<Vec<(&'static str, Val)>> {
        Some(go_struct::json_fields(self, KUBE_VERSION_FIELDS))
    }

    fn toml_view(&self) -> TomlView {
        go_struct::toml_view(self, KUBE_VERSION_FIELDS)
    }

    fn yaml_view(&self) -> YamlView {
        go_struct::yaml_view(self, KUBE_VERSION_FIELDS)
    }

    fn field(&self, name: &str) -> Option<Val> {
        go_struct::field(self, KUBE_VERSION_FIELDS, name)
    }

    fn unexported_field(&self, name: &str) -> bool {
        go_struct::unexported_field(KUBE_VERSION_FIELDS, name)
    }

    fn method_sig(&self, name: &str) -> Option<Sig> {
        matches!(name, "String" | "GitVersion").then_some(SIG_NONE)
    }

    fn call_method(&self, name: &str, _args: &[Val]) -> Result<Val, String> {
        match name {
            "String" => Ok(Val::str(self.string())),
            "GitVersion" => Ok(Val::str(&self.version)),
            _ => Err(format!("method {name} not found")),
        }
    }

    fn fmt_v(&self, plus: bool, depth: usize) -> String {
        go_struct::fmt_v(self, KUBE_VERSION_FIELDS, plus, depth)
    }

    fn print_top(&self) -> String {
        // Addressable values print with their pointer type's `String` method.
        self.string().to_string()
    }
}

impl KubeVersion {
    /// Helm's `KubeVersion.String`: the normalised version when there is one.
    fn string(&self) -> &str {
        if self.normalized.is_empty() { &self.version } else { &self.normalized }
    }
}

/// `version.BuildInfo`'s fields: JSON tags with `omitempty`, but the client-go version's.
const BUILD_INFO_FIELDS: &[Field<BuildInfo>] = &[
    Field { name: "Version", json: JsonName::TagOmitEmpty("version"), value: |info| Val::str(&info.version) },
    Field {
        name: "GitCommit",
        json: JsonName::TagOmitEmpty("git_commit"),
        value: |info| Val::str(&info.git_commit),
    },
    Field {
        name: "GitTreeState",
        json: JsonName::TagOmitEmpty("git_tree_state"),
        value: |info| Val::str(&info.git_tree_state),
    },
    Field {
        name: "GoVersion",
        json: JsonName::TagOmitEmpty("go_version"),
        value: |info| Val::str(&info.go_version),
    },
    Field {
        name: "KubeClientVersion",
        json: JsonName::Tag("kube_client_version"),
        value: |info| Val::str(&info.kube_client_version),
    },
];

/// Helm's `version.BuildInfo`: a struct.
impl GoObject for BuildInfo {
    fn type_name(&self) -> &'static str {
        "version.BuildInfo"
    }

    fn kind_name(&self) -> &'static str {
        "struct"
    }

    fn same(&self, other: &dyn GoObject) -> bool {
        other.downcast_ref::<BuildInfo>() == Some(self)
    }

    fn to_json_val(&self) -> Val {
        go_struct::json_map(self, BUILD_INFO_FIELDS)
    }

    fn json_fields(&self) -> Option<Vec<(&'static str, Val)>> {
        Some(go_struct::json_fields(self, BUILD_INFO_FIELDS))
    }

    fn toml_view(&self) -> TomlView {
        go_struct::toml_view(self, BUILD_INFO_FIELDS)
    }

    fn yaml_view(&self) -> YamlView {
        go_struct::yaml_view(self, BUILD_INFO_FIELDS)
    }

    fn field(&self, name: &str) -> Option<Val> {
        go_struct::field(self, BUILD_INFO_FIELDS, name)
    }

    fn fmt_v(&self, plus: bool, depth: usize) -> String {
        go_struct::fmt_v(self, BUILD_INFO_FIELDS, plus, depth)
    }
}

/// Helm's `engine.files`: a `map[string][]byte` with methods.
impl GoObject for Files {
    fn type_name(&self) -> &'static str {
        "engine.files"
    }

    fn kind_name(&self) -> &'static str {
        "map"
    }

    fn len(&self) -> Option<usize> {
        Some(self.entries.len())
    }

    fn same(&self, other: &dyn GoObject) -> bool {
        other.downcast_ref::<Files>().is_some_and(|o| o.entries == self.entries)
    }

    fn to_json_val(&self) -> Val {
        Val::map(
            self.entries
                .iter()
                .map(|(k, v)| (k.clone(), Val::str(base64_encode(v.bytes_or_empty()))))
                .collect(),
        )
    }

    fn yaml_view(&self) -> YamlView {
        YamlView::As(self.byte_map())
    }

    fn toml_view(&self) -> TomlView {
        TomlView::As(self.byte_map())
    }

    fn field(&self, key: &str) -> Option<Val> {
        // A map type: a missing key gives the element type's zero value (a nil []byte).
        Some(Val::Bytes(self.entries.get(key).map(FileData::contents).unwrap_or_default()))
    }

    fn method_sig(&self, name: &str) -> Option<Sig> {
        match name {
            "Get" | "GetBytes" | "Glob" | "Lines" => Some(SIG_STR),
            "AsConfig" | "AsSecrets" => Some(SIG_NONE),
            _ => None,
        }
    }

    fn call_method(&self, name: &str, args: &[Val]) -> Result<Val, String> {
        let arg = args.first().and_then(Val::as_str).unwrap_or("");
        match name {
            "GetBytes" => Ok(Val::Bytes(self.entries.get(arg).map(FileData::contents).unwrap_or_default())),
            "Get" => Ok(Val::str(
                self.entries
                    .get(arg)
                    .map(|b| crate::strconv::go_string_of(b.bytes_or_empty()).into_owned())
                    .unwrap_or_default(),
            )),
            "Glob" => Ok(Val::Obj(Rc::new(self.glob(arg)))),
            "AsConfig" => Ok(Val::str(self.as_config(false))),
            "AsSecrets" => Ok(Val::str(self.as_config(true))),
            "Lines" => self.lines(arg),
            _ => Err(format!("method {name} not found")),
        }
    }

    fn fmt_v(&self, plus: bool, depth: usize) -> String {
        let parts: Vec<String> = self
            .entries
            .iter()
            .map(|(k, v)| format!("{k}:{}", format_value(&Val::Bytes(v.contents()), 'v', plus, depth + 1)))
            .collect();
        format!("map[{}]", parts.join(" "))
    }

    fn range_entries(&self) -> Option<Vec<(Val, Val)>> {
        Some(self.entries.iter().map(|(k, v)| (Val::str(k), Val::Bytes(v.contents()))).collect())
    }
}

impl Files {
    /// The `map[string][]byte` itself, as encoders that do not use JSON see it.
    fn byte_map(&self) -> Val {
        Val::map(self.entries.iter().map(|(k, v)| (k.clone(), Val::Bytes(v.contents()))).collect())
    }

    /// The files whose path matches a gobwas-style glob (`*` stays within a directory, `**`
    /// crosses them); a pattern that does not compile matches everything, as in Helm.
    pub(crate) fn glob(&self, pattern: &str) -> Files {
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
    pub(crate) fn as_config(&self, secrets: bool) -> String {
        let mut map = BTreeMap::new();
        for (k, v) in &self.entries {
            let base = k.rsplit('/').next().unwrap_or(k).to_string();
            let text = if secrets {
                base64_encode(v.bytes_or_empty())
            } else {
                crate::strconv::go_string_of(v.bytes_or_empty()).into_owned()
            };
            map.insert(base, Val::str(text));
        }
        crate::funcs::helm::to_yaml_text(&Val::typed_map(crate::template::value::MapKind::Str, map))
    }

    /// `Lines`: the file split on newlines, without a final empty line.
    pub(crate) fn lines(&self, path: &str) -> Result<Val, String> {
        let Some(bytes) = self.entries.get(path) else {
            return Ok(Val::typed_list(SliceKind::Str, Vec::new()));
        };
        let text = crate::strconv::go_string_of(bytes.bytes_or_empty());
        if text.is_empty() {
            // Helm indexes the last byte of the contents, which panics on an empty file.
            return Err("runtime error: index out of range [-1]".into());
        }
        let text = text.strip_suffix('\n').unwrap_or(&text);
        Ok(Val::str_list(text.split('\n')))
    }
}
