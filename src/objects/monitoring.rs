//! Prometheus Operator ServiceMonitors for the components that export metrics: rspamd (its
//! controller's `/metrics`) and dovecot (the OpenMetrics endpoint of its stats service).

use crate::components::expr::{Cond, Expr};
use crate::components::tree::{Object, Part, entry, item, list, map, values};

use super::{metadata_labelled, object, selector_labels};

pub(super) fn objects() -> Vec<Object> {
    vec![service_monitor("rspamd", "http"), service_monitor("dovecot", "metrics")]
}

fn service_monitor(component: &'static str, port: &'static str) -> Object {
    let key = |setting: &str| format!("{component}.serviceMonitor.{setting}");
    // Prometheus selects ServiceMonitors by their labels: the values' come on top.
    let metadata = metadata_labelled(
        Expr::object_name(component),
        Some(component),
        vec![Part::Splice(key("labels").into())],
        vec![Part::Splice(key("annotations").into())],
    );
    object(
        format!("templates/{component}/servicemonitor.yaml"),
        Cond::flag(format!("{component}.enabled")).and(Cond::flag(key("enabled"))),
        format!("Prometheus scrapes {component}'s metrics."),
        map([
            entry("apiVersion", "monitoring.coreos.com/v1"),
            entry("kind", "ServiceMonitor"),
            entry("metadata", metadata),
            entry(
                "spec",
                map([
                    entry("selector", map([entry("matchLabels", selector_labels(component))])),
                    entry(
                        "endpoints",
                        list([item(map([
                            entry("port", port),
                            entry("path", "/metrics"),
                            entry("interval", Expr::key(key("interval"))).if_not_empty(),
                            entry("relabelings", values(key("relabelings"))).if_not_empty(),
                            entry("metricRelabelings", values(key("metricRelabelings"))).if_not_empty(),
                        ]))]),
                    ),
                ]),
            ),
        ]),
    )
}
