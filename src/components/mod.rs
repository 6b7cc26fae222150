//! Each Mailu component's wiring, described once as typed data (one file per component), plus
//! the pieces they share: the environment ConfigMap, the network flows and the Traefik routes.
//! `render` evaluates these descriptions into Kubernetes objects; `chart` prints them as the
//! templates of the exported Helm chart.

pub mod admin;
pub mod clamav;
pub mod dovecot;
pub mod dovecot_submission;
pub mod expr;
pub mod fetchmail;
pub mod front;
pub mod network_policy;
pub mod postfix;
pub mod redis;
pub mod rspamd;
pub mod shared_env;
pub mod traefik;
pub mod webdav;
pub mod webmail;
pub mod wiring;

pub use wiring::Component;

/// Every component, in the order their objects are listed.
pub fn all() -> Vec<Component> {
    vec![
        front::component(),
        admin::component(),
        postfix::component(),
        dovecot::component(),
        dovecot_submission::component(),
        rspamd::component(),
        webmail::component(),
        clamav::component(),
        fetchmail::component(),
        webdav::component(),
        redis::component(),
    ]
}

/// The component with this name.
pub fn by_name(name: &str) -> Option<Component> {
    all().into_iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::expr::{Cond, Expr};
    use super::*;
    use helm_engine::Value;

    /// Every key an expression or condition reads exists in the model, with the type the
    /// expression assumes (a string for `Key`, an integer for `Num`, a boolean for `Flag`).
    #[test]
    fn every_key_the_wiring_reads_exists_with_its_type() {
        let defaults = Value::Map(crate::values::defaults_tree());
        let mut exprs: Vec<Expr> = Vec::new();
        let mut conds: Vec<Cond> = Vec::new();
        for c in all() {
            conds.push(c.when.clone());
            for e in &c.env {
                conds.push(e.when.clone());
                if let wiring::EnvValue::Text(x) = &e.value {
                    exprs.push(x.clone());
                }
                if let wiring::EnvValue::Secret { name, key } = &e.value {
                    exprs.push(Expr::Key(name));
                    exprs.push(Expr::Key(key));
                }
            }
            for config in &c.configs {
                conds.push(config.when.clone());
                for (_, content) in &config.files {
                    if let wiring::Content::Computed(x) = content {
                        exprs.push(x.clone());
                    }
                }
            }
        }
        for v in shared_env::vars() {
            exprs.push(v.value);
            conds.push(v.when);
        }
        for f in network_policy::flows() {
            conds.push(f.when);
        }
        fn check_expr(e: &Expr, defaults: &Value) {
            match e {
                Expr::Key(p) | Expr::First(p) => {
                    let v = defaults.get_dotted(p).unwrap_or_else(|| panic!("{p} is not a values key"));
                    if let Expr::First(_) = e {
                        assert!(matches!(v, Value::List(_)), "{p} is not a list");
                    } else {
                        assert!(matches!(v, Value::String(_)), "{p} is not a string");
                    }
                }
                Expr::Num(p) | Expr::Product(p, _) => {
                    assert!(
                        matches!(defaults.get_dotted(p), Some(Value::Int(_))),
                        "{p} is not an integer key"
                    )
                }
                Expr::Join(p, _) => assert!(matches!(defaults.get_dotted(p), Some(Value::List(_))), "{p}"),
                Expr::Concat(parts) => parts.iter().for_each(|x| check_expr(x, defaults)),
                Expr::OrElse(a, b) => {
                    check_expr(a, defaults);
                    check_expr(b, defaults);
                }
                Expr::Choose(c, a, b) => {
                    check_cond(c, defaults);
                    check_expr(a, defaults);
                    check_expr(b, defaults);
                }
                Expr::Lit(_) | Expr::ObjectName(_) | Expr::ServiceFqdn(_) | Expr::Namespace => {}
            }
        }
        fn check_cond(c: &Cond, defaults: &Value) {
            match c {
                Cond::Flag(p) => {
                    assert!(matches!(defaults.get_dotted(p), Some(Value::Bool(_))), "{p} is not a flag")
                }
                Cond::Equals(p, _) | Cond::NotEmpty(p) | Cond::Contains(p, _) => {
                    assert!(matches!(defaults.get_dotted(p), Some(Value::String(_))), "{p} is not a string")
                }
                Cond::Not(x) => check_cond(x, defaults),
                Cond::All(xs) | Cond::Any(xs) => xs.iter().for_each(|x| check_cond(x, defaults)),
                Cond::Always => {}
            }
        }
        exprs.iter().for_each(|e| check_expr(e, &defaults));
        conds.iter().for_each(|c| check_cond(c, &defaults));
    }

    #[test]
    fn container_ports_fit_kubernetes_names_and_services_target_them() {
        for c in all() {
            for p in &c.ports {
                assert!(p.name.len() <= 15, "{}: port name {} is too long", c.name, p.name);
            }
            for s in &c.service {
                assert!(c.port(s.name).is_some_and(|p| p.number == s.port), "{}: {}", c.name, s.name);
            }
        }
    }
}
