//! A directory written in full beside its target, then put in the target's place in one step,
//! so that the target is always either the old tree or the new one, complete, whenever the
//! process is stopped.
//!
//! The staging directory is created fresh with an unpredictable name (`mkdir` fails on any
//! existing entry, links included, so nothing can be redirected through it), locked while it
//! is in use, and exchanged with the target by one `renameat2(RENAME_EXCHANGE)` (Linux;
//! `renamex_np(RENAME_SWAP)` on macOS). After the exchange the old tree sits under the
//! staging name and is removed. A run that is killed leaves its staging directory behind under
//! a recognizable name; the next run for the same target removes such left-overs, except those
//! still locked by a live run.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

/// How many random characters end a staging directory's name.
const RANDOM_CHARS: usize = 16;

/// The part of a staging directory's name after `.<target name>`.
const MARK: &str = ".mailu-chart-export-";

/// A failed step, with the path it was about.
#[derive(Debug)]
pub(crate) struct StagingError {
    pub(crate) action: &'static str,
    pub(crate) path: PathBuf,
    pub(crate) source: std::io::Error,
}

fn failed<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> StagingError + 'a {
    move |source| StagingError { action, path: path.to_path_buf(), source }
}

/// A fresh, locked directory beside `target`, removed when dropped (with whatever it then
/// holds: the new tree if it was never swapped in, the old one if it was).
pub(crate) struct Staging {
    target: PathBuf,
    dir: TempDir,
    /// Held open while the directory is in use: its lock tells other runs it is not a
    /// left-over.
    _lock: File,
}

impl Staging {
    /// Creates the staging directory for `target` (whose parent must exist), first removing
    /// the left-overs of interrupted runs.
    pub(crate) fn create(target: &Path) -> Result<Staging, StagingError> {
        let (parent, prefix) = parent_and_prefix(target);
        remove_leftovers(&parent, &prefix);
        let dir = tempfile::Builder::new()
            .prefix(&prefix)
            .rand_bytes(RANDOM_CHARS)
            .tempdir_in(&parent)
            .map_err(failed("create a staging directory in", &parent))?;
        let lock = File::open(dir.path()).map_err(failed("open", dir.path()))?;
        lock.try_lock().map_err(|e| StagingError {
            action: "lock",
            path: dir.path().to_path_buf(),
            source: e.into(),
        })?;
        Ok(Staging { target: target.to_path_buf(), dir, _lock: lock })
    }

    /// Writes a file (its folders created as needed) inside the staging directory. The file
    /// must not exist yet: nothing in the fresh directory is followed or overwritten.
    pub(crate) fn write(&self, relative: &str, content: &[u8]) -> Result<(), StagingError> {
        let path = self.dir.path().join(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(failed("create", folder))?;
        }
        let mut file =
            OpenOptions::new().write(true).create_new(true).open(&path).map_err(failed("create", &path))?;
        file.write_all(content).map_err(failed("write", &path))
    }

    /// Gives the staging directory the permissions of the directory it replaces, if any, so
    /// that a directory kept private stays private.
    pub(crate) fn keep_permissions(&self) -> Result<(), StagingError> {
        match self.target.symlink_metadata() {
            Ok(old) if old.is_dir() => std::fs::set_permissions(self.dir.path(), old.permissions())
                .map_err(failed("set the permissions of", self.dir.path())),
            _ => Ok(()),
        }
    }

    /// Puts the staging directory in the target's place in one step; the old tree, if any, is
    /// then removed.
    pub(crate) fn swap_into_place(self) -> Result<(), StagingError> {
        let exists = self.target.symlink_metadata().is_ok();
        let result = if exists {
            exchange(self.dir.path(), &self.target)
        } else {
            rename_no_replace(self.dir.path(), &self.target)
        };
        result.map_err(failed("move into place", &self.target))?;
        if !exists {
            // The staging name is gone: nothing is left to remove.
            let _ = self.dir.keep();
        }
        Ok(())
    }
}

/// The folder that holds `target`, and the name prefix of its staging directories.
fn parent_and_prefix(target: &Path) -> (PathBuf, String) {
    let parent = match target.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = target.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    (parent, format!(".{name}{MARK}"))
}

/// Whether a directory entry's name is one of our staging names for this prefix.
fn is_staging_name(name: &str, prefix: &str) -> bool {
    name.strip_prefix(prefix)
        .is_some_and(|rest| rest.len() == RANDOM_CHARS && rest.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Removes the staging directories of interrupted runs: real directories (never links) with
/// a staging name that no live run holds locked. Failures are left for a later run.
fn remove_leftovers(parent: &Path, prefix: &str) {
    let Ok(entries) = std::fs::read_dir(parent) else { return };
    for entry in entries.flatten() {
        let name = entry.file_name();
        if !is_staging_name(&name.to_string_lossy(), prefix) {
            continue;
        }
        let path = entry.path();
        if !path.symlink_metadata().is_ok_and(|m| m.file_type().is_dir()) {
            continue;
        }
        let Ok(handle) = File::open(&path) else { continue };
        if handle.try_lock().is_ok() {
            // remove_dir_all removes links, never what they point to.
            let _ = std::fs::remove_dir_all(&path);
        }
    }
}

/// Exchanges two existing names atomically.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE) {
        Ok(()) => Ok(()),
        // A file system without the exchange (some network file systems): two renames.
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOTSUP => {
            exchange_in_two_steps(a, b)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    exchange_in_two_steps(a, b)
}

/// Where the atomic exchange is missing: the old tree is moved aside under a name beside the
/// staging one, then the new tree moved in. A stop between the two leaves the target missing
/// and the old tree under `<staging>.old`.
fn exchange_in_two_steps(staging: &Path, target: &Path) -> std::io::Result<()> {
    let mut aside = staging.as_os_str().to_owned();
    aside.push(".old");
    let aside = PathBuf::from(aside);
    std::fs::rename(target, &aside)?;
    if let Err(e) = std::fs::rename(staging, target) {
        let _ = std::fs::rename(&aside, target);
        return Err(e);
    }
    // The staging name now takes the old tree, as after an exchange.
    std::fs::rename(&aside, staging)
}

/// Renames `from` to `to`, failing if `to` appeared meanwhile.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    match renameat_with(CWD, from, CWD, to, RenameFlags::NOREPLACE) {
        Ok(()) => Ok(()),
        Err(e) if e == rustix::io::Errno::INVAL || e == rustix::io::Errno::NOTSUP => {
            std::fs::rename(from, to)
        }
        Err(e) => Err(e.into()),
    }
}

#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
fn rename_no_replace(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::rename(from, to)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renaming_never_replaces_what_is_there() {
        let dir = tempfile::tempdir().unwrap();
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        std::fs::create_dir(&from).unwrap();
        std::fs::create_dir(&to).unwrap();
        let error = rename_no_replace(&from, &to).unwrap_err();
        assert_eq!(error.kind(), std::io::ErrorKind::AlreadyExists);
        assert!(from.is_dir() && to.is_dir());
        std::fs::remove_dir(&to).unwrap();
        rename_no_replace(&from, &to).unwrap();
        assert!(!from.exists() && to.is_dir());
    }

    #[test]
    fn the_exchange_in_two_steps_swaps_the_trees() {
        let dir = tempfile::tempdir().unwrap();
        let (staging, target) = (dir.path().join("staging"), dir.path().join("target"));
        for (folder, text) in [(&staging, "new"), (&target, "old")] {
            std::fs::create_dir(folder).unwrap();
            std::fs::write(folder.join("file"), text).unwrap();
        }
        exchange_in_two_steps(&staging, &target).unwrap();
        assert_eq!(std::fs::read_to_string(target.join("file")).unwrap(), "new");
        assert_eq!(std::fs::read_to_string(staging.join("file")).unwrap(), "old");
        let mut names: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        names.sort();
        assert_eq!(names, ["staging", "target"], "nothing is left aside");
        exchange(&staging, &target).unwrap();
        assert_eq!(std::fs::read_to_string(target.join("file")).unwrap(), "old");
    }

    #[test]
    fn only_our_own_names_are_left_overs() {
        let prefix = ".chart.mailu-chart-export-";
        assert!(is_staging_name(".chart.mailu-chart-export-abcdEFGH12345678", prefix));
        assert!(!is_staging_name(".chart.mailu-chart-export-abc", prefix));
        assert!(!is_staging_name(".chart.mailu-chart-export-abcdEFGH1234567/", prefix));
        assert!(!is_staging_name(".chart.mailu-chart-export-abcdEFGH12345678.old", prefix));
        assert!(!is_staging_name(".other.mailu-chart-export-abcdEFGH12345678", prefix));
        assert!(!is_staging_name("chart", prefix));
    }

    #[test]
    fn a_locked_staging_directory_is_not_a_left_over() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("chart");
        let first = Staging::create(&target).unwrap();
        first.write("a/b.txt", b"x").unwrap();
        // A second run while the first is alive keeps the first's directory.
        let second = Staging::create(&target).unwrap();
        assert!(first.dir.path().join("a/b.txt").exists());
        drop(second);
        first.swap_into_place().unwrap();
        assert_eq!(std::fs::read_to_string(target.join("a/b.txt")).unwrap(), "x");
    }

    #[test]
    fn an_unlocked_one_is_removed_and_a_link_never_followed() {
        let parent = tempfile::tempdir().unwrap();
        let elsewhere = tempfile::tempdir().unwrap();
        std::fs::write(elsewhere.path().join("keep"), "k").unwrap();
        let target = parent.path().join("chart");
        let stale = parent.path().join(".chart.mailu-chart-export-0123456789abcdef");
        std::fs::create_dir(&stale).unwrap();
        std::fs::write(stale.join("half"), "h").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(
            elsewhere.path(),
            parent.path().join(".chart.mailu-chart-export-linklinklinklink"),
        )
        .unwrap();
        let staging = Staging::create(&target).unwrap();
        assert!(!stale.exists());
        assert!(elsewhere.path().join("keep").exists());
        // Writing never goes through an existing entry.
        staging.write("f", b"1").unwrap();
        assert!(staging.write("f", b"2").is_err());
    }

    #[test]
    fn the_old_tree_is_swapped_out_and_removed() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("chart");
        std::fs::create_dir(&target).unwrap();
        std::fs::write(target.join("old"), "o").unwrap();
        let staging = Staging::create(&target).unwrap();
        staging.write("new", b"n").unwrap();
        staging.swap_into_place().unwrap();
        assert!(target.join("new").exists() && !target.join("old").exists());
        let names: Vec<_> =
            std::fs::read_dir(parent.path()).unwrap().map(|e| e.unwrap().file_name()).collect();
        assert_eq!(names, ["chart"]);
    }
}
