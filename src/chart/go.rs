//! The wiring's expressions as Go template operands, for the exported chart: the same
//! decisions `render` evaluates, printed as template code.

use helm_engine::go_quote as quote;

use crate::components::expr::{Cond, Expr, NAME_PREFIX_KEY, Seq};

impl Expr {
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
            Expr::JoinBy(path, separator) => format!("(join {} $.Values.{path})", separator.to_go()),
            Expr::First(path) => format!("(first $.Values.{path})"),
            Expr::Entry(path, name) => format!("(default \"\" (index $.Values.{path} {}))", quote(name)),
            Expr::Release => "$.Release.Name".to_string(),
            Expr::NamePrefix => format!("(default $.Release.Name $.Values.{NAME_PREFIX_KEY})"),
            Expr::ObjectName(component) => {
                format!("(printf \"%s-{component}\" {})", Expr::NamePrefix.to_go())
            }
            Expr::ServiceFqdn(component) => format!(
                "(printf \"%s-{component}.%s.svc.%s\" {} $.Release.Namespace $.Values.clusterDomain)",
                Expr::NamePrefix.to_go()
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
            Expr::WithoutRegistry(inner) => {
                format!("(regexReplaceAll {} {} \"\")", quote(REGISTRY_PREFIX), inner.to_go())
            }
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
}

impl Cond {
    /// The condition as a Go template operand (a boolean), reading the root through `$`.
    pub fn to_go(&self) -> String {
        match self {
            Cond::Always => "true".to_string(),
            Cond::Never => "false".to_string(),
            Cond::Flag(path) => format!("$.Values.{path}"),
            Cond::Equals(path, text) => format!("(eq $.Values.{path} {})", quote(text)),
            // A key may hold a number where the model takes one as text (a quantity): `empty`
            // reads both, where `ne` would fail comparing a number with text.
            Cond::NotEmpty(expr) => match &**expr {
                Expr::Key(path) => format!("(not (empty $.Values.{path}))"),
                Expr::Entry(path, name) => format!("(not (empty (index $.Values.{path} {})))", quote(name)),
                other => format!("(ne {} \"\")", other.to_go()),
            },
            Cond::Contains(path, text) => format!("(contains {} $.Values.{path})", quote(text)),
            Cond::Present(path) => format!("(not (empty $.Values.{path}))"),
            Cond::HasItems(seq) => format!("(not (empty {}))", seq.to_go()),
            Cond::AtLeast(path, number) => format!("(ge (int $.Values.{path}) {number})"),
            Cond::Matches(expr, pattern) => format!("(regexMatch {} {})", quote(pattern), expr.to_go()),
            Cond::SameText(a, b) => format!("(eq $.Values.{a} $.Values.{b})"),
            Cond::Not(c) => format!("(not {})", c.to_go()),
            Cond::All(cs) => format!("(and {})", cs.iter().map(Cond::to_go).collect::<Vec<_>>().join(" ")),
            Cond::Any(cs) => format!("(or {})", cs.iter().map(Cond::to_go).collect::<Vec<_>>().join(" ")),
        }
    }
}

impl Seq {
    pub fn to_go(&self) -> String {
        match self {
            Seq::Key(path) => format!("$.Values.{path}"),
            Seq::Append(seq, last) => format!("(append {} {})", seq.to_go(), last.to_go()),
            Seq::Unique(seq) => format!("(uniq {})", seq.to_go()),
            Seq::Concat(a, b) => format!("(concat {} {})", a.to_go(), b.to_go()),
            Seq::Names(seq) => format!("(fromJsonArray (include \"mailu.names\" {}))", seq.to_go()),
        }
    }
}

/// The registry at the head of an image repository, as Docker tells it from a path: a first
/// part with a dot or a colon, or `localhost`.
const REGISTRY_PREFIX: &str = "^([^/]*[.:][^/]*|localhost)/";

/// A Go operand without the parentheses around it, for the head of a pipeline.
pub(super) fn unparen(go: &str) -> &str {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::components::expr::{Cond, Expr, Seq, Shared};
    use crate::eval::Ctx;
    use helm_engine::Value;

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
            Expr::concat(vec![Expr::lit("a:"), Expr::Key("text".into()), Expr::Num("two".into())]),
            Expr::OrElse(Shared::new(Expr::Key("empty".into())), Shared::new(Expr::lit("fallback"))),
            Expr::OrElse(Shared::new(Expr::Key("text".into())), Shared::new(Expr::lit("fallback"))),
            Expr::Quoted(Shared::new(Expr::lit("say \"hi\"\n"))),
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
            Cond::NotEmpty(Shared::new(Expr::Key("empty".into()))),
            Cond::NotEmpty(Shared::new(Expr::Key("text".into()))),
            Cond::HasItems(Shared::new(Seq::Key("list".into()))),
            Cond::HasItems(Shared::new(Seq::Key("noList".into()))),
            Cond::HasItems(Shared::new(Seq::Unique(Shared::new(Seq::Append(
                Shared::new(Seq::Key("noList".into())),
                Shared::new(Expr::lit("x")),
            ))))),
            Cond::AtLeast("two".into(), 2),
            Cond::AtLeast("two".into(), 3),
            Cond::AtLeast("whole".into(), 3),
            Cond::Matches(Shared::new(Expr::Key("text".into())), "^mail\\."),
            Cond::Matches(Shared::new(Expr::Key("text".into())), "^smtp\\."),
            Cond::Not(Shared::new(Cond::Flag("yes".into()))),
            Cond::all(vec![Cond::Flag("yes".into()), Cond::Flag("no".into())]),
            Cond::all(vec![Cond::Flag("yes".into()), Cond::Present("list".into())]),
            Cond::any(vec![Cond::Flag("no".into()), Cond::Present("noMap".into())]),
            Cond::any(vec![Cond::Flag("no".into()), Cond::Present("map".into())]),
        ]);
        for cond in &conds {
            exprs.push(Expr::Choose(
                Shared::new(cond.clone()),
                Shared::new(Expr::lit("true")),
                Shared::new(Expr::lit("false")),
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
