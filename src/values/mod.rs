//! The values: the typed model (the public interface of both outputs), its defaults (what the
//! user's values, read by the engine exactly as Helm reads them, are coalesced over), and
//! validation with errors that name the key and where its value came from.

pub mod model;
pub mod reference;
pub mod schema;
pub mod text;
pub mod trust;
pub mod validate;
pub mod verdict;

use std::fmt;

use helm_engine::{KeyPath, Map, NullRule, Origin, UserValues, Value, coalesce_values};
pub use model::Values;
pub use validate::Problem;

/// The defaults of every key, as a value tree (the exported chart's `values.yaml`).
pub fn defaults_tree() -> Map {
    match helm_engine::to_value(&Values::default()).expect("defaults serialize") {
        Value::Map(map) => map,
        _ => unreachable!("the values model is a map"),
    }
}

/// The top-level keys whose defaults the schema refuses: the user must set them. The chart's
/// values.yaml leaves them out (as comments), so that helm reports them as missing rather than
/// as the pattern an empty default fails, and the reference gives them no default.
pub fn keys_to_set() -> std::collections::BTreeSet<String> {
    let problems = validate::parse_values(&Value::Map(defaults_tree())).err().unwrap_or_default();
    problems
        .iter()
        .filter_map(|problem| match problem.path.segments() {
            [helm_engine::Segment::Key(key)] => Some(key.clone()),
            _ => None,
        })
        .collect()
}

/// A problem together with where the offending value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LocatedProblem {
    pub origin: Origin,
    pub path: KeyPath,
    pub message: String,
}

impl fmt::Display for LocatedProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.origin {
            Origin::Default => write!(f, "{}: {}", self.path, self.message),
            origin => write!(f, "{origin}: {}: {}", self.path, self.message),
        }
    }
}

/// Values that break the model's rules; every problem is listed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub struct InvalidValues {
    pub problems: Vec<LocatedProblem>,
}

impl InvalidValues {
    /// The problems in the order the user gave the values: by input (`inputs`, the values
    /// files then the `--set` flags, as they were merged), line and column; then keys nobody
    /// set. The key path breaks ties.
    pub fn in_input_order(mut self, inputs: &[String]) -> Self {
        let rank = |label: &str| inputs.iter().position(|input| input == label).unwrap_or(inputs.len());
        self.problems.sort_by_cached_key(|p| {
            let (rank, line, column) = match &p.origin {
                Origin::File { name, pos } => (
                    rank(name),
                    pos.as_ref().map_or(0, |pos| pos.line),
                    pos.as_ref().map_or(0, |pos| pos.col),
                ),
                Origin::Flag(label) => (rank(label), 0, 0),
                Origin::Default => (inputs.len() + 1, 0, 0),
            };
            (rank, line, column, p.path.clone())
        });
        self
    }
}

impl fmt::Display for InvalidValues {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let count = self.problems.len();
        writeln!(f, "the values are invalid ({count} problem{}):", if count == 1 { "" } else { "s" })?;
        for problem in &self.problems {
            writeln!(f, "  {problem}")?;
        }
        Ok(())
    }
}

/// The user's values coalesced over the defaults, as Helm would hand them to the chart.
pub fn merged_tree(user: &UserValues) -> Value {
    Value::Map(coalesce_values(user.values.clone(), &defaults_tree(), NullRule::Delete))
}

/// Merges the user's values over the defaults and checks them.
pub fn resolve(user: &UserValues) -> Result<Values, InvalidValues> {
    let tree = merged_tree(user);
    validate::parse_values(&tree).map_err(|problems| InvalidValues {
        problems: problems
            .into_iter()
            .map(|p| LocatedProblem {
                // A problem points at the key it is about where the user set it; a
                // conditional requirement of a key the user left out, at a condition's key
                // the user set; otherwise at where the key's value came from.
                origin: user
                    .set_at(&p.path, p.about_key)
                    .or_else(|| p.causes.iter().find_map(|cause| user.set_at(cause, false)))
                    .unwrap_or_else(|| user.origin(&p.path, p.about_key)),
                message: removed_by_null(user, &p.path, p.message),
                path: p.path,
            })
            .collect(),
    })
}

/// A required key the user set to null is missing because null removes a key, as in helm:
/// the message says so, and how to leave a text empty instead.
fn removed_by_null(user: &UserValues, path: &KeyPath, message: String) -> String {
    if message != validate::MISSING || Value::Map(user.values.clone()).get_path(path) != Some(&Value::Null) {
        return message;
    }
    let hint = match Value::Map(defaults_tree()).get_path(path) {
        Some(Value::String(_)) => " (for no value, write \"\")",
        // `front:` with its keys not indented under it reads as null.
        Some(Value::Map(_)) => " (to change some of its keys, indent them under it)",
        _ => "",
    };
    format!("is required, and null removes a key{hint}")
}
