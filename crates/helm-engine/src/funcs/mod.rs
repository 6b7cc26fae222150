//! The function library templates call: Sprig as Helm ships it (without `env` and
//! `expandenv`), and Helm's own (`include`, `tpl`, `toYaml`, ...); and Sprig alone, as Helm
//! gives it to `--name-template`. Functions are written
//! against the template language (`crate::template`) and the YAML layer; they know nothing
//! of charts.

pub(crate) mod conv;
pub(crate) mod crypto;
pub(crate) mod dates;
pub(crate) mod dicts;
pub(crate) mod encoding;
pub(crate) mod env;
pub(crate) mod gotime;
pub(crate) mod helm;
pub(crate) mod json;
pub(crate) mod lists;
pub(crate) mod math;
pub(crate) mod misc;
pub(crate) mod random;
pub(crate) mod regex;
pub(crate) mod rsa_key;
pub(crate) mod semver;
pub(crate) mod strings;
pub(crate) mod toml;
pub(crate) mod word_case;

pub(crate) use env::FuncEnv;
pub use env::{TimeParseError, parse_time, seed_from_text};
pub use gotime::parse_duration as parse_go_duration;

use std::sync::OnceLock;

use crate::template::error::GoError;
use crate::template::funcs::{FuncDefs, FuncTable};

/// The most a function makes in one piece (bytes or characters): 4 GiB. Go refuses the
/// largest sizes (`makeslice: len out of range`) and dies for lack of memory on the rest;
/// here a template asking for more than this gets Go's error instead of ending the process.
pub(crate) const MAX_MADE: u128 = 1 << 32;

/// `len` if it is at most `MAX_MADE`, else Go's error for a size it cannot allocate.
pub(crate) fn made_len(len: u128) -> Result<usize, GoError> {
    match usize::try_from(len) {
        Ok(len) if len as u128 <= MAX_MADE => Ok(len),
        _ => Err(GoError::msg("runtime error: makeslice: len out of range")),
    }
}

/// Every function `helm template` offers: Go's builtins, Sprig's and Helm's, drawing
/// randomness and time from `env`.
pub(crate) fn helm_functions(env: FuncEnv) -> FuncTable {
    let mut t = FuncTable::sharing(definitions());
    t.set_host(env);
    t
}

/// Whether a function called `name` exists: what the parser asks, before the table for a
/// rendering (with its clock and random source) is built.
pub(crate) fn is_helm_function(name: &str) -> bool {
    definitions().contains(name)
}

/// Go's, Sprig's and Helm's functions, defined once in a process: the parser asks their
/// names, and every rendering's table shares them.
fn definitions() -> &'static FuncDefs {
    static DEFINITIONS: OnceLock<FuncDefs> = OnceLock::new();
    DEFINITIONS.get_or_init(|| function_table().into_defs())
}

fn function_table() -> FuncTable {
    let mut t = sprig_shared();
    // Helm's own, and Helm's versions of Sprig's `fail` and `fromJson`.
    helm::register(&mut t);
    t
}

/// Sprig's functions alone, with `env` and `expandenv` (Helm's `--name-template`), drawing
/// randomness and time from `env`; `getHostByName` asks the resolver, as Sprig's does.
pub(crate) fn sprig_functions(env: FuncEnv) -> FuncTable {
    let mut t = FuncTable::sharing(sprig_definitions());
    t.set_host(env.with_dns(true));
    t
}

/// Whether Sprig alone has a function called `name` (see [`sprig_functions`]).
pub(crate) fn is_sprig_function(name: &str) -> bool {
    sprig_definitions().contains(name)
}

fn sprig_definitions() -> &'static FuncDefs {
    static DEFINITIONS: OnceLock<FuncDefs> = OnceLock::new();
    DEFINITIONS.get_or_init(|| {
        let mut t = sprig_shared();
        misc::register_os(&mut t);
        t.into_defs()
    })
}

/// Go's builtins and the Sprig functions Helm keeps.
fn sprig_shared() -> FuncTable {
    let mut t = FuncTable::go_builtins();
    strings::register(&mut t);
    conv::register(&mut t);
    math::register(&mut t);
    lists::register(&mut t);
    dicts::register(&mut t);
    encoding::register(&mut t);
    json::register(&mut t);
    regex::register(&mut t);
    semver::register(&mut t);
    misc::register(&mut t);
    random::register(&mut t);
    crypto::register(&mut t);
    dates::register(&mut t);
    t
}
