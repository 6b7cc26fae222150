//! The wiring's trees as data in the program: `build.rs` builds them with `objects::build`
//! and writes them out as statics (`build/wiring.rs`), so a run builds nothing.

include!(concat!(env!("OUT_DIR"), "/wiring.rs"));
