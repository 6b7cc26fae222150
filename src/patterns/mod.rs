//! The regular expressions of the values' formats, the schema and the wiring.
//!
//! Every pattern the program checks values against is compiled when the binary is built
//! (`build.rs`, from the schema and [`wiring`]) into a deterministic finite automaton stored
//! in the binary: a run only checks the stored tables (a few microseconds) and allocates
//! nothing. Compiling the patterns at run time was a tenth of a `render` and a third of its
//! heap. Any other pattern (there are none in a release build; tests use some) is compiled
//! with `regex-lite` when a text first meets it. Both engines, like Go's RE2 that helm checks
//! the same patterns with, have leftmost-first semantics, `$` only at the end of the text,
//! and classes that match whole characters.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex, OnceLock};

use regex_automata::Input;
use regex_automata::dfa::{Automaton, dense};

pub mod wiring;

/// A pattern compiled by `build.rs`: the automaton's tables as `regex-automata` serializes
/// them, read (and checked) the first time a text meets the pattern.
struct BuiltIn {
    source: &'static str,
    tables: &'static [u8],
    automaton: OnceLock<Option<dense::DFA<&'static [u32]>>>,
}

/// Keeps tables of bytes at the alignment `regex-automata` reads them at.
#[repr(C)]
struct Aligned<B: ?Sized> {
    _align: [u32; 0],
    bytes: B,
}

// `BUILT_IN`, sorted by source.
include!(concat!(env!("OUT_DIR"), "/patterns.rs"));

type Cache = HashMap<String, Option<Arc<regex_lite::Regex>>>;

static COMPILED: LazyLock<Mutex<Cache>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether `text` matches `pattern`; `None` when the pattern does not compile.
pub fn is_match(pattern: &str, text: &str) -> Option<bool> {
    if let Some(matched) = built_in(pattern).and_then(|automaton| search(automaton, text)) {
        return Some(matched);
    }
    let compiled = {
        let mut cache = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(pattern.to_string())
            .or_insert_with(|| regex_lite::Regex::new(pattern).ok().map(Arc::new))
            .clone()
    };
    compiled.map(|re| re.is_match(text))
}

/// The automaton `build.rs` made of `pattern`, if it made one.
fn built_in(pattern: &str) -> Option<&'static dense::DFA<&'static [u32]>> {
    let index = BUILT_IN.binary_search_by(|b| b.source.cmp(pattern)).ok()?;
    let entry = &BUILT_IN[index];
    entry
        .automaton
        .get_or_init(|| dense::DFA::from_bytes(entry.tables).ok().map(|(automaton, _)| automaton))
        .as_ref()
}

/// Whether the automaton finds a match anywhere in `text`; `None` if it gives up (these
/// automata have no conditions it gives up on, but the answer is then left to `regex-lite`).
fn search(automaton: &dense::DFA<&'static [u32]>, text: &str) -> Option<bool> {
    automaton.try_search_fwd(&Input::new(text).earliest(true)).ok().map(|found| found.is_some())
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn patterns_match_anchored_and_bad_ones_say_so() {
        assert_eq!(is_match("^[a-z]+$", "abc"), Some(true));
        assert_eq!(is_match("^[a-z]+$", "abc\n"), Some(false));
        assert_eq!(is_match("^[a-z]{0,2}$", "abc"), Some(false));
        assert_eq!(is_match("^(", "x"), None);
    }

    #[test]
    fn every_stored_automaton_reads_back() {
        assert!(BUILT_IN.len() > 30);
        assert!(BUILT_IN.is_sorted_by_key(|b| b.source));
        for entry in &BUILT_IN {
            assert!(built_in(entry.source).is_some(), "{}", entry.source);
        }
    }

    #[test]
    fn every_pattern_of_the_formats_and_the_wiring_is_built_in() {
        let formats = crate::values::text::ALL_FORMATS.iter().map(|f| f.pattern);
        for pattern in formats.chain(wiring::ALL.iter().copied()) {
            assert!(built_in(pattern).is_some(), "{pattern} is compiled at run time");
        }
    }

    /// A text the pattern matches (generated from the pattern itself), perhaps with one
    /// character changed, dropped or added: texts on both sides of the line it draws.
    fn near_matches(source: &'static str) -> impl Strategy<Value = String> {
        let body = source.strip_prefix('^').unwrap_or(source);
        let body = body.strip_suffix('$').unwrap_or(body);
        let matching =
            proptest::string::string_regex(body).expect("proptest generates from every stored pattern");
        (matching, 0..4u8, any::<usize>(), proptest::char::range(' ', '\u{e9}')).prop_map(
            |(text, edit, at, c)| {
                let mut chars: Vec<char> = text.chars().collect();
                let at = if chars.is_empty() { 0 } else { at % chars.len() };
                match edit {
                    1 if !chars.is_empty() => chars[at] = c,
                    2 if !chars.is_empty() => drop(chars.remove(at)),
                    3 => chars.insert(at, c),
                    _ => {}
                }
                chars.into_iter().collect()
            },
        )
    }

    proptest::proptest! {
        /// The stored automata decide as `regex-lite` compiling the same pattern decides.
        #[test]
        fn stored_automata_agree_with_regex_lite(
            (source, text) in (0..BUILT_IN.len()).prop_flat_map(|i| {
                let source = BUILT_IN[i].source;
                (Just(source), near_matches(source))
            })
        ) {
            let automaton = built_in(source).expect("stored automata read back");
            let expected = regex_lite::Regex::new(source).expect("stored patterns compile").is_match(&text);
            prop_assert_eq!(search(automaton, &text), Some(expected), "{} on {:?}", source, text);
        }
    }
}
