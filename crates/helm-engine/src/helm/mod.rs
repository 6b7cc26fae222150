//! Helm: chart loading, values input and coalescing, schema checks, rendering a chart with
//! `include` and `tpl`, and `helm template`'s output. The top layer: it may use every other
//! module of the crate.

pub(crate) mod ahead;
pub(crate) mod archive;
pub(crate) mod chart;
pub(crate) mod chart_yaml;
pub(crate) mod coalesce;
pub(crate) mod contents;
pub(crate) mod dependencies;
pub(crate) mod dependency_update;
pub(crate) mod engine;
pub(crate) mod glob;
pub(crate) mod halves;
pub(crate) mod ignore;
pub(crate) mod locate;
pub(crate) mod name_template;
pub(crate) mod objects;
pub(crate) mod oci;
pub(crate) mod output;
pub(crate) mod repository;
pub(crate) mod schema;
pub(crate) mod schema_refs;
mod schema_report;
pub(crate) mod strvals;
pub(crate) mod values;
pub(crate) mod verdict;
pub(crate) mod web;

use crate::strconv::format_float_g;
use crate::value::Value;

/// The largest of helm's own settings files (repositories, registry logins, TLS files,
/// repository indexes) that is read, far above any real one: a device or a pipe named by
/// mistake is refused instead of read until memory runs out. Helm reads them without a bound.
pub const MAX_SETTINGS_FILE_SIZE: u64 = 256 << 20;

/// Helm's words for a settings file that could not be opened (`open PATH: REASON`), or, for
/// one beyond [`MAX_SETTINGS_FILE_SIZE`], which helm would read, this bound.
pub(crate) fn settings_read_error(path: &std::path::Path, error: &std::io::Error) -> String {
    if error.kind() == std::io::ErrorKind::FileTooLarge {
        format!(
            "{} holds more than {MAX_SETTINGS_FILE_SIZE} bytes, more than a settings file can",
            path.display()
        )
    } else {
        format!("open {}: {}", path.display(), go_os_reason(error))
    }
}

/// Reads the file at `path`, or fails before more than `limit` bytes are in memory.
pub(crate) fn read_within(path: &std::path::Path, limit: u64) -> std::io::Result<Vec<u8>> {
    read_all_within(std::fs::File::open(path)?, limit)
}

/// Reads `input` to its end, or fails before more than `limit` bytes are in memory.
pub(crate) fn read_all_within(input: impl std::io::Read, limit: u64) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut data = Vec::new();
    input.take(limit.saturating_add(1)).read_to_end(&mut data)?;
    if data.len() as u64 > limit {
        return Err(std::io::Error::new(
            std::io::ErrorKind::FileTooLarge,
            format!("file is larger than {limit} bytes"),
        ));
    }
    Ok(data)
}

/// Go's words for the reason of an operating system error (`no such file or directory`,
/// `is a directory`): the system's message without Rust's ` (os error N)`, starting in lower
/// case.
pub(crate) fn go_os_reason(error: &std::io::Error) -> String {
    let text = error.to_string();
    let reason = text.split(" (os error").next().unwrap_or(&text);
    let mut chars = reason.chars();
    chars.next().map(|first| first.to_lowercase().chain(chars).collect()).unwrap_or_default()
}

/// What Go's `encoding/json` calls a value's kind in its unmarshalling errors.
fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "bool",
        Value::Int(_) | Value::Float(_) => "number",
        Value::String(_) => "string",
        Value::List(_) => "array",
        Value::Map(_) => "object",
    }
}

/// The string a YAML scalar becomes when Helm reads it into a Go `string` field through
/// sigs.k8s.io/yaml: an integer as written, a float as `strconv.FormatFloat(f, 'g', -1, 32)`
/// (`1.1234568`, `+Inf` past float32's range). The YAML reader here keeps every number as a
/// float: a whole one is taken for an integer (`1e6` gives `1000000`, where Go writes
/// `1e+06`). `None` for a list or a map.
fn go_string(v: &Value) -> Option<String> {
    Some(match v {
        Value::Null => String::new(),
        Value::Bool(b) => b.to_string(),
        Value::Int(i) => i.to_string(),
        Value::Float(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        Value::Float(f) => format_float_g(*f, 32),
        Value::String(s) => s.clone(),
        Value::List(_) | Value::Map(_) => return None,
    })
}
