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
//!
//! A mount point cannot take part in the exchange (no rename moves it), so it is refused before
//! anything is written. The new tree takes the owner, group and permissions of the directory it
//! replaces, or the exchange does not happen.

use std::fs::{File, OpenOptions};
use std::io::Write;
use std::path::{Path, PathBuf};

use tempfile::TempDir;

use super::values_args::describe_io;

/// How many random characters end a staging directory's name.
const RANDOM_CHARS: usize = 16;

/// The part of a staging directory's name after `.<target name>`.
const MARK: &str = ".mailu-chart-export-";

/// Why the tree could not be staged or put in place.
#[derive(Debug, thiserror::Error)]
pub(crate) enum StagingError {
    /// A step failed, with the path it was about.
    #[error("cannot {action} {}: {}", path.display(), describe_io(source))]
    Io { action: &'static str, path: PathBuf, source: std::io::Error },
    /// The target is a mount point, which no rename can move.
    #[error(
        "{} is a mount point: the export puts the new chart in place by swapping whole directories, so that it is never half written, and a mount point cannot be swapped; export into a folder inside it, such as {}",
        path.display(),
        path.join("mailu").display()
    )]
    MountPoint { path: PathBuf },
    /// The new tree cannot have the owner of the directory it would replace.
    #[error(
        "{} belongs to user {user} (group {group}), and only root may give the new chart to another user; export as that user or as root, or remove {} first",
        path.display(),
        path.display()
    )]
    Owner { path: PathBuf, user: u32, group: u32 },
    /// The new tree cannot have the group of the directory it would replace.
    #[error(
        "{} belongs to group {group}, which this user is not a member of, so the new chart cannot keep it; export as a member of the group or as root, or remove {} first",
        path.display(),
        path.display()
    )]
    Group { path: PathBuf, group: u32 },
}

fn failed<'a>(action: &'static str, path: &'a Path) -> impl FnOnce(std::io::Error) -> StagingError + 'a {
    move |source| StagingError::Io { action, path: path.to_path_buf(), source }
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
        lock.try_lock().map_err(|e| StagingError::Io {
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

    /// Gives the staged tree, every folder and file in it, the owner and group of the
    /// directory it replaces, if any, so that a chart exported by root into a user's directory
    /// stays the user's. Where that takes rights the process lacks, nothing is replaced.
    #[cfg(unix)]
    pub(crate) fn keep_owner(&self) -> Result<(), StagingError> {
        use std::os::unix::fs::MetadataExt;
        let old = match self.target.symlink_metadata() {
            Ok(old) if old.is_dir() => old,
            _ => return Ok(()),
        };
        let staged = self.dir.path().symlink_metadata().map_err(failed("read", self.dir.path()))?;
        self.give_to(
            Ids { user: staged.uid(), group: staged.gid() },
            Ids { user: old.uid(), group: old.gid() },
            |path: &Path, user, group| std::os::unix::fs::lchown(path, user, group),
        )
    }

    /// Turns the staged tree's owner and group from `staged` into `wanted` with `chown`, the
    /// top directory last: until then the tree is this process's alone, so nobody else can
    /// add to it or redirect a write. A refusal of the system is [`StagingError::Owner`], or
    /// [`StagingError::Group`] when only the group was to change.
    #[cfg(unix)]
    fn give_to(
        &self,
        staged: Ids,
        wanted: Ids,
        mut chown: impl FnMut(&Path, Option<u32>, Option<u32>) -> std::io::Result<()>,
    ) -> Result<(), StagingError> {
        let Some(change) = OwnerChange::needed(staged, wanted) else { return Ok(()) };
        for path in entries_then_root(self.dir.path())? {
            chown(&path, change.user, change.group).map_err(|e| {
                let target = self.target.clone();
                if e.kind() != std::io::ErrorKind::PermissionDenied {
                    failed("change the owner of", &path)(e)
                } else if change.user.is_some() {
                    StagingError::Owner { path: target, user: wanted.user, group: wanted.group }
                } else {
                    StagingError::Group { path: target, group: wanted.group }
                }
            })?;
        }
        Ok(())
    }

    /// Without Unix owners there is nothing to keep.
    #[cfg(not(unix))]
    pub(crate) fn keep_owner(&self) -> Result<(), StagingError> {
        Ok(())
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
        result.map_err(|e| swap_failure(&self.target, e))?;
        if !exists {
            // The staging name is gone: nothing is left to remove.
            let _ = self.dir.keep();
        }
        Ok(())
    }
}

/// Why the exchange failed. A mount point, which the check before staging may miss (a bind
/// mount within its own file system, on a kernel that does not say), answers "busy".
fn swap_failure(target: &Path, error: std::io::Error) -> StagingError {
    if error.kind() == std::io::ErrorKind::ResourceBusy {
        StagingError::MountPoint { path: target.to_path_buf() }
    } else {
        failed("move into place", target)(error)
    }
}

/// Refuses a target that is a mount point, before anything is written: see
/// [`StagingError::MountPoint`]. A target that is missing, or cannot be read, is left to the
/// steps that follow.
pub(crate) fn refuse_mount_point(target: &Path) -> Result<(), StagingError> {
    refuse_if_mounted(target, mount_facts)
}

fn refuse_if_mounted(
    target: &Path,
    facts: impl FnOnce(&Path) -> std::io::Result<MountFacts>,
) -> Result<(), StagingError> {
    match facts(target) {
        Ok(facts) if facts.is_mount_point() => Err(StagingError::MountPoint { path: target.to_path_buf() }),
        _ => Ok(()),
    }
}

/// What tells whether a directory is a mount point.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct MountFacts {
    /// The device the directory is on.
    device: u64,
    /// The device its parent is on.
    parent_device: u64,
    /// The kernel's own answer, where it gives one (Linux 5.8 and later).
    mount_root: Option<bool>,
}

impl MountFacts {
    /// The kernel's answer, which also sees a directory bind-mounted within its own file
    /// system, and tells a btrfs subvolume (a device of its own, but no mount) apart; without
    /// it, a change of device.
    fn is_mount_point(self) -> bool {
        self.mount_root.unwrap_or(self.device != self.parent_device)
    }
}

#[cfg(unix)]
fn mount_facts(dir: &Path) -> std::io::Result<MountFacts> {
    use std::os::unix::fs::MetadataExt;
    let (parent, _) = parent_and_prefix(dir);
    Ok(MountFacts {
        device: dir.symlink_metadata()?.dev(),
        parent_device: parent.metadata()?.dev(),
        mount_root: kernel_mount_root(dir),
    })
}

/// Without devices to compare, the exchange's own failure tells.
#[cfg(not(unix))]
fn mount_facts(_: &Path) -> std::io::Result<MountFacts> {
    Err(std::io::ErrorKind::Unsupported.into())
}

#[cfg(any(target_os = "linux", target_os = "android"))]
fn kernel_mount_root(dir: &Path) -> Option<bool> {
    use rustix::fs::{AtFlags, CWD, StatxAttributes, StatxFlags, statx};
    let found =
        statx(CWD, dir, AtFlags::SYMLINK_NOFOLLOW | AtFlags::NO_AUTOMOUNT, StatxFlags::empty()).ok()?;
    let known = found.stx_attributes_mask.contains(StatxAttributes::MOUNT_ROOT);
    known.then(|| found.stx_attributes.contains(StatxAttributes::MOUNT_ROOT))
}

#[cfg(all(unix, not(any(target_os = "linux", target_os = "android"))))]
fn kernel_mount_root(_: &Path) -> Option<bool> {
    None
}

/// An owner and a group.
#[cfg(unix)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Ids {
    user: u32,
    group: u32,
}

/// What a `chown` must change: `None` for what is right already.
#[cfg(unix)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct OwnerChange {
    user: Option<u32>,
    group: Option<u32>,
}

#[cfg(unix)]
impl OwnerChange {
    /// What turns `staged` into `wanted`, if anything. Only what differs is changed: a user
    /// may always keep their own directory, and a group that is the file's already needs no
    /// membership.
    fn needed(staged: Ids, wanted: Ids) -> Option<OwnerChange> {
        let change = OwnerChange {
            user: (staged.user != wanted.user).then_some(wanted.user),
            group: (staged.group != wanted.group).then_some(wanted.group),
        };
        (change.user.is_some() || change.group.is_some()).then_some(change)
    }
}

/// Every entry under `root`, folders before what they hold, then `root` itself. Links are
/// listed, never followed (and `lchown` changes a link itself).
#[cfg(unix)]
fn entries_then_root(root: &Path) -> Result<Vec<PathBuf>, StagingError> {
    let mut pending = vec![root.to_path_buf()];
    let mut entries = Vec::new();
    while let Some(folder) = pending.pop() {
        for entry in std::fs::read_dir(&folder).map_err(failed("read", &folder))? {
            let entry = entry.map_err(failed("read", &folder))?;
            if entry.file_type().map_err(failed("read", &entry.path()))?.is_dir() {
                pending.push(entry.path());
            }
            entries.push(entry.path());
        }
    }
    entries.push(root.to_path_buf());
    Ok(entries)
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

    #[test]
    fn a_mount_point_is_the_kernels_answer_else_a_change_of_device() {
        let facts = |device, parent_device, mount_root| MountFacts { device, parent_device, mount_root };
        assert!(facts(7, 7, Some(true)).is_mount_point(), "a bind mount within its own file system");
        assert!(!facts(8, 7, Some(false)).is_mount_point(), "a btrfs subvolume");
        assert!(facts(8, 7, None).is_mount_point());
        assert!(!facts(7, 7, None).is_mount_point());
    }

    #[test]
    #[cfg(unix)]
    fn a_mount_point_is_refused_with_what_to_do_instead() {
        let target = Path::new("/data");
        let mounted = |_: &Path| Ok(MountFacts { device: 9, parent_device: 1, mount_root: None });
        assert_eq!(
            refuse_if_mounted(target, mounted).unwrap_err().to_string(),
            "/data is a mount point: the export puts the new chart in place by swapping whole directories, \
             so that it is never half written, and a mount point cannot be swapped; export into a folder \
             inside it, such as /data/mailu"
        );
        let plain = |_: &Path| Ok(MountFacts { device: 1, parent_device: 1, mount_root: Some(false) });
        assert!(refuse_if_mounted(target, plain).is_ok());
        let missing = |_: &Path| Err(std::io::ErrorKind::NotFound.into());
        assert!(refuse_if_mounted(target, missing).is_ok());
    }

    #[test]
    #[cfg(unix)]
    fn a_busy_exchange_is_a_mount_point_the_check_missed() {
        let target = Path::new("/data");
        let busy = swap_failure(target, rustix::io::Errno::BUSY.into());
        assert!(matches!(&busy, StagingError::MountPoint { path } if path == target), "{busy:?}");
        let other = swap_failure(target, rustix::io::Errno::ACCESS.into());
        assert_eq!(other.to_string(), "cannot move into place /data: permission denied");
    }

    #[test]
    #[cfg(unix)]
    fn directories_and_mount_points_are_told_apart_on_the_disk() {
        let parent = tempfile::tempdir().unwrap();
        let chart = parent.path().join("chart");
        std::fs::create_dir(&chart).unwrap();
        assert!(refuse_mount_point(&chart).is_ok());
        assert!(refuse_mount_point(&parent.path().join("missing")).is_ok());
        #[cfg(target_os = "linux")]
        assert!(matches!(refuse_mount_point(Path::new("/proc")), Err(StagingError::MountPoint { .. })));
    }

    #[test]
    #[cfg(unix)]
    fn only_the_owner_or_group_that_differs_is_changed() {
        let ids = |user, group| Ids { user, group };
        assert_eq!(OwnerChange::needed(ids(1000, 100), ids(1000, 100)), None);
        assert_eq!(
            OwnerChange::needed(ids(0, 0), ids(1000, 0)),
            Some(OwnerChange { user: Some(1000), group: None })
        );
        assert_eq!(
            OwnerChange::needed(ids(1000, 100), ids(1000, 1000)),
            Some(OwnerChange { user: None, group: Some(1000) })
        );
    }

    #[test]
    #[cfg(unix)]
    fn the_whole_tree_is_given_away_its_top_directory_last() {
        let parent = tempfile::tempdir().unwrap();
        let staging = Staging::create(&parent.path().join("chart")).unwrap();
        for file in ["Chart.yaml", "templates/a/b.yaml", "files/c.sh"] {
            staging.write(file, b"x").unwrap();
        }
        let top = staging.dir.path().to_path_buf();
        let mut given = Vec::new();
        let record = |path: &Path, user, group| {
            given.push((path.strip_prefix(&top).unwrap().to_string_lossy().into_owned(), user, group));
            Ok(())
        };
        staging.give_to(Ids { user: 0, group: 0 }, Ids { user: 1000, group: 1001 }, record).unwrap();
        assert!(given.iter().all(|(_, user, group)| *user == Some(1000) && *group == Some(1001)));
        let mut paths: Vec<String> = given.into_iter().map(|(path, ..)| path).collect();
        assert_eq!(paths.pop().as_deref(), Some(""), "the top directory last");
        paths.sort();
        assert_eq!(
            paths,
            ["Chart.yaml", "files", "files/c.sh", "templates", "templates/a", "templates/a/b.yaml"]
        );
        let same = Ids { user: 5, group: 6 };
        staging.give_to(same, same, |_: &Path, _, _| panic!("nothing to change")).unwrap();
    }

    #[test]
    #[cfg(unix)]
    fn a_refused_change_names_the_directory_and_whose_it_is() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("chart");
        let staging = Staging::create(&target).unwrap();
        staging.write("Chart.yaml", b"x").unwrap();
        let refused = |_: &Path, _, _| Err(rustix::io::Errno::PERM.into());
        let error = staging.give_to(Ids { user: 1000, group: 1000 }, Ids { user: 0, group: 4 }, refused);
        assert_eq!(
            error.unwrap_err().to_string(),
            format!(
                "{0} belongs to user 0 (group 4), and only root may give the new chart to another user; \
                 export as that user or as root, or remove {0} first",
                target.display()
            )
        );
        let error = staging.give_to(Ids { user: 1000, group: 1000 }, Ids { user: 1000, group: 4 }, refused);
        assert_eq!(
            error.unwrap_err().to_string(),
            format!(
                "{0} belongs to group 4, which this user is not a member of, so the new chart cannot keep \
                 it; export as a member of the group or as root, or remove {0} first",
                target.display()
            )
        );
        let failing = |_: &Path, _, _| Err(rustix::io::Errno::IO.into());
        let error = staging.give_to(Ids { user: 1000, group: 1000 }, Ids { user: 0, group: 4 }, failing);
        assert!(error.unwrap_err().to_string().starts_with("cannot change the owner of "));
    }
}
