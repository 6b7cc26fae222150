//! The function library templates call: Sprig as Helm ships it (without `env` and
//! `expandenv`), and Helm's own (`include`, `tpl`, `toYaml`, ...).

pub mod conv;
pub mod dicts;
pub mod encoding;
pub mod helm;
pub mod json;
pub mod lists;
pub mod math;
pub mod misc;
pub mod regex;
pub mod semver;
pub mod strings;

use crate::template::error::GoError;
use crate::template::funcs::FuncTable;

/// Every function `helm template` offers: Go's builtins, Sprig's and Helm's.
pub fn helm_functions() -> FuncTable {
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
    helm::register(&mut t);
    t
}

/// An error for a function that this crate does not implement; the executor's message names
/// the function (`error calling genCA: not supported by helm-engine: ...`).
fn unsupported(what: &str) -> GoError {
    GoError::msg(format!("not supported by helm-engine: {what}"))
}
