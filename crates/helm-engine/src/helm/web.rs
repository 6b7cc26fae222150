//! GET requests as helm makes them with Go's HTTP client: proxies from the environment
//! (none for this machine's own addresses), the system's certificate authorities unless
//! helm's TLS options say otherwise, redirects followed (credentials only to the same host).
//! Used for the schemas a `values.schema.json` refers to on the web, values files given by
//! URL, repository indexes, chart archives and registries.

use std::path::{Path, PathBuf};
use std::time::Duration;

use ureq::tls::{Certificate, ClientCert, PemItem, RootCerts, TlsConfig, parse_pem};

/// What a request answered.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    /// The `WWW-Authenticate` header: how the server asks for credentials.
    pub(crate) www_authenticate: Option<String>,
    /// The `Link` header: where the next page of a list is.
    pub(crate) link: Option<String>,
}

/// Why a request has no answer.
pub(crate) enum GetError {
    /// No answer: the HTTP client's reason.
    Failed(String),
    /// The body is longer than the limit given.
    TooLarge,
}

/// A GET of `url`, waiting at most `time_limit` (none: as long as it takes), reading at
/// most `max_bytes` of the body.
pub(crate) fn get(url: &str, time_limit: Option<Duration>, max_bytes: u64) -> Result<Answer, GetError> {
    get_with(url, &Extras { time_limit, ..Extras::default() }, max_bytes)
}

/// TLS settings of downloads beside the system's trust, as helm's `--ca-file`,
/// `--cert-file`, `--key-file` and `--insecure-skip-tls-verify` give them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TlsFiles {
    /// Trust only the certificate authorities in this PEM file.
    pub ca_file: Option<PathBuf>,
    /// Identify with the certificate in this PEM file (with `key_file`).
    pub cert_file: Option<PathBuf>,
    /// The private key of `cert_file`.
    pub key_file: Option<PathBuf>,
    /// Do not check the server's certificate.
    pub insecure_skip_verify: bool,
}

impl TlsFiles {
    /// Whether anything differs from the system's trust.
    fn is_set(&self) -> bool {
        // As helm decides (its registry client and HTTP getter): a certificate without its
        // key, or a key alone, is not read unless a CA file or insecure mode asks for TLS.
        self.ca_file.is_some()
            || (self.cert_file.is_some() && self.key_file.is_some())
            || self.insecure_skip_verify
    }
}

/// The TLS configuration `files` give, or helm's words for why it cannot be made.
pub(crate) fn tls_config(files: &TlsFiles) -> Result<TlsConfig, String> {
    let platform = TlsConfig::builder().root_certs(RootCerts::PlatformVerifier);
    if !files.is_set() {
        return Ok(platform.build());
    }
    let failed = |reason: String| format!("can't create TLS config for client: {reason}");
    let read = |what: &str, path: &Path| {
        super::read_within(path, super::MAX_SETTINGS_FILE_SIZE).map_err(|e| {
            failed(format!(
                "{what}: {}: {}",
                crate::strconv::quote(&path.display().to_string()),
                super::settings_read_error(path, &e)
            ))
        })
    };
    let mut builder = platform.disable_verification(files.insecure_skip_verify);
    if files.cert_file.is_some() || files.key_file.is_some() {
        let none = PathBuf::new();
        let chain = read("unable to read cert file", files.cert_file.as_ref().unwrap_or(&none))?;
        let key = read("unable to read key file", files.key_file.as_ref().unwrap_or(&none))?;
        let certificates: Vec<Certificate<'static>> = certificates_in(&chain);
        let key = parse_pem(&key).find_map(|item| match item {
            Ok(PemItem::PrivateKey(key)) => Some(key),
            _ => None,
        });
        match (certificates.is_empty(), key) {
            (false, Some(key)) => {
                builder = builder.client_cert(Some(ClientCert::new_with_certs(&certificates, key)))
            }
            _ => {
                return Err(failed(
                    "unable to load cert from key pair: no certificate and private key in PEM form".into(),
                ));
            }
        }
    }
    if let Some(ca_file) = &files.ca_file {
        let authorities = certificates_in(&read("can't read CA file", ca_file)?);
        if authorities.is_empty() {
            return Err(failed("failed to append certificates from pem block".into()));
        }
        builder = builder.root_certs(RootCerts::new_with_certs(&authorities));
    }
    Ok(builder.build())
}

/// The certificates of a PEM text.
fn certificates_in(pem: &[u8]) -> Vec<Certificate<'static>> {
    parse_pem(pem)
        .filter_map(|item| match item {
            Ok(PemItem::Certificate(certificate)) => Some(certificate),
            _ => None,
        })
        .collect()
}

/// What a request carries beside its address.
#[derive(Default)]
pub(crate) struct Extras<'a> {
    /// How long to wait at most; none: as long as it takes.
    pub(crate) time_limit: Option<Duration>,
    /// The `Accept` header.
    pub(crate) accept: Option<&'a str>,
    /// The `Authorization` header.
    pub(crate) authorization: Option<String>,
    /// TLS settings beside the system's trust.
    pub(crate) tls: Option<&'a TlsFiles>,
}

/// The `Authorization` header of HTTP basic authentication.
pub(crate) fn basic_authorization(user: &str, password: &str) -> String {
    format!("Basic {}", crate::base64::base64_encode(format!("{user}:{password}").as_bytes()))
}

/// A GET of `url` with `extras`, reading at most `max_bytes` of the body. Redirects are
/// followed; credentials go along only to the same host, as Go's client sends them.
pub(crate) fn get_with(url: &str, extras: &Extras<'_>, max_bytes: u64) -> Result<Answer, GetError> {
    let uri: Option<ureq::http::Uri> = url.parse().ok();
    let loopback = uri.as_ref().and_then(|uri| uri.host()).is_some_and(is_loopback);
    let mut config = ureq::Agent::config_builder()
        .timeout_global(extras.time_limit)
        .http_status_as_error(false)
        .redirect_auth_headers(ureq::config::RedirectAuthHeaders::SameHost)
        .user_agent(concat!("helm-engine/", env!("CARGO_PKG_VERSION")))
        // The system's certificate authorities, as Go's client trusts them, unless told
        // otherwise.
        .tls_config(tls_config(extras.tls.unwrap_or(&TlsFiles::default())).map_err(GetError::Failed)?);
    if loopback {
        // As Go's client does, a request to this machine bypasses any proxy.
        config = config.proxy(None);
    }
    let agent: ureq::Agent = config.build().into();
    let mut request = agent.get(url);
    if let Some(accept) = extras.accept {
        request = request.header("Accept", accept);
    }
    if let Some(authorization) = &extras.authorization {
        request = request.header("Authorization", authorization);
    }
    let mut response = request.call().map_err(|e| GetError::Failed(e.to_string()))?;
    let status = response.status().as_u16();
    let header =
        |name: &str| response.headers().get(name).and_then(|value| value.to_str().ok()).map(str::to_string);
    let (www_authenticate, link) = (header("www-authenticate"), header("link"));
    let body = response.body_mut().with_config().limit(max_bytes).read_to_vec().map_err(|e| match e {
        ureq::Error::BodyExceedsLimit(_) => GetError::TooLarge,
        other => GetError::Failed(other.to_string()),
    })?;
    Ok(Answer { status, body, www_authenticate, link })
}

/// Whether `host` names this machine: `localhost` or a loopback address.
pub(crate) fn is_loopback(host: &str) -> bool {
    let bare = host.trim_start_matches('[').trim_end_matches(']');
    host.eq_ignore_ascii_case("localhost")
        || bare.parse::<std::net::IpAddr>().is_ok_and(|ip| ip.is_loopback())
}

/// Go's `http.StatusText`: the registered reason phrases, three in their older wording,
/// and nothing for a code Go does not know.
pub(crate) fn go_status_text(status: u16) -> &'static str {
    match status {
        413 => "Request Entity Too Large",
        414 => "Request URI Too Long",
        416 => "Requested Range Not Satisfiable",
        _ => ureq::http::StatusCode::from_u16(status).ok().and_then(|s| s.canonical_reason()).unwrap_or(""),
    }
}

/// The body of a values file at `name`, when helm would fetch it rather than read a file:
/// an `http://` or `https://` URL, fetched as helm's HTTP getter fetches it (no time limit,
/// anything but `200 OK` refused in helm's words: `failed to fetch <url> : 404 Not Found`).
/// `None` for anything else, which is a path. At most `max_bytes` are read.
pub fn fetch_values_file(name: &str, max_bytes: u64) -> Option<Result<Vec<u8>, ValuesFetchError>> {
    let url = crate::gourl::parse(name).ok()?;
    if url.scheme != b"http" && url.scheme != b"https" {
        return None;
    }
    Some(match get(name, None, max_bytes) {
        Ok(Answer { status: 200, body, .. }) => Ok(body),
        Ok(Answer { status, .. }) => Err(ValuesFetchError::Refused(format!(
            "failed to fetch {name} : {status} {}",
            go_status_text(status)
        ))),
        Err(GetError::Failed(reason)) => {
            Err(ValuesFetchError::Refused(format!("Get {}: {reason}", crate::strconv::quote(name))))
        }
        Err(GetError::TooLarge) => Err(ValuesFetchError::TooLarge),
    })
}

/// Why a values file given by URL was not fetched.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValuesFetchError {
    /// Helm's message: the server's status, or why there was no answer.
    Refused(String),
    /// The body is longer than the limit given.
    TooLarge,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn this_machine_is_told_apart() {
        for host in ["localhost", "127.0.0.1", "127.1.2.3", "[::1]"] {
            assert!(is_loopback(host), "{host}");
        }
        for host in ["example.com", "10.0.0.1", "[2001:db8::1]"] {
            assert!(!is_loopback(host), "{host}");
        }
    }

    #[test]
    fn only_web_addresses_are_fetched_as_values_files() {
        for name in [
            "values.yaml",
            "/etc/values.yaml",
            "-",
            "ftp://example.org/v.yaml",
            "file:///v.yaml",
            "my%zz.yaml",
        ] {
            assert!(fetch_values_file(name, 10).is_none(), "{name}");
        }
    }
}
