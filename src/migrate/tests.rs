//! The table's own laws, checked against the fact list and our values model.

use std::collections::HashMap;

use super::official::{DEFAULTS, EXTRA_KEYS, LEAVES};
use super::table::{Default, Fate, RULES};
use super::*;

fn expanded() -> Vec<(String, &'static table::Rule, Option<&'static str>)> {
    RULES.iter().flat_map(|rule| rule.expand().into_iter().map(move |(p, c)| (p, rule, c))).collect()
}

#[test]
fn every_official_leaf_has_exactly_one_rule() {
    let mut count: HashMap<String, usize> = HashMap::new();
    for (path, _, _) in expanded() {
        *count.entry(path).or_default() += 1;
    }
    let missing: Vec<&str> = LEAVES.iter().map(|l| l.path).filter(|p| !count.contains_key(*p)).collect();
    assert!(missing.is_empty(), "official keys without a rule: {missing:?}");
    let twice: Vec<(&String, &usize)> = count.iter().filter(|(_, n)| **n > 1).collect();
    assert!(twice.is_empty(), "keys with several rules: {twice:?}");
    assert_eq!(LEAVES.len(), 841);
}

#[test]
fn every_setting_without_a_home_says_why() {
    for rule in RULES {
        if let Fate::Dropped { why } = rule.fate {
            assert!(!why.trim().is_empty(), "{} is dropped without a reason", rule.official);
        }
    }
}

#[test]
fn every_rule_names_an_official_key() {
    let leaves: Vec<&str> = LEAVES.iter().map(|l| l.path).collect();
    let extras: Vec<String> = EXTRA_KEYS
        .iter()
        .flat_map(|(k, _)| {
            if k.contains("{c}") {
                table::ALL.iter().map(|c| k.replace("{c}", c)).collect()
            } else {
                vec![k.to_string()]
            }
        })
        .collect();
    for (path, _, _) in expanded() {
        if path.ends_with(".*") || path.ends_with(".**") {
            continue;
        }
        assert!(
            leaves.contains(&path.as_str()) || extras.contains(&path),
            "{path} is neither an official leaf nor a known extra key"
        );
    }
}

/// Whether our values model has this dotted key (inside a free-form map counts).
fn ours_has(key: &str) -> bool {
    let defaults = Value::Map(crate::values::defaults_tree());
    let mut value = &defaults;
    for part in key.split('.') {
        match value {
            Value::Map(map) if map.is_empty() => return true,
            Value::Map(map) => match map.get(part) {
                Some(v) => value = v,
                None => return false,
            },
            _ => return false,
        }
    }
    true
}

#[test]
fn every_target_is_a_key_of_ours() {
    for (path, rule, component) in expanded() {
        if let Some(target) = rule.target(component) {
            assert!(ours_has(&target), "{path} -> {target}, which our values do not have");
        }
        if let Fate::Combined { to, .. } | Fate::Secret { to, .. } = rule.fate {
            for target in to.split(", ") {
                let target = target.replace("{c}", component.unwrap_or_default()).replace("<type>", "mysql");
                assert!(ours_has(&target), "{path} -> {target}, which our values do not have");
            }
        }
    }
}

#[test]
fn defaults_marked_the_same_are_the_same() {
    let ours = Value::Map(crate::values::defaults_tree());
    for (path, rule, component) in expanded() {
        let (Some(conv), Default::Same) = (conv_of(rule), rule.default) else { continue };
        let key = path.strip_suffix("[]").unwrap_or(&path);
        let Some(official) = DEFAULTS.get(key) else { continue };
        let target = rule.target(component).unwrap();
        let converted = convert::convert(conv, official).unwrap_or_else(|e| panic!("{path}: {e}")).value;
        let our = ours.get_dotted(&target).cloned().unwrap_or(Value::Null);
        assert!(
            converted.semantic_eq(&our),
            "{path}: official default {converted:?}, ours at {target} {our:?}: mark the difference"
        );
    }
}

#[test]
fn defaults_marked_kept_or_told_differ_somewhere() {
    let ours = Value::Map(crate::values::defaults_tree());
    for rule in RULES.iter().filter(|r| matches!(r.default, Default::Kept(_) | Default::Told(_))) {
        let conv = conv_of(rule).expect("only carried rules keep or tell defaults");
        let differs = rule.expand().iter().any(|(path, component)| {
            let key = path.strip_suffix("[]").unwrap_or(path);
            let official = convert::convert(conv, &DEFAULTS[key]).unwrap().value;
            !official.semantic_eq(
                &ours.get_dotted(&rule.target(*component).unwrap()).cloned().unwrap_or(Value::Null),
            )
        });
        assert!(differs, "{}: the defaults no longer differ", rule.official);
    }
}

fn official(yaml: &str) -> Map {
    match helm_engine::load_yaml_documents(yaml).unwrap().remove(0).root {
        Some(Value::Map(map)) => map,
        _ => Map::default(),
    }
}

fn migrated(yaml: &str) -> Migration {
    migrate(&official(yaml), &Options::default())
}

#[test]
fn an_empty_file_keeps_the_official_behaviour_and_asks_for_the_domain() {
    let m = migrated("{}");
    assert_eq!(m.values.get("subnet"), Some(&Value::String("10.42.0.0/16".into())));
    // The ingress controller's labels are the official defaults' guess (ingress-nginx), which
    // nothing checked there: the official NetworkPolicies were off.
    assert_eq!(
        m.to_add.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        [
            "domain",
            "hostnames",
            "networkPolicy.ingressController.namespaceLabels",
            "networkPolicy.ingressController.podLabels"
        ]
    );
    assert!(m.check().is_ok(), "{:?}", m.check());
}

#[test]
fn unknown_keys_are_reported_with_a_suggestion() {
    let m = migrated("domain: example.com\nfront:\n  externalService:\n    nodePort: {imaps: 30995}\n");
    assert_eq!(
        m.findings.get("front.externalService.nodePort"),
        Some(&Outcome::Unknown {
            why: "not a setting of the official chart 2.7.1 (did you mean front.externalService.nodePorts?)"
                .into()
        })
    );
}

#[test]
fn values_equal_to_the_official_default_count_as_not_set() {
    let m = migrated("logLevel: WARNING\ningress:\n  pathType: ImplementationSpecific\n");
    assert!(m.findings.is_empty());
    assert_eq!(m.repeated_defaults, 2);
}

#[test]
fn the_output_is_deterministic_and_ordered_like_the_model() {
    let yaml = "timezone: Europe/Berlin\ndomain: example.com\nhostnames: [mail.example.com]\n";
    let a = migrated(yaml).values_yaml(&["x.yaml".into()]);
    assert_eq!(a, migrated(yaml).values_yaml(&["x.yaml".into()]));
    let body: Vec<&str> =
        a.lines().filter(|l| !l.starts_with('#') && !l.starts_with(' ') && !l.starts_with('-')).collect();
    assert_eq!(
        &body[..4],
        ["domain: example.com", "hostnames:", "subnet: 10.42.0.0/16", "timezone: Europe/Berlin"]
    );
}

#[test]
fn fetchmail_and_redis_keep_their_claims_settings() {
    let m = migrated(
        "fetchmail: {enabled: true, persistence: {size: 1Gi, storageClass: standard, claimNameOverride: ids}}\n\
         redis: {master: {persistence: {enabled: false, size: 2Gi, storageClass: \"-\"}}}\n",
    );
    let values = Value::Map(m.values.clone());
    assert_eq!(values.get_dotted("fetchmail.persistence.size"), Some(&Value::String("1Gi".into())));
    assert_eq!(
        values.get_dotted("fetchmail.persistence.storageClass"),
        Some(&Value::String("standard".into()))
    );
    assert!(matches!(
        m.findings.get("fetchmail.persistence.claimNameOverride"),
        Some(Outcome::NotCarried { why }) if why.contains("fetchmail.persistence.existingClaim")
    ));
    assert_eq!(values.get_dotted("redis.persistence.size"), Some(&Value::String("2Gi".into())));
    // `-`, no class, as Bitnami's charts read it: the same here.
    assert_eq!(values.get_dotted("redis.persistence.storageClass"), Some(&Value::String("-".into())));
    assert!(matches!(
        m.findings.get("redis.master.persistence.enabled"),
        Some(Outcome::NotCarried { why }) if why.contains("always keeps its data on a claim")
    ));
    assert!(m.check().is_ok(), "{:?}", m.check());
}

#[test]
fn the_official_sizes_of_the_claims_are_told_only_where_they_matter() {
    let told = |yaml: &str| migrated(yaml).defaults.join("\n");
    let built_in = told("{}");
    assert!(built_in.contains("redis.persistence.size 1Gi (official 8Gi)"), "{built_in}");
    assert!(!built_in.contains("fetchmail.persistence.size"), "fetchmail is off: {built_in}");
    let fetching = told("fetchmail: {enabled: true}\n");
    assert!(fetching.contains("fetchmail.persistence.size 100Mi (official 20Gi)"), "{fetching}");
    let external = migrated(
        "externalRedis: {enabled: true, host: redis.example.org}\nredis: {enabled: false, master: {persistence: {size: 4Gi}}}\n",
    );
    assert!(!external.defaults.join("\n").contains("redis.persistence"), "{:?}", external.defaults);
    assert_eq!(Value::Map(external.values.clone()).get_dotted("redis.persistence"), None);
    assert_eq!(
        external.findings.get("redis.master.persistence.size"),
        Some(&Outcome::NotCarried { why: "Redis is external".into() })
    );
}

#[test]
fn fingerprints_ignore_key_order_and_tell_values_apart() {
    use sha2::{Digest, Sha256};
    let read = |json: &str| Value::from_json(&serde_json::from_str(json).unwrap(), false);
    let expected: String = Sha256::digest(br#"{"a":[1,"x"],"b":{"c":true,"d":null}}"#)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(official::fingerprint(&read(r#"{"b":{"d":null,"c":true},"a":[1,"x"]}"#)), expected);
    assert_ne!(official::fingerprint(&read(r#"{"b":{"d":null,"c":false},"a":[1,"x"]}"#)), expected);
    // The scripts the list knows by fingerprint only: any other value is set by the user.
    assert!(!official::is_default("mariadb.initdbScripts", &read(r#"{"x.sh":"echo"}"#)));
}

const BASE: &str = "domain: example.com\nhostnames: [mail.example.com]\n";

fn outcome_of<'a>(m: &'a Migration, key: &str) -> &'a Outcome {
    m.findings.get(key).unwrap_or_else(|| panic!("{key} not found: {:?}", m.findings))
}

fn value_at(m: &Migration, key: &str) -> Option<Value> {
    Value::Map(m.values.clone()).get_dotted(key).cloned()
}

fn needs(m: &Migration, key: &str) -> Option<String> {
    m.to_add.iter().find(|(k, _)| k == key).map(|(_, what)| what.clone())
}

#[test]
fn old_claims_named_like_ours_must_be_chosen_before_installing() {
    let m = migrated(&format!(
        "{BASE}persistence:\n  single_pvc: false\nwebmail:\n  persistence:\n    claimNameOverride: old-webmail\n"
    ));
    for component in ["admin", "postfix", "dovecot", "rspamd"] {
        let what = needs(&m, &format!("{component}.persistence.existingClaim"))
            .unwrap_or_else(|| panic!("{component}: {:?}", m.to_add));
        assert!(what.contains(&format!("mailu-{component}")), "{what}");
    }
    assert!(needs(&m, "admin.persistence.existingClaim").unwrap().contains("`admin/`"));
    // Another name there, or another release name here: no clash.
    assert_eq!(needs(&m, "webmail.persistence.existingClaim"), None);
    let other = migrate(
        &official(&format!("{BASE}persistence:\n  single_pvc: false\n")),
        &Options { release_name: "mail".into(), namespace: "mail".into() },
    );
    assert_eq!(needs(&other, "admin.persistence.existingClaim"), None, "{:?}", other.to_add);
    // One shared claim: its name is not one of ours.
    assert_eq!(needs(&migrated(BASE), "admin.persistence.existingClaim"), None);
    // fullnameOverride names the claims there and, carried, here: they clash whatever the
    // release is called.
    let over = migrate(
        &official(&format!("{BASE}fullnameOverride: mymail\npersistence:\n  single_pvc: false\n")),
        &Options { release_name: "mail".into(), namespace: "mail".into() },
    );
    for component in ["admin", "postfix", "dovecot", "rspamd"] {
        let what = needs(&over, &format!("{component}.persistence.existingClaim"))
            .unwrap_or_else(|| panic!("{component}: {:?}", over.to_add));
        assert!(what.contains(&format!("mymail-{component}")), "{what}");
    }
}

#[test]
fn an_initial_account_without_user_name_or_domain_stays_off() {
    let m = migrated(&format!("{BASE}initialAccount:\n  enabled: true\n  username: admin\n"));
    assert_eq!(value_at(&m, "initialAccount"), None);
    assert!(m.secrets.iter().all(|s| s.name != "mailu-admin-password"), "{:?}", m.secrets);
    match outcome_of(&m, "initialAccount.enabled") {
        Outcome::Changed { how, .. } => assert!(how.contains("`initialAccount.domain`"), "{how}"),
        other => panic!("{other:?}"),
    }
    assert!(m.notes.iter().any(|n| n.starts_with("initialAccount.enabled: false")), "{:?}", m.notes);
    let m = migrated(&format!(
        "{BASE}initialAccount:\n  enabled: true\n  username: admin\n  domain: example.com\n"
    ));
    assert_eq!(value_at(&m, "initialAccount.enabled"), Some(Value::Bool(true)));
}

#[test]
fn the_global_postgresql_password_and_secret_are_read_first() {
    let yaml = format!(
        "{BASE}postgresql:\n  enabled: true\n  auth:\n    password: own\nglobal:\n  postgresql:\n    auth:\n      username: mu\n      password: global-pw\n"
    );
    let m = migrated(&yaml);
    assert!(matches!(outcome_of(&m, "global.postgresql.auth.password"), Outcome::Changed { .. }));
    let plan = m.secrets.iter().find(|s| s.name == "mailu-database").unwrap();
    assert_eq!(
        plan.entries[1],
        (
            "password".to_string(),
            Source::Kept {
                secret: "mailu-postgresql".into(),
                key: "password".into(),
                given: "global-pw".into()
            }
        )
    );
    let m = migrated(&format!("{yaml}      existingSecret: pg-auth\n"));
    assert!(matches!(outcome_of(&m, "global.postgresql.auth.existingSecret"), Outcome::Changed { .. }));
    let plan = m.secrets.iter().find(|s| s.name == "mailu-database").unwrap();
    assert_eq!(
        plan.entries[1],
        ("password".to_string(), Source::Copy { secret: "pg-auth".into(), key: "password".into() })
    );
}

#[test]
fn the_database_name_in_an_existing_secret_is_told() {
    let m = migrated(&format!(
        "{BASE}externalDatabase:\n  enabled: true\n  type: mysql\n  host: db\n  existingSecret: db-auth\n"
    ));
    assert!(
        m.notes.iter().any(|n| n.starts_with("database.mysql.name:") && n.contains("db-auth under database")),
        "{:?}",
        m.notes
    );
}

#[test]
fn mailus_plugin_alone_stays_alone() {
    let m = migrated(&format!("{BASE}webmail:\n  roundcubePlugins: [mailu]\n"));
    assert_eq!(
        value_at(&m, "webmail.roundcubePlugins"),
        Some(Value::List(vec![Value::String("mailu".into())]))
    );
    assert!(m.check().is_ok(), "{:?}", m.check());
}

#[test]
fn tika_languages_without_tika_are_not_carried() {
    let m = migrated(&format!("{BASE}tika:\n  enabled: false\n  languages: [de, fr]\n"));
    assert_eq!(value_at(&m, "dovecot.fullTextSearch.languages"), None);
    assert!(matches!(outcome_of(&m, "tika.languages"), Outcome::NotCarried { .. }));
    let m = migrated(&format!("{BASE}tika:\n  languages: [de, fr]\n"));
    assert!(value_at(&m, "dovecot.fullTextSearch.languages").is_some());
}

#[test]
fn empty_values_the_official_chart_left_out_are_not_carried() {
    let m = migrated(&format!(
        "{BASE}limits:\n  authRatelimit:\n    exemptionLength: 0\n    ip: \"\"\ncustomization:\n  siteName: \"\"\n  website: \"\"\nsessionTimeout: 0\npostmaster: \"\"\nfetchmail:\n  enabled: true\n  delay: 0\nrecipientDelimiter: \"\"\n"
    ));
    for key in [
        "limits.authRatelimit.exemptionLength",
        "limits.authRatelimit.ip",
        "customization.siteName",
        "customization.website",
        "sessionTimeout",
        "postmaster",
        "fetchmail.delay",
    ] {
        match outcome_of(&m, key) {
            Outcome::NotCarried { why } => assert!(why.starts_with("empty:"), "{key}: {why}"),
            other => panic!("{key}: {other:?}"),
        }
    }
    for key in [
        "limits.authentication.exemptionSeconds",
        "limits.authentication.perNetwork",
        "customization",
        "sessions",
        "postmaster",
        "fetchmail.delaySeconds",
    ] {
        assert_eq!(value_at(&m, key), None, "{key}");
    }
    assert!(m.to_add.iter().all(|(k, _)| !k.starts_with("limits")), "{:?}", m.to_add);
    // Mailu's default delimiter is empty, and ours is not: it is carried.
    assert_eq!(value_at(&m, "recipientDelimiter"), Some(Value::String(String::new())));
    // Where this chart's default is not Mailu's, the report says which applies.
    let m = migrated(&format!("{BASE}logLevel: \"\"\nwelcomeMessage:\n  enabled: true\n  subject: \"\"\n"));
    for (key, says) in [("logLevel", "(WARNING) applies"), ("welcomeMessage.subject", "own text applies")] {
        match outcome_of(&m, key) {
            Outcome::NotCarried { why } => assert!(why.contains(says), "{key}: {why}"),
            other => panic!("{key}: {other:?}"),
        }
    }
}

#[test]
fn a_cluster_ip_service_behind_a_proxy_points_to_traefik() {
    let m = migrated(&format!(
        "{BASE}front:\n  hostPort:\n    enabled: false\n  externalService:\n    enabled: true\n    type: ClusterIP\ningress:\n  proxyProtocol:\n    smtp: true\n    imaps: true\n"
    ));
    assert!(needs(&m, "expose.mail").is_some_and(|w| w.contains("`expose.mail: traefik`")), "{:?}", m.to_add);
    assert!(
        m.notes.iter().any(|n| n.starts_with("PROXY protocol:") && n.contains("25, 993")),
        "{:?}",
        m.notes
    );
    match outcome_of(&m, "front.externalService.enabled") {
        Outcome::Changed { how, .. } => assert!(how.contains("PROXY protocol on"), "{how}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_cluster_ip_service_with_external_ips_asks_for_a_way_in() {
    let m = migrated(&format!(
        "{BASE}front:\n  hostPort:\n    enabled: false\n  externalService:\n    enabled: true\n    type: ClusterIP\n    externalIPs: [203.0.113.5]\n"
    ));
    assert_eq!(value_at(&m, "expose.mail"), Some(Value::String("none".into())));
    assert!(needs(&m, "expose.mail").is_some_and(|w| w.contains("`externalIPs`")), "{:?}", m.to_add);
}

#[test]
fn a_replicated_mariadb_runs_under_its_own_name() {
    let m = migrated(&format!(
        "{BASE}mariadb:\n  enabled: true\n  architecture: replication\n  primary:\n    persistence:\n      enabled: true\n"
    ));
    assert_eq!(value_at(&m, "database.mysql.host"), Some(Value::String("mailu-mariadb-primary".into())));
    assert!(
        m.notes.iter().any(|n| n
            .contains("under the name mailu-mariadb, with `auth.existingSecret: mailu-mariadb-auth`")
            && n.contains("Service is mailu-mariadb-primary")),
        "{:?}",
        m.notes
    );
    // The passwords the data holds outlive the old release's Secret.
    let auth = m
        .secrets
        .iter()
        .find(|p| p.name == "mailu-mariadb-auth")
        .expect("a copy of the sub-chart's passwords");
    let keys: Vec<&str> = auth.entries.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["mariadb-root-password", "mariadb-password", "mariadb-replication-password"]);
    assert!(
        auth.entries
            .iter()
            .all(|(k, source)| *source == Source::Copy { secret: "mailu-mariadb".into(), key: k.clone() })
    );
    // A Secret of the operator's own stays where it is.
    let m = migrated(&format!("{BASE}mariadb:\n  enabled: true\n  auth:\n    existingSecret: mine\n"));
    assert!(m.secrets.iter().all(|p| p.name != "mailu-mariadb-auth"), "{:?}", m.secrets);
}

#[test]
fn cert_manager_keeps_the_secret_of_the_official_ingress() {
    let m = migrated(&format!("{BASE}ingress:\n  annotations:\n    cert-manager.io/cluster-issuer: le\n"));
    assert_eq!(value_at(&m, "tls.secretName"), Some(Value::String("mailu-certificates".into())));
    let m = migrated(&format!("{BASE}ingress:\n  annotations:\n    kubernetes.io/tls-acme: \"true\"\n"));
    assert_eq!(value_at(&m, "tls.source"), Some(Value::String("certManager".into())));
    assert_eq!(value_at(&m, "tls.secretName"), Some(Value::String("mailu-certificates".into())));
    assert!(needs(&m, "tls.certManager.issuer").is_some(), "{:?}", m.to_add);
    assert_eq!(value_at(&m, "expose.ingress.annotations"), None);
    assert!(m.check().is_ok(), "{:?}", m.check());
}

#[test]
fn removed_maps_are_reported_as_removed() {
    let m = migrated(&format!("{BASE}certmanager:\n  enabled: true\nmail:\n  authRatelimit: 10/hour\n"));
    for key in ["certmanager.enabled", "mail.authRatelimit"] {
        match outcome_of(&m, key) {
            Outcome::NotCarried { why } => {
                assert!(why.starts_with("removed from the official chart"), "{why}")
            }
            other => panic!("{key}: {other:?}"),
        }
    }
}

#[test]
fn images_outside_the_registry_and_one_pull_policy_are_told() {
    let m = migrated(&format!(
        "{BASE}imageRegistry: registry.local:5000\nadmin:\n  image:\n    pullPolicy: Always\n"
    ));
    assert!(
        m.notes.iter().any(|n| n.starts_with("images.registry:") && n.contains("redis.image.repository"))
    );
    match outcome_of(&m, "admin.image.pullPolicy") {
        Outcome::Changed { how, .. } => assert!(how.contains("Always applies to all of them"), "{how}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn lets_encrypt_tells_what_became_of_front_kind_and_replicas() {
    let m = migrated(&format!(
        "{BASE}ingress:\n  enabled: false\n  tlsFlavorOverride: letsencrypt\nfront:\n  kind: DaemonSet\n  replicaCount: 3\n"
    ));
    assert_eq!(value_at(&m, "expose.hostPort.kind"), Some(Value::String("Deployment".into())));
    match outcome_of(&m, "front.kind") {
        Outcome::Changed { how, .. } => assert!(how.contains("Deployment"), "{how}"),
        other => panic!("{other:?}"),
    }
    match outcome_of(&m, "front.replicaCount") {
        Outcome::Changed { how, .. } => assert!(how.starts_with("1:"), "{how}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn real_ip_networks_beyond_the_pod_network_become_trusted_proxies_if_private() {
    // The official subnet default is 10.42.0.0/16; the Ingress is on by default.
    let m = migrated(&format!(
        "{BASE}ingress:\n  realIpFrom: \"10.42.0.0/16, 10.42.3.0/24,192.168.1.7, fd00:1::/64,203.0.113.0/24,10.1.0.1/8\"\n"
    ));
    assert_eq!(
        value_at(&m, "expose.trustedProxies"),
        Some(Value::List(vec![Value::String("192.168.1.7/32".into()), Value::String("fd00:1::/64".into())]))
    );
    match outcome_of(&m, "ingress.realIpFrom") {
        Outcome::Changed { to, how } => {
            assert_eq!(to, "expose.trustedProxies");
            assert!(
                how.contains(
                    "can claim any address: 203.0.113.0/24 (not a private network; see \
                     `trust.allowPublicTrustedProxies`), 10.1.0.1/8 (not a network with its host bits zero)"
                ),
                "{how}"
            );
        }
        other => panic!("{other:?}"),
    }
    // The pod network was named too: the proxy's pods may be there, and need their labels.
    assert!(needs(&m, "networkPolicy.ingressController.podLabels").is_some(), "{:?}", m.to_add);

    // Known by networks outside the pod network alone, the proxy needs no labels.
    let m = migrated(&format!("{BASE}ingress:\n  realIpFrom: 192.168.1.0/24\n"));
    assert_eq!(
        value_at(&m, "expose.trustedProxies"),
        Some(Value::List(vec![Value::String("192.168.1.0/24".into())]))
    );
    assert_eq!(needs(&m, "networkPolicy.ingressController.podLabels"), None, "{:?}", m.to_add);
    assert_eq!(value_at(&m, "networkPolicy.ingressController"), None);

    // Inside the pod network only: nothing to add.
    let m = migrated(&format!("{BASE}ingress:\n  realIpFrom: 10.42.0.0/16\n"));
    assert_eq!(value_at(&m, "expose.trustedProxies"), None);
    assert!(matches!(outcome_of(&m, "ingress.realIpFrom"), Outcome::Changed { .. }));

    // Without a proxy in front, there is nobody to believe.
    let m = migrated(&format!("{BASE}ingress:\n  enabled: false\n  realIpFrom: 192.168.1.0/24\n"));
    assert_eq!(value_at(&m, "expose.trustedProxies"), None);
    match outcome_of(&m, "ingress.realIpFrom") {
        Outcome::NotCarried { why } => assert!(why.starts_with("front faces the world itself"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_database_sub_chart_without_a_volume_must_be_dumped_before_anything_stops_it() {
    // The official values leave the sub-chart's volume off: the data is in the pod alone.
    for (chart, server) in [("mariadb", "database.mysql"), ("postgresql", "database.postgresql")] {
        let m = migrated(&format!("{BASE}{chart}:\n  enabled: true\n"));
        let what = needs(&m, &format!("{server}.host")).unwrap_or_else(|| panic!("{chart}: {:?}", m.to_add));
        assert!(what.contains(&format!("`{chart}.primary.persistence.enabled` is off")), "{what}");
        assert!(what.contains(&format!("mailu-{chart}-0")), "{what}");
        assert!(m.notes.iter().all(|n| !n.contains("it keeps its volume")), "{:?}", m.notes);
        let replicated = migrated(&format!("{BASE}{chart}:\n  enabled: true\n  architecture: replication\n"));
        let what = needs(&replicated, &format!("{server}.host")).unwrap();
        assert!(what.contains(&format!("mailu-{chart}-primary-0")), "{what}");
        // With a volume, the database moves as a release of its own.
        let kept = migrated(&format!(
            "{BASE}{chart}:\n  enabled: true\n  primary:\n    persistence:\n      enabled: true\n"
        ));
        assert_eq!(needs(&kept, &format!("{server}.host")), None, "{:?}", kept.to_add);
        assert!(kept.notes.iter().any(|n| n.contains("it keeps its volume")), "{:?}", kept.notes);
    }
}

/// The command that marks the old release's claims to be kept, from the notes.
fn keep_command(m: &Migration) -> Option<&String> {
    m.notes.iter().find(|n| n.starts_with("the old claims:"))
}

#[test]
fn the_old_releases_claims_are_kept_as_the_official_chart_made_them() {
    // templates/dovecot/pvc.yaml there asks postfix's existingClaim, not dovecot's: dovecot's
    // claim, named after dovecot's existingClaim, is the release's and must be kept.
    let m = migrated(&format!(
        "{BASE}persistence:\n  single_pvc: false\ndovecot:\n  persistence:\n    existingClaim: old-mail\n"
    ));
    let command = keep_command(&m).expect("the keep command");
    assert!(command.contains("'dovecot.persistence.annotations.helm"), "{command}");
    let m = migrated(&format!(
        "{BASE}persistence:\n  single_pvc: false\npostfix:\n  persistence:\n    existingClaim: old-queue\n"
    ));
    let command = keep_command(&m).expect("the keep command");
    assert!(
        !command.contains("'dovecot.persistence") && !command.contains("'postfix.persistence"),
        "{command}"
    );
    // One claim named by claimNameOverride: the pods used that one, which the release did not
    // make; the one it made is empty.
    let m = migrated(&format!("{BASE}persistence:\n  claimNameOverride: my-mail-store\n"));
    assert_eq!(keep_command(&m), None, "{:?}", m.notes);
    let data = m.notes.iter().find(|n| n.starts_with("the data:")).unwrap();
    assert!(data.contains("(my-mail-store) (not mailu-storage"), "{data}");
    let m = migrated(BASE);
    assert!(m.notes.iter().find(|n| n.starts_with("the data:")).unwrap().contains("(mailu-storage);"));
    assert!(keep_command(&m).unwrap().contains("'persistence.annotations.helm"));
}

#[test]
fn official_values_that_are_not_valid_here_are_asked_for_not_fatal() {
    // Values several official keys make, and required ones of the wrong type: left out and
    // listed under "add or correct", the migration itself still valid.
    for (extra, key) in [
        ("front:\n  image:\n    pullPolicy: always\n", "images.pullPolicy"),
        ("fullnameOverride: Bad_Name\n", "tls.secretName"),
        ("subnet:\n  x: 1\n", "subnet"),
    ] {
        let m = migrated(&format!("{BASE}{extra}"));
        assert!(m.check().is_ok(), "{extra}: {:?}", m.check());
        let what = needs(&m, key).unwrap_or_else(|| panic!("{extra}: {:?}", m.to_add));
        assert!(what.starts_with("what the official values made of it is not valid here: "), "{what}");
    }
}

#[test]
fn ingress_annotations_that_are_no_map_are_not_carried() {
    let m = migrated(&format!("{BASE}ingress:\n  annotations: x\n"));
    match outcome_of(&m, "ingress.annotations") {
        Outcome::NotCarried { why } => assert!(why.contains("must be a map"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(value_at(&m, "expose.ingress.annotations"), None);
}

#[test]
fn the_global_storage_class_wins_for_the_redis_claim_as_bitnami_read_it() {
    let m = migrated("global: {storageClass: fast}\nredis: {master: {persistence: {storageClass: \"-\"}}}\n");
    let values = Value::Map(m.values.clone());
    assert_eq!(values.get_dotted("redis.persistence.storageClass"), Some(&Value::String("fast".into())));
    assert!(matches!(
        m.findings.get("redis.master.persistence.storageClass"),
        Some(Outcome::NotCarried { why }) if why.contains("`global.storageClass` took precedence")
    ));
    // The global default comes last: after the Redis's own class.
    let m = migrated(
        "global: {defaultStorageClass: slow}\nredis: {master: {persistence: {storageClass: standard}}}\n",
    );
    let values = Value::Map(m.values.clone());
    assert_eq!(values.get_dotted("redis.persistence.storageClass"), Some(&Value::String("standard".into())));
    let m = migrated("global: {defaultStorageClass: slow}\n");
    let values = Value::Map(m.values.clone());
    assert_eq!(values.get_dotted("redis.persistence.storageClass"), Some(&Value::String("slow".into())));
    // An external Redis has no claim here.
    let m = migrated(
        "global: {storageClass: fast}\nexternalRedis: {enabled: true, host: redis.example.org, port: 6379}\n",
    );
    assert_eq!(Value::Map(m.values.clone()).get_dotted("redis.persistence"), None);
}

#[test]
fn a_cluster_ip_service_for_an_in_cluster_proxy_asks_for_a_way_in() {
    let m = migrated(&format!(
        "{BASE}front:\n  hostPort:\n    enabled: false\n  externalService:\n    enabled: true\n    type: ClusterIP\n"
    ));
    assert_eq!(value_at(&m, "expose.mail"), Some(Value::String("none".into())));
    let what = needs(&m, "expose.mail").unwrap_or_else(|| panic!("{:?}", m.to_add));
    assert!(what.contains("mail from outside stops") && what.contains("`expose.mail: traefik`"), "{what}");
}

#[test]
fn node_ports_becoming_host_ports_ask_to_repoint_the_forwarding() {
    let m = migrated(&format!(
        "{BASE}front:\n  hostPort:\n    enabled: false\n  externalService:\n    enabled: true\n    type: NodePort\n    nodePorts:\n      imaps: 30993\n"
    ));
    assert_eq!(value_at(&m, "expose.mail"), Some(Value::String("hostPort".into())));
    assert!(needs(&m, "expose.mail").is_some_and(|w| w.contains("`front.nodeSelector`")), "{:?}", m.to_add);
}

#[test]
fn admin_with_a_dns_server_of_its_own_asks_for_the_resolver() {
    let m =
        migrated(&format!("{BASE}admin:\n  dnsPolicy: None\n  dnsConfig:\n    nameservers: [10.43.0.53]\n"));
    assert!(
        needs(&m, "resolver.enabled").is_some_and(|w| w.contains("resolver.clusterDnsAddress")),
        "{:?}",
        m.to_add
    );
    assert_eq!(needs(&migrated(BASE), "resolver.enabled"), None);
}

#[test]
fn lets_encrypt_without_an_ingress_says_the_web_ports_are_published() {
    let m = migrated(&format!("{BASE}ingress:\n  enabled: false\n  tlsFlavorOverride: letsencrypt\n"));
    assert_eq!(value_at(&m, "expose.web"), Some(Value::String("front".into())));
    assert!(
        needs(&m, "expose.web").is_some_and(|w| w.contains("ports 80 and 443 are published")),
        "{:?}",
        m.to_add
    );
}

#[test]
fn defer_on_tls_error_off_is_carried_only_where_it_was_written() {
    // `false` was never written: Mailu deferred, as this chart does by default.
    let m = migrated(&format!("{BASE}tls:\n  deferOnError: false\n"));
    assert_eq!(value_at(&m, "tls.deferOnError"), None);
    assert!(
        matches!(outcome_of(&m, "tls.deferOnError"), Outcome::NotCarried { why } if why.contains("kept deferring"))
    );
    // A text was written, which admin read as false and postfix as true: carried as meant, told.
    for given in ["\"false\"", "\"no\"", "\"False\""] {
        let m = migrated(&format!("{BASE}tls:\n  deferOnError: {given}\n"));
        assert_eq!(value_at(&m, "tls.deferOnError"), Some(Value::Bool(false)), "{given}");
        match outcome_of(&m, "tls.deferOnError") {
            Outcome::Changed { how, .. } => assert!(how.contains("postfix as true"), "{given}: {how}"),
            other => panic!("{given}: {other:?}"),
        }
    }
    // On, it is this chart's default.
    let m = migrated(&format!("{BASE}tls:\n  deferOnError: true\n"));
    assert!(matches!(outcome_of(&m, "tls.deferOnError"), Outcome::Carried { .. }));
}

#[test]
fn a_text_the_official_templates_read_as_true_is_remarked_on() {
    let bool_of = |value: Value| convert::convert(table::Conv::Bool, &value).unwrap();
    // The empty text was false there, `true` in any case true: nothing to say.
    for (given, meant) in [("", false), ("true", true), ("TRUE", true)] {
        let converted = bool_of(Value::String(given.into()));
        assert_eq!((converted.value, converted.remarks.len()), (Value::Bool(meant), 0), "{given:?}");
    }
    assert_eq!(bool_of(Value::Bool(false)).remarks.len(), 0);
    // Any other text was true, whatever it says.
    for given in ["false", "no", "0"] {
        let converted = bool_of(Value::String(given.into()));
        assert_eq!(converted.value, Value::Bool(true), "{given:?}");
        assert!(converted.remarks[0].contains("take as true"), "{given:?}: {:?}", converted.remarks);
    }
}

#[test]
fn whole_numbers_become_integers_only_while_floats_hold_them_exactly() {
    assert_eq!(convert::normalize(&Value::Float(8_999_999_999_999_998.0)), Value::Int(8_999_999_999_999_998));
    assert_eq!(convert::normalize(&Value::Float(9.0e15)), Value::Float(9.0e15));
    assert_eq!(convert::normalize(&Value::Float(2.5)), Value::Float(2.5));
}

#[test]
fn mailus_booleans_are_its_words_in_any_case() {
    let boolean = |given: &str| convert::convert(table::Conv::MailuBool, &Value::String(given.into()));
    for (given, meant) in [("Yes", true), ("TRUE", true), ("no", false), ("False", false), ("", false)] {
        assert_eq!(boolean(given).map(|c| c.value), Ok(Value::Bool(meant)), "{given:?}");
    }
    for given in ["1", "on", "maybe"] {
        assert!(boolean(given).is_err_and(|e| e.contains("must be true or false")), "{given:?}");
    }
}

#[test]
fn other_values_are_true_as_go_templates_test_them() {
    let truth = |value: Value| convert::convert(table::Conv::Bool, &value).unwrap().value;
    let one_entry = Map::from_iter([("a".to_string(), Value::Int(1))]);
    for (given, meant) in [
        (Value::Int(0), false),
        (Value::Int(2), true),
        (Value::Float(0.0), false),
        (Value::Float(0.5), true),
        (Value::List(Vec::new()), false),
        (Value::List(vec![Value::Null]), true),
        (Value::Map(Map::default()), false),
        (Value::Map(one_entry), true),
        (Value::Null, false),
    ] {
        assert_eq!(truth(given.clone()), Value::Bool(meant), "{given:?}");
    }
}

const VALIDATE_VALUES: &str = "templates/NOTES.txt (mailu.validateValues, templates/_helpers.tpl)";

/// What `refused` says of values: (keys, template) per refusal.
fn refusals_of(yaml: &str) -> Vec<(String, String)> {
    migrated(yaml).refused.iter().map(|r| (r.keys.join(" "), r.template.clone())).collect()
}

#[test]
fn values_the_official_chart_refuses_are_reported() {
    // Each case was rendered with the official chart 2.7.1 and helm 4, which stopped with the
    // message recorded in `refusals.rs`.
    let proxy = "front:\n  externalService:\n    enabled: true\ningress:\n  proxyProtocol:\n    smtp: true\n";
    let cases: &[(&str, &[(&str, &str)])] = &[
        ("hostnames: [mail.example.com]\n", &[("domain", VALIDATE_VALUES)]),
        (
            "database:\n  type: sqlite\nmail:\n  x: 1\nfront:\n  controller:\n    kind: DaemonSet\ningress:\n  externalIngress: true\n",
            &[("database mail front.controller.kind ingress.externalIngress", VALIDATE_VALUES)],
        ),
        ("tika:\n  languages: []\n", &[("tika.enabled tika.languages", VALIDATE_VALUES)]),
        ("front:\n  controller: DaemonSet\n", &[("front.controller", VALIDATE_VALUES)]),
        (
            "externalRedis:\n  enabled: true\n  port: 0\n",
            &[
                ("externalRedis.enabled externalRedis.host", "templates/_services.tpl"),
                ("externalRedis.enabled externalRedis.port", "templates/_services.tpl"),
            ],
        ),
        (
            "externalDatabase:\n  enabled: true\n  type: sqlite\n",
            &[("externalDatabase.enabled externalDatabase.type", "templates/_database.tpl")],
        ),
        (
            "externalDatabase:\n  enabled: true\n  type: 5\nmariadb:\n  enabled: true\n",
            &[("externalDatabase.enabled externalDatabase.type", "templates/_database.tpl")],
        ),
        (
            proxy,
            &[
                ("ingress.proxyProtocol.smtp ingress.realIpFrom", "templates/_services.tpl"),
                ("ingress.proxyProtocol.smtp ingress.realIpHeader", "templates/_services.tpl"),
            ],
        ),
        (
            "persistence:\n  single_pvc: true\n  storageClass: \"-\"\n",
            &[("persistence.single_pvc persistence.storageClass", "templates/pvc.yaml")],
        ),
        (
            "persistence:\n  single_pvc: true\n  storageClass: \"-  \"\n",
            &[("persistence.single_pvc persistence.storageClass", "templates/pvc.yaml")],
        ),
        // ClamAV's and the Bitnami Redis's claims, the global class first.
        (
            "clamav:\n  persistence:\n    storageClass: \"- x\"\nredis:\n  master:\n    persistence:\n      storageClass: \"a: b\"\n",
            &[
                ("clamav.persistence.storageClass", "templates/clamav/statefulset.yaml"),
                ("redis.master.persistence.storageClass", "charts/redis/templates/master/application.yaml"),
            ],
        ),
        (
            "global:\n  storageClass: \"*x\"\n",
            &[
                ("global.storageClass", "templates/clamav/statefulset.yaml"),
                ("global.storageClass", "charts/redis/templates/master/application.yaml"),
            ],
        ),
        // Each component's own claim, made without the shared one (dovecot's unless postfix
        // names an existing claim, as its template reads).
        (
            "persistence:\n  single_pvc: false\nadmin:\n  persistence:\n    storageClass: \"-\"\ndovecot:\n  persistence:\n    storageClass: \"-\"\nwebdav:\n  persistence:\n    storageClass: \"-\"\n",
            &[
                ("admin.persistence.storageClass", "templates/admin/pvc.yaml"),
                ("dovecot.persistence.storageClass", "templates/dovecot/pvc.yaml"),
            ],
        ),
    ];
    for (yaml, expected) in cases {
        let yaml = if yaml.starts_with("hostnames") { yaml.to_string() } else { format!("{BASE}{yaml}") };
        let expected: Vec<(String, String)> =
            expected.iter().map(|(k, t)| (k.to_string(), t.to_string())).collect();
        assert_eq!(refusals_of(&yaml), expected, "{yaml}");
    }
}

#[test]
fn values_the_official_chart_renders_are_not_reported_refused() {
    // Checked with helm 4 against the official chart: each renders.
    let proxy_done_right = "front:\n  externalService:\n    enabled: true\ningress:\n  realIpHeader: \"\"\n  realIpFrom: 10.0.0.0/8\n  proxyProtocol:\n    smtp: true\n";
    for yaml in [
        "",
        proxy_done_right,
        // The PROXY protocol counts only on a port the Service publishes.
        "front:\n  externalService:\n    enabled: true\n    ports:\n      smtp: false\ningress:\n  proxyProtocol:\n    smtp: true\n",
        // ... and only with the Service.
        "ingress:\n  proxyProtocol:\n    smtp: true\n",
        "tika:\n  enabled: false\n  languages: []\n",
        "externalRedis:\n  enabled: true\n  host: redis.example.com\n",
        "externalDatabase:\n  enabled: true\n  type: postgresql\n",
        "externalDatabase:\n  enabled: true\n  type: sqlite\npostgresql:\n  enabled: true\n",
        "persistence:\n  single_pvc: true\n  storageClass: \"-\"\n  existingClaim: mailu-data\n",
        "persistence:\n  single_pvc: false\n  storageClass: \"-\"\n",
        // Made neither: webdav is off, postfix's claim exists (dovecot's template reads it).
        "persistence:\n  single_pvc: false\nwebdav:\n  persistence:\n    storageClass: \"-\"\npostfix:\n  persistence:\n    existingClaim: mail\ndovecot:\n  persistence:\n    storageClass: \"-\"\n",
        "persistence:\n  single_pvc: true\nadmin:\n  persistence:\n    storageClass: \"-\"\n",
        // `-` is no class to Bitnami's helpers; ClamAV off, Redis's claim an existing one.
        "clamav:\n  persistence:\n    storageClass: \"-\"\nredis:\n  master:\n    persistence:\n      storageClass: \"-\"\n",
        "clamav:\n  enabled: false\n  persistence:\n    storageClass: \"- x\"\nredis:\n  master:\n    persistence:\n      existingClaim: r\n      storageClass: \"- x\"\n",
    ] {
        assert_eq!(refusals_of(&format!("{BASE}{yaml}")), Vec::new(), "{yaml}");
    }
}

#[test]
fn defaults_that_differ_show_both_unless_the_official_one_is_empty_or_long() {
    let ours = Value::String("ours".into());
    let official = |text: &str| Value::String(text.into());
    assert_eq!(
        told_line("k", &ours, &official(&"x".repeat(24))),
        format!("k ours (official {})", "x".repeat(24))
    );
    assert_eq!(told_line("k", &ours, &official(&"x".repeat(25))), "k");
    assert_eq!(told_line("k", &ours, &official("")), "k");
    assert_eq!(told_line("k", &ours, &Value::Int(3)), "k ours (official 3)");
}

#[test]
fn settings_written_with_with_hold_texts_or_numbers() {
    // `left_out_when_empty` tells an empty text and a zero apart, nothing else.
    for key in WRITTEN_WITH {
        let default = DEFAULTS.get(*key).unwrap_or_else(|| panic!("{key} has no official default"));
        assert!(matches!(default, Value::String(_) | Value::Int(_) | Value::Float(_)), "{key}: {default:?}");
    }
}

#[test]
fn report_values_and_the_values_file_keep_their_shape() {
    // An empty text is shown quoted, so that it is seen.
    assert_eq!(show(&Value::String(String::new())), "\"\"");
    assert_eq!(show(&Value::String("x".into())), "x");
    // The values file ends in exactly one line break, empty values included.
    for yaml in ["{}", "domain: example.com\nhostnames: [mail.example.com]\n"] {
        let text = migrated(yaml).values_yaml(&["old.yaml".into()]);
        assert!(text.ends_with('\n') && !text.ends_with("\n\n"), "{text:?}");
    }
}

#[test]
fn check_names_the_problems_the_operator_was_not_asked_to_fix() {
    let mut m = migrated(BASE);
    assert_eq!(m.check(), Ok(()));
    m.values.insert("domain".into(), Value::String("Not A Domain".into()));
    m.values.insert("hostnames".into(), Value::List(vec![Value::String("Bad Host".into())]));
    m.values.insert("clusterDomain".into(), Value::String("Bad".into()));
    let problems = m.check().expect_err("three faults");
    assert_eq!(problems.len(), 3, "{problems:?}");
    assert!(problems.iter().any(|p| p.starts_with("domain: ")), "{problems:?}");
    // Those under a key to add (the key itself, below it, an entry of it) are expected.
    m.to_add.extend([("domain".into(), String::new()), ("hostnames".into(), String::new())]);
    m.to_add.push(("cluster".into(), String::new()));
    let problems = m.check().expect_err("one fault");
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].starts_with("clusterDomain: "), "{problems:?}");
}
