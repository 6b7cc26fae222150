//! Helm's template engine in Rust: what `helm template` does, byte for byte as helm 4
//! prints it, without a helm binary.
//!
//! - Go's `text/template` language (lexer, parser, executor, Go's typed values and `fmt`
//!   printing, Go's error messages);
//! - the Sprig and Helm function libraries (`include`, `tpl`, `toYaml`, random values, keys
//!   and certificates, dates, ...), with a reproducible mode helm lacks: `RenderOptions`'s
//!   `seed`, `now` and `time_zone` fix every random value, the clock and the local zone (a
//!   seeded secret is only as secret as the seed);
//! - chart loading (`Chart.yaml`, `values.yaml`, `values.schema.json`, `.helmignore`,
//!   subcharts), values input (`-f`, `--set`, `--set-string`, `--set-json`, `--set-file`,
//!   `--set-literal`) with the origin of every key, and Helm's coalescing;
//! - YAML read with go-yaml v2's typing and written byte for byte as go-yaml v2 writes it;
//! - Go's number spelling (`5.24288e+07`);
//! - `helm template`'s output: documents in install order, `# Source:` framing,
//!   `--show-only`, `--output-dir`.
//!
//! What is not supported, and how it shows, is listed in the crate's `COMPATIBILITY.md`.
//!
//! # Example
//!
//! ```no_run
//! use std::path::Path;
//!
//! use helm_engine::{RenderOptions, UserValues, ValueInputs, load_chart, render_chart};
//!
//! let inputs = ValueInputs { set: vec!["replicas=3".into()], ..Default::default() };
//! let user = UserValues::collect(&inputs, &mut |path: &str| std::fs::read(path).map_err(|e| e.to_string()))?;
//! let chart = load_chart(Path::new("./my-chart"))?;
//! let options = RenderOptions { release_name: "demo".into(), ..Default::default() };
//! let rendered = render_chart(&chart, &user.values, &options)?;
//! print!("{}", rendered.template_output(&options)?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! # Layers
//!
//! Modules are layered, each importing only those below it:
//!
//! 1. `value` (the dynamic value tree) and `strconv` (Go's number parsing and formatting,
//!    quoting);
//! 2. `yaml` (reading and writing);
//! 3. `template` (the language; the function table is handed to it, so it knows no library);
//! 4. `funcs` (Sprig's and Helm's functions);
//! 5. `helm` (charts, values input and coalescing, schema checks, rendering, output).
#![warn(missing_docs)]

mod base64;
mod beside;
mod funcs;
mod go_unicode;
mod gourl;
mod helm;
mod strconv;
mod template;
mod value;
mod yaml;

pub use funcs::{TimeParseError, parse_go_duration, parse_time, seed_from_text};
pub use helm::MAX_SETTINGS_FILE_SIZE;
pub use helm::chart::{Chart, ChartLoadError, load_chart, load_chart_archive, load_chart_file};
pub use helm::coalesce::{NullRule, coalesce_values, merge_maps};
pub use helm::dependency_update::{
    DependencySources, DependencyUpdateError, UpdatedChart, load_chart_updating_dependencies,
};
pub use helm::engine::{
    ChartRenderError, RENDER_STACK_SIZE, RenderOptions, Rendered, check_kube_version, helm_template,
    release_name_problem, render_chart, render_owned_chart, render_owned_chart_on_current_thread,
    render_text,
};
pub use helm::locate::{ChartRequest, LocateError, LocatedChart, locate_chart};
pub use helm::name_template::render_name_template;
pub use helm::output::{
    OutputDirError, RenderedDocument, ShowOnlyError, debug_dump, frame_document, push_framed_document,
    show_only, show_only_in_output, sort_in_install_order, write_output_dir,
};
pub use helm::repository::RepositoryPaths;
pub use helm::schema::json_schema_equal;
pub use helm::strvals::{FileReader, SetError, SetKind, parse_set};
pub use helm::values::{Origin, UserValues, ValueInputs, ValuesInputError};
pub use helm::verdict::{
    Additional, Applicator, Bounds, Condition, Counts, Schema, Types, Verdict, exact_number, verdict,
};
pub use helm::web::{TlsFiles, ValuesFetchError, fetch_values_file};
pub use strconv::{format_float_g, format_float_json, parse_go_int, quote as go_quote};
pub use value::{KeyPath, Map, Segment, TypedError, Value, from_value, to_value};
#[doc(hidden)]
pub use yaml::check_fast_readers;
pub use yaml::{
    KeyOrder, Pos, Positions, YamlDocument, YamlError, load_first_yaml_document, load_yaml_documents,
    load_yaml_documents_keeping_integers, push_yaml, to_yaml, to_yaml_pretty,
};
