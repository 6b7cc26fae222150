//! Go's `text/template` language: lexer, parser, parse trees, the executor, Go-typed values,
//! Go's `fmt` printing, errors in Go's words, and Go's own builtin functions.

pub(crate) mod ast;
pub(crate) mod builtins;
pub(crate) mod error;
pub(crate) mod exec;
pub(crate) mod fmt;
pub(crate) mod funcs;
pub(crate) mod lexer;
pub(crate) mod parser;
pub(crate) mod sig;
pub(crate) mod value;
