//! The wiring of a component, described once as data: its image, ports, environment and
//! where each value comes from, volumes, probes, Service, storage and configuration files.
//! Render turns it into Kubernetes objects; the chart exporter turns it into templates.

use super::expr::{Cond, Expr, KeyPath};
pub use super::tree::Content;

/// One Mailu component (or a helper it needs, like the built-in Redis).
#[derive(Clone, Debug)]
pub struct Component {
    /// Name in object names, labels and chart paths: `admin`, `dovecot-submission`.
    pub name: &'static str,
    /// The component's block in the values: `admin`, `dovecotSubmission`, `redis`.
    pub values_key: &'static str,
    /// What the component is for, in a sentence (chart comments, README).
    pub summary: &'static str,
    /// When it is deployed.
    pub when: Cond,
    pub image: ImageSource,
    /// Overrides the image's command; empty keeps it.
    pub command: Vec<&'static str>,
    /// When the command is overridden.
    pub command_when: Cond,
    pub ports: Vec<Port>,
    /// Whether the container reads the shared environment ConfigMap.
    pub shared_env: bool,
    pub env: Vec<Env>,
    pub volumes: Vec<Volume>,
    pub mounts: Vec<Mount>,
    pub probes: Probes,
    /// Ports of the component's Service; empty means no Service.
    pub service: Vec<ServicePort>,
    /// When the component has a persistent volume claim from `<values_key>.persistence`.
    pub persistent: Cond,
    pub strategy: Strategy,
    /// When it runs as a DaemonSet (one pod per selected node) rather than a Deployment.
    pub daemon_set_when: Cond,
    /// Whether the pod uses the DNSSEC-validating resolver when it is enabled.
    pub validating_dns: bool,
    /// Whether `<values_key>.replicas` sets its number of pods (the components that can run
    /// more than one copy); the others run one.
    pub scalable: bool,
    /// ConfigMaps the component owns.
    pub configs: Vec<ConfigFile>,
    /// Whether `<values_key>` has the common pod settings (scheduling, labels, annotations,
    /// security contexts, extra containers, volumes and environment).
    pub pod_settings: bool,
    /// Whether the container can run with `allowPrivilegeEscalation: false`: the image needs no
    /// setuid or setgid program to gain privileges.
    pub no_new_privileges: bool,
    /// What the container runs before it is told to stop (`lifecycle.preStop`); empty: none.
    pub pre_stop: Vec<&'static str>,
}

/// Where the image comes from.
#[derive(Clone, Debug, PartialEq)]
pub enum ImageSource {
    /// A Mailu image: `<images.registry>/<name>:<images.tag>`, unless `<key>.image`
    /// overrides repository, tag or digest.
    Mailu(&'static str),
    /// A third-party image whose repository and tag are defaults in `<key>.image`.
    Values,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Port {
    /// The port's name (at most 15 characters), used by Services, probes and policies.
    pub name: &'static str,
    pub number: i32,
    /// When the container declares it.
    pub when: Cond,
    /// When it is also bound on the node (`hostPort`).
    pub on_host: Cond,
    /// The node's port number for it.
    pub host_number: i32,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ServicePort {
    /// Name of the Service port and of the container port it targets.
    pub name: &'static str,
    pub port: i32,
    /// When the Service has it.
    pub when: Cond,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Env {
    pub name: &'static str,
    pub value: EnvValue,
    /// When the variable is set.
    pub when: Cond,
}

#[derive(Clone, Debug, PartialEq)]
pub enum EnvValue {
    Text(Expr),
    /// A key of an existing Secret; both the Secret's name and the key come from values keys.
    Secret {
        name: KeyPath,
        key: KeyPath,
    },
    /// The container's CPU limit rounded up to whole cores (Mailu sizes worker pools by it).
    CpuLimitCores,
    /// The container's memory limit in MiB, rounded up (the node's allocatable memory
    /// without a limit).
    MemoryLimitMebibytes,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Volume {
    pub name: &'static str,
    pub source: VolumeSource,
    /// When the pod has it (besides what its source needs).
    pub when: Cond,
}

#[derive(Clone, Debug, PartialEq)]
pub enum VolumeSource {
    /// The component's persistent volume claim (or the existing claim the values name).
    Claim,
    /// One of the component's ConfigMaps (by the suffix of its name), with a file mode.
    ConfigMap { suffix: &'static str, mode: Option<i32> },
    /// Scratch space that lives as long as the pod.
    EmptyDir,
    /// Keys of a Secret, as files: (key, file name).
    Secret { name: Expr, items: Vec<(Expr, &'static str)> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct Mount {
    pub volume: &'static str,
    pub path: &'static str,
    pub sub_path: Option<&'static str>,
    pub read_only: bool,
}

/// What the container's probes check; their timing is `<values_key>.probes` in the values.
#[derive(Clone, Debug, PartialEq)]
pub struct Probes {
    /// The check of the startup probe.
    pub started: ProbeAction,
    /// The check of the liveness probe.
    pub alive: ProbeAction,
    /// The check of the readiness probe.
    pub ready: ProbeAction,
}

impl Probes {
    /// The same check for every probe.
    pub fn all(check: ProbeAction) -> Probes {
        Probes { started: check.clone(), alive: check.clone(), ready: check }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum ProbeAction {
    /// HTTP GET of a path on a named port.
    Http { path: &'static str, port: &'static str },
    /// A TCP connection to a named port.
    Tcp { port: &'static str },
    /// A command in the container.
    Exec(Vec<&'static str>),
}

impl ProbeAction {
    pub fn http(path: &'static str, port: &'static str) -> ProbeAction {
        ProbeAction::Http { path, port }
    }

    pub fn tcp(port: &'static str) -> ProbeAction {
        ProbeAction::Tcp { port }
    }

    pub fn exec(command: &[&'static str]) -> ProbeAction {
        ProbeAction::Exec(command.to_vec())
    }
}

/// The names of the resources a component's `resources` may request and limit.
pub const RESOURCE_NAMES: [&str; 3] = ["cpu", "memory", "ephemeral-storage"];

/// How a Deployment replaces its pod.
#[derive(Clone, Debug, PartialEq)]
pub enum Strategy {
    /// Stop the old pod before starting the new one: single pods on ReadWriteOnce volumes, and
    /// anything that must never run twice.
    Recreate,
    /// Start the new pod first.
    RollingUpdate,
    /// `Recreate` when the condition holds, else `RollingUpdate`.
    RecreateWhen(Cond),
}

/// A ConfigMap a component owns, named `<release>-<suffix>`.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigFile {
    pub suffix: &'static str,
    pub when: Cond,
    /// The component's own files.
    pub files: Vec<File>,
    /// A map of the values whose entries are more files (the user's overrides, file name →
    /// content); the component's own files win over them.
    pub user_files: Option<KeyPath>,
}

/// One file of a ConfigMap.
#[derive(Clone, Debug, PartialEq)]
pub struct File {
    pub name: &'static str,
    pub content: Content,
    /// When the ConfigMap has it.
    pub when: Cond,
}

/// A file that is always there.
pub fn file(name: &'static str, content: Content) -> File {
    File { name, content, when: Cond::Always }
}

impl ConfigFile {
    /// A ConfigMap of the component's own files only.
    pub fn new(suffix: &'static str, when: Cond, files: Vec<File>) -> ConfigFile {
        ConfigFile { suffix, when, files, user_files: None }
    }
}

/// Where a component's entry point script is mounted.
pub const ENTRYPOINT_DIR: &str = "/mailu-chart";

impl Component {
    /// Starts the container with a script of ours (`path`, in [`ENTRYPOINT_DIR`]; shipped
    /// under `files/`), which adjusts the image's configuration templates and then runs the
    /// image's own start: a ConfigMap named after the component holds it, when `when` holds.
    pub fn entrypoint(&mut self, path: &'static str, text: &'static str, when: Cond) {
        let file = path.strip_prefix(ENTRYPOINT_DIR).and_then(|f| f.strip_prefix('/'));
        let file = file.unwrap_or_else(|| panic!("{path} is not in {ENTRYPOINT_DIR}"));
        self.command = vec!["python3", path];
        self.command_when = when.clone();
        self.configs.push(ConfigFile::new(
            self.name,
            when,
            vec![File { name: file, content: Content::Static { file, text }, when: Cond::Always }],
        ));
        self.volumes
            .push(volume("entrypoint", VolumeSource::ConfigMap { suffix: self.name, mode: Some(0o755) }));
        self.mounts.push(mount("entrypoint", ENTRYPOINT_DIR).read_only());
    }

    /// A component with nothing but its identity, deployed when the boolean key `enabled`
    /// is true; the component's own file fills in the rest.
    pub fn new(
        name: &'static str,
        values_key: &'static str,
        summary: &'static str,
        image: ImageSource,
        enabled: &'static str,
    ) -> Self {
        Component {
            name,
            values_key,
            summary,
            when: Cond::flag(enabled),
            image,
            command: Vec::new(),
            command_when: Cond::Always,
            ports: Vec::new(),
            shared_env: true,
            env: Vec::new(),
            volumes: Vec::new(),
            mounts: Vec::new(),
            probes: Probes::all(ProbeAction::Tcp { port: "" }),
            service: Vec::new(),
            persistent: Cond::Never,
            strategy: Strategy::Recreate,
            daemon_set_when: Cond::Never,
            scalable: false,
            validating_dns: false,
            configs: Vec::new(),
            pod_settings: true,
            no_new_privileges: true,
            pre_stop: Vec::new(),
        }
    }

    /// The container port with this name.
    pub fn port(&self, name: &str) -> Option<&Port> {
        self.ports.iter().find(|p| p.name == name)
    }

    /// The values key of one of the component's settings: `<values_key>.<setting>`.
    pub fn key(&self, setting: &str) -> KeyPath {
        format!("{}.{setting}", self.values_key).into()
    }

    /// The image reference: `<images.registry>/<name>:<images.tag>` for Mailu's images, unless
    /// the component's `image` block names a repository or tag; `@<digest>` when one is given.
    /// The tag of the image the component runs.
    pub fn image_tag(&self) -> Expr {
        match self.image {
            ImageSource::Mailu(_) => Expr::or_else(Expr::key(self.key("image.tag")), Expr::key("images.tag")),
            ImageSource::Values => Expr::key(self.key("image.tag")),
        }
    }

    pub fn image(&self) -> Expr {
        let repository = match self.image {
            ImageSource::Mailu(name) => Expr::or_else(
                Expr::key(self.key("image.repository")),
                Expr::concat(vec![Expr::key("images.registry"), Expr::owned(format!("/{name}"))]),
            ),
            ImageSource::Values => Expr::key(self.key("image.repository")),
        };
        let tag = self.image_tag();
        // Helm's global registry (Bitnami's convention) replaces the one the repository names.
        let global = "global.imageRegistry";
        let repository = Expr::choose(
            Cond::is_set(global),
            Expr::concat(vec![Expr::key(global), Expr::lit("/"), Expr::without_registry(repository.clone())]),
            repository,
        );
        let digest = self.key("image.digest");
        Expr::concat(vec![
            repository,
            Expr::lit(":"),
            tag,
            Expr::choose(
                Cond::is_set(digest.clone()),
                Expr::concat(vec![Expr::lit("@"), Expr::key(digest)]),
                Expr::lit(""),
            ),
        ])
    }

    /// When the component's own claim is created: it is persistent and the values name no
    /// existing claim.
    pub fn own_claim(&self) -> Cond {
        Cond::negate(Cond::is_set(self.key("persistence.existingClaim")))
    }

    /// The claim the pods mount: the existing one the values name, or the component's own.
    pub fn claim_name(&self) -> Expr {
        Expr::or_else(Expr::key(self.key("persistence.existingClaim")), Expr::object_name(self.name))
    }

    /// The storage class of the claim: the component's own, else the default of every claim
    /// (empty: the cluster's default class; `-`: none).
    pub fn storage_class(&self) -> Expr {
        Expr::or_else(Expr::key(self.key("persistence.storageClass")), Expr::key("storage.storageClass"))
    }

    /// When a volume is in the pod: its own condition and what its source needs (the claim
    /// when the component has one, a ConfigMap when the component has it for these values).
    pub fn volume_present(&self, volume: &Volume) -> Cond {
        match &volume.source {
            VolumeSource::ConfigMap { suffix, .. } => {
                self.configs.iter().find(|c| c.suffix == *suffix).map_or(Cond::Never, |c| c.when.clone())
            }
            VolumeSource::Claim => self.persistent.clone(),
            VolumeSource::EmptyDir | VolumeSource::Secret { .. } => Cond::Always,
        }
        .and(volume.when.clone())
    }

    /// When a volume of this name is in the pod (and so its mounts); a name may stand for
    /// alternatives under exclusive conditions.
    pub fn volume_when(&self, name: &str) -> Cond {
        let alternatives: Vec<&Volume> = self.volumes.iter().filter(|v| v.name == name).collect();
        assert!(!alternatives.is_empty(), "{}: no volume {name}", self.name);
        alternatives.into_iter().map(|v| self.volume_present(v)).fold(Cond::Never, Cond::or)
    }
}

/// Shorthands for building wirings.
pub fn port(name: &'static str, number: i32) -> Port {
    Port { name, number, when: Cond::Always, on_host: Cond::Never, host_number: number }
}

impl Port {
    /// Declared only when the condition holds.
    pub fn when(mut self, cond: Cond) -> Port {
        self.when = cond;
        self
    }

    /// Also bound on the node when the condition holds.
    pub fn on_host(mut self, cond: Cond) -> Port {
        self.on_host = cond;
        self
    }

    /// Also bound on the node, under another number, when the condition holds.
    pub fn on_host_as(mut self, host_number: i32, cond: Cond) -> Port {
        self.host_number = host_number;
        self.on_host(cond)
    }
}

pub fn service_port(name: &'static str, port: i32) -> ServicePort {
    ServicePort { name, port, when: Cond::Always }
}

impl ServicePort {
    /// On the Service only when the condition holds.
    pub fn when(mut self, cond: Cond) -> ServicePort {
        self.when = cond;
        self
    }
}

pub fn env(name: &'static str, value: Expr) -> Env {
    Env { name, value: EnvValue::Text(value), when: Cond::Always }
}

pub fn secret_env(
    name: &'static str,
    secret_name: impl Into<KeyPath>,
    secret_key: impl Into<KeyPath>,
) -> Env {
    Env {
        name,
        value: EnvValue::Secret { name: secret_name.into(), key: secret_key.into() },
        when: Cond::Always,
    }
}

impl Env {
    pub fn when(mut self, cond: Cond) -> Env {
        self.when = cond;
        self
    }
}

pub fn mount(volume: &'static str, path: &'static str) -> Mount {
    Mount { volume, path, sub_path: None, read_only: false }
}

impl Mount {
    pub fn sub_path(mut self, sub_path: &'static str) -> Mount {
        self.sub_path = Some(sub_path);
        self
    }

    pub fn read_only(mut self) -> Mount {
        self.read_only = true;
        self
    }
}

pub fn volume(name: &'static str, source: VolumeSource) -> Volume {
    Volume { name, source, when: Cond::Always }
}

impl Volume {
    /// In the pod only when the condition holds.
    pub fn when(mut self, cond: Cond) -> Volume {
        self.when = cond;
        self
    }
}
