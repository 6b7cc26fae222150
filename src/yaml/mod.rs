//! YAML with Helm's semantics: reading (go-yaml v2 typing, positions for error messages).

mod emit;
mod load;

pub use emit::{KeyOrder, to_yaml};
pub use load::{Document, Pos, Positions, Scalar, YamlError, load_documents, resolve_plain};
