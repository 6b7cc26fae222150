//! A quick answer to "do these values satisfy this JSON Schema?", for the common case of
//! valid values. Compiling a schema into a full validator (the `jsonschema` crate) costs more
//! than rendering most charts, and valid values need no explanation; [`verdict`] walks the
//! schema and the values together and visits only the schema nodes the values reach.
//!
//! It answers [`Verdict::Valid`] or [`Verdict::Invalid`] only when sure; where it is not (a
//! keyword it does not evaluate, a reference it cannot resolve, a number too large to compare
//! exactly as a float) it answers [`Verdict::Unsure`], and the full validator decides and
//! explains. The walk is written once, over the [`Schema`] trait: [`JsonSchema`] reads a schema
//! as parsed JSON, and a program may read its own schema from data compiled into it.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};

use serde_json::Value as Json;

use crate::value::{Map, Value};

use super::schema::{first_repeated, json_schema_equal};

/// What the walk found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// The values satisfy the schema.
    Valid,
    /// The values break the schema somewhere.
    Invalid,
    /// Not decided here: the full validator must look.
    Unsure,
}

impl Verdict {
    /// Both hold; an `Invalid` side decides, else an `Unsure` one.
    fn and(self, other: impl FnOnce() -> Verdict) -> Verdict {
        match self {
            Verdict::Invalid => Verdict::Invalid,
            Verdict::Valid => other(),
            Verdict::Unsure => match other() {
                Verdict::Invalid => Verdict::Invalid,
                _ => Verdict::Unsure,
            },
        }
    }

    fn not(self) -> Verdict {
        match self {
            Verdict::Valid => Verdict::Invalid,
            Verdict::Invalid => Verdict::Valid,
            Verdict::Unsure => Verdict::Unsure,
        }
    }
}

impl From<bool> for Verdict {
    fn from(holds: bool) -> Verdict {
        if holds { Verdict::Valid } else { Verdict::Invalid }
    }
}

/// The JSON types a `type` keyword admits, as bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Types(u8);

impl Types {
    /// `null`.
    pub const NULL: Types = Types(1);
    /// `boolean`.
    pub const BOOLEAN: Types = Types(2);
    /// `object`.
    pub const OBJECT: Types = Types(4);
    /// `array`.
    pub const ARRAY: Types = Types(8);
    /// `number`.
    pub const NUMBER: Types = Types(16);
    /// `string`.
    pub const STRING: Types = Types(32);
    /// `integer`: a number without a fraction (1.0 is one, as from draft 6 on).
    pub const INTEGER: Types = Types(64);

    /// The type a JSON Schema names, if it is one.
    pub fn named(name: &str) -> Option<Types> {
        Some(match name {
            "null" => Types::NULL,
            "boolean" => Types::BOOLEAN,
            "object" => Types::OBJECT,
            "array" => Types::ARRAY,
            "number" => Types::NUMBER,
            "string" => Types::STRING,
            "integer" => Types::INTEGER,
            _ => return None,
        })
    }

    /// Both sets of types.
    pub const fn or(self, other: Types) -> Types {
        Types(self.0 | other.0)
    }

    fn has(self, other: Types) -> bool {
        self.0 & other.0 != 0
    }

    /// Whether `value`, read as its JSON form, is of one of the types.
    fn admits(self, value: &Value) -> Verdict {
        match value {
            Value::Null => self.has(Types::NULL).into(),
            Value::Bool(_) => self.has(Types::BOOLEAN).into(),
            Value::String(_) => self.has(Types::STRING).into(),
            Value::List(_) => self.has(Types::ARRAY).into(),
            Value::Map(_) => self.has(Types::OBJECT).into(),
            Value::Int(_) => self.has(Types::NUMBER.or(Types::INTEGER)).into(),
            // NaN and the infinities have no JSON form; they become null.
            Value::Float(f) if !f.is_finite() => self.has(Types::NULL).into(),
            Value::Float(f) => {
                if self.has(Types::NUMBER) {
                    Verdict::Valid
                } else if !self.has(Types::INTEGER) || f.fract() != 0.0 {
                    Verdict::Invalid
                } else if f.abs() <= EXACT {
                    Verdict::Valid
                } else {
                    Verdict::Unsure
                }
            }
        }
    }
}

/// What `additionalProperties` says of keys without a schema of their own.
#[derive(Debug, Clone, Copy)]
pub enum Additional<N> {
    /// Any value.
    Any,
    /// No such key.
    Deny,
    /// Values that satisfy this node.
    Node(N),
}

/// Lower and upper bounds of a count (`minLength`, `maxItems`, ...).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    /// At least this many.
    pub min: Option<u64>,
    /// At most this many.
    pub max: Option<u64>,
}

impl Counts {
    fn admit(self, count: usize) -> bool {
        let count = count as u64;
        self.min.is_none_or(|min| count >= min) && self.max.is_none_or(|max| count <= max)
    }
}

/// `minimum`, `maximum`, `exclusiveMinimum` and `exclusiveMaximum` (as numbers, draft 6 on).
#[derive(Debug, Clone, Copy, Default)]
pub struct Bounds {
    /// `minimum`.
    pub minimum: Option<f64>,
    /// `maximum`.
    pub maximum: Option<f64>,
    /// `exclusiveMinimum`.
    pub exclusive_minimum: Option<f64>,
    /// `exclusiveMaximum`.
    pub exclusive_maximum: Option<f64>,
}

impl Bounds {
    fn admit(self, n: f64) -> bool {
        self.minimum.is_none_or(|b| n >= b)
            && self.maximum.is_none_or(|b| n <= b)
            && self.exclusive_minimum.is_none_or(|b| n > b)
            && self.exclusive_maximum.is_none_or(|b| n < b)
    }

    fn any(self) -> bool {
        self.minimum.is_some()
            || self.maximum.is_some()
            || self.exclusive_minimum.is_some()
            || self.exclusive_maximum.is_some()
    }
}

/// The keywords that apply subschemas to the same value.
#[derive(Debug, Clone, Copy)]
pub enum Applicator {
    /// `allOf`.
    AllOf,
    /// `anyOf`.
    AnyOf,
    /// `oneOf`.
    OneOf,
}

/// `if`, with `then` and `else`.
#[derive(Debug, Clone, Copy)]
pub struct Condition<N> {
    /// `if`.
    pub when: N,
    /// `then`: what values that satisfy `if` must satisfy too.
    pub then: Option<N>,
    /// `else`: what the other values must satisfy.
    pub otherwise: Option<N>,
}

/// A JSON Schema read node by node, for [`verdict`]. Every keyword a node lacks reads as
/// asserting nothing.
pub trait Schema {
    /// A handle on one node of the schema.
    type Node: Copy;

    /// The node the schema starts at.
    fn root(&self) -> Self::Node;
    /// Whether `$ref` replaces the other keywords of its node (up to draft-07) rather than
    /// adding to them.
    fn ref_replaces_siblings(&self) -> bool;
    /// Whether the walk can evaluate every keyword of the node; if not, the verdict on any
    /// value that reaches it is [`Verdict::Unsure`].
    fn understood(&self, node: Self::Node) -> bool;
    /// The node `$ref` points to.
    fn reference(&self, node: Self::Node) -> Option<Self::Node>;
    /// The types `type` admits.
    fn types(&self, node: Self::Node) -> Option<Types>;
    /// Whether `value` is one of the values of `enum` and equals `const` (`Valid` without them).
    fn literals(&self, node: Self::Node, value: &Value) -> Verdict;
    /// The schema of a key named in `properties`.
    fn property(&self, node: Self::Node, key: &str) -> Option<Self::Node>;
    /// `additionalProperties`.
    fn additional(&self, node: Self::Node) -> Additional<Self::Node>;
    /// The keys `required` names.
    fn required(&self, node: Self::Node) -> impl Iterator<Item = &str>;
    /// `propertyNames`.
    fn property_names(&self, node: Self::Node) -> Option<Self::Node>;
    /// `minProperties` and `maxProperties`.
    fn property_counts(&self, node: Self::Node) -> Counts;
    /// `items` (one schema for every item).
    fn items(&self, node: Self::Node) -> Option<Self::Node>;
    /// `minItems` and `maxItems`.
    fn item_counts(&self, node: Self::Node) -> Counts;
    /// `uniqueItems`.
    fn unique_items(&self, node: Self::Node) -> bool;
    /// `minLength` and `maxLength`, in characters.
    fn lengths(&self, node: Self::Node) -> Counts;
    /// `pattern`.
    fn pattern(&self, node: Self::Node) -> Option<&str>;
    /// Whether `text` matches `pattern` as the full validator would find it; `None` when
    /// that cannot be told here.
    fn matches(&self, pattern: &str, text: &str) -> Option<bool>;
    /// The numeric bounds.
    fn bounds(&self, node: Self::Node) -> Bounds;
    /// The subschemas of `allOf`, `anyOf` or `oneOf`.
    fn subschemas(&self, node: Self::Node, which: Applicator) -> impl Iterator<Item = Self::Node>;
    /// `if`, `then` and `else`, when there is an `if`.
    fn condition(&self, node: Self::Node) -> Option<Condition<Self::Node>>;
    /// `not`.
    fn negated(&self, node: Self::Node) -> Option<Self::Node>;
}

/// How many schema nodes deep one value may lead before the walk gives up (a reference may
/// point back at its own node without the value getting smaller).
const MAX_DEPTH: usize = 1000;

/// The largest magnitude up to which every integer is a float exactly (2^53).
const EXACT: f64 = 9_007_199_254_740_992.0;

/// Whether `value`, read as its JSON form, satisfies `schema`.
pub fn verdict<S: Schema>(schema: &S, value: &Value) -> Verdict {
    Walker { schema }.check(schema.root(), value, 0)
}

struct Walker<'s, S> {
    schema: &'s S,
}

impl<S: Schema> Walker<'_, S> {
    fn check(&self, node: S::Node, value: &Value, depth: usize) -> Verdict {
        let schema = self.schema;
        if depth > MAX_DEPTH || !schema.understood(node) {
            return Verdict::Unsure;
        }
        if let Some(target) = schema.reference(node) {
            let referred = self.check(target, value, depth + 1);
            if schema.ref_replaces_siblings() {
                return referred;
            }
            return referred.and(|| self.own(node, value, depth));
        }
        self.own(node, value, depth)
    }

    /// The node's keywords other than `$ref`.
    fn own(&self, node: S::Node, value: &Value, depth: usize) -> Verdict {
        let schema = self.schema;
        schema
            .types(node)
            .map_or(Verdict::Valid, |types| types.admits(value))
            .and(|| schema.literals(node, value))
            .and(|| match value {
                Value::String(text) => self.check_string(node, text),
                Value::List(items) => self.check_list(node, items, depth),
                Value::Map(map) => self.check_map(node, map, depth),
                Value::Int(_) | Value::Float(_) => check_number(schema.bounds(node), value),
                Value::Null | Value::Bool(_) => Verdict::Valid,
            })
            .and(|| self.check_applicators(node, value, depth))
    }

    fn check_applicators(&self, node: S::Node, value: &Value, depth: usize) -> Verdict {
        let schema = self.schema;
        let deeper = depth + 1;
        let mut verdict = Verdict::Valid;
        for sub in schema.subschemas(node, Applicator::AllOf) {
            verdict = verdict.and(|| self.check(sub, value, deeper));
            if verdict == Verdict::Invalid {
                return verdict;
            }
        }
        verdict = verdict.and(|| {
            let mut any = Verdict::Invalid;
            let mut branches = schema.subschemas(node, Applicator::AnyOf).peekable();
            if branches.peek().is_none() {
                return Verdict::Valid;
            }
            for sub in branches {
                match self.check(sub, value, deeper) {
                    Verdict::Valid => return Verdict::Valid,
                    Verdict::Unsure => any = Verdict::Unsure,
                    Verdict::Invalid => {}
                }
            }
            any
        });
        verdict = verdict.and(|| {
            let mut branches = schema.subschemas(node, Applicator::OneOf).peekable();
            if branches.peek().is_none() {
                return Verdict::Valid;
            }
            let (mut valid, mut unsure) = (0, false);
            for sub in branches {
                match self.check(sub, value, deeper) {
                    Verdict::Valid => valid += 1,
                    Verdict::Unsure => unsure = true,
                    Verdict::Invalid => {}
                }
                if valid > 1 {
                    return Verdict::Invalid;
                }
            }
            if unsure { Verdict::Unsure } else { (valid == 1).into() }
        });
        verdict = verdict.and(|| match schema.condition(node) {
            None => Verdict::Valid,
            Some(Condition { when, then, otherwise }) => match self.check(when, value, deeper) {
                Verdict::Valid => then.map_or(Verdict::Valid, |then| self.check(then, value, deeper)),
                Verdict::Invalid => {
                    otherwise.map_or(Verdict::Valid, |other| self.check(other, value, deeper))
                }
                Verdict::Unsure => Verdict::Unsure,
            },
        });
        verdict
            .and(|| schema.negated(node).map_or(Verdict::Valid, |not| self.check(not, value, deeper).not()))
    }

    fn check_string(&self, node: S::Node, text: &str) -> Verdict {
        let schema = self.schema;
        Verdict::from(schema.lengths(node).admit(text.chars().count())).and(|| match schema.pattern(node) {
            None => Verdict::Valid,
            Some(pattern) => schema.matches(pattern, text).map_or(Verdict::Unsure, Verdict::from),
        })
    }

    fn check_list(&self, node: S::Node, items: &[Value], depth: usize) -> Verdict {
        let schema = self.schema;
        Verdict::from(schema.item_counts(node).admit(items.len()))
            .and(|| {
                if !schema.unique_items(node) {
                    return Verdict::Valid;
                }
                // Compared as the JSON the full validator sees.
                let items: Vec<Json> = items.iter().map(Value::to_json).collect();
                Verdict::from(first_repeated(&items).is_none())
            })
            .and(|| match schema.items(node) {
                None => Verdict::Valid,
                Some(each) => all(items.iter().map(|item| self.check(each, item, depth + 1))),
            })
    }

    fn check_map(&self, node: S::Node, map: &Map, depth: usize) -> Verdict {
        let schema = self.schema;
        let deeper = depth + 1;
        Verdict::from(schema.property_counts(node).admit(map.len()))
            .and(|| Verdict::from(schema.required(node).all(|key| map.contains_key(key))))
            .and(|| match schema.property_names(node) {
                None => Verdict::Valid,
                Some(names) => {
                    all(map.keys().map(|key| self.check(names, &Value::String(key.clone()), deeper)))
                }
            })
            .and(|| {
                all(map.iter().map(|(key, value)| match schema.property(node, key) {
                    Some(own) => self.check(own, value, deeper),
                    None => match schema.additional(node) {
                        Additional::Any => Verdict::Valid,
                        Additional::Deny => Verdict::Invalid,
                        Additional::Node(other) => self.check(other, value, deeper),
                    },
                }))
            })
    }
}

/// Every verdict holds: the first `Invalid` decides, else any `Unsure`.
fn all(verdicts: impl Iterator<Item = Verdict>) -> Verdict {
    let mut all = Verdict::Valid;
    for verdict in verdicts {
        match verdict {
            Verdict::Invalid => return Verdict::Invalid,
            Verdict::Unsure => all = Verdict::Unsure,
            Verdict::Valid => {}
        }
    }
    all
}

fn check_number(bounds: Bounds, value: &Value) -> Verdict {
    if !bounds.any() {
        return Verdict::Valid;
    }
    match exact_number(value) {
        Some(n) => bounds.admit(n).into(),
        None if matches!(value, Value::Float(f) if !f.is_finite()) => Verdict::Valid,
        None => Verdict::Unsure,
    }
}

/// The value as a float, when it is a number the float holds exactly.
pub fn exact_number(value: &Value) -> Option<f64> {
    match value {
        Value::Int(i) if (*i as f64).abs() < EXACT => Some(*i as f64),
        Value::Float(f) if f.is_finite() && (f.fract() != 0.0 || f.abs() <= EXACT) => Some(*f),
        _ => None,
    }
}

/// A schema read from its JSON (a chart's `values.schema.json`).
pub(crate) struct JsonSchema<'s> {
    root: &'s Json,
    draft: jsonschema::Draft,
    /// Patterns compiled so far.
    patterns: RefCell<HashMap<String, CompiledPattern>>,
}

/// A pattern compiled by `regex-lite`, as written and, where it has long bounded
/// repetitions (`[-a-z0-9]{0,61}`), with those left open (`[-a-z0-9]{0,}`). On a text no
/// longer than the smallest such bound both forms find the same matches: a repetition
/// never needs more non-empty pieces than the text has characters, and empty pieces can
/// be dropped. The open form compiles to a far smaller automaton; Kubernetes' name
/// patterns spent most of a schema check compiling their bounded repetitions.
struct CompiledPattern {
    /// The open form and the longest text it answers for.
    open: Option<(regex_lite::Regex, usize)>,
    /// The pattern as written, compiled when first needed (`None` inside: not by
    /// `regex-lite`).
    exact: Option<Option<regex_lite::Regex>>,
}

/// Repetitions bounded at this or above are left open where the text allows.
const LONG_REPETITION: u32 = 16;

impl CompiledPattern {
    fn new(pattern: &str) -> Self {
        let open = open_repetitions(pattern)
            .and_then(|(open, limit)| Some((regex_lite::Regex::new(&open).ok()?, limit)));
        CompiledPattern { open, exact: None }
    }

    fn is_match(&mut self, pattern: &str, text: &str) -> Option<bool> {
        let regex = match &self.open {
            Some((open, limit)) if text.len() <= *limit => open,
            _ => self.exact.get_or_insert_with(|| regex_lite::Regex::new(pattern).ok()).as_ref()?,
        };
        Some(regex.is_match(text))
    }
}

/// `pattern` with every repetition bounded at [`LONG_REPETITION`] or above left open, and
/// the smallest such bound; `None` when it has none (or does not parse).
fn open_repetitions(pattern: &str) -> Option<(String, usize)> {
    use regex_syntax::ast::{Ast, RepetitionKind, RepetitionRange};
    fn open(ast: &mut Ast, limit: &mut Option<u32>) {
        match ast {
            Ast::Repetition(repetition) => {
                if let RepetitionKind::Range(RepetitionRange::Bounded(min, max)) = repetition.op.kind
                    && max >= LONG_REPETITION
                {
                    repetition.op.kind = RepetitionKind::Range(RepetitionRange::AtLeast(min));
                    *limit = Some(limit.map_or(max, |l| l.min(max)));
                }
                open(&mut repetition.ast, limit);
            }
            Ast::Group(group) => open(&mut group.ast, limit),
            Ast::Alternation(alternation) => alternation.asts.iter_mut().for_each(|a| open(a, limit)),
            Ast::Concat(concat) => concat.asts.iter_mut().for_each(|a| open(a, limit)),
            _ => {}
        }
    }
    // Only a bounded repetition has a comma inside braces; most patterns have neither.
    if !pattern.contains('{') || !pattern.contains(',') {
        return None;
    }
    let mut ast = regex_syntax::ast::parse::Parser::new().parse(pattern).ok()?;
    let mut limit = None;
    open(&mut ast, &mut limit);
    let mut text = String::new();
    regex_syntax::ast::print::Printer::new().print(&ast, &mut text).ok()?;
    Some((text, usize::try_from(limit?).ok()?))
}

/// Whether a keyword's value has the form the meta-schema asks for.
type FormCheck = fn(&Json) -> bool;

/// Keywords that assert nothing, with the JSON type the meta-schemas give their values.
const ANNOTATIONS: &[(&str, FormCheck)] = &[
    ("$comment", Json::is_string),
    ("$defs", Json::is_object),
    ("$schema", Json::is_string),
    ("default", |_| true),
    ("definitions", Json::is_object),
    ("deprecated", Json::is_boolean),
    ("description", Json::is_string),
    ("examples", Json::is_array),
    ("readOnly", Json::is_boolean),
    ("title", Json::is_string),
    ("writeOnly", Json::is_boolean),
];

/// Keywords the validator evaluates (in some draft) and the walk does not.
const UNEVALUATED: &[&str] = &[
    "$anchor",
    "$dynamicAnchor",
    "$dynamicRef",
    "$recursiveAnchor",
    "$recursiveRef",
    "$vocabulary",
    "additionalItems",
    "contains",
    "contentEncoding",
    "contentMediaType",
    "contentSchema",
    "dependencies",
    "dependentRequired",
    "dependentSchemas",
    "discriminator",
    "id",
    "maxContains",
    "minContains",
    "multipleOf",
    "patternProperties",
    "prefixItems",
    "unevaluatedItems",
    "unevaluatedProperties",
];

impl<'s> JsonSchema<'s> {
    /// The schema `root`, read by the rules of `draft`; `None` unless every node of it holds
    /// only keywords the walk evaluates (or annotations), in the form the meta-schema asks
    /// for, with references it can resolve and patterns that parse. A schema the full
    /// validator would refuse to compile is thus left to it, wherever the values reach.
    pub(crate) fn new(root: &'s Json, draft: jsonschema::Draft) -> Option<Self> {
        use jsonschema::Draft;
        // Draft 4's bounds and integers follow other rules; later drafts are not known here.
        if !matches!(draft, Draft::Draft6 | Draft::Draft7 | Draft::Draft201909 | Draft::Draft202012) {
            return None;
        }
        let schema = JsonSchema { root, draft, patterns: RefCell::new(HashMap::new()) };
        schema.well_formed(root, 0, &mut HashSet::new()).then_some(schema)
    }

    /// Whether the node and its subschemas are well formed; `patterns` are those found so.
    fn well_formed(&self, node: &'s Json, depth: usize, patterns: &mut HashSet<&'s str>) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match node {
            Json::Bool(_) => true,
            Json::Object(object) => object.iter().all(|(keyword, value)| {
                self.keyword_well_formed(node, keyword, value, patterns)
                    && subschemas_of(keyword, value).all(|sub| self.well_formed(sub, depth + 1, patterns))
            }),
            _ => false,
        }
    }

    fn get(&self, node: &'s Json, keyword: &str) -> Option<&'s Json> {
        let object = node.as_object()?;
        // Most schema nodes hold a few keywords: comparing them costs less than hashing.
        if object.len() <= 8 {
            return object.iter().find(|(name, _)| *name == keyword).map(|(_, value)| value);
        }
        object.get(keyword)
    }

    fn counts(&self, node: &'s Json, min: &str, max: &str) -> Counts {
        Counts {
            min: self.get(node, min).and_then(Json::as_u64),
            max: self.get(node, max).and_then(Json::as_u64),
        }
    }

    fn resolve(&self, reference: &str) -> Option<&'s Json> {
        let pointer = reference.strip_prefix('#')?;
        if pointer.contains('%') {
            return None;
        }
        self.root.pointer(pointer)
    }

    /// Whether one keyword is one the walk evaluates exactly, or an annotation, and its value
    /// has the form the meta-schema asks for.
    fn keyword_well_formed(
        &self,
        node: &'s Json,
        keyword: &str,
        value: &'s Json,
        patterns: &mut HashSet<&'s str>,
    ) -> bool {
        let schema = |v: &Json| v.is_object() || v.is_boolean();
        let distinct = |items: &Vec<Json>| items.iter().enumerate().all(|(i, a)| !items[..i].contains(a));
        match keyword {
            "$ref" => value.as_str().and_then(|r| self.resolve(r)).is_some(),
            "type" => match value {
                Json::String(name) => Types::named(name).is_some(),
                Json::Array(names) => {
                    !names.is_empty()
                        && distinct(names)
                        && names.iter().all(|n| n.as_str().and_then(Types::named).is_some())
                }
                _ => false,
            },
            "enum" => value.as_array().is_some_and(|options| !options.is_empty()),
            "const" => true,
            "properties" => value.is_object(),
            "additionalProperties" | "items" | "propertyNames" | "not" | "if" | "then" | "else" => {
                schema(value)
            }
            "required" => {
                value.as_array().is_some_and(|names| names.iter().all(Json::is_string) && distinct(names))
            }
            "pattern" => match value {
                // Many nodes share a pattern (Kubernetes quantities): each is parsed once.
                Json::String(pattern) => {
                    patterns.contains(pattern.as_str())
                        || (regex_syntax::ast::parse::Parser::new().parse(pattern).is_ok()
                            && patterns.insert(pattern))
                }
                _ => false,
            },
            "minimum" | "maximum" | "exclusiveMinimum" | "exclusiveMaximum" => {
                value.as_f64().is_some_and(|n| n.fract() != 0.0 || n.abs() <= EXACT)
            }
            "minLength" | "maxLength" | "minItems" | "maxItems" | "minProperties" | "maxProperties" => {
                value.as_u64().is_some()
            }
            "uniqueItems" => value.is_boolean(),
            "allOf" | "anyOf" | "oneOf" => value.as_array().is_some_and(|subs| !subs.is_empty()),
            // An `$id` below the root would change what references inside it mean.
            "$id" => value.is_string() && std::ptr::eq(node, self.root),
            "format" => {
                value.as_str().is_some_and(|name| match self.draft {
                    jsonschema::Draft::Draft201909 | jsonschema::Draft::Draft202012 => true,
                    // Draft 6 and 7 check the formats the validator knows and ignore the rest,
                    // such as OpenAPI's number widths.
                    _ => ["int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "float", "double"]
                        .contains(&name),
                })
            }
            other => match ANNOTATIONS.binary_search_by(|(name, _)| (*name).cmp(other)) {
                Ok(found) => (ANNOTATIONS[found].1)(value),
                // Validators ignore keywords no draft defines (Bitnami's `form` and `hidden`,
                // OpenAPI's `x-` extensions).
                Err(_) => UNEVALUATED.binary_search(&other).is_err(),
            },
        }
    }
}

/// The subschemas a keyword holds.
fn subschemas_of<'s>(keyword: &str, value: &'s Json) -> Box<dyn Iterator<Item = &'s Json> + 's> {
    match keyword {
        "properties" | "definitions" | "$defs" => {
            Box::new(value.as_object().into_iter().flat_map(|o| o.values()))
        }
        "allOf" | "anyOf" | "oneOf" => Box::new(value.as_array().into_iter().flatten()),
        "additionalProperties" | "items" | "propertyNames" | "not" | "if" | "then" | "else" => {
            Box::new(std::iter::once(value))
        }
        _ => Box::new(std::iter::empty()),
    }
}

impl<'s> Schema for JsonSchema<'s> {
    type Node = &'s Json;

    fn root(&self) -> &'s Json {
        self.root
    }

    fn ref_replaces_siblings(&self) -> bool {
        matches!(self.draft, jsonschema::Draft::Draft6 | jsonschema::Draft::Draft7)
    }

    fn understood(&self, node: &'s Json) -> bool {
        // The whole schema was read when it was made; only `false`, which refuses every
        // value, is left to the validator (rare enough).
        !matches!(node, Json::Bool(false))
    }

    fn reference(&self, node: &'s Json) -> Option<&'s Json> {
        self.get(node, "$ref").and_then(Json::as_str).and_then(|r| self.resolve(r))
    }

    fn types(&self, node: &'s Json) -> Option<Types> {
        match self.get(node, "type")? {
            Json::String(name) => Types::named(name),
            Json::Array(names) => {
                names.iter().filter_map(|n| n.as_str().and_then(Types::named)).reduce(Types::or)
            }
            _ => None,
        }
    }

    fn literals(&self, node: &'s Json, value: &Value) -> Verdict {
        let options = self.get(node, "enum").and_then(Json::as_array);
        let constant = self.get(node, "const");
        if options.is_none() && constant.is_none() {
            return Verdict::Valid;
        }
        if matches!(value, Value::Int(_) | Value::Float(_)) && exact_number(value).is_none() {
            return Verdict::Unsure;
        }
        let json = value.to_json();
        Verdict::from(
            options.is_none_or(|options| options.iter().any(|o| json_schema_equal(o, &json)))
                && constant.is_none_or(|c| json_schema_equal(c, &json)),
        )
    }

    fn property(&self, node: &'s Json, key: &str) -> Option<&'s Json> {
        self.get(node, "properties")?.as_object()?.get(key)
    }

    fn additional(&self, node: &'s Json) -> Additional<&'s Json> {
        match self.get(node, "additionalProperties") {
            None | Some(Json::Bool(true)) => Additional::Any,
            Some(Json::Bool(false)) => Additional::Deny,
            Some(other) => Additional::Node(other),
        }
    }

    fn required(&self, node: &'s Json) -> impl Iterator<Item = &str> {
        self.get(node, "required").and_then(Json::as_array).into_iter().flatten().filter_map(Json::as_str)
    }

    fn property_names(&self, node: &'s Json) -> Option<&'s Json> {
        self.get(node, "propertyNames")
    }

    fn property_counts(&self, node: &'s Json) -> Counts {
        self.counts(node, "minProperties", "maxProperties")
    }

    fn items(&self, node: &'s Json) -> Option<&'s Json> {
        self.get(node, "items")
    }

    fn item_counts(&self, node: &'s Json) -> Counts {
        self.counts(node, "minItems", "maxItems")
    }

    fn unique_items(&self, node: &'s Json) -> bool {
        self.get(node, "uniqueItems").and_then(Json::as_bool).unwrap_or(false)
    }

    fn lengths(&self, node: &'s Json) -> Counts {
        self.counts(node, "minLength", "maxLength")
    }

    fn pattern(&self, node: &'s Json) -> Option<&str> {
        self.get(node, "pattern").and_then(Json::as_str)
    }

    fn matches(&self, pattern: &str, text: &str) -> Option<bool> {
        // The validator reads patterns as ECMA-262 regular expressions. Where `regex-lite`
        // compiles one, the two agree on ASCII text without carriage returns: `\d`, `\w`,
        // `\s`, `\b`, `.` and `$` mean the same there, and what either lacks (lookaround,
        // back-references, `\u` escapes) does not compile here. Compiling this way costs a
        // small fraction of the validator's own regular expressions.
        if !text.is_ascii() || text.contains('\r') {
            return None;
        }
        let mut patterns = self.patterns.borrow_mut();
        if !patterns.contains_key(pattern) {
            patterns.insert(pattern.to_string(), CompiledPattern::new(pattern));
        }
        patterns.get_mut(pattern)?.is_match(pattern, text)
    }

    fn bounds(&self, node: &'s Json) -> Bounds {
        let number = |keyword| self.get(node, keyword).and_then(Json::as_f64);
        Bounds {
            minimum: number("minimum"),
            maximum: number("maximum"),
            exclusive_minimum: number("exclusiveMinimum"),
            exclusive_maximum: number("exclusiveMaximum"),
        }
    }

    fn subschemas(&self, node: &'s Json, which: Applicator) -> impl Iterator<Item = &'s Json> {
        let keyword = match which {
            Applicator::AllOf => "allOf",
            Applicator::AnyOf => "anyOf",
            Applicator::OneOf => "oneOf",
        };
        self.get(node, keyword).and_then(Json::as_array).into_iter().flatten()
    }

    fn condition(&self, node: &'s Json) -> Option<Condition<&'s Json>> {
        Some(Condition {
            when: self.get(node, "if")?,
            then: self.get(node, "then"),
            otherwise: self.get(node, "else"),
        })
    }

    fn negated(&self, node: &'s Json) -> Option<&'s Json> {
        self.get(node, "not")
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    const DRAFT7: &str = r##"{
        "$schema": "http://json-schema.org/draft-07/schema#",
        "type": "object",
        "required": ["a"],
        "properties": {
            "a": {"type": "integer", "minimum": 0, "maximum": 10},
            "b": {"type": ["string", "null"], "minLength": 1, "maxLength": 3, "pattern": "^[a-c]+$"},
            "c": {"$ref": "#/definitions/c", "type": "string"},
            "list": {"type": "array", "items": {"type": "number", "exclusiveMaximum": 5},
                     "minItems": 1, "maxItems": 3, "uniqueItems": true},
            "n": {"format": "int32", "exclusiveMinimum": -2}
        },
        "additionalProperties": {"type": "boolean"},
        "definitions": {"c": {"enum": [1, "x", true, null, [1]]}}
    }"##;

    const DRAFT2020: &str = r##"{
        "type": "object",
        "minProperties": 1,
        "propertyNames": {"maxLength": 4},
        "properties": {
            "a": {"anyOf": [{"type": "string"}, {"type": "integer", "minimum": 3}]},
            "b": {"oneOf": [{"type": "number"}, {"type": "integer"}]},
            "s": {"not": {"const": "x"}, "title": "s", "x-note": 1, "form": true, "sliderMax": 3},
            "n": {"if": {"type": "number"}, "then": {"minimum": 1}, "else": {"type": "string"}},
            "c": {"$ref": "#/$defs/c", "maxProperties": 1},
            "list": {"items": {"$ref": "#"}, "maxItems": 2}
        },
        "$defs": {"c": {"type": "object", "additionalProperties": false, "properties": {"a": true, "b": {}}}}
    }"##;

    fn draft_of(schema: &Json) -> jsonschema::Draft {
        match schema.get("$schema") {
            Some(_) => jsonschema::Draft::Draft7,
            None => jsonschema::Draft::Draft202012,
        }
    }

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            (-3i64..12).prop_map(Value::Int),
            prop::sample::select(vec![-1.5, 0.0, 1.0, 2.5, 4.0, 5.0, 1e300, f64::NAN]).prop_map(Value::Float),
            prop::sample::select(vec!["", "a", "ab", "abc", "abcd", "x", "z", "Ä"])
                .prop_map(|s| Value::String(s.into())),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::List),
                prop::collection::vec(
                    (prop::sample::select(vec!["a", "b", "c", "n", "s", "list", "longer"]), inner),
                    0..5
                )
                .prop_map(|entries| Value::Map(
                    entries.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
                )),
            ]
        })
    }

    proptest! {
        /// Whatever the walk decides, the full validator decides the same.
        #[test]
        fn the_verdict_agrees_with_the_full_validator(value in value(), which in 0..2usize) {
            let schema: Json = serde_json::from_str([DRAFT7, DRAFT2020][which]).unwrap();
            let draft = draft_of(&schema);
            let quick = JsonSchema::new(&schema, draft).expect("the schema is read");
            let full = jsonschema::options().with_draft(draft).build(&schema).unwrap();
            match verdict(&quick, &value) {
                Verdict::Valid => prop_assert!(full.is_valid(&value.to_json()), "valid? {value:?}"),
                Verdict::Invalid => prop_assert!(!full.is_valid(&value.to_json()), "invalid? {value:?}"),
                Verdict::Unsure => {}
            }
        }
    }

    /// Patterns as real schemas write them (Kubernetes quantities and names among them).
    const PATTERNS: &[&str] = &[
        "^[a-c]+$",
        r"^([+]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?)?$",
        r"^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$",
        r"\d+\s\w",
        r"^\S+$",
        "a.b",
        "^.{2,3}$",
        r"[^\s]x$",
        r"\bword\b",
        "(?i)abc",
        r"^\w+@\w+\.\w{2,}$",
    ];

    proptest! {
        /// Where a pattern is matched here, the validator matches it the same way.
        #[test]
        fn patterns_match_as_the_validator_matches_them(
            which in 0..PATTERNS.len(),
            text in "[a-cxA-C0-9 .+@:\\-]{0,6}(word|abc|ABC|Ki)?[\r\n\t\u{b}\u{a0}Ä1a]{0,2}[a-c ]{0,2}",
        ) {
            let pattern = PATTERNS[which];
            let schema = serde_json::json!({ "pattern": pattern });
            let quick = JsonSchema::new(&schema, jsonschema::Draft::Draft202012).expect("the pattern parses");
            let full = jsonschema::options().with_draft(jsonschema::Draft::Draft202012).build(&schema).unwrap();
            if let Some(matched) = quick.matches(pattern, &text) {
                prop_assert_eq!(matched, full.is_valid(&Json::String(text.clone())), "{:?} on {:?}", pattern, text);
            }
        }
    }

    /// The workspace's own chart (a 400 KB schema of Kubernetes types) with each example's
    /// values merged over its defaults, as `template` checks them.
    fn chart_out_cases() -> (Json, Vec<Value>) {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
        let chart = crate::helm::chart::load_chart(&root.join("chart-out")).expect("chart-out loads");
        let schema =
            serde_json::from_slice(chart.schema.as_deref().expect("chart-out has a schema")).unwrap();
        let mut cases = Vec::new();
        for entry in std::fs::read_dir(root.join("values-examples")).unwrap() {
            let bytes = std::fs::read(entry.unwrap().path()).unwrap();
            let (user, _) = crate::helm::values::load_values_file("values", &bytes, &mut Vec::new()).unwrap();
            let merged = crate::helm::coalesce::coalesce_values(
                user,
                &chart.values,
                crate::helm::coalesce::NullRule::Delete,
            );
            cases.push(Value::Map(merged));
        }
        assert!(cases.len() >= 5);
        (schema, cases)
    }

    #[test]
    fn every_example_is_valid_for_chart_out_without_the_validator() {
        let (schema, cases) = chart_out_cases();
        let quick =
            JsonSchema::new(&schema, jsonschema::Draft::Draft7).expect("chart-out's schema is read whole");
        for values in &cases {
            assert_eq!(verdict(&quick, values), Verdict::Valid);
        }
    }

    /// The examples with one value replaced (a wrong type, a bad text, a removed map), at
    /// places the schema constrains: the verdict, when it gives one, is the validator's.
    fn damaged(values: &Value, at: usize, with: Value) -> Value {
        fn walk(value: &mut Value, at: &mut usize, with: &Value) -> bool {
            if *at == 0 {
                *value = with.clone();
                return true;
            }
            *at -= 1;
            match value {
                Value::Map(map) => map.values_mut().any(|v| walk(v, at, with)),
                Value::List(items) => items.iter_mut().any(|v| walk(v, at, with)),
                _ => false,
            }
        }
        let mut copy = values.clone();
        let mut at = at;
        walk(&mut copy, &mut at, &with);
        copy
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]
        #[test]
        fn damaged_examples_get_the_validators_verdict(
            which in 0..8usize,
            at in 1..400usize,
            with in prop_oneof![6 => scalar(), 1 => Just(Value::List(vec![])), 1 => Just(Value::Map(Map::default()))],
        ) {
            thread_local! {
                static CASES: (Json, Vec<Value>) = chart_out_cases();
            }
            CASES.with(|(schema, cases)| {
                let values = damaged(&cases[which % cases.len()], at, with);
                let quick = JsonSchema::new(schema, jsonschema::Draft::Draft7).unwrap();
                let full = jsonschema::options().with_draft(jsonschema::Draft::Draft7).build(schema).unwrap();
                match verdict(&quick, &values) {
                    Verdict::Valid => prop_assert!(full.is_valid(&values.to_json())),
                    Verdict::Invalid => prop_assert!(!full.is_valid(&values.to_json())),
                    Verdict::Unsure => {}
                }
                Ok(())
            })?;
        }
    }

    fn check(schema: &str, value: &str) -> Verdict {
        let schema: Json = serde_json::from_str(schema).unwrap();
        let value = Value::from_json(&serde_json::from_str(value).unwrap(), true);
        verdict(&JsonSchema::new(&schema, draft_of(&schema)).unwrap(), &value)
    }

    #[test]
    fn decides_both_ways() {
        assert_eq!(
            check(DRAFT7, r#"{"a": 3, "b": "ab", "c": 1, "list": [1, 2.5], "extra": true}"#),
            Verdict::Valid
        );
        assert_eq!(
            check(DRAFT7, r#"{"a": 3, "c": "x"}"#),
            Verdict::Valid,
            "siblings of $ref are ignored in draft-07"
        );
        assert_eq!(check(DRAFT7, r#"{"a": 3, "list": [1, 1.0]}"#), Verdict::Invalid);
        assert_eq!(check(DRAFT7, r#"{"a": 3, "b": "abd"}"#), Verdict::Invalid);
        assert_eq!(check(DRAFT7, r#"{"b": "a"}"#), Verdict::Invalid);
        assert_eq!(check(DRAFT7, r#"{"a": 3, "extra": 1}"#), Verdict::Invalid);
        assert_eq!(
            check(DRAFT7, r#"{"a": 9007199254740993}"#),
            Verdict::Unsure,
            "too large to compare as a float"
        );
        assert_eq!(check(DRAFT2020, r#"{"c": {"a": 1}}"#), Verdict::Valid);
        assert_eq!(
            check(DRAFT2020, r#"{"c": {"a": 1, "b": 2}}"#),
            Verdict::Invalid,
            "siblings of $ref apply"
        );
        assert_eq!(check(DRAFT2020, r#"{"b": 1}"#), Verdict::Invalid, "an integer is also a number");
        assert_eq!(check(DRAFT2020, r#"{"b": 1.5, "n": "x", "s": "y"}"#), Verdict::Valid);
        assert_eq!(check(DRAFT2020, r#"{"list": [{"a": "x"}, {"list": [{"s": "x"}]}]}"#), Verdict::Invalid);
        assert_eq!(check(DRAFT2020, r#"{"toolong": 1}"#), Verdict::Invalid);
        assert_eq!(check(r##"{"$ref": "#"}"##, "{}"), Verdict::Unsure, "a reference to itself ends");
    }

    #[test]
    fn keyword_lists_are_sorted() {
        assert!(ANNOTATIONS.is_sorted_by_key(|(name, _)| *name));
        assert!(UNEVALUATED.is_sorted());
    }

    #[test]
    fn schemas_the_walk_cannot_read_whole_are_left_to_the_validator() {
        for schema in [
            r#"{"properties": {"a": {"pattern": "(unclosed"}}}"#,
            r#"{"properties": {"a": {"patternProperties": {}}}}"#,
            r#"{"properties": {"a": {"multipleOf": 2}}}"#,
            r#"{"properties": {"a": {"unevaluatedProperties": false}}}"#,
            r#"{"properties": {"a": {"title": 5}}}"#,
            r##"{"properties": {"a": {"$ref": "other.json#/x"}}}"##,
            r#"{"properties": {"a": {"$id": "inner", "type": "string"}}}"#,
            r#"{"properties": {"a": {"items": [{"type": "string"}]}}}"#,
            r#"{"required": ["a", "a"]}"#,
            r#"{"enum": []}"#,
            r#"{"$schema": "http://json-schema.org/draft-07/schema#", "format": "email"}"#,
        ] {
            let json: Json = serde_json::from_str(schema).unwrap();
            assert!(JsonSchema::new(&json, draft_of(&json)).is_none(), "{schema}");
        }
        let draft4: Json = serde_json::json!({"type": "object"});
        assert!(JsonSchema::new(&draft4, jsonschema::Draft::Draft4).is_none());
    }
}
