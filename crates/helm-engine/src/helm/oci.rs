//! Charts in OCI registries (`oci://registry/repository[:tag][@digest]`), pulled as helm 4
//! pulls them with its registry client: the tag from the reference or `--version` (a
//! constraint picks the newest matching tag the registry lists, `+` written `_` in tags),
//! the manifest, then its config and chart layer; anonymous bearer tokens, or the
//! credentials given or stored by `helm registry login`; messages in the words of helm and
//! the registry library it uses.

use std::path::Path;

use serde_json::Value as Json;
use sha2::{Digest, Sha256};

use super::web::{self, Answer, Extras, GetError};
use crate::funcs::semver::{Constraints, Version};
use crate::strconv::quote;
use crate::template::builtins::query_escape;

/// The media type of a Helm chart's config (its metadata).
const CONFIG_MEDIA_TYPE: &str = "application/vnd.cncf.helm.config.v1+json";
/// The media type of a Helm chart's archive.
const CHART_MEDIA_TYPE: &str = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";
/// The media type charts were pushed with before [`CHART_MEDIA_TYPE`].
const LEGACY_CHART_MEDIA_TYPE: &str = "application/tar+gzip";
/// The manifests a registry may answer with.
const MANIFEST_MEDIA_TYPES: &str = "application/vnd.docker.distribution.manifest.v2+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json, application/vnd.oci.artifact.manifest.v1+json";
/// The largest manifest or tag list read.
const MAX_DOCUMENT_BYTES: u64 = 4 * 1024 * 1024;

/// How to reach a registry.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RegistryAccess<'a> {
    /// `--plain-http`: HTTP instead of HTTPS.
    pub(crate) plain_http: bool,
    /// `--username` and `--password`: used when both are given.
    pub(crate) username: &'a str,
    pub(crate) password: &'a str,
    /// The credentials `helm registry login` stores.
    pub(crate) credentials_file: &'a Path,
    /// TLS settings beside the system's trust.
    pub(crate) tls: &'a super::web::TlsFiles,
}

/// A chart pulled from a registry.
#[derive(Debug)]
pub(crate) struct Pulled {
    /// The chart's archive.
    pub(crate) archive: Vec<u8>,
    /// The tag (with `_` for `+`) or digest pulled.
    pub(crate) target: String,
    /// What helm reports on standard error: the reference pulled and the manifest's digest.
    pub(crate) messages: Vec<String>,
}

/// A reference split as the registry library splits it.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Reference {
    registry: String,
    repository: String,
    /// A tag (with `_` for `+`), or empty.
    tag: String,
    /// `sha256:...`, or empty.
    digest: String,
}

/// Pulls the chart `name` (`oci://...`) at `version` (empty: the reference's tag, else
/// the newest release the registry lists).
pub(crate) fn pull(name: &str, version: &str, access: &RegistryAccess<'_>) -> Result<Pulled, String> {
    let reference = parse_reference(name)?;
    let mut client = Client::new(&reference.registry, access)?;
    let version = if version.is_empty() {
        reference.tag.clone()
    } else if !reference.tag.is_empty() && reference.tag != version {
        return Err(format!("chart reference and version mismatch: {version} is not {}", reference.tag));
    } else {
        version.to_string()
    };
    let target = if !reference.digest.is_empty() {
        if !version.is_empty() {
            // A tag given beside the digest must name the same manifest, when it names one.
            let tagged = client.manifest(&reference.repository, &version.replace('+', "_"));
            if let Ok((_, digest)) = tagged
                && digest != reference.digest
            {
                return Err(format!("chart reference digest mismatch: {digest} is not {}", reference.digest));
            }
        }
        reference.digest.clone()
    } else if Version::parse(&version).is_ok() {
        version.replace('+', "_")
    } else {
        let tags = client.release_tags(&reference.repository)?;
        if tags.is_empty() {
            return Err(format!("unable to locate any tags in provided repository: {name}"));
        }
        tag_for(&tags, &version)?.replace('+', "_")
    };
    let separator = if target.starts_with("sha256:") { '@' } else { ':' };
    let shown = format!("{}/{}{separator}{target}", reference.registry, reference.repository);
    let fetch_failed = |e: String| format!("failed to perform \"FetchReference\" on source: {e}");
    let (manifest, manifest_digest) = client.manifest(&reference.repository, &target).map_err(|e| {
        fetch_failed(match e {
            ManifestError::NotFound => format!("{shown}: not found"),
            ManifestError::Other(e) => e,
        })
    })?;
    let mut messages = Vec::new();
    let layers = chart_layers(&manifest)?;
    if layers.legacy {
        messages.push(format!("Warning: chart media type {LEGACY_CHART_MEDIA_TYPE} is deprecated"));
    }
    let config = client.blob(&reference.repository, &layers.config)?;
    if !matches!(serde_json::from_slice::<Json>(&config), Ok(Json::Object(_))) {
        return Err(format!("the config of {shown} is not a chart's metadata"));
    }
    let archive = client.blob(&reference.repository, &layers.chart)?;
    messages.push(format!("Pulled: {shown}"));
    messages.push(format!("Digest: {manifest_digest}"));
    Ok(Pulled { archive, target, messages })
}

/// Helm's reading of `oci://registry/repository[:tag][@digest]`: a `+` in the tag is
/// written `_`, then the registry library's checks.
fn parse_reference(name: &str) -> Result<Reference, String> {
    let mut raw = name.strip_prefix("oci://").unwrap_or(name).to_string();
    let mut digest = String::new();
    if let Some(at) = raw.rfind('@') {
        digest = raw[at + 1..].to_string();
        raw.truncate(at);
    }
    if let Some(tag) =
        raw.rsplit(':').next().filter(|tag| raw.contains(':') && !tag.contains('/') && !tag.is_empty())
    {
        raw = raw.replace(tag, &tag.replace('+', "_"));
    }
    let invalid = |what: String| format!("invalid reference: {what}");
    let Some((registry, path)) = raw.split_once('/') else {
        return Err(invalid("missing registry or repository".into()));
    };
    let (repository, tag) = match path.find(':') {
        Some(colon) => (&path[..colon], &path[colon + 1..]),
        None => (path, ""),
    };
    let registry_ok = crate::gourl::parse(&format!("dummy://{registry}"))
        .is_ok_and(|url| !url.host.is_empty() && url.host == registry.as_bytes());
    if !registry_ok {
        return Err(invalid(format!("invalid registry {}", quote(registry))));
    }
    if !regexes().repository.is_match(repository) {
        return Err(invalid(format!("invalid repository {}", quote(repository))));
    }
    if !tag.is_empty() && !regexes().tag.is_match(tag) {
        return Err(invalid(format!("invalid tag {}", quote(tag))));
    }
    if !digest.is_empty() && !regexes().digest.is_match(&digest) {
        return Err(invalid(format!("invalid digest {}", quote(&digest))));
    }
    Ok(Reference { registry: registry.into(), repository: repository.into(), tag: tag.into(), digest })
}

/// The registry library's patterns for repositories, tags and digests.
struct Patterns {
    repository: regex_lite::Regex,
    tag: regex_lite::Regex,
    digest: regex_lite::Regex,
}

fn regexes() -> &'static Patterns {
    static PATTERNS: std::sync::OnceLock<Patterns> = std::sync::OnceLock::new();
    PATTERNS.get_or_init(|| {
        let component = "[a-z0-9]+(?:(?:[._]|__|[-]*)[a-z0-9]+)*";
        let compile = |pattern: &str| regex_lite::Regex::new(pattern).expect("the patterns are valid");
        Patterns {
            repository: compile(&format!("^{component}(?:/{component})*$")),
            tag: compile("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"),
            digest: compile("^sha256:[a-f0-9]{64}$"),
        }
    })
}

/// Helm's `GetTagMatchingVersionOrConstraint`: a tag written exactly as `version`, else the
/// first (newest) the constraint allows; an empty constraint allows every release.
fn tag_for(tags: &[String], version: &str) -> Result<String, String> {
    if !version.is_empty()
        && let Some(exact) = tags.iter().find(|tag| *tag == version)
    {
        return Ok(exact.clone());
    }
    let constraint = Constraints::parse(if version.is_empty() { "*" } else { version })?;
    tags.iter()
        .find(|tag| Version::parse(tag).is_ok_and(|v| constraint.check(&v)))
        .cloned()
        .ok_or_else(|| format!("could not locate a version matching provided version string {version}"))
}

/// Whether `tag` is a semantic version in its strict form (three numbers, no `v`, no
/// leading zeros): the only tags helm considers.
fn is_strict_version(tag: &str) -> bool {
    let core = tag.split(['-', '+']).next().unwrap_or_default();
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers.iter().all(|n| {
            !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()) && (n.len() == 1 || !n.starts_with('0'))
        })
        && Version::parse(tag).is_ok()
}

/// The descriptors of a chart's manifest helm takes.
struct ChartLayers {
    config: Descriptor,
    chart: Descriptor,
    /// The chart layer has the old media type.
    legacy: bool,
}

/// What a manifest says of one of its blobs.
#[derive(Clone, Debug)]
struct Descriptor {
    digest: String,
    size: u64,
}

/// The config and the chart layer of a manifest, checked as helm checks them.
fn chart_layers(manifest: &Json) -> Result<ChartLayers, String> {
    let descriptor = |d: &Json| {
        let media_type = d.get("mediaType").and_then(Json::as_str).unwrap_or_default().to_string();
        let digest = d.get("digest").and_then(Json::as_str).unwrap_or_default().to_string();
        (media_type, Descriptor { digest, size: d.get("size").and_then(Json::as_u64).unwrap_or_default() })
    };
    let config =
        manifest.get("config").map(descriptor).filter(|(media_type, _)| media_type == CONFIG_MEDIA_TYPE);
    let mut chart = None;
    let mut legacy = false;
    let mut taken = 1 + usize::from(config.is_some());
    for (media_type, layer) in
        manifest.get("layers").and_then(Json::as_array).into_iter().flatten().map(descriptor)
    {
        if media_type == CHART_MEDIA_TYPE || media_type == LEGACY_CHART_MEDIA_TYPE {
            legacy = media_type == LEGACY_CHART_MEDIA_TYPE;
            chart = Some(layer);
            taken += 1;
        }
    }
    if taken < 2 {
        return Err(format!(
            "manifest does not contain minimum number of descriptors (2), descriptors found: {taken}"
        ));
    }
    let Some((_, config)) = config else {
        return Err(format!("could not load config with mediatype {CONFIG_MEDIA_TYPE}"));
    };
    let chart = chart
        .ok_or_else(|| format!("manifest does not contain a layer with mediatype {CHART_MEDIA_TYPE}"))?;
    Ok(ChartLayers { config, chart, legacy })
}

/// Why a manifest was not fetched.
enum ManifestError {
    NotFound,
    Other(String),
}

/// Requests to one registry, with the authorization it asked for once it asked.
struct Client {
    base: String,
    credentials: Option<(String, String)>,
    authorization: Option<String>,
    tls: super::web::TlsFiles,
}

impl Client {
    fn new(registry: &str, access: &RegistryAccess<'_>) -> Result<Client, String> {
        let credentials = if !access.username.is_empty() && !access.password.is_empty() {
            Some((access.username.to_string(), access.password.to_string()))
        } else {
            stored_credentials(access.credentials_file, registry)?
        };
        let scheme = if access.plain_http { "http" } else { "https" };
        Ok(Client {
            base: format!("{scheme}://{registry}"),
            credentials,
            authorization: None,
            tls: access.tls.clone(),
        })
    }

    /// A GET of `url`; when the registry asks for credentials, a token or the credentials,
    /// and the GET again.
    fn get(
        &mut self,
        url: &str,
        accept: Option<&str>,
        repository: &str,
        max_bytes: u64,
    ) -> Result<Answer, String> {
        let mut asked = false;
        loop {
            let extras = Extras {
                accept,
                authorization: self.authorization.clone(),
                tls: Some(&self.tls),
                ..Extras::default()
            };
            let answer = web::get_with(url, &extras, max_bytes).map_err(|e| match e {
                GetError::Failed(reason) => format!("Get {}: {reason}", quote(url)),
                GetError::TooLarge => format!("{url}: the answer is larger than {max_bytes} bytes"),
            })?;
            if answer.status != 401 || asked {
                return Ok(answer);
            }
            asked = true;
            let challenge = answer.www_authenticate.clone().unwrap_or_default();
            self.authorization = match challenge.split_once(' ') {
                Some((scheme, parameters)) if scheme.eq_ignore_ascii_case("bearer") => {
                    Some(format!("Bearer {}", self.token(&challenge_parameters(parameters), repository)?))
                }
                Some((scheme, _)) if scheme.eq_ignore_ascii_case("basic") => match &self.credentials {
                    Some((user, password)) => Some(web::basic_authorization(user, password)),
                    None => {
                        return Err(format!("GET {}: basic credential not found", quote(url)));
                    }
                },
                _ => return Ok(answer),
            };
        }
    }

    /// A token from the registry's token service, for pulling from `repository`.
    fn token(&self, challenge: &[(String, String)], repository: &str) -> Result<String, String> {
        let parameter = |name: &str| challenge.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
        let realm =
            parameter("realm").ok_or("the registry asked for a token without saying where to get it")?;
        let mut scopes: Vec<String> =
            parameter("scope").map(|s| s.split(' ').map(str::to_string).collect()).unwrap_or_default();
        scopes.push(format!("repository:{repository}:pull"));
        scopes.sort();
        scopes.dedup();
        let mut query: Vec<String> =
            scopes.iter().map(|scope| format!("scope={}", query_escape(scope))).collect();
        if let Some(service) = parameter("service") {
            query.push(format!("service={}", query_escape(service)));
        }
        let separator = if realm.contains('?') { '&' } else { '?' };
        let url = format!("{realm}{separator}{}", query.join("&"));
        let authorization =
            self.credentials.as_ref().map(|(user, password)| web::basic_authorization(user, password));
        let extras = Extras { authorization, tls: Some(&self.tls), ..Extras::default() };
        let answer = web::get_with(&url, &extras, MAX_DOCUMENT_BYTES).map_err(|e| match e {
            GetError::Failed(reason) => format!("Get {}: {reason}", quote(&url)),
            GetError::TooLarge => format!("{url}: the answer is larger than {MAX_DOCUMENT_BYTES} bytes"),
        })?;
        if answer.status != 200 {
            return Err(response_error(&url, &answer));
        }
        let body: Json = serde_json::from_slice(&answer.body).map_err(|e| format!("{url}: {e}"))?;
        ["token", "access_token"]
            .iter()
            .find_map(|key| body.get(key).and_then(Json::as_str).filter(|t| !t.is_empty()))
            .map(str::to_string)
            .ok_or_else(|| format!("{url}: empty token returned"))
    }

    /// The manifest at `reference` (a tag or a digest) and its digest.
    fn manifest(&mut self, repository: &str, reference: &str) -> Result<(Json, String), ManifestError> {
        let url = format!("{}/v2/{repository}/manifests/{reference}", self.base);
        let answer = self
            .get(&url, Some(MANIFEST_MEDIA_TYPES), repository, MAX_DOCUMENT_BYTES)
            .map_err(ManifestError::Other)?;
        match answer.status {
            200 => {}
            404 => return Err(ManifestError::NotFound),
            _ => return Err(ManifestError::Other(response_error(&url, &answer))),
        }
        let digest = format!("sha256:{:x}", Sha256::digest(&answer.body));
        if reference.starts_with("sha256:") && digest != reference {
            return Err(ManifestError::Other(format!("{url}: the manifest's digest is {digest}")));
        }
        let manifest =
            serde_json::from_slice(&answer.body).map_err(|e| ManifestError::Other(format!("{url}: {e}")))?;
        Ok((manifest, digest))
    }

    /// The blob `descriptor` names, checked against its size and digest.
    fn blob(&mut self, repository: &str, descriptor: &Descriptor) -> Result<Vec<u8>, String> {
        let url = format!("{}/v2/{repository}/blobs/{}", self.base, descriptor.digest);
        let limit = descriptor.size.min(super::archive::MAX_CHART_SIZE);
        let answer = self.get(&url, None, repository, limit)?;
        if answer.status != 200 {
            return Err(response_error(&url, &answer));
        }
        let digest = format!("sha256:{:x}", Sha256::digest(&answer.body));
        if answer.body.len() as u64 != descriptor.size || digest != descriptor.digest {
            return Err(format!("{url}: the content does not match its digest {}", descriptor.digest));
        }
        Ok(answer.body)
    }

    /// The tags of `repository` that are releases helm considers, newest first, with `+`
    /// for the `_` of their tags.
    fn release_tags(&mut self, repository: &str) -> Result<Vec<String>, String> {
        let mut url = format!("{}/v2/{repository}/tags/list", self.base);
        let mut versions = Vec::new();
        loop {
            let answer = self.get(&url, None, repository, MAX_DOCUMENT_BYTES)?;
            if answer.status != 200 {
                return Err(response_error(&url, &answer));
            }
            let body: Json = serde_json::from_slice(&answer.body).map_err(|e| format!("{url}: {e}"))?;
            for tag in
                body.get("tags").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str)
            {
                let version = tag.replace('_', "+");
                if is_strict_version(&version) {
                    versions.push(version);
                }
            }
            match answer.link.as_deref().and_then(next_page) {
                Some(next) => url = super::locate::resolve_against(&url, &next)?,
                None => break,
            }
        }
        versions.sort_by(|a, b| match (Version::parse(a), Version::parse(b)) {
            (Ok(a), Ok(b)) => b.compare(&a),
            _ => std::cmp::Ordering::Equal,
        });
        Ok(versions)
    }
}

/// The registry library's words for an answer other than the one expected: the registry's
/// own errors, else the status's name.
fn response_error(url: &str, answer: &Answer) -> String {
    let errors: Vec<String> = serde_json::from_slice::<Json>(&answer.body)
        .ok()
        .and_then(|body| body.get("errors").and_then(Json::as_array).cloned())
        .unwrap_or_default()
        .iter()
        .map(|error| {
            let code: String = error
                .get("code")
                .and_then(Json::as_str)
                .unwrap_or_default()
                .chars()
                .map(|c| if c == '_' { ' ' } else { c.to_ascii_lowercase() })
                .collect();
            match error.get("message").and_then(Json::as_str).filter(|m| !m.is_empty()) {
                Some(message) => format!("{code}: {message}"),
                None => code,
            }
        })
        .collect();
    let reason =
        if errors.is_empty() { web::go_status_text(answer.status).to_string() } else { errors.join("; ") };
    format!("GET {}: response status code {}: {reason}", quote(url), answer.status)
}

/// The parameters of a `WWW-Authenticate` challenge: `realm="...",service="..."`.
fn challenge_parameters(text: &str) -> Vec<(String, String)> {
    let mut parameters = Vec::new();
    let mut rest = text.trim();
    while let Some((name, after)) = rest.split_once('=') {
        let name = name.trim().trim_start_matches(',').trim().to_ascii_lowercase();
        let (value, remaining) = match after.strip_prefix('"') {
            Some(quoted) => {
                let end = quoted.find('"').unwrap_or(quoted.len());
                (quoted[..end].to_string(), quoted.get(end + 1..).unwrap_or_default())
            }
            None => {
                let end = after.find(',').unwrap_or(after.len());
                (after[..end].trim().to_string(), &after[end..])
            }
        };
        parameters.push((name, value));
        rest = remaining.trim_start_matches([',', ' ']);
    }
    parameters
}

/// The address of the `rel="next"` link of a `Link` header.
fn next_page(link: &str) -> Option<String> {
    link.split(',').find(|part| part.contains("rel=\"next\"")).and_then(|part| {
        let start = part.find('<')? + 1;
        let end = part.find('>')?;
        Some(part[start..end].to_string())
    })
}

/// The credentials `helm registry login` stored for `registry` (a Docker-style
/// `config.json`: `auths`, with `auth` as base64 of `user:password`, or `username` and
/// `password`). None when there are none; credential helpers are not asked.
fn stored_credentials(file: &Path, registry: &str) -> Result<Option<(String, String)>, String> {
    let data = match super::read_within(file, super::MAX_SETTINGS_FILE_SIZE) {
        Ok(data) => data,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(super::settings_read_error(file, &e)),
    };
    let config: Json = serde_json::from_slice(&data)
        .map_err(|e| format!("{}: invalid config format: {e}", file.display()))?;
    let key = if registry == "docker.io" { "https://index.docker.io/v1/" } else { registry };
    let Some(entry) = config.get("auths").and_then(|auths| auths.get(key)) else {
        return Ok(None);
    };
    let text = |name: &str| entry.get(name).and_then(Json::as_str).unwrap_or_default().to_string();
    if let Some(decoded) =
        entry.get("auth").and_then(Json::as_str).and_then(|auth| crate::base64::base64_decode(auth).ok())
        && let Some((user, password)) = String::from_utf8_lossy(&decoded).split_once(':')
    {
        return Ok(Some((user.to_string(), password.to_string())));
    }
    let (user, password) = (text("username"), text("password"));
    Ok((!user.is_empty() || !password.is_empty()).then_some((user, password)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reference(registry: &str, repository: &str, tag: &str, digest: &str) -> Reference {
        Reference {
            registry: registry.into(),
            repository: repository.into(),
            tag: tag.into(),
            digest: digest.into(),
        }
    }

    #[test]
    fn references_are_split_as_helm_splits_them() {
        let digest = format!("sha256:{}", "a".repeat(64));
        assert_eq!(
            parse_reference("oci://r.example/charts/web"),
            Ok(reference("r.example", "charts/web", "", ""))
        );
        assert_eq!(
            parse_reference("oci://r.example:5000/web:1.2.3+build.1"),
            Ok(reference("r.example:5000", "web", "1.2.3_build.1", ""))
        );
        assert_eq!(
            parse_reference(&format!("oci://r.example/web:1.0.0@{digest}")),
            Ok(reference("r.example", "web", "1.0.0", &digest))
        );
        assert_eq!(
            parse_reference("oci://web").unwrap_err(),
            "invalid reference: missing registry or repository"
        );
        assert_eq!(
            parse_reference("oci://r.example/Web").unwrap_err(),
            "invalid reference: invalid repository \"Web\""
        );
        assert_eq!(
            parse_reference("oci://r.example/web:.x").unwrap_err(),
            "invalid reference: invalid tag \".x\""
        );
    }

    #[test]
    fn only_strict_versions_are_tags_helm_considers() {
        for tag in ["1.0.0", "10.2.3-rc.1", "1.0.0+build.7"] {
            assert!(is_strict_version(tag), "{tag}");
        }
        for tag in ["latest", "v1.0.0", "1.0", "01.0.0"] {
            assert!(!is_strict_version(tag), "{tag}");
        }
    }

    #[test]
    fn a_tag_is_chosen_as_helm_chooses_it() {
        let tags: Vec<String> = ["2.0.0-rc.1", "1.10.0", "1.2.0", "1.0.0"].map(String::from).to_vec();
        assert_eq!(tag_for(&tags, ""), Ok("1.10.0".into()));
        assert_eq!(tag_for(&tags, "~1.2"), Ok("1.2.0".into()));
        assert_eq!(tag_for(&tags, ">0.0.0-0"), Ok("2.0.0-rc.1".into()));
        assert_eq!(
            tag_for(&tags, "3"),
            Err("could not locate a version matching provided version string 3".into())
        );
    }

    #[test]
    fn registry_errors_are_worded_as_the_registry_library_words_them() {
        let answer = |status, body: &str| Answer {
            status,
            body: body.as_bytes().to_vec(),
            www_authenticate: None,
            link: None,
        };
        assert_eq!(
            response_error(
                "http://r/v2/x/tags/list",
                &answer(
                    404,
                    r#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}"#
                )
            ),
            "GET \"http://r/v2/x/tags/list\": response status code 404: name unknown: repository name not known to registry"
        );
        assert_eq!(
            response_error("http://r/x", &answer(502, "")),
            "GET \"http://r/x\": response status code 502: Bad Gateway"
        );
        assert_eq!(
            challenge_parameters(
                r#"realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull""#
            ),
            [
                ("realm".to_string(), "https://auth.example/token".to_string()),
                ("service".to_string(), "registry.example".to_string()),
                ("scope".to_string(), "repository:a/b:pull".to_string())
            ]
        );
        assert_eq!(
            next_page(r#"</v2/x/tags/list?last=b&n=2>; rel="next""#).as_deref(),
            Some("/v2/x/tags/list?last=b&n=2")
        );
        assert_eq!(query_escape("repository:a/b:pull"), "repository%3Aa%2Fb%3Apull");
    }
}
