//! Properties of the template engine: whatever the template text and the values, lexing,
//! parsing and executing end with an output or an error, never a panic. (The lexer and the
//! parser alone are checked by their own unit tests.)

use helm_engine::{Map, Value, render_text};
use proptest::prelude::*;

/// Pieces that make template text: delimiters, keywords, operands, functions, literals.
const PIECES: &[&str] = &[
    "{{",
    "}}",
    "{{-",
    "-}}",
    "{{- ",
    " -}}",
    "{{/*",
    "*/}}",
    " ",
    "\n",
    "|",
    "(",
    ")",
    ".",
    "$",
    "$x",
    ":=",
    "=",
    ",",
    "\"s\"",
    "`r`",
    "'c'",
    "1",
    "0",
    "-2",
    "1.5",
    "1e3",
    "0x1F",
    "nil",
    "true",
    "if",
    "else",
    "end",
    "range",
    "with",
    "define",
    "\"t\"",
    "template",
    "block",
    "break",
    "continue",
    ".Values",
    ".a",
    ".b",
    ".Values.m",
    ".Values.l",
    "$.Values",
    "include",
    "tpl",
    "printf",
    "\"%v %d\"",
    "print",
    "len",
    "index",
    "eq",
    "lt",
    "and",
    "or",
    "not",
    "default",
    "quote",
    "toYaml",
    "toJson",
    "fromYaml",
    "dict",
    "list",
    "set",
    "merge",
    "indent",
    "nindent",
    "trunc",
    "upper",
    "int",
    "add",
    "required",
    "fail",
    "semverCompare",
    "regexFind",
    "\"(\"",
    "b64dec",
    "split",
    "keys",
    "first",
    "slice",
    "until",
    "deepCopy",
    "text",
    ":",
    "-",
];

fn template_text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..40).prop_map(|parts| parts.concat())
}

fn values() -> Map {
    let json = serde_json::json!({
        "a": 1, "b": "x", "m": {"k": [1, 2], "n": null}, "l": ["p", 2.5, {"q": true}], "s": "{{ .a }}"
    });
    match Value::from_json(&json, false) {
        Value::Map(m) => m,
        _ => Map::default(),
    }
}

proptest! {
    // Seeded: every run tries the same templates; failures are saved in proptest-regressions/.
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(115),
        ..ProptestConfig::default()
    })]

    #[test]
    fn rendering_never_panics(text in template_text()) {
        // Both outcomes are fine; a panic would fail the test.
        let _ = render_text("t", &text, &values());
    }

    #[test]
    fn rendering_arbitrary_text_never_panics(text in "\\PC{0,60}") {
        let _ = render_text("t", &text, &values());
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    let parens = format!("{{{{ {}1{} }}}}", "(".repeat(5000), ")".repeat(5000));
    assert!(render_text("t", &parens, &Map::default()).is_err());
    let ifs = format!("{}{}", "{{ if 1 }}".repeat(5000), "{{ end }}".repeat(5000));
    assert!(render_text("t", &ifs, &Map::default()).is_err());
    let recursion =
        "{{ define \"r\" }}{{ include \"r\" . }}{{ template \"r\" . }}{{ end }}{{ template \"r\" . }}";
    assert!(render_text("t", recursion, &Map::default()).is_err());
    let cycle = "{{ $d := dict }}{{ $_ := set $d \"self\" $d }}{{ toJson $d }}{{ toYaml $d }}{{ $d }}";
    let _ = render_text("t", cycle, &Map::default());
}

#[test]
fn a_text_given_to_tpl_again_is_run_again_with_its_new_data() {
    // Parsed once per rendering; each call still runs with its own data, and a text that
    // does not parse fails each time.
    let text = r#"{{ range list 1 2 3 }}{{ tpl "<{{ .n }}>" (dict "n" .) }}{{ end }}"#;
    assert_eq!(render_text("t", text, &Map::default()).unwrap(), "<1><2><3>");
    let broken = r#"{{ range list 1 2 }}{{ tpl "{{ .n" (dict "n" .) }}{{ end }}"#;
    let error = render_text("t", broken, &Map::default()).unwrap_err().to_string();
    assert!(error.contains("cannot parse template"), "{error}");
}
