//! Fuzzes reading a values file the way `validate` and `render` read one: YAML (with Helm's
//! rules), coalescing over the defaults, the schema and the rules beyond it, the typed model,
//! and, when the values pass, rendering every object. Every input must end in values, a
//! located error or manifests, never a panic or a crash.
#![no_main]

use helm_engine::{UserValues, ValueInputs};
use libfuzzer_sys::fuzz_target;
use mailu_chart::render::{Release, render};
use mailu_chart::values::resolve;

fuzz_target!(|data: &[u8]| {
    // Longer inputs only repeat what shorter ones cover, at a higher cost per run.
    if data.len() > 8192 {
        return;
    }
    let inputs = ValueInputs { files: vec![("fuzz.yaml".into(), data.to_vec())], ..Default::default() };
    let Ok(user) = UserValues::collect(&inputs, &mut |_: &str| Err("no files".into())) else {
        return;
    };
    match resolve(&user) {
        Ok(values) => {
            let _ = render(&values, &Release::default());
        }
        Err(invalid) => {
            let _ = invalid.to_string();
        }
    }
});
