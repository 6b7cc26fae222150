//! A chart file's contents: in memory, or read on first use.
//!
//! Loading a chart directory reads what the loader itself needs (Chart.yaml, values, the
//! schema, lock files, templates, subchart archives). Every other file is opened and
//! measured as Helm's loader does, so that a file that cannot be opened or is too large
//! fails the load as in Helm, but its contents are read only when something asks for them:
//! in a real chart these are READMEs, changelogs and images that no template looks at (a
//! third of the bytes of a large Bitnami chart).
//!
//! A deferred read that fails (the file changed or vanished after the load) is kept: the
//! asker gets no bytes, and the rendering fails with the error Helm's load would have given
//! (see [`FileData::read_failure`]).

use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

/// The contents of one chart file (a leading UTF-8 byte order mark removed, as Helm loads
/// them), shared between copies of the chart.
#[derive(Clone, Debug)]
pub(crate) enum FileData {
    /// Read when the chart was loaded.
    Read(Arc<Vec<u8>>),
    /// Read when first asked for.
    Deferred(Arc<DeferredRead>),
}

/// A file to read when first asked for.
#[derive(Debug)]
pub(crate) struct DeferredRead {
    /// Where to read it.
    path: PathBuf,
    /// Its name in the chart being loaded, for the error.
    name: String,
    read: OnceLock<Result<Arc<Vec<u8>>, String>>,
}

impl FileData {
    /// Contents read already.
    pub(crate) fn read(data: Vec<u8>) -> FileData {
        FileData::Read(Arc::new(without_bom(data)))
    }

    /// Contents to read from `path` when first asked for; `name` is the file's path in the
    /// chart directory that was loaded.
    pub(crate) fn deferred(path: PathBuf, name: String) -> FileData {
        FileData::Deferred(Arc::new(DeferredRead { path, name, read: OnceLock::new() }))
    }

    /// The contents, or Helm's load error for a file that cannot be read.
    pub(crate) fn bytes(&self) -> Result<&Arc<Vec<u8>>, &str> {
        match self {
            FileData::Read(data) => Ok(data),
            FileData::Deferred(deferred) => deferred
                .read
                .get_or_init(|| {
                    std::fs::read(&deferred.path)
                        .map(|data| Arc::new(without_bom(data)))
                        .map_err(|e| format!("error reading {}: {e}", deferred.name))
                })
                .as_ref()
                .map_err(String::as_str),
        }
    }

    /// The contents, empty for a file that cannot be read (the failure stays to be found by
    /// [`Self::read_failure`]).
    pub(crate) fn contents(&self) -> Arc<Vec<u8>> {
        self.bytes().cloned().unwrap_or_default()
    }

    /// The contents, none for a file that cannot be read (as [`Self::contents`]).
    pub(crate) fn bytes_or_empty(&self) -> &[u8] {
        self.bytes().map(|data| data.as_slice()).unwrap_or_default()
    }

    /// Why a deferred read that was made failed.
    pub(crate) fn read_failure(&self) -> Option<&str> {
        match self {
            FileData::Read(_) => None,
            FileData::Deferred(deferred) => deferred.read.get()?.as_ref().err().map(String::as_str),
        }
    }
}

impl PartialEq for FileData {
    fn eq(&self, other: &Self) -> bool {
        self.bytes() == other.bytes()
    }
}

impl Eq for FileData {}

/// A file's contents without a leading UTF-8 byte order mark, as Helm loads them.
pub(crate) fn without_bom(mut data: Vec<u8>) -> Vec<u8> {
    if data.starts_with(b"\xEF\xBB\xBF") {
        data.drain(..3);
    }
    data
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deferred_file_is_read_once_without_its_byte_order_mark() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("README.md");
        std::fs::write(&path, b"\xEF\xBB\xBFhello").unwrap();
        let data = FileData::deferred(path.clone(), "README.md".into());
        assert_eq!(data.contents().as_slice(), b"hello");
        // Read once: a later change is not seen.
        std::fs::write(&path, b"changed").unwrap();
        assert_eq!(data.contents().as_slice(), b"hello");
        assert_eq!(data.read_failure(), None);
        assert_eq!(data, FileData::read(b"hello".to_vec()));
    }

    #[test]
    fn a_deferred_read_that_fails_gives_no_bytes_and_keeps_helms_load_error() {
        let dir = tempfile::tempdir().unwrap();
        let data = FileData::deferred(dir.path().join("gone.txt"), "files/gone.txt".into());
        assert_eq!(data.read_failure(), None, "nothing is read before it is asked for");
        assert!(data.contents().is_empty());
        let failure = data.read_failure().unwrap();
        assert!(failure.starts_with("error reading files/gone.txt: "), "{failure}");
    }
}
