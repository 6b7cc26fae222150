//! Fuzzes the template lexer, parser and executor with arbitrary text, rendered with Helm's
//! functions: every input must end in an output or an error, never a panic or a crash.
#![no_main]

use helm_engine::{Map, render_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Longer inputs only repeat what shorter ones cover, at a higher cost per run.
    if text.len() < 4096 {
        let _ = render_text("fuzz", text, &Map::default());
    }
});
