//! The Secrets a migration needs: the values here only name Secrets, so every password the
//! official values held (or the official chart generated) goes into one, created with
//! `kubectl` before installing.

/// Where one key of a new Secret gets its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// The text the official values held.
    Literal(String),
    /// The value of a key of a Secret in the cluster (one the official chart or its
    /// sub-charts created), copied before the old release is removed.
    Copy { secret: String, key: String },
}

/// A Secret to create.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretPlan {
    pub name: String,
    /// A `kubernetes.io/tls` Secret (keys `tls.crt` and `tls.key`) rather than a generic one.
    pub tls: bool,
    pub entries: Vec<(String, Source)>,
    /// What it holds, for the report.
    pub purpose: String,
}

impl SecretPlan {
    pub fn generic(name: &str, purpose: &str, entries: Vec<(&str, Source)>) -> Self {
        SecretPlan {
            name: name.into(),
            tls: false,
            entries: entries.into_iter().map(|(k, s)| (k.to_string(), s)).collect(),
            purpose: purpose.into(),
        }
    }

    /// A TLS Secret copied from one in the cluster.
    pub fn tls_copy(name: &str, from: &str, purpose: &str) -> Self {
        let copy = |key: &str| Source::Copy { secret: from.into(), key: key.into() };
        SecretPlan {
            name: name.into(),
            tls: true,
            entries: vec![("tls.crt".into(), copy("tls.crt")), ("tls.key".into(), copy("tls.key"))],
            purpose: purpose.into(),
        }
    }

    /// The command that creates it, in the given namespace (lines joined with `\`).
    pub fn command(&self, namespace: &str) -> String {
        let read = |secret: &str, key: &str| {
            format!(
                "kubectl -n {namespace} get secret {secret} -o jsonpath='{{.data.{}}}' | base64 -d",
                key.replace('.', "\\.")
            )
        };
        let value = |source: &Source| match source {
            Source::Literal(text) => shell_quote(text),
            Source::Copy { secret, key } => format!("\"$({})\"", read(secret, key)),
        };
        let mut lines = Vec::new();
        if self.tls {
            lines.push(format!("kubectl -n {namespace} create secret tls {}", self.name));
            for (key, source) in &self.entries {
                let flag = if key == "tls.crt" { "cert" } else { "key" };
                let file = match source {
                    Source::Literal(_) => format!("{}.{flag}", self.name),
                    Source::Copy { secret, key } => format!("<({})", read(secret, key)),
                };
                lines.push(format!("  --{flag}={file}"));
            }
        } else {
            lines.push(format!("kubectl -n {namespace} create secret generic {}", self.name));
            for (key, source) in &self.entries {
                lines.push(format!("  --from-literal={key}={}", value(source)));
            }
        }
        lines.join(" \\\n")
    }
}

/// A text quoted for a POSIX shell.
pub(super) fn shell_quote(text: &str) -> String {
    format!("'{}'", text.replace('\'', "'\\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals_are_quoted_for_the_shell() {
        let plan = SecretPlan::generic("s", "", vec![("password", Source::Literal("it's $x".into()))]);
        assert_eq!(
            plan.command("mailu"),
            "kubectl -n mailu create secret generic s \\\n  --from-literal=password='it'\\''s $x'"
        );
    }

    #[test]
    fn copies_read_the_old_secret() {
        let plan = SecretPlan::tls_copy("mailu-tls", "mailu-certificates", "");
        let command = plan.command("mail");
        assert!(
            command.contains("--cert=<(kubectl -n mail get secret mailu-certificates -o jsonpath='{.data.tls\\.crt}' | base64 -d)"),
            "{command}"
        );
    }
}
