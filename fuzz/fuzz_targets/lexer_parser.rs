//! Fuzzes the template lexer and parser, then the executor, with arbitrary text: every input
//! must end in a result or an error, never a panic or a crash.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mailu_chart::gotmpl::engine::render_text;
use mailu_chart::gotmpl::lexer::{Kind, Lexer};
use mailu_chart::gotmpl::parser::parse;
use mailu_chart::value::Map;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let mut lexer = Lexer::new(text, true, true);
    // The lexer ends with EOF or an error after at most one token per input byte (plus one).
    for _ in 0..=text.len() + 1 {
        if matches!(lexer.next_item().kind, Kind::Eof | Kind::Error) {
            break;
        }
    }
    let _ = parse("fuzz", text, &|name| name == "printf" || name == "include" || name == "len");
    if text.len() < 4096 {
        let _ = render_text("fuzz", text, &Map::new());
    }
});
