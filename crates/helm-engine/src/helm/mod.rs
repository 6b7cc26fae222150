//! Helm: chart loading, values input and coalescing, schema checks, rendering a chart with
//! `include` and `tpl`, and `helm template`'s output.

pub mod chart;
pub mod coalesce;
pub mod engine;
pub mod glob;
pub mod ignore;
pub mod merge;
pub mod objects;
pub mod output;
pub mod schema;
pub mod strvals;
pub mod values;
