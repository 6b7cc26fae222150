//! `mailu-chart migrate`: values written for Mailu's official Helm chart become ours.
//!
//! The work is pure: official values (as helm reads them) in, our values and a report out.
//! [`table`] says for every official setting where it goes or why it cannot; the generic pass
//! here applies the one-to-one rules, and `combine` the decisions several settings make
//! together (how traffic arrives, the certificate, the database, the Secrets). The same table
//! prints the mapping in `docs/migrate.md` ([`docs`]).

mod combine;
mod convert;
pub mod docs;
pub mod official;
mod refusals;
mod report;
mod secrets;
pub mod table;

use std::collections::{HashMap, HashSet};
use std::sync::LazyLock;

use helm_engine::{KeyOrder, Map, UserValues, Value, ValueInputs, to_yaml};
use indexmap::IndexMap;

pub use refusals::Refusal;
pub use secrets::{SecretPlan, Source};
use table::{Default, Fate, RULES, Rule};

/// Where the official chart ran: its release name and namespace, for the names of the objects
/// it created (Secrets to copy, Services to point at).
#[derive(Clone, Debug)]
pub struct Options {
    pub release_name: String,
    pub namespace: String,
}

impl std::default::Default for Options {
    fn default() -> Self {
        Options { release_name: "mailu".into(), namespace: "mailu".into() }
    }
}

/// What became of one official setting found in the values.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The same setting here.
    Carried { to: String },
    /// A setting here, with a difference.
    Changed { to: String, how: String },
    /// No home here.
    NotCarried { why: String },
    /// Not a setting of the official chart.
    Unknown { why: String },
}

/// The migrated values and everything the report says.
#[derive(Clone, Debug)]
pub struct Migration {
    /// Our values, in the order of the values reference.
    pub values: Map,
    /// What in the values the official chart refuses to render (they cannot be what runs now).
    pub refused: Vec<Refusal>,
    /// Every official setting found, in the order of the input, with its outcome.
    pub findings: IndexMap<String, Outcome>,
    /// How many settings repeat the official default (they count as not set).
    pub repeated_defaults: usize,
    /// Where the defaults of the two charts differ, and what was done about it.
    pub defaults: Vec<String>,
    /// What the operator should know: decisions the migration made, things to check.
    pub notes: Vec<String>,
    /// The Secrets to create before installing.
    pub secrets: Vec<SecretPlan>,
    /// Keys the values need that the official values cannot give: key, what to write.
    pub to_add: Vec<(String, String)>,
}

/// Migrates official values (merged as helm merges them).
pub fn migrate(official: &Map, options: &Options) -> Migration {
    let mut builder = Builder::new(official, options);
    let found = walk(official, "", &mut builder);
    for leaf in &found {
        builder.apply(leaf);
    }
    combine::before_defaults(&mut builder);
    builder.apply_defaults();
    combine::all(&mut builder);
    builder.take_out_invalid();
    builder.finish()
}

/// An official leaf found in the input.
struct Found {
    key: String,
    component: Option<&'static str>,
    rule: &'static Rule,
    value: Value,
    /// A switch below a map the user set to null: it takes part, but the user did not write
    /// it (no line of its own, not counted).
    implied: bool,
}

/// The table, indexed: exact keys (without `[]`), the keys above them, and the patterns.
struct Index {
    exact: HashMap<String, (&'static Rule, Option<&'static str>)>,
    parents: HashSet<String>,
    /// `(prefix, deep, rule, component)`: `prefix.*` (one level) or `prefix.**` (any depth).
    patterns: Vec<(String, bool, &'static Rule, Option<&'static str>)>,
}

static INDEX: LazyLock<Index> = LazyLock::new(|| {
    let mut index = Index { exact: HashMap::new(), parents: HashSet::new(), patterns: Vec::new() };
    for rule in RULES {
        for (path, component) in rule.expand() {
            let key = path.strip_suffix("[]").unwrap_or(&path).to_string();
            if let Some(prefix) = key.strip_suffix(".**") {
                // The walk looks below known keys only: the maps these patterns cover are
                // known keys too (`certmanager`, `mail`: removed keys with nothing listed).
                let mut parent = prefix;
                index.parents.insert(parent.to_string());
                while let Some((up, _)) = parent.rsplit_once('.') {
                    index.parents.insert(up.to_string());
                    parent = up;
                }
                index.patterns.push((prefix.to_string(), true, rule, component));
            } else if let Some(prefix) = key.strip_suffix(".*") {
                index.patterns.push((prefix.to_string(), false, rule, component));
            } else {
                let mut parent = key.as_str();
                while let Some((up, _)) = parent.rsplit_once('.') {
                    index.parents.insert(up.to_string());
                    parent = up;
                }
                index.exact.insert(key, (rule, component));
            }
        }
    }
    index
});

impl Index {
    fn pattern(&self, key: &str) -> Option<(&'static Rule, Option<&'static str>)> {
        let parent = key.rsplit_once('.').map(|(p, _)| p);
        self.patterns
            .iter()
            .filter(|(prefix, deep, _, _)| {
                if *deep { key.starts_with(&format!("{prefix}.")) } else { parent == Some(prefix.as_str()) }
            })
            // The longest prefix is the most specific.
            .max_by_key(|(prefix, _, _, _)| prefix.len())
            .map(|(_, _, rule, component)| (*rule, *component))
    }

    /// Official keys under `parent` (one level), for suggestions.
    fn children(&self, parent: &str) -> Vec<String> {
        let prefix = if parent.is_empty() { String::new() } else { format!("{parent}.") };
        let mut names: Vec<String> = self
            .exact
            .keys()
            .chain(self.parents.iter())
            .filter_map(|k| k.strip_prefix(&prefix))
            .map(|rest| rest.split('.').next().unwrap_or(rest).to_string())
            .collect();
        names.sort();
        names.dedup();
        names
    }
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_string() } else { format!("{prefix}.{key}") }
}

/// Finds the official leaves in the input, in its order; records unknown keys.
fn walk(map: &Map, prefix: &str, builder: &mut Builder) -> Vec<Found> {
    let index = &*INDEX;
    let mut found = Vec::new();
    // The official keys beside these, for suggestions: found once per map, not once per
    // unknown key.
    let mut siblings: Option<Vec<String>> = None;
    for (name, value) in map {
        let key = join(prefix, name);
        if *value == Value::Null {
            // helm removes a key set to null, default and all.
            if index.parents.contains(&key) && !in_subchart(&key) {
                builder.findings.insert(key.clone(), Outcome::NotCarried { why: REMOVED_MAP.into() });
                // The switches below are off: their rules say what that means here (those of
                // a component the null turned off do not matter).
                let below = format!("{key}.");
                let switch_only = table::ALL.contains(&key.as_str()).then(|| format!("{key}.enabled"));
                for leaf in official::LEAVES.iter().filter(|leaf| {
                    leaf.path.starts_with(&below) && switch_only.as_ref().is_none_or(|only| leaf.path == only)
                }) {
                    if let (Some(Value::Bool(_)), Some((rule, component))) =
                        (official::DEFAULTS.get(leaf.path), index.exact.get(leaf.path))
                    {
                        let key = leaf.path.to_string();
                        found.push(Found {
                            key,
                            component: *component,
                            rule,
                            value: NULL_SWITCH.clone(),
                            implied: true,
                        });
                    }
                }
                continue;
            }
            if builder.input.removed(&key) {
                builder.findings.insert(key, Outcome::NotCarried { why: REMOVED.into() });
                continue;
            }
            if let Some(Value::Bool(_)) = official::DEFAULTS.get(key.as_str())
                && let Some((rule, component)) = index.exact.get(&key)
            {
                found.push(Found {
                    key,
                    component: *component,
                    rule,
                    value: NULL_SWITCH.clone(),
                    implied: false,
                });
            }
            continue;
        }
        if let Some((rule, component)) = index.exact.get(&key) {
            found.push(Found { key, component: *component, rule, value: value.clone(), implied: false });
        } else if index.parents.contains(&key) {
            match value {
                Value::Map(inner) => found.extend(walk(inner, &key, builder)),
                other => {
                    let why =
                        format!("the official chart expects a map here, found {}", convert::describe(other));
                    builder.findings.insert(key, Outcome::Unknown { why });
                }
            }
        } else if let Some((rule, component)) = index.pattern(&key) {
            found.push(Found { key, component, rule, value: value.clone(), implied: false });
        } else {
            let mut why = format!("not a setting of the official chart {}", official::CHART_VERSION);
            let siblings = siblings.get_or_insert_with(|| index.children(prefix));
            if let Some(near) = crate::values::validate::closest(name, siblings) {
                why.push_str(&format!(" (did you mean {}?)", join(prefix, &near)));
            }
            builder.findings.insert(key, Outcome::Unknown { why });
        }
    }
    found
}

/// The outcome of a setting the user removed (set to null).
const REMOVED: &str = "null: helm removes the key, default and all, so the official chart had no value here (its templates left the setting out, and Mailu, where it reads one, used its own default); here this chart's default applies (see the values reference)";

/// The outcome of a map of the official chart the user set to null.
const REMOVED_MAP: &str = "null: helm removes the map, with every default below it (where the official templates read below it, helm stopped with `nil pointer evaluating`); nothing below it is carried, a switch below it is off, and this chart's defaults apply to the rest";

/// The Bitnami sub-charts of the official chart: helm fills their values from the sub-chart's
/// own defaults again, so a null there does not remove what lies below.
const SUBCHARTS: &[&str] = &["redis", "mariadb", "postgresql"];

/// Whether an official key lies in a sub-chart's values.
fn in_subchart(key: &str) -> bool {
    SUBCHARTS.contains(&key.split('.').next().unwrap_or(key))
}

/// The official values, read with their defaults.
pub(crate) struct Input {
    tree: Value,
}

static NULL: Value = Value::Null;

/// What the official templates saw of a switch the user set to null: nothing, which they test
/// as they test false (`if`, `default`).
static NULL_SWITCH: Value = Value::Bool(false);

impl Input {
    /// The user's value at `key`, null where a map above it was set to null (helm removed the
    /// map with everything below it).
    fn given(&self, key: &str) -> Option<&Value> {
        if let Some(value) = self.tree.get_dotted(key) {
            return Some(value);
        }
        if in_subchart(key) {
            return None;
        }
        key.match_indices('.')
            .any(|(dot, _)| self.tree.get_dotted(&key[..dot]) == Some(&Value::Null))
            .then_some(&NULL)
    }

    /// The value the user set, unless it repeats the official default. A null removes the
    /// key, as helm removes it: a switch is then off, anything else unset.
    pub(crate) fn set(&self, key: &str) -> Option<&Value> {
        let mut value = self.given(key)?;
        // A sub-chart's condition that is not a boolean is passed over by helm: the sub-chart
        // stays on.
        if *value == Value::Null
            && key.strip_suffix(".enabled").is_some_and(|chart| SUBCHARTS.contains(&chart))
        {
            return None;
        }
        if *value == Value::Null {
            if !matches!(official::DEFAULTS.get(key), Some(Value::Bool(_))) {
                return None;
            }
            value = &NULL_SWITCH;
        }
        (!official::is_default(key, value)).then_some(value)
    }

    /// Whether the user removed the key (set it to null) where the official default is a
    /// value other than a switch: the official chart then had no value there.
    pub(crate) fn removed(&self, key: &str) -> bool {
        self.given(key) == Some(&Value::Null)
            && official::DEFAULTS.get(key).is_some_and(|d| !matches!(d, Value::Bool(_) | Value::Null))
    }

    /// The value in effect there: the user's, else the official default (none where the
    /// user removed the key).
    pub(crate) fn get(&self, key: &str) -> Value {
        if self.removed(key) {
            return Value::Null;
        }
        self.set(key).cloned().or_else(|| official::DEFAULTS.get(key).cloned()).unwrap_or(Value::Null)
    }

    /// A switch as the official chart's templates test it (`if`): any text but the empty one
    /// is true there.
    pub(crate) fn flag(&self, key: &str) -> bool {
        convert::truth(&self.get(key))
    }

    pub(crate) fn text(&self, key: &str) -> String {
        convert::text(&self.get(key)).unwrap_or_default()
    }
}

/// The migration under way.
pub(crate) struct Builder {
    pub(crate) input: Input,
    pub(crate) options: Options,
    pub(crate) out: Map,
    pub(crate) findings: IndexMap<String, Outcome>,
    repeated_defaults: usize,
    pub(crate) defaults: Vec<String>,
    pub(crate) notes: Vec<String>,
    pub(crate) secrets: Vec<SecretPlan>,
    pub(crate) to_add: Vec<(String, String)>,
    /// Our keys written from an official setting's value: (our key, official key).
    origins: Vec<(String, String)>,
    /// The official keys whose outcome a decision has told.
    settled: HashSet<String>,
}

impl Builder {
    fn new(official: &Map, options: &Options) -> Self {
        Builder {
            input: Input { tree: Value::Map(official.clone()) },
            options: options.clone(),
            out: Map::default(),
            findings: IndexMap::new(),
            repeated_defaults: 0,
            defaults: Vec::new(),
            notes: Vec::new(),
            secrets: Vec::new(),
            to_add: Vec::new(),
            origins: Vec::new(),
            settled: HashSet::new(),
        }
    }

    /// Sets one of our keys from the value of an official setting.
    pub(crate) fn put_from(&mut self, key: &str, value: Value, official: &str) {
        self.put(key, value);
        self.origins.push((key.to_string(), official.to_string()));
    }

    /// Removes one of our keys, and the maps it leaves empty.
    pub(crate) fn unput(&mut self, key: &str) {
        fn remove(map: &mut Map, parts: &[&str]) {
            let Some((first, rest)) = parts.split_first() else { return };
            if rest.is_empty() {
                map.shift_remove(*first);
                return;
            }
            if let Some(Value::Map(inner)) = map.get_mut(*first) {
                remove(inner, rest);
                if inner.is_empty() {
                    map.shift_remove(*first);
                }
            }
        }
        remove(&mut self.out, &key.split('.').collect::<Vec<_>>());
    }

    /// Official values that are not valid here (placeholders, names Kubernetes refuses) are
    /// taken out again: the report says so, and what to write instead.
    fn take_out_invalid(&mut self) {
        for _ in 0..8 {
            let mut taken = false;
            for (path, message) in problems(&self.out) {
                let source = self
                    .origins
                    .iter()
                    .filter(|(ours, _)| {
                        path == *ours
                            || path.starts_with(&format!("{ours}."))
                            || path.starts_with(&format!("{ours}["))
                    })
                    .max_by_key(|(ours, _)| ours.len())
                    .cloned();
                let Some((ours, official)) = source else {
                    // A value several official keys made (one pull policy from every
                    // component's, a Secret name from `fullnameOverride`), or a required one
                    // whose official value is not valid: left out, and asked for.
                    let key = path.split('[').next().unwrap_or(&path).to_string();
                    if self.got(&key).is_some() {
                        self.unput(&key);
                        taken = true;
                    }
                    self.need(
                        &key,
                        &format!("what the official values made of it is not valid here: {message}"),
                    );
                    continue;
                };
                self.unput(&ours);
                self.origins.retain(|(o, _)| *o != ours);
                self.settle(
                    &official,
                    Outcome::NotCarried { why: format!("not valid here: {path} {message}") },
                );
                self.need(&ours, &format!("the official value is not valid here: {message}"));
                taken = true;
            }
            if !taken {
                break;
            }
        }
    }

    /// Sets one of our keys (dotted).
    pub(crate) fn put(&mut self, key: &str, value: Value) {
        let mut map = &mut self.out;
        let mut parts = key.split('.').peekable();
        while let Some(part) = parts.next() {
            if parts.peek().is_none() {
                map.insert(part.to_string(), value);
                return;
            }
            let entry = map.entry(part.to_string()).or_insert_with(|| Value::Map(Map::default()));
            if !matches!(entry, Value::Map(_)) {
                *entry = Value::Map(Map::default());
            }
            map = entry.as_map_mut().expect("just made a map");
        }
    }

    /// One of our keys as migrated so far.
    pub(crate) fn got(&self, key: &str) -> Option<&Value> {
        let mut parts = key.split('.');
        let mut value = self.out.get(parts.next()?)?;
        for part in parts {
            value = value.as_map()?.get(part)?;
        }
        Some(value)
    }

    /// Our key as it will be: as migrated, else our default.
    pub(crate) fn ours(&self, key: &str) -> Value {
        self.got(key).cloned().or_else(|| OUR_DEFAULTS.get_dotted(key).cloned()).unwrap_or(Value::Null)
    }

    /// Says what became of an official setting, if the values set it.
    pub(crate) fn settle(&mut self, key: &str, outcome: Outcome) {
        if let Some(slot) = self.findings.get_mut(key) {
            *slot = outcome;
            self.settled.insert(key.to_string());
        }
    }

    /// Says what a decision made of settings that took part in it, unless one of them has a
    /// story of its own already.
    pub(crate) fn decided(&mut self, keys: &[&str], to: &str, how: &str) {
        for key in keys {
            if !self.settled.contains(*key) && self.findings.contains_key(*key) {
                self.settle(key, Outcome::Changed { to: to.to_string(), how: how.to_string() });
            }
        }
    }

    pub(crate) fn note(&mut self, text: impl Into<String>) {
        self.notes.push(text.into());
    }

    pub(crate) fn need(&mut self, key: &str, what: &str) {
        if !self.to_add.iter().any(|(k, _)| k == key) {
            self.to_add.push((key.to_string(), what.to_string()));
        }
    }

    fn apply(&mut self, leaf: &Found) {
        if self.input.set(&leaf.key).is_none() {
            self.repeated_defaults += usize::from(!leaf.implied);
            return;
        }
        if let Some(why) = left_out_when_empty(&leaf.key, &leaf.value) {
            if !leaf.implied {
                self.findings.insert(leaf.key.clone(), Outcome::NotCarried { why });
            }
            return;
        }
        let component = leaf.component.unwrap_or_default();
        let fill = |text: &str| text.replace("{c}", component);
        let outcome = match leaf.rule.fate {
            Fate::Carried { conv, .. } | Fate::Changed { conv, .. } => {
                let to = leaf.rule.target(leaf.component).expect("carried rules have a target");
                let how = match leaf.rule.fate {
                    Fate::Changed { how, .. } => Some(fill(how)),
                    _ => None,
                };
                match convert::convert(conv, &leaf.value) {
                    Ok(converted) => {
                        // Our default already says it: the values stay short.
                        if !converted.value.semantic_eq(&self.ours(&to)) {
                            self.put_from(&to, converted.value, &leaf.key);
                        }
                        let how: Vec<String> = how.into_iter().chain(converted.remarks).collect();
                        if how.is_empty() {
                            Outcome::Carried { to }
                        } else {
                            Outcome::Changed { to, how: how.join("; ") }
                        }
                    }
                    Err(why) => Outcome::NotCarried { why },
                }
            }
            Fate::Combined { to, how } | Fate::Secret { to, how } => {
                Outcome::Changed { to: fill(to), how: fill(how) }
            }
            Fate::Dropped { why } => Outcome::NotCarried { why: fill(why) },
        };
        if !leaf.implied {
            self.findings.insert(leaf.key.clone(), outcome);
        }
    }

    /// The official defaults the table keeps, and the differences it tells.
    fn apply_defaults(&mut self) {
        let mut told: IndexMap<&'static str, Vec<String>> = IndexMap::new();
        // Kept defaults first: they decide which components run, which the others depend on.
        let kept = RULES.iter().filter(|r| matches!(r.default, Default::Kept(_)));
        let others = RULES.iter().filter(|r| !matches!(r.default, Default::Kept(_)));
        for rule in kept.chain(others) {
            let (Fate::Carried { conv, .. } | Fate::Changed { conv, .. }) = rule.fate else { continue };
            if matches!(rule.default, Default::Same | Default::Quiet) {
                continue;
            }
            for (path, component) in rule.expand() {
                let key = path.strip_suffix("[]").unwrap_or(&path);
                let target = rule.target(component).expect("carried rules have a target");
                if self.input.set(key).is_some()
                    || self.input.removed(key)
                    || self.got(&target).is_some()
                    || !self.relevant(&target)
                {
                    continue;
                }
                let Some(Ok(official)) = official::DEFAULTS.get(key).map(|d| convert::convert(conv, d))
                else {
                    continue;
                };
                let ours = self.ours(&target);
                if official.value.semantic_eq(&ours) {
                    continue;
                }
                match rule.default {
                    Default::Kept(why) => {
                        self.defaults.push(format!(
                            "{target}: {} (the official default) — {why}",
                            show(&official.value)
                        ));
                        self.put(&target, official.value);
                    }
                    Default::Told(why) => {
                        told.entry(why).or_default().push(told_line(&target, &ours, &official.value))
                    }
                    Default::Same | Default::Quiet => {}
                }
            }
        }
        for (why, keys) in told {
            self.defaults.push(format!("{}: {why}", keys.join(", ")));
        }
    }

    /// Whether one of our keys matters: its component is deployed (the built-in Redis too), the
    /// message it belongs to is sent.
    fn relevant(&self, target: &str) -> bool {
        let first = target.split('.').next().unwrap_or_default();
        if table::ALL.contains(&first) && !target.ends_with(".enabled") {
            return self.ours(&format!("{first}.enabled")) == Value::Bool(true);
        }
        if target.starts_with("redis.persistence.") {
            return !self.input.flag("externalRedis.enabled");
        }
        if first == "welcomeMessage" && target != "welcomeMessage.enabled" {
            return self.ours("welcomeMessage.enabled") == Value::Bool(true);
        }
        true
    }

    fn finish(self) -> Migration {
        Migration {
            values: ordered(&self.out, OUR_DEFAULTS.as_map()),
            refused: refusals::all(&self.input),
            findings: self.findings,
            repeated_defaults: self.repeated_defaults,
            defaults: self.defaults,
            notes: self.notes,
            secrets: self.secrets,
            to_add: self.to_add,
        }
    }
}

/// How a key whose default differs is named in the report: with both defaults, unless the
/// official one is empty or longer than 24 characters (those the table in docs/migrate.md
/// shows).
fn told_line(target: &str, ours: &Value, official: &Value) -> String {
    match official {
        Value::String(s) if s.is_empty() || s.len() > 24 => target.to_string(),
        official => format!("{target} {} (official {})", show(ours), show(official)),
    }
}

/// The official settings its templates write with `{{ with }}`: an empty text or a zero
/// leaves the variable out, and Mailu's own default applies. (Booleans aside: false there
/// means what Mailu's default means; `subnet` and the initial account have stories of their
/// own; an empty `recipientDelimiter` is Mailu's default, carried.)
const WRITTEN_WITH: &[&str] = &[
    "rspamd.antivirusAction",
    "limits.authRatelimit.exemptionLength",
    "limits.authRatelimit.exemption",
    "limits.authRatelimit.ipv4Mask",
    "limits.authRatelimit.ipv6Mask",
    "limits.authRatelimit.ip",
    "limits.authRatelimit.user",
    "dovecot.compressionLevel",
    "dovecot.compression",
    "credentialRounds",
    "dmarc.rua",
    "dmarc.ruf",
    "fetchmail.delay",
    "logLevel",
    "customization.logoBackground",
    "customization.logoUrl",
    "limits.messageRatelimit.exemption",
    "limits.messageRatelimit.value",
    "tls.outboundLevel",
    "permanentSessionLifetime",
    "postmaster",
    "proxyAuth.header",
    "proxyAuth.whitelist",
    "sessionTimeout",
    "customization.siteName",
    "timezone",
    "customization.website",
    "welcomeMessage.body",
    "welcomeMessage.subject",
    "webmail.type",
];

/// Why an empty official value is not carried, when the official chart left it out.
fn left_out_when_empty(key: &str, value: &Value) -> Option<String> {
    // The settings written so hold texts and numbers (a tested law).
    let empty = match convert::normalize(value) {
        Value::String(s) => s.is_empty(),
        Value::Int(i) => i == 0,
        _ => false,
    };
    if !empty || !WRITTEN_WITH.contains(&key) {
        return None;
    }
    // Where this chart's default is not Mailu's, say which applies.
    let ours = match key {
        "logLevel" => "this chart's default (WARNING) applies here",
        "welcomeMessage.body" | "welcomeMessage.subject" => "this chart's own text applies here",
        _ => "this chart's default is the same",
    };
    Some(format!(
        "empty: the official chart then left its variable out and Mailu's own default applied; {ours}"
    ))
}

/// Our defaults, as a tree.
static OUR_DEFAULTS: LazyLock<Value> = LazyLock::new(|| Value::Map(crate::values::defaults_tree()));

/// A value in a report line: texts bare, the rest as compact YAML.
pub(crate) fn show(value: &Value) -> String {
    match value {
        Value::String(s) if !s.is_empty() => s.clone(),
        Value::String(_) => "\"\"".into(),
        other => serde_json::to_string(&other.to_json()).unwrap_or_default(),
    }
}

/// The map with its keys in the order of `order` (our model's), others after in their order.
fn ordered(map: &Map, order: Option<&Map>) -> Map {
    let mut out = Map::default();
    let reorder = |key: &str, value: &Value| match value {
        Value::Map(inner) => {
            let nested = order.and_then(|o| o.get(key)).and_then(Value::as_map).filter(|m| !m.is_empty());
            match nested {
                Some(nested) => Value::Map(ordered(inner, Some(nested))),
                None => value.clone(),
            }
        }
        other => other.clone(),
    };
    if let Some(order) = order {
        for key in order.keys() {
            if let Some(value) = map.get(key) {
                out.insert(key.clone(), reorder(key, value));
            }
        }
    }
    for (key, value) in map {
        if !out.contains_key(key) {
            out.insert(key.clone(), reorder(key, value));
        }
    }
    out
}

impl Migration {
    /// The values file: a header that says where it came from, then the values.
    pub fn values_yaml(&self, sources: &[String]) -> String {
        let mut text = format!(
            "# mailu-chart values, written by `mailu-chart migrate` from values of Mailu's official Helm\n\
             # chart {}:\n\
             #   {}\n\
             # The report of the migration says what became of every setting, and which Secrets to\n\
             # create before installing. Check the values with: mailu-chart validate -f <this file>\n",
            official::CHART_VERSION,
            sources.join(", "),
        );
        if self.values.is_empty() {
            text.push_str("{}\n");
        } else {
            text.push_str(&to_yaml(&Value::Map(self.values.clone()), KeyOrder::AsGiven));
        }
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text
    }

    /// The report, as text.
    pub fn report(&self, sources: &[String], namespace: &str) -> String {
        report::text(self, sources, namespace)
    }

    /// Checks the migrated values exactly as `mailu-chart validate` would read them. Problems
    /// with the keys the operator must add are expected; any other is a fault of the
    /// migration, returned as text.
    pub fn check(&self) -> Result<(), Vec<String>> {
        let unexpected: Vec<String> = problems(&self.values)
            .into_iter()
            .filter(|(path, _)| {
                !self.to_add.iter().any(|(key, _)| {
                    path == key
                        || path.starts_with(&format!("{key}."))
                        || path.starts_with(&format!("{key}["))
                })
            })
            .map(|(path, message)| format!("{path}: {message}"))
            .collect();
        if unexpected.is_empty() { Ok(()) } else { Err(unexpected) }
    }
}

/// The problems `mailu-chart validate` finds in values, read back from their YAML text as it
/// would read them: (key path, message).
fn problems(values: &Map) -> Vec<(String, String)> {
    let text = to_yaml(&Value::Map(values.clone()), KeyOrder::AsGiven);
    let inputs =
        ValueInputs { files: vec![("migrated values".into(), text.into_bytes())], ..ValueInputs::default() };
    let user = match UserValues::collect(&inputs, &mut |_: &str| Err("no files".into())) {
        Ok(user) => user,
        Err(e) => return vec![("(top level)".into(), e.to_string())],
    };
    match crate::values::resolve(&user) {
        Ok(_) => Vec::new(),
        Err(invalid) => invalid.problems.into_iter().map(|p| (p.path.to_string(), p.message)).collect(),
    }
}

/// Keys every migration must state, when the official values do not.
pub(crate) const REQUIRED: &[(&str, &str)] = &[
    ("domain", "the mail domain, like example.com (`domain` there too)"),
    ("hostnames", "the mail server's public host names, the first one primary (`hostnames` there too)"),
];

#[cfg(test)]
mod tests;

/// The conversion a rule applies, for tests.
#[cfg(test)]
pub(crate) fn conv_of(rule: &Rule) -> Option<table::Conv> {
    match rule.fate {
        Fate::Carried { conv, .. } | Fate::Changed { conv, .. } => Some(conv),
        _ => None,
    }
}
