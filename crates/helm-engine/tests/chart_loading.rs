//! Charts as helm finds them: chart archives and subchart archives, the refusals of archives
//! whose paths lead out of the chart, dependencies missing from `charts/`, and symbolic
//! links. Each case is compared with the real helm 4 and helm 3 where they are installed.

mod support;

use std::io::Write;
use std::path::Path;

use helm_engine::{Map, RenderOptions, helm_template, load_chart};

const CHART_YAML: &str = "apiVersion: v2\nname: c\nversion: 0.1.0\n";
const TEMPLATE: &str = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-{{ .Chart.Name }}\ndata:\n  file: {{ .Files.Get \"files/a.txt\" | quote }}\n";

/// A gzip-compressed tar archive with the given entries, names written as given (so that
/// they may be unsafe).
fn archive(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut tar = Vec::new();
    for (name, data) in entries {
        let mut header = [0u8; 512];
        header[..name.len()].copy_from_slice(name.as_bytes());
        header[100..107].copy_from_slice(b"0000644");
        header[108..115].copy_from_slice(b"0000000");
        header[116..123].copy_from_slice(b"0000000");
        header[124..135].copy_from_slice(format!("{:011o}", data.len()).as_bytes());
        header[136..147].copy_from_slice(b"00000000000");
        header[156] = b'0';
        header[257..263].copy_from_slice(b"ustar\0");
        header[263..265].copy_from_slice(b"00");
        header[148..156].copy_from_slice(b"        ");
        let sum: u32 = header.iter().map(|&b| u32::from(b)).sum();
        header[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
        tar.extend_from_slice(&header);
        tar.extend_from_slice(data);
        tar.resize(tar.len().div_ceil(512) * 512, 0);
    }
    tar.resize(tar.len() + 1024, 0);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

fn chart_entries(top: &str) -> Vec<(String, Vec<u8>)> {
    vec![
        (format!("{top}/Chart.yaml"), CHART_YAML.as_bytes().to_vec()),
        (format!("{top}/templates/cm.yaml"), TEMPLATE.as_bytes().to_vec()),
        (format!("{top}/files/a.txt"), b"from the archive".to_vec()),
    ]
}

fn write_archive(path: &Path, entries: &[(String, Vec<u8>)]) {
    let refs: Vec<(&str, &[u8])> = entries.iter().map(|(n, d)| (n.as_str(), d.as_slice())).collect();
    std::fs::write(path, archive(&refs)).unwrap();
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

/// `helm template demo CHART` with our engine: the output, or the error's text.
fn ours(chart: &Path) -> Result<String, String> {
    let opts = RenderOptions { release_name: "demo".into(), ..Default::default() };
    helm_template(chart, &Map::default(), &opts).map_err(|e| e.to_string())
}

/// `helm template demo CHART` with each installed helm: (name, output or `Error: ` text).
fn theirs(chart: &Path) -> Vec<(&'static str, Result<String, String>)> {
    support::helms()
        .into_iter()
        .map(|(name, helm)| {
            let out = support::run(&helm, &["template", "demo", &chart.display().to_string()]);
            let result = if out.status.success() {
                Ok(String::from_utf8_lossy(&out.stdout).into_owned())
            } else {
                let stderr = String::from_utf8_lossy(&out.stderr);
                let line = stderr.lines().find_map(|l| l.strip_prefix("Error: ")).unwrap_or(&stderr);
                Err(line.trim_end().to_string())
            };
            (name, result)
        })
        .collect()
}

/// Each installed helm renders `chart` as we rendered it.
fn helm_renders_the_same(chart: &Path, rendered: &str) {
    for (helm, result) in theirs(chart) {
        assert_eq!(result.as_deref(), Ok(rendered), "{helm}");
    }
}

#[test]
fn a_chart_archive_renders_like_its_directory_and_like_helm() {
    let dir = tempfile::tempdir().unwrap();
    let tgz = dir.path().join("c-0.1.0.tgz");
    write_archive(&tgz, &chart_entries("c"));
    let rendered = ours(&tgz).unwrap();
    assert!(rendered.contains("name: demo-c\n") && rendered.contains("from the archive"), "{rendered}");
    helm_renders_the_same(&tgz, &rendered);
}

#[test]
fn subchart_archives_are_loaded_like_helm_loads_them() {
    let dir = tempfile::tempdir().unwrap();
    let parent = dir.path().join("p");
    write(
        &parent.join("Chart.yaml"),
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: c\n  version: 0.1.x\n",
    );
    write(&parent.join("templates/own.yaml"), "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: own\n");
    std::fs::create_dir_all(parent.join("charts")).unwrap();
    write_archive(&parent.join("charts/c-0.1.0.tgz"), &chart_entries("c"));
    let rendered = ours(&parent).unwrap();
    assert!(rendered.contains("# Source: p/charts/c/templates/cm.yaml\n"), "{rendered}");
    helm_renders_the_same(&parent, &rendered);
}

/// Archives whose content helm refuses, with the reason it gives.
/// An archive's entries: path and content.
type Entries = Vec<(String, Vec<u8>)>;

fn unsafe_archives() -> Vec<(&'static str, Entries, &'static str)> {
    let with = |extra: (&str, &[u8])| {
        let mut entries = chart_entries("c");
        entries.push((extra.0.to_string(), extra.1.to_vec()));
        entries
    };
    vec![
        ("parent", with(("c/../../etc/evil", b"x")), "chart illegally references parent directory"),
        ("absolute", with(("c//etc/evil", b"x")), "chart illegally contains absolute paths"),
        (
            "outside",
            with(("evil", b"x")),
            "chart illegally contains content outside the base directory: \"evil\"",
        ),
        ("drive", with(("c/c:/evil", b"x")), "chart contains illegally named files"),
        (
            "large",
            with(("c/files/big", &vec![b'x'; 5 * 1024 * 1024 + 1])),
            "decompressed chart file \"c/files/big\" is larger than the maximum file size 5242880",
        ),
        ("empty", Vec::new(), "no files in chart archive"),
    ]
}

/// Helm 3.17 reads files of any size from an archive; the 5 MiB limit this crate applies is
/// helm 4's.
fn helm_3_has_no_size_limit(case: &str, helm: &str, result: &Result<String, String>) -> bool {
    if case == "large" && helm == "helm 3" {
        assert!(result.is_ok(), "{case}: {helm}: {result:?}");
        return true;
    }
    false
}

#[test]
fn unsafe_subchart_archives_are_refused_with_helms_messages() {
    for (case, entries, reason) in unsafe_archives() {
        let dir = tempfile::tempdir().unwrap();
        let parent = dir.path().join("p");
        write(&parent.join("Chart.yaml"), "apiVersion: v2\nname: p\nversion: 1.0.0\n");
        std::fs::create_dir_all(parent.join("charts")).unwrap();
        write_archive(&parent.join("charts/c.tgz"), &entries);
        let want = format!("error unpacking subchart c.tgz in p: {reason}");
        assert_eq!(ours(&parent), Err(want.clone()), "{case}");
        for (helm, result) in theirs(&parent) {
            if helm_3_has_no_size_limit(case, helm, &result) {
                continue;
            }
            assert_eq!(result, Err(want.clone()), "{case}: {helm}");
        }
    }
}

#[test]
fn unsafe_chart_archives_are_refused_with_helm_4s_message_and_helm_3s_reason() {
    for (case, entries, reason) in unsafe_archives() {
        let dir = tempfile::tempdir().unwrap();
        let tgz = dir.path().join("c.tgz");
        write_archive(&tgz, &entries);
        assert_eq!(ours(&tgz), Err(format!("unable to load chart archive: {reason}")), "{case}");
        for (helm, result) in theirs(&tgz) {
            if helm_3_has_no_size_limit(case, helm, &result) {
                continue;
            }
            let want = if helm == "helm 4" { "unable to load chart archive" } else { reason };
            assert_eq!(result, Err(want.to_string()), "{case}: {helm}");
        }
    }
}

#[test]
fn a_file_that_is_not_an_archive_is_refused_like_helm_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let values = dir.path().join("values.yaml");
    write(&values, "replicas: 1\n");
    let want = format!("file '{}' seems to be a YAML file, but expected a gzipped archive", values.display());
    assert_eq!(ours(&values), Err(want.clone()));
    for (helm, result) in theirs(&values) {
        assert_eq!(result, Err(want.clone()), "{helm}");
    }
}

/// Helm sniffs a chart file's first 512 bytes before it reads on; so does the engine, so an
/// endless file is refused at once instead of read until memory runs out.
#[cfg(unix)]
#[test]
fn an_endless_file_given_as_a_chart_is_refused_after_its_first_bytes() {
    let zero = Path::new("/dev/zero");
    let want = "file '/dev/zero' does not appear to be a gzipped archive; got 'application/octet-stream'";
    assert_eq!(ours(zero), Err(want.to_string()));
    for (helm, result) in theirs(zero) {
        assert_eq!(result, Err(want.to_string()), "{helm}");
    }
}

/// An archive is read only as far as its entries reach: what follows the end of the tar
/// stream (here a sparse 3 GiB of nothing) is never read, as in helm.
#[test]
fn an_archive_is_read_no_further_than_its_entries() {
    let dir = tempfile::tempdir().unwrap();
    let tgz = dir.path().join("c.tgz");
    write_archive(&tgz, &chart_entries("c"));
    std::fs::OpenOptions::new().write(true).open(&tgz).unwrap().set_len(3 << 30).unwrap();
    let rendered = ours(&tgz).unwrap();
    assert!(rendered.contains("file: \"from the archive\""), "{rendered}");
    for (helm, result) in theirs(&tgz) {
        assert_eq!(result.as_ref(), Ok(&rendered), "{helm}");
    }
}

/// Helm would read a Chart.yaml that never ends until memory ran out; the engine stops at
/// the size it allows a chart file.
#[cfg(unix)]
#[test]
fn an_endless_chart_yaml_is_refused_as_too_large() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c");
    std::fs::create_dir_all(&chart).unwrap();
    std::os::unix::fs::symlink("/dev/zero", chart.join("Chart.yaml")).unwrap();
    assert_eq!(
        ours(&chart),
        Err("chart file \"Chart.yaml\" is larger than the maximum file size 5242880".to_string())
    );
}

#[test]
fn dependencies_missing_from_charts_are_refused_like_helm_refuses_them() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("p");
    write(
        &chart.join("Chart.yaml"),
        "apiVersion: v2\nname: p\nversion: 1.0.0\ndependencies:\n- name: a\n  version: 1.x\n  repository: https://example.com\n- name: c\n  version: 0.1.0\n- name: b\n  version: 1.0.0\n  condition: b.enabled\n",
    );
    std::fs::create_dir_all(chart.join("charts")).unwrap();
    write_archive(&chart.join("charts/c-0.1.0.tgz"), &chart_entries("c"));
    let want = "an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: a, b";
    assert_eq!(ours(&chart), Err(want.to_string()));
    for (helm, result) in theirs(&chart) {
        // helm 3 starts the sentence with a capital letter.
        let result = result.map_err(|e| e.replacen("An error", "an error", 1));
        assert_eq!(result, Err(want.to_string()), "{helm}");
    }
}

#[cfg(unix)]
#[test]
fn symbolic_links_are_followed_with_a_warning_even_outside_the_chart() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c");
    write(&chart.join("Chart.yaml"), CHART_YAML);
    write(&chart.join("templates/cm.yaml"), TEMPLATE);
    write(&dir.path().join("outside.txt"), "from outside");
    std::fs::create_dir_all(chart.join("files")).unwrap();
    std::os::unix::fs::symlink("../../outside.txt", chart.join("files/a.txt")).unwrap();
    std::os::unix::fs::symlink("cm.yaml", chart.join("templates/again.yaml")).unwrap();

    let loaded = load_chart(&chart).unwrap();
    let real = |p: &Path| std::fs::canonicalize(p).unwrap().display().to_string();
    assert_eq!(
        loaded.warnings(),
        [
            format!(
                "found symbolic link in path: {} resolves to {} (outside the chart). Contents of linked file included and used",
                chart.join("files/a.txt").display(),
                real(&dir.path().join("outside.txt"))
            ),
            format!(
                "found symbolic link in path: {} resolves to {}. Contents of linked file included and used",
                chart.join("templates/again.yaml").display(),
                real(&chart.join("templates/cm.yaml"))
            ),
        ]
    );
    let rendered = ours(&chart).unwrap();
    assert!(rendered.contains("# Source: c/templates/again.yaml\n"), "{rendered}");
    assert!(rendered.contains("from outside"), "{rendered}");
    helm_renders_the_same(&chart, &rendered);
}

#[cfg(unix)]
#[test]
fn a_dangling_symbolic_link_is_an_error_like_helms() {
    let dir = tempfile::tempdir().unwrap();
    let chart = std::path::absolute(dir.path().join("c")).unwrap();
    write(&chart.join("Chart.yaml"), CHART_YAML);
    std::os::unix::fs::symlink("nowhere", chart.join("dangling")).unwrap();
    let want = format!(
        "error evaluating symlink {}: lstat {}: no such file or directory",
        chart.join("dangling").display(),
        chart.join("nowhere").display()
    );
    assert_eq!(ours(&chart), Err(want.clone()));
    for (helm, result) in theirs(&chart) {
        assert_eq!(result, Err(want.clone()), "{helm}");
    }
}

#[cfg(unix)]
#[test]
fn links_that_lead_nowhere_are_named_where_go_stops_following_them() {
    // Chains, `..` through links, a file with names after it, absolute targets and a loop:
    // Go names the first path that is not there after following each link where it stands.
    // (name, links as (path, target), folders)
    type Shape = (&'static str, &'static [(&'static str, &'static str)], &'static [&'static str]);
    let shapes: [Shape; 6] = [
        ("chain", &[("c/first", "second"), ("c/second", "../elsewhere/gone")], &[]),
        ("through-a-linked-folder", &[("c/up", "sub/../.."), ("c/deep", "up/gone")], &["c/sub"]),
        ("names-after-a-file", &[("c/file-link", "Chart.yaml/inside")], &[]),
        ("absolute", &[("c/abs", "/nonexistent-folder/gone")], &[]),
        ("loop", &[("c/a", "b"), ("c/b", "a")], &[]),
        ("dot-dot-first", &[("c/x", "../../../../../../../../../../gone")], &[]),
    ];
    for (shape, links, folders) in shapes {
        let dir = tempfile::tempdir().unwrap();
        let root = std::path::absolute(dir.path()).unwrap();
        let chart = root.join("c");
        write(&chart.join("Chart.yaml"), CHART_YAML);
        for folder in folders {
            std::fs::create_dir_all(root.join(folder)).unwrap();
        }
        for (link, target) in links {
            std::os::unix::fs::symlink(target, root.join(link)).unwrap();
        }
        let ours = ours(&chart);
        assert!(
            ours.as_ref().is_err_and(|e| e.starts_with("error evaluating symlink ")),
            "{shape}: {ours:?}"
        );
        for (helm, result) in theirs(&chart) {
            assert_eq!(result, ours, "{shape}, {helm}");
        }
    }
}

#[test]
fn a_directory_without_chart_yaml_is_refused_like_helm_4_refuses_it() {
    let dir = tempfile::tempdir().unwrap();
    let chart = std::path::absolute(dir.path().join("c")).unwrap();
    write(&chart.join("templates/cm.yaml"), TEMPLATE);
    let path = chart.join("Chart.yaml").display().to_string();
    let want = format!("unable to detect chart at {path}: open {path}: no such file or directory");
    assert_eq!(ours(&chart), Err(want.clone()));
    if let Some(helm) = support::Oracle::Helm4.find() {
        let out = support::run(&helm, &["template", "demo", &chart.display().to_string()]);
        assert_eq!(String::from_utf8_lossy(&out.stderr).trim_end(), format!("Error: {want}"));
    }
}

/// A comment of 40 KB: a `values.yaml` it starts is large enough to be read before the
/// rest of its chart directory.
fn long_comment() -> String {
    "# a comment that makes values.yaml large\n".repeat(1000)
}

#[test]
fn a_charts_values_error_comes_before_its_subcharts_errors_as_in_helm() {
    // The parent's values.yaml is read beside its subcharts (a large one before them); its
    // error must still win.
    let cases: [(&str, Option<&str>, Option<&str>, &str); 3] = [
        ("a: [\n", Some("b: {\n"), Some(CHART_YAML), "did not find expected node content"),
        ("a: 1\n", Some("b: {\n"), Some(CHART_YAML), "error unpacking subchart"),
        ("- a\n", None, None, "cannot unmarshal array"),
    ];
    let cases = cases.into_iter().flat_map(|case| [(String::new(), case), (long_comment(), case)]);
    for (padding, (parent_values, sub_values, sub_chart_yaml, want)) in cases {
        let parent_values = &format!("{padding}{parent_values}");
        let dir = tempfile::tempdir().unwrap();
        let parent = dir.path().join("p");
        write(&parent.join("Chart.yaml"), "apiVersion: v2\nname: p\nversion: 0.1.0\n");
        write(&parent.join("values.yaml"), parent_values);
        write(&parent.join("templates/cm.yaml"), TEMPLATE);
        let sub = parent.join("charts/s");
        write(&sub.join("templates/cm.yaml"), TEMPLATE);
        if let Some(text) = sub_values {
            write(&sub.join("values.yaml"), text);
        }
        if let Some(text) = sub_chart_yaml {
            write(&sub.join("Chart.yaml"), text);
        }
        let result = ours(&parent);
        let error = result.as_ref().expect_err(parent_values);
        assert!(error.contains(want), "{parent_values:?}: {error}");
        // Helm 3 words the start of a values error differently; the YAML problem is the same.
        let strip = |helm: &str, text: &str| {
            let text = text.replace(&dir.path().display().to_string(), "DIR");
            if helm == "helm 3" { text.rsplit("JSON: ").next().unwrap_or(&text).to_string() } else { text }
        };
        for (helm, theirs) in theirs(&parent) {
            assert_eq!(
                theirs.map_err(|e| strip(helm, &e)),
                Err(strip(helm, error)),
                "{helm}: {parent_values:?}"
            );
        }
    }
}

#[test]
fn a_large_values_yaml_is_read_as_helm_reads_it_unless_helmignore_leaves_it_out() {
    let values = format!("{}name: from-values\n", long_comment());
    let template =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Values.name | default \"none\" }}\n";
    for ignored in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let chart = dir.path().join("c");
        write(&chart.join("Chart.yaml"), CHART_YAML);
        write(&chart.join("values.yaml"), &values);
        write(&chart.join("templates/cm.yaml"), template);
        if ignored {
            write(&chart.join(".helmignore"), "values.yaml\n");
        }
        let rendered = ours(&chart).unwrap();
        let name = if ignored { "name: none\n" } else { "name: from-values\n" };
        assert!(rendered.contains(name), "{rendered}");
        // The same files from an archive, read in one pass.
        let mut entries = vec![
            ("c/Chart.yaml".to_string(), CHART_YAML.as_bytes().to_vec()),
            ("c/templates/cm.yaml".to_string(), template.as_bytes().to_vec()),
        ];
        if !ignored {
            entries.push(("c/values.yaml".to_string(), values.as_bytes().to_vec()));
        }
        let tgz = dir.path().join("c-0.1.0.tgz");
        write_archive(&tgz, &entries);
        assert_eq!(ours(&tgz), Ok(rendered.clone()));
        helm_renders_the_same(&chart, &rendered);
    }
}

/// A chart of `apiVersion: v2` that still has v1's `requirements.yaml` and
/// `requirements.lock` (here in a subchart) is read as helm reads it, with helm's warnings
/// (helm 4 logs them as `level=INFO msg="Warning: ..."`).
#[test]
fn v1_dependency_files_in_a_v2_chart_are_read_with_helms_warnings() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c");
    write(&chart.join("Chart.yaml"), CHART_YAML);
    write(&chart.join("templates/cm.yaml"), TEMPLATE);
    let sub = chart.join("charts/s");
    write(&sub.join("Chart.yaml"), "apiVersion: v2\nname: s\nversion: 0.1.0\n");
    write(&sub.join("requirements.yaml"), "description: from requirements.yaml\n");
    write(&sub.join("requirements.lock"), "dependencies: []\n");
    write(&sub.join("templates/cm.yaml"), "d: {{ .Chart.Description }}\n");

    let loaded = load_chart(&chart).unwrap();
    let warnings: Vec<&str> = loaded.warnings().iter().map(|w| w.split(" since ").next().unwrap()).collect();
    // In the order of the files' names, as helm reads them.
    assert_eq!(
        warnings,
        ["Dependency locking is handled in Chart.lock", "Dependencies are handled in Chart.yaml"]
    );
    let rendered = ours(&chart).unwrap();
    assert!(rendered.contains("d: from requirements.yaml\n"), "{rendered}");
    helm_renders_the_same(&chart, &rendered);
    for (name, helm) in support::helms() {
        let out = support::run(&helm, &["template", "demo", &chart.display().to_string()]);
        let stderr = String::from_utf8_lossy(&out.stderr);
        for warning in loaded.warnings() {
            assert!(
                stderr.contains(&warning.replace('"', "\\\"")) || stderr.contains(warning),
                "{name}: {stderr}"
            );
        }
    }
}

/// An archive that holds a template twice renders it once, from its last copy, as helm
/// does (helm keeps its templates in a map by name).
#[test]
fn a_template_stored_twice_in_an_archive_renders_once_from_its_last_copy() {
    let dir = tempfile::tempdir().unwrap();
    let tgz = dir.path().join("c-0.1.0.tgz");
    let mut entries = chart_entries("c");
    entries.push(("c/templates/cm.yaml".into(), b"second: {{ .Chart.Name }}\n".to_vec()));
    write_archive(&tgz, &entries);
    let rendered = ours(&tgz).unwrap();
    assert_eq!(rendered.matches("# Source: c/templates/cm.yaml").count(), 1, "{rendered}");
    assert!(rendered.contains("second: c\n"), "{rendered}");
    helm_renders_the_same(&tgz, &rendered);
}

/// A file whose name is not UTF-8 is read (under its own name) as helm reads it.
#[cfg(unix)]
#[test]
fn a_file_named_in_bytes_that_are_not_utf8_is_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("c");
    write(&chart.join("Chart.yaml"), CHART_YAML);
    write(&chart.join("templates/cm.yaml"), TEMPLATE);
    write(&chart.join("files/a.txt"), "a");
    let odd = chart.join(std::ffi::OsStr::from_bytes(b"files/caf\xe9.txt"));
    std::fs::write(&odd, "odd").unwrap();
    let rendered = ours(&chart).unwrap();
    helm_renders_the_same(&chart, &rendered);
}
