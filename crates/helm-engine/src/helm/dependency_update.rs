//! `helm template --dependency-update`: when a chart folder's `charts/` lacks dependencies
//! its Chart.yaml lists, every dependency is resolved and fetched as `helm dependency
//! update` does it (the newest version the constraint allows, from the repository's index
//! read afresh, an OCI registry's tags, or a folder given as `file://`), and the chart is
//! loaded with them in place of the archives in `charts/`. Unlike helm, nothing is written:
//! not the chart's `charts/` and `Chart.lock`, not helm's cache.

use std::path::{Path, PathBuf};

use super::chart::{
    Chart, ChartLoadError, Dependency, LoadedChartFile, directory_files, load_directory_with,
};
use super::contents::FileData;
use super::locate::{Credentials, check_repository_address, download, resolve_reference_url, same_address};
use super::oci::RegistryAccess;
use super::repository::{Repository, RepositoryPaths, read_index, read_repositories};
use super::web::TlsFiles;
use crate::funcs::semver::{Constraints, Version};
use crate::strconv::quote;

/// Where the dependencies may come from, and how to reach registries.
#[derive(Clone, Copy, Debug)]
pub struct DependencySources<'a> {
    /// Helm's repositories: named ones (`@name`) and the credentials of known addresses.
    pub repositories: &'a RepositoryPaths,
    /// `--plain-http`: reach OCI registries over HTTP.
    pub plain_http: bool,
    /// TLS settings for OCI registries (repositories use those of helm's list).
    pub tls: &'a TlsFiles,
    /// `--username` and `--password`: credentials for OCI registries, as helm's registry
    /// client has them (repositories use those of helm's list).
    pub registry_username: &'a str,
    /// See `registry_username`.
    pub registry_password: &'a str,
}

/// A chart folder loaded with its dependencies fetched, when some were missing.
#[derive(Debug)]
pub struct UpdatedChart {
    /// The chart.
    pub chart: Chart,
    /// What was fetched, a line each (helm prints its own report on standard output).
    pub messages: Vec<String>,
}

/// Why dependencies could not be fetched.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DependencyUpdateError {
    /// The chart (or a `file://` dependency) did not load.
    #[error(transparent)]
    Chart(#[from] ChartLoadError),
    /// A dependency could not be resolved or fetched: helm's words where it has them.
    #[error("{0}")]
    Fetch(String),
}

/// Loads the chart folder `dir`; when its `charts/` lacks a dependency Chart.yaml lists,
/// fetches every dependency and loads the chart with them. A chart archive, or a folder
/// with nothing missing, is loaded as it is.
pub fn load_chart_updating_dependencies(
    dir: &Path,
    sources: &DependencySources<'_>,
) -> Result<UpdatedChart, DependencyUpdateError> {
    let chart = super::chart::load_chart(dir)?;
    if !dir.is_dir() || super::dependencies::missing_dependencies(&chart).is_empty() {
        return Ok(UpdatedChart { chart, messages: Vec::new() });
    }
    let mut messages = Vec::new();
    let fetched = fetch_all(dir, &chart.metadata.dependencies, sources, &mut messages)
        .map_err(DependencyUpdateError::Fetch)?;
    let mut updated = load_directory_with(dir, Some(fetched))?;
    updated.warnings = chart.warnings;
    Ok(UpdatedChart { chart: updated, messages })
}

/// Where one dependency comes from.
enum Source {
    /// A folder under `charts/` (no repository): already part of the chart.
    InCharts,
    /// A chart folder on this machine (`file://`).
    Folder(PathBuf),
    /// An OCI registry (`oci://`): the chart's reference there.
    Registry(String),
    /// A chart repository: its address and the credentials helm's list gives it.
    Repository(String, Credentials),
}

/// Every dependency's files, named under `charts/`, in the order Chart.yaml lists them.
fn fetch_all(
    dir: &Path,
    dependencies: &[Dependency],
    sources: &DependencySources<'_>,
    messages: &mut Vec<String>,
) -> Result<Vec<LoadedChartFile>, String> {
    let repositories = read_repositories(&sources.repositories.config)?;
    let mut files: Vec<LoadedChartFile> = Vec::new();
    let mut unmet = Vec::new();
    for dependency in dependencies {
        let constraint = Constraints::parse(&dependency.version).map_err(|e| {
            format!("dependency {} has an invalid version/constraint format: {e}", quote(&dependency.name))
        })?;
        let unmet_here = || {
            format!(
                "{} (repository {}, version {})",
                quote(&dependency.name),
                quote(&dependency.repository),
                quote(&dependency.version)
            )
        };
        match source_of(dir, dependency, &repositories)? {
            Source::InCharts => {}
            Source::Folder(folder) => {
                let chart = super::chart::load_chart(&folder).map_err(|e| e.to_string())?;
                let version = &chart.metadata.version;
                if !Version::parse(version).is_ok_and(|v| constraint.check(&v)) {
                    unmet.push(unmet_here());
                    continue;
                }
                let prefix = format!("charts/{}/", dependency.name);
                if files.iter().any(|f| f.name.starts_with(&prefix)) {
                    continue;
                }
                messages.push(format!("using {} {version} from {}", dependency.name, folder.display()));
                files.extend(directory_files(&folder, &prefix).map_err(|e| e.to_string())?);
            }
            Source::Registry(reference) => {
                let access = RegistryAccess {
                    plain_http: sources.plain_http,
                    username: sources.registry_username,
                    password: sources.registry_password,
                    credentials_file: &sources.repositories.registry_config,
                    tls: sources.tls,
                };
                let pulled = super::oci::pull(&reference, &dependency.version, &access)
                    .map_err(|e| format!("could not download {reference}: {e}"))?;
                super::archive::ensure_downloaded_archive(&reference, &pulled.archive)?;
                messages.extend(pulled.messages);
                let file = format!("{}-{}", dependency.name, pulled.target.replace(':', "-"));
                add_archive(&mut files, &file, pulled.archive);
            }
            Source::Repository(address, credentials) => {
                let index_url = resolve_reference_url(&address, "index.yaml")?;
                messages.push(format!("reading the index of {address}"));
                let index = download_index(&index_url, &credentials).map_err(|e| {
                    format!(
                        "looks like {} is not a valid chart repository or cannot be reached: {e}",
                        quote(&address)
                    )
                })?;
                messages.extend(super::locate::skipped_entries(&index_url, &index));
                if !index.has_chart(&dependency.name) {
                    return Err(format!("{} chart not found in repo {address}", dependency.name));
                }
                let Some(found) = index.newest_allowed(&dependency.name, &constraint) else {
                    unmet.push(unmet_here());
                    continue;
                };
                let url = resolve_reference_url(&address, &found.urls[0])?;
                let file = format!("{}-{}", dependency.name, found.version);
                if files.iter().any(|f| f.name == format!("charts/{file}.tgz")) {
                    continue;
                }
                messages.push(format!("downloading {} {} from {url}", dependency.name, found.version));
                let archive =
                    download(&url, &credentials).map_err(|e| format!("could not download {url}: {e}"))?;
                add_archive(&mut files, &file, archive);
            }
        }
    }
    if !unmet.is_empty() {
        return Err(format!(
            "can't get a valid version for {} subchart(s): {}. Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml",
            unmet.len(),
            unmet.join(", ")
        ));
    }
    Ok(files)
}

/// Helm's reading of a dependency's `repository`.
fn source_of(dir: &Path, dependency: &Dependency, repositories: &[Repository]) -> Result<Source, String> {
    let repository = dependency.repository.as_str();
    if repository.is_empty() {
        return Ok(Source::InCharts);
    }
    if let Some(path) = repository.strip_prefix("file://") {
        let folder = if Path::new(path).is_absolute() { PathBuf::from(path) } else { dir.join(path) };
        if !folder.exists() {
            return Err(format!("directory {} not found", folder.display()));
        }
        return Ok(Source::Folder(folder));
    }
    if repository.starts_with("oci://") {
        return Ok(Source::Registry(format!("{}/{}", repository.trim_end_matches('/'), dependency.name)));
    }
    let named = repository.strip_prefix('@').or_else(|| repository.strip_prefix("alias:"));
    let known = repositories.iter().find(|r| match named {
        Some(name) => r.name == name,
        None => same_address(&r.url, repository),
    });
    match known {
        Some(known) => {
            check_repository_address(&known.url)?;
            Ok(Source::Repository(known.url.clone(), Credentials::of(known)))
        }
        None if named.is_none() && is_request_uri(repository) => {
            Ok(Source::Repository(repository.to_string(), Credentials::default()))
        }
        None => {
            Err(format!("no repository definition for {repository}. Please add them via 'helm repo add'"))
        }
    }
}

/// Go's `url.ParseRequestURI` accepts `text`: an absolute address (with a scheme) or an
/// absolute path.
fn is_request_uri(text: &str) -> bool {
    crate::gourl::parse(text).is_ok_and(|url| url.is_abs() || text.starts_with('/'))
}

/// A repository's index, downloaded.
fn download_index(url: &str, credentials: &Credentials) -> Result<super::repository::Index, String> {
    read_index(&super::locate::get(url, None, credentials)?)
}

/// A downloaded archive as the file `charts/<file>.tgz`, once.
fn add_archive(files: &mut Vec<LoadedChartFile>, file: &str, archive: Vec<u8>) {
    let name = format!("charts/{file}.tgz");
    if !files.iter().any(|f| f.name == name) {
        files.push(LoadedChartFile { name, data: FileData::read(archive) });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dependency(name: &str, repository: &str) -> Dependency {
        Dependency {
            name: name.into(),
            version: "1.x".into(),
            repository: repository.into(),
            ..Dependency::default()
        }
    }

    #[test]
    fn repositories_are_read_as_helm_reads_them() {
        let known = Repository {
            name: "known".into(),
            url: "https://charts.example/stable".into(),
            ..Repository::default()
        };
        let listed = std::slice::from_ref(&known);
        let source =
            |repository: &str| source_of(Path::new("/nowhere"), &dependency("web", repository), listed);
        assert!(matches!(source(""), Ok(Source::InCharts)));
        for by_name in
            ["@known", "alias:known", "https://charts.example/stable/", "https://charts.example/stable"]
        {
            assert!(
                matches!(source(by_name), Ok(Source::Repository(url, _)) if url == "https://charts.example/stable"),
                "{by_name}"
            );
        }
        assert!(
            matches!(source("https://other.example/charts"), Ok(Source::Repository(url, _)) if url == "https://other.example/charts")
        );
        assert!(
            matches!(source("oci://r.example/charts/"), Ok(Source::Registry(reference)) if reference == "oci://r.example/charts/web")
        );
        assert_eq!(
            source("@unknown").err().as_deref(),
            Some("no repository definition for @unknown. Please add them via 'helm repo add'")
        );
        assert_eq!(
            source("stable").err().as_deref(),
            Some("no repository definition for stable. Please add them via 'helm repo add'")
        );
        assert_eq!(source("file://../sub").err().as_deref(), Some("directory /nowhere/../sub not found"));
    }
}
