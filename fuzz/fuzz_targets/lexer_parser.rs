//! Fuzzes the template parser (and with it the lexer), then the executor, with arbitrary
//! text: every input must end in a result or an error, never a panic or a crash.
#![no_main]

use helm_engine::{Map, parse_template, render_text};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_template("fuzz", text, &|name| name == "printf" || name == "include" || name == "len");
    if text.len() < 4096 {
        let _ = render_text("fuzz", text, &Map::new());
    }
});
