//! Small typed expressions over the values: what a setting is made of (a key's value, the
//! release name, a service address, a literal) and when a piece exists. Render evaluates
//! them against concrete values (`src/eval.rs`); the chart exporter prints the same
//! expressions as Go template code (`src/chart/go.rs`), so both outputs are computed from one
//! description. This file holds the types alone: `build.rs` compiles it too, to build the
//! wiring into the program.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

/// The values key that replaces the release name in object names.
pub const NAME_PREFIX_KEY: &str = "fullnameOverride";

/// A dotted path into the values, like `admin.persistence.size`.
pub type KeyPath = Cow<'static, str>;

/// The items of a list in the wiring: data in the program (the wiring is built when the
/// program is, see `build.rs`), or built at run time (by the build and by tests).
pub type List<T> = Cow<'static, [T]>;

/// One part of a tree that holds another: data in the program, or built at run time (by the
/// build and by tests) behind an `Arc`, so that copying a tree copies no subtree.
pub enum Shared<T: 'static> {
    Static(&'static T),
    Built(Arc<T>),
}

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared::Built(Arc::new(value))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;

    fn deref(&self) -> &T {
        match self {
            Shared::Static(value) => value,
            Shared::Built(value) => value,
        }
    }
}

impl<T> Clone for Shared<T> {
    fn clone(&self) -> Self {
        match self {
            Shared::Static(value) => Shared::Static(value),
            Shared::Built(value) => Shared::Built(Arc::clone(value)),
        }
    }
}

/// Equal when the parts are, wherever they are kept.
impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        (**self).fmt(f)
    }
}

/// A text computed from the values.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// Fixed text.
    Lit(Cow<'static, str>),
    /// The text of a string key (dotted path into the values).
    Key(KeyPath),
    /// An integer key, as decimal text.
    Num(KeyPath),
    /// An integer key times a factor, as decimal text (`messageSizeLimitMb` × 1048576).
    Product(KeyPath, i64),
    /// The items of a list key joined with a separator.
    Join(KeyPath, &'static str),
    /// The items of a list key joined by a separator that is itself an expression.
    JoinBy(KeyPath, Shared<Expr>),
    /// The first item of a list key.
    First(KeyPath),
    /// The entry of a map key under a name that may hold dots (a file name); empty when
    /// missing.
    Entry(KeyPath, &'static str),
    /// The release name.
    Release,
    /// The first part of every object's name: `fullnameOverride`, else the release name.
    NamePrefix,
    /// `<prefix>-<component>`.
    ObjectName(Cow<'static, str>),
    /// `<prefix>-<component>.<namespace>.svc.<clusterDomain>`.
    ServiceFqdn(&'static str),
    /// The release namespace.
    Namespace,
    /// The element of the list being iterated over (see `Part::Each`).
    Item,
    /// A key of the element being iterated over, when the elements are maps.
    Field(&'static str),
    /// The parts, one after the other.
    Concat(List<Expr>),
    /// The first part unless it is empty, else the second.
    OrElse(Shared<Expr>, Shared<Expr>),
    /// One of two texts, by a condition.
    Choose(Shared<Cond>, Shared<Expr>, Shared<Expr>),
    /// The text in Go's double-quoted form (`%q`), for messages.
    Quoted(Shared<Expr>),
    /// An image repository without the registry it names first, if it names one (a first
    /// part with a dot or a colon, or `localhost`): `ghcr.io/mailu/admin` gives `mailu/admin`.
    WithoutRegistry(Shared<Expr>),
}

impl Expr {
    pub fn lit(text: &'static str) -> Expr {
        Expr::Lit(Cow::Borrowed(text))
    }

    pub fn owned(text: String) -> Expr {
        Expr::Lit(Cow::Owned(text))
    }

    pub fn key(path: impl Into<KeyPath>) -> Expr {
        Expr::Key(path.into())
    }

    pub fn num(path: impl Into<KeyPath>) -> Expr {
        Expr::Num(path.into())
    }

    pub fn object_name(component: impl Into<Cow<'static, str>>) -> Expr {
        Expr::ObjectName(component.into())
    }

    pub fn concat(parts: Vec<Expr>) -> Expr {
        Expr::Concat(parts.into())
    }

    pub fn choose(cond: Cond, then: Expr, otherwise: Expr) -> Expr {
        Expr::Choose(Shared::new(cond), Shared::new(then), Shared::new(otherwise))
    }

    pub fn or_else(first: Expr, fallback: Expr) -> Expr {
        Expr::OrElse(Shared::new(first), Shared::new(fallback))
    }

    pub fn without_registry(repository: Expr) -> Expr {
        Expr::WithoutRegistry(Shared::new(repository))
    }

    /// Every values key the expression reads, for checking them against the model.
    pub fn keys<'e>(&'e self, into: &mut Vec<&'e str>) {
        match self {
            Expr::Key(p)
            | Expr::Num(p)
            | Expr::Product(p, _)
            | Expr::Join(p, _)
            | Expr::First(p)
            | Expr::Entry(p, _) => into.push(p),
            Expr::ServiceFqdn(_) => into.extend(["clusterDomain", NAME_PREFIX_KEY]),
            Expr::ObjectName(_) | Expr::NamePrefix => into.push(NAME_PREFIX_KEY),
            Expr::Concat(parts) => parts.iter().for_each(|p| p.keys(into)),
            Expr::OrElse(a, b) => {
                a.keys(into);
                b.keys(into);
            }
            Expr::Choose(c, a, b) => {
                c.keys(into);
                a.keys(into);
                b.keys(into);
            }
            Expr::Quoted(inner) | Expr::WithoutRegistry(inner) => inner.keys(into),
            Expr::JoinBy(p, separator) => {
                into.push(p);
                separator.keys(into);
            }
            Expr::Lit(_) | Expr::Release | Expr::Namespace | Expr::Item | Expr::Field(_) => {}
        }
    }
}

/// A condition on the values.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    Always,
    Never,
    /// A boolean key is true.
    Flag(KeyPath),
    /// A string key equals a text.
    Equals(KeyPath, &'static str),
    /// A text is not empty.
    NotEmpty(Shared<Expr>),
    /// A string key contains a text.
    Contains(KeyPath, &'static str),
    /// A map or list key has entries (a missing or null key has none).
    Present(KeyPath),
    /// A list of texts has elements.
    HasItems(Shared<Seq>),
    /// An integer key is at least a number.
    AtLeast(KeyPath, i64),
    /// A text matches a regular expression (the syntax both Go and Rust accept).
    Matches(Shared<Expr>, &'static str),
    /// Two string keys hold the same text.
    SameText(KeyPath, KeyPath),
    Not(Shared<Cond>),
    All(List<Cond>),
    Any(List<Cond>),
}

impl Cond {
    pub fn all(conds: Vec<Cond>) -> Cond {
        Cond::All(conds.into())
    }

    pub fn any(conds: Vec<Cond>) -> Cond {
        Cond::Any(conds.into())
    }

    pub fn flag(path: impl Into<KeyPath>) -> Cond {
        Cond::Flag(path.into())
    }

    pub fn equals(path: impl Into<KeyPath>, text: &'static str) -> Cond {
        Cond::Equals(path.into(), text)
    }

    /// A string key is not empty.
    pub fn is_set(path: impl Into<KeyPath>) -> Cond {
        Cond::NotEmpty(Shared::new(Expr::key(path)))
    }

    pub fn present(path: impl Into<KeyPath>) -> Cond {
        Cond::Present(path.into())
    }

    pub fn at_least(path: impl Into<KeyPath>, number: i64) -> Cond {
        Cond::AtLeast(path.into(), number)
    }

    pub fn negate(cond: Cond) -> Cond {
        match cond {
            Cond::Always => Cond::Never,
            Cond::Never => Cond::Always,
            Cond::Not(inner) => (*inner).clone(),
            other => Cond::Not(Shared::new(other)),
        }
    }

    /// Both conditions, simplified when one is `Always` or `Never`.
    pub fn and(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::Always, c) | (c, Cond::Always) => c,
            (Cond::Never, _) | (_, Cond::Never) => Cond::Never,
            (Cond::All(mut a), c) => {
                a.to_mut().push(c);
                Cond::All(a)
            }
            (a, b) => Cond::all(vec![a, b]),
        }
    }

    /// Either condition, simplified when one is `Always` or `Never`.
    pub fn or(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::Always, _) | (_, Cond::Always) => Cond::Always,
            (Cond::Never, c) | (c, Cond::Never) => c,
            (Cond::Any(mut a), Cond::Any(b)) => {
                a.to_mut().extend(b.into_owned());
                Cond::Any(a)
            }
            (Cond::Any(mut a), c) => {
                a.to_mut().push(c);
                Cond::Any(a)
            }
            (a, Cond::Any(mut b)) => {
                b.to_mut().insert(0, a);
                Cond::Any(b)
            }
            (a, b) => Cond::any(vec![a, b]),
        }
    }

    /// Whether the condition always holds.
    pub fn is_always(&self) -> bool {
        matches!(self, Cond::Always)
    }

    /// Every values key the condition reads.
    pub fn keys<'e>(&'e self, into: &mut Vec<&'e str>) {
        match self {
            Cond::Flag(p)
            | Cond::Equals(p, _)
            | Cond::Contains(p, _)
            | Cond::Present(p)
            | Cond::AtLeast(p, _) => into.push(p),
            Cond::NotEmpty(e) | Cond::Matches(e, _) => e.keys(into),
            Cond::HasItems(seq) => seq.keys(into),
            Cond::SameText(a, b) => into.extend([&**a, &**b]),
            Cond::Not(c) => c.keys(into),
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.keys(into)),
            Cond::Always | Cond::Never => {}
        }
    }

    /// Whether the condition never holds.
    pub fn is_never(&self) -> bool {
        matches!(self, Cond::Never)
    }
}

/// A list of texts computed from the values, iterated over by `Part::Each`.
#[derive(Clone, Debug, PartialEq)]
pub enum Seq {
    /// A list key.
    Key(KeyPath),
    /// A list with one more text at the end.
    Append(Shared<Seq>, Shared<Expr>),
    /// A list without repeated texts (the first of each kept).
    Unique(Shared<Seq>),
    /// The items of one list, then those of another.
    Concat(Shared<Seq>, Shared<Seq>),
    /// The names of references given as names or as maps with a `name` (`regcred`,
    /// `{name: regcred}`), each once; the chart's helper `mailu.names` makes them.
    Names(Shared<Seq>),
}

impl Seq {
    pub fn key(path: impl Into<KeyPath>) -> Seq {
        Seq::Key(path.into())
    }

    pub fn append(self, last: Expr) -> Seq {
        Seq::Append(Shared::new(self), Shared::new(last))
    }

    pub fn unique(self) -> Seq {
        Seq::Unique(Shared::new(self))
    }

    pub fn then(self, more: Seq) -> Seq {
        Seq::Concat(Shared::new(self), Shared::new(more))
    }

    pub fn names(self) -> Seq {
        Seq::Names(Shared::new(self))
    }

    pub fn keys<'e>(&'e self, into: &mut Vec<&'e str>) {
        match self {
            Seq::Key(p) => into.push(p),
            Seq::Append(seq, last) => {
                seq.keys(into);
                last.keys(into);
            }
            Seq::Unique(seq) | Seq::Names(seq) => seq.keys(into),
            Seq::Concat(a, b) => {
                a.keys(into);
                b.keys(into);
            }
        }
    }
}
