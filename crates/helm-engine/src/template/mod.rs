//! Go's `text/template` language: lexer, parser, parse trees, the executor, Go-typed values,
//! Go's `fmt` printing, errors in Go's words, and Go's own builtin functions.

pub mod ast;
pub mod builtins;
pub mod error;
pub mod exec;
pub mod fmt;
pub mod funcs;
pub mod lexer;
pub mod parser;
pub mod sig;
pub mod value;
