//! `mailu-chart template` with charts that are not on this machine: an archive's address,
//! `--repo URL NAME` with `--version` and `--devel`, `repo/chart` from helm's list of
//! repositories and its downloaded indexes, `oci://` charts from a registry, and credentials
//! sent only where helm sends them. Each is compared with the real helm 4 (and helm 3)
//! against the same repository or registry, served here on this machine's loopback address.

mod common;

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// Each request a server got: its path and `Authorization` header.
type RequestLog = Arc<Mutex<Vec<(String, Option<String>)>>>;

/// A repository of helm's list: name, address, its downloaded index (none: not
/// downloaded) and credentials.
type Listed<'a> = (&'a str, &'a str, Option<&'a str>, Option<(&'a str, &'a str)>);

/// A chart repository served over HTTP on loopback: its files, the credentials it asks for
/// (if any), and every request it got (path and `Authorization` header).
struct Server {
    address: String,
    requests: RequestLog,
}

/// What a server asks of its clients before it answers.
#[derive(Clone, Copy)]
enum Guard {
    /// Nothing.
    Open,
    /// HTTP basic credentials, `user:password`.
    Basic(&'static str),
    /// A bearer token, which its `/token` gives anyone (as public registries do).
    AnonymousToken,
}

impl Server {
    fn start(files: HashMap<String, Vec<u8>>, guard: Guard) -> Server {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = format!("http://{}", listener.local_addr().unwrap());
        let requests = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&requests);
        let token_realm = format!("{address}/token");
        std::thread::spawn(move || {
            for mut stream in listener.incoming().flatten() {
                let mut lines = BufReader::new(&stream).lines().map_while(Result::ok);
                let first = lines.next().unwrap_or_default();
                let auth = lines.take_while(|line| !line.is_empty()).find_map(|line| {
                    let (name, value) = line.split_once(": ")?;
                    name.eq_ignore_ascii_case("authorization").then(|| value.to_string())
                });
                let path = first.split_whitespace().nth(1).unwrap_or_default().to_string();
                log.lock().unwrap().push((path.clone(), auth.clone()));
                let (allowed, challenge) = match guard {
                    Guard::Open => (true, String::new()),
                    Guard::Basic(credentials) => (
                        auth == Some(format!("Basic {}", base64(credentials.as_bytes()))),
                        "Basic realm=\"test\"".to_string(),
                    ),
                    Guard::AnonymousToken => (
                        path.starts_with("/token") || auth.as_deref() == Some("Bearer T0K"),
                        format!(
                            "Bearer realm=\"{token_realm}\",service=\"test\",scope=\"repository:charts/web:pull\""
                        ),
                    ),
                };
                let token = br#"{"token":"T0K"}"#.to_vec();
                let (status, body, extra) = match files.get(&path) {
                    _ if !allowed => ("401 Unauthorized", br#"{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}]}"#.to_vec(), format!("WWW-Authenticate: {challenge}\r\n")),
                    _ if path.starts_with("/token") => ("200 OK", token, String::new()),
                    Some(body) if path.contains("/manifests/") => (
                        "200 OK",
                        body.clone(),
                        format!(
                            "Content-Type: application/vnd.oci.image.manifest.v1+json\r\nDocker-Content-Digest: {}\r\n",
                            sha256(body)
                        ),
                    ),
                    Some(body) => ("200 OK", body.clone(), String::new()),
                    None if path.starts_with("/v2/") && !path.starts_with("/v2/charts/web/") => (
                        "404 Not Found",
                        br#"{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}"#.to_vec(),
                        String::new(),
                    ),
                    None => ("404 Not Found", b"404 page not found".to_vec(), String::new()),
                };
                let head = format!(
                    "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n",
                    body.len()
                );
                let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(&body));
            }
        });
        Server { address, requests }
    }

    /// The requests for `path`, by their `Authorization` header.
    fn auth_sent_for(&self, path: &str) -> Vec<Option<String>> {
        let requests = self.requests.lock().unwrap();
        requests.iter().filter(|(p, _)| p == path).map(|(_, auth)| auth.clone()).collect()
    }
}

fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..4 {
            out.push(if i <= chunk.len() {
                ALPHABET[(n >> (18 - 6 * i) & 63) as usize] as char
            } else {
                '='
            });
        }
    }
    out
}

/// The archive of chart `web` at `version`: a ConfigMap naming the release and the version.
fn chart_archive(version: &str) -> Vec<u8> {
    let files = [
        ("web/Chart.yaml", format!("apiVersion: v2\nname: web\nversion: {version}\n")),
        (
            "web/templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\ndata:\n  version: {{ .Chart.Version | quote }}\n".to_string(),
        ),
    ];
    common::tar_gz(files.iter().map(|(name, text)| (name.to_string(), text.as_str())))
}

const VERSIONS: [&str; 4] = ["1.0.0", "1.2.0", "1.10.0", "2.0.0-rc.1"];

/// An index listing chart `web` at [`VERSIONS`], each at `prefix` + its archive's name.
fn index(prefix: &str) -> String {
    let mut text = String::from("apiVersion: v1\nentries:\n  web:\n");
    for version in VERSIONS {
        text += &format!(
            "  - apiVersion: v2\n    name: web\n    version: {version}\n    urls:\n    - {prefix}web-{version}.tgz\n"
        );
    }
    text
}

/// A repository's files: the index (archives listed relative to it) and the archives.
fn repository_files(prefix: &str) -> HashMap<String, Vec<u8>> {
    let mut files: HashMap<String, Vec<u8>> =
        VERSIONS.iter().map(|v| (format!("/charts/web-{v}.tgz"), chart_archive(v))).collect();
    files.insert("/charts/index.yaml".into(), index(prefix).into_bytes());
    files
}

/// Helm's list of repositories and its downloaded indexes, in a folder of their own.
struct HelmHome {
    dir: tempfile::TempDir,
}

impl HelmHome {
    fn new(repositories: &[Listed<'_>]) -> HelmHome {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        std::fs::create_dir_all(&cache).unwrap();
        let mut list = String::from("apiVersion: \"\"\nrepositories:\n");
        for (name, url, index, credentials) in repositories {
            list += &format!("- name: {name}\n  url: {url}\n");
            if let Some((user, password)) = credentials {
                list += &format!("  username: {user}\n  password: {password}\n");
            }
            if let Some(index) = index {
                std::fs::write(cache.join(format!("{name}-index.yaml")), index).unwrap();
            }
        }
        std::fs::write(dir.path().join("repositories.yaml"), list).unwrap();
        HelmHome { dir }
    }

    fn config(&self) -> PathBuf {
        self.dir.path().join("repositories.yaml")
    }

    fn cache(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    fn registry_config(&self) -> PathBuf {
        self.dir.path().join("registry.json")
    }
}

/// What a run of `template` shows: exit code, standard output, the error line without its
/// `Error: ` or `error: ` label, and the lines that report a chart pulled from a registry.
type Outcome = (Option<i32>, String, String, Vec<String>);

/// `template` of `program` with helm's repositories at `home`.
fn run(program: &Path, home: &HelmHome, args: &[&str]) -> Outcome {
    let out = common::command(program)
        .arg("template")
        .args(args)
        .env("HELM_REPOSITORY_CONFIG", home.config())
        .env("HELM_REPOSITORY_CACHE", home.cache())
        .env("HELM_REGISTRY_CONFIG", home.registry_config())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    let error = stderr
        .lines()
        .find_map(|line| line.strip_prefix("Error: ").or_else(|| line.strip_prefix("error: ")))
        .unwrap_or_default()
        .to_string();
    let pulled = stderr
        .lines()
        .filter(|line| line.starts_with("Pulled: ") || line.starts_with("Digest: "))
        .map(str::to_string)
        .collect();
    (out.status.code(), String::from_utf8_lossy(&out.stdout).into_owned(), error, pulled)
}

fn ours() -> PathBuf {
    assert_cmd::cargo::cargo_bin("mailu-chart")
}

/// Ours and each helm give the same exit code, output, error and report of what was pulled
/// for `args`; ours is returned, without the report. For `oci://` charts only helm 4 is
/// asked: helm 3's registry client words its failures its own way and, given a tag and a
/// digest, pulls the tag.
fn same_as_helm(home: &HelmHome, args: &[&str]) -> (Option<i32>, String, String) {
    let mine = run(&ours(), home, args);
    let from_registry = args.iter().any(|arg| arg.starts_with("oci://"));
    for (name, helm) in common::helms() {
        if name == "helm 3" && from_registry {
            continue;
        }
        assert_eq!(run(&helm, home, args), mine, "{name}: {args:?}");
    }
    (mine.0, mine.1, mine.2)
}

fn rendered(version: &str) -> String {
    format!(
        "---\n# Source: web/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: demo\ndata:\n  version: \"{version}\"\n"
    )
}

#[test]
fn a_repository_given_by_address_serves_the_version_asked_for() {
    let server = Server::start(repository_files(""), Guard::Open);
    let repo = format!("{}/charts", server.address);
    let home = HelmHome::new(&[]);
    let success = |version: &str| (Some(0), rendered(version), String::new());
    assert_eq!(same_as_helm(&home, &["demo", "web", "--repo", &repo]), success("1.10.0"));
    assert_eq!(same_as_helm(&home, &["demo", "web", "--repo", &repo, "--version", "~1.0"]), success("1.0.0"));
    assert_eq!(
        same_as_helm(&home, &["demo", "web", "--repo", &repo, "--version", "1.2.0"]),
        success("1.2.0")
    );
    assert_eq!(same_as_helm(&home, &["demo", "web", "--repo", &repo, "--devel"]), success("2.0.0-rc.1"));
    let failure = |message: String| (Some(1), String::new(), message);
    assert_eq!(
        same_as_helm(&home, &["demo", "web", "--repo", &repo, "--version", "3"]),
        failure(format!("chart \"web\" version \"3\" not found in {repo} repository"))
    );
    assert_eq!(
        same_as_helm(&home, &["demo", "nope", "--repo", &repo]),
        failure(format!("chart \"nope\" not found in {repo} repository"))
    );
    let elsewhere = format!("{}/elsewhere", server.address);
    assert_eq!(
        same_as_helm(&home, &["demo", "web", "--repo", &elsewhere]),
        failure(format!(
            "looks like \"{elsewhere}\" is not a valid chart repository or cannot be reached: failed to fetch {elsewhere}/index.yaml : 404 Not Found"
        ))
    );
}

#[test]
fn an_archive_is_downloaded_from_its_address() {
    let server = Server::start(repository_files(""), Guard::Open);
    let home = HelmHome::new(&[]);
    let archive = format!("{}/charts/web-1.2.0.tgz", server.address);
    assert_eq!(same_as_helm(&home, &["demo", &archive]), (Some(0), rendered("1.2.0"), String::new()));
    let missing = format!("{}/charts/web-9.tgz", server.address);
    assert_eq!(
        same_as_helm(&home, &["demo", &missing]),
        (Some(1), String::new(), format!("failed to fetch {missing} : 404 Not Found"))
    );
    // Helm names the file it saved the download in (helm 3 by the address' last name, so a
    // `.yaml` there is called a YAML file); the address is named here.
    let not_an_archive = format!("{}/charts/index.yaml", server.address);
    let (code, _, error, _) = run(&ours(), &home, &["demo", &not_an_archive]);
    assert_eq!(code, Some(1));
    let named = format!("file '{not_an_archive}' does not appear to be a gzipped archive; got '");
    let sniffed = error.strip_prefix(&named).unwrap_or_else(|| panic!("{error}"));
    for (name, helm) in common::helms() {
        let (_, _, theirs, _) = run(&helm, &home, &["demo", &not_an_archive]);
        let expected = match name {
            "helm 3" => "seems to be a YAML file, but expected a gzipped archive".to_string(),
            _ => format!("does not appear to be a gzipped archive; got '{sniffed}"),
        };
        assert!(theirs.ends_with(&expected), "{name}: {theirs}");
    }
}

#[test]
fn repositories_helm_knows_are_read_from_its_list_and_downloaded_indexes() {
    let server = Server::start(repository_files(""), Guard::Open);
    let repo = format!("{}/charts", server.address);
    let index = index(&format!("{repo}/"));
    let home = HelmHome::new(&[("local", &repo, Some(&index), None), ("stale", &repo, None, None)]);
    let success = |version: &str| (Some(0), rendered(version), String::new());
    let failure = |message: &str| (Some(1), String::new(), message.to_string());
    assert_eq!(same_as_helm(&home, &["demo", "local/web"]), success("1.10.0"));
    assert_eq!(same_as_helm(&home, &["demo", "local/web", "--version", "<1.2"]), success("1.0.0"));
    assert_eq!(same_as_helm(&home, &["demo", "local/web", "--devel"]), success("2.0.0-rc.1"));
    assert_eq!(
        same_as_helm(&home, &["demo", "local/web", "--version", "7"]),
        failure(
            "chart \"web\" matching 7 not found in local index. (try 'helm repo update'): no chart version found for web-7"
        )
    );
    assert_eq!(
        same_as_helm(&home, &["demo", "local/nope"]),
        failure(
            "chart \"nope\" matching  not found in local index. (try 'helm repo update'): no chart name found"
        )
    );
    assert_eq!(same_as_helm(&home, &["demo", "missing/web"]), failure("repo missing not found"));
    assert_eq!(
        same_as_helm(&home, &["demo", "web"]),
        failure("non-absolute URLs should be in form of repo_name/path_to_chart, got: web")
    );
    let stale_index = home.cache().join("stale-index.yaml");
    assert_eq!(
        same_as_helm(&home, &["demo", "stale/web"]),
        failure(&format!(
            "no cached repo found. (try 'helm repo update'): open {}: no such file or directory",
            stale_index.display()
        ))
    );
    // A chart's address is looked up in the indexes (for its repository's credentials):
    // found in the first, the second is not read; found in none, each is read, and the one
    // missing fails the command.
    let archive = format!("{repo}/web-1.0.0.tgz");
    assert_eq!(same_as_helm(&home, &["demo", &archive]), success("1.0.0"));
    let unlisted = format!("{repo}/./web-1.0.0.tgz?unlisted");
    assert_eq!(same_as_helm(&home, &["demo", &unlisted]).2, same_as_helm(&home, &["demo", "stale/web"]).2);
}

#[test]
fn credentials_go_to_the_repositorys_server_only_unless_told_otherwise() {
    // The archives on a second server: the index lists them by their full address.
    let archives = Server::start(repository_files(""), Guard::Open);
    let mut index_only = HashMap::new();
    index_only.insert(
        "/charts/index.yaml".to_string(),
        index(&format!("{}/charts/", archives.address)).into_bytes(),
    );
    let repository = Server::start(index_only, Guard::Basic("user:secret"));
    let repo = format!("{}/charts", repository.address);
    let home = HelmHome::new(&[]);
    let credentials = ["--username", "user", "--password", "secret"];
    let sent = Some(format!("Basic {}", base64(b"user:secret")));

    assert_eq!(
        same_as_helm(&home, &["demo", "web", "--repo", &repo]),
        (
            Some(1),
            String::new(),
            format!(
                "looks like \"{repo}\" is not a valid chart repository or cannot be reached: failed to fetch {repo}/index.yaml : 401 Unauthorized"
            )
        )
    );

    let args = [&["demo", "web", "--repo", &repo][..], &credentials].concat();
    assert_eq!(same_as_helm(&home, &args), (Some(0), rendered("1.10.0"), String::new()));
    assert!(archives.auth_sent_for("/charts/web-1.10.0.tgz").iter().all(Option::is_none));

    let args =
        [&["demo", "web", "--repo", &repo, "--pass-credentials", "--version", "1.2.0"][..], &credentials]
            .concat();
    assert_eq!(same_as_helm(&home, &args), (Some(0), rendered("1.2.0"), String::new()));
    let to_archives = archives.auth_sent_for("/charts/web-1.2.0.tgz");
    assert!(!to_archives.is_empty() && to_archives.iter().all(|auth| *auth == sent), "{to_archives:?}");

    // A repository of helm's list sends its own credentials to its own server.
    let same_server = Server::start(repository_files(""), Guard::Basic("user:secret"));
    let repo = format!("{}/charts", same_server.address);
    let index = index("");
    let home = HelmHome::new(&[("private", &repo, Some(&index), Some(("user", "secret")))]);
    assert_eq!(same_as_helm(&home, &["demo", "private/web"]), (Some(0), rendered("1.10.0"), String::new()));
    assert!(same_server.auth_sent_for("/charts/web-1.10.0.tgz").iter().all(|auth| *auth == sent));
}

fn sha256(bytes: &[u8]) -> String {
    use sha2::Digest;
    format!("sha256:{:x}", sha2::Sha256::digest(bytes))
}

/// A registry's files holding chart `charts/web` at [`VERSIONS`] and `1.3.0+build.1` (tag
/// `1.3.0_build.1`): each version's manifest (by tag and by digest), config and archive, and
/// the tag list. The manifests' digests by version come with it.
fn registry_files() -> (HashMap<String, Vec<u8>>, HashMap<&'static str, String>) {
    let mut files = HashMap::new();
    let mut digests = HashMap::new();
    let mut tags = Vec::new();
    for version in VERSIONS.into_iter().chain(["1.3.0+build.1"]) {
        let archive = chart_archive(version);
        let config = format!(r#"{{"apiVersion":"v2","name":"web","version":"{version}"}}"#).into_bytes();
        let manifest = format!(
            r#"{{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{{"mediaType":"application/vnd.cncf.helm.config.v1+json","digest":"{}","size":{}}},"layers":[{{"mediaType":"application/vnd.cncf.helm.chart.content.v1.tar+gzip","digest":"{}","size":{}}}]}}"#,
            sha256(&config),
            config.len(),
            sha256(&archive),
            archive.len()
        )
        .into_bytes();
        let tag = version.replace('+', "_");
        files.insert(format!("/v2/charts/web/blobs/{}", sha256(&config)), config);
        files.insert(format!("/v2/charts/web/blobs/{}", sha256(&archive)), archive);
        files.insert(format!("/v2/charts/web/manifests/{tag}"), manifest.clone());
        files.insert(format!("/v2/charts/web/manifests/{}", sha256(&manifest)), manifest.clone());
        digests.insert(version, sha256(&manifest));
        tags.push(format!("\"{tag}\""));
    }
    tags.push("\"latest\"".into());
    let list = format!(r#"{{"name":"charts/web","tags":[{}]}}"#, tags.join(","));
    files.insert("/v2/charts/web/tags/list".into(), list.into_bytes());
    (files, digests)
}

#[test]
fn charts_in_oci_registries_are_pulled_as_helm_pulls_them() {
    let (files, digests) = registry_files();
    let server = Server::start(files, Guard::Open);
    let chart = format!("oci://{}/charts/web", server.address.trim_start_matches("http://"));
    let home = HelmHome::new(&[]);
    let template = |args: &[&str]| same_as_helm(&home, &[&["demo"][..], args, &["--plain-http"]].concat());
    let success = |version: &str| (Some(0), rendered(version), String::new());
    assert_eq!(template(&[&chart]), success("1.10.0"));
    assert_eq!(template(&[&format!("{chart}:1.0.0")]), success("1.0.0"));
    assert_eq!(template(&[&chart, "--version", "~1.2"]), success("1.2.0"));
    assert_eq!(template(&[&chart, "--version", "1.3.0+build.1"]), success("1.3.0+build.1"));
    assert_eq!(template(&[&chart, "--devel"]), success("2.0.0-rc.1"));
    assert_eq!(template(&[&format!("{chart}@{}", digests["1.2.0"])]), success("1.2.0"));
    let failure = |message: String| (Some(1), String::new(), message);
    let host = server.address.trim_start_matches("http://");
    assert_eq!(
        template(&[&format!("{chart}:9.9.9")]),
        failure(format!(
            "failed to perform \"FetchReference\" on source: {host}/charts/web:9.9.9: not found"
        ))
    );
    assert_eq!(template(&[&format!("{chart}:latest")]), failure("improper constraint: latest".into()));
    assert_eq!(
        template(&[&format!("{chart}:1.0.0"), "--version", "1.2.0"]),
        failure("chart reference and version mismatch: 1.2.0 is not 1.0.0".into())
    );
    assert_eq!(
        template(&[&format!("{chart}:1.0.0@{}", digests["1.2.0"])]),
        failure(format!("chart reference digest mismatch: {} is not {}", digests["1.0.0"], digests["1.2.0"]))
    );
    assert_eq!(
        template(&[&format!("oci://{host}/charts/nope")]),
        failure(format!(
            "GET \"{}/v2/charts/nope/tags/list\": response status code 404: name unknown: repository name not known to registry",
            server.address
        ))
    );
}

#[test]
fn registries_are_asked_for_tokens_and_given_credentials_as_helm_gives_them() {
    let (files, _) = registry_files();
    let public = Server::start(files.clone(), Guard::AnonymousToken);
    let home = HelmHome::new(&[]);
    let chart =
        |server: &Server| format!("oci://{}/charts/web:1.2.0", server.address.trim_start_matches("http://"));
    let success = (Some(0), rendered("1.2.0"), String::new());
    assert_eq!(same_as_helm(&home, &["demo", &chart(&public), "--plain-http"]), success);
    assert!(public.auth_sent_for("/v2/charts/web/manifests/1.2.0").contains(&Some("Bearer T0K".into())));

    let private = Server::start(files, Guard::Basic("user:secret"));
    let (code, _, error) = same_as_helm(&home, &["demo", &chart(&private), "--plain-http"]);
    assert_eq!(code, Some(1));
    assert!(error.ends_with("/v2/charts/web/manifests/1.2.0\": basic credential not found"), "{error}");
    let given = ["demo", &chart(&private), "--plain-http", "--username", "user", "--password", "secret"];
    assert_eq!(same_as_helm(&home, &given), success);
    // The credentials `helm registry login` stores.
    let host = private.address.trim_start_matches("http://");
    let stored = format!(r#"{{"auths":{{"{host}":{{"auth":"{}"}}}}}}"#, base64(b"user:secret"));
    std::fs::write(home.registry_config(), stored).unwrap();
    assert_eq!(same_as_helm(&home, &["demo", &chart(&private), "--plain-http"]), success);
}

/// A copy of a parent chart folder whose Chart.yaml lists `dependencies`, beside a chart
/// folder `sub` (version 0.1.0) that `file://../sub` names; the parent's folder is returned.
fn parent_chart(dir: &Path, copy: &str, dependencies: &str) -> PathBuf {
    let sub = common::write_chart(
        dir,
        "sub",
        &[(
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-sub\n",
        )],
    );
    std::fs::write(sub.join("Chart.yaml"), "apiVersion: v2\nname: sub\nversion: 0.1.0\n").unwrap();
    let parent = common::write_chart(
        dir,
        copy,
        &[(
            "templates/cm.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-parent\n",
        )],
    );
    std::fs::write(
        parent.join("Chart.yaml"),
        format!("apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n{dependencies}"),
    )
    .unwrap();
    parent
}

/// Helm's standard output without the report of its dependency update before the manifests.
fn manifests_only(outcome: Outcome) -> (Option<i32>, String, String) {
    let manifests = outcome.1.find("---\n").map_or(String::new(), |at| outcome.1[at..].to_string());
    (outcome.0, manifests, outcome.2)
}

#[test]
fn missing_dependencies_are_fetched_as_helm_fetches_them_without_writing_to_the_chart() {
    let server = Server::start(repository_files(""), Guard::Open);
    let (files, _) = registry_files();
    let registry = Server::start(files, Guard::Open);
    let repo = format!("{}/charts", server.address);
    let index = index("");
    let home = HelmHome::new(&[("known", &repo, Some(&index), None)]);
    let registry_charts = format!("oci://{}/charts", registry.address.trim_start_matches("http://"));
    // Helm keys the repositories of dependencies by chart name: charts of one name from a
    // repository and a registry would meet in one chart, so the registry has its own.
    let from_repositories = format!(
        "- name: sub\n  version: 0.1.x\n  repository: file://../sub\n- name: web\n  version: ~1.2\n  repository: {repo}\n- name: web\n  alias: named\n  version: 1.0.0\n  repository: '@known'\n"
    );
    let from_registry = format!("- name: web\n  version: '>=1.10'\n  repository: {registry_charts}\n");
    let dir = tempfile::tempdir().unwrap();
    let args = |chart: &Path| {
        ["demo".to_string(), chart.display().to_string(), "--dependency-update".into(), "--plain-http".into()]
    };
    for (case, dependencies, expected) in [
        (
            "repositories",
            &from_repositories,
            &["demo-parent", "demo-sub", "version: \"1.2.0\"", "version: \"1.0.0\""][..],
        ),
        ("registry", &from_registry, &["demo-parent", "version: \"1.10.0\""][..]),
    ] {
        let ours_chart = parent_chart(dir.path(), &format!("{case}-ours"), dependencies);
        let mine = run(&ours(), &home, &args(&ours_chart).iter().map(String::as_str).collect::<Vec<_>>());
        assert_eq!(mine.0, Some(0), "{case}: {}", mine.2);
        for text in expected {
            assert!(mine.1.contains(text), "{case}: {text}: {}", mine.1);
        }
        // Nothing written: no charts/, no Chart.lock.
        let entries: Vec<_> =
            std::fs::read_dir(&ours_chart).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(entries.len(), 2, "{case}: {entries:?}");
        for (name, helm) in common::helms() {
            if name == "helm 3" && case == "registry" {
                continue;
            }
            let theirs_chart = parent_chart(dir.path(), &format!("{case}-{name}"), dependencies);
            let theirs =
                run(&helm, &home, &args(&theirs_chart).iter().map(String::as_str).collect::<Vec<_>>());
            assert_eq!(manifests_only(theirs), (mine.0, mine.1.clone(), mine.2.clone()), "{case}: {name}");
        }
    }
    // A constraint nothing meets.
    let unmet = format!(
        "- name: web\n  version: ~9\n  repository: {repo}\n- name: sub\n  version: 0.2.x\n  repository: file://../sub\n"
    );
    let mine = run(
        &ours(),
        &home,
        &[
            "demo",
            &parent_chart(dir.path(), "unmet-ours", &unmet).display().to_string(),
            "--dependency-update",
        ],
    );
    assert_eq!(
        mine.2,
        format!(
            "can't get a valid version for 2 subchart(s): \"web\" (repository \"{repo}\", version \"~9\"), \"sub\" (repository \"file://../sub\", version \"0.2.x\"). Make sure a matching chart version exists in the repo, or change the version constraint in Chart.yaml"
        )
    );
    for (name, helm) in common::helms() {
        let theirs_chart = parent_chart(dir.path(), &format!("unmet-{name}"), &unmet);
        let theirs = run(&helm, &home, &["demo", &theirs_chart.display().to_string(), "--dependency-update"]);
        assert_eq!(manifests_only(theirs), (mine.0, mine.1.clone(), mine.2.clone()), "{name}");
    }
}

/// A certificate authority and a certificate it signed for 127.0.0.1, made with the
/// engine's own `genCA` and `genSignedCert`: (authority, certificate, key), in PEM.
fn authority_and_certificate() -> (String, String, String) {
    let template = r#"{{ $ca := genCA "test-authority" 30 }}{{ $cert := genSignedCert "127.0.0.1" (list "127.0.0.1") (list "localhost") 30 $ca }}{{ $ca.Cert }}@{{ $cert.Cert }}@{{ $cert.Key }}"#;
    let text = helm_engine::render_text("pem", template, &helm_engine::Map::default()).unwrap();
    let parts: Vec<&str> = text.split('@').collect();
    (parts[0].to_string(), parts[1].to_string(), parts[2].to_string())
}

/// A chart repository over HTTPS on loopback with `certificate` and `key`: its address.
fn serve_tls(files: HashMap<String, Vec<u8>>, certificate: &str, key: &str) -> String {
    use rustls::pki_types::pem::PemObject;
    let chain = vec![rustls::pki_types::CertificateDer::from_pem_slice(certificate.as_bytes()).unwrap()];
    let key = rustls::pki_types::PrivateKeyDer::from_pem_slice(key.as_bytes()).unwrap();
    // The crypto provider is the one the crate's features name (ring, as ureq's).
    let config = rustls::ServerConfig::builder().with_no_client_auth().with_single_cert(chain, key).unwrap();
    let config = Arc::new(config);
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let address = format!("https://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let Ok(connection) = rustls::ServerConnection::new(Arc::clone(&config)) else { continue };
            let mut tls = rustls::StreamOwned::new(connection, stream);
            let mut request = Vec::new();
            let mut byte = [0u8; 1];
            while !request.ends_with(b"\r\n\r\n") {
                match std::io::Read::read(&mut tls, &mut byte) {
                    Ok(1) => request.push(byte[0]),
                    _ => break,
                }
            }
            let text = String::from_utf8_lossy(&request);
            let path = text.split_whitespace().nth(1).unwrap_or_default();
            let (status, body): (&str, &[u8]) = match files.get(path) {
                Some(body) => ("200 OK", body),
                None => ("404 Not Found", b"404 page not found"),
            };
            let head =
                format!("HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n", body.len());
            let _ = tls.write_all(head.as_bytes()).and_then(|()| tls.write_all(body));
            tls.conn.send_close_notify();
            let _ = tls.flush();
        }
    });
    address
}

#[test]
fn servers_with_their_own_certificate_authority_are_trusted_when_told() {
    let (authority, certificate, key) = authority_and_certificate();
    let address = serve_tls(repository_files(""), &certificate, &key);
    let repo = format!("{address}/charts");
    let home = HelmHome::new(&[]);
    let ca_file = home.dir.path().join("ca.pem");
    std::fs::write(&ca_file, &authority).unwrap();
    let ca = ca_file.display().to_string();
    let success = (Some(0), rendered("1.10.0"), String::new());
    assert_eq!(same_as_helm(&home, &["demo", "web", "--repo", &repo, "--ca-file", &ca]), success);
    assert_eq!(same_as_helm(&home, &["demo", "web", "--repo", &repo, "--insecure-skip-tls-verify"]), success);
    // Without either, the server's certificate is refused (each client in its own words).
    let mine = run(&ours(), &home, &["demo", "web", "--repo", &repo]);
    assert_eq!(mine.0, Some(1));
    assert!(
        mine.2.starts_with(&format!(
            "looks like {:?} is not a valid chart repository or cannot be reached: ",
            repo
        )),
        "{}",
        mine.2
    );
    for (name, helm) in common::helms() {
        assert_eq!(run(&helm, &home, &["demo", "web", "--repo", &repo]).0, Some(1), "{name}");
    }
    // A CA file that is not there, or holds no certificate.
    let missing = home.dir.path().join("missing.pem").display().to_string();
    let mine = run(&ours(), &home, &["demo", "web", "--repo", &repo, "--ca-file", &missing]);
    assert_eq!(
        mine.2,
        format!(
            "missing registry client: can't create TLS config for client: can't read CA file: \"{missing}\": open {missing}: no such file or directory"
        )
    );
    let empty = home.dir.path().join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let mine =
        run(&ours(), &home, &["demo", "web", "--repo", &repo, "--ca-file", &empty.display().to_string()]);
    assert_eq!(
        mine.2,
        "missing registry client: can't create TLS config for client: failed to append certificates from pem block"
    );
    // Helm refuses them before it looks for the chart, even one on this machine (helm 3
    // names the file without Go's reason).
    for (name, helm) in common::helms().into_iter().filter(|(name, _)| *name == "helm 4") {
        let local = common::root().join("crates/helm-engine/tests/conformance/obj-release-defaults/chart");
        let args = ["demo", local.to_str().unwrap(), "--ca-file", &missing];
        assert_eq!(run(&helm, &home, &args).2, run(&ours(), &home, &args).2, "{name}");
    }
}

#[test]
fn index_entries_helm_would_refuse_are_left_out_with_a_warning() {
    let mut files = repository_files("");
    let index = format!(
        "{}  - apiVersion: v2\n    name: ../web\n    version: 9.0.0\n    urls:\n    - web-1.0.0.tgz\n",
        index("")
    );
    files.insert("/charts/index.yaml".into(), index.into_bytes());
    let server = Server::start(files, Guard::Open);
    let repo = format!("{}/charts", server.address);
    let home = HelmHome::new(&[]);
    // A version chosen by a constraint is named, as helm names it.
    let out = common::command(&ours())
        .args(["template", "demo", "web", "--repo", &repo, "--version", "~1.2"])
        .env("HELM_REPOSITORY_CONFIG", home.config())
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stderr)
            .ends_with("warning: chart \"web\" has no version written \"~1.2\"; using 1.2.0\n"),
        "{out:?}"
    );
    // Version 9.0.0 is not offered: the newest valid one is chosen, as by helm.
    assert_eq!(
        same_as_helm(&home, &["demo", "web", "--repo", &repo]),
        (Some(0), rendered("1.10.0"), String::new())
    );
    let out = common::command(&ours())
        .args(["template", "demo", "web", "--repo", &repo])
        .env("HELM_REPOSITORY_CONFIG", home.config())
        .env("HELM_REPOSITORY_CACHE", home.cache())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        format!(
            "warning: {repo}/index.yaml: skipping chart \"web\" version \"9.0.0\": validation: chart.metadata.name \"../web\" is invalid\n"
        )
    );
}
