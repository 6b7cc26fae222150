//! Go's `text/template` language: lexer, parser, parse trees, the executor, Go-typed values,
//! Go's `fmt` printing, errors in Go's words, and Go's own builtin functions.
//!
//! The language imports only `value`, `strconv` and nothing above them: which functions
//! exist (beyond Go's builtins) is decided by the caller through [`funcs::FuncTable`], and
//! host objects such as Helm's `.Files` come in through [`value::GoObject`].

pub(crate) mod ast;
pub(crate) mod builtins;
pub(crate) mod error;
pub(crate) mod exec;
pub(crate) mod fmt;
pub(crate) mod funcs;
pub(crate) mod go_struct;
pub(crate) mod lexer;
pub(crate) mod parser;
pub(crate) mod sig;
pub(crate) mod value;
