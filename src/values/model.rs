//! The typed values model: every key of the public values interface, its type, its default
//! (in [`Values::default`], nowhere else) and its documentation. The doc comments are user
//! documentation: they become the exported chart's `values.yaml` comments, the descriptions in
//! `values.schema.json` and the README's values reference.

use std::collections::BTreeMap;

use k8s_openapi::api::core::v1::{
    Affinity, Container, EnvVar, HostAlias, PodSecurityContext, SecurityContext, Toleration,
    TopologySpreadConstraint, Volume, VolumeMount,
};
use k8s_openapi::api::networking::v1::NetworkPolicyEgressRule;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::text::*;

/// The Mailu release deployed by default: a patch tag of the 2024.06 branch, which Mailu never
/// rebuilds (`2024.06` alone moves with every fix, so two installs of the same values could run
/// different code). Raised deliberately, with the chart's version.
pub const MAILU_VERSION: &str = "2024.06.57";

/// Settings for deploying Mailu on Kubernetes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Values {
    /// Primary mail domain, for example `example.com`. Required.
    pub domain: DnsName,
    /// Public host names of the mail server; the first one is the primary host name that Mailu
    /// uses in its SMTP and IMAP banners. At least one is required.
    #[schemars(length(min = 1), extend("uniqueItems" = true))]
    pub hostnames: Vec<DnsName>,
    /// The pod network of the cluster (IPv4 or IPv6 CIDR, host bits zero). Mailu trusts
    /// connections from this network without passwords, so it must be exactly the pod network,
    /// and a private range unless `trust.allowPublicSubnet` says otherwise. Required.
    pub subnet: Cidr,
    /// Overrides of the rules that keep Mailu from trusting the internet (SECURITY.md).
    pub trust: super::trust::Trust,
    /// Time zone of the Mailu containers (an IANA name, passed as `TZ`).
    pub timezone: Timezone,
    /// Log level of the Mailu containers.
    pub log_level: LogLevel,
    /// Local part of the postmaster address (`<postmaster>@<domain>`).
    pub postmaster: LocalPart,
    /// Largest accepted message in MiB. Applies to Mailu (`MESSAGE_SIZE_LIMIT`), to the
    /// webmail submission relay, to the web upload limit and to the Ingress's
    /// (`nginx.ingress.kubernetes.io/proxy-body-size`).
    #[schemars(range(min = 1))]
    pub message_size_limit_mb: u32,
    /// The cluster's DNS domain, used in every in-cluster service address.
    pub cluster_domain: DomainSuffix,
    /// The first part of every object's name in place of the release name
    /// (`<fullnameOverride>-admin`, ...): for a release name longer than 44 characters or with
    /// dots. The `app.kubernetes.io/instance` label keeps the release name.
    pub fullname_override: OptionalNamePrefix,
    /// The target namespace.
    pub namespace: NamespaceValues,
    /// Labels added to every object (they cannot replace the `app.kubernetes.io/` labels the
    /// release sets itself).
    #[schemars(extend("propertyNames" = { "not": { "enum": crate::objects::OWN_LABELS } }))]
    pub common_labels: BTreeMap<String, String>,
    /// Annotations added to every object (but the one that keeps the claims and the Namespace
    /// on `helm uninstall`, which they carry already).
    #[schemars(extend("propertyNames" = { "not": { "enum": [crate::objects::RESOURCE_POLICY] } }))]
    pub common_annotations: BTreeMap<String, String>,
    /// Where the Mailu images come from.
    pub images: Images,
    /// References to Secrets that must exist before installing.
    pub secrets: Secrets,
    /// The first administrator account, created or updated when the admin service starts.
    pub initial_account: InitialAccount,
    /// Mailu's REST API.
    pub api: Api,
    /// The database of the admin service (users, domains, aliases).
    pub database: Database,
    /// The Redis that Mailu needs (rate limits, sessions, rspamd data).
    pub redis: Redis,
    /// Storage defaults for every persistent volume claim.
    pub storage: Storage,
    /// front: nginx and a dovecot login proxy, the entry point of every mail protocol (TLS ends
    /// here) and of the web, routing `/admin`, `/webmail` and `/webdav`. Its `persistence` is
    /// used only with `tls.source: letsencrypt`, for the certificates Mailu obtains.
    pub front: FrontComponent,
    /// admin: the administration web UI, the authentication backend of front and the SSO.
    pub admin: AdminComponent,
    /// postfix: the SMTP server (incoming mail on port 25, relaying outgoing mail).
    pub postfix: PostfixComponent,
    /// dovecot: IMAP and POP3, mailbox storage, LMTP delivery and ManageSieve.
    pub dovecot: DovecotComponent,
    /// The relay-only submission service that webmail sends through. It accepts mail only
    /// from webmail (enforced by NetworkPolicy) and relays it to postfix.
    pub dovecot_submission: ImageComponent,
    /// rspamd: spam filter, DKIM signing and verification.
    pub rspamd: RspamdComponent,
    /// Webmail (Roundcube or SnappyMail), served by front under `/webmail`.
    pub webmail: WebmailComponent,
    /// ClamAV antivirus scanning, used by rspamd. Needs about 1 GiB of memory.
    pub clamav: ClamavComponent,
    /// Fetchmail: fetches mail from external POP3/IMAP accounts.
    pub fetchmail: FetchmailComponent,
    /// WebDAV (Radicale): CalDAV and CardDAV, served by front under `/webdav`.
    pub webdav: StatefulComponent,
    /// Apache Tika: reads the text of attachments for dovecot's full-text search.
    pub tika: ScalableImageComponent,
    /// oletools: finds macros in office documents for rspamd.
    pub oletools: ScalableComponent,
    /// A DNSSEC-validating resolver beside the Mailu components that need one.
    pub resolver: Resolver,
    /// How mail and web traffic from outside the cluster reaches Mailu.
    pub expose: Expose,
    /// Where front's TLS certificate comes from.
    pub tls: Tls,
    /// Mailu's own limits on logins and on sending, enforced by admin.
    pub limits: Limits,
    /// Sending through another mail server instead of delivering directly.
    pub relay: Relay,
    /// How users authenticate besides their passwords.
    pub authentication: Authentication,
    /// The web sessions of the admin UI and webmail.
    pub sessions: Sessions,
    /// Name, link and logo of the web interface.
    pub customization: Customization,
    /// The message every new user receives.
    pub welcome_message: WelcomeMessage,
    /// The DMARC report addresses shown in the suggested `_dmarc` record (local parts at
    /// `domain`; empty: none).
    pub dmarc: Dmarc,
    /// Characters that separate a user from an address extension (`user+tag@domain`);
    /// empty: none.
    pub recipient_delimiter: RecipientDelimiter,
    /// Refuse mail that users send (submission and webmail) to an address of Mailu's own
    /// domains that does not exist, rather than accept it and bounce it afterwards
    /// (`REJECT_UNLISTED_RECIPIENT`). Mail arriving on port 25 is refused either way.
    pub reject_unlisted_recipient: bool,
    /// Users who may send as any address (e-mail addresses).
    pub wildcard_senders: Vec<EmailAddress>,
    /// The bcrypt cost of stored passwords (each step doubles the work of checking one).
    #[schemars(range(min = 4, max = 31))]
    pub credential_rounds: u32,
    /// NetworkPolicies: deny everything, then allow exactly the flows Mailu needs.
    pub network_policy: NetworkPolicy,
    /// Helm's global values, shared by every chart of a release: this chart can be a
    /// dependency of another. It reads the two keys of Bitnami's charts for images; any other
    /// key is accepted and not read.
    pub global: Global,
    /// Read by a parent chart whose dependency on this one has `condition: <name>.enabled`
    /// (the usual switch of an umbrella chart); this chart renders the same either way.
    pub enabled: bool,
}

/// Helm's global values.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
#[schemars(inline)]
pub struct Global {
    /// Registry of every image, Mailu's and the others': it takes the place of the registry
    /// each image's repository names (`ghcr.io/mailu/admin` is pulled as
    /// `<imageRegistry>/mailu/admin`, `docker.io/library/redis` as
    /// `<imageRegistry>/library/redis`); empty: each image's own.
    pub image_registry: OptionalRepository,
    /// Secrets with registry credentials for every pod, besides `images.pullSecrets`: by name,
    /// or as `{name: ...}`.
    #[schemars(with = "Vec<super::text::PullSecretReference>")]
    pub image_pull_secrets: Vec<serde_json::Value>,
    /// Global values of other charts, not read here.
    #[serde(flatten)]
    pub others: KubernetesObject,
}

/// Mailu's log levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "UPPERCASE")]
#[allow(clippy::upper_case_acronyms)]
pub enum LogLevel {
    Debug,
    Info,
    Warning,
    Error,
    Critical,
}

/// The target namespace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct NamespaceValues {
    /// Also emit the Namespace object, with Pod Security labels (`baseline`; with
    /// `expose.mail: hostPort`, which `baseline` forbids, it is only audited and warned of).
    /// `helm uninstall` keeps it. helm needs the namespace before it creates anything, so
    /// install with `--take-ownership` (helm 3.17 or later) to let the release adopt it.
    pub create: bool,
}

/// Where the Mailu images come from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Images {
    /// Registry and path of the Mailu images; each image is `<registry>/<name>:<tag>`. To
    /// pull every image, the others' too, from one mirror, set `global.imageRegistry`.
    pub registry: Registry,
    /// Tag of the Mailu images (a component's `image.tag` overrides it).
    pub tag: ImageTag,
    /// Image pull policy of every container.
    pub pull_policy: PullPolicy,
    /// Secrets with registry credentials, by name, for every pod (`imagePullSecrets`).
    pub pull_secrets: Vec<ObjectName>,
}

/// Kubernetes image pull policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum PullPolicy {
    Always,
    IfNotPresent,
    Never,
}

/// A reference to one key of an existing Secret.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct SecretKeyRef {
    /// Name of the Secret (in the release namespace).
    pub name: OptionalObjectName,
    /// Key inside the Secret.
    pub key: SecretDataKey,
}

/// References to Secrets that must exist before installing.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Secrets {
    /// Mailu's `SECRET_KEY` (a random string of at least 16 characters). Required.
    pub secret_key: RequiredSecretKeyRef,
}

/// A reference to one key of a Secret that must exist.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct RequiredSecretKeyRef {
    /// Name of the Secret (in the release namespace).
    pub name: ObjectName,
    /// Key inside the Secret.
    pub key: SecretDataKey,
}

/// The first administrator account.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct InitialAccount {
    /// Create the account when the admin service starts.
    pub enabled: bool,
    /// Local part of the account.
    pub username: LocalPart,
    /// Domain of the account; empty means `domain`.
    pub domain: OptionalDnsName,
    /// `create` leaves an existing account as it is (admin logs the failure and starts all
    /// the same), `update` sets the password every start,
    /// `ifmissing` creates it only when missing.
    pub mode: AccountMode,
    /// The Secret key holding the account's password. Required when enabled.
    pub password_secret: SecretKeyRef,
}

/// How the initial account is applied.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "lowercase")]
pub enum AccountMode {
    Create,
    Update,
    Ifmissing,
}

/// Mailu's REST API.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Api {
    /// Turn the API on (served by front under `/api`).
    pub enabled: bool,
    /// The Secret key holding the API token. Required when enabled.
    pub token_secret: SecretKeyRef,
}

/// The database of the admin service.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Database {
    /// `sqlite` (a file on the admin volume), `postgresql` or `mysql` (an existing server;
    /// MariaDB too). Mailu 2024.06 has no setting for TLS to the database server.
    #[serde(rename = "type")]
    pub kind: DatabaseType,
    /// The PostgreSQL server. Required when `type` is `postgresql`.
    pub postgresql: DatabaseServer,
    /// The MySQL or MariaDB server. Required when `type` is `mysql`.
    pub mysql: DatabaseServer,
}

/// Supported databases.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "lowercase")]
pub enum DatabaseType {
    Sqlite,
    Postgresql,
    Mysql,
}

/// An existing database server.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct DatabaseServer {
    /// Host name of the server. Required when `database.type` names this server.
    pub host: OptionalHost,
    /// Port of the server.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// Name of the database.
    #[schemars(length(min = 1, max = 63))]
    pub name: String,
    /// The Secret holding the user name and password. Its name is required when
    /// `database.type` names this server.
    pub existing_secret: DatabaseSecret,
}

/// A Secret holding database credentials.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct DatabaseSecret {
    /// Name of the Secret.
    pub name: OptionalObjectName,
    /// Key holding the user name.
    pub username_key: SecretDataKey,
    /// Key holding the password.
    pub password_key: SecretDataKey,
}

/// The Redis that Mailu needs.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Redis {
    /// Deploy a small Redis of our own. When false, `host` must name an existing Redis.
    pub builtin: bool,
    /// Host of an external Redis (used when `builtin` is false).
    pub host: OptionalHost,
    /// Port of the external Redis.
    #[schemars(range(min = 1, max = 65535))]
    pub port: u16,
    /// Reserved: a Secret key with the external Redis password. Mailu 2024.06 cannot
    /// authenticate to Redis (rspamd's Redis settings have no password), so the name must stay
    /// empty.
    pub password_secret: UnsupportedSecretKeyRef,
    /// The built-in Redis's data, kept on a volume with Redis's append-only file: rspamd's
    /// Bayes statistics, fuzzy hashes and history live there, and would be lost at every
    /// restart on scratch space.
    pub persistence: Persistence,
    /// Image of the built-in Redis.
    pub image: FullImage,
    /// Resources of the built-in Redis.
    pub resources: Resources,
    /// Probes of the built-in Redis.
    pub probes: Probes,
}

/// A reference to a Secret key that cannot be used yet.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct UnsupportedSecretKeyRef {
    /// Must stay empty.
    pub name: MustBeEmpty,
    /// Key inside the Secret.
    pub key: SecretDataKey,
}

/// A complete image reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct FullImage {
    /// Repository, including the registry.
    pub repository: Repository,
    /// Tag.
    pub tag: ImageTag,
    /// Digest; when set, the image is pulled by digest.
    pub digest: OptionalDigest,
}

/// Storage defaults.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Storage {
    /// StorageClass of every claim that does not name its own; empty means the cluster's
    /// default class, `-` no class (`storageClassName: ""`: the claims bind only to volumes
    /// made beforehand, without a class).
    pub storage_class: StorageClass,
}

/// A per-component image override; empty fields fall back to `images`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct ImageOverride {
    /// Repository, including the registry; empty means `<images.registry>/<image name>`.
    pub repository: OptionalRepository,
    /// Tag; empty means `images.tag`.
    pub tag: OptionalImageTag,
    /// Digest; when set, the image is pulled by digest.
    pub digest: OptionalDigest,
}

/// CPU, memory and ephemeral storage requests and limits; an empty string leaves that value
/// unset.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Resources {
    /// What the scheduler reserves for the container.
    pub requests: Quantities,
    /// The most the container may use.
    pub limits: Quantities,
}

/// The resources of a container Kubernetes counts (`RESOURCE_NAMES` of the wiring).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Quantities {
    /// CPU, like `100m` or `0.5`.
    pub cpu: OptionalQuantity,
    /// Memory, like `256Mi` or `1Gi`.
    pub memory: OptionalQuantity,
    /// Local scratch space (the container's writable layer, logs, emptyDir volumes), like
    /// `1Gi`; clusters with quotas on it may require it.
    #[serde(rename = "ephemeral-storage")]
    pub ephemeral_storage: OptionalQuantity,
}

/// A persistent volume claim.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Persistence {
    /// Requested size.
    pub size: StorageSize,
    /// StorageClass; empty means `storage.storageClass`, `-` no class (a volume made
    /// beforehand, without a class).
    pub storage_class: StorageClass,
    /// Use this existing claim instead of creating one.
    pub existing_claim: OptionalObjectName,
}

/// A Kubernetes object given as-is in the values (a container, a volume, a security
/// context): passed on unchanged, checked by the Kubernetes API server when applied.
pub type KubernetesObject = serde_json::Map<String, serde_json::Value>;

/// The timing of one probe. The check itself follows the image's own health check.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct ProbeTiming {
    /// Run this probe.
    pub enabled: bool,
    /// Seconds after the container starts before the first check.
    #[schemars(range(max = i32::MAX))]
    pub initial_delay_seconds: u32,
    /// Seconds between two checks.
    #[schemars(range(min = 1, max = i32::MAX))]
    pub period_seconds: u32,
    /// Seconds a check may take.
    #[schemars(range(min = 1, max = i32::MAX))]
    pub timeout_seconds: u32,
    /// Failed checks in a row before Kubernetes acts (restarts the container, or takes the pod
    /// out of its Service). For the startup probe, period × threshold is the time the first
    /// start may take.
    #[schemars(range(min = 1, max = i32::MAX))]
    pub failure_threshold: u32,
}

/// The three probes of a component's container.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Probes {
    /// Until it first succeeds, the other probes wait: the budget of a slow first start.
    pub startup: ProbeTiming,
    /// When it fails, the container is restarted.
    pub liveness: ProbeTiming,
    /// When it fails, the pod gets no traffic.
    pub readiness: ProbeTiming,
}

/// Common settings of every component, with a component's own extra keys.
macro_rules! component {
    ($(#[$meta:meta])* $name:ident ($image:ty) { $($(#[$fmeta:meta])* $field:ident : $ty:ty),* $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
        #[serde(rename_all = "camelCase", deny_unknown_fields)]
        #[schemars(inline)]
        pub struct $name {
            /// Deploy this component.
            pub enabled: bool,
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Image.
            pub image: $image,
            /// CPU and memory.
            pub resources: Resources,
            /// The container's probes.
            pub probes: Probes,
            /// Node labels the pod must match.
            pub node_selector: BTreeMap<String, String>,
            /// Tolerations of the pod.
            pub tolerations: Vec<Toleration>,
            /// Affinity rules of the pod.
            pub affinity: Affinity,
            /// How the pods spread over nodes and zones (Kubernetes
            /// `TopologySpreadConstraint`s).
            pub topology_spread_constraints: Vec<TopologySpreadConstraint>,
            /// PriorityClass of the pod; empty means the cluster's default priority.
            pub priority_class_name: OptionalObjectName,
            /// ServiceAccount the pod runs as (one a cloud identity or a security policy is
            /// bound to, like an OpenShift SCC); empty: the namespace's `default`. Its
            /// Kubernetes API token is not mounted either way.
            pub service_account_name: OptionalObjectName,
            /// Extra labels of the pod (they cannot replace the `app.kubernetes.io/` labels the
            /// release sets itself).
            #[schemars(extend("propertyNames" = { "not": { "enum": crate::objects::OWN_LABELS } }))]
            pub pod_labels: BTreeMap<String, String>,
            /// Extra annotations of the pod (`checksum/` ones are the release's own).
            #[schemars(extend("propertyNames" = { "not": { "pattern": "^checksum/" } }))]
            pub pod_annotations: BTreeMap<String, String>,
            /// Annotations of the component's Service.
            pub service_annotations: BTreeMap<String, String>,
            /// The pod's security context, replacing the default (the container runtime's
            /// default seccomp profile) when not empty (a Kubernetes `PodSecurityContext`).
            pub pod_security_context: PodSecurityContext,
            /// The container's security context, replacing the default (`NET_RAW` dropped, no
            /// privilege escalation but for postfix, whose setgid programs need it) when not
            /// empty (a Kubernetes `SecurityContext`).
            pub container_security_context: SecurityContext,
            /// Entries of the pod's `/etc/hosts` (Kubernetes `HostAlias`es).
            pub host_aliases: Vec<HostAlias>,
            /// Seconds the pod has to shut down; 0 means Kubernetes' default (30).
            pub termination_grace_period_seconds: u32,
            /// Old ReplicaSets kept for rollbacks.
            #[schemars(range(max = i32::MAX))]
            pub revision_history_limit: u32,
            /// Extra environment variables of the main container (Kubernetes `EnvVar`s).
            pub extra_env: Vec<EnvVar>,
            /// Extra volumes of the pod (Kubernetes `Volume`s).
            #[schemars(with = "Vec<Volume>")]
            pub extra_volumes: Vec<KubernetesObject>,
            /// Extra mounts of the main container (Kubernetes `VolumeMount`s).
            pub extra_volume_mounts: Vec<VolumeMount>,
            /// Containers run to completion before the main one (Kubernetes `Container`s).
            #[schemars(with = "Vec<Container>")]
            pub init_containers: Vec<KubernetesObject>,
            /// Containers beside the main one (Kubernetes `Container`s).
            #[schemars(with = "Vec<Container>")]
            pub extra_containers: Vec<KubernetesObject>,
            /// More that the pod may reach, added to its NetworkPolicy (Kubernetes
            /// `NetworkPolicyEgressRule`s): what extra containers talk to, a backup target, say.
            #[schemars(with = "Vec<NetworkPolicyEgressRule>")]
            pub extra_egress: Vec<KubernetesObject>,
        }
    };
}

/// Files a component reads from `/overrides` to change Mailu's configuration: file name →
/// content.
pub type Overrides = BTreeMap<String, String>;

component!(
    /// front.
    FrontComponent(ImageOverride) {
        /// Pods of front; more than one only without `tls.source: letsencrypt`.
        #[schemars(range(min = 1, max = i32::MAX))]
        replicas: u32,
        /// The volume for the certificates Mailu obtains with `tls.source: letsencrypt`.
        persistence: Persistence,
        /// nginx configuration files (`*.conf`) included in front's web server.
        overrides: Overrides,
    }
);
component!(
    /// postfix.
    PostfixComponent(ImageOverride) {
        /// The mail queue's volume.
        persistence: Persistence,
        /// Postfix settings: `postfix.cf` (lines of `main.cf` settings), `postfix.master`
        /// (`master.cf` entries) and `*.map` lookup tables.
        overrides: Overrides,
    }
);
component!(
    /// dovecot.
    DovecotComponent(ImageOverride) {
        /// The mailboxes' volume.
        persistence: Persistence,
        /// Dovecot settings: `dovecot.conf`, included at the end of Mailu's configuration.
        overrides: Overrides,
        /// Compression of stored mail: empty (none), `gz`, `bz2`, `lz4` or `zstd`; affects mail
        /// stored from then on.
        compression: Compression,
        /// The compression level (1, fastest, to 9, smallest).
        #[schemars(range(min = 1, max = 9))]
        compression_level: u32,
        /// Full-text search of the mailboxes.
        full_text_search: FullTextSearch,
        /// Dovecot's metrics (an OpenMetrics endpoint on port 9900) and their ServiceMonitor.
        service_monitor: ServiceMonitor,
    }
);

/// A Prometheus Operator ServiceMonitor for a component's metrics.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct ServiceMonitor {
    /// Create it (and, for dovecot, turn the metrics endpoint on).
    pub enabled: bool,
    /// How often Prometheus scrapes; empty: Prometheus' own default.
    #[schemars(regex(pattern = r"^([0-9]+(ms|s|m|h))*$"))]
    pub interval: String,
    /// Labels of the ServiceMonitor (what the Prometheus resource selects by).
    pub labels: BTreeMap<String, String>,
    /// Annotations of the ServiceMonitor.
    pub annotations: BTreeMap<String, String>,
    /// Relabelings of the scraped target (Prometheus Operator `RelabelConfig`s).
    pub relabelings: Vec<KubernetesObject>,
    /// Relabelings of the scraped metrics.
    pub metric_relabelings: Vec<KubernetesObject>,
}

/// Dovecot's full-text search.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct FullTextSearch {
    /// Index the mail for searching (attachments too when `tika` is enabled).
    pub enabled: bool,
    /// Languages of the mail, as two-letter codes (`en`, `de`, `fr`, ...).
    #[schemars(length(min = 1))]
    pub languages: Vec<LanguageCode>,
}
component!(
    /// rspamd.
    RspamdComponent(ImageOverride) {
        /// rspamd's data (statistics, DKIM keys cache).
        persistence: Persistence,
        /// rspamd configuration files: one named like a file of Mailu's `local.d` is merged
        /// into it (but for the worker, logging, options and Redis settings, which Mailu keeps
        /// as they are), any other is added to `local.d`. `forbidden_file_extension.map`
        /// replaces Mailu's list of refused attachment extensions: give the whole list.
        overrides: Overrides,
        /// Mailu's `ANTIVIRUS_ACTION` for ClamAV's findings. Mailu 2024.06 refuses mail
        /// ClamAV finds infected whichever it says (`ANTIVIRUS_FLAGGED` in
        /// core/rspamd/conf/force_actions.conf); `reject` also sets it on ClamAV's own rule.
        antivirus_action: AntivirusAction,
        /// A ServiceMonitor for rspamd's metrics (`/metrics` of its controller).
        service_monitor: ServiceMonitor,
    }
);
component!(
    /// A stateless component with a third-party image that can run several pods.
    ScalableImageComponent(FullImage) {
        /// Pods of the component.
        #[schemars(range(min = 1, max = i32::MAX))]
        replicas: u32,
    }
);
component!(
    /// A stateless Mailu component that can run several pods.
    ScalableComponent(ImageOverride) {
        /// Pods of the component.
        #[schemars(range(min = 1, max = i32::MAX))]
        replicas: u32,
    }
);
component!(
    /// ClamAV.
    ClamavComponent(FullImage) {
        /// Pods of ClamAV; each keeps its own copy of the signatures (with more than one, each
        /// in a volume of its own, an emptyDir, and `persistence` is not used). While none
        /// answers, rspamd defers mail with attachments; two keep one answering through updates.
        #[schemars(range(min = 1, max = i32::MAX))]
        replicas: u32,
        /// The signatures' volume (with one pod).
        persistence: Persistence,
    }
);

/// Dovecot's compression algorithms.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "lowercase")]
pub enum Compression {
    #[serde(rename = "")]
    None,
    Gz,
    Bz2,
    Lz4,
    Zstd,
}

/// What rspamd does with infected mail.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "lowercase")]
pub enum AntivirusAction {
    Discard,
    Reject,
}
component!(
    /// A Mailu component with a persistent volume.
    StatefulComponent(ImageOverride) {
        /// The component's volume.
        persistence: Persistence,
    }
);
component!(
    /// admin.
    AdminComponent(ImageOverride) {
        /// The component's volume.
        persistence: Persistence,
        /// Serve the administration pages at `/admin` (and rspamd's at `/admin/antispam`)
        /// through front (Mailu's `ADMIN`). Off, front routes neither, and users who sign in go
        /// to the webmail; without a webmail either, there is no sign-in page (mail clients'
        /// autoconfiguration, webdav and the API, where on, stay).
        ui: bool,
    }
);
component!(
    /// A component with a third-party image and no storage of its own.
    ImageComponent(FullImage) {}
);
component!(
    /// The webmail component.
    WebmailComponent(ImageOverride) {
        /// `roundcube` or `snappymail`.
        #[serde(rename = "type")]
        kind: WebmailType,
        /// The webmail's volume (settings, contacts, SQLite database).
        persistence: Persistence,
        /// Roundcube's plugins (empty: Mailu's choice: archive, zipdownload, markasjunk,
        /// managesieve, enigma, carddav); Mailu's own plugin is always added.
        roundcube_plugins: Vec<NameToken>,
        /// Files included at the end of Roundcube's configuration (`*.inc.php`).
        overrides: Overrides,
        /// Roundcube's own database.
        database: WebmailDatabase,
    }
);

/// Roundcube's database.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct WebmailDatabase {
    /// Keep it on the server of `database` (which must then not be `sqlite`) rather than in a
    /// file on the webmail volume.
    pub on_server: bool,
    /// Name of the database on that server.
    #[schemars(length(min = 1, max = 63))]
    pub name: String,
    /// The Secret holding its user name and password (required with `onServer`).
    pub existing_secret: DatabaseSecret,
}
component!(
    /// The fetchmail component.
    FetchmailComponent(ImageOverride) {
        /// Seconds between two fetches.
        #[schemars(range(min = 10))]
        delay_seconds: u32,
        /// fetchmail's record of the messages it has already fetched (`/data/fetchids`): on
        /// scratch space, accounts that keep their mail would be fetched again after a restart.
        persistence: Persistence,
    }
);

/// Webmail flavours.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "lowercase")]
pub enum WebmailType {
    Roundcube,
    Snappymail,
}

/// Mailu's admin refuses to start until DNS answers carry DNSSEC validation, and postfix's
/// DANE and rspamd's checks rely on it; most clusters' DNS does not validate. This resolver
/// (Mailu's unbound) runs beside admin, postfix and rspamd in their pods, validates, and sends
/// questions about the cluster's own names to the cluster DNS.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Resolver {
    /// Run it. Not needed when the cluster DNS already validates (for example CoreDNS
    /// forwarding to a validating resolver).
    pub enabled: bool,
    /// The address of the cluster DNS (`kubectl -n kube-system get service kube-dns`), which
    /// answers for the cluster's names. Required when enabled.
    pub cluster_dns_address: OptionalIp,
    /// More DNS zones only the cluster DNS answers for (a private zone, a CoreDNS stub
    /// domain), like `corp.internal`: asked of it as the cluster's domain is, without
    /// validation. Every other name is looked up in the public DNS, so a database, Redis or
    /// relay host named in such a zone must be listed here. A private network's reverse zone
    /// is named as unbound knows it, or below (`10.in-addr.arpa`, `16.172.in-addr.arpa`,
    /// `168.192.in-addr.arpa`): above it (`172.in-addr.arpa`), unbound still answers it itself.
    #[schemars(extend("uniqueItems" = true))]
    pub forward_zones: Vec<DomainSuffix>,
    /// Image; empty fields fall back to `images` (Mailu's unbound).
    pub image: ImageOverride,
    /// Resources of each resolver container.
    pub resources: Resources,
}

/// How mail and web traffic from outside the cluster reaches Mailu.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Expose {
    /// How mail servers and mail clients reach front: `loadBalancer` (a Service of type
    /// LoadBalancer, from a cloud or MetalLB), `hostPort` (ports on the nodes that run front),
    /// `traefik` (Traefik TCP routes that pass TLS through to front, with the client's address
    /// in a PROXY protocol header) or `none` (only from inside the cluster).
    pub mail: MailExposure,
    /// How browsers reach the web interface: `front` (ports 80 and 443 beside the mail ports;
    /// with `loadBalancer` or `hostPort`), `ingress` (a standard Ingress; the controller ends
    /// TLS), `httpRoute` (a Gateway API HTTPRoute; the Gateway ends TLS) or `none`.
    pub web: WebExposure,
    /// The mail ports published besides 25 (SMTP), 465 (submission over TLS) and 993 (IMAP
    /// over TLS), which always are.
    pub ports: MailPorts,
    /// The Service with `mail: loadBalancer`.
    pub load_balancer: LoadBalancer,
    /// front's workload with `mail: hostPort`.
    pub host_port: HostPort,
    /// The Traefik routes with `mail: traefik`.
    pub traefik: TraefikRoutes,
    /// The Ingress with `web: ingress`.
    pub ingress: IngressSettings,
    /// The HTTPRoute with `web: httpRoute`.
    pub http_route: HttpRoute,
    /// Networks outside the pod network that the proxy in front (`mail: traefik`, `web:
    /// ingress` or `httpRoute`, a LoadBalancer with `proxyProtocol`) connects to front from:
    /// the nodes of a proxy on the host network, a cloud load balancer that sends to pod
    /// addresses or speaks the PROXY protocol. front believes the client address they pass on
    /// (X-Forwarded-For, the PROXY protocol), and the NetworkPolicy admits them on the ports of
    /// the proxy in front. Whoever connects from them can claim any address, one in the
    /// trusted pod network too: list the proxy's own addresses only.
    pub trusted_proxies: Vec<Cidr>,
    /// With `web: ingress` or `httpRoute`, send a request the proxy took in plain HTTP
    /// (`X-Forwarded-Proto: http`) to HTTPS, which Mailu does not for front behind a proxy.
    /// Turn it off where the proxy itself takes plain HTTP from a load balancer that ends TLS,
    /// which would redirect in a loop.
    pub https_redirect: bool,
}

/// How mail reaches front.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "camelCase")]
pub enum MailExposure {
    None,
    LoadBalancer,
    HostPort,
    Traefik,
}

/// How the web interface is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "camelCase")]
pub enum WebExposure {
    None,
    Front,
    Ingress,
    HttpRoute,
}

impl WebExposure {
    /// Whether a proxy of the cluster's (an ingress controller, a Gateway) serves the web.
    pub fn behind_proxy(self) -> bool {
        matches!(self, WebExposure::Ingress | WebExposure::HttpRoute)
    }
}

/// The optional mail ports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct MailPorts {
    /// 587, submission with STARTTLS (what mail clients expect for sending).
    pub submission: bool,
    /// 995, POP3 over TLS.
    pub pop3s: bool,
    /// 4190, ManageSieve with STARTTLS (filter rules from mail clients).
    pub sieve: bool,
    /// 143, IMAP with STARTTLS.
    pub imap: bool,
    /// 110, POP3 with STARTTLS.
    pub pop3: bool,
}

/// The LoadBalancer Service. Its `externalTrafficPolicy` is always `Local`: the client's
/// address must reach Mailu (rate limits, spam checks and the relay rules depend on it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct LoadBalancer {
    /// The address to ask for (`loadBalancerIP`; MetalLB and some clouds honour it); empty
    /// lets the provider choose. Kubernetes deprecated the field in 1.24: implementations that
    /// read an annotation instead (MetalLB's `metallb.io/loadBalancerIPs`, Azure's
    /// `service.beta.kubernetes.io/azure-load-balancer-ipv4`) take the address in
    /// `annotations`, with this left empty.
    pub ip: OptionalIp,
    /// `loadBalancerClass`: which load balancer implementation serves the Service; empty means
    /// the cluster's default.
    pub class: OptionalQualifiedName,
    /// Annotations of the Service (MetalLB address pools, cloud load balancer settings).
    pub annotations: BTreeMap<String, String>,
    /// `ipFamilyPolicy` of the Service: `SingleStack`, `PreferDualStack` or `RequireDualStack`.
    pub ip_family_policy: IpFamilyPolicy,
    /// Client networks allowed through the load balancer (`loadBalancerSourceRanges`); empty
    /// allows everyone, as a mail server must for port 25.
    pub source_ranges: Vec<Cidr>,
    /// The load balancer sends a PROXY protocol header on every connection (turned on by its
    /// own annotation, which differs by provider): for load balancers that open connections of
    /// their own and so hide the client's address. front reads the address from the header,
    /// believing it only from `expose.trustedProxies`, which must hold the addresses the load
    /// balancer connects from. A connection without the header fails, on every published port
    /// but 25: mail clients inside the cluster must go through the load balancer too (its
    /// provider's host name annotation keeps kube-proxy from taking them straight to front).
    pub proxy_protocol: bool,
}

/// Kubernetes IP family policies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum IpFamilyPolicy {
    SingleStack,
    PreferDualStack,
    RequireDualStack,
}

/// front with host ports.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct HostPort {
    /// `DaemonSet` runs front on every node `front.nodeSelector` selects; `Deployment` runs
    /// `front.replicas` pods (one by default), each on a node of its own among them: a node's
    /// ports hold one pod, and a pod without a free node waits.
    pub kind: HostPortKind,
}

/// The workload kind of front with host ports.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
pub enum HostPortKind {
    DaemonSet,
    Deployment,
}

/// Traefik TCP routes.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct TraefikRoutes {
    /// Names of Traefik's entry points for the mail ports (defined in Traefik's static
    /// configuration; their ports must not be 10025, 10143 or 14190, which front reserves for
    /// webmail).
    pub entry_points: EntryPoints,
    /// Simultaneous connections per client address on port 25.
    #[schemars(range(min = 1))]
    pub smtp_connection_limit: u32,
}

/// Traefik entry point names, one per mail port.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct EntryPoints {
    /// Port 25, incoming mail.
    pub smtp: NameToken,
    /// Port 465, submission over TLS.
    pub submissions: NameToken,
    /// Port 587, submission with STARTTLS.
    pub submission: NameToken,
    /// Port 993, IMAP over TLS.
    pub imaps: NameToken,
    /// Port 995, POP3 over TLS.
    pub pop3s: NameToken,
    /// Port 4190, ManageSieve.
    pub sieve: NameToken,
    /// Port 143, IMAP with STARTTLS.
    pub imap: NameToken,
    /// Port 110, POP3 with STARTTLS.
    pub pop3: NameToken,
}

/// The web Ingress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct IngressSettings {
    /// `ingressClassName`; empty means the cluster's default class.
    pub class_name: OptionalObjectName,
    /// Annotations of the Ingress (for the controller: redirects, timeouts, ...). The request
    /// body limit of ingress-nginx follows `messageSizeLimitMb` unless given here (with the
    /// default class or a class whose name holds `nginx`).
    pub annotations: BTreeMap<String, String>,
}

/// The web HTTPRoute.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct HttpRoute {
    /// The Gateways (and listeners) the route attaches to. At least one is required with
    /// `web: httpRoute`.
    pub parent_refs: Vec<ParentRef>,
    /// Annotations of the HTTPRoute.
    pub annotations: BTreeMap<String, String>,
    /// Filters of the route's rule (Gateway API `HTTPRouteFilter`s, passed on as given): an
    /// `ExtensionRef` to the Gateway's authentication (Traefik's ForwardAuth middleware, for
    /// one), headers to set or remove. With `authentication.proxy`, the filter that sets the
    /// sign-in header on every request, replacing what clients send.
    pub filters: Vec<KubernetesObject>,
}

/// A Gateway the HTTPRoute attaches to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct ParentRef {
    /// Name of the Gateway.
    pub name: ObjectName,
    /// Namespace of the Gateway; empty or left out means the release namespace.
    #[serde(default)]
    pub namespace: OptionalObjectName,
    /// The Gateway's listener; empty or left out means all of them.
    #[serde(default)]
    pub section_name: OptionalObjectName,
}

/// front's TLS certificate.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Tls {
    /// Where the certificate comes from: `certManager` (a Certificate for every host name,
    /// written to `secretName`), `secret` (an existing `kubernetes.io/tls` Secret named
    /// `secretName`), `letsencrypt` (Mailu obtains it itself; needs `expose.web: front` so
    /// that port 80 reaches front) or `none` (no certificate in Mailu; only with `expose.mail:
    /// none`, and the web either not published or behind an HTTPRoute whose Gateway ends TLS
    /// with a certificate of its own).
    pub source: TlsSource,
    /// The `kubernetes.io/tls` Secret front mounts (and the Ingress uses).
    pub secret_name: ObjectName,
    /// The cert-manager issuer with `source: certManager`.
    pub cert_manager: CertManager,
    /// How postfix secures mail to other servers (`OUTBOUND_TLS_LEVEL`): empty is Mailu's
    /// default (DANE where published, else opportunistic); `encrypt` requires TLS, `secure`
    /// also a verified certificate.
    pub outbound_level: OutboundTlsLevel,
    /// Refuse incoming mail on port 25 from servers that do not use STARTTLS (not for a public
    /// MX: RFC 3207 advises against it).
    pub inbound_enforce: bool,
    /// Defer outgoing mail when a DANE or MTA-STS check fails on an incomplete policy, rather
    /// than sending it with weaker protection.
    pub defer_on_error: bool,
    /// With `source: letsencrypt`, serve the chain without the ISRG root (smaller handshakes;
    /// old clients may fail).
    pub letsencrypt_shortchain: bool,
}

/// Postfix's outbound TLS levels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "lowercase")]
pub enum OutboundTlsLevel {
    #[serde(rename = "")]
    Default,
    May,
    Encrypt,
    Dane,
    Verify,
    Secure,
}

/// Where front's certificate comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[schemars(inline)]
#[serde(rename_all = "camelCase")]
pub enum TlsSource {
    CertManager,
    Secret,
    Letsencrypt,
    None,
}

/// A cert-manager issuer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct CertManager {
    /// Name of the issuer.
    pub issuer: ObjectName,
    /// Its kind: cert-manager's own `ClusterIssuer` or `Issuer` (in the release namespace), or
    /// an external issuer's kind, like `StepClusterIssuer` or `AWSPCAClusterIssuer`.
    pub issuer_kind: KindName,
    /// Its API group: `cert-manager.io` for cert-manager's own issuers, an external issuer's
    /// otherwise, like `certmanager.step.sm` or `awspca.cert-manager.io`.
    pub issuer_group: ApiGroup,
}

/// The API group of cert-manager's own issuers, and their kinds.
pub const CERT_MANAGER_GROUP: &str = "cert-manager.io";
pub const CERT_MANAGER_ISSUER_KINDS: &[&str] = &["ClusterIssuer", "Issuer"];

/// A rate in Mailu's notation: a count per `second`, `minute`, `hour` or `day`, like
/// `5/hour` or `200/day`.
pub type Rate = RateText;

/// Mailu's limits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Limits {
    /// Failed logins (mail and web).
    pub authentication: AuthenticationLimits,
    /// Messages sent by each user (postfix asks admin before accepting one).
    pub messages: MessageLimits,
}

/// Limits on failed logins, counted by admin for every login front passes on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct AuthenticationLimits {
    /// Failed logins to distinct accounts from one client network (`AUTH_RATELIMIT_IP`).
    pub per_network: Rate,
    /// The IPv4 prefix length that makes a client network.
    #[schemars(range(min = 0, max = 32))]
    pub ipv4_prefix: u32,
    /// The IPv6 prefix length that makes a client network.
    #[schemars(range(min = 0, max = 128))]
    pub ipv6_prefix: u32,
    /// Failed passwords per account (`AUTH_RATELIMIT_USER`).
    pub per_user: Rate,
    /// Client networks never limited.
    pub exempt_networks: Vec<Cidr>,
    /// Seconds a client that logged in successfully stays exempt.
    pub exemption_seconds: u32,
}

/// Limits on sending.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct MessageLimits {
    /// Messages per sending user (`MESSAGE_RATELIMIT`).
    pub per_user: Rate,
    /// Senders never limited (e-mail addresses).
    pub exempt_senders: Vec<EmailAddress>,
}

/// A relay host for outgoing mail.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Relay {
    /// The relay in postfix's notation, like `[smtp.example.com]:587` (brackets: no MX
    /// lookup); empty: deliver directly. Port 25, 587 or 2525 (relay services' alternative
    /// port): the NetworkPolicy lets postfix reach the relay's. Not 465: Mailu's postfix
    /// starts TLS with STARTTLS (it has no `smtp_tls_wrappermode`), and a relay on 465 expects
    /// TLS from the first byte, so every message would wait in the queue.
    pub host: RelayHost,
    /// The Secret with the relay's user name and password; empty name: no authentication.
    pub credentials_secret: CredentialsSecret,
}

/// A Secret holding a user name and a password.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct CredentialsSecret {
    /// Name of the Secret; empty: none.
    pub name: OptionalObjectName,
    /// Key holding the user name.
    pub username_key: SecretDataKey,
    /// Key holding the password.
    pub password_key: SecretDataKey,
}

/// Authentication besides passwords.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Authentication {
    /// Mail clients must use application tokens, not account passwords
    /// (`AUTH_REQUIRE_TOKENS`).
    pub require_tokens: bool,
    /// Single sign-on through a proxy in front of the web interface that names the user in a
    /// header.
    pub proxy: ProxyAuthentication,
}

/// Header authentication by a trusted proxy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct ProxyAuthentication {
    /// The networks of the proxies whose header is believed (`PROXY_AUTH_WHITELIST`); empty:
    /// off. They must also be where front believes client addresses from (a proxy in front).
    /// With `expose.web: front`, every pod reaches front's web ports, so pod addresses are
    /// refused here.
    pub trusted_networks: Vec<Cidr>,
    /// The header that carries the user's e-mail address.
    pub header: HeaderName,
    /// Create users the header names but the database lacks (in existing domains).
    pub create_users: bool,
    /// Where to send users after they sign out; empty: the login page.
    pub logout_url: String,
}

/// Web sessions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Sessions {
    /// Seconds of inactivity after which a session ends.
    #[schemars(range(min = 60))]
    pub timeout_seconds: u32,
    /// Seconds after which a session ends anyway. SnappyMail signs out after as long; Roundcube
    /// reads the number of hours as minutes (Mailu 2024.06's
    /// webmails/roundcube/config/config.inc.php), so its sessions end after a sixtieth of it
    /// (12 hours by default).
    #[schemars(range(min = 60))]
    pub lifetime_seconds: u32,
}

/// The web interface's look.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Customization {
    /// The name shown in titles and mail client settings.
    pub site_name: String,
    /// The link in the side bar.
    pub website: String,
    /// The logo's address; empty: Mailu's.
    pub logo_url: String,
    /// The CSS colour behind the logo; empty: Mailu's.
    pub logo_background: String,
}

/// The welcome message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct WelcomeMessage {
    /// Send it.
    pub enabled: bool,
    /// Its subject.
    pub subject: String,
    /// Its text.
    pub body: String,
}

/// DMARC report addresses.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct Dmarc {
    /// Aggregate reports (`rua`), a local part.
    pub rua: OptionalLocalPart,
    /// Failure reports (`ruf`), a local part.
    pub ruf: OptionalLocalPart,
}

/// NetworkPolicy settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct NetworkPolicy {
    /// Emit the NetworkPolicies.
    pub enabled: bool,
    /// The pods of the proxy in front of Mailu (Traefik, the ingress controller, the Gateway's
    /// proxy), which alone may reach front's web port and its PROXY protocol listeners. Both the
    /// namespace and the pod labels are required when a proxy is in front.
    pub ingress_controller: PodPeer,
    /// The pods of the web's proxy, when it is not the one above (mail through Traefik, the
    /// web through another ingress controller or a Gateway): they alone may reach front's web
    /// port. Give both labels; empty: the proxy above.
    pub web_proxy: PodPeer,
    /// Where the cluster's DNS answers, so that Mailu's pods may ask it alone. Empty: any
    /// address, on ports 53 and 5353.
    pub dns: DnsPeer,
    /// The pods of Prometheus, which alone may scrape the metrics (required with a
    /// ServiceMonitor).
    pub monitoring: PodPeer,
}

/// The cluster's DNS: its pods, by labels (both maps or neither), and networks.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct DnsPeer {
    /// Labels of the DNS pods' namespace (`kubernetes.io/metadata.name: kube-system` on most
    /// clusters, `openshift-dns` on OpenShift).
    pub namespace_labels: BTreeMap<String, String>,
    /// Labels of the DNS pods (`k8s-app: kube-dns` on most clusters, CoreDNS included;
    /// `dns.operator.openshift.io/daemonset-dns: default` on OpenShift).
    pub pod_labels: BTreeMap<String, String>,
    /// Networks of a DNS on the nodes' network: NodeLocal DNSCache's `169.254.20.10/32`, a
    /// resolver outside the cluster.
    pub networks: Vec<Cidr>,
}

/// Pods selected by labels, in namespaces selected by labels.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[schemars(inline)]
pub struct PodPeer {
    /// Labels of the namespaces (`kubernetes.io/metadata.name` names one namespace).
    pub namespace_labels: BTreeMap<String, String>,
    /// Labels of the pods.
    pub pod_labels: BTreeMap<String, String>,
}

fn resources(req_cpu: &str, req_mem: &str, lim_cpu: &str, lim_mem: &str) -> Resources {
    Resources {
        requests: Quantities { cpu: req_cpu.into(), memory: req_mem.into(), ephemeral_storage: "".into() },
        limits: Quantities { cpu: lim_cpu.into(), memory: lim_mem.into(), ephemeral_storage: "".into() },
    }
}

fn persistence(size: &str) -> Persistence {
    Persistence { size: size.into(), storage_class: "".into(), existing_claim: "".into() }
}

fn no_image_override() -> ImageOverride {
    ImageOverride { repository: "".into(), tag: "".into(), digest: "".into() }
}

fn third_party_image(repository: &str, tag: &str) -> FullImage {
    FullImage { repository: repository.into(), tag: tag.into(), digest: "".into() }
}

/// A component block with the given settings and empty scheduling and pod extras.
macro_rules! block {
    ($ty:ident { $($field:ident: $value:expr),* $(,)? }) => {
        $ty {
            $($field: $value,)*
            node_selector: BTreeMap::new(),
            tolerations: Vec::new(),
            affinity: Affinity::default(),
            topology_spread_constraints: Vec::new(),
            priority_class_name: "".into(),
            service_account_name: "".into(),
            pod_labels: BTreeMap::new(),
            pod_annotations: BTreeMap::new(),
            service_annotations: BTreeMap::new(),
            pod_security_context: PodSecurityContext::default(),
            container_security_context: SecurityContext::default(),
            host_aliases: Vec::new(),
            termination_grace_period_seconds: 0,
            revision_history_limit: 10,
            extra_env: Vec::new(),
            extra_volumes: Vec::new(),
            extra_volume_mounts: Vec::new(),
            init_containers: Vec::new(),
            extra_containers: Vec::new(),
            extra_egress: Vec::new(),
        }
    };
}

fn service_monitor() -> ServiceMonitor {
    ServiceMonitor {
        enabled: false,
        interval: String::new(),
        labels: BTreeMap::new(),
        annotations: BTreeMap::new(),
        relabelings: Vec::new(),
        metric_relabelings: Vec::new(),
    }
}

/// Probe timings: the startup probe checks every `startup.0` seconds for up to `startup.1`
/// seconds (the first start's budget); liveness and readiness check every so many seconds and
/// act after three failures in a row.
fn probes(startup: (u32, u32), liveness: u32, readiness: u32) -> Probes {
    let timing = |period: u32, failures: u32| ProbeTiming {
        enabled: true,
        initial_delay_seconds: 0,
        period_seconds: period,
        timeout_seconds: 5,
        failure_threshold: failures,
    };
    Probes {
        startup: timing(startup.0, startup.1.div_ceil(startup.0)),
        liveness: timing(liveness, 3),
        readiness: timing(readiness, 3),
    }
}

fn stateful(enabled: bool, resources: Resources, size: &str, probes: Probes) -> StatefulComponent {
    block!(StatefulComponent {
        enabled: enabled,
        image: no_image_override(),
        resources: resources,
        persistence: persistence(size),
        probes: probes,
    })
}

impl Default for Values {
    /// The defaults of every key. `domain`, `hostnames` and `subnet` have none: they are
    /// required.
    fn default() -> Self {
        Values {
            domain: "".into(),
            hostnames: Vec::new(),
            subnet: "".into(),
            trust: super::trust::Trust::default(),
            timezone: "UTC".into(),
            log_level: LogLevel::Warning,
            postmaster: "postmaster".into(),
            message_size_limit_mb: 50,
            cluster_domain: "cluster.local".into(),
            fullname_override: OptionalNamePrefix::default(),
            namespace: NamespaceValues { create: false },
            common_labels: BTreeMap::new(),
            common_annotations: BTreeMap::new(),
            images: Images {
                registry: "ghcr.io/mailu".into(),
                tag: MAILU_VERSION.into(),
                pull_policy: PullPolicy::IfNotPresent,
                pull_secrets: Vec::new(),
            },
            secrets: Secrets {
                secret_key: RequiredSecretKeyRef {
                    name: "mailu-secret-key".into(),
                    key: "secret-key".into(),
                },
            },
            initial_account: InitialAccount {
                enabled: false,
                username: "admin".into(),
                domain: "".into(),
                mode: AccountMode::Update,
                password_secret: SecretKeyRef {
                    name: "mailu-initial-account".into(),
                    key: "password".into(),
                },
            },
            api: Api {
                enabled: false,
                token_secret: SecretKeyRef { name: "mailu-api-token".into(), key: "api-token".into() },
            },
            database: Database {
                kind: DatabaseType::Sqlite,
                postgresql: DatabaseServer {
                    host: "".into(),
                    port: 5432,
                    name: "mailu".into(),
                    existing_secret: DatabaseSecret {
                        name: "".into(),
                        username_key: "username".into(),
                        password_key: "password".into(),
                    },
                },
                mysql: DatabaseServer {
                    host: "".into(),
                    port: 3306,
                    name: "mailu".into(),
                    existing_secret: DatabaseSecret {
                        name: "".into(),
                        username_key: "username".into(),
                        password_key: "password".into(),
                    },
                },
            },
            redis: Redis {
                builtin: true,
                host: "".into(),
                port: 6379,
                password_secret: UnsupportedSecretKeyRef {
                    name: MustBeEmpty::default(),
                    key: "password".into(),
                },
                persistence: persistence("1Gi"),
                image: third_party_image("docker.io/library/redis", "7.4.2-alpine"),
                resources: resources("50m", "128Mi", "250m", "512Mi"),
                probes: probes((5, 60), 30, 10),
            },
            storage: Storage { storage_class: "".into() },
            front: block!(FrontComponent {
                enabled: true,
                replicas: 1,
                overrides: Overrides::new(),
                image: no_image_override(),
                resources: resources("100m", "256Mi", "500m", "512Mi"),
                persistence: persistence("100Mi"),
                probes: probes((5, 120), 10, 10),
            }),
            // The first start migrates the database and waits for a DNSSEC-validating
            // resolver before it answers at all.
            admin: block!(AdminComponent {
                enabled: true,
                image: no_image_override(),
                resources: resources("100m", "256Mi", "300m", "512Mi"),
                persistence: persistence("5Gi"),
                probes: probes((10, 600), 30, 10),
                ui: true,
            }),
            postfix: block!(PostfixComponent {
                enabled: true,
                image: no_image_override(),
                resources: resources("100m", "512Mi", "500m", "1Gi"),
                persistence: persistence("5Gi"),
                probes: probes((5, 120), 30, 10),
                overrides: Overrides::new(),
            }),
            dovecot: block!(DovecotComponent {
                enabled: true,
                image: no_image_override(),
                resources: resources("200m", "1Gi", "1000m", "2Gi"),
                persistence: persistence("50Gi"),
                probes: probes((5, 120), 30, 10),
                overrides: Overrides::new(),
                compression: Compression::None,
                compression_level: 6,
                full_text_search: FullTextSearch { enabled: true, languages: vec!["en".into()] },
                service_monitor: service_monitor(),
            }),
            // Dovecot 2.4 changed its configuration syntax; the relay's file is 2.3's.
            dovecot_submission: block!(ImageComponent {
                enabled: true,
                image: third_party_image("docker.io/dovecot/dovecot", "2.3.21.1"),
                resources: resources("50m", "64Mi", "200m", "256Mi"),
                probes: probes((5, 60), 30, 10),
            }),
            // rspamd waits for admin before it starts.
            rspamd: block!(RspamdComponent {
                enabled: true,
                image: no_image_override(),
                resources: resources("100m", "256Mi", "500m", "1Gi"),
                persistence: persistence("5Gi"),
                // Longer than admin's start budget: rspamd's start waits for admin.
                probes: probes((10, 900), 30, 10),
                overrides: Overrides::new(),
                antivirus_action: AntivirusAction::Discard,
                service_monitor: service_monitor(),
            }),
            webmail: block!(WebmailComponent {
                enabled: false,
                kind: WebmailType::Roundcube,
                persistence: persistence("5Gi"),
                roundcube_plugins: Vec::new(),
                overrides: Overrides::new(),
                database: WebmailDatabase {
                    on_server: false,
                    name: "roundcube".into(),
                    existing_secret: DatabaseSecret {
                        name: "".into(),
                        username_key: "username".into(),
                        password_key: "password".into(),
                    },
                },
                image: no_image_override(),
                resources: resources("100m", "256Mi", "500m", "512Mi"),
                probes: probes((10, 300), 30, 10),
            }),
            // Mailu 2024.06 uses ClamAV's own image.
            clamav: block!(ClamavComponent {
                enabled: false,
                replicas: 1,
                persistence: persistence("15Gi"),
                image: third_party_image("docker.io/clamav/clamav-debian", "1.4.3"),
                // ClamAV's documented needs: 3 GiB at least, 4 GiB preferred; loading the
                // signatures takes about 1.2 GiB and the daily reload briefly about 2.4 GiB.
                resources: resources("100m", "3Gi", "1000m", "4Gi"),
                // The first start downloads the signatures; the image waits up to 1800 s
                // for clamd (CLAMD_STARTUP_TIMEOUT).
                probes: probes((10, 1800), 30, 10),
            }),
            fetchmail: block!(FetchmailComponent {
                enabled: false,
                delay_seconds: 600,
                persistence: persistence("100Mi"),
                image: no_image_override(),
                resources: resources("100m", "256Mi", "200m", "512Mi"),
                // fetchmail waits for admin before it starts.
                probes: probes((10, 360), 60, 60),
            }),
            webdav: stateful(
                false,
                resources("100m", "256Mi", "300m", "512Mi"),
                "5Gi",
                probes((5, 60), 30, 10),
            ),
            tika: block!(ScalableImageComponent {
                enabled: false,
                replicas: 1,
                image: third_party_image("docker.io/apache/tika", "2.9.2.1-full"),
                resources: resources("100m", "512Mi", "1000m", "1Gi"),
                // The Java virtual machine takes a while to start.
                probes: probes((5, 120), 30, 10),
            }),
            oletools: block!(ScalableComponent {
                enabled: false,
                replicas: 1,
                image: no_image_override(),
                resources: resources("50m", "128Mi", "500m", "256Mi"),
                probes: probes((5, 60), 30, 10),
            }),
            resolver: Resolver {
                enabled: false,
                cluster_dns_address: "".into(),
                forward_zones: Vec::new(),
                image: no_image_override(),
                resources: resources("20m", "32Mi", "200m", "128Mi"),
            },
            expose: Expose {
                mail: MailExposure::LoadBalancer,
                web: WebExposure::Front,
                ports: MailPorts { submission: true, pop3s: true, sieve: true, imap: false, pop3: false },
                load_balancer: LoadBalancer {
                    ip: "".into(),
                    class: "".into(),
                    annotations: BTreeMap::new(),
                    ip_family_policy: IpFamilyPolicy::SingleStack,
                    source_ranges: Vec::new(),
                    proxy_protocol: false,
                },
                host_port: HostPort { kind: HostPortKind::DaemonSet },
                traefik: TraefikRoutes {
                    entry_points: EntryPoints {
                        smtp: "smtp".into(),
                        submissions: "smtps".into(),
                        submission: "submission".into(),
                        imaps: "imaps".into(),
                        pop3s: "pop3s".into(),
                        sieve: "sieve".into(),
                        imap: "imap".into(),
                        pop3: "pop3".into(),
                    },
                    smtp_connection_limit: 15,
                },
                ingress: IngressSettings { class_name: "".into(), annotations: BTreeMap::new() },
                http_route: HttpRoute {
                    parent_refs: Vec::new(),
                    annotations: BTreeMap::new(),
                    filters: Vec::new(),
                },
                trusted_proxies: Vec::new(),
                https_redirect: true,
            },
            tls: Tls {
                source: TlsSource::Secret,
                secret_name: "mailu-tls".into(),
                cert_manager: CertManager {
                    issuer: "letsencrypt".into(),
                    issuer_kind: "ClusterIssuer".into(),
                    issuer_group: CERT_MANAGER_GROUP.into(),
                },
                outbound_level: OutboundTlsLevel::Default,
                inbound_enforce: false,
                defer_on_error: true,
                letsencrypt_shortchain: false,
            },
            limits: Limits {
                authentication: AuthenticationLimits {
                    per_network: "5/hour".into(),
                    ipv4_prefix: 24,
                    ipv6_prefix: 48,
                    per_user: "50/day".into(),
                    exempt_networks: Vec::new(),
                    exemption_seconds: 86400,
                },
                messages: MessageLimits { per_user: "200/day".into(), exempt_senders: Vec::new() },
            },
            relay: Relay {
                host: "".into(),
                credentials_secret: CredentialsSecret {
                    name: "".into(),
                    username_key: "username".into(),
                    password_key: "password".into(),
                },
            },
            authentication: Authentication {
                require_tokens: false,
                proxy: ProxyAuthentication {
                    trusted_networks: Vec::new(),
                    header: "X-Auth-Email".into(),
                    create_users: false,
                    logout_url: String::new(),
                },
            },
            sessions: Sessions { timeout_seconds: 3600, lifetime_seconds: 2_592_000 },
            customization: Customization {
                site_name: "Mailu".into(),
                website: "https://mailu.io".into(),
                logo_url: String::new(),
                logo_background: String::new(),
            },
            welcome_message: WelcomeMessage {
                enabled: false,
                subject: "Welcome to your new mail account".into(),
                body: "Welcome to your new mail account. If you can read this, it works.".into(),
            },
            dmarc: Dmarc { rua: "".into(), ruf: "".into() },
            recipient_delimiter: "+".into(),
            reject_unlisted_recipient: false,
            wildcard_senders: Vec::new(),
            credential_rounds: 12,
            network_policy: NetworkPolicy {
                enabled: true,
                // Empty: which proxy is in front is the user's to say (required with one).
                ingress_controller: PodPeer {
                    namespace_labels: BTreeMap::new(),
                    pod_labels: BTreeMap::new(),
                },
                web_proxy: PodPeer { namespace_labels: BTreeMap::new(), pod_labels: BTreeMap::new() },
                dns: DnsPeer::default(),
                monitoring: PodPeer { namespace_labels: BTreeMap::new(), pod_labels: BTreeMap::new() },
            },
            global: Global {
                image_registry: OptionalRepository::default(),
                image_pull_secrets: Vec::new(),
                others: KubernetesObject::new(),
            },
            enabled: true,
        }
    }
}
