//! Errors as Go builds them: an execution error names the template, the location and the
//! node being evaluated, and may wrap the error a function returned (which may itself be an
//! execution error of an `include`). Helm formats the whole chain, so the chain is kept.

use std::fmt;

/// Where an execution error happened: Go's `ErrorContext`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Location {
    /// The file (parse name) of the node.
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 0-based byte column, as Go counts it.
    pub col: usize,
}

/// A failed execution step: Go's `ExecError`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ExecFailure {
    /// The name of the template being executed.
    pub name: String,
    /// Where, when a node was being evaluated.
    pub location: Option<Location>,
    /// The node, as Go prints it.
    pub context: String,
    /// The message, including the text of the wrapped error, if any.
    pub message: String,
    /// The error this one wraps (a function's error), if any.
    pub cause: Option<Box<GoError>>,
}

/// An error as Go chains them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum GoError {
    /// A template execution error.
    Exec(Box<ExecFailure>),
    /// Any other error, possibly wrapping another (`fmt.Errorf` with `%w`).
    Plain {
        /// The full text.
        text: String,
        /// The wrapped error.
        cause: Option<Box<GoError>>,
    },
}

impl GoError {
    /// A plain error.
    pub(crate) fn msg(text: impl Into<String>) -> GoError {
        GoError::Plain { text: text.into(), cause: None }
    }

    /// A plain error whose text ends with, and which wraps, `cause` (`fmt.Errorf("...: %w")`).
    pub(crate) fn wrap(prefix: &str, cause: GoError) -> GoError {
        GoError::Plain { text: format!("{prefix}{cause}"), cause: Some(Box::new(cause)) }
    }

    /// The texts of the error and of everything it wraps, in `errors.Unwrap` order. An
    /// execution error appears twice (the `ExecError` and the formatted error inside it),
    /// as in Go.
    pub(crate) fn chain(&self) -> Vec<String> {
        let mut out = Vec::new();
        let mut current = Some(self);
        while let Some(e) = current {
            match e {
                GoError::Exec(f) => {
                    let text = e.to_string();
                    out.push(text.clone());
                    out.push(text);
                    current = f.cause.as_deref();
                }
                GoError::Plain { text, cause } => {
                    out.push(text.clone());
                    current = cause.as_deref();
                }
            }
        }
        out
    }
}

impl fmt::Display for GoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GoError::Plain { text, .. } => f.write_str(text),
            GoError::Exec(e) => match &e.location {
                Some(loc) => write!(
                    f,
                    "template: {}:{}:{}: executing {} at <{}>: {}",
                    loc.file,
                    loc.line,
                    loc.col,
                    crate::strconv::quote(&e.name),
                    e.context,
                    e.message
                ),
                None => write!(f, "template: {}: {}", e.name, e.message),
            },
        }
    }
}

impl std::error::Error for GoError {}
