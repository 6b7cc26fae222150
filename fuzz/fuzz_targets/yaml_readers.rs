//! Fuzzes the fast paths of the YAML reader against its general parser: wherever the block
//! reader reads a text, its documents must be the parser's, and a rendered manifest's head
//! (its `apiVersion`, `kind` and `metadata`, read without building the rest) must be that of
//! the whole document, or the same error. Any difference is a failure.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    // The readers work line by line; longer inputs only repeat what shorter ones cover.
    if data.len() > 8192 {
        return;
    }
    let Ok(text) = std::str::from_utf8(data) else { return };
    if let Err(problem) = helm_engine::check_fast_readers(text) {
        panic!("the fast YAML readers differ from the general parser: {problem}");
    }
});
