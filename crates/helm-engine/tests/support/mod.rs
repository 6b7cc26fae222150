//! Shared test support: finding the real helm binaries the tests compare against.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// A helm binary the tests compare with, named by an environment variable.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Oracle {
    /// helm 4.1.4, the version this crate imitates.
    Helm4,
    /// helm 3.17.2, compared for information.
    Helm3,
}

impl Oracle {
    fn env_var(self) -> &'static str {
        match self {
            Oracle::Helm4 => "HELM_ENGINE_HELM4",
            Oracle::Helm3 => "HELM_ENGINE_HELM3",
        }
    }

    /// The binary's path. When it is missing the test part is skipped with a note, unless
    /// HELM_ENGINE_REQUIRE_ORACLES=1, which turns a missing binary into a failure.
    pub(crate) fn find(self) -> Option<PathBuf> {
        let var = self.env_var();
        let found = std::env::var_os(var).map(PathBuf::from).filter(|p| p.is_file());
        if found.is_none() {
            if std::env::var("HELM_ENGINE_REQUIRE_ORACLES").as_deref() == Ok("1") {
                panic!("{var} does not name a helm binary, and HELM_ENGINE_REQUIRE_ORACLES=1");
            }
            eprintln!("note: skipping the {self:?} part of this test: {var} is not set");
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

/// The crate's root directory.
pub(crate) fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs a program, panicking with its output when it cannot start.
pub(crate) fn run(program: &Path, args: &[&str]) -> Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", program.display()))
}

/// A path relative to the crate's root, for messages.
pub(crate) fn short(path: &Path) -> String {
    path.strip_prefix(root()).unwrap_or(path).display().to_string()
}
