//! Fuzzes the `--set` family: the first byte picks the flag (`--set`, `--set-string`,
//! `--set-json`, `--set-file`, `--set-literal`), the rest is its text. The text is parsed as
//! Helm parses it, layered over a minimal values file, located (every problem names the flag it
//! came from) and validated. Every input must end in values or an error, never a panic.
#![no_main]

use helm_engine::{UserValues, ValueInputs};
use libfuzzer_sys::fuzz_target;
use mailu_chart::values::resolve;

const MINIMAL: &str = "domain: example.com\nhostnames: [mail.example.com]\nsubnet: 10.42.0.0/16\n";

fuzz_target!(|data: &[u8]| {
    let Some((&kind, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    if text.len() > 2048 {
        return;
    }
    let mut inputs = ValueInputs { files: vec![("values.yaml".into(), MINIMAL.into())], ..Default::default() };
    let flag = match kind % 5 {
        0 => &mut inputs.set,
        1 => &mut inputs.set_string,
        2 => &mut inputs.set_json,
        3 => &mut inputs.set_file,
        _ => &mut inputs.set_literal,
    };
    flag.push(text.to_string());
    // --set-file reads a file: the fuzzer's text stands for its contents too.
    let mut read_file = |path: &str| Ok(format!("{path}\n{text}").into_bytes());
    let Ok(user) = UserValues::collect(&inputs, &mut read_file) else {
        return;
    };
    if let Err(invalid) = resolve(&user) {
        let _ = invalid.to_string();
    }
});
