//! Small typed expressions over the values: what a setting is made of (a key's value, the
//! release name, a service address, a literal) and when a piece exists. Render evaluates
//! them against concrete values; the chart exporter prints the same expressions as Go
//! template code, so both outputs are computed from one description.

use std::borrow::Cow;

use helm_engine::Value;

/// What an expression is evaluated against.
pub struct Ctx<'a> {
    /// The validated values as a tree (integers as `Value::Int`).
    pub values: &'a Value,
    /// The release name (`--release-name`).
    pub release: &'a str,
    /// The namespace (`-n`).
    pub namespace: &'a str,
}

impl Ctx<'_> {
    fn lookup(&self, path: &str) -> &Value {
        self.values.get_dotted(path).unwrap_or(&Value::Null)
    }

    /// A string or number key's text.
    pub fn text(&self, path: &str) -> String {
        match self.lookup(path) {
            Value::String(s) => s.clone(),
            Value::Int(i) => i.to_string(),
            Value::Float(f) => helm_engine::format_float_json(*f),
            Value::Bool(b) => b.to_string(),
            _ => String::new(),
        }
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

    /// `<release>-<component>`, the name of every object of a component.
    pub fn object_name(&self, component: &str) -> String {
        format!("{}-{component}", self.release)
    }

    /// The in-cluster DNS name of a component's Service.
    pub fn service_fqdn(&self, component: &str) -> String {
        format!("{}.{}.svc.{}", self.object_name(component), self.namespace, self.text("clusterDomain"))
    }
}

/// A text computed from the values.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    /// Fixed text.
    Lit(Cow<'static, str>),
    /// The text of a string key (dotted path into the values).
    Key(&'static str),
    /// An integer key, as decimal text.
    Num(&'static str),
    /// An integer key times a factor, as decimal text (`messageSizeLimitMb` × 1048576).
    Product(&'static str, i64),
    /// The items of a list key joined with a separator.
    Join(&'static str, &'static str),
    /// The first item of a list key.
    First(&'static str),
    /// `<release>-<component>`.
    ObjectName(&'static str),
    /// `<release>-<component>.<namespace>.svc.<clusterDomain>`.
    ServiceFqdn(&'static str),
    /// The release namespace.
    Namespace,
    /// The parts, one after the other.
    Concat(Vec<Expr>),
    /// The first part unless it is empty, else the second.
    OrElse(Box<Expr>, Box<Expr>),
    /// One of two texts, by a condition.
    Choose(Box<Cond>, Box<Expr>, Box<Expr>),
}

impl Expr {
    pub fn lit(text: &'static str) -> Expr {
        Expr::Lit(Cow::Borrowed(text))
    }

    pub fn owned(text: String) -> Expr {
        Expr::Lit(Cow::Owned(text))
    }

    pub fn choose(cond: Cond, then: Expr, otherwise: Expr) -> Expr {
        Expr::Choose(Box::new(cond), Box::new(then), Box::new(otherwise))
    }

    pub fn or_else(first: Expr, fallback: Expr) -> Expr {
        Expr::OrElse(Box::new(first), Box::new(fallback))
    }

    pub fn eval(&self, ctx: &Ctx<'_>) -> String {
        match self {
            Expr::Lit(text) => text.to_string(),
            Expr::Key(path) => ctx.text(path),
            Expr::Num(path) => ctx.int(path).to_string(),
            Expr::Product(path, factor) => (ctx.int(path) * factor).to_string(),
            Expr::Join(path, separator) => match ctx.lookup(path) {
                Value::List(items) => items
                    .iter()
                    .map(|v| v.as_str().map_or_else(String::new, str::to_string))
                    .collect::<Vec<_>>()
                    .join(separator),
                _ => String::new(),
            },
            Expr::First(path) => match ctx.lookup(path) {
                Value::List(items) => items.first().and_then(Value::as_str).unwrap_or_default().to_string(),
                _ => String::new(),
            },
            Expr::ObjectName(component) => ctx.object_name(component),
            Expr::ServiceFqdn(component) => ctx.service_fqdn(component),
            Expr::Namespace => ctx.namespace.to_string(),
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
        }
    }

    /// The expression as a Go template operand that evaluates to the same text, for the
    /// exported chart. It reads the root context through `$`, so it works inside `range` and
    /// `with` blocks and in helpers given the root context.
    pub fn to_go(&self) -> String {
        match self {
            Expr::Lit(text) => helm_engine::go_quote(text),
            Expr::Key(path) => format!("$.Values.{path}"),
            Expr::Num(path) => format!("(toString (int $.Values.{path}))"),
            Expr::Product(path, factor) => format!("(toString (mul (int $.Values.{path}) {factor}))"),
            Expr::Join(path, separator) => {
                format!("(join {} $.Values.{path})", helm_engine::go_quote(separator))
            }
            Expr::First(path) => format!("(first $.Values.{path})"),
            Expr::ObjectName(component) => format!("(printf \"%s-{component}\" $.Release.Name)"),
            Expr::ServiceFqdn(component) => {
                format!(
                    "(printf \"%s-{component}.%s.svc.%s\" $.Release.Name $.Release.Namespace $.Values.clusterDomain)"
                )
            }
            Expr::Namespace => "$.Release.Namespace".to_string(),
            Expr::Concat(parts) => {
                // print concatenates string operands without separators.
                format!("(print {})", parts.iter().map(Expr::to_go).collect::<Vec<_>>().join(" "))
            }
            Expr::OrElse(first, fallback) => format!("(default {} {})", fallback.to_go(), first.to_go()),
            Expr::Choose(cond, then, otherwise) => {
                format!("(ternary {} {} {})", then.to_go(), otherwise.to_go(), cond.to_go())
            }
        }
    }

    /// The expression as Go template text producing the same text: literal parts verbatim,
    /// the rest as actions. Reads better than [`Expr::to_go`] for whole files.
    pub fn to_go_text(&self) -> String {
        match self {
            Expr::Lit(text) => text.to_string(),
            Expr::Concat(parts) => parts.iter().map(Expr::to_go_text).collect(),
            other => format!("{{{{ {} }}}}", other.to_go()),
        }
    }

    /// Every values key the expression reads, for checking them against the model.
    pub fn keys(&self, into: &mut Vec<&'static str>) {
        match self {
            Expr::Key(p) | Expr::Num(p) | Expr::Product(p, _) | Expr::Join(p, _) | Expr::First(p) => {
                into.push(p)
            }
            Expr::ServiceFqdn(_) => into.push("clusterDomain"),
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
            Expr::Lit(_) | Expr::ObjectName(_) | Expr::Namespace => {}
        }
    }
}

/// A condition on the values.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    Always,
    /// A boolean key is true.
    Flag(&'static str),
    /// A string key equals a text.
    Equals(&'static str, &'static str),
    /// A string key is not empty.
    NotEmpty(&'static str),
    /// A string key contains a text.
    Contains(&'static str, &'static str),
    Not(Box<Cond>),
    All(Vec<Cond>),
    Any(Vec<Cond>),
}

impl Cond {
    pub fn negate(cond: Cond) -> Cond {
        Cond::Not(Box::new(cond))
    }

    /// Both conditions, simplified when one is `Always`.
    pub fn and(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::Always, c) | (c, Cond::Always) => c,
            (Cond::All(mut a), c) => {
                a.push(c);
                Cond::All(a)
            }
            (a, b) => Cond::All(vec![a, b]),
        }
    }

    pub fn eval(&self, ctx: &Ctx<'_>) -> bool {
        match self {
            Cond::Always => true,
            Cond::Flag(path) => ctx.flag(path),
            Cond::Equals(path, text) => ctx.text(path) == *text,
            Cond::NotEmpty(path) => !ctx.text(path).is_empty(),
            Cond::Contains(path, text) => ctx.text(path).contains(text),
            Cond::Not(c) => !c.eval(ctx),
            Cond::All(cs) => cs.iter().all(|c| c.eval(ctx)),
            Cond::Any(cs) => cs.iter().any(|c| c.eval(ctx)),
        }
    }

    /// The condition as a Go template operand (a boolean), reading the root through `$`.
    pub fn to_go(&self) -> String {
        match self {
            Cond::Always => "true".to_string(),
            Cond::Flag(path) => format!("$.Values.{path}"),
            Cond::Equals(path, text) => format!("(eq $.Values.{path} {})", helm_engine::go_quote(text)),
            Cond::NotEmpty(path) => format!("(ne $.Values.{path} \"\")"),
            Cond::Contains(path, text) => {
                format!("(contains {} $.Values.{path})", helm_engine::go_quote(text))
            }
            Cond::Not(c) => format!("(not {})", c.to_go()),
            Cond::All(cs) => format!("(and {})", cs.iter().map(Cond::to_go).collect::<Vec<_>>().join(" ")),
            Cond::Any(cs) => format!("(or {})", cs.iter().map(Cond::to_go).collect::<Vec<_>>().join(" ")),
        }
    }

    /// Whether the condition always holds.
    pub fn is_always(&self) -> bool {
        matches!(self, Cond::Always)
    }

    pub fn keys(&self, into: &mut Vec<&'static str>) {
        match self {
            Cond::Flag(p) | Cond::Equals(p, _) | Cond::NotEmpty(p) | Cond::Contains(p, _) => into.push(p),
            Cond::Not(c) => c.keys(into),
            Cond::All(cs) | Cond::Any(cs) => cs.iter().for_each(|c| c.keys(into)),
            Cond::Always => {}
        }
    }
}
