//! A Helm-compatible chart renderer: Go's `text/template` language, the Sprig and Helm
//! function libraries, Helm's chart loading, values handling and `helm template` output.
//!
//! The aim is the same output as helm 4 for the same chart and inputs, byte for byte,
//! including error messages. What differs is listed in `COMPATIBILITY.md`.
//!
//! Layers, bottom up:
//! - [`lexer`], [`parser`], [`ast`]: template text into parse trees, with Go's errors;
//! - [`value`], [`objects`], [`fmt`]: Go-typed values and Go's printing;
//! - [`exec`]: executing trees against data, [`funcs`]: the functions;
//! - [`chart`], [`engine`], [`output`]: charts, Helm's rendering, `helm template`'s output.

pub mod ast;
pub mod chart;
pub mod coalesce;
pub mod engine;
pub mod error;
pub mod exec;
pub mod fmt;
pub mod funcs;
pub mod glob;
pub mod lexer;
pub mod objects;
pub mod output;
pub mod parser;
pub mod schema;
pub mod sig;
pub mod value;

pub use chart::{Chart, ChartError, load_chart};
pub use engine::{RenderError, RenderOptions, render_chart, template_command};
pub use error::GoError;
pub use value::Val;
