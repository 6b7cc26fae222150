//! Export: the Helm chart, written by minijinja templates (the sources in `templates/`,
//! embedded in the binary) from the same component wiring that `render` evaluates. Values
//! expressions arrive in the templates already printed as Go template code.

mod values_yaml;

use include_dir::{Dir, include_dir};
use minijinja::{Environment, syntax::SyntaxConfig, value::Value as JinjaValue};
use serde::Serialize;

use crate::components::expr::{Cond, Expr};
use crate::components::network_policy::{Flow, FlowPort, Peer, flows};
use crate::components::wiring::{
    Component, ConfigFile, Content, EnvValue, ImageSource, Probe, ProbeAction, Strategy, VolumeSource,
};
use crate::components::{self, front, shared_env, traefik};
use helm_engine::{KeyOrder, to_yaml};
use helm_engine::{Map, Value};

pub use values_yaml::values_yaml_body;

/// The minijinja sources of the chart.
static SOURCES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates");

/// The annotation in `Chart.yaml` that marks a directory as an export of this tool.
pub const GENERATOR_ANNOTATION: &str = "mailu-chart/generator";

/// One file of the chart: its path inside the chart directory and its content.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChartFile {
    pub path: String,
    pub content: String,
}

/// A template source that failed to render: a defect of this tool, reported clearly.
#[derive(Debug, thiserror::Error)]
#[error("cannot write the chart file {path}: {message}")]
pub struct ChartError {
    pub path: String,
    pub message: String,
}

fn generator() -> String {
    format!("mailu-chart {}", env!("CARGO_PKG_VERSION"))
}

fn environment() -> Environment<'static> {
    let mut env = Environment::new();
    let syntax = SyntaxConfig::builder()
        .block_delimiters("[%", "%]")
        .variable_delimiters("[[", "]]")
        .comment_delimiters("[#", "#]")
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .expect("the delimiters are valid");
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.set_loader(|name| Ok(SOURCES.get_file(name).and_then(|f| f.contents_utf8()).map(str::to_string)));
    env
}

fn render_source(
    env: &Environment<'_>,
    source: &str,
    path: &str,
    ctx: JinjaValue,
) -> Result<ChartFile, ChartError> {
    let error = |e: minijinja::Error| ChartError { path: path.to_string(), message: format!("{e:#}") };
    let template = env.get_template(source).map_err(error)?;
    let content = template.render(ctx).map_err(error)?;
    Ok(ChartFile { path: path.to_string(), content })
}

fn ser<T: Serialize>(value: T) -> JinjaValue {
    JinjaValue::from(minijinja::value::Serde(value))
}

/// Every file of the chart, in path order.
pub fn chart_files() -> Result<Vec<ChartFile>, ChartError> {
    let env = environment();
    let components = components::all();
    let mut files = Vec::new();
    let common = minijinja::context! {
        generator => generator(),
        version => env!("CARGO_PKG_VERSION"),
        description => "Mailu, a complete mail server, on Kubernetes",
        app_version => crate::values::Values::default().images.tag.to_string(),
        images => ser(images(&components)),
        max_release_name => crate::render::MAX_RELEASE_NAME,
        config_helpers => config_helpers(&components),
        body => values_yaml_body(),
        values_table => crate::values::reference::markdown_table().trim_end().to_string(),
        cipher_suites => traefik::CIPHER_SUITES.to_vec(),
    };
    for (source, path) in [
        ("chart/Chart.yaml", "Chart.yaml"),
        ("chart/values.yaml", "values.yaml"),
        ("chart/README.md", "README.md"),
        ("chart/helmignore", ".helmignore"),
        ("chart/NOTES.txt", "templates/NOTES.txt"),
        ("chart/_helpers.tpl", "templates/_helpers.tpl"),
        ("namespace.yaml", "templates/namespace.yaml"),
        ("env-configmap.yaml", "templates/env-configmap.yaml"),
        ("network-policy/default-deny.yaml", "templates/network-policy/default-deny.yaml"),
        ("network-policy/dns.yaml", "templates/network-policy/dns.yaml"),
        ("traefik/ingress.yaml", "templates/traefik/ingress.yaml"),
        ("traefik/certificate.yaml", "templates/traefik/certificate.yaml"),
        ("traefik/tlsoption.yaml", "templates/traefik/tlsoption.yaml"),
        ("traefik/middlewaretcp.yaml", "templates/traefik/middlewaretcp.yaml"),
    ] {
        files.push(render_source(&env, source, path, common.clone())?);
    }
    files.push(ChartFile {
        path: "values.schema.json".into(),
        content: crate::values::schema::values_schema_text(),
    });
    for component in &components {
        let c = component_ctx(component);
        for config in &component.configs {
            let ctx = minijinja::context! { c => ser(&c), config => ser(config_ctx(component, config)) };
            files.push(render_source(
                &env,
                "component/configmap.yaml",
                &format!("templates/{}/configmap.yaml", component.name),
                ctx,
            )?);
            for (_, content) in &config.files {
                if let Content::Static { file, text } = content {
                    files.push(ChartFile { path: format!("files/{file}"), content: text.to_string() });
                }
            }
        }
        let ctx = minijinja::context! { c => ser(&c), policy => ser(policy_ctx(component)) };
        for (source, object) in [
            ("component/pvc.yaml", "pvc"),
            ("component/service.yaml", "service"),
            ("component/deployment.yaml", "deployment"),
            ("component/networkpolicy.yaml", "networkpolicy"),
        ] {
            if (object == "pvc" && !component.persistent)
                || (object == "service" && component.service.is_empty())
            {
                continue;
            }
            files.push(render_source(
                &env,
                source,
                &format!("templates/{}/{object}.yaml", component.name),
                ctx.clone(),
            )?);
        }
    }
    for route in traefik::MAIL_ROUTES {
        let public_port =
            front::INGRESS_LISTENERS.iter().find(|(_, l, _)| *l == route.listener).map_or(0, |(_, _, p)| *p);
        let ctx = minijinja::context! {
            route => minijinja::context! {
                name => route.name,
                entry_point_key => route.entry_point_key,
                listener => route.listener,
                tls => route.tls,
                limited => route.limited,
                public_port => public_port,
            }
        };
        files.push(render_source(
            &env,
            "traefik/ingressroutetcp.yaml",
            &format!("templates/traefik/ingressroutetcp-{}.yaml", route.name),
            ctx,
        )?);
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

#[derive(Serialize)]
struct ImageCtx {
    name: &'static str,
    image: String,
}

/// The default image of every component, for Artifact Hub.
fn images(components: &[Component]) -> Vec<ImageCtx> {
    let values = crate::render::values_tree(&crate::values::Values::default());
    let ctx = crate::components::expr::Ctx { values: &values, release: "mailu", namespace: "mailu" };
    components
        .iter()
        .map(|c| {
            let block = values.get_dotted(c.values_key).cloned().unwrap_or_default();
            ImageCtx { name: c.name, image: crate::render::workload::image(c, &ctx, &block) }
        })
        .collect()
}

/// A Go condition, or nothing when it always holds.
fn condition(cond: &Cond) -> Option<String> {
    (!cond.is_always()).then(|| cond.to_go())
}

#[derive(Serialize)]
struct ComponentCtx {
    name: &'static str,
    values_key: &'static str,
    summary: &'static str,
    when: String,
    strategy: &'static str,
    image_name: String,
    command: Option<String>,
    ports: Vec<PortCtx>,
    shared_env: bool,
    env: Vec<EnvCtx>,
    pod_settings: bool,
    checksums: Vec<ChecksumCtx>,
    probes: Vec<ProbeCtx>,
    mounts: Vec<MountCtx>,
    volumes: Vec<VolumeCtx>,
    service: Vec<PortCtx>,
}

#[derive(Serialize)]
struct PortCtx {
    name: &'static str,
    number: i32,
    port: i32,
}

#[derive(Serialize)]
struct EnvCtx {
    name: &'static str,
    when: Option<String>,
    kind: &'static str,
    value: String,
    secret_name: String,
    secret_key: String,
}

#[derive(Serialize)]
struct ChecksumCtx {
    suffix: &'static str,
    when: Option<String>,
}

#[derive(Serialize)]
struct ProbeCtx {
    kind: &'static str,
    action: String,
    period_seconds: i32,
    timeout_seconds: i32,
    failure_threshold: i32,
}

#[derive(Serialize)]
struct MountCtx {
    volume: &'static str,
    path: &'static str,
    sub_path: Option<&'static str>,
    read_only: bool,
    when: Option<String>,
}

#[derive(Serialize)]
struct VolumeCtx {
    name: &'static str,
    kind: &'static str,
    config: &'static str,
    mode: Option<i32>,
    when: Option<String>,
}

fn component_ctx(c: &Component) -> ComponentCtx {
    let config_when = |suffix: &str| c.configs.iter().find(|f| f.suffix == suffix).map(|f| f.when.clone());
    let mut checksums = Vec::new();
    if c.shared_env {
        checksums.push(ChecksumCtx { suffix: "env", when: None });
    }
    for config in &c.configs {
        checksums.push(ChecksumCtx { suffix: config.suffix, when: condition(&config.when) });
    }
    let volume_when = |name: &str| {
        c.volumes.iter().find(|v| v.name == name).and_then(|v| match &v.source {
            VolumeSource::ConfigMap { suffix, .. } => config_when(suffix).and_then(|w| condition(&w)),
            _ => None,
        })
    };
    ComponentCtx {
        name: c.name,
        values_key: c.values_key,
        summary: c.summary,
        when: c.when.to_go(),
        strategy: match c.strategy {
            Strategy::Recreate => "Recreate",
            Strategy::RollingUpdate => "RollingUpdate",
        },
        image_name: helm_engine::go_quote(match c.image {
            ImageSource::Mailu(name) => name,
            ImageSource::Values => "",
        }),
        command: (!c.command.is_empty())
            .then(|| serde_json::to_string(&c.command).expect("strings serialize")),
        ports: c.ports.iter().map(|p| PortCtx { name: p.name, number: p.number, port: p.number }).collect(),
        shared_env: c.shared_env,
        env: c
            .env
            .iter()
            .map(|e| {
                let (kind, value, secret_name, secret_key) = match &e.value {
                    EnvValue::Text(expr) => ("text", expr.to_go(), String::new(), String::new()),
                    EnvValue::Secret { name, key } => {
                        ("secret", String::new(), Expr::Key(name).to_go(), Expr::Key(key).to_go())
                    }
                    EnvValue::CpuLimitCores => ("cpu", String::new(), String::new(), String::new()),
                };
                EnvCtx { name: e.name, when: condition(&e.when), kind, value, secret_name, secret_key }
            })
            .collect(),
        pod_settings: c.pod_settings,
        checksums,
        probes: [
            ("startupProbe", &c.probes.startup),
            ("livenessProbe", &c.probes.liveness),
            ("readinessProbe", &c.probes.readiness),
        ]
        .into_iter()
        .filter_map(|(kind, probe)| probe.as_ref().map(|p| probe_ctx(kind, p)))
        .collect(),
        mounts: c
            .mounts
            .iter()
            .map(|m| MountCtx {
                volume: m.volume,
                path: m.path,
                sub_path: m.sub_path,
                read_only: m.read_only,
                when: volume_when(m.volume),
            })
            .collect(),
        volumes: c
            .volumes
            .iter()
            .map(|v| {
                let (kind, config, mode) = match &v.source {
                    VolumeSource::Claim => ("claim", "", None),
                    VolumeSource::ConfigMap { suffix, mode } => ("configmap", *suffix, *mode),
                    VolumeSource::EmptyDir => ("emptydir", "", None),
                };
                VolumeCtx { name: v.name, kind, config, mode, when: volume_when(v.name) }
            })
            .collect(),
        service: c.service.iter().map(|s| PortCtx { name: s.name, number: s.port, port: s.port }).collect(),
    }
}

fn probe_ctx(kind: &'static str, probe: &Probe) -> ProbeCtx {
    let mut action = Map::new();
    match &probe.action {
        ProbeAction::Http { path, port } => {
            let mut get = Map::new();
            get.insert("path".into(), Value::String(path.to_string()));
            get.insert("port".into(), Value::String(port.to_string()));
            action.insert("httpGet".into(), Value::Map(get));
        }
        ProbeAction::Tcp { port } => {
            let mut socket = Map::new();
            socket.insert("port".into(), Value::String(port.to_string()));
            action.insert("tcpSocket".into(), Value::Map(socket));
        }
        ProbeAction::Exec(command) => {
            let mut exec = Map::new();
            exec.insert(
                "command".into(),
                Value::List(command.iter().map(|s| Value::String(s.to_string())).collect()),
            );
            action.insert("exec".into(), Value::Map(exec));
        }
    }
    ProbeCtx {
        kind,
        action: to_yaml(&Value::Map(action), KeyOrder::AsGiven).trim_end().to_string(),
        period_seconds: probe.period_seconds,
        timeout_seconds: probe.timeout_seconds,
        failure_threshold: probe.failure_threshold,
    }
}

#[derive(Serialize)]
struct ConfigCtx {
    suffix: &'static str,
    when: String,
    doc: String,
}

fn config_ctx(c: &Component, config: &ConfigFile) -> ConfigCtx {
    let files: Vec<&str> = config.files.iter().map(|(name, _)| *name).collect();
    ConfigCtx {
        suffix: config.suffix,
        when: c.when.clone().and(config.when.clone()).to_go(),
        doc: format!("{} of {}.", files.join(", "), c.name),
    }
}

/// The `define`s of `_helpers.tpl` that produce every ConfigMap's data (and its checksum) and
/// every computed configuration file.
fn config_helpers(components: &[Component]) -> Vec<String> {
    let mut helpers = Vec::new();
    let mut env = String::from("{{- define \"mailu.env.data\" -}}\n{{- $data := dict -}}\n");
    for var in shared_env::vars() {
        env.push_str(&set_line(var.name, &var.value.to_go(), &var.when));
    }
    env.push_str("{{- toYaml $data -}}\n{{- end -}}");
    helpers.push(format!("{{{{/* The shared environment (the data of <release>-env). */}}}}\n{env}"));
    for component in components {
        for config in &component.configs {
            let mut data =
                format!("{{{{- define \"mailu.{}.data\" -}}}}\n{{{{- $data := dict -}}}}\n", config.suffix);
            let mut files = Vec::new();
            for (name, content) in &config.files {
                let value = match content {
                    Content::Static { file, .. } => format!("($.Files.Get \"files/{file}\")"),
                    Content::Computed(expr) => {
                        let helper = format!("mailu.{}.{name}", config.suffix);
                        let text = expr.to_go_text();
                        files.push(format!(
                            "{{{{/* {name} of {}. */}}}}\n{{{{- define \"{helper}\" -}}}}\n{text}{{{{ end -}}}}",
                            component.name
                        ));
                        format!("(include \"{helper}\" $)")
                    }
                };
                data.push_str(&set_line(name, &value, &Cond::Always));
            }
            data.push_str("{{- toYaml $data -}}\n{{- end -}}");
            helpers.push(format!("{{{{/* The data of <release>-{}. */}}}}\n{data}", config.suffix));
            helpers.extend(files);
        }
    }
    helpers
}

fn set_line(key: &str, value: &str, when: &Cond) -> String {
    let set = format!("{{{{ $_ := set $data {} {value} }}}}", helm_engine::go_quote(key));
    match condition(when) {
        None => format!("{{{{- $_ := set $data {} {value} -}}}}\n", helm_engine::go_quote(key)),
        Some(cond) => format!("{{{{- if {cond} }}}}{set}{{{{ end -}}}}\n"),
    }
}

#[derive(Serialize)]
struct PolicyCtx {
    directions: Vec<DirectionCtx>,
}

#[derive(Serialize)]
struct DirectionCtx {
    key: &'static str,
    peer_key: &'static str,
    when: Option<String>,
    rules: Vec<RuleCtx>,
}

#[derive(Serialize)]
struct RuleCtx {
    when: Option<String>,
    purpose: &'static str,
    peers: String,
    ports: Vec<String>,
}

/// The rules of a component's NetworkPolicy: the flows that end (ingress) or start (egress)
/// at it, each present when the other end is deployed.
fn policy_ctx(component: &Component) -> PolicyCtx {
    let me = Peer::Component(component.name);
    let all = flows();
    let direction = |key: &'static str, peer_key: &'static str, pick: &dyn Fn(&Flow) -> Option<Peer>| {
        let rules: Vec<RuleCtx> = all
            .iter()
            .filter_map(|flow| {
                let other = pick(flow)?;
                let other_when = match other {
                    Peer::Component(name) => components::by_name(name).map_or(Cond::Always, |c| c.when),
                    _ => Cond::Always,
                };
                Some(RuleCtx {
                    when: condition(&other_when.and(flow.when.clone())),
                    purpose: flow.purpose,
                    peers: peers_yaml(other),
                    ports: flow
                        .ports
                        .iter()
                        .map(|p| match p {
                            FlowPort::Fixed(n) => n.to_string(),
                            FlowPort::Key(key) => format!("{{{{ int $.Values.{key} }}}}"),
                        })
                        .collect(),
                })
            })
            .collect();
        let when = if rules.iter().any(|r| r.when.is_none()) {
            None
        } else if rules.len() == 1 {
            rules[0].when.clone()
        } else {
            Some(format!(
                "(or {})",
                rules.iter().filter_map(|r| r.when.clone()).collect::<Vec<_>>().join(" ")
            ))
        };
        DirectionCtx { key, peer_key, when, rules }
    };
    PolicyCtx {
        directions: vec![
            direction("ingress", "from", &|f| (f.to == me).then_some(f.from)),
            direction("egress", "to", &|f| (f.from == me).then_some(f.to)),
        ],
    }
}

fn peers_yaml(peer: Peer) -> String {
    match peer {
        Peer::Component(name) => format!(
            "- podSelector:\n    matchLabels:\n      app.kubernetes.io/name: mailu\n      \
             app.kubernetes.io/instance: {{{{ $.Release.Name | quote }}}}\n      app.kubernetes.io/component: {name}"
        ),
        Peer::IngressController => "- namespaceSelector: {{ include \"mailu.labelSelector\" $.Values.networkPolicy.ingressController.namespaceLabels }}\n  \
             podSelector: {{ include \"mailu.labelSelector\" $.Values.networkPolicy.ingressController.podLabels }}"
            .to_string(),
        Peer::Anywhere => "- ipBlock:\n    cidr: 0.0.0.0/0\n- ipBlock:\n    cidr: ::/0\n- namespaceSelector: {}".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn literal_parts(expr: &Expr, into: &mut Vec<String>) {
        match expr {
            Expr::Lit(text) => into.push(text.to_string()),
            Expr::Concat(parts) => parts.iter().for_each(|p| literal_parts(p, into)),
            Expr::OrElse(a, b) | Expr::Choose(_, a, b) => {
                literal_parts(a, into);
                literal_parts(b, into);
            }
            _ => {}
        }
    }

    #[test]
    fn every_source_renders() {
        let files = chart_files().unwrap();
        assert!(files.iter().any(|f| f.path == "templates/admin/deployment.yaml"));
        for file in &files {
            assert!(!file.content.contains("[["), "{} keeps a minijinja delimiter", file.path);
        }
    }

    #[test]
    fn wiring_shapes_the_templates_can_express() {
        for c in components::all() {
            // The env list header is printed unconditionally when there are entries.
            assert!(c.env.is_empty() || c.env.iter().any(|e| e.when.is_always()), "{}", c.name);
            assert!(
                c.mounts.is_empty()
                    || c.mounts.iter().any(|m| {
                        c.volumes.iter().any(|v| {
                            v.name == m.volume && !matches!(v.source, VolumeSource::ConfigMap { .. })
                        }) || c.configs.iter().all(|f| f.when.is_always())
                    }),
                "{}",
                c.name
            );
            for config in &c.configs {
                for (name, content) in &config.files {
                    if let Content::Computed(expr) = content {
                        // `{{- define ... -}}` trims white space before the file's first line.
                        let text = expr.to_go_text();
                        assert!(!text.starts_with(char::is_whitespace), "{name} starts with white space");
                        let mut literals = Vec::new();
                        literal_parts(expr, &mut literals);
                        for literal in literals {
                            assert!(
                                !literal.contains("{{"),
                                "{name}: a literal part would be read as template code"
                            );
                        }
                    }
                }
            }
        }
    }
}
