//! YAML with Helm's semantics: reading with go-yaml v2's typing and the position of every
//! node (for error messages), and writing byte for byte as go-yaml v2 writes (Helm's
//! `toYaml`), and as go-yaml v3 writes a Go value (Helm's `toYamlPretty`).

mod block;
mod emit;
mod load;
mod pretty;

pub use emit::{KeyOrder, push_yaml, to_yaml};
#[doc(hidden)]
pub use load::check_fast_readers;
pub use load::{
    Pos, Positions, YamlDocument, YamlError, load_first_yaml_document, load_yaml_documents,
    load_yaml_documents_keeping_integers,
};
pub(crate) use load::{load_manifest_head, load_values_document};
pub use pretty::to_yaml_pretty;
pub(crate) use pretty::{PrettyNode, go_map_order, pretty_document};
