//! The values a release renders from, and the wiring's expressions evaluated against them
//! (by `render`, and by `dns`, `graph` and the chart's image annotations).

use helm_engine::Value;
use helm_engine::go_quote as quote;

use crate::components::expr::{Cond, Expr, NAME_PREFIX_KEY, Seq};

/// What an expression is evaluated against.
#[derive(Clone, Copy)]
pub struct Ctx<'a> {
    /// The validated values as a tree (integers as `Value::Int`).
    pub values: &'a Value,
    /// The release name (`--release-name`).
    pub release: &'a str,
    /// The namespace (`-n`).
    pub namespace: &'a str,
    /// The element of the list being iterated over ([`Expr::Item`]).
    pub item: Option<&'a Value>,
}

impl<'a> Ctx<'a> {
    /// A context for the values of a release.
    pub fn new(values: &'a Value, release: &'a str, namespace: &'a str) -> Self {
        Ctx { values, release, namespace, item: None }
    }

    /// The same context inside an iteration, at `item`.
    pub fn at(self, item: &'a Value) -> Self {
        Ctx { item: Some(item), ..self }
    }

    /// The value of a key, `Null` when absent.
    pub fn lookup(&self, path: &str) -> &'a Value {
        self.values.get_dotted(path).unwrap_or(&Value::Null)
    }

    /// A string or number key's text.
    pub fn text(&self, path: &str) -> String {
        scalar_text(self.lookup(path))
    }

    /// An integer key.
    pub fn int(&self, path: &str) -> i64 {
        match self.lookup(path) {
            Value::Int(i) => *i,
            Value::Float(f) => *f as i64,
            _ => 0,
        }
    }

    /// A boolean key.
    pub fn flag(&self, path: &str) -> bool {
        matches!(self.lookup(path), Value::Bool(true))
    }

    /// The first part of every object's name: `fullnameOverride`, else the release name.
    pub fn name_prefix(&self) -> String {
        match self.text(NAME_PREFIX_KEY) {
            prefix if prefix.is_empty() => self.release.to_string(),
            prefix => prefix,
        }
    }

    /// `<prefix>-<component>`, the name of every object of a component.
    pub fn object_name(&self, component: &str) -> String {
        format!("{}-{component}", self.name_prefix())
    }

    /// The in-cluster DNS name of a component's Service.
    pub fn service_fqdn(&self, component: &str) -> String {
        format!("{}.{}.svc.{}", self.object_name(component), self.namespace, self.text("clusterDomain"))
    }
}

/// The text Go's `print` gives a scalar (empty for anything else).
fn scalar_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) => helm_engine::format_float_json(*f),
        Value::Bool(b) => b.to_string(),
        _ => String::new(),
    }
}

impl Expr {
    pub fn eval(&self, ctx: &Ctx<'_>) -> String {
        match self {
            Expr::Lit(text) => text.to_string(),
            Expr::Key(path) => ctx.text(path),
            Expr::Num(path) => ctx.int(path).to_string(),
            Expr::Product(path, factor) => (ctx.int(path) * factor).to_string(),
            Expr::Join(path, separator) => match ctx.lookup(path) {
                Value::List(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(separator),
                _ => String::new(),
            },
            Expr::JoinBy(path, separator) => match ctx.lookup(path) {
                Value::List(items) => {
                    items.iter().map(scalar_text).collect::<Vec<_>>().join(&separator.eval(ctx))
                }
                _ => String::new(),
            },
            Expr::First(path) => match ctx.lookup(path) {
                Value::List(items) => items.first().map(scalar_text).unwrap_or_default(),
                _ => String::new(),
            },
            Expr::Entry(path, name) => {
                ctx.lookup(path).as_map().and_then(|m| m.get(*name)).map(scalar_text).unwrap_or_default()
            }
            Expr::Release => ctx.release.to_string(),
            Expr::ObjectName(component) => ctx.object_name(component),
            Expr::NamePrefix => ctx.name_prefix(),
            Expr::ServiceFqdn(component) => ctx.service_fqdn(component),
            Expr::Namespace => ctx.namespace.to_string(),
            Expr::Item => ctx.item.map(scalar_text).unwrap_or_default(),
            Expr::Field(key) => ctx
                .item
                .and_then(|item| item.as_map())
                .and_then(|m| m.get(*key))
                .map(scalar_text)
                .unwrap_or_default(),
            Expr::Concat(parts) => parts.iter().map(|p| p.eval(ctx)).collect(),
            Expr::OrElse(first, fallback) => {
                let text = first.eval(ctx);
                if text.is_empty() { fallback.eval(ctx) } else { text }
            }
            Expr::Choose(cond, then, otherwise) => {
                if cond.eval(ctx) {
                    then.eval(ctx)
                } else {
                    otherwise.eval(ctx)
                }
            }
            Expr::Quoted(inner) => quote(&inner.eval(ctx)),
            Expr::WithoutRegistry(inner) => {
                let repository = inner.eval(ctx);
                match repository.split_once('/') {
                    Some((first, rest)) if first.contains(['.', ':']) || first == "localhost" => {
                        rest.to_string()
                    }
                    _ => repository,
                }
            }
        }
    }
}

impl Cond {
    pub fn eval(&self, ctx: &Ctx<'_>) -> bool {
        match self {
            Cond::Always => true,
            Cond::Never => false,
            Cond::Flag(path) => ctx.flag(path),
            Cond::Equals(path, text) => ctx.text(path) == *text,
            Cond::NotEmpty(expr) => !expr.eval(ctx).is_empty(),
            Cond::Contains(path, text) => ctx.text(path).contains(text),
            Cond::Present(path) => match ctx.lookup(path) {
                Value::Map(m) => !m.is_empty(),
                Value::List(l) => !l.is_empty(),
                Value::Null => false,
                Value::String(s) => !s.is_empty(),
                Value::Int(i) => *i != 0,
                Value::Float(f) => *f != 0.0,
                Value::Bool(b) => *b,
            },
            Cond::HasItems(seq) => !seq.eval(ctx).is_empty(),
            Cond::AtLeast(path, number) => ctx.int(path) >= *number,
            Cond::Matches(expr, pattern) => {
                crate::patterns::is_match(pattern, &expr.eval(ctx)).expect("wiring patterns are valid")
            }
            Cond::SameText(a, b) => ctx.text(a) == ctx.text(b),
            Cond::Not(c) => !c.eval(ctx),
            Cond::All(cs) => cs.iter().all(|c| c.eval(ctx)),
            Cond::Any(cs) => cs.iter().any(|c| c.eval(ctx)),
        }
    }
}

impl Seq {
    /// The elements (values list items, or texts).
    pub fn eval(&self, ctx: &Ctx<'_>) -> Vec<Value> {
        match self {
            Seq::Key(path) => ctx.lookup(path).as_list().cloned().unwrap_or_default(),
            Seq::Append(seq, last) => {
                let mut items = seq.eval(ctx);
                items.push(Value::String(last.eval(ctx)));
                items
            }
            Seq::Names(seq) => {
                let mut names: Vec<Value> = Vec::new();
                for item in seq.eval(ctx) {
                    let name = match &item {
                        Value::Map(map) => map.get("name").map(scalar_text).unwrap_or_default(),
                        other => scalar_text(other),
                    };
                    let name = Value::String(name);
                    if !names.contains(&name) {
                        names.push(name);
                    }
                }
                names
            }
            Seq::Concat(a, b) => {
                let mut items = a.eval(ctx);
                items.extend(b.eval(ctx));
                items
            }
            Seq::Unique(seq) => {
                let mut items: Vec<Value> = Vec::new();
                for item in seq.eval(ctx) {
                    if !items.contains(&item) {
                        items.push(item);
                    }
                }
                items
            }
        }
    }
}
