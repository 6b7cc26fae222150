//! Helm's `LocateChart`: the chart `helm template` is given, as a folder or archive on this
//! machine, the address of an archive, a chart of a repository helm knows (`repo/chart`,
//! read from the index `helm repo update` downloaded), a chart of a repository given by
//! its address (`--repo`), or a chart in an OCI registry (`oci://`, see [`super::oci`]).
//! Charts are downloaded as helm downloads them, into memory: nothing is written to helm's
//! cache.

use std::path::PathBuf;

use super::oci::RegistryAccess;
use super::repository::{Index, Repository, RepositoryPaths, read_index, read_repositories};
use super::web::{self, Answer, Extras, GetError, TlsFiles};
use crate::gourl::{self, Url};
use crate::strconv::{go_string_of, quote};

/// The chart to find, and how, as the flags of `helm template` give it.
#[derive(Clone, Debug)]
pub struct ChartRequest<'a> {
    /// The chart as given: a path, an address, `repo/chart`, or with `--repo` a chart's name.
    pub name: &'a str,
    /// `--repo`: the address of the repository to find the chart in.
    pub repo_url: Option<&'a str>,
    /// `--version`: the version, or a constraint on it; empty for the newest release.
    pub version: &'a str,
    /// `--username`: the user name for the repository.
    pub username: &'a str,
    /// `--password`: the password for the repository.
    pub password: &'a str,
    /// `--pass-credentials`: send the credentials to every host, not only the repository's.
    pub pass_credentials_all: bool,
    /// `--plain-http`: reach OCI registries over HTTP instead of HTTPS.
    pub plain_http: bool,
    /// `--ca-file`, `--cert-file`, `--key-file`, `--insecure-skip-tls-verify`.
    pub tls: &'a TlsFiles,
    /// Where helm keeps its repositories and their indexes.
    pub repositories: &'a RepositoryPaths,
}

/// Where the chart was found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocatedChart {
    /// A folder or archive on this machine.
    Local(PathBuf),
    /// An archive downloaded from an address.
    Downloaded {
        /// Where it was downloaded from.
        url: String,
        /// The archive's bytes.
        archive: Vec<u8>,
        /// What helm reports on standard error about the download (the reference and
        /// digest of a chart pulled from a registry, index entries left out), a line each.
        messages: Vec<String>,
    },
}

/// Why a chart was not found, in helm's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct LocateError(pub String);

/// The most bytes read of a chart archive: helm's limit on a chart once decompressed.
const MAX_ARCHIVE_BYTES: u64 = super::archive::MAX_CHART_SIZE;

/// Who gets credentials when a chart is downloaded: helm sends them to the host of `url`
/// (the repository's), or to every host.
#[derive(Clone, Debug, Default)]
pub(crate) struct Credentials {
    pub(crate) url: String,
    pub(crate) username: String,
    pub(crate) password: String,
    pub(crate) pass_all: bool,
    /// TLS settings beside the system's trust.
    pub(crate) tls: TlsFiles,
}

impl Credentials {
    /// The credentials of `repository` (none when it has no user name or no password),
    /// for its own server.
    pub(crate) fn of(repository: &Repository) -> Credentials {
        let mut credentials = Credentials::default();
        lend_credentials(repository, &mut credentials);
        credentials
    }
}

/// Finds the chart `request` names, as `helm template` finds it.
pub fn locate_chart(request: &ChartRequest<'_>) -> Result<LocatedChart, LocateError> {
    locate(request).map_err(LocateError)
}

fn locate(request: &ChartRequest<'_>) -> Result<LocatedChart, String> {
    // Helm builds its registry client, with the TLS files, before it looks for any chart.
    web::tls_config(request.tls).map_err(|e| format!("missing registry client: {e}"))?;
    let name = request.name.trim();
    let version = request.version.trim();
    if request.repo_url.is_none() {
        let path = std::path::Path::new(name);
        if path.exists() {
            return Ok(LocatedChart::Local(path.to_path_buf()));
        }
        if path.is_absolute() || name.starts_with('.') {
            return Err(format!("path {} not found", quote(name)));
        }
    }
    if request.repo_url.is_none() && name.starts_with("oci://") {
        let access = RegistryAccess {
            plain_http: request.plain_http,
            username: request.username,
            password: request.password,
            credentials_file: &request.repositories.registry_config,
            tls: request.tls,
        };
        let pulled = super::oci::pull(name, version, &access)?;
        super::archive::ensure_downloaded_archive(name, &pulled.archive)?;
        return Ok(LocatedChart::Downloaded {
            url: name.to_string(),
            archive: pulled.archive,
            messages: pulled.messages,
        });
    }
    let mut credentials = Credentials {
        url: String::new(),
        username: request.username.to_string(),
        password: request.password.to_string(),
        pass_all: request.pass_credentials_all,
        tls: request.tls.clone(),
    };
    let mut messages = Vec::new();
    let reference = match request.repo_url {
        Some(repo_url) => {
            let chart_url = find_chart_in_repository(repo_url, name, version, request, &mut messages)?;
            // The repository's credentials go to its own host only, unless told otherwise.
            if !request.pass_credentials_all && !same_server(repo_url, &chart_url)? {
                credentials.username.clear();
                credentials.password.clear();
            }
            chart_url
        }
        None => name.to_string(),
    };
    let url =
        resolve_chart_version(&reference, version, request.repositories, &mut credentials, &mut messages)?;
    let archive = download(&url, &credentials)?;
    Ok(LocatedChart::Downloaded { url, archive, messages })
}

/// Helm's `FindChartInRepoURL`: the address of chart `name` at `version` in the repository
/// at `repo_url`, from the index it serves.
fn find_chart_in_repository(
    repo_url: &str,
    name: &str,
    version: &str,
    request: &ChartRequest<'_>,
    messages: &mut Vec<String>,
) -> Result<String, String> {
    check_repository_address(repo_url)?;
    let unreachable = |e: String| {
        format!("looks like {} is not a valid chart repository or cannot be reached: {e}", quote(repo_url))
    };
    let index_url = resolve_reference_url(repo_url, "index.yaml").map_err(unreachable)?;
    let credentials = Credentials {
        url: repo_url.to_string(),
        username: request.username.to_string(),
        password: request.password.to_string(),
        pass_all: request.pass_credentials_all,
        tls: request.tls.clone(),
    };
    let body = get(&index_url, None, &credentials).map_err(unreachable)?;
    let index = read_index(&body).map_err(unreachable)?;
    messages.extend(skipped_entries(&index_url, &index));
    let what = match version {
        "" => format!("chart {}", quote(name)),
        _ => format!("chart {} version {}", quote(name), quote(version)),
    };
    let found = index.get(name, version).map_err(|_| format!("{what} not found in {repo_url} repository"))?;
    messages.extend(fallback_warning(name, version, &found.version));
    let first = found.urls.first().ok_or_else(|| format!("{what} has no downloadable URLs"))?;
    resolve_reference_url(repo_url, first).map_err(|e| format!("failed to make chart URL absolute: {e}"))
}

/// Helm's `ResolveChartVersion`: the address to download `reference` from (an address, or
/// `repo/chart` looked up in that repository's downloaded index), and whose credentials go
/// with it.
fn resolve_chart_version(
    reference: &str,
    version: &str,
    paths: &RepositoryPaths,
    credentials: &mut Credentials,
    messages: &mut Vec<String>,
) -> Result<String, String> {
    let invalid = || format!("invalid chart URL format: {reference}");
    let url = gourl::parse(reference).map_err(|_| invalid())?;
    let repositories = read_repositories(&paths.config)?;
    if url.is_abs() && !url.host.is_empty() && !url.path.is_empty() {
        // The repository this address belongs to, if any, lends its credentials.
        credentials.url = reference.to_string();
        if let Some(owner) = owner_of(reference, &repositories, paths)? {
            lend_credentials(owner, credentials);
        }
        return Ok(reference.to_string());
    }
    let path = go_string_of(&url.path).into_owned();
    let Some((repo_name, chart_name)) = path.split_once('/') else {
        return Err(format!(
            "non-absolute URLs should be in form of repo_name/path_to_chart, got: {}",
            url.to_go_string()
        ));
    };
    let repository = repositories
        .iter()
        .find(|r| r.name == repo_name)
        .ok_or_else(|| format!("repo {repo_name} not found"))?;
    if repository.url.is_empty() {
        return Err(format!("no URL found for repository {repo_name}"));
    }
    check_repository_address(&repository.url)?;
    lend_credentials(repository, credentials);
    let index = cached_index(paths, repository)?;
    messages.extend(skipped_entries(&paths.index_of(&repository.name).display().to_string(), &index));
    let found = index.get(chart_name, version).map_err(|e| {
        format!(
            "chart {} matching {version} not found in {} index. (try 'helm repo update'): {e}",
            quote(chart_name),
            repository.name
        )
    })?;
    messages.extend(fallback_warning(chart_name, version, &found.version));
    let first =
        found.urls.first().ok_or_else(|| format!("chart {} has no downloadable URLs", quote(reference)))?;
    resolve_reference_url(&repository.url, first).map_err(|_| invalid())
}

/// Helm's warning when the version asked for is not one written in the index and a
/// constraint chose `chosen` instead (`--version ~1.2`, `--devel`).
fn fallback_warning(name: &str, version: &str, chosen: &str) -> Option<String> {
    (!version.is_empty() && chosen != version).then(|| {
        format!("warning: chart {} has no version written {}; using {chosen}", quote(name), quote(version))
    })
}

/// A warning for each entry of the index read from `source` that helm would leave out, as
/// helm warns of them.
pub(crate) fn skipped_entries(source: &str, index: &Index) -> Vec<String> {
    index.skipped.iter().map(|entry| format!("warning: {source}: skipping {entry}")).collect()
}

/// The repository's address, its credentials when it has both a name and a password, and
/// its TLS files when it names any.
fn lend_credentials(repository: &Repository, credentials: &mut Credentials) {
    credentials.url.clone_from(&repository.url);
    let own = &repository.tls;
    if own.ca_file.is_some() || own.cert_file.is_some() || own.key_file.is_some() {
        credentials.tls.ca_file.clone_from(&own.ca_file);
        credentials.tls.cert_file.clone_from(&own.cert_file);
        credentials.tls.key_file.clone_from(&own.key_file);
    }
    credentials.tls.insecure_skip_verify |= own.insecure_skip_verify;
    if !repository.username.is_empty() && !repository.password.is_empty() {
        credentials.username.clone_from(&repository.username);
        credentials.password.clone_from(&repository.password);
        credentials.pass_all = repository.pass_credentials_all;
    }
}

/// The first repository whose index lists `chart_url` among its downloads (helm reads
/// every repository's index for this, and fails when one has not been downloaded).
fn owner_of<'r>(
    chart_url: &str,
    repositories: &'r [Repository],
    paths: &RepositoryPaths,
) -> Result<Option<&'r Repository>, String> {
    for repository in repositories {
        check_repository_address(&repository.url)?;
        let index = cached_index(paths, repository)?;
        if index.download_urls().any(|listed| same_address(chart_url, listed)) {
            return Ok(Some(repository));
        }
    }
    Ok(None)
}

/// The index `helm repo update` downloaded for `repository`.
fn cached_index(paths: &RepositoryPaths, repository: &Repository) -> Result<Index, String> {
    let path = paths.index_of(&repository.name);
    let read = match super::read_within(&path, super::MAX_SETTINGS_FILE_SIZE) {
        Ok(data) => read_index(&data).map_err(|e| format!("error loading {}: {e}", path.display())),
        Err(e) => Err(super::settings_read_error(&path, &e)),
    };
    read.map_err(|e| format!("no cached repo found. (try 'helm repo update'): {e}"))
}

/// Helm's check of a repository's address: it parses, and helm has a getter for its
/// scheme.
pub(crate) fn check_repository_address(address: &str) -> Result<(), String> {
    let url = gourl::parse(address).map_err(|_| format!("invalid chart URL format: {address}"))?;
    match &url.scheme[..] {
        b"http" | b"https" | b"oci" => Ok(()),
        other => Err(format!("could not find protocol handler for: {}", go_string_of(other))),
    }
}

/// Helm's `ResolveReferenceURL`: `reference` read against the repository's address as a
/// folder, keeping the repository's query (a token, say).
pub(crate) fn resolve_reference_url(base: &str, reference: &str) -> Result<String, String> {
    let parsed_reference =
        gourl::parse(reference).map_err(|e| format!("failed to parse {reference} as URL: {e}"))?;
    if parsed_reference.is_abs() {
        return Ok(reference.to_string());
    }
    let mut folder = gourl::parse(base).map_err(|e| format!("failed to parse {base} as URL: {e}"))?;
    for path in [&mut folder.raw_path, &mut folder.path] {
        if path.last() != Some(&b'/') {
            path.push(b'/');
        }
    }
    let mut resolved = folder.resolve_reference(&parsed_reference);
    resolved.raw_query = folder.raw_query;
    Ok(resolved.to_go_string())
}

/// `reference` read against the address `base` (a page's link against the page).
pub(crate) fn resolve_against(base: &str, reference: &str) -> Result<String, String> {
    let base = gourl::parse(base)?;
    Ok(base.resolve_reference(&gourl::parse(reference)?).to_go_string())
}

/// Helm's `urlutil.Equal`: the same address once each path is cleaned.
pub(crate) fn same_address(a: &str, b: &str) -> bool {
    let Ok(mut a_url) = gourl::parse(a) else {
        return crate::funcs::misc::path_clean(a) == crate::funcs::misc::path_clean(b);
    };
    let Ok(mut b_url) = gourl::parse(b) else {
        return false;
    };
    for url in [&mut a_url, &mut b_url] {
        let path = if url.path.is_empty() { "/".to_string() } else { go_string_of(&url.path).into_owned() };
        url.path = crate::strconv::go_bytes(&crate::funcs::misc::path_clean(&path)).into_owned();
    }
    a_url.to_go_string() == b_url.to_go_string()
}

/// Whether two addresses name the same server: scheme, host and port (the scheme's own
/// when none is written), as helm decides whether a repository's credentials go along.
fn same_server(a: &str, b: &str) -> Result<bool, String> {
    let a = gourl::parse(a)?;
    let b = gourl::parse(b)?;
    let port = |url: &Url| match url.port() {
        [] if url.scheme == b"http" => b"80".to_vec(),
        [] if url.scheme == b"https" => b"443".to_vec(),
        written => written.to_vec(),
    };
    Ok(a.scheme == b.scheme && a.hostname() == b.hostname() && port(&a) == port(&b))
}

/// Helm's HTTP getter: a GET of `url`, with the credentials when they belong to its
/// server, anything but `200 OK` refused in helm's words.
pub(crate) fn get(url: &str, accept: Option<&str>, credentials: &Credentials) -> Result<Vec<u8>, String> {
    let target = gourl::parse(url).map_err(|e| format!("unable to parse URL getting from: {e}"))?;
    let owner = gourl::parse(&credentials.url).map_err(|e| format!("unable to parse getter URL: {e}"))?;
    let send_credentials = (credentials.pass_all
        || (owner.scheme == target.scheme && owner.host == target.host))
        && !credentials.username.is_empty()
        && !credentials.password.is_empty();
    let extras = Extras {
        accept,
        tls: Some(&credentials.tls),
        authorization: send_credentials
            .then(|| web::basic_authorization(&credentials.username, &credentials.password)),
        ..Extras::default()
    };
    match web::get_with(url, &extras, MAX_ARCHIVE_BYTES) {
        Ok(Answer { status: 200, body, .. }) => Ok(body),
        Ok(Answer { status, .. }) => {
            Err(format!("failed to fetch {url} : {status} {}", web::go_status_text(status)))
        }
        Err(GetError::Failed(reason)) => Err(format!("Get {}: {reason}", quote(url))),
        Err(GetError::TooLarge) => {
            Err(format!("{url} is larger than the largest chart helm accepts ({MAX_ARCHIVE_BYTES} bytes)"))
        }
    }
}

/// The chart archive at `url`, downloaded as helm downloads it.
pub(crate) fn download(url: &str, credentials: &Credentials) -> Result<Vec<u8>, String> {
    let scheme = gourl::parse(url).map(|u| u.scheme).unwrap_or_default();
    if scheme != b"http" && scheme != b"https" {
        return Err(format!("scheme {} not supported", quote(&go_string_of(&scheme))));
    }
    let archive = get(url, Some("application/gzip,application/octet-stream"), credentials)?;
    super::archive::ensure_downloaded_archive(url, &archive)?;
    Ok(archive)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chart_addresses_are_read_against_the_repository_as_a_folder() {
        let cases = [
            ("http://r.example/charts", "web-1.0.0.tgz", "http://r.example/charts/web-1.0.0.tgz"),
            ("http://r.example/charts/", "web-1.0.0.tgz", "http://r.example/charts/web-1.0.0.tgz"),
            ("http://r.example/charts/", "../web-1.0.0.tgz", "http://r.example/web-1.0.0.tgz"),
            ("http://r.example/charts", "/web-1.0.0.tgz", "http://r.example/web-1.0.0.tgz"),
            ("http://r.example/a?token=x", "web.tgz", "http://r.example/a/web.tgz?token=x"),
            ("http://r.example/a", "https://cdn.example/web.tgz", "https://cdn.example/web.tgz"),
            ("http://r.example", "index.yaml", "http://r.example/index.yaml"),
            ("http://r.example/with%20space", "w b.tgz", "http://r.example/with%20space/w%20b.tgz"),
        ];
        for (base, reference, want) in cases {
            assert_eq!(resolve_reference_url(base, reference).as_deref(), Ok(want), "{base} + {reference}");
        }
    }

    #[test]
    fn credentials_follow_the_server_not_the_path() {
        assert_eq!(same_server("http://r.example/a", "http://r.example:80/b"), Ok(true));
        assert_eq!(same_server("https://r.example/a", "https://r.example:443/b"), Ok(true));
        assert_eq!(same_server("http://r.example/a", "https://r.example/a"), Ok(false));
        assert_eq!(same_server("http://r.example:8080/a", "http://r.example/a"), Ok(false));
        assert_eq!(same_server("http://[::1]:8080/a", "http://[::1]:8080/b"), Ok(true));
        assert!(same_address("http://r.example/a/./b.tgz", "http://r.example/a/b.tgz"));
        assert!(same_address("http://r.example", "http://r.example/"));
        assert!(!same_address("http://r.example/a.tgz", "a.tgz"));
    }
}
