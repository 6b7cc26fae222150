//! mailu-chart: deploys the Mailu mail server on Kubernetes from one typed values file, as
//! rendered manifests or as an equivalent Helm chart.

// Standard error and output are written through `cli`, which survives a closed pipe;
// `println!` and `eprintln!` panic on one.
#![deny(clippy::print_stdout, clippy::print_stderr)]

mod baked;
pub mod chart;
pub mod cli;
pub mod components;
pub mod diff;
pub mod dns;
pub mod eval;
pub mod graph;
pub mod migrate;
pub mod objects;
pub mod patterns;
pub mod render;
pub mod values;
