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
            let _ = parse_set(&text, kind, &mut map, &mut |_: &str| Ok(Vec::new()));
        }
    }

    #[test]
    fn set_builds_the_tree_its_path_names(
        first in key_segment(),
        rest in prop::collection::vec(segment(), 0..4),
        n in any::<i64>(),
    ) {
        let mut path = vec![first];
        path.extend(rest);
        let text = format!("{}={n}", set_path(&path));
        let mut map = Map::default();
        parse_set(&text, SetKind::Typed, &mut map, &mut |_: &str| Ok(Vec::new())).unwrap();
        prop_assert_eq!(Value::Map(map), tree(&path, Value::Int(n)), "--set {}", text);
    }
}

/// One step of a `--set` path: a key of a map, or an index of a list.
#[derive(Clone, Debug)]
enum Segment {
    Key(String),
    Index(usize),
}

/// Keys with the characters `--set` gives a meaning to (`.`, `[`, `]`, `=`, `,`, `\`),
/// which the path must escape.
fn key_segment() -> impl Strategy<Value = Segment> {
    "([a-z0-9]|[.=,\\[\\]\\\\]){1,6}".prop_map(Segment::Key)
}

fn segment() -> impl Strategy<Value = Segment> {
    prop_oneof![key_segment(), (0usize..4).prop_map(Segment::Index)]
}

/// The path as written on the command line: keys joined by `.` with their special characters
/// escaped by `\`, indexes in brackets.
fn set_path(path: &[Segment]) -> String {
    let mut text = String::new();
    for (i, segment) in path.iter().enumerate() {
        match segment {
            Segment::Key(key) => {
                if i > 0 {
                    text.push('.');
                }
                for c in key.chars() {
                    if matches!(c, '.' | '[' | ']' | '=' | ',' | '\\') {
                        text.push('\\');
                    }
                    text.push(c);
                }
            }
            Segment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

/// The tree a path names, built by hand: a map per key, a list per index whose earlier
/// entries are null, as helm fills them.
fn tree(path: &[Segment], leaf: Value) -> Value {
    let Some((segment, rest)) = path.split_first() else {
        return leaf;
    };
    let inner = tree(rest, leaf);
    match segment {
        Segment::Key(key) => {
            let mut map = Map::default();
            map.insert(key.clone(), inner);
            Value::Map(map)
        }
        Segment::Index(index) => {
            let mut list = vec![Value::Null; *index];
            list.push(inner);
            Value::List(list)
        }
    }
}
