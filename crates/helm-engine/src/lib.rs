//! A Helm-compatible chart renderer: Go's `text/template` language, the Sprig and Helm
//! function libraries, Helm's chart loading, values handling and `helm template` output.

pub mod funcs;
pub mod helm;
pub mod strconv;
pub mod template;
pub mod value;
pub mod yaml;

pub use helm::chart::{Chart, ChartLoadError, load_chart};
pub use helm::coalesce::{NullRule, coalesce_values, merge_maps};
pub use helm::engine::Rendered;
pub use helm::engine::render_text;
pub use helm::engine::{ChartRenderError, RenderOptions, render_chart, template_command};
pub use helm::output::{
    OutputDirError, RenderedDocument, ShowOnlyError, frame_document, show_only, sort_in_install_order,
    write_output_dir,
};
pub use helm::strvals::{FileReader, SetError, SetKind, parse_set};
pub use helm::values::{Origin, UserValues, ValueInputs, ValuesInputError};
pub use strconv::format_float_json;
pub use strconv::quote as go_quote;
pub use template::error::GoError;
pub use template::parser::parse as parse_template;
pub use template::value::Val;
pub use value::{KeyPath, Map, Segment, Value};
pub use yaml::{KeyOrder, Pos, Positions, YamlDocument, YamlError, load_yaml_documents, to_yaml};
