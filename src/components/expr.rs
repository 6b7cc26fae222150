//! Small typed expressions over the values: what a setting is made of (a key's value, the
//! release name, a service address, a literal) and when a piece exists. Render evaluates
//! them against concrete values; the chart exporter prints the same expressions as Go
//! template code, so both outputs are computed from one description.

use std::borrow::Cow;

use helm_engine::Value;
use helm_engine::go_quote as quote;

/// A dotted path into the values, like `admin.persistence.size`.
pub type KeyPath = Cow<'static, str>;

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

    /// `<release>-<component>`, the name of every object of a component.
    pub fn object_name(&self, component: &str) -> String {
        format!("{}-{component}", self.release)
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
    /// The first item of a list key.
    First(KeyPath),
    /// The entry of a map key under a name that may hold dots (a file name); empty when
    /// missing.
    Entry(KeyPath, &'static str),
    /// The release name.
    Release,
    /// `<release>-<component>`.
    ObjectName(Cow<'static, str>),
    /// `<release>-<component>.<namespace>.svc.<clusterDomain>`.
    ServiceFqdn(&'static str),
    /// The release namespace.
    Namespace,
    /// The element of the list being iterated over (see `Part::Each`).
    Item,
    /// A key of the element being iterated over, when the elements are maps.
    Field(&'static str),
    /// The parts, one after the other.
    Concat(Vec<Expr>),
    /// The first part unless it is empty, else the second.
    OrElse(Box<Expr>, Box<Expr>),
    /// One of two texts, by a condition.
    Choose(Box<Cond>, Box<Expr>, Box<Expr>),
    /// The text in Go's double-quoted form (`%q`), for messages.
    Quoted(Box<Expr>),
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
                Value::List(items) => items.iter().map(scalar_text).collect::<Vec<_>>().join(separator),
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
        }
    }

    /// The expression as a Go template operand that evaluates to the same text, for the
    /// exported chart. It reads the root context through `$`, so it works inside `range` and
    /// `with` blocks and in helpers given the root context.
    pub fn to_go(&self) -> String {
        match self {
            Expr::Lit(text) => quote(text),
            Expr::Key(path) => format!("$.Values.{path}"),
            Expr::Num(path) => format!("(toString (int $.Values.{path}))"),
            Expr::Product(path, factor) => format!("(toString (mul (int $.Values.{path}) {factor}))"),
            Expr::Join(path, separator) => format!("(join {} $.Values.{path})", quote(separator)),
            Expr::First(path) => format!("(first $.Values.{path})"),
            Expr::Entry(path, name) => format!("(default \"\" (index $.Values.{path} {}))", quote(name)),
            Expr::Release => "$.Release.Name".to_string(),
            Expr::ObjectName(component) => format!("(printf \"%s-{component}\" $.Release.Name)"),
            Expr::ServiceFqdn(component) => format!(
                "(printf \"%s-{component}.%s.svc.%s\" $.Release.Name $.Release.Namespace $.Values.clusterDomain)"
            ),
            Expr::Namespace => "$.Release.Namespace".to_string(),
            Expr::Item => ".".to_string(),
            Expr::Field(key) => format!(".{key}"),
            // print concatenates string operands without separators.
            Expr::Concat(parts) => {
                format!("(print {})", parts.iter().map(Expr::to_go).collect::<Vec<_>>().join(" "))
            }
            Expr::OrElse(first, fallback) => format!("(default {} {})", fallback.to_go(), first.to_go()),
            Expr::Choose(cond, then, otherwise) => {
                format!("(ternary {} {} {})", then.to_go(), otherwise.to_go(), cond.to_go())
            }
            Expr::Quoted(inner) => format!("(printf \"%q\" {})", inner.to_go()),
        }
    }

    /// The expression as Go template text producing the same text: literal parts verbatim,
    /// the rest as actions. Reads better than [`Expr::to_go`] for whole files.
    pub fn to_go_text(&self) -> String {
        match self {
            Expr::Lit(text) => text.to_string(),
            Expr::Concat(parts) => parts.iter().map(Expr::to_go_text).collect(),
            other => format!("{{{{ {} }}}}", unparen(&other.to_go())),
        }
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
            Expr::Quoted(inner) => inner.keys(into),
            Expr::Lit(_)
            | Expr::Release
            | Expr::ObjectName(_)
            | Expr::Namespace
            | Expr::Item
            | Expr::Field(_) => {}
        }
    }
}

/// A Go operand without the parentheses around it, for the head of a pipeline.
pub fn unparen(go: &str) -> &str {
    let Some(inner) = go.strip_prefix('(').and_then(|s| s.strip_suffix(')')) else {
        return go;
    };
    // Only when the first parenthesis closes at the end: `(a) (b)` keeps its own.
    let mut depth = 0usize;
    let mut in_string = false;
    let mut escaped = false;
    for c in inner.chars() {
        if in_string {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '(' => depth += 1,
            ')' if depth == 0 => return go,
            ')' => depth -= 1,
            _ => {}
        }
    }
    inner
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
    NotEmpty(Box<Expr>),
    /// A string key contains a text.
    Contains(KeyPath, &'static str),
    /// A map or list key has entries (a missing or null key has none).
    Present(KeyPath),
    /// A list of texts has elements.
    HasItems(Box<Seq>),
    /// An integer key is at least a number.
    AtLeast(KeyPath, i64),
    /// A text matches a regular expression (the syntax both Go and Rust accept).
    Matches(Box<Expr>, &'static str),
    Not(Box<Cond>),
    All(Vec<Cond>),
    Any(Vec<Cond>),
}

impl Cond {
    pub fn flag(path: impl Into<KeyPath>) -> Cond {
        Cond::Flag(path.into())
    }

    pub fn equals(path: impl Into<KeyPath>, text: &'static str) -> Cond {
        Cond::Equals(path.into(), text)
    }

    /// A string key is not empty.
    pub fn is_set(path: impl Into<KeyPath>) -> Cond {
        Cond::NotEmpty(Box::new(Expr::key(path)))
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
            Cond::Not(inner) => *inner,
            other => Cond::Not(Box::new(other)),
        }
    }

    /// Both conditions, simplified when one is `Always` or `Never`.
    pub fn and(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::Always, c) | (c, Cond::Always) => c,
            (Cond::Never, _) | (_, Cond::Never) => Cond::Never,
            (Cond::All(mut a), c) => {
                a.push(c);
                Cond::All(a)
            }
            (a, b) => Cond::All(vec![a, b]),
        }
    }

    /// Either condition, simplified when one is `Always` or `Never`.
    pub fn or(self, other: Cond) -> Cond {
        match (self, other) {
            (Cond::Always, _) | (_, Cond::Always) => Cond::Always,
            (Cond::Never, c) | (c, Cond::Never) => c,
            (Cond::Any(mut a), Cond::Any(b)) => {
                a.extend(b);
                Cond::Any(a)
            }
            (Cond::Any(mut a), c) => {
                a.push(c);
                Cond::Any(a)
            }
            (a, Cond::Any(mut b)) => {
                b.insert(0, a);
                Cond::Any(b)
            }
            (a, b) => Cond::Any(vec![a, b]),
        }
    }

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
            Cond::Not(c) => !c.eval(ctx),
            Cond::All(cs) => cs.iter().all(|c| c.eval(ctx)),
            Cond::Any(cs) => cs.iter().any(|c| c.eval(ctx)),
        }
    }

    /// The condition as a Go template operand (a boolean), reading the root through `$`.
    pub fn to_go(&self) -> String {
        match self {
            Cond::Always => "true".to_string(),
            Cond::Never => "false".to_string(),
            Cond::Flag(path) => format!("$.Values.{path}"),
            Cond::Equals(path, text) => format!("(eq $.Values.{path} {})", quote(text)),
            Cond::NotEmpty(expr) => format!("(ne {} \"\")", expr.to_go()),
            Cond::Contains(path, text) => format!("(contains {} $.Values.{path})", quote(text)),
            Cond::Present(path) => format!("(not (empty $.Values.{path}))"),
            Cond::HasItems(seq) => format!("(not (empty {}))", seq.to_go()),
            Cond::AtLeast(path, number) => format!("(ge (int $.Values.{path}) {number})"),
            Cond::Matches(expr, pattern) => format!("(regexMatch {} {})", quote(pattern), expr.to_go()),
            Cond::Not(c) => format!("(not {})", c.to_go()),
            Cond::All(cs) => format!("(and {})", cs.iter().map(Cond::to_go).collect::<Vec<_>>().join(" ")),
            Cond::Any(cs) => format!("(or {})", cs.iter().map(Cond::to_go).collect::<Vec<_>>().join(" ")),
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
    Append(Box<Seq>, Box<Expr>),
    /// A list without repeated texts (the first of each kept).
    Unique(Box<Seq>),
}

impl Seq {
    pub fn key(path: impl Into<KeyPath>) -> Seq {
        Seq::Key(path.into())
    }

    pub fn append(self, last: Expr) -> Seq {
        Seq::Append(Box::new(self), Box::new(last))
    }

    pub fn unique(self) -> Seq {
        Seq::Unique(Box::new(self))
    }

    /// The elements (values list items, or texts).
    pub fn eval(&self, ctx: &Ctx<'_>) -> Vec<Value> {
        match self {
            Seq::Key(path) => ctx.lookup(path).as_list().cloned().unwrap_or_default(),
            Seq::Append(seq, last) => {
                let mut items = seq.eval(ctx);
                items.push(Value::String(last.eval(ctx)));
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

    pub fn to_go(&self) -> String {
        match self {
            Seq::Key(path) => format!("$.Values.{path}"),
            Seq::Append(seq, last) => format!("(append {} {})", seq.to_go(), last.to_go()),
            Seq::Unique(seq) => format!("(uniq {})", seq.to_go()),
        }
    }

    pub fn keys<'e>(&'e self, into: &mut Vec<&'e str>) {
        match self {
            Seq::Key(p) => into.push(p),
            Seq::Append(seq, last) => {
                seq.keys(into);
                last.keys(into);
            }
            Seq::Unique(seq) => seq.keys(into),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unparen_removes_only_enclosing_parentheses() {
        assert_eq!(unparen("(printf \"%s-a\" $.Release.Name)"), "printf \"%s-a\" $.Release.Name");
        assert_eq!(unparen("(a) (b)"), "(a) (b)");
        assert_eq!(unparen("(print \")\" x)"), "print \")\" x");
        assert_eq!(unparen("$.Values.x"), "$.Values.x");
        assert_eq!(unparen("(f (g x) (h y))"), "f (g x) (h y)");
        assert_eq!(unparen("((a) (b))"), "(a) (b)");
        assert_eq!(unparen("(print \"\\\")\" x)"), "print \"\\\")\" x");
        assert_eq!(unparen("(print \"(\") (x)"), "(print \"(\") (x)");
        assert_eq!(unparen("(a))"), "(a))");
        assert_eq!(unparen("(f (a) b) (c)"), "(f (a) b) (c)");
        assert_eq!(unparen(r#"(f "a\"b") (g)"#), r#"(f "a\"b") (g)"#);
    }

    /// Values of every kind, for both sides of the comparison below.
    fn kinds() -> Value {
        let json = serde_json::json!({
            "text": "mail.example.com", "empty": "", "zero": 0, "two": 2, "half": 0.5, "whole": 3.0,
            "bigFloat": 1e21, "yes": true, "no": false, "nothing": null,
            "list": ["a", "b", "c"], "noList": [], "map": {"k.conf": "x", "n": 1}, "noMap": {},
            "clusterDomain": "cluster.local"
        });
        Value::from_json(&json, true)
    }

    /// The text the engine renders from a Go operand, with the values, release and namespace
    /// of `ctx` as the chart would see them.
    fn rendered(go: &str, ctx: &Ctx<'_>) -> String {
        let json = serde_json::json!({
            "Values": ctx.values.to_json(),
            "Release": {"Name": ctx.release, "Namespace": ctx.namespace},
        });
        let Value::Map(data) = Value::from_json(&json, true) else { unreachable!() };
        helm_engine::render_text("t", &format!("{{{{ {go} }}}}"), &data)
            .unwrap_or_else(|e| panic!("{go}: {e}"))
    }

    #[test]
    fn evaluation_and_go_text_agree_on_values_of_every_kind() {
        let values = kinds();
        let ctx = Ctx { values: &values, release: "mail", namespace: "mailu", item: None };
        let keys =
            ["text", "empty", "zero", "two", "half", "whole", "bigFloat", "yes", "no", "nothing", "missing"];
        let mut exprs: Vec<Expr> = Vec::new();
        for key in keys {
            exprs.push(Expr::Key(key.into()));
        }
        for key in ["zero", "two", "whole", "half"] {
            exprs.push(Expr::Num(key.into()));
            exprs.push(Expr::Product(key.into(), 1048576));
        }
        exprs.extend([
            Expr::Join("list".into(), ","),
            Expr::Join("noList".into(), ","),
            Expr::First("list".into()),
            Expr::Entry("map".into(), "k.conf"),
            Expr::Entry("map".into(), "other.conf"),
            Expr::Release,
            Expr::ObjectName("front".into()),
            Expr::ServiceFqdn("admin"),
            Expr::Namespace,
            Expr::Concat(vec![Expr::lit("a:"), Expr::Key("text".into()), Expr::Num("two".into())]),
            Expr::OrElse(Box::new(Expr::Key("empty".into())), Box::new(Expr::lit("fallback"))),
            Expr::OrElse(Box::new(Expr::Key("text".into())), Box::new(Expr::lit("fallback"))),
            Expr::Quoted(Box::new(Expr::lit("say \"hi\"\n"))),
        ]);
        let mut conds: Vec<Cond> = vec![Cond::Always, Cond::Never];
        for key in keys.iter().chain(&["list", "noList", "map", "noMap"]) {
            conds.push(Cond::Present((*key).into()));
        }
        // Flags are booleans the schema always supplies.
        for key in ["yes", "no"] {
            conds.push(Cond::Flag(key.into()));
        }
        conds.extend([
            Cond::Equals("text".into(), "mail.example.com"),
            Cond::Equals("text".into(), "other"),
            Cond::Contains("text".into(), "example"),
            Cond::Contains("text".into(), "nope"),
            Cond::NotEmpty(Box::new(Expr::Key("empty".into()))),
            Cond::NotEmpty(Box::new(Expr::Key("text".into()))),
            Cond::HasItems(Box::new(Seq::Key("list".into()))),
            Cond::HasItems(Box::new(Seq::Key("noList".into()))),
            Cond::HasItems(Box::new(Seq::Unique(Box::new(Seq::Append(
                Box::new(Seq::Key("noList".into())),
                Box::new(Expr::lit("x")),
            ))))),
            Cond::AtLeast("two".into(), 2),
            Cond::AtLeast("two".into(), 3),
            Cond::AtLeast("whole".into(), 3),
            Cond::Matches(Box::new(Expr::Key("text".into())), "^mail\\."),
            Cond::Matches(Box::new(Expr::Key("text".into())), "^smtp\\."),
            Cond::Not(Box::new(Cond::Flag("yes".into()))),
            Cond::All(vec![Cond::Flag("yes".into()), Cond::Flag("no".into())]),
            Cond::All(vec![Cond::Flag("yes".into()), Cond::Present("list".into())]),
            Cond::Any(vec![Cond::Flag("no".into()), Cond::Present("noMap".into())]),
            Cond::Any(vec![Cond::Flag("no".into()), Cond::Present("map".into())]),
        ]);
        for cond in &conds {
            exprs.push(Expr::Choose(
                Box::new(cond.clone()),
                Box::new(Expr::lit("true")),
                Box::new(Expr::lit("false")),
            ));
        }
        let mut checked = 0;
        for expr in &exprs {
            assert_eq!(expr.eval(&ctx), rendered(&expr.to_go(), &ctx), "{expr:?} as {}", expr.to_go());
            checked += 1;
        }
        assert!(checked > 60, "{checked}");
    }
}
