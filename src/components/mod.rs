//! Each Mailu component's wiring, described once as typed data (one file per component), plus
//! the pieces they share: the environment ConfigMap, the network flows and the Traefik routes.
//! `render` evaluates these descriptions into Kubernetes objects; `chart` prints them as the
//! templates of the exported Helm chart.

pub mod admin;
pub mod clamav;
pub mod database;
pub mod dovecot;
pub mod dovecot_submission;
pub mod expr;
pub mod fetchmail;
pub mod front;
pub mod network_policy;
pub mod oletools;
pub mod postfix;
pub mod redis;
pub mod resolver;
pub mod rspamd;
pub mod shared_env;
pub mod tika;
pub mod tree;
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
        tika::component(),
        oletools::component(),
        redis::component(),
    ]
}

/// The component with this name.
pub fn by_name(name: &str) -> Option<Component> {
    all().into_iter().find(|c| c.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn every_mount_names_a_volume() {
        for c in all() {
            for m in &c.mounts {
                assert!(c.volumes.iter().any(|v| v.name == m.volume), "{}: {}", c.name, m.volume);
            }
        }
    }
}
