//! Chart repositories as helm knows them: where helm keeps its list of repositories and
//! their downloaded indexes, the list itself (`repositories.yaml`, written by `helm repo
//! add`), and a repository's index (`index.yaml`) with the choice of a chart version from
//! it by name and version constraint.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::chart_yaml::{DEPENDENCY_FIELDS, MAINTAINER_FIELDS, METADATA_FIELDS};
use crate::funcs::semver::{Constraints, Version};
use crate::strconv::quote;
use crate::value::{Map, Value};

/// Where helm keeps the repositories it knows, their indexes, and registry credentials.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RepositoryPaths {
    /// The list of repositories (`repositories.yaml`).
    pub config: PathBuf,
    /// The folder of downloaded indexes (`<name>-index.yaml`).
    pub cache: PathBuf,
    /// The credentials for OCI registries (`helm registry login` writes them).
    pub registry_config: PathBuf,
}

impl RepositoryPaths {
    /// Helm's places, from the environment `var` reads: `HELM_REPOSITORY_CONFIG`,
    /// `HELM_REPOSITORY_CACHE` and `HELM_REGISTRY_CONFIG`, else under `HELM_CONFIG_HOME` and
    /// `HELM_CACHE_HOME`, else
    /// under `helm` in the XDG folders, else the system's defaults for those
    /// (`~/.config` and `~/.cache`; on macOS `~/Library/Preferences` and `~/Library/Caches`).
    pub fn from_env(var: impl Fn(&str) -> Option<String>) -> RepositoryPaths {
        let set = |name: &str| var(name).filter(|value| !value.is_empty()).map(PathBuf::from);
        let home = set("HOME").unwrap_or_default();
        let (config_default, cache_default) = if cfg!(target_os = "macos") {
            (home.join("Library/Preferences"), home.join("Library/Caches"))
        } else {
            (home.join(".config"), home.join(".cache"))
        };
        let helm_path = |helm_var: &str, xdg_var: &str, default: &Path, leaf: &str| match set(helm_var) {
            Some(base) => base.join(leaf),
            None => set(xdg_var).unwrap_or_else(|| default.to_path_buf()).join("helm").join(leaf),
        };
        RepositoryPaths {
            config: set("HELM_REPOSITORY_CONFIG").unwrap_or_else(|| {
                helm_path("HELM_CONFIG_HOME", "XDG_CONFIG_HOME", &config_default, "repositories.yaml")
            }),
            cache: set("HELM_REPOSITORY_CACHE").unwrap_or_else(|| {
                helm_path("HELM_CACHE_HOME", "XDG_CACHE_HOME", &cache_default, "repository")
            }),
            registry_config: set("HELM_REGISTRY_CONFIG").unwrap_or_else(|| {
                helm_path("HELM_CONFIG_HOME", "XDG_CONFIG_HOME", &config_default, "registry/config.json")
            }),
        }
    }

    /// Where the downloaded index of repository `name` is kept.
    pub(crate) fn index_of(&self, name: &str) -> PathBuf {
        self.cache.join(format!("{name}-index.yaml"))
    }
}

/// A repository of the list: its name, address and credentials.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Repository {
    pub(crate) name: String,
    pub(crate) url: String,
    pub(crate) username: String,
    pub(crate) password: String,
    /// Send the credentials to every host the repository's charts are on, not only its own.
    pub(crate) pass_credentials_all: bool,
    /// `caFile`, `certFile`, `keyFile`, `insecure_skip_tls_verify`.
    pub(crate) tls: super::web::TlsFiles,
}

/// The repositories listed in the file at `path`; none when there is no such file, as
/// helm reads it.
pub(crate) fn read_repositories(path: &Path) -> Result<Vec<Repository>, String> {
    let data = match super::read_within(path, super::MAX_SETTINGS_FILE_SIZE) {
        Ok(data) => data,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => {
            return Err(format!(
                "couldn't load repositories file ({}): {}",
                path.display(),
                super::go_os_reason(&e)
            ));
        }
    };
    let root = read_yaml(&data)?;
    let Some(Value::List(items)) = root.as_ref().and_then(|r| r.as_map()).and_then(|m| m.get("repositories"))
    else {
        return Ok(Vec::new());
    };
    Ok(items
        .iter()
        .filter_map(Value::as_map)
        .map(|entry| Repository {
            name: text(entry, "name"),
            url: text(entry, "url"),
            username: text(entry, "username"),
            password: text(entry, "password"),
            pass_credentials_all: matches!(entry.get("pass_credentials_all"), Some(Value::Bool(true))),
            tls: super::web::TlsFiles {
                ca_file: Some(text(entry, "caFile")).filter(|f| !f.is_empty()).map(PathBuf::from),
                cert_file: Some(text(entry, "certFile")).filter(|f| !f.is_empty()).map(PathBuf::from),
                key_file: Some(text(entry, "keyFile")).filter(|f| !f.is_empty()).map(PathBuf::from),
                insecure_skip_verify: matches!(
                    entry.get("insecure_skip_tls_verify"),
                    Some(Value::Bool(true))
                ),
            },
        })
        .collect())
}

/// One version of a chart in an index.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ChartVersion {
    pub(crate) version: String,
    /// Where the chart archive is, absolute or relative to the repository's address.
    pub(crate) urls: Vec<String>,
}

/// A repository's index: each chart's versions, newest first.
#[derive(Debug, Default)]
pub(crate) struct Index {
    entries: HashMap<String, Vec<ChartVersion>>,
    /// The entries left out, and why, as helm warns of them.
    pub(crate) skipped: Vec<String>,
}

/// Helm's reading of an index file: JSON or YAML, entries whose metadata helm would refuse
/// left out (with the reason in [`Index::skipped`]), each chart's versions sorted newest
/// first.
pub(crate) fn read_index(data: &[u8]) -> Result<Index, String> {
    if data.is_empty() {
        return Err("empty index.yaml file".into());
    }
    let root = read_yaml(data)?;
    let unmarshal = |reason: String| format!("error unmarshaling JSON: while decoding JSON: json: {reason}");
    let map = match root {
        Some(Value::Map(map)) => map,
        None | Some(Value::Null) => Map::default(),
        Some(other) => {
            return Err(unmarshal(format!(
                "cannot unmarshal {} into Go value of type repo.IndexFile",
                super::json_kind(&other)
            )));
        }
    };
    // Helm reads a YAML index strictly (a field it does not know is an error), JSON not.
    let strict = serde_json::from_slice::<serde::de::IgnoredAny>(data).is_err();
    check_shape(&map, strict).map_err(unmarshal)?;
    let mut index = Index::default();
    if let Some(Value::Map(entries)) = map.get("entries") {
        for (name, versions) in entries {
            let mut kept = Vec::new();
            for entry in versions.as_list().map(Vec::as_slice).unwrap_or_default() {
                let Some(entry) = entry.as_map() else {
                    index.skipped.push(format!("chart {}: empty entry", quote(name)));
                    continue;
                };
                match super::chart::check_index_entry(entry) {
                    Ok(()) => kept.push(ChartVersion {
                        version: text(entry, "version"),
                        urls: match entry.get("urls") {
                            Some(Value::List(urls)) => urls.iter().filter_map(super::go_string).collect(),
                            _ => Vec::new(),
                        },
                    }),
                    Err(reason) => index.skipped.push(format!(
                        "chart {} version {}: {reason}",
                        quote(name),
                        quote(&text(entry, "version"))
                    )),
                }
            }
            kept.sort_by(newest_first);
            index.entries.insert(name.clone(), kept);
        }
    }
    if text(&map, "apiVersion").is_empty() {
        return Err("no API version specified".into());
    }
    Ok(index)
}

/// The fields helm's index has.
const INDEX_FIELDS: &[&str] =
    &["serverInfo", "apiVersion", "generated", "entries", "publicKeys", "annotations"];
/// A chart version's fields besides its metadata's (where to download it).
const VERSION_ONLY_FIELDS: &[&str] =
    &["urls", "created", "removed", "digest", "checksum", "engine", "tillerVersion", "url"];

/// Go's decoding of an index into helm's types, as far as its errors go: `entries` a
/// mapping of lists, and with `strict` no field helm does not know. The first problem in
/// the document's order, in Go's words.
fn check_shape(index: &Map, strict: bool) -> Result<(), String> {
    let unknown = |map: &Map, known: &[&str]| -> Result<(), String> {
        match map.keys().find(|key| strict && !known.contains(&key.as_str())) {
            Some(key) => Err(format!("unknown field {}", quote(key))),
            None => Ok(()),
        }
    };
    let version_fields: Vec<&str> = METADATA_FIELDS.iter().chain(VERSION_ONLY_FIELDS).copied().collect();
    let fields_of = |item: &Value, known: &[&str]| match item {
        Value::Map(map) => unknown(map, known),
        _ => Ok(()),
    };
    unknown(index, INDEX_FIELDS)?;
    let entries = match index.get("entries") {
        None | Some(Value::Null) => return Ok(()),
        Some(Value::Map(entries)) => entries,
        Some(other) => {
            return Err(format!(
                "cannot unmarshal {} into Go struct field IndexFile.entries of type map[string]repo.ChartVersions",
                super::json_kind(other)
            ));
        }
    };
    for versions in entries.values() {
        let versions = match versions {
            Value::Null => continue,
            Value::List(versions) => versions,
            other => {
                return Err(format!(
                    "cannot unmarshal {} into Go struct field IndexFile.entries of type repo.ChartVersions",
                    super::json_kind(other)
                ));
            }
        };
        for version in versions {
            fields_of(version, &version_fields)?;
            let Value::Map(version) = version else { continue };
            for (list, known) in [("maintainers", MAINTAINER_FIELDS), ("dependencies", DEPENDENCY_FIELDS)] {
                if let Some(Value::List(items)) = version.get(list) {
                    items.iter().try_for_each(|item| fields_of(item, known))?;
                }
            }
        }
    }
    Ok(())
}

/// Newest version first (every version kept is a semantic version).
fn newest_first(a: &ChartVersion, b: &ChartVersion) -> Ordering {
    match (Version::parse(&a.version), Version::parse(&b.version)) {
        (Ok(a), Ok(b)) => b.compare(&a),
        _ => Ordering::Equal,
    }
}

impl Index {
    /// The newest version of chart `name` that `constraint` allows and that has a download
    /// address (helm's resolver of dependencies).
    pub(crate) fn newest_allowed(&self, name: &str, constraint: &Constraints) -> Option<&ChartVersion> {
        self.entries.get(name)?.iter().find(|v| {
            !v.urls.is_empty() && Version::parse(&v.version).is_ok_and(|parsed| constraint.check(&parsed))
        })
    }

    /// Whether the index lists chart `name`.
    pub(crate) fn has_chart(&self, name: &str) -> bool {
        self.entries.contains_key(name)
    }

    /// Every chart download address the index lists, as written.
    pub(crate) fn download_urls(&self) -> impl Iterator<Item = &str> {
        self.entries.values().flatten().flat_map(|v| v.urls.iter().map(String::as_str))
    }

    /// Helm's choice of chart `name` at `version`: a version written exactly so, else the
    /// newest the constraint allows (an empty one allows every release that is not a
    /// pre-release). Helm's words when there is none.
    pub(crate) fn get(&self, name: &str, version: &str) -> Result<&ChartVersion, String> {
        let versions = self.entries.get(name).ok_or("no chart name found")?;
        if versions.is_empty() {
            return Err("no chart version found".into());
        }
        let constraint = Constraints::parse(if version.is_empty() { "*" } else { version })?;
        if !version.is_empty()
            && let Some(exact) = versions.iter().find(|v| v.version == version)
        {
            return Ok(exact);
        }
        versions
            .iter()
            .find(|v| Version::parse(&v.version).is_ok_and(|parsed| constraint.check(&parsed)))
            .ok_or_else(|| format!("no chart version found for {name}-{version}"))
    }
}

/// A YAML (or JSON) document's root, with helm's words for a file that does not parse.
fn read_yaml(data: &[u8]) -> Result<Option<Value>, String> {
    let text = String::from_utf8_lossy(data);
    let document = crate::yaml::load_first_yaml_document(&text)
        .map_err(|e| format!("error converting YAML to JSON: {}", e.go_yaml_text()))?;
    Ok(document.and_then(|d| d.root))
}

/// A field that should be text, or nothing when it is not.
fn text(map: &Map, key: &str) -> String {
    map.get(key).and_then(super::go_string).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index(text: &str) -> Index {
        read_index(text.as_bytes()).unwrap()
    }

    const INDEX: &str = "apiVersion: v1
entries:
  web:
    - {apiVersion: v2, name: web, version: 1.2.0, urls: [web-1.2.0.tgz]}
    - {apiVersion: v2, name: web, version: 2.0.0-rc.1, urls: [web-2.0.0-rc.1.tgz]}
    - {apiVersion: v2, name: web, version: 1.10.0, urls: [web-1.10.0.tgz]}
    - {apiVersion: v2, name: web, version: 1.3.0, urls: [web-1.3.0.tgz]}
    - {apiVersion: v2, name: web, version: not-a-version, urls: [x.tgz]}
    - {apiVersion: v2, name: ../web, version: 9.0.0, urls: [bad.tgz]}
  none: []
";

    #[test]
    fn the_newest_release_is_chosen_unless_a_version_is_asked_for() {
        let index = index(INDEX);
        let pick = |version: &str| index.get("web", version).map(|v| v.version.clone());
        assert_eq!(pick(""), Ok("1.10.0".into()));
        assert_eq!(pick("~1.2"), Ok("1.2.0".into()));
        assert_eq!(pick(">0.0.0-0"), Ok("2.0.0-rc.1".into()));
        assert_eq!(pick("1.3.0"), Ok("1.3.0".into()));
        assert_eq!(pick("not-a-version").unwrap_err(), "improper constraint: not-a-version");
        assert_eq!(pick("3.x"), Err("no chart version found for web-3.x".into()));
        assert_eq!(index.get("nope", "").unwrap_err(), "no chart name found");
        assert_eq!(index.get("none", "").unwrap_err(), "no chart version found");
    }

    #[test]
    fn entries_helm_would_refuse_are_left_out_with_the_reason() {
        let index = index(INDEX);
        assert_eq!(
            index.skipped,
            [
                "chart \"web\" version \"not-a-version\": validation: chart.metadata.version \"not-a-version\" is invalid",
                "chart \"web\" version \"9.0.0\": validation: chart.metadata.name \"../web\" is invalid"
            ]
        );
        assert!(index.get("web", "9.0.0").is_err());
    }

    #[test]
    fn an_index_needs_an_api_version_and_some_text() {
        assert_eq!(read_index(b"entries: {}\n").unwrap_err(), "no API version specified");
        assert_eq!(read_index(b"").unwrap_err(), "empty index.yaml file");
        assert!(
            read_index(b"apiVersion: v1\nentries: [\n")
                .unwrap_err()
                .starts_with("error converting YAML to JSON: yaml: ")
        );
        assert!(read_index(br#"{"apiVersion": "v1", "entries": {}}"#).is_ok());
    }

    #[test]
    fn a_yaml_index_is_read_as_strictly_as_helm_reads_it() {
        let refusal = |text: &str| read_index(text.as_bytes()).unwrap_err();
        let go = "error unmarshaling JSON: while decoding JSON: json: ";
        assert_eq!(
            refusal("- a\n"),
            format!("{go}cannot unmarshal array into Go value of type repo.IndexFile")
        );
        assert_eq!(
            refusal("apiVersion: v1\nentries:\n  web: 5\n"),
            format!(
                "{go}cannot unmarshal number into Go struct field IndexFile.entries of type repo.ChartVersions"
            )
        );
        assert_eq!(
            refusal("apiVersion: v1\nentries:\n  web:\n  - {name: web, version: 1.0.0, bogus: 1}\n"),
            format!("{go}unknown field \"bogus\"")
        );
        assert_eq!(
            refusal(
                "apiVersion: v1\nentries:\n  web:\n  - {name: web, version: 1.0.0, maintainers: [{nick: x}]}\n"
            ),
            format!("{go}unknown field \"nick\"")
        );
        // JSON is read as Go's plain decoder reads it: fields it does not know are ignored.
        assert!(read_index(br#"{"apiVersion": "v1", "entries": {"web": [{"name": "web", "version": "1.0.0", "bogus": 1}]}, "extra": 1}"#).is_ok());
        assert!(read_index(b"apiVersion: v1\nserverInfo: {contextPath: /x}\nentries: {}\ngenerated: 2024-01-01T00:00:00Z\n").is_ok());
    }

    #[test]
    fn helm_paths_follow_its_environment_variables() {
        let paths = |vars: &[(&str, &str)]| {
            let vars: HashMap<String, String> =
                vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            let paths = RepositoryPaths::from_env(|name| vars.get(name).cloned());
            (paths.config.display().to_string(), paths.cache.display().to_string())
        };
        if !cfg!(target_os = "macos") {
            assert_eq!(
                paths(&[("HOME", "/h")]),
                ("/h/.config/helm/repositories.yaml".into(), "/h/.cache/helm/repository".into())
            );
        }
        assert_eq!(
            paths(&[("HOME", "/h"), ("XDG_CONFIG_HOME", "/x"), ("XDG_CACHE_HOME", "/y")]),
            ("/x/helm/repositories.yaml".into(), "/y/helm/repository".into())
        );
        assert_eq!(
            paths(&[("HELM_CONFIG_HOME", "/c"), ("HELM_CACHE_HOME", "/d"), ("XDG_CONFIG_HOME", "/x")]),
            ("/c/repositories.yaml".into(), "/d/repository".into())
        );
        assert_eq!(
            paths(&[("HELM_REPOSITORY_CONFIG", "/r.yaml"), ("HELM_REPOSITORY_CACHE", "/cache")]),
            ("/r.yaml".into(), "/cache".into())
        );
        let registry = |vars: &[(&str, &str)]| {
            let vars: HashMap<String, String> =
                vars.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect();
            RepositoryPaths::from_env(|name| vars.get(name).cloned()).registry_config.display().to_string()
        };
        assert_eq!(registry(&[("HELM_CONFIG_HOME", "/c")]), "/c/registry/config.json");
        assert_eq!(registry(&[("HELM_REGISTRY_CONFIG", "/r.json"), ("HELM_CONFIG_HOME", "/c")]), "/r.json");
    }
}
