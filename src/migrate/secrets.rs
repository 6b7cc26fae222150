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
    /// The value of a key of a Secret the official chart made, else the text the values held:
    /// that chart looked its Secret up first and kept what it found, so a value changed in the
    /// values after the first install never reached Mailu.
    Kept { secret: String, key: String, given: String },
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

    /// The command that creates it, in the given namespace (lines joined with `\`). A value
    /// copied from the cluster is read into a variable first, and the command stops before
    /// creating anything when it is empty (a missing Secret or key would otherwise give a
    /// Secret with an empty password) or when kubectl fails (no access, no cluster), with
    /// kubectl's own message.
    pub fn command(&self, namespace: &str) -> String {
        let mut reads = Vec::new();
        let mut source = |source: &Source| {
            let var = format!("v{}", reads.len() + 1);
            // Two steps, so that a failing kubectl stops the command, and a sentinel, so that
            // the value keeps its final line breaks (`$(...)` drops them).
            let read = |secret: &str, key: &str, absent: &str| {
                format!(
                    "{var}=\"$(kubectl -n {namespace} get secret {secret}{absent} -o jsonpath='{{.data.{}}}')\" || exit 1\n  \
                     {var}=\"$(printf '%s' \"${var}\" | base64 -d; echo .)\"; {var}=\"${{{var}%.}}\"",
                    key.replace('.', "\\.")
                )
            };
            match source {
                Source::Literal(text) => return shell_quote(text),
                Source::Copy { secret, key } => {
                    let missing = shell_quote(&format!(
                        "{namespace}/{secret} has no value under {key}: nothing created"
                    ));
                    // The read, then the check (indented as the subshell's lines).
                    reads.push(format!(
                        "{}\n  [ -n \"${var}\" ] || {{ echo {missing} >&2; exit 1; }}",
                        read(secret, key, "")
                    ));
                }
                Source::Kept { secret, key, given } => {
                    let given = shell_quote(given);
                    let differs = shell_quote(&format!(
                        "note: {namespace}/{secret} holds another value under {key} than the official values; \
                         it is the one Mailu used, and it is kept"
                    ));
                    let absent = shell_quote(&format!(
                        "note: {namespace}/{secret} has no value under {key}: the official values' text is used"
                    ));
                    // A Secret that is not there is no error: the values' text is then the one.
                    reads.push(format!(
                        "{}\n  if [ -z \"${var}\" ]; then echo {absent} >&2; {var}={given}; \
                         elif [ \"${var}\" != {given} ]; then echo {differs} >&2; fi",
                        read(secret, key, " --ignore-not-found")
                    ));
                }
            }
            format!("\"${var}\"")
        };
        let mut create = Vec::new();
        if self.tls {
            create.push(format!("kubectl -n {namespace} create secret tls {}", self.name));
            for (key, entry) in &self.entries {
                let flag = if key == "tls.crt" { "cert" } else { "key" };
                let file = match entry {
                    Source::Literal(_) => format!("{}.{flag}", self.name),
                    copy => format!("<(printf '%s\\n' {})", source(copy)),
                };
                create.push(format!("  --{flag}={file}"));
            }
        } else {
            create.push(format!("kubectl -n {namespace} create secret generic {}", self.name));
            for (key, entry) in &self.entries {
                create.push(format!("  --from-literal={key}={}", source(entry)));
            }
        }
        let create = create.join(" \\\n");
        if reads.is_empty() {
            return create;
        }
        // A subshell, so that `exit` stops this command and not the operator's shell.
        let mut lines = vec!["(".to_string()];
        lines.extend(reads.iter().map(|r| format!("  {r}")));
        lines.extend(create.lines().map(|l| format!("  {l}")));
        lines.push(")".to_string());
        lines.join("\n")
    }
}

/// A text quoted for the shell: between single quotes, or, when it holds a line break or
/// another control character, in bash's `$'...'` with escapes (bytes, which need no UTF-8
/// locale), so that the command keeps to its lines and the report's indentation cannot reach
/// into the text.
pub(super) fn shell_quote(text: &str) -> String {
    if !text.chars().any(char::is_control) {
        return format!("'{}'", text.replace('\'', "'\\''"));
    }
    let mut quoted = String::from("$'");
    for c in text.chars() {
        match c {
            '\\' => quoted.push_str("\\\\"),
            '\'' => quoted.push_str("\\'"),
            '\n' => quoted.push_str("\\n"),
            '\t' => quoted.push_str("\\t"),
            '\r' => quoted.push_str("\\r"),
            c if c.is_control() => {
                let mut bytes = [0; 4];
                for byte in c.encode_utf8(&mut bytes).bytes() {
                    quoted.push_str(&format!("\\x{byte:02x}"));
                }
            }
            c => quoted.push(c),
        }
    }
    quoted.push('\'');
    quoted
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
    fn control_characters_are_escaped_as_bytes() {
        // A C1 control character in UTF-8: `\u` escapes would need a UTF-8 locale.
        assert_eq!(shell_quote("sk\u{85}x\ty'\\"), r"$'sk\xc2\x85x\ty\'\\'");
        assert_eq!(shell_quote("plain 'text'"), r"'plain '\''text'\'''");
    }

    #[test]
    fn copies_read_the_old_secret() {
        let plan = SecretPlan::tls_copy("mailu-tls", "mailu-certificates", "");
        let command = plan.command("mail");
        assert!(
            command.contains("v1=\"$(kubectl -n mail get secret mailu-certificates -o jsonpath='{.data.tls\\.crt}')\" || exit 1"),
            "{command}"
        );
        assert!(command.contains("--cert=<(printf '%s\\n' \"$v1\")"), "{command}");
    }

    #[cfg(unix)]
    /// Runs a command with a `kubectl` that answers `get` with `value` (base64), or fails for
    /// `None`, and records what `create` was given; returns the exit status and the arguments
    /// of `create`, joined by spaces.
    fn run_with_kubectl(command: &str, value: Option<&str>) -> (bool, String) {
        let dir = tempfile::tempdir().unwrap();
        let stub = dir.path().join("kubectl");
        let record = dir.path().join("created");
        let get = match value {
            Some(value) => format!("printf '%s' '{value}'"),
            None => "echo 'error: secrets is forbidden' >&2; exit 1".to_string(),
        };
        std::fs::write(
            &stub,
            format!(
                "#!/bin/sh\ncase \"$3\" in get) {get} ;; create) printf '%s\\0' \"$@\" > '{}' ;; esac\n",
                record.display()
            ),
        )
        .unwrap();
        let mut permissions = std::fs::metadata(&stub).unwrap().permissions();
        std::os::unix::fs::PermissionsExt::set_mode(&mut permissions, 0o755);
        std::fs::set_permissions(&stub, permissions).unwrap();
        let path = format!("{}:{}", dir.path().display(), std::env::var("PATH").unwrap_or_default());
        let status =
            std::process::Command::new("bash").arg("-c").arg(command).env("PATH", path).status().unwrap();
        let created = std::fs::read_to_string(&record).unwrap_or_default();
        (status.success(), created.trim_end_matches('\0').replace('\0', " "))
    }

    #[cfg(unix)]
    #[test]
    fn values_keep_their_line_breaks_and_a_failing_kubectl_stops_the_command() {
        let plan = SecretPlan::generic(
            "s",
            "",
            vec![
                ("given", Source::Literal("two\nlines\n".into())),
                ("copied", Source::Copy { secret: "old".into(), key: "k".into() }),
            ],
        );
        // The report indents every line: the text must not span lines of the command.
        let command = plan.command("mailu");
        assert!(command.contains("--from-literal=given=$'two\\nlines\\n'"), "{command}");
        let indented: String = command.lines().map(|l| format!("  {l}\n")).collect();
        // "pw\n", in base64.
        let (ok, created) = run_with_kubectl(&indented, Some("cHcK"));
        assert!(ok, "{indented}");
        assert_eq!(
            created,
            "-n mailu create secret generic s --from-literal=given=two\nlines\n --from-literal=copied=pw\n"
        );
        let (ok, created) = run_with_kubectl(&indented, None);
        assert!(!ok && created.is_empty(), "{created}");
        // A kept value whose Secret cannot be read is no value to fall back from.
        let kept = SecretPlan::generic(
            "s",
            "",
            vec![("k", Source::Kept { secret: "old".into(), key: "k".into(), given: "v".into() })],
        );
        let (ok, created) = run_with_kubectl(&kept.command("mailu"), None);
        assert!(!ok && created.is_empty(), "{created}");
    }

    #[cfg(unix)]
    #[test]
    fn a_kept_value_is_the_secret_s_when_there_is_one_else_the_given_one() {
        let plan = SecretPlan::generic(
            "s",
            "",
            vec![(
                "key",
                Source::Kept { secret: "old".into(), key: "secret-key".into(), given: "it's".into() },
            )],
        );
        let command = plan.command("mailu");
        let (ok, created) = run_with_kubectl(&command, Some(""));
        assert!(ok, "{command}");
        assert_eq!(created.trim(), "-n mailu create secret generic s --from-literal=key=it's");
        // "other", in base64.
        let (ok, created) = run_with_kubectl(&command, Some("b3RoZXI="));
        assert!(ok, "{command}");
        assert_eq!(created.trim(), "-n mailu create secret generic s --from-literal=key=other");
    }

    #[cfg(unix)]
    #[test]
    fn a_copy_of_a_missing_value_creates_nothing_and_fails() {
        let plan = SecretPlan::generic(
            "s",
            "",
            vec![("password", Source::Copy { secret: "old".into(), key: "password".into() })],
        );
        let command = plan.command("mailu");
        let (ok, created) = run_with_kubectl(&command, Some(""));
        assert!(!ok && created.is_empty(), "{command}\n{created}");
        // "it's $x", in base64: the value reaches kubectl as one argument, unexpanded.
        let (ok, created) = run_with_kubectl(&command, Some("aXQncyAkeA=="));
        assert!(ok, "{command}");
        assert_eq!(created.trim(), "-n mailu create secret generic s --from-literal=password=it's $x");
    }
}
