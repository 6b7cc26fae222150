//! The mapping table: for every setting of the official chart, where it lands here (and how),
//! or why it has no home. The converter applies it and `docs/migrate.md` prints it, so the
//! two cannot disagree.
//!
//! A rule names an official key. `{c}` in it stands for each component of its set (`each`),
//! and the same `{c}` in the target names the same component here. A key ending in `.*` covers
//! any key one level below, `.**` any key below (settings the official chart passes on to a
//! sub-chart or copies verbatim into an object); exact rules win over them.

/// Every component the official chart deploys; all of them exist here under the same name.
pub const ALL: &[&str] = &[
    "front",
    "admin",
    "postfix",
    "dovecot",
    "rspamd",
    "clamav",
    "webmail",
    "webdav",
    "fetchmail",
    "oletools",
    "tika",
];
/// The components the official chart runs as Deployments (clamav is a StatefulSet there).
const DEPLOYMENTS: &[&str] =
    &["front", "admin", "postfix", "dovecot", "rspamd", "webmail", "webdav", "fetchmail", "oletools", "tika"];
/// The components that can be turned off there and here.
const OPTIONAL: &[&str] = &["rspamd", "clamav", "webmail", "webdav", "fetchmail", "oletools", "tika"];
/// The components Mailu cannot run without; their `enabled` exists there but not off here
/// (admin's turned only its web pages off there: `admin.ui` here).
const REQUIRED: &[&str] = &["dovecot"];
/// The components with a volume of their own here (with the official chart's per-component
/// claims).
const STORING: &[&str] =
    &["admin", "postfix", "dovecot", "rspamd", "webmail", "webdav", "fetchmail", "clamav"];
/// The components whose claims the official chart names and annotates (not clamav's template).
pub(crate) const CLAIMED: &[&str] =
    &["admin", "postfix", "dovecot", "rspamd", "webmail", "webdav", "fetchmail"];
/// The components with configuration overrides, there and here.
const OVERRIDDEN: &[&str] = &["front", "postfix", "dovecot", "rspamd"];
/// The components with a metrics endpoint and a ServiceMonitor, there and here.
const MONITORED: &[&str] = &["dovecot", "rspamd"];
/// The components whose image the official chart takes from a registry of their own.
const THIRD_PARTY: &[&str] = &["clamav", "tika"];

/// Where each component's data lies on the official chart's claims (one shared claim, or one
/// per component: the same sub-directories either way) and where it lies on the component's
/// claim here. `docs/migrate.md` and the report print it.
pub const LAYOUT: &[(&str, &str, &str)] = &[
    ("admin", "`admin/`, `dkim/`", "`data/` (from `admin/`), `dkim/`"),
    ("postfix", "`mailqueue/`", "the top of the claim"),
    ("dovecot", "`dovecotmail/` (and `dovecotdata/`, which Mailu does not use)", "the top of the claim"),
    (
        "rspamd",
        "`rspamd/` (and `rspamd-local.d-maps.d/`, mounted at `/etc/rspamd/local.d/maps.d`)",
        "the top of the claim (from `rspamd/`); maps go into `rspamd.overrides`, which land in `/etc/rspamd/local.d`: name them there in the settings that use them",
    ),
    ("webmail", "`webmail/`", "the top of the claim"),
    ("webdav", "`webdav/`", "the top of the claim"),
    (
        "clamav",
        "`clamav/` (its own claim)",
        "the top of the claim; or nothing: ClamAV downloads its signatures again",
    ),
    ("fetchmail", "`fetchmail/`", "the top of the claim"),
    (
        "redis",
        "the Bitnami Redis's claim (`redis-data-<release>-redis-master-0`, or `redis/` with `subPath`)",
        "not moved: the built-in Redis starts empty (rspamd's statistics, fuzzy hashes and history start over)",
    ),
];

/// How a value is turned into ours.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Conv {
    /// Unchanged (maps and lists copied, whole numbers as integers).
    Copy,
    /// A whole number.
    Int,
    /// A switch the official chart's templates test (`if`, `and`): true as Go's templates
    /// count truth, so any text but the empty one, `"false"` and `"no"` too.
    Bool,
    /// A boolean the official chart hands to Mailu's environment: the texts `true`, `yes`,
    /// `false` and `no` as Mailu reads them.
    MailuBool,
    /// A text (numbers written as text).
    Text,
    /// Upper case text (log levels).
    Upper,
    /// A map whose values are texts (labels, annotations, node selectors).
    TextMap,
    /// A list of Kubernetes objects; entries that hold the official chart's template
    /// expressions are left out.
    Objects,
    /// A list of environment variables, without those Mailu's trust rests on.
    Env,
    /// A comma-separated text as a list.
    CommaList,
    /// Mailu reads only the first of several `;`-separated rates.
    FirstRate,
    /// The registry of the Mailu images: ours includes the `mailu` path.
    MailuRegistry,
    /// A Secret's name given as a text or as `{name: ...}`.
    SecretName,
    /// Image pull secrets given as names or as `{name: ...}`.
    SecretNames,
    /// Roundcube's plugins without Mailu's own (always added here).
    Plugins,
    /// `enabled` of a component that is always on here.
    AlwaysOn,
    /// A Kubernetes `podSelector` written as YAML text: its `matchLabels`.
    MatchLabels,
    /// A namespace name: the label that selects it.
    NamespaceLabel,
}

/// What becomes of an official setting.
#[derive(Clone, Copy, Debug)]
pub enum Fate {
    /// The same setting here, with the same meaning.
    Carried { to: &'static str, conv: Conv },
    /// A setting here with a difference, explained.
    Changed { to: &'static str, conv: Conv, how: &'static str },
    /// Part of a decision several official settings make together (the exposure, the
    /// certificate, the database, ...); `to` lists the keys it decides.
    Combined { to: &'static str, how: &'static str },
    /// A password, token or user name given as plain text: it goes into a Secret, which the
    /// values reference.
    Secret { to: &'static str, how: &'static str },
    /// No home here.
    Dropped { why: &'static str },
}

/// What the migration does when a setting is not in the official values: the official default
/// applies there, ours here.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Default {
    /// Both defaults mean the same (a test checks it).
    Same,
    /// They differ in a way that changes nothing worth telling.
    Quiet,
    /// They differ; ours applies, and the report says so.
    Told(&'static str),
    /// They differ; the migrated values keep the official default, so the deployment behaves
    /// as before.
    Kept(&'static str),
}

/// One line of the table.
#[derive(Clone, Copy, Debug)]
pub struct Rule {
    pub official: &'static str,
    /// The components `{c}` stands for; empty when the key names none.
    pub each: &'static [&'static str],
    pub fate: Fate,
    pub default: Default,
}

const fn rule(official: &'static str, fate: Fate) -> Rule {
    Rule { official, each: &[], fate, default: Default::Same }
}
const fn carried(official: &'static str, to: &'static str, conv: Conv) -> Rule {
    rule(official, Fate::Carried { to, conv })
}
const fn changed(official: &'static str, to: &'static str, conv: Conv, how: &'static str) -> Rule {
    rule(official, Fate::Changed { to, conv, how })
}
const fn combined(official: &'static str, to: &'static str, how: &'static str) -> Rule {
    rule(official, Fate::Combined { to, how })
}
const fn secret(official: &'static str, to: &'static str, how: &'static str) -> Rule {
    rule(official, Fate::Secret { to, how })
}
const fn dropped(official: &'static str, why: &'static str) -> Rule {
    rule(official, Fate::Dropped { why })
}

impl Rule {
    const fn each(self, components: &'static [&'static str]) -> Rule {
        Rule { each: components, ..self }
    }
    const fn quiet(self) -> Rule {
        Rule { default: Default::Quiet, ..self }
    }
    const fn told(self, why: &'static str) -> Rule {
        Rule { default: Default::Told(why), ..self }
    }
    const fn kept(self, why: &'static str) -> Rule {
        Rule { default: Default::Kept(why), ..self }
    }

    /// The official keys this rule covers, with the component each one names.
    pub fn expand(&self) -> Vec<(String, Option<&'static str>)> {
        if self.each.is_empty() {
            return vec![(self.official.to_string(), None)];
        }
        self.each.iter().map(|c| (self.official.replace("{c}", c), Some(*c))).collect()
    }

    /// The target keys for one component (`{c}` replaced).
    pub fn target(&self, component: Option<&str>) -> Option<String> {
        let to = match self.fate {
            Fate::Carried { to, .. } | Fate::Changed { to, .. } => to,
            _ => return None,
        };
        Some(match component {
            Some(c) => to.replace("{c}", c),
            None => to.to_string(),
        })
    }
}

// Reasons shared by several rules.
const SUBCHART_DB: &str = "a setting of the Bitnami database sub-chart, which is not part of this chart: run the database yourself (keeping its data: docs/migrate.md, section 4) and `database` points at it";
const SUBCHART_REDIS: &str =
    "a setting of the Bitnami Redis sub-chart; the Redis built in here (`redis.*`) has its own settings";
const NOT_READ: &str = "the official chart documents it but never reads it";
const ONE_LOG_LEVEL: &str = "one log level for every Mailu container here (`logLevel`)";
const SCHEDULER: &str = "no key here: the pods use the cluster's default scheduler";
const STRATEGY: &str = "chosen per component here: `Recreate` for those that write a volume (one pod at a time), rolling updates for the others";
const ENV_FROM: &str = "no `envFrom` here: name each variable in `{c}.extraEnv` (with `valueFrom` for a ConfigMap or Secret key)";
const SUCCESS_THRESHOLD: &str =
    "always 1 here (Kubernetes allows nothing else for liveness and startup probes)";
const READINESS_SUCCESS: &str = "always 1 here: one successful check makes a pod ready";
const ACCESS_MODES: &str = "claims are `ReadWriteOnce` here: one pod writes each volume";
const CLAIM_ANNOTATIONS: &str = "no annotations for claims here";
const CLAIM_NAME: &str = "claims are named after the release and the component here; to keep a claim, name it in `{c}.persistence.existingClaim`";
const SIZE_TOLD: &str = "the size of each component's claim here (the official chart's sizes per component applied only with `persistence.single_pvc: false`)";
const SECURITY_ENABLED: &str = "when enabled, the rest of the map is the security context, replacing this chart's; off (the official default), this chart's restricted default applies (no privilege escalation, only the capabilities the image needs)";
const RESOURCES: &str =
    "CPU, memory and ephemeral storage, exactly as given there (no request or limit where none was given)";
const PROBE_TIMING: &str = "the timings are carried; the check itself is ours";
const PROBE_CHECK: &str = "the check itself is ours here; only the timings are carried";
const EXISTING_CLAIM: &str = "the official chart keeps this component's data in sub-directories of the claim; move them as `docs/migrate.md` shows before pointing this chart at it";
const NODE_PORTS: &str = "no NodePort Service here: NodePorts cannot be the standard mail ports";

/// The table. Every key of the official values.yaml is covered by exactly one exact rule (a
/// test checks it), and so are the keys its templates read without listing them.
pub const RULES: &[Rule] = &[
    // Names, images and the whole release.
    dropped("global.imageRegistry", "the registry of the Bitnami sub-chart images; there are no sub-charts here"),
    changed("global.imagePullSecrets[]", "images.pullSecrets", Conv::SecretNames, "names only; for every pod here"),
    combined("global.storageClass", "clamav.persistence.storageClass", "the official chart gave it precedence for ClamAV's volume and the sub-charts' (the Redis among them); it becomes the storage class of ClamAV and of the built-in Redis"),
    combined("global.defaultStorageClass", "clamav.persistence.storageClass", "the last fallback of the storage class of ClamAV and of the Redis sub-chart there; the same here for ClamAV and the built-in Redis"),
    dropped("kubeVersion", NOT_READ),
    dropped("nameOverride", "object names here are the release name (or `fullnameOverride`) and the component (`mailu-admin`), without the chart's name"),
    carried("fullnameOverride", "fullnameOverride", Conv::Text),
    dropped("namespaceOverride", "the objects go into the release's namespace (`-n`)"),
    carried("commonLabels", "commonLabels", Conv::TextMap),
    changed("commonAnnotations", "commonAnnotations", Conv::TextMap, "on every object here, pods and Services too"),
    dropped("tolerations[]", NOT_READ),
    dropped("affinity", NOT_READ),
    dropped("nodeSelector", "it pinned the `persistence.hostPath` volume to a node; there are no hostPath volumes here"),
    changed("imageRegistry", "images.registry", Conv::MailuRegistry, "ours includes the `mailu` path of the images: `<imageRegistry>/mailu`"),
    changed("mailuVersion", "images.tag", Conv::Text, "the tag of every Mailu image")
        .told("the official chart pins the Mailu release it was made for (2024.06.52); here `images.tag` defaults to the newest 2024.06 release this chart was checked with"),
    carried("logLevel", "logLevel", Conv::Upper),
    carried("clusterDomain", "clusterDomain", Conv::Text),
    // Identity.
    carried("hostnames[]", "hostnames", Conv::Copy),
    carried("domain", "domain", Conv::Text),
    carried("subnet", "subnet", Conv::Text)
        .kept("there it defaults to 10.42.0.0/16 (k3s' pod network); here it is required, so the migrated values state it: check that it is the cluster's pod network"),
    dropped("subnet6", "one pod network here (`subnet`, IPv4 or IPv6): Mailu trusts it without passwords, so a second range has no key; front still listens on IPv6 behind a dual-stack LoadBalancer (`expose.loadBalancer.ipFamilyPolicy`)"),
    carried("timezone", "timezone", Conv::Text).quiet(),
    carried("postmaster", "postmaster", Conv::Text),
    carried("recipientDelimiter", "recipientDelimiter", Conv::Text),
    secret("secretKey", "secrets.secretKey", "goes into a Secret; the values name it"),
    changed("existingSecret", "secrets.secretKey.name", Conv::SecretName, "the key inside it stays `secret-key`").quiet(),
    carried("initialAccount.enabled", "initialAccount.enabled", Conv::Bool),
    carried("initialAccount.username", "initialAccount.username", Conv::Text).quiet(),
    carried("initialAccount.domain", "initialAccount.domain", Conv::Text),
    secret("initialAccount.password", "initialAccount.passwordSecret", "goes into a Secret; the values name it"),
    changed("initialAccount.existingSecret", "initialAccount.passwordSecret.name", Conv::SecretName, "the Secret the password is read from").quiet(),
    combined("initialAccount.existingSecretPasswordKey", "initialAccount.passwordSecret.key", "the key of the password in that Secret (empty: `initial-account-password`)"),
    carried("initialAccount.mode", "initialAccount.mode", Conv::Text),
    // The API.
    carried("api.enabled", "api.enabled", Conv::Bool),
    secret("api.token", "api.tokenSecret", "goes into a Secret; the values name it"),
    changed("api.existingSecret", "api.tokenSecret.name", Conv::SecretName, "the Secret the token is read from").quiet(),
    combined("api.existingSecretTokenKey", "api.tokenSecret.key", "the key of the token in that Secret"),
    dropped("api.webPath", "the API is served under `/api` here"),
    // NetworkPolicies.
    carried("networkPolicy.enabled", "networkPolicy.enabled", Conv::Bool)
        .told("off there, on here: the NetworkPolicies allow exactly the flows Mailu needs"),
    changed("networkPolicy.ingressController.namespace", "networkPolicy.ingressController.namespaceLabels", Conv::NamespaceLabel, "the namespace becomes the label that selects it (`kubernetes.io/metadata.name`)").quiet(),
    changed("networkPolicy.ingressController.podSelector", "networkPolicy.ingressController.podLabels", Conv::MatchLabels, "its `matchLabels` (a label map here; `matchExpressions` have no equivalent)").quiet(),
    changed("networkPolicy.monitoring.namespace", "networkPolicy.monitoring.namespaceLabels", Conv::NamespaceLabel, "the namespace becomes the label that selects it (`kubernetes.io/metadata.name`)").quiet(),
    changed("networkPolicy.monitoring.podSelector", "networkPolicy.monitoring.podLabels", Conv::MatchLabels, "its `matchLabels` (a label map here; `matchExpressions` have no equivalent)").quiet(),
    // Mailu's settings.
    carried("dmarc.rua", "dmarc.rua", Conv::Text),
    carried("dmarc.ruf", "dmarc.ruf", Conv::Text),
    carried("limits.messageSizeLimitInMegabytes", "messageSizeLimitMb", Conv::Int),
    carried("limits.authRatelimit.ip", "limits.authentication.perNetwork", Conv::FirstRate)
        .kept("the official chart allows 60 failed logins per hour and network, Mailu (and this chart) 5"),
    carried("limits.authRatelimit.ipv4Mask", "limits.authentication.ipv4Prefix", Conv::Int),
    carried("limits.authRatelimit.ipv6Mask", "limits.authentication.ipv6Prefix", Conv::Int)
        .kept("the official chart groups IPv6 clients by /56, Mailu (and this chart) by /48"),
    carried("limits.authRatelimit.user", "limits.authentication.perUser", Conv::FirstRate)
        .kept("the official chart allows 100 failed passwords per account and day, Mailu (and this chart) 50"),
    carried("limits.authRatelimit.exemptionLength", "limits.authentication.exemptionSeconds", Conv::Int),
    changed("limits.authRatelimit.exemption", "limits.authentication.exemptNetworks", Conv::CommaList, "a list here"),
    carried("limits.messageRatelimit.value", "limits.messages.perUser", Conv::FirstRate),
    changed("limits.messageRatelimit.exemption", "limits.messages.exemptSenders", Conv::CommaList, "a list here"),
    carried("externalRelay.host", "relay.host", Conv::Text),
    secret("externalRelay.username", "relay.credentialsSecret", "goes into a Secret with the password; the values name it"),
    secret("externalRelay.password", "relay.credentialsSecret", "goes into a Secret with the user name; the values name it"),
    changed("externalRelay.existingSecret", "relay.credentialsSecret.name", Conv::SecretName, "the Secret both are read from"),
    combined("externalRelay.usernameKey", "relay.credentialsSecret.usernameKey", "the key of the user name in that Secret"),
    combined("externalRelay.passwordKey", "relay.credentialsSecret.passwordKey", "the key of the password in that Secret"),
    dropped("externalRelay.networks[]", "networks postfix relays for without a password (RELAYNETS) have no key here: Mailu's trust rests on it; clients send through the submission ports with a password"),
    carried("credentialRounds", "credentialRounds", Conv::Int),
    dropped("sessionCookieSecure", "follows TLS here: cookies are secure whenever the web is served over HTTPS"),
    carried("authRequireTokens", "authentication.requireTokens", Conv::MailuBool),
    carried("sessionTimeout", "sessions.timeoutSeconds", Conv::Int),
    carried("permanentSessionLifetime", "sessions.lifetimeSeconds", Conv::Int),
    carried("letsencryptShortchain", "tls.letsencryptShortchain", Conv::MailuBool),
    carried("customization.siteName", "customization.siteName", Conv::Text),
    carried("customization.website", "customization.website", Conv::Text),
    carried("customization.logoUrl", "customization.logoUrl", Conv::Text),
    carried("customization.logoBackground", "customization.logoBackground", Conv::Text),
    carried("welcomeMessage.enabled", "welcomeMessage.enabled", Conv::MailuBool)
        .kept("the official chart sends a welcome message by default, this chart does not"),
    carried("welcomeMessage.subject", "welcomeMessage.subject", Conv::Text)
        .told("the official chart's own subject and text of the welcome message differ from ours (set them to keep the old ones)"),
    carried("welcomeMessage.body", "welcomeMessage.body", Conv::Text)
        .told("the official chart's own subject and text of the welcome message differ from ours (set them to keep the old ones)"),
    carried("wildcardSenders[]", "wildcardSenders", Conv::Copy),
    carried("tls.outboundLevel", "tls.outboundLevel", Conv::Text),
    carried("tls.deferOnError", "tls.deferOnError", Conv::MailuBool).quiet(),
    carried("tls.inboundEnforce", "tls.inboundEnforce", Conv::MailuBool).quiet(),
    changed("proxyAuth.whitelist", "authentication.proxy.trustedNetworks", Conv::CommaList, "a list here"),
    carried("proxyAuth.header", "authentication.proxy.header", Conv::Text),
    carried("proxyAuth.create", "authentication.proxy.createUsers", Conv::MailuBool),
    // The database.
    combined("externalDatabase.enabled", "database.type", "an existing server: `database.type` names it"),
    combined("externalDatabase.type", "database.type", "`mysql` or `postgresql`, the same here"),
    combined("externalDatabase.host", "database.<type>.host", "the server's host"),
    combined("externalDatabase.port", "database.<type>.port", "the server's port"),
    combined("externalDatabase.database", "database.<type>.name", "the database's name"),
    secret("externalDatabase.username", "database.<type>.existingSecret", "goes into a Secret with the password; the values name it"),
    secret("externalDatabase.password", "database.<type>.existingSecret", "goes into a Secret with the user name; the values name it"),
    combined("externalDatabase.existingSecret", "database.<type>.existingSecret.name", "the Secret the user name and password are read from"),
    dropped("externalDatabase.existingSecretDatabaseKey", "the database's name is a value here (`database.<type>.name`), not read from the Secret: check that `database.<type>.name` names the database that key held"),
    combined("externalDatabase.existingSecretUsernameKey", "database.<type>.existingSecret.usernameKey", "the key of the user name in that Secret"),
    combined("externalDatabase.existingSecretPasswordKey", "database.<type>.existingSecret.passwordKey", "the key of the password in that Secret"),
    dropped("externalDatabase.appendix", "Mailu 2024.06 does not read DB_APPENDIX"),
    carried("global.database.roundcube.database", "webmail.database.name", Conv::Text),
    secret("global.database.roundcube.username", "webmail.database.existingSecret", "goes into a Secret with the password; the values name it"),
    secret("global.database.roundcube.password", "webmail.database.existingSecret", "goes into a Secret with the user name; the values name it"),
    combined("global.database.roundcube.existingSecret", "webmail.database.existingSecret", "its password is copied into a Secret that also holds the user name"),
    combined("global.database.roundcube.existingSecretPasswordKey", "webmail.database.existingSecret", "the key the password is copied from"),
    secret("database.mysql.roundcubePassword", "webmail.database.existingSecret", "the older place of Roundcube's password; goes into a Secret"),
    secret("database.postgresql.roundcubePassword", "webmail.database.existingSecret", "the older place of Roundcube's password; goes into a Secret"),
    combined("global.postgresql.auth.database", "database.postgresql.name", "the database's name with the embedded PostgreSQL"),
    secret("global.postgresql.auth.username", "database.postgresql.existingSecret", "the user name with the embedded PostgreSQL; goes into a Secret"),
    secret("global.postgresql.auth.password", "database.postgresql.existingSecret", "the password with the embedded PostgreSQL (before `postgresql.auth.password`); goes into a Secret"),
    combined("global.postgresql.auth.existingSecret", "database.postgresql.existingSecret", "the Secret the embedded PostgreSQL's password was read from (before `postgresql.auth.existingSecret`); its `password` is copied into a Secret that also holds the user name"),
    combined("mariadb.enabled", "database.type, database.mysql", "the embedded MariaDB is not part of this chart: keep it running as a release of its own (its volume, where it has one, holds the data) and `database.mysql` points at its Service"),
    dropped("mariadb.architecture", SUBCHART_DB),
    dropped("mariadb.image.repository", SUBCHART_DB),
    dropped("mariadb.auth.rootPassword", "the root password belongs to the database server, which is not part of this chart"),
    combined("mariadb.auth.database", "database.mysql.name", "the database's name"),
    secret("mariadb.auth.username", "database.mysql.existingSecret", "goes into a Secret with the password; the values name it"),
    secret("mariadb.auth.password", "database.mysql.existingSecret", "goes into a Secret with the user name; the values name it"),
    combined("mariadb.auth.existingSecret", "database.mysql.existingSecret", "its password is copied into a Secret that also holds the user name"),
    dropped("mariadb.primary.persistence.enabled", SUBCHART_DB),
    dropped("mariadb.primary.persistence.storageClass", SUBCHART_DB),
    dropped("mariadb.primary.persistence.accessMode", SUBCHART_DB),
    dropped("mariadb.primary.persistence.size", SUBCHART_DB),
    dropped("mariadb.primary.extraEnvVars[]", "the official chart's set-up of Roundcube's database in the sub-chart; here the database exists before installing"),
    dropped("mariadb.initdbScripts", "the official chart's set-up of Roundcube's database in the sub-chart; here the database exists before installing"),
    dropped("mariadb.metrics.image.repository", SUBCHART_DB),
    dropped("mariadb.volumePermissions.image.repository", SUBCHART_DB),
    dropped("mariadb.**", SUBCHART_DB),
    combined("postgresql.enabled", "database.type, database.postgresql", "the embedded PostgreSQL is not part of this chart: keep it running as a release of its own (its volume, where it has one, holds the data) and `database.postgresql` points at its Service"),
    dropped("postgresql.architecture", SUBCHART_DB),
    dropped("postgresql.image.repository", SUBCHART_DB),
    dropped("postgresql.auth.enablePostgresUser", SUBCHART_DB),
    dropped("postgresql.auth.postgresPassword", "the superuser's password belongs to the database server, which is not part of this chart"),
    secret("postgresql.auth.username", "database.postgresql.existingSecret", "goes into a Secret with the password; the values name it"),
    secret("postgresql.auth.password", "database.postgresql.existingSecret", "goes into a Secret with the user name; the values name it"),
    combined("postgresql.auth.database", "database.postgresql.name", "the database's name"),
    combined("postgresql.auth.existingSecret", "database.postgresql.existingSecret", "its password is copied into a Secret that also holds the user name"),
    dropped("postgresql.auth.secretKeys.adminPasswordKey", SUBCHART_DB),
    dropped("postgresql.auth.secretKeys.userPasswordKey", "the official chart itself ignored it (it read the key `password`)"),
    dropped("postgresql.auth.secretKeys.replicationPasswordKey", SUBCHART_DB),
    dropped("postgresql.primary.extraEnvVars[]", "the official chart's set-up of Roundcube's database in the sub-chart; here the database exists before installing"),
    dropped("postgresql.primary.initdb.scripts", "the official chart's set-up of Roundcube's database in the sub-chart; here the database exists before installing"),
    dropped("postgresql.primary.persistence.enabled", SUBCHART_DB),
    dropped("postgresql.primary.persistence.storageClass", SUBCHART_DB),
    dropped("postgresql.primary.persistence.accessMode", SUBCHART_DB),
    dropped("postgresql.primary.persistence.size", SUBCHART_DB),
    dropped("postgresql.metrics.image.repository", SUBCHART_DB),
    dropped("postgresql.volumePermissions.image.repository", SUBCHART_DB),
    dropped("postgresql.**", SUBCHART_DB),
    dropped("database.type", "removed from the official chart (it refuses to render with it); `externalDatabase` or the sub-charts decide"),
    dropped("database.roundcubeType", "removed from the official chart (it refuses to render with it)"),
    // Redis.
    combined("redis.enabled", "redis.builtin", "Redis is built in here unless an external one is named"),
    dropped("redis.architecture", SUBCHART_REDIS),
    dropped("redis.image.repository", SUBCHART_REDIS),
    dropped("redis.auth.enabled", "Mailu cannot give Redis a password; there is none here"),
    dropped("redis.master.enabled", SUBCHART_REDIS),
    dropped("redis.master.count", SUBCHART_REDIS),
    dropped("redis.master.persistence.enabled", "the built-in Redis always keeps its data on a claim here (`redis.persistence`), with Redis's append-only file"),
    carried("redis.master.persistence.size", "redis.persistence.size", Conv::Text)
        .told("the size of the built-in Redis's claim here"),
    carried("redis.master.persistence.storageClass", "redis.persistence.storageClass", Conv::Text),
    dropped("redis.master.persistence.accessModes[]", ACCESS_MODES),
    dropped("redis.master.persistence.existingClaim", "with the official chart it was the claim every component shared (with `subPath: redis`) or the Bitnami Redis's own; the built-in Redis starts on an empty claim of its own"),
    dropped("redis.master.persistence.subPath", "the built-in Redis keeps its files at the top of a claim of its own"),
    dropped("redis.master.persistence.annotations", CLAIM_ANNOTATIONS),
    combined("redis.master.resources.requests", "redis.resources.requests", "the built-in Redis's requests (CPU and memory)"),
    combined("redis.master.resources.limits", "redis.resources.limits", "the built-in Redis's limits (CPU and memory)"),
    dropped("redis.replica.count", SUBCHART_REDIS),
    dropped("redis.sentinel.image.repository", SUBCHART_REDIS),
    dropped("redis.metrics.image.repository", SUBCHART_REDIS),
    dropped("redis.volumePermissions.image.repository", SUBCHART_REDIS),
    dropped("redis.kubectl.image.repository", SUBCHART_REDIS),
    dropped("redis.sysctl.image.repository", SUBCHART_REDIS),
    dropped("redis.**", SUBCHART_REDIS),
    combined("externalRedis.enabled", "redis.builtin", "an external Redis: `redis.builtin: false`"),
    combined("externalRedis.host", "redis.host", "its host"),
    combined("externalRedis.port", "redis.port", "its port (the official chart used it only for the rate limits)"),
    dropped("externalRedis.adminQuotaDbId", "Mailu 2024.06 does not read QUOTA_STORAGE_URL"),
    dropped("externalRedis.adminRateLimitDbId", "the rate limits use Redis database 2 here, as Mailu does by default"),
    dropped("externalRedis.rspamdDbId", NOT_READ),
    // Storage.
    dropped("persistence.single_pvc", "each component has a claim of its own here; the data moves as `docs/migrate.md` shows"),
    dropped("persistence.size", "sizes are per component here (`<component>.persistence.size`)"),
    dropped("persistence.accessModes[]", ACCESS_MODES),
    dropped("persistence.annotations", CLAIM_ANNOTATIONS),
    dropped("persistence.hostPath", "no hostPath volumes here: a StorageClass (a local-path provisioner, for one) gives the same"),
    dropped("persistence.existingClaim", "one claim for all components has no equivalent here; move the data into the components' claims as `docs/migrate.md` shows"),
    changed("persistence.storageClass", "storage.storageClass", Conv::Text, "the class of every claim here"),
    dropped("persistence.claimNameOverride", "claims are named after the release and the component here"),
    changed("{c}.persistence.size", "{c}.persistence.size", Conv::Text, "carried (the official chart used it only with `persistence.single_pvc: false`)")
        .each(CLAIMED)
        .told(SIZE_TOLD),
    carried("clamav.persistence.size", "clamav.persistence.size", Conv::Text)
        .told("the size of ClamAV's claim (its own claim there too)"),
    changed("{c}.persistence.storageClass", "{c}.persistence.storageClass", Conv::Text, "carried (the official chart used it only with `persistence.single_pvc: false`)").each(CLAIMED),
    changed("clamav.persistence.storageClass", "clamav.persistence.storageClass", Conv::Text, "carried (ClamAV's own claim, there as here)"),
    dropped("{c}.persistence.accessModes[]", ACCESS_MODES).each(STORING),
    dropped("{c}.persistence.annotations", CLAIM_ANNOTATIONS).each(STORING),
    dropped("{c}.persistence.claimNameOverride", CLAIM_NAME).each(CLAIMED),
    changed("{c}.persistence.existingClaim", "{c}.persistence.existingClaim", Conv::Text, EXISTING_CLAIM).each(STORING),
    dropped("clamav.persistence.enabled", "ClamAV keeps its signatures on a claim here (a fresh start downloads them all again)"),
    dropped("clamav.persistence.labels", "no labels for claims here"),
    dropped("clamav.persistence.selector", "claims are provisioned by their StorageClass here; no selector"),
    dropped("clamav.persistence.dataSource", "claims start empty here; no data source"),
    // The web: Ingress and certificate.
    combined("ingress.enabled", "expose.web", "the web through an Ingress: `expose.web: ingress`"),
    changed("ingress.ingressClassName", "expose.ingress.className", Conv::Text, "carried"),
    dropped("ingress.pathType", "the Ingress routes every path of each host name to front"),
    dropped("ingress.apiVersion", NOT_READ),
    dropped("ingress.path", "the Ingress routes every path of each host name to front"),
    combined("ingress.annotations", "expose.ingress.annotations, expose.ingress.className, tls.certManager", "carried; cert-manager's issuer annotations become `tls.source: certManager` (a Certificate of our own) and `kubernetes.io/ingress.class` the class name"),
    combined("ingress.tls", "tls.source", "TLS on (the official default) keeps a certificate; off means no TLS at all, only possible here when no mail port is exposed"),
    combined("ingress.existingSecret", "tls.secretName", "the certificate's Secret, for front and the Ingress"),
    combined("ingress.selfSigned", "tls.secretName", "no self-signed certificates here (the official chart made a new one at every render): the current one is copied into a Secret, and cert-manager is the lasting answer"),
    dropped("ingress.extraHosts[]", "the Ingress serves the `hostnames` here; other routes belong in an Ingress of your own"),
    dropped("ingress.extraPaths[]", "the Ingress serves the `hostnames` here; other routes belong in an Ingress of your own"),
    dropped("ingress.extraTls[]", "the Ingress serves the `hostnames` here; other routes belong in an Ingress of your own"),
    combined("ingress.secrets[]", "tls.secretName", "certificates written into the values: the one front uses is copied into a Secret; the others are not carried"),
    dropped("ingress.extraRules[]", "the Ingress serves the `hostnames` here; other routes belong in an Ingress of your own"),
    dropped("ingress.realIpHeader", "whose word front believes for the client's address follows `expose` here; Mailu's trust rests on it"),
    combined("ingress.realIpFrom", "expose.trustedProxies", "behind a proxy, the pod network is believed without it; other private networks go in `expose.trustedProxies`"),
    combined("ingress.tlsFlavorOverride", "tls.source", "Mailu's TLS flavor follows `tls.source` and `expose` here"),
    dropped("ingress.tlsFlavor", "removed from the official chart (it refuses to render with it)"),
    dropped("ingress.externalIngress", "removed from the official chart (it refuses to render with it)"),
    dropped("ingress.proxyProtocol.pop3", "the PROXY protocol here is Traefik's (`expose.mail: traefik`) or the LoadBalancer's, on every port (`expose.loadBalancer.proxyProtocol`); a LoadBalancer keeps the client's address with `externalTrafficPolicy: Local`"),
    dropped("ingress.proxyProtocol.pop3s", "the PROXY protocol here is Traefik's (`expose.mail: traefik`) or the LoadBalancer's, on every port (`expose.loadBalancer.proxyProtocol`)"),
    dropped("ingress.proxyProtocol.imap", "the PROXY protocol here is Traefik's (`expose.mail: traefik`) or the LoadBalancer's, on every port (`expose.loadBalancer.proxyProtocol`)"),
    dropped("ingress.proxyProtocol.imaps", "the PROXY protocol here is Traefik's (`expose.mail: traefik`) or the LoadBalancer's, on every port (`expose.loadBalancer.proxyProtocol`)"),
    dropped("ingress.proxyProtocol.smtp", "the PROXY protocol here is Traefik's (`expose.mail: traefik`) or the LoadBalancer's, on every port (`expose.loadBalancer.proxyProtocol`)"),
    dropped("ingress.proxyProtocol.smtps", "the PROXY protocol here is Traefik's (`expose.mail: traefik`) or the LoadBalancer's, on every port (`expose.loadBalancer.proxyProtocol`)"),
    dropped("ingress.proxyProtocol.submission", "the PROXY protocol here is Traefik's (`expose.mail: traefik`) or the LoadBalancer's, on every port (`expose.loadBalancer.proxyProtocol`)"),
    dropped("ingress.proxyProtocol.manageSieve", "the PROXY protocol here is Traefik's (`expose.mail: traefik`) or the LoadBalancer's, on every port (`expose.loadBalancer.proxyProtocol`)"),
    dropped("certmanager.**", "removed from the official chart (it refuses to render with it); `tls.source: certManager` here"),
    dropped("mail.**", "removed from the official chart (it refuses to render with it)"),
    // The mail ports.
    combined("front.hostPort.enabled", "expose.mail, expose.hostPort.kind", "host ports: `expose.mail: hostPort`"),
    combined("front.externalService.enabled", "expose.mail", "a Service for the mail ports: with type LoadBalancer `expose.mail: loadBalancer`"),
    combined("front.externalService.type", "expose.mail", "`LoadBalancer` becomes `expose.mail: loadBalancer`; NodePort becomes host ports (NodePorts cannot be the standard ports); ClusterIP reaches nothing outside the cluster"),
    changed("front.externalService.loadBalancerIP", "expose.loadBalancer.ip", Conv::Text, "carried"),
    dropped("front.externalService.externalTrafficPolicy", "always `Local` here: the client's address must reach Mailu"),
    dropped("front.externalService.externalIPs[]", "no external IPs here: a LoadBalancer (MetalLB on bare metal) or host ports"),
    combined("front.externalService.ipFamilyPolicy", "expose.loadBalancer.ipFamilyPolicy", "carried with a LoadBalancer"),
    combined("front.externalService.annotations", "expose.loadBalancer.annotations", "carried with a LoadBalancer"),
    dropped("front.externalService.labels", "no labels of its own for the Service here (`commonLabels` are on every object)"),
    combined("front.externalService.ports.pop3", "expose.ports.pop3", "the ports Mailu really listened on are carried"),
    combined("front.externalService.ports.pop3s", "expose.ports.pop3s", "the ports Mailu really listened on are carried"),
    combined("front.externalService.ports.imap", "expose.ports.imap", "the ports Mailu really listened on are carried"),
    combined("front.externalService.ports.imaps", "expose.ports", "993 is always published here"),
    combined("front.externalService.ports.smtp", "expose.ports", "25 is always published here"),
    combined("front.externalService.ports.smtps", "expose.ports", "465 is always published here"),
    combined("front.externalService.ports.submission", "expose.ports.submission", "the ports Mailu really listened on are carried"),
    combined("front.externalService.ports.manageSieve", "expose.ports.sieve", "the ports Mailu really listened on are carried"),
    dropped("front.externalService.nodePorts.pop3", NODE_PORTS),
    dropped("front.externalService.nodePorts.pop3s", NODE_PORTS),
    dropped("front.externalService.nodePorts.imap", NODE_PORTS),
    dropped("front.externalService.nodePorts.imaps", NODE_PORTS),
    dropped("front.externalService.nodePorts.smtp", NODE_PORTS),
    dropped("front.externalService.nodePorts.smtps", NODE_PORTS),
    dropped("front.externalService.nodePorts.submission", NODE_PORTS),
    dropped("front.externalService.nodePorts.manageSieve", NODE_PORTS),
    dropped("front.externalService.pop3", "removed from the official chart (it refuses to render with it)"),
    dropped("front.externalService.imap", "removed from the official chart (it refuses to render with it)"),
    dropped("front.externalService.smtp", "removed from the official chart (it refuses to render with it)"),
    dropped("front.controller.kind", "removed from the official chart (it refuses to render with it)"),
    combined("front.kind", "expose.hostPort.kind", "with host ports, `expose.hostPort.kind`; otherwise front is a Deployment here"),
    carried("front.replicaCount", "front.replicas", Conv::Int),
    // Component settings.
    carried("{c}.overrides", "{c}.overrides", Conv::TextMap).each(OVERRIDDEN),
    dropped("admin.uri", "admin is served under `/admin` here"),
    dropped("webmail.uri", "webmail is served under `/webmail` here"),
    dropped("admin.dnsPolicy", "the pods use the cluster's DNS, or the validating resolver of `resolver.enabled` that Mailu's admin needs"),
    dropped("admin.dnsConfig", "the pods use the cluster's DNS, or the validating resolver of `resolver.enabled` that Mailu's admin needs"),
    carried("webmail.type", "webmail.type", Conv::Text),
    changed("webmail.roundcubePlugins[]", "webmail.roundcubePlugins", Conv::Plugins, "without `mailu`, which is always added here (but for a list of `mailu` alone, which Mailu runs alone); the official default list is Mailu's choice (empty here)"),
    carried("dovecot.compression", "dovecot.compression", Conv::Text),
    carried("dovecot.compressionLevel", "dovecot.compressionLevel", Conv::Int),
    carried("rspamd.antivirusAction", "rspamd.antivirusAction", Conv::Text),
    carried("fetchmail.delay", "fetchmail.delaySeconds", Conv::Int),
    changed("tika.languages[]", "dovecot.fullTextSearch.languages", Conv::Copy, "a setting of dovecot's full-text search here; not carried with Tika off (the official chart then left it out, and dovecot indexed in English)"),
    carried("clamav.replicaCount", "clamav.replicas", Conv::Int),
    carried("{c}.serviceMonitor.enabled", "{c}.serviceMonitor.enabled", Conv::Bool).each(MONITORED),
    carried("{c}.serviceMonitor.annotations", "{c}.serviceMonitor.annotations", Conv::TextMap).each(MONITORED),
    carried("{c}.serviceMonitor.interval", "{c}.serviceMonitor.interval", Conv::Text).each(MONITORED),
    carried("{c}.serviceMonitor.metricRelabelings[]", "{c}.serviceMonitor.metricRelabelings", Conv::Objects).each(MONITORED),
    carried("{c}.serviceMonitor.relabelings[]", "{c}.serviceMonitor.relabelings", Conv::Objects).each(MONITORED),
    // The block every component has.
    carried("{c}.enabled", "{c}.enabled", Conv::Bool)
        .each(OPTIONAL)
        .kept("the official chart deploys it by default, this chart does not"),
    changed("{c}.enabled", "{c}.enabled", Conv::AlwaysOn, "always on here: Mailu cannot work without it").each(REQUIRED),
    combined("admin.enabled", "admin.ui", "admin kept running there, and `false` only hid its web pages (front's `ADMIN`); so does `admin.ui: false` here"),
    dropped("{c}.logLevel", ONE_LOG_LEVEL).each(ALL),
    combined("{c}.image.repository", "{c}.image.repository", "with the registry: a repository here names its registry too").each(ALL),
    combined("{c}.image.tag", "{c}.image.tag, {c}.image.digest", "a digest written after the tag (`tag@sha256:...`) becomes `image.digest`").each(ALL),
    combined("{c}.image.registry", "{c}.image.repository", "part of the repository here").each(THIRD_PARTY),
    combined("{c}.image.pullPolicy", "images.pullPolicy", "one pull policy for every container here: carried when the components agree").each(ALL),
    combined("{c}.image.pullSecrets", "images.pullSecrets", "for every pod here").each(ALL),
    combined("{c}.resources.limits", "{c}.resources.limits", RESOURCES)
        .each(ALL),
    combined("{c}.resources.requests", "{c}.resources.requests", RESOURCES)
        .each(ALL),
    carried("{c}.podLabels", "{c}.podLabels", Conv::TextMap).each(ALL),
    carried("{c}.podAnnotations", "{c}.podAnnotations", Conv::TextMap).each(ALL),
    carried("{c}.nodeSelector", "{c}.nodeSelector", Conv::TextMap).each(ALL),
    carried("{c}.affinity", "{c}.affinity", Conv::Copy).each(ALL),
    carried("{c}.tolerations[]", "{c}.tolerations", Conv::Objects).each(ALL),
    carried("{c}.topologySpreadConstraints[]", "{c}.topologySpreadConstraints", Conv::Objects).each(ALL),
    carried("{c}.hostAliases[]", "{c}.hostAliases", Conv::Objects).each(ALL),
    carried("{c}.priorityClassName", "{c}.priorityClassName", Conv::Text).each(ALL),
    dropped("{c}.schedulerName", SCHEDULER).each(ALL),
    carried("{c}.terminationGracePeriodSeconds", "{c}.terminationGracePeriodSeconds", Conv::Int).each(ALL).quiet(),
    carried("{c}.revisionHistoryLimit", "{c}.revisionHistoryLimit", Conv::Int).each(DEPLOYMENTS).quiet(),
    carried("{c}.initContainers[]", "{c}.initContainers", Conv::Objects).each(ALL),
    carried("{c}.extraContainers[]", "{c}.extraContainers", Conv::Objects).each(ALL),
    carried("{c}.extraVolumes[]", "{c}.extraVolumes", Conv::Objects).each(ALL),
    carried("{c}.extraVolumeMounts[]", "{c}.extraVolumeMounts", Conv::Objects).each(ALL),
    changed("{c}.extraEnvVars[]", "{c}.extraEnv", Conv::Env, "carried, except the variables Mailu's trust rests on (they have keys of their own here)").each(ALL),
    dropped("{c}.extraEnvVarsCM", ENV_FROM).each(ALL),
    dropped("{c}.extraEnvVarsSecret", ENV_FROM).each(ALL),
    combined("{c}.podSecurityContext.enabled", "{c}.podSecurityContext", SECURITY_ENABLED).each(ALL),
    combined("{c}.podSecurityContext.fsGroup", "{c}.podSecurityContext.fsGroup", "carried when enabled").each(ALL),
    combined("{c}.podSecurityContext.*", "{c}.podSecurityContext", "carried when enabled").each(ALL),
    combined("{c}.containerSecurityContext.enabled", "{c}.containerSecurityContext", SECURITY_ENABLED).each(ALL),
    combined("{c}.containerSecurityContext.runAsUser", "{c}.containerSecurityContext.runAsUser", "carried when enabled").each(ALL),
    combined("{c}.containerSecurityContext.runAsNonRoot", "{c}.containerSecurityContext.runAsNonRoot", "carried when enabled").each(ALL),
    combined("{c}.containerSecurityContext.*", "{c}.containerSecurityContext", "carried when enabled").each(ALL),
    changed("{c}.service.annotations", "{c}.serviceAnnotations", Conv::TextMap, "carried").each(ALL),
    dropped("{c}.updateStrategy.type", STRATEGY).each(ALL),
    dropped("{c}.updateStrategy.*", STRATEGY).each(ALL),
    carried("{c}.livenessProbe.enabled", "{c}.probes.liveness.enabled", Conv::Bool).each(ALL).quiet(),
    changed("{c}.livenessProbe.failureThreshold", "{c}.probes.liveness.failureThreshold", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    changed("{c}.livenessProbe.initialDelaySeconds", "{c}.probes.liveness.initialDelaySeconds", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    changed("{c}.livenessProbe.periodSeconds", "{c}.probes.liveness.periodSeconds", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    changed("{c}.livenessProbe.timeoutSeconds", "{c}.probes.liveness.timeoutSeconds", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    dropped("{c}.livenessProbe.successThreshold", SUCCESS_THRESHOLD).each(ALL),
    dropped("{c}.livenessProbe.*", PROBE_CHECK).each(ALL),
    carried("{c}.readinessProbe.enabled", "{c}.probes.readiness.enabled", Conv::Bool).each(ALL).quiet(),
    changed("{c}.readinessProbe.failureThreshold", "{c}.probes.readiness.failureThreshold", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    changed("{c}.readinessProbe.initialDelaySeconds", "{c}.probes.readiness.initialDelaySeconds", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    changed("{c}.readinessProbe.periodSeconds", "{c}.probes.readiness.periodSeconds", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    changed("{c}.readinessProbe.timeoutSeconds", "{c}.probes.readiness.timeoutSeconds", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    dropped("{c}.readinessProbe.successThreshold", READINESS_SUCCESS).each(ALL),
    dropped("{c}.readinessProbe.*", PROBE_CHECK).each(ALL),
    carried("{c}.startupProbe.enabled", "{c}.probes.startup.enabled", Conv::Bool).each(ALL).quiet(),
    changed("{c}.startupProbe.failureThreshold", "{c}.probes.startup.failureThreshold", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    changed("{c}.startupProbe.initialDelaySeconds", "{c}.probes.startup.initialDelaySeconds", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    changed("{c}.startupProbe.periodSeconds", "{c}.probes.startup.periodSeconds", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    changed("{c}.startupProbe.timeoutSeconds", "{c}.probes.startup.timeoutSeconds", Conv::Int, PROBE_TIMING).each(ALL).quiet(),
    dropped("{c}.startupProbe.successThreshold", SUCCESS_THRESHOLD).each(ALL),
    dropped("{c}.startupProbe.*", PROBE_CHECK).each(ALL),
];
