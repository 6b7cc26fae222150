//! Shared test support: finding the real-world oracles, running the built binary.
#![allow(dead_code)]

pub(crate) mod reach;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Writes a chart named `name` in `dir/name`: its Chart.yaml and `files` (paths inside the
/// chart, with their text). Returns the chart's directory.
pub(crate) fn write_chart(dir: &Path, name: &str, files: &[(&str, &str)]) -> PathBuf {
    let chart = dir.join(name);
    let chart_yaml = format!("apiVersion: v2\nname: {name}\nversion: 1.0.0\n");
    for (path, text) in std::iter::once(("Chart.yaml", chart_yaml.as_str())).chain(files.iter().copied()) {
        let file = chart.join(path);
        std::fs::create_dir_all(file.parent().expect("a file inside the chart")).unwrap();
        std::fs::write(file, text).unwrap();
    }
    chart
}

/// Writes an executable shell script (`#!/bin/sh` and `body`) to `path`: a stand-in for a
/// program a test runs or has run.
pub(crate) fn write_script(path: &Path, body: &str) {
    std::fs::write(path, format!("#!/bin/sh\n{body}\n")).unwrap();
    let mut permissions = std::fs::metadata(path).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
    std::fs::set_permissions(path, permissions).unwrap();
}

/// A gzipped tar archive of `(path, text)` files, as `helm package` writes charts.
pub(crate) fn tar_gz<'a>(files: impl IntoIterator<Item = (String, &'a str)>) -> Vec<u8> {
    let mut tar =
        tar::Builder::new(flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default()));
    for (name, text) in files {
        let mut header = tar::Header::new_gnu();
        header.set_size(text.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, text.as_bytes()).unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap()
}

/// An oracle the test setup installs (see scripts/install-oracles.sh).
#[derive(Clone, Copy, Debug)]
pub(crate) enum Oracle {
    Helm4,
    Helm3,
    KubernetesValidate,
    /// Debian's nginx; its mail module lies in `../lib/nginx/modules` from it.
    Nginx,
    /// A Python with Jinja, which Mailu's images render their templates with.
    JinjaPython,
}

impl Oracle {
    fn env_var(self) -> &'static str {
        match self {
            Oracle::Helm4 => "MAILU_CHART_HELM4",
            Oracle::Helm3 => "MAILU_CHART_HELM3",
            Oracle::KubernetesValidate => "MAILU_CHART_KUBERNETES_VALIDATE",
            Oracle::Nginx => "MAILU_CHART_NGINX",
            Oracle::JinjaPython => "MAILU_CHART_JINJA_PYTHON",
        }
    }

    /// The oracle's path. When it is missing, the test is skipped with a note, except when
    /// MAILU_CHART_REQUIRE_ORACLES=1 (the README's test command and CI), where it fails.
    pub(crate) fn find(self) -> Option<PathBuf> {
        let var = self.env_var();
        let found = std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_file());
        if found.is_none() {
            if std::env::var("MAILU_CHART_REQUIRE_ORACLES").as_deref() == Ok("1") {
                panic!("{var} does not name an installed oracle; run scripts/install-oracles.sh");
            }
            eprintln!(
                "note: skipping the {self:?} part of this test: {var} is not set (scripts/test.sh sets it)"
            );
        }
        found
    }
}

/// Both helm versions that are available, with a name for messages.
pub(crate) fn helms() -> Vec<(&'static str, PathBuf)> {
    [("helm 4", Oracle::Helm4), ("helm 3", Oracle::Helm3)]
        .into_iter()
        .filter_map(|(name, oracle)| oracle.find().map(|p| (name, p)))
        .collect()
}

/// The repository root.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The names of the entries of a folder, sorted.
pub(crate) fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// Files with the given extension in a folder of the repository, sorted.
pub(crate) fn files_in(folder: &str, extension: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(root().join(folder))
        .unwrap_or_else(|e| panic!("{folder}: {e}"))
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == extension))
        .collect();
    files.sort();
    files
}

/// Runs a program, panicking with its output when it cannot start.
pub(crate) fn run(program: &Path, args: &[&str]) -> Output {
    command(program).args(args).output().unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

/// A command for a program, helm in particular, that the caller's environment cannot
/// influence: no `HELM_*` setting (`HELM_NAMESPACE` would change `.Release.Namespace`), no
/// kubeconfig (its context's namespace would too), helm's configuration and cache in a
/// directory of their own.
pub(crate) fn command(program: &Path) -> Command {
    static HOME: std::sync::LazyLock<tempfile::TempDir> =
        std::sync::LazyLock::new(|| tempfile::tempdir().expect("a home for helm"));
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("HELM_") {
            command.env_remove(&name);
        }
    }
    command
        .env("KUBECONFIG", HOME.path().join("no-kubeconfig"))
        .env("HELM_CONFIG_HOME", HOME.path().join("config"))
        .env("HELM_CACHE_HOME", HOME.path().join("cache"))
        .env("HELM_DATA_HOME", HOME.path().join("data"));
    command
}

/// A file's name relative to the repository, for messages.
pub(crate) fn short(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}

/// Reads values files and `--set` texts through the same path the CLI uses.
pub(crate) fn user_values(files: &[&Path], set: &[&str]) -> helm_engine::UserValues {
    let inputs = helm_engine::ValueInputs {
        files: files.iter().map(|p| (short(p), std::fs::read(p).unwrap())).collect(),
        set: set.iter().map(|s| s.to_string()).collect(),
        ..Default::default()
    };
    helm_engine::UserValues::collect(&inputs, &mut |_: &str| Err("no files".into())).unwrap()
}

/// Renders values files (plus `--set` texts) in Helm's order.
pub(crate) fn render(files: &[&Path], set: &[&str]) -> Vec<mailu_chart::render::Manifest> {
    render_release(files, set, &mailu_chart::render::Release::default())
}

/// Renders for a given release name and namespace.
pub(crate) fn render_release(
    files: &[&Path],
    set: &[&str],
    release: &mailu_chart::render::Release,
) -> Vec<mailu_chart::render::Manifest> {
    let values = mailu_chart::values::resolve(&user_values(files, set)).unwrap_or_else(|e| panic!("{e}"));
    let mut manifests = mailu_chart::render::render(&values, release).unwrap();
    mailu_chart::render::output::install_order(&mut manifests);
    manifests
}

/// Every values example.
pub(crate) fn examples() -> Vec<PathBuf> {
    files_in("values-examples", "yaml")
}
