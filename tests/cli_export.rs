//! The `export` command: writes the whole chart or nothing, and never overwrites what is not
//! its own without --force.

mod common;

use assert_cmd::Command;
use predicates::str::contains;

fn mailu_chart() -> Command {
    Command::cargo_bin("mailu-chart").unwrap()
}

#[test]
fn export_writes_the_chart_and_may_replace_its_own_export() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    mailu_chart().arg("export").arg(&chart).assert().success().stdout("").stderr(contains("wrote the chart"));
    let files = mailu_chart::chart::chart_files().unwrap();
    for file in &files {
        assert_eq!(std::fs::read_to_string(chart.join(&file.path)).unwrap(), file.content, "{}", file.path);
    }
    // A previous export (here one older than the digest) is replaced without --force, keeping
    // the directory's permissions, and nothing is left beside it.
    let chart_yaml = &files.iter().find(|f| f.path == "Chart.yaml").unwrap().content;
    std::fs::write(chart.join("Chart.yaml"), without_digest(&chart_yaml.replace("0.1.0", "0.0.9"))).unwrap();
    std::fs::remove_file(chart.join("values.schema.json")).unwrap();
    #[cfg(unix)]
    std::fs::set_permissions(&chart, std::os::unix::fs::PermissionsExt::from_mode(0o700)).unwrap();
    mailu_chart().arg("export").arg(&chart).assert().success();
    for file in &files {
        assert_eq!(std::fs::read_to_string(chart.join(&file.path)).unwrap(), file.content, "{}", file.path);
    }
    #[cfg(unix)]
    assert_eq!(
        std::os::unix::fs::PermissionsExt::mode(&chart.metadata().unwrap().permissions()) & 0o777,
        0o700
    );
    assert_eq!(common::names_in(dir.path()), ["chart"]);
    // `chart/.` names the same directory.
    mailu_chart().arg("export").arg(chart.join(".")).assert().success();
    assert_eq!(common::names_in(dir.path()), ["chart"]);
}

/// A `Chart.yaml` as exports older than the digest wrote it.
fn without_digest(chart_yaml: &str) -> String {
    chart_yaml
        .lines()
        .filter(|l| !l.contains(mailu_chart::chart::DIGEST_ANNOTATION))
        .map(|l| format!("{l}\n"))
        .collect()
}

/// An export edited by hand is not overwritten without --force; an export as another version
/// wrote it (its own digest) is.
#[test]
fn export_refuses_to_overwrite_a_chart_edited_since() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    mailu_chart().arg("export").arg(&chart).assert().success();
    let template = chart.join("templates/admin/deployment.yaml");
    let edited = format!("{}# tuned by hand\n", std::fs::read_to_string(&template).unwrap());
    std::fs::write(&template, &edited).unwrap();
    mailu_chart().arg("export").arg(&chart).assert().code(1).stderr(contains(format!(
        "{} holds a chart exported by mailu-chart and changed since (its files no longer match the digest in its Chart.yaml)",
        chart.display()
    )));
    assert_eq!(std::fs::read_to_string(&template).unwrap(), edited, "nothing was replaced");
    mailu_chart().args(["export", "--force"]).arg(&chart).assert().success();
    assert!(!std::fs::read_to_string(&template).unwrap().contains("tuned by hand"));

    // A digest line in another form (as `helm package` rewrites Chart.yaml: unquoted) is no
    // export older than the digest: the chart counts as edited.
    let chart_yaml = std::fs::read_to_string(chart.join("Chart.yaml")).unwrap();
    let unquoted: String = chart_yaml
        .lines()
        .map(|l| {
            if l.contains(mailu_chart::chart::DIGEST_ANNOTATION) { l.replace('"', "") } else { l.to_string() }
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(chart.join("Chart.yaml"), unquoted).unwrap();
    std::fs::write(&template, &edited).unwrap();
    mailu_chart().arg("export").arg(&chart).assert().code(1).stderr(contains("changed since"));
    mailu_chart().args(["export", "--force"]).arg(&chart).assert().success();

    // Another version's export, with the digest of its own files: replaced.
    let mut files: Vec<(String, Vec<u8>)> = mailu_chart::chart::chart_files()
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.content.into_bytes()))
        .collect();
    let chart_yaml = files.iter_mut().find(|(p, _)| p == "Chart.yaml").unwrap();
    chart_yaml.1 = without_digest(&String::from_utf8(chart_yaml.1.clone()).unwrap()).into_bytes();
    let template_path = "templates/admin/deployment.yaml";
    files.iter_mut().find(|(p, _)| p == template_path).unwrap().1.extend_from_slice(b"# another version\n");
    let digest = mailu_chart::chart::digest(files.iter().map(|(p, c)| (p.as_str(), c.as_slice())));
    for (path, content) in &mut files {
        if path == "Chart.yaml" {
            content.extend_from_slice(
                format!("  {}: \"{digest}\"\n", mailu_chart::chart::DIGEST_ANNOTATION).as_bytes(),
            );
        }
        std::fs::write(chart.join(path.as_str()), content).unwrap();
    }
    mailu_chart().arg("export").arg(&chart).assert().success();
    assert!(!std::fs::read_to_string(&template).unwrap().contains("another version"));
}

#[test]
fn export_keeps_what_it_did_not_write_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    mailu_chart().arg("export").arg(&chart).assert().success();
    std::fs::write(chart.join("templates/mine.yaml"), "kind: ConfigMap").unwrap();
    std::fs::write(chart.join("notes.txt"), "keep me").unwrap();
    std::fs::create_dir_all(chart.join(".git/objects")).unwrap();
    std::fs::create_dir_all(chart.join("templates/extra")).unwrap();
    mailu_chart().arg("export").arg(&chart).assert().code(1).stderr(contains(format!(
        "{} holds a chart exported by mailu-chart and files this export does not write: \
         .git/, notes.txt, templates/extra/, templates/mine.yaml; move them away, or use --force \
         to replace the directory and everything in it",
        chart.display()
    )));
    assert_eq!(std::fs::read_to_string(chart.join("notes.txt")).unwrap(), "keep me");
    assert!(chart.join("templates/mine.yaml").exists() && chart.join(".git/objects").is_dir());
    mailu_chart().arg("export").arg(&chart).arg("--force").assert().success();
    assert!(!chart.join("notes.txt").exists() && !chart.join(".git").exists());
    assert!(!chart.join("templates/mine.yaml").exists());
}

#[test]
fn export_refuses_a_directory_that_is_not_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("mine");
    std::fs::create_dir(&target).unwrap();
    std::fs::write(target.join("notes.txt"), "keep me").unwrap();
    mailu_chart()
        .arg("export")
        .arg(&target)
        .assert()
        .code(1)
        .stderr(contains("is not empty and does not hold a chart exported by mailu-chart; use --force"));
    assert_eq!(std::fs::read_to_string(target.join("notes.txt")).unwrap(), "keep me");
    mailu_chart().arg("export").arg(&target).arg("--force").assert().success();
    assert!(!target.join("notes.txt").exists());
    assert!(target.join("Chart.yaml").exists());
}

#[test]
fn a_failed_export_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "x").unwrap();
    let under_a_file = file.join("chart");
    let message = format!("cannot export to {}: a folder on its path is a file", under_a_file.display());
    mailu_chart().arg("export").arg(&under_a_file).assert().code(1).stderr(contains(message));
    mailu_chart().arg("export").arg(&file).assert().code(1).stderr(contains("is not a directory"));
    assert_eq!(common::names_in(dir.path()), ["a-file"]);
}

#[test]
fn export_creates_missing_parent_folders() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("new/deeper/chart");
    mailu_chart().arg("export").arg(&chart).assert().success();
    assert!(chart.join("Chart.yaml").is_file());
    assert_eq!(common::names_in(&dir.path().join("new/deeper")), ["chart"]);
}

#[test]
fn a_bare_name_is_exported_in_the_working_directory_and_its_left_overs_removed() {
    let dir = tempfile::tempdir().unwrap();
    // What an export killed before its swap leaves behind: a real, unlocked directory.
    let leftover = dir.path().join(".chart.mailu-chart-export-abcdEFGH12345678");
    std::fs::create_dir(&leftover).unwrap();
    std::fs::write(leftover.join("Chart.yaml"), "half").unwrap();
    mailu_chart().current_dir(dir.path()).arg("export").arg("chart").assert().success();
    assert!(dir.path().join("chart/Chart.yaml").is_file());
    assert_eq!(common::names_in(dir.path()), ["chart"]);
}

/// Every file under `dir` with its bytes; links are reported, never followed.
fn tree(dir: &std::path::Path) -> Option<std::collections::BTreeMap<String, Vec<u8>>> {
    fn walk(
        base: &std::path::Path,
        dir: &std::path::Path,
        out: &mut std::collections::BTreeMap<String, Vec<u8>>,
    ) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let relative = path.strip_prefix(base).unwrap().to_string_lossy().into_owned();
            let kind = path.symlink_metadata().unwrap().file_type();
            if kind.is_dir() {
                walk(base, &path, out);
            } else if kind.is_file() {
                out.insert(relative, std::fs::read(&path).unwrap());
            } else {
                out.insert(relative, b"<not a regular file>".to_vec());
            }
        }
    }
    let mut files = std::collections::BTreeMap::new();
    dir.symlink_metadata().ok()?.is_dir().then(|| walk(dir, dir, &mut files))?;
    Some(files)
}

/// A small seeded generator (splitmix64): the same delays on every run of the test.
struct Delays(u64);

impl Delays {
    fn below(&mut self, limit: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        (z ^ (z >> 31)) % limit.max(1)
    }
}

/// Kills `export` at random moments, many times over: the target is always the previous chart
/// or the new one, complete, never a mixture or missing, and no more than the one staging
/// directory of the last killed run is ever left beside it.
#[test]
#[cfg(unix)]
fn export_killed_at_any_moment_leaves_the_old_chart_or_the_new_one() {
    use std::process::Stdio;
    use std::time::{Duration, Instant};

    let runs: usize = std::env::var("MAILU_CHART_KILL_RUNS").ok().and_then(|v| v.parse().ok()).unwrap_or(200);
    let seed: u64 = std::env::var("MAILU_CHART_KILL_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(2024);
    let binary = assert_cmd::cargo::cargo_bin("mailu-chart");
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("chart");
    let export = || {
        let status =
            std::process::Command::new(&binary).arg("export").arg(&target).stderr(Stdio::null()).status();
        assert!(status.unwrap().success());
    };
    // The known export, and the previous chart: the same with one file written otherwise.
    let new: std::collections::BTreeMap<String, Vec<u8>> = mailu_chart::chart::chart_files()
        .unwrap()
        .into_iter()
        .map(|f| (f.path, f.content.into_bytes()))
        .collect();
    // The previous export: another NOTES.txt, from a version older than the digest.
    let changed = "templates/NOTES.txt";
    let old_chart_yaml = without_digest(&String::from_utf8(new["Chart.yaml"].clone()).unwrap()).into_bytes();
    let make_old = || {
        std::fs::write(target.join(changed), "# the previous export\n").unwrap();
        std::fs::write(target.join("Chart.yaml"), &old_chart_yaml).unwrap();
    };
    let mut old = new.clone();
    old.insert(changed.to_string(), b"# the previous export\n".to_vec());
    old.insert("Chart.yaml".to_string(), old_chart_yaml.clone());

    // How long a whole run takes, so that the kills fall anywhere from the start to the end.
    let mut longest = Duration::ZERO;
    for _ in 0..3 {
        let start = Instant::now();
        export();
        longest = longest.max(start.elapsed());
    }
    assert_eq!(tree(&target).as_ref(), Some(&new));
    make_old();

    let mut delays = Delays(seed);
    let (mut still_old, mut replaced) = (0, 0);
    for run in 0..runs {
        let delay = Duration::from_micros(delays.below(longest.as_micros() as u64 * 11 / 10));
        let mut child = std::process::Command::new(&binary)
            .arg("export")
            .arg(&target)
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        child.wait().unwrap();
        let found = tree(&target);
        if found.as_ref() == Some(&old) {
            still_old += 1;
        } else if found.as_ref() == Some(&new) {
            replaced += 1;
            make_old();
        } else {
            let listing: Vec<&String> = found.as_ref().map(|t| t.keys().collect()).unwrap_or_default();
            panic!(
                "run {run} (seed {seed}, killed after {delay:?}): the target is neither chart: {listing:?}"
            );
        }
        let leftovers: Vec<String> =
            common::names_in(parent.path()).into_iter().filter(|n| n != "chart").collect();
        assert!(
            leftovers.len() <= 1 && leftovers.iter().all(|n| n.starts_with(".chart.mailu-chart-export-")),
            "run {run} (seed {seed}): {leftovers:?}"
        );
    }
    eprintln!("{runs} killed exports: {still_old} left the previous chart, {replaced} the new one");
    // The kills fell before and after the swap.
    assert!(still_old > 0 && replaced > 0, "{still_old} / {replaced}");
    // A run that is not killed cleans up after the killed ones.
    export();
    assert_eq!(common::names_in(parent.path()), ["chart"]);
    assert_eq!(tree(&target).as_ref(), Some(&new));
}

/// The staging folder of an earlier version of the export was predictable and followed links;
/// now a link under any name beside the target is neither followed nor reused.
#[test]
#[cfg(unix)]
fn export_never_writes_through_a_link_beside_or_at_the_target() {
    let parent = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let target = parent.path().join("chart");
    // Process ids are handed out in order: the export's will be just above this one. The
    // staging name an earlier version derived from it, planted as links for the next ids.
    let mut probe = std::process::Command::new("true").spawn().unwrap();
    let recent = probe.id();
    probe.wait().unwrap();
    for pid in recent + 1..recent + 200 {
        std::os::unix::fs::symlink(elsewhere.path(), parent.path().join(format!(".chart.export-{pid}")))
            .unwrap();
    }
    std::os::unix::fs::symlink(
        elsewhere.path(),
        parent.path().join(".chart.mailu-chart-export-AAAAAAAAAAAAAAAA"),
    )
    .unwrap();
    mailu_chart().arg("export").arg(&target).assert().success();
    assert_eq!(
        common::names_in(elsewhere.path()),
        Vec::<String>::new(),
        "something was written through a link"
    );
    assert!(target.join("Chart.yaml").is_file());
    // The target itself a link: refused, and nothing written where it points.
    let link = parent.path().join("linked");
    std::os::unix::fs::symlink(elsewhere.path(), &link).unwrap();
    mailu_chart()
        .arg("export")
        .arg(&link)
        .arg("--force")
        .assert()
        .code(1)
        .stderr(contains("is a symbolic link"));
    assert_eq!(common::names_in(elsewhere.path()), Vec::<String>::new());
}

/// A mount point cannot be swapped for the new chart: it is refused, with what to do instead,
/// before anything is written. `/proc` is one on every Linux system; the checks for mounts a
/// test cannot make unprivileged (a tmpfs, a bind mount) are unit tests of `staging`.
#[test]
#[cfg(target_os = "linux")]
fn a_mount_point_is_refused_before_anything_is_written() {
    let staged = || {
        common::names_in(std::path::Path::new("/")).into_iter().filter(|n| n.starts_with(".proc.")).count()
    };
    mailu_chart().arg("export").arg("/proc").arg("--force").assert().code(1).stderr(
        "error: /proc is a mount point: the export puts the new chart in place by swapping whole \
         directories, so that it is never half written, and a mount point cannot be swapped; export \
         into a folder inside it, such as /proc/mailu\n",
    );
    assert_eq!(staged(), 0);
}

/// The new directory, and everything in it, belongs to whom the directory it replaces belonged.
/// Giving files to another user takes root: as another user, the test checks only that a
/// directory of one's own stays one's own.
#[test]
#[cfg(unix)]
fn export_keeps_the_owner_and_group_of_the_directory_it_replaces() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;

    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("chart");
    std::fs::create_dir(&chart).unwrap();
    let owners = |path: &std::path::Path| {
        let mut found = std::collections::BTreeSet::new();
        let mut pending = vec![path.to_path_buf()];
        while let Some(next) = pending.pop() {
            let metadata = next.symlink_metadata().unwrap();
            found.insert((metadata.uid(), metadata.gid()));
            if metadata.is_dir() {
                pending.extend(std::fs::read_dir(&next).unwrap().map(|e| e.unwrap().path()));
            }
        }
        found.into_iter().collect::<Vec<_>>()
    };
    let mine = chart.metadata().unwrap();
    if mine.uid() != 0 {
        mailu_chart().arg("export").arg(&chart).assert().success();
        assert_eq!(owners(&chart), [(mine.uid(), mine.gid())]);
        eprintln!("note: giving the chart to another user takes root; run this test as root to check it");
        return;
    }
    let (user, group) = (4321, 4322);
    std::os::unix::fs::chown(&chart, Some(user), Some(group)).unwrap();
    mailu_chart().arg("export").arg(&chart).assert().success();
    assert_eq!(owners(&chart), [(user, group)]);
    assert_eq!(common::names_in(dir.path()), ["chart"]);

    // Unprivileged runs: the owner may export again; another user, or the owner outside the
    // group, is refused, and nothing changes.
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    // A copy of the program the other users may run: the build's folder may be closed to them.
    let program_dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(program_dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let program = program_dir.path().join("mailu-chart");
    std::fs::copy(assert_cmd::cargo::cargo_bin("mailu-chart"), &program).unwrap();
    std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
    let export_as = |uid: u32, gid: u32| {
        std::process::Command::new(&program).uid(uid).gid(gid).arg("export").arg(&chart).output().unwrap()
    };
    let own = export_as(user, group);
    assert!(own.status.success(), "{own:?}");
    assert_eq!(owners(&chart), [(user, group)]);
    let before = tree(&chart);
    for ((uid, gid), message) in [
        (
            (4323, 4323),
            "belongs to user 4321 (group 4322), and only root may give the new chart to another user; export as that user or as root",
        ),
        (
            (user, user),
            "belongs to group 4322, which this user is not a member of, so the new chart cannot keep it; export as a member of the group or as root",
        ),
    ] {
        let refused = export_as(uid, gid);
        assert_eq!(refused.status.code(), Some(1));
        assert_eq!(
            String::from_utf8_lossy(&refused.stderr),
            format!("error: {0} {message}, or remove {0} first\n", chart.display())
        );
        assert_eq!(tree(&chart), before);
        assert_eq!(owners(&chart), [(user, group)]);
        assert_eq!(common::names_in(dir.path()), ["chart"]);
    }
}
