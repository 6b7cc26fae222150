//! Properties that must hold for any input: readers never panic, and `--set` round-trips.

use helm_engine::{Map, SetKind, Value, load_yaml_documents, parse_set};
use proptest::prelude::*;

proptest! {
    // Seeded, so that every run tries the same inputs; a failure is saved beside this file
    // (proptest-regressions/) and tried first from then on.
    #![proptest_config(ProptestConfig {
        rng_seed: proptest::test_runner::RngSeed::Fixed(512),
        ..ProptestConfig::with_cases(512)
    })]

    #[test]
    fn the_yaml_reader_never_panics(text in "(?s).{0,200}") {
        let _ = load_yaml_documents(&text);
    }

    #[test]
    fn yaml_like_text_never_panics(text in "([a-z]{1,3}|[:\\-\\[\\]{},&*!|>'\"#%@` \n]|[0-9.]{1,4}){0,60}") {
        let _ = load_yaml_documents(&text);
    }

    #[test]
    fn set_parsing_never_panics(text in "([a-z]{1,3}|[=.,\\[\\]{}\\\\]|[0-9]{1,3}){0,40}") {
        for kind in [SetKind::Typed, SetKind::String, SetKind::Json, SetKind::Literal, SetKind::File] {
            let mut map = Map::default();
            let _ = parse_set(&text, kind, &mut map, &mut |_: &str| Ok(String::new()));
        }
    }

    #[test]
    fn set_round_trips_plain_keys(keys in prop::collection::vec("[a-z][a-zA-Z0-9]{0,8}", 1..5), n in any::<i64>()) {
        let text = format!("{}={n}", keys.join("."));
        let mut map = Map::default();
        parse_set(&text, SetKind::Typed, &mut map, &mut |_: &str| Ok(String::new())).unwrap();
        let got = Value::Map(map).get_dotted(&keys.join(".")).cloned();
        prop_assert_eq!(got, Some(Value::Int(n)));
    }
}
