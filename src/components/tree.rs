//! Kubernetes objects described once, as trees whose values-dependent parts are expressions.
//! Render evaluates a tree into a concrete object; the chart exporter prints the same tree as
//! the YAML text of a Helm template, with `{{ }}` where a value comes from the values. Every
//! decision (a fallback, whether a key exists, what a list holds) is made here once, so the two
//! outputs cannot drift.

use std::borrow::Cow;

use super::expr::{Cond, Expr, KeyPath, List, Seq, Shared};

/// One object of the deployment and the chart template that produces it.
#[derive(Clone, Debug, PartialEq)]
pub struct Object {
    /// Template path inside the chart, like `templates/admin/deployment.yaml`.
    pub path: Cow<'static, str>,
    /// When the object exists.
    pub when: Cond,
    /// What the object is for: a comment at the top of its template.
    pub about: Cow<'static, str>,
    /// Checks on the release that must hold, with the message when one does not.
    pub checks: List<Check>,
    pub body: Node,
}

/// A condition the release must meet, and the error when it does not.
#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub holds: Cond,
    pub message: Expr,
}

/// A value in an object.
#[derive(Clone, Debug, PartialEq)]
pub enum Node {
    /// Fixed text.
    Str(Cow<'static, str>),
    Int(i64),
    Bool(bool),
    /// Text from the values.
    Text(Expr),
    /// An integer key of the values.
    Number(KeyPath),
    /// A mapping, entry by entry.
    Map(List<Part>),
    /// A sequence, item by item.
    List(List<Part>),
    /// A map or list of the values as the user wrote it (affinity, tolerations, ...).
    Values(KeyPath),
    /// The data of a ConfigMap: file name → content. Shared: the same block also sits in the
    /// checksum annotation of every pod that reads the ConfigMap (the shared environment's in
    /// eight).
    Data(Shared<DataBlock>),
    /// The SHA-256 of a ConfigMap's data, so that pods restart when it changes.
    Checksum(Shared<DataBlock>),
}

/// A piece of a mapping or a sequence.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    /// A key and its value (mappings).
    Entry(Cow<'static, str>, Node, Presence),
    /// An item (sequences).
    Item(Node, Presence),
    /// One item per element of a list, the element being [`Expr::Item`] (sequences).
    Each(Seq, Node),
    /// The entries of a map key, or the items of a list key, of the values.
    Splice(KeyPath),
    /// The entries of a shared fragment (labels), named so the chart defines it once.
    Include(&'static str, Shared<Node>),
}

/// When an entry or item is there.
#[derive(Clone, Debug, PartialEq)]
pub enum Presence {
    Always,
    // Behind a pointer: most entries have no condition, and every entry of every tree
    // carries a presence.
    When(Shared<Cond>),
    /// Only when its value is not empty (an empty text, map or list is left out).
    NonEmpty,
}

/// The data of a ConfigMap, in order.
#[derive(Clone, Debug, PartialEq)]
pub struct DataBlock {
    /// The ConfigMap's name suffix (`<release>-<name>`); it also names the chart's helpers.
    pub name: Cow<'static, str>,
    /// A map of the values whose entries come first (the entries below win over them).
    pub extra: Option<KeyPath>,
    pub entries: List<DataEntry>,
}

/// One key of a ConfigMap's data.
#[derive(Clone, Debug, PartialEq)]
pub struct DataEntry {
    pub key: Cow<'static, str>,
    pub content: Content,
    pub when: Cond,
}

/// What a ConfigMap key holds.
#[derive(Clone, Debug, PartialEq)]
pub enum Content {
    /// A fixed file shipped with the tool (and with the exported chart, under `files/`).
    Static { file: &'static str, text: &'static str },
    /// A whole file computed from the values.
    File(Expr),
    /// A short value computed from the values (an environment variable).
    Value(Expr),
}

impl Node {
    /// Whether the node can be empty: a text, map or list that may evaluate to nothing.
    pub fn may_be_empty(&self) -> bool {
        !self.non_empty().is_always()
    }

    /// When the node evaluates to something non-empty.
    pub fn non_empty(&self) -> Cond {
        match self {
            Node::Str(text) if text.is_empty() => Cond::Never,
            Node::Text(expr) => match expr {
                Expr::Lit(text) if !text.is_empty() => Cond::Always,
                _ => Cond::NotEmpty(Shared::new(expr.clone())),
            },
            Node::Map(parts) | Node::List(parts) => {
                parts.iter().map(Part::contributes).fold(Cond::Never, Cond::or)
            }
            Node::Values(path) | Node::Number(path) => Cond::present(path.clone()),
            Node::Data(block) => block
                .entries
                .iter()
                .map(|e| e.when.clone())
                .chain(block.extra.clone().map(Cond::present))
                .fold(Cond::Never, Cond::or),
            Node::Str(_) | Node::Int(_) | Node::Bool(_) | Node::Checksum(_) => Cond::Always,
        }
    }
}

impl Part {
    /// When the part adds something to its map or list.
    pub fn contributes(&self) -> Cond {
        match self {
            Part::Entry(_, value, presence) | Part::Item(value, presence) => match presence {
                Presence::Always => Cond::Always,
                Presence::When(cond) => (**cond).clone(),
                Presence::NonEmpty => value.non_empty(),
            },
            Part::Each(seq, _) => Cond::HasItems(Shared::new(seq.clone())),
            Part::Splice(path) => Cond::present(path.clone()),
            Part::Include(..) => Cond::Always,
        }
    }

    /// The part only when the condition holds (an `Always` condition changes nothing).
    pub fn when(self, cond: Cond) -> Part {
        if cond.is_always() {
            return self;
        }
        match self {
            Part::Entry(key, value, presence) => Part::Entry(key, value, presence.and(cond)),
            Part::Item(value, presence) => Part::Item(value, presence.and(cond)),
            other => panic!("only entries and items are conditional, not {other:?}"),
        }
    }

    /// The part only when its value is not empty.
    pub fn if_not_empty(self) -> Part {
        match self {
            Part::Entry(key, value, Presence::Always) => Part::Entry(key, value, Presence::NonEmpty),
            Part::Item(value, Presence::Always) => Part::Item(value, Presence::NonEmpty),
            other => panic!("if_not_empty applies to an unconditional entry or item, not {other:?}"),
        }
    }
}

impl Presence {
    fn and(self, cond: Cond) -> Presence {
        match self {
            Presence::Always => Presence::When(Shared::new(cond)),
            Presence::When(c) => Presence::When(Shared::new((*c).clone().and(cond))),
            Presence::NonEmpty => panic!("a non-empty entry cannot also be conditional"),
        }
    }
}

impl From<&'static str> for Node {
    fn from(text: &'static str) -> Node {
        Node::Str(Cow::Borrowed(text))
    }
}

impl From<String> for Node {
    fn from(text: String) -> Node {
        Node::Str(Cow::Owned(text))
    }
}

impl From<i64> for Node {
    fn from(number: i64) -> Node {
        Node::Int(number)
    }
}

impl From<i32> for Node {
    fn from(number: i32) -> Node {
        Node::Int(number.into())
    }
}

impl From<bool> for Node {
    fn from(flag: bool) -> Node {
        Node::Bool(flag)
    }
}

impl From<Expr> for Node {
    fn from(expr: Expr) -> Node {
        match expr {
            Expr::Lit(text) => Node::Str(text),
            expr => Node::Text(expr),
        }
    }
}

/// A mapping.
pub fn map(parts: impl IntoIterator<Item = Part>) -> Node {
    Node::Map(parts.into_iter().collect())
}

/// A sequence.
pub fn list(parts: impl IntoIterator<Item = Part>) -> Node {
    Node::List(parts.into_iter().collect())
}

/// A sequence of fixed items.
pub fn items<T: Into<Node>>(values: impl IntoIterator<Item = T>) -> Node {
    list(values.into_iter().map(item))
}

/// A key and its value.
pub fn entry(key: impl Into<Cow<'static, str>>, value: impl Into<Node>) -> Part {
    Part::Entry(key.into(), value.into(), Presence::Always)
}

/// An item of a sequence.
pub fn item(value: impl Into<Node>) -> Part {
    Part::Item(value.into(), Presence::Always)
}

/// A map or list of the values, as written.
pub fn values(path: impl Into<KeyPath>) -> Node {
    Node::Values(path.into())
}

impl Object {
    /// Every values key the object reads, for checking them against the model.
    pub fn keys(&self) -> Vec<&str> {
        let mut keys = Vec::new();
        self.when.keys(&mut keys);
        for check in self.checks.iter() {
            check.holds.keys(&mut keys);
            check.message.keys(&mut keys);
        }
        self.body.keys(&mut keys);
        keys
    }
}

impl Node {
    fn keys<'n>(&'n self, into: &mut Vec<&'n str>) {
        match self {
            Node::Str(_) | Node::Int(_) | Node::Bool(_) => {}
            Node::Text(expr) => expr.keys(into),
            Node::Number(path) | Node::Values(path) => into.push(path),
            Node::Map(parts) | Node::List(parts) => parts.iter().for_each(|p| p.keys(into)),
            Node::Data(block) | Node::Checksum(block) => {
                into.extend(block.extra.as_deref());
                for entry in block.entries.iter() {
                    entry.when.keys(into);
                    match &entry.content {
                        Content::Static { .. } => {}
                        Content::File(expr) | Content::Value(expr) => expr.keys(into),
                    }
                }
            }
        }
    }
}

impl Part {
    fn keys<'p>(&'p self, into: &mut Vec<&'p str>) {
        let presence = |presence: &'p Presence, into: &mut Vec<&'p str>| {
            if let Presence::When(cond) = presence {
                cond.keys(into);
            }
        };
        match self {
            Part::Entry(_, node, when) | Part::Item(node, when) => {
                presence(when, into);
                node.keys(into);
            }
            Part::Each(seq, node) => {
                seq.keys(into);
                node.keys(into);
            }
            Part::Splice(path) => into.push(path),
            Part::Include(_, node) => node.keys(into),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emptiness_follows_the_parts() {
        let always = map([entry("a", 1)]);
        assert!(!always.may_be_empty());
        let flag = Cond::flag("x.enabled");
        let maybe = map([entry("a", 1).when(flag.clone())]);
        assert_eq!(maybe.non_empty(), flag);
        let spliced = list([Part::Splice("x.extra".into()), item("b").when(Cond::flag("y"))]);
        assert_eq!(spliced.non_empty(), Cond::any(vec![Cond::present("x.extra"), Cond::flag("y")]));
        assert!(map([]).may_be_empty());
    }

    #[test]
    fn fixed_texts_are_empty_or_not_whatever_the_values() {
        assert_eq!(Node::Str("".into()).non_empty(), Cond::Never);
        assert_eq!(Node::Str("x".into()).non_empty(), Cond::Always);
        assert_eq!(Node::Text(Expr::lit("x")).non_empty(), Cond::Always);
        assert_eq!(Node::Text(Expr::lit("")).non_empty(), Cond::NotEmpty(Shared::new(Expr::lit(""))));
        let key = Expr::Key("domain".into());
        assert_eq!(Node::Text(key.clone()).non_empty(), Cond::NotEmpty(Shared::new(key)));
    }
}
