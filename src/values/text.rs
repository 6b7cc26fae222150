//! String types of the values model that carry a format: DNS names, CIDRs, Kubernetes
//! quantities and object names. Each one's pattern serves three purposes at once: the JSON
//! Schema (`pattern`), the in-process check, and the wording of the error a user sees.

use std::borrow::Cow;
use std::fmt;
use std::ops::Deref;

use schemars::{JsonSchema, Schema, SchemaGenerator, json_schema};
use serde::{Deserialize, Serialize};

/// A string format: the regular expression (valid in Go's RE2, ECMA-262 and Rust's regex
/// alike, so Helm, editors and this tool agree) and what it means in words.
pub struct Format {
    pub name: &'static str,
    pub pattern: &'static str,
    pub max_length: Option<u32>,
    /// Completes "must be ...".
    pub meaning: &'static str,
}

macro_rules! formats {
    ($($const_name:ident = { name: $name:literal, pattern: $pattern:expr, max: $max:expr, meaning: $meaning:literal };)*) => {
        $(pub const $const_name: Format = Format { name: $name, pattern: $pattern, max_length: $max, meaning: $meaning };)*
        /// Every format, for looking up the meaning of a pattern in a schema error.
        pub const ALL_FORMATS: &[&Format] = &[$(&$const_name),*];
    };
}

formats! {
    FQDN = {
        name: "DnsName",
        pattern: const_format_dns(),
        max: Some(253),
        meaning: "a lower-case DNS name with at least two labels, like example.com or mail.example.com"
    };
    OPTIONAL_FQDN = {
        name: "OptionalDnsName",
        pattern: const_format_optional_dns(),
        max: Some(253),
        meaning: "empty or a lower-case DNS name with at least two labels, like example.com or mail.example.com"
    };
    DOMAIN_SUFFIX = {
        name: "DomainSuffix",
        pattern: const_format_subdomain(),
        max: Some(253),
        meaning: "a lower-case DNS name, like cluster.local"
    };
    OBJECT_NAME = {
        name: "ObjectName",
        pattern: "^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$",
        max: Some(253),
        meaning: "a Kubernetes object name (lower-case letters, digits, '-' and '.')"
    };
    OPTIONAL_OBJECT_NAME = {
        name: "OptionalObjectName",
        pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$",
        max: Some(253),
        meaning: "empty or a Kubernetes object name (lower-case letters, digits, '-' and '.')"
    };
    STORAGE_CLASS = {
        name: "StorageClass",
        pattern: "^(-|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*)?$",
        max: Some(253),
        meaning: "empty, `-` (no class) or a StorageClass name (lower-case letters, digits, '-' and '.')"
    };
    SECRET_DATA_KEY = {
        name: "SecretDataKey",
        pattern: "^[-._a-zA-Z0-9]+$",
        max: Some(253),
        meaning: "a key of a Secret's data (letters, digits, '-', '_' and '.')"
    };
    // The release name's pattern (`wiring::RELEASE_NAME`), or empty.
    OPTIONAL_NAME_PREFIX = {
        name: "OptionalNamePrefix",
        pattern: "^([a-z]([-a-z0-9]{0,42}[a-z0-9])?)?$",
        max: None,
        meaning: "empty or a name of lower-case letters, digits and '-', starting with a letter, at most 44 characters (object names like <name>-dovecot-submission must fit in 63)"
    };
    KIND_NAME = {
        name: "KindName",
        pattern: "^[A-Z][A-Za-z0-9]*$",
        max: Some(63),
        meaning: "a Kubernetes kind (letters and digits, the first an upper-case letter), like ClusterIssuer"
    };
    API_GROUP = {
        name: "ApiGroup",
        // A custom resource's group has at least one dot (the API server requires it).
        pattern: "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)+$",
        max: Some(253),
        meaning: "a Kubernetes API group (a lower-case DNS name of two labels or more), like cert-manager.io"
    };
    CIDR = {
        name: "Cidr",
        pattern: const_format_cidr(),
        max: None,
        meaning: "an IPv4 or IPv6 network in CIDR notation, like 10.42.0.0/16 or fd00:42::/56"
    };
    OPTIONAL_QUANTITY = {
        name: "OptionalQuantity",
        pattern: "^([+]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+|[KMGTPE]i|[numkMGTPE])?)?$",
        max: None,
        meaning: "empty or a Kubernetes quantity, like 100m, 0.5, 256Mi or 1Gi"
    };
    STORAGE_SIZE = {
        name: "StorageSize",
        pattern: "^[+]?(0*[1-9][0-9]*(\\.[0-9]*)?|0*\\.[0-9]*[1-9][0-9]*)([eE][+-]?[0-9]+|[KMGTPE]i|[kMGTPE])?$",
        max: None,
        meaning: "a storage size greater than zero, like 5Gi or 500Mi"
    };
    TIMEZONE = {
        name: "Timezone",
        pattern: "^[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+)*$",
        max: Some(64),
        meaning: "an IANA time zone name, like UTC or Europe/Berlin"
    };
    LOCAL_PART = {
        name: "LocalPart",
        pattern: "^[A-Za-z0-9][A-Za-z0-9_+-]*(\\.[A-Za-z0-9_+-]+)*$",
        max: Some(64),
        meaning: "the local part of an e-mail address (before the @), like postmaster"
    };
    REGISTRY = {
        name: "Registry",
        pattern: "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*$",
        max: Some(255),
        meaning: "an image registry and path, like ghcr.io/mailu"
    };
    REPOSITORY = {
        name: "Repository",
        pattern: "^[a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)+$",
        max: Some(255),
        meaning: "an image repository without tag, like docker.io/library/redis"
    };
    RECIPIENT_DELIMITER = {
        name: "RecipientDelimiter",
        pattern: r"^[^@\t\n\x0B\f\r ]{0,8}$",
        max: None,
        meaning: "up to 8 characters, none of them @, a space or a line break, like + or +-"
    };
    MUST_BE_EMPTY = {
        name: "MustBeEmpty",
        pattern: "^$",
        max: None,
        meaning: "empty: Mailu 2024.06 cannot authenticate to Redis"
    };
    OPTIONAL_REPOSITORY = {
        name: "OptionalRepository",
        pattern: "^([a-z0-9]+([._-][a-z0-9]+)*(:[0-9]+)?(/[a-z0-9]+([._-]{1,2}[a-z0-9]+)*)*)?$",
        max: Some(255),
        meaning: "empty or an image repository without tag, like ghcr.io/mailu/admin"
    };
    // A tag is also the value of the pods' `app.kubernetes.io/version` label: at most 63
    // characters, a letter or digit at either end.
    IMAGE_TAG = {
        name: "ImageTag",
        pattern: "^[A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?$",
        max: None,
        meaning: "an image tag of at most 63 characters (it is also a label value), like 2024.06"
    };
    OPTIONAL_IMAGE_TAG = {
        name: "OptionalImageTag",
        pattern: "^([A-Za-z0-9]([A-Za-z0-9_.-]{0,61}[A-Za-z0-9])?)?$",
        max: None,
        meaning: "empty or an image tag of at most 63 characters (it is also a label value), like 2024.06"
    };
    OPTIONAL_DIGEST = {
        name: "OptionalDigest",
        pattern: "^(sha256:[a-f0-9]{64})?$",
        max: None,
        meaning: "empty or an image digest, like sha256: followed by 64 hex digits"
    };
    OPTIONAL_HOST = {
        name: "OptionalHost",
        pattern: "^([A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?|[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*)?$",
        max: Some(253),
        meaning: "empty or a host name or IP address, like postgres.db.svc.cluster.local"
    };
    OPTIONAL_IP = {
        name: "OptionalIp",
        pattern: "^(((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])|[0-9a-fA-F]{0,4}(:[0-9a-fA-F]{0,4}){2,7})?$",
        max: Some(45),
        meaning: "empty or an IPv4 or IPv6 address, like 203.0.113.25"
    };
    LABEL_KEY = {
        name: "LabelKey",
        pattern: "^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$",
        max: Some(317),
        meaning: "a label or annotation key: an optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit, like example.com/team"
    };
    LABEL_VALUE = {
        name: "LabelValue",
        pattern: "^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$",
        max: None,
        meaning: "a label value: empty, or at most 63 letters, digits, '-', '_' or '.', beginning and ending with a letter or digit"
    };
    CONFIG_FILE_NAME = {
        name: "ConfigFileName",
        pattern: "^[-._a-zA-Z0-9]{1,253}$",
        max: None,
        meaning: "a file name of letters, digits, '-', '_' and '.' (a key of the ConfigMap that holds it)"
    };
    OPTIONAL_QUALIFIED_NAME = {
        name: "OptionalQualifiedName",
        pattern: "^(([a-z0-9]([-a-z0-9.]*[a-z0-9])?/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$",
        max: Some(316),
        meaning: "empty or a qualified name, like example.com/internal or metallb"
    };
    RATE = {
        name: "RateText",
        pattern: "^[0-9]+ ?/ ?(second|minute|hour|day)s?$",
        max: Some(32),
        meaning: "a count per second, minute, hour or day, like 5/hour"
    };
    EMAIL = {
        name: "EmailAddress",
        pattern: "^[A-Za-z0-9][A-Za-z0-9_+-]*(\\.[A-Za-z0-9_+-]+)*@([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$",
        max: Some(254),
        meaning: "an e-mail address, like admin@example.com"
    };
    OPTIONAL_LOCAL_PART = {
        name: "OptionalLocalPart",
        pattern: "^([A-Za-z0-9][A-Za-z0-9_+-]*(\\.[A-Za-z0-9_+-]+)*)?$",
        max: Some(64),
        meaning: "empty or the local part of an e-mail address, like dmarc-reports"
    };
    RELAY_HOST = {
        name: "RelayHost",
        pattern: "^(\\[?[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?\\]?(:(25|587|2525))?)?$",
        max: Some(260),
        meaning: "empty or a host in postfix's notation on port 25, 587 or 2525 (not 465: Mailu's postfix starts TLS with STARTTLS, which a relay on 465 does not answer), like [smtp.example.com]:587"
    };
    HEADER_NAME = {
        name: "HeaderName",
        pattern: "^[A-Za-z0-9][-A-Za-z0-9]*$",
        max: Some(128),
        meaning: "an HTTP header name, like X-Auth-Email"
    };
    LANGUAGE_CODE = {
        name: "LanguageCode",
        pattern: "^[a-z]{2}$",
        max: None,
        meaning: "a two-letter language code, like en"
    };
    NAME_TOKEN = {
        name: "NameToken",
        pattern: "^[A-Za-z0-9][A-Za-z0-9_-]*$",
        max: Some(63),
        meaning: "a name made of letters, digits, '-' and '_'"
    };
}

// The composite patterns are spelled out once here; `concat!` cannot take constants.
// The last label begins with a letter (as every top-level domain does), so that an IPv4
// address is not taken for a name.
const fn const_format_dns() -> &'static str {
    "^([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"
}
const fn const_format_optional_dns() -> &'static str {
    "^(([a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?\\.)+[a-z]([-a-z0-9]{0,61}[a-z0-9])?)?$"
}
const fn const_format_subdomain() -> &'static str {
    "^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$"
}
const fn const_format_cidr() -> &'static str {
    concat!(
        "^(",
        // IPv4
        "((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])",
        "/(3[0-2]|[12]?[0-9])",
        "|",
        // IPv6, every placement of the `::` shorthand
        "(",
        "([0-9a-fA-F]{1,4}:){7}[0-9a-fA-F]{1,4}",
        "|([0-9a-fA-F]{1,4}:){1,7}:",
        "|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}",
        "|([0-9a-fA-F]{1,4}:){1,5}(:[0-9a-fA-F]{1,4}){1,2}",
        "|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}",
        "|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}",
        "|([0-9a-fA-F]{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}",
        "|[0-9a-fA-F]{1,4}:(:[0-9a-fA-F]{1,4}){1,6}",
        "|:((:[0-9a-fA-F]{1,4}){1,7}|:)",
        ")",
        "/(12[0-8]|1[01][0-9]|[1-9]?[0-9])",
        ")$"
    )
}

/// The format whose pattern is `pattern`, for turning a schema error into words.
pub fn format_for_pattern(pattern: &str) -> Option<&'static Format> {
    ALL_FORMATS.iter().copied().find(|f| f.pattern == pattern)
}

impl Format {
    /// A string of this format, as a schema.
    pub(crate) fn schema(&self) -> Schema {
        let mut schema = json_schema!({
            "type": "string",
            "pattern": self.pattern,
        });
        if let Some(max) = self.max_length {
            schema.insert("maxLength".into(), max.into());
        }
        schema
    }

    /// Whether `text` has this format (pattern and length).
    pub fn matches(&self, text: &str) -> bool {
        if self.max_length.is_some_and(|max| text.chars().count() > max as usize) {
            return false;
        }
        crate::patterns::is_match(self.pattern, text).expect("format patterns are valid")
    }
}

/// Declares a string newtype of a [`Format`], but for how its schema describes it.
macro_rules! string_newtype {
    ($(#[$meta:meta])* $name:ident => $format:ident) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default)]
        #[serde(transparent)]
        pub struct $name(pub String);

        impl $name {
            pub const FORMAT: &'static Format = &$format;
            pub fn new(text: impl Into<String>) -> Self {
                $name(text.into())
            }
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl Deref for $name {
            type Target = str;
            fn deref(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl From<&str> for $name {
            fn from(text: &str) -> Self {
                $name(text.to_string())
            }
        }
    };
}

/// Declares a string newtype checked against a [`Format`].
macro_rules! formatted_string {
    ($(#[$meta:meta])* $name:ident => $format:ident) => {
        string_newtype!($(#[$meta])* $name => $format);

        impl JsonSchema for $name {
            fn inline_schema() -> bool {
                true
            }
            fn schema_name() -> Cow<'static, str> {
                Cow::Borrowed($format.name)
            }
            fn json_schema(_: &mut SchemaGenerator) -> Schema {
                $format.schema()
            }
        }
    };
}

formatted_string!(
    /// A lower-case, fully qualified DNS name.
    DnsName => FQDN
);
formatted_string!(
    /// Empty, or a lower-case, fully qualified DNS name.
    OptionalDnsName => OPTIONAL_FQDN
);
formatted_string!(
    /// A DNS suffix such as the cluster domain.
    DomainSuffix => DOMAIN_SUFFIX
);
formatted_string!(
    /// The name of a Kubernetes object (Secret, StorageClass, issuer).
    ObjectName => OBJECT_NAME
);
formatted_string!(
    /// Empty, or the name of a Kubernetes object.
    OptionalObjectName => OPTIONAL_OBJECT_NAME
);
formatted_string!(
    /// Empty (a default), `-` (no class: volumes made beforehand) or a StorageClass's name.
    StorageClass => STORAGE_CLASS
);
/// A Secret named by itself or by a map with its name, as charts' global values give them
/// (only its schema is used: the values are read as they are).
pub struct PullSecretReference;

impl JsonSchema for PullSecretReference {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed("PullSecretReference")
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let name = OBJECT_NAME.schema().to_value();
        json_schema!({
            "allOf": [
                {"if": {"type": "string"}, "then": name.clone()},
                {
                    "if": {"not": {"type": "string"}},
                    "then": {"type": "object", "properties": {"name": name}, "required": ["name"]}
                },
            ]
        })
    }
}

formatted_string!(
    /// Empty, or the first part of the release's object names.
    OptionalNamePrefix => OPTIONAL_NAME_PREFIX
);
formatted_string!(
    /// The kind of a Kubernetes object, like `ClusterIssuer`.
    KindName => KIND_NAME
);
formatted_string!(
    /// A Kubernetes API group, like `cert-manager.io`.
    ApiGroup => API_GROUP
);
formatted_string!(
    /// A key inside a Secret's data.
    SecretDataKey => SECRET_DATA_KEY
);
formatted_string!(
    /// An IPv4 or IPv6 network in CIDR notation.
    Cidr => CIDR
);
string_newtype!(
    /// Empty (not set), or a Kubernetes quantity. The values may write it as a number too
    /// (`cpu: 1`, `--set ...cpu=2`), as Kubernetes takes it; the model holds the text helm
    /// prints for the number (`quantities_as_text` in validate.rs).
    OptionalQuantity => OPTIONAL_QUANTITY
);

impl JsonSchema for OptionalQuantity {
    fn inline_schema() -> bool {
        true
    }
    fn schema_name() -> Cow<'static, str> {
        Cow::Borrowed(OPTIONAL_QUANTITY.name)
    }
    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        let text = OPTIONAL_QUANTITY.schema().to_value();
        json_schema!({
            "allOf": [
                {"if": {"type": "string"}, "then": text},
                {"if": {"not": {"type": "string"}}, "then": {"type": "number", "minimum": 0}},
            ]
        })
    }
}
formatted_string!(
    /// A storage size greater than zero.
    StorageSize => STORAGE_SIZE
);
formatted_string!(
    /// An IANA time zone name.
    Timezone => TIMEZONE
);
formatted_string!(
    /// The local part of an e-mail address.
    LocalPart => LOCAL_PART
);
formatted_string!(
    /// The characters that separate a user from an address extension.
    RecipientDelimiter => RECIPIENT_DELIMITER
);
formatted_string!(
    /// An image registry with an optional path.
    Registry => REGISTRY
);
formatted_string!(
    /// Empty, or an image repository without a tag.
    OptionalRepository => OPTIONAL_REPOSITORY
);
formatted_string!(
    /// An image repository without a tag.
    Repository => REPOSITORY
);
formatted_string!(
    /// A setting that is reserved and must stay empty.
    MustBeEmpty => MUST_BE_EMPTY
);
formatted_string!(
    /// An image tag.
    ImageTag => IMAGE_TAG
);
formatted_string!(
    /// Empty, or an image tag.
    OptionalImageTag => OPTIONAL_IMAGE_TAG
);
formatted_string!(
    /// Empty, or an image digest.
    OptionalDigest => OPTIONAL_DIGEST
);
formatted_string!(
    /// Empty, or a host name or IP address.
    OptionalHost => OPTIONAL_HOST
);
formatted_string!(
    /// A short name token (Traefik entry point names).
    NameToken => NAME_TOKEN
);
formatted_string!(
    /// A two-letter language code.
    LanguageCode => LANGUAGE_CODE
);
formatted_string!(
    /// A rate, like `5/hour`.
    RateText => RATE
);
formatted_string!(
    /// An e-mail address.
    EmailAddress => EMAIL
);
formatted_string!(
    /// Empty, or the local part of an e-mail address.
    OptionalLocalPart => OPTIONAL_LOCAL_PART
);
formatted_string!(
    /// Empty, or a relay host in postfix's notation.
    RelayHost => RELAY_HOST
);
formatted_string!(
    /// An HTTP header name.
    HeaderName => HEADER_NAME
);
formatted_string!(
    /// Empty, or an IP address.
    OptionalIp => OPTIONAL_IP
);
formatted_string!(
    /// Empty, or a Kubernetes qualified name (`prefix/name` or `name`).
    OptionalQualifiedName => OPTIONAL_QUALIFIED_NAME
);

/// The amount a Kubernetes quantity stands for (`100m` is 0.1, `1Gi` 1,073,741,824), near
/// enough to compare two; `None` when the text is not a quantity.
pub fn quantity_amount(text: &str) -> Option<f64> {
    const SUFFIXES: &[(&str, f64)] = &[
        ("Ki", 1024.0),
        ("Mi", 1_048_576.0),
        ("Gi", 1_073_741_824.0),
        ("Ti", 1_099_511_627_776.0),
        ("Pi", 1_125_899_906_842_624.0),
        ("Ei", 1_152_921_504_606_846_976.0),
        ("n", 1e-9),
        ("u", 1e-6),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("T", 1e12),
        ("P", 1e15),
        ("E", 1e18),
    ];
    let text = text.strip_prefix('+').unwrap_or(text);
    let (number, scale) = SUFFIXES
        .iter()
        .find_map(|(suffix, scale)| text.strip_suffix(suffix).map(|number| (number, *scale)))
        .unwrap_or((text, 1.0));
    let digits_only =
        number.bytes().all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'));
    if number.is_empty()
        || !digits_only
        || !number.as_bytes()[0].is_ascii_digit() && number.as_bytes()[0] != b'.'
    {
        return None;
    }
    number.parse::<f64>().ok().map(|n| n * scale)
}

/// A CIDR's first address (as a number, left-aligned in 128 bits), its family's width and its
/// prefix length; `None` when the text is no CIDR.
fn cidr_parts(cidr: &str) -> Option<(u128, u32, u32)> {
    let (address, prefix) = cidr.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    let (bits, width) = match address.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(v4) => (u128::from(u32::from(v4)) << 96, 32),
        std::net::IpAddr::V6(v6) => (u128::from(v6), 128),
    };
    (prefix <= width).then_some((bits, width, prefix))
}

/// Whether every address of the CIDR `inner` lies in the CIDR `outer` (false when either is
/// no CIDR, or they are of different families).
pub fn cidr_within(inner: &str, outer: &str) -> bool {
    let (Some((inner, width, inner_prefix)), Some((outer, outer_width, outer_prefix))) =
        (cidr_parts(inner), cidr_parts(outer))
    else {
        return false;
    };
    let mask = if outer_prefix == 0 { 0 } else { u128::MAX << (128 - outer_prefix) };
    width == outer_width && inner_prefix >= outer_prefix && inner & mask == outer & mask
}

/// Whether two CIDRs share an address: the wider one holds the other.
pub fn cidrs_overlap(a: &str, b: &str) -> bool {
    cidr_within(a, b) || cidr_within(b, a)
}

/// Why a CIDR is unusable although it matches the pattern: host bits set. `None` when fine
/// (or when the text is not a CIDR at all, which the pattern reports).
pub fn cidr_host_bits_problem(text: &str) -> Option<String> {
    let (addr, prefix) = text.split_once('/')?;
    let prefix: u32 = prefix.parse().ok()?;
    let (bits, network) = match addr.parse::<std::net::IpAddr>().ok()? {
        std::net::IpAddr::V4(a) => {
            let raw = u32::from(a);
            let mask = if prefix == 0 { 0 } else { u32::MAX << (32 - prefix.min(32)) };
            (raw & !mask != 0, std::net::IpAddr::V4((raw & mask).into()))
        }
        std::net::IpAddr::V6(a) => {
            let raw = u128::from(a);
            let mask = if prefix == 0 { 0 } else { u128::MAX << (128 - prefix.min(128)) };
            (raw & !mask != 0, std::net::IpAddr::V6((raw & mask).into()))
        }
    };
    bits.then(|| format!("has host bits set; the network is {network}/{prefix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cidrs_are_compared_by_their_addresses() {
        assert!(cidr_within("10.42.3.0/24", "10.42.0.0/16"));
        assert!(cidr_within("10.42.0.0/16", "10.42.0.0/16"));
        assert!(!cidr_within("10.0.0.0/8", "10.42.0.0/16"));
        assert!(!cidr_within("10.43.0.0/24", "10.42.0.0/16"));
        assert!(cidr_within("192.168.1.7/32", "0.0.0.0/0"));
        assert!(cidr_within("fd00:42::/64", "fd00:42::/56"));
        assert!(!cidr_within("fd00:43::/64", "fd00:42::/56"));
        // Different families never hold each other, whatever the bits.
        assert!(!cidr_within("0.0.0.0/8", "::/0"));
        assert!(!cidr_within("10.42.0.0/16", "not a cidr"));
        assert!(cidrs_overlap("10.0.0.0/8", "10.42.0.0/16"));
        assert!(cidrs_overlap("10.42.0.0/16", "10.42.7.0/24"));
        assert!(!cidrs_overlap("192.168.1.0/24", "10.42.0.0/16"));
    }

    #[test]
    fn quantities_are_read_with_their_suffixes() {
        for (text, amount) in [
            ("100m", 0.1),
            ("0.5", 0.5),
            ("2", 2.0),
            ("+1", 1.0),
            ("1Gi", 1_073_741_824.0),
            ("256Mi", 268_435_456.0),
            ("1G", 1e9),
            ("1.5k", 1500.0),
            ("1e3", 1000.0),
            (".5", 0.5),
        ] {
            assert_eq!(quantity_amount(text), Some(amount), "{text}");
        }
        for text in ["", "Gi", "abc", "1Gb", "-1"] {
            assert_eq!(quantity_amount(text), None, "{text}");
        }
        assert!(quantity_amount("1Gi") > quantity_amount("1000Mi"));
        assert!(quantity_amount("1G") < quantity_amount("1Gi"));
    }

    #[test]
    fn every_pattern_compiles_and_lengths_hold() {
        for format in ALL_FORMATS {
            regex::Regex::new(format.pattern).unwrap();
            // Error messages find the format by its pattern, so patterns must differ.
            assert_eq!(
                ALL_FORMATS.iter().filter(|f| f.pattern == format.pattern).count(),
                1,
                "{}",
                format.name
            );
        }
        assert!(!FQDN.matches(&format!("{}.com", "a".repeat(250))));
    }

    #[test]
    fn a_text_of_exactly_the_maximum_length_fits() {
        let mut checked = 0;
        for format in ALL_FORMATS {
            let Some(max) = format.max_length else { continue };
            // A name of lower-case letters fits the patterns that take one.
            let at_max = "a".repeat(max as usize);
            if crate::patterns::is_match(format.pattern, &at_max) == Some(true) {
                assert!(format.matches(&at_max), "{}: {max} characters", format.name);
                assert!(
                    !format.matches(&"a".repeat(max as usize + 1)),
                    "{}: {} characters",
                    format.name,
                    max + 1
                );
                checked += 1;
            }
        }
        assert!(checked >= 2, "only {checked} formats with a length limit were checked");
    }

    #[test]
    fn host_bits_are_found_and_the_network_named() {
        for (text, problem) in [
            ("10.42.0.0/16", None),
            ("10.42.1.7/16", Some("10.42.0.0/16")),
            ("10.42.0.128/25", None),
            ("10.42.0.129/25", Some("10.42.0.128/25")),
            ("0.0.0.0/0", None),
            ("fd00:42::/64", None),
            ("fd00:42::100/64", Some("fd00:42::/64")),
            ("fd00:42::/56", None),
            ("fd00:42:0:1::/56", Some("fd00:42::/56")),
            ("not a network", None),
        ] {
            let expected = problem.map(|network| format!("has host bits set; the network is {network}"));
            assert_eq!(cidr_host_bits_problem(text), expected, "{text}");
        }
    }

    #[test]
    fn dns_names_are_lower_case_and_qualified() {
        assert!(FQDN.matches("mail.example.com"));
        assert!(FQDN.matches("xn--bcher-kva.example"));
        for bad in ["Mail.example.com", "localhost", "example.com.", "bad_host.com", "-a.com", "a..com", ""] {
            assert!(!FQDN.matches(bad), "{bad}");
        }
        assert!(OPTIONAL_FQDN.matches(""));
    }

    #[test]
    fn cidrs() {
        for good in ["10.42.0.0/16", "0.0.0.0/0", "fd00:42::/56", "::/0", "2001:db8::/32"] {
            assert!(CIDR.matches(good), "{good}");
        }
        for bad in ["10.42.0.0", "10.0.0.0/33", "256.1.1.1/8", "fd00::/129", "10.42.0.0/16 "] {
            assert!(!CIDR.matches(bad), "{bad}");
        }
        assert_eq!(cidr_host_bits_problem("10.42.0.0/16"), None);
        assert_eq!(
            cidr_host_bits_problem("10.42.1.7/16").as_deref(),
            Some("has host bits set; the network is 10.42.0.0/16")
        );
        assert!(cidr_host_bits_problem("fd00::1/64").is_some());
        assert_eq!(cidr_host_bits_problem("fd00::/64"), None);
    }

    #[test]
    fn quantities() {
        for good in ["", "100m", "0.5", "1", "256Mi", "1Gi", "1e3", "5G", "+1", ".5"] {
            assert!(OPTIONAL_QUANTITY.matches(good), "{good}");
        }
        for bad in ["abc", "5 Gi", "-1", "1.5.3", "5gb", "Mi"] {
            assert!(!OPTIONAL_QUANTITY.matches(bad), "{bad}");
        }
        assert!(STORAGE_SIZE.matches("5Gi"));
        for bad in ["0", "0Gi", "0.0", "", "5m"] {
            assert!(!STORAGE_SIZE.matches(bad), "{bad}");
        }
    }
}
