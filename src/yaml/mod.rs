//! YAML with Helm's semantics: reading (go-yaml v2 typing, positions for error messages).

mod load;

pub use load::{Document, Pos, Positions, Scalar, YamlError, load_documents, resolve_plain};
