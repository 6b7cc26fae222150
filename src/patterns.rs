//! The regular expressions of the values' formats, the schema and the wiring: compiled once
//! per process, and only when a text first meets them. They are compiled with `regex-lite`,
//! whose compiling costs a small fraction of `regex`'s (it dominated a whole `render` run);
//! the texts they match are short. Its `\s`, `\d` and `\w` are ASCII-only, like Go's RE2, which
//! helm checks the same patterns with; the patterns here avoid them.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

type Cache = HashMap<String, Option<Arc<regex_lite::Regex>>>;

static COMPILED: LazyLock<Mutex<Cache>> = LazyLock::new(|| Mutex::new(HashMap::new()));

/// Whether `text` matches `pattern`; `None` when the pattern does not compile.
pub fn is_match(pattern: &str, text: &str) -> Option<bool> {
    let compiled = {
        let mut cache = COMPILED.lock().unwrap_or_else(|e| e.into_inner());
        cache
            .entry(pattern.to_string())
            .or_insert_with(|| regex_lite::Regex::new(pattern).ok().map(Arc::new))
            .clone()
    };
    compiled.map(|re| re.is_match(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_anchored_and_bad_ones_say_so() {
        assert_eq!(is_match("^[a-z]+$", "abc"), Some(true));
        assert_eq!(is_match("^[a-z]+$", "abc\n"), Some(false));
        assert_eq!(is_match("^[a-z]{0,2}$", "abc"), Some(false));
        assert_eq!(is_match("^(", "x"), None);
    }
}
