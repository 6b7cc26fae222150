//! `.helmignore`: which files of a chart directory Helm leaves out, with Helm's matching
//! rules (including its odd negation).

use super::chart::ChartLoadError;
use super::glob::path_match;

/// `.helmignore` rules, with Helm's matching (including its odd negation).
#[derive(Clone, Debug, Default)]
pub(crate) struct IgnoreRules {
    patterns: Vec<IgnorePattern>,
}

#[derive(Clone, Debug)]
struct IgnorePattern {
    rule: String,
    negate: bool,
    must_dir: bool,
    kind: PatternKind,
    shape: Shape,
}

/// What a rule's pattern asks, told once: a chart's files are each checked against every
/// rule, and most rules are a name or `*.suffix`, which need no glob matcher.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Shape {
    /// No `*`, `?`, `[` or `\\`: matches itself only.
    Literal,
    /// `*` then a literal: any name ending with it, with no `/` before.
    Suffix,
    /// Anything else, for the glob matcher.
    Glob,
}

impl Shape {
    fn of(rule: &str) -> Shape {
        let is_meta = |c: char| matches!(c, '*' | '?' | '[' | '\\');
        match rule.strip_prefix('*') {
            _ if !rule.contains(is_meta) => Shape::Literal,
            Some(rest) if !rest.contains(is_meta) => Shape::Suffix,
            _ => Shape::Glob,
        }
    }
}

impl IgnorePattern {
    fn matches(&self, target: &str) -> bool {
        match self.shape {
            Shape::Literal => target == self.rule,
            Shape::Suffix => {
                let suffix = &self.rule[1..];
                target.strip_suffix(suffix).is_some_and(|before| !before.contains('/'))
            }
            Shape::Glob => path_match(&self.rule, target).unwrap_or(false),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PatternKind {
    /// Anchored at the chart root (`/x`).
    Rooted,
    /// Contains a slash: matched against the whole path.
    Path,
    /// Matched against the base name.
    Base,
}

impl IgnoreRules {
    /// Parses a `.helmignore` text.
    pub(crate) fn parse(text: &str) -> Result<IgnoreRules, ChartLoadError> {
        let mut rules = IgnoreRules::default();
        for line in text.lines() {
            let line = line.strip_prefix('\u{feff}').unwrap_or(line);
            rules.add(line)?;
        }
        Ok(rules)
    }

    /// Adds Helm's default rule (dot files directly under `templates/`).
    pub(crate) fn with_defaults(mut self) -> IgnoreRules {
        let _ = self.add("templates/.?*");
        self
    }

    fn add(&mut self, rule: &str) -> Result<(), ChartLoadError> {
        let mut rule = rule.trim();
        if rule.is_empty() || rule.starts_with('#') {
            return Ok(());
        }
        if rule.contains("**") {
            return Err(ChartLoadError::HelmIgnore("double-star (**) syntax is not supported".into()));
        }
        if path_match(rule, "abc").is_none() {
            return Err(ChartLoadError::HelmIgnore("syntax error in pattern".into()));
        }
        let negate = rule.starts_with('!');
        if negate {
            rule = &rule[1..];
        }
        let must_dir = rule.ends_with('/');
        if must_dir {
            rule = &rule[..rule.len() - 1];
        }
        let (kind, rule) = if let Some(r) = rule.strip_prefix('/') {
            (PatternKind::Rooted, r)
        } else if rule.contains('/') {
            (PatternKind::Path, rule)
        } else {
            (PatternKind::Base, rule)
        };
        self.patterns.push(IgnorePattern {
            rule: rule.to_string(),
            negate,
            must_dir,
            kind,
            shape: Shape::of(rule),
        });
        Ok(())
    }

    /// Whether a path (relative to the chart, `/`-separated) is ignored.
    pub(crate) fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        for p in &self.patterns {
            // A rule for directories does not match a file: a negated one ignores it.
            if p.must_dir && !is_dir {
                if p.negate {
                    return true;
                }
                continue;
            }
            let target = match p.kind {
                PatternKind::Base => path.rsplit('/').next().unwrap_or(path),
                _ => path,
            };
            let matched = p.matches(target);
            if p.negate {
                if !matched {
                    return true;
                }
                continue;
            }
            if matched {
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_suffixes_match_as_the_glob_matcher_does() {
        let names =
            ["a.bak", ".bak", "x/a.bak", "a.bakx", "secret.txt", "Secret.txt", "a~", "~", "dir/x~", ""];
        for rule in ["*.bak", "secret.txt", "*~", "*", "a.bak", ".git", "x/a.bak", "*/a.bak", "a?bak", "[a]*"]
        {
            let rules = IgnoreRules::parse(rule).unwrap();
            let pattern = &rules.patterns[0];
            for name in names {
                let glob = path_match(&pattern.rule, name).unwrap_or(false);
                assert_eq!(pattern.matches(name), glob, "{rule} on {name:?} ({:?})", pattern.shape);
            }
        }
    }

    #[test]
    fn ignore_rules() {
        let rules = IgnoreRules::parse("# comment\n*.bak\n/secret.txt\nlogs/\n").unwrap().with_defaults();
        assert!(rules.ignore("a/b.bak", false));
        assert!(rules.ignore("secret.txt", false));
        assert!(!rules.ignore("x/secret.txt", false));
        assert!(rules.ignore("logs", true));
        assert!(!rules.ignore("logs", false));
        assert!(rules.ignore("templates/.x", false));
    }
}
