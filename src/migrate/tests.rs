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
    assert_eq!(m.to_add.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(), ["domain", "hostnames"]);
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
    assert_eq!(values.get_dotted("redis.persistence.storageClass"), None, "no class has no equivalent");
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
