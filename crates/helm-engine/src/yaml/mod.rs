//! YAML with Helm's semantics: reading (go-yaml v2 typing, positions for error messages).

mod emit;
mod load;

pub use emit::{KeyOrder, to_yaml};
pub use load::{Pos, Positions, Scalar, YamlDocument, YamlError, load_yaml_documents, resolve_plain};
