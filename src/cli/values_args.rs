//! The values flags every command shares, spelled as Helm spells them.

use std::io::Read;
use std::path::Path;

use clap::Args;

use super::CliError;
use helm_engine::{Origin, UserValues, ValueInputs, ValuesFetchError, ValuesInputError};

/// Values input, merged in Helm's order: files, then --set-json, --set, --set-string,
/// --set-file, --set-literal. Each flag takes the next argument as its value even when it
/// starts with `-`, as helm's flags do.
#[derive(Debug, Clone, Args)]
pub struct ValuesArgs {
    /// Values file; repeat or separate with commas (a name holding one in double quotes, as
    /// helm reads it), later files win; `-` reads standard input, an http:// or https:// URL is
    /// fetched.
    #[arg(short = 'f', long = "values", value_name = "FILE", allow_hyphen_values = true)]
    pub values: Vec<String>,
    /// Set a value (`a.b=v`, `list[0]=v`, `{a,b}` lists); integers, true/false and null are typed.
    #[arg(long = "set", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub set: Vec<String>,
    /// Set a value that always stays a string.
    #[arg(long = "set-string", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub set_string: Vec<String>,
    /// Set a value written as JSON (key=JSON), or merge a whole JSON object.
    #[arg(long = "set-json", value_name = "KEY=JSON", allow_hyphen_values = true)]
    pub set_json: Vec<String>,
    /// Set a value to the contents of a file (key=PATH; a URL is fetched).
    #[arg(long = "set-file", value_name = "KEY=PATH", allow_hyphen_values = true)]
    pub set_file: Vec<String>,
    /// Set a value to the literal text after the first `=` (no escapes, no lists).
    #[arg(long = "set-literal", value_name = "KEY=VALUE", allow_hyphen_values = true)]
    pub set_literal: Vec<String>,
    /// The largest input read: each values file, standard input, each --set-file, a
    /// kubeconfig, diff's --against and what helm prints for it, in bytes or with a unit (Ki,
    /// Mi, Gi).
    #[arg(long = "max-input-size", value_name = "SIZE", default_value = DEFAULT_MAX_INPUT_SIZE, value_parser = parse_size)]
    pub max_input_size: u64,
}

/// The default input size limit: far above any real values file, far below what would exhaust
/// memory.
const DEFAULT_MAX_INPUT_SIZE: &str = "64Mi";

impl Default for ValuesArgs {
    fn default() -> Self {
        ValuesArgs {
            values: Vec::new(),
            set: Vec::new(),
            set_string: Vec::new(),
            set_json: Vec::new(),
            set_file: Vec::new(),
            set_literal: Vec::new(),
            max_input_size: parse_size(DEFAULT_MAX_INPUT_SIZE).expect("a valid default"),
        }
    }
}

/// A size in bytes, written as a number with an optional binary unit: `1048576`, `512Ki`, `64Mi`.
fn parse_size(text: &str) -> Result<u64, String> {
    let units = [("Ki", 1u64 << 10), ("Mi", 1 << 20), ("Gi", 1 << 30)];
    let (number, factor) = units
        .iter()
        .find_map(|(unit, factor)| text.strip_suffix(unit).map(|n| (n, *factor)))
        .unwrap_or((text, 1));
    number
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(factor))
        .ok_or_else(|| format!("{text:?} is not a size (a number of bytes, or with Ki, Mi or Gi)"))
}

/// A size for messages: `64 MiB`, `1000 bytes`.
fn show_size(bytes: u64) -> String {
    let units = [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)];
    units
        .iter()
        .find(|(_, factor)| bytes >= *factor && bytes.is_multiple_of(*factor))
        .map_or(format!("{bytes} bytes"), |(unit, factor)| format!("{} {unit}", bytes / factor))
}

impl ValuesArgs {
    /// The values files named, in order: each `-f` read as helm reads it.
    pub fn files(&self) -> Result<Vec<String>, CliError> {
        super::pflag::string_slice("-f, --values", &self.values)
    }

    /// Reads every file named and merges all inputs, as values of Mailu's charts (text only,
    /// with hints after YAML errors); warnings go to standard error.
    pub fn read(&self) -> Result<UserValues, CliError> {
        self.read_keeping_stdin().map(|(user, _)| user)
    }

    /// [`ValuesArgs::read`] for any chart, as helm reads its inputs: a `--set-file` may hold
    /// any bytes (a keystore the chart encodes with `b64enc`), not only text.
    pub fn read_for_any_chart(&self) -> Result<UserValues, CliError> {
        self.read_inputs(self.files()?, Reader::AnyChart).map(|(user, _)| user)
    }

    /// The same flags for a real helm: `-f -` and `--set-file KEY=-` name the given file
    /// holding what standard input held (standard input is read once: after `-f -`,
    /// `--set-file KEY=-` reads nothing, as in helm).
    pub fn helm_args(&self, stdin_file: Option<&std::path::Path>) -> Result<Vec<String>, CliError> {
        let mut args = Vec::new();
        let files = self.files()?;
        let set_file_stdin = match stdin_file {
            _ if files.iter().any(|name| name.trim() == "-") => Some(std::path::Path::new("/dev/null")),
            other => other,
        };
        for name in files {
            let path = match (name.trim() == "-", stdin_file) {
                (true, Some(file)) => file.display().to_string(),
                _ => name,
            };
            args.extend(["-f".to_string(), super::pflag::csv_field(&path)]);
        }
        for (flag, texts) in [
            ("--set", &self.set),
            ("--set-string", &self.set_string),
            ("--set-json", &self.set_json),
            ("--set-file", &self.set_file),
            ("--set-literal", &self.set_literal),
        ] {
            for text in texts {
                let text = match set_file_stdin {
                    Some(file) if flag == "--set-file" => text
                        .split(',')
                        .map(|pair| match pair.split_once('=') {
                            Some((key, path)) if path.trim() == "-" => format!("{key}={}", file.display()),
                            _ => pair.to_string(),
                        })
                        .collect::<Vec<_>>()
                        .join(","),
                    _ => text.clone(),
                };
                args.extend([flag.to_string(), text]);
            }
        }
        Ok(args)
    }

    /// Reads every input and checks the merged values against the model.
    pub fn resolve(&self) -> Result<crate::values::Values, CliError> {
        self.resolve_read(&self.read()?)
    }

    /// Checks values read from these flags. The problems come in the order the inputs were
    /// given; without any input, a hint says how to pass a values file.
    pub fn resolve_read(&self, user: &UserValues) -> Result<crate::values::Values, CliError> {
        let files = self.files()?;
        crate::values::resolve(user).map_err(|invalid| {
            let mut invalid = invalid.in_input_order(&user.input_labels());
            // A key nobody set belongs in the values file, when there is one (still listed
            // last).
            if let [file] = files.as_slice() {
                for problem in invalid.problems.iter_mut().filter(|p| p.origin == Origin::Default) {
                    problem.origin = Origin::File { name: file.clone(), pos: None };
                }
            }
            let mut message = invalid.to_string();
            if self.is_empty() {
                message.push_str(
                    "hint: no values were given; pass your values file with -f FILE \
                     (domain, hostnames and subnet have no defaults)\n",
                );
            }
            CliError::failure(message)
        })
    }

    /// The texts of every `--set*` flag, in the order they are merged.
    pub fn set_texts(&self) -> impl Iterator<Item = &str> {
        [&self.set_json, &self.set, &self.set_string, &self.set_file, &self.set_literal]
            .into_iter()
            .flatten()
            .map(String::as_str)
    }

    /// The files `--set-file KEY=PATH[,KEY=PATH]` reads.
    pub fn set_file_paths(&self) -> impl Iterator<Item = &str> {
        self.set_file.iter().flat_map(|text| text.split(',')).filter_map(|pair| Some(pair.split_once('=')?.1))
    }

    /// Whether no values file and no `--set*` flag was given.
    fn is_empty(&self) -> bool {
        self.values.is_empty() && self.set_texts().next().is_none()
    }

    /// Standard input, for an input besides the values (within the same size limit).
    pub fn read_stdin(&self) -> Result<Vec<u8>, CliError> {
        read_input("-", self.max_input_size, &mut false)
    }

    /// Like [`ValuesArgs::read`], also returning what standard input held, if it was read.
    pub fn read_keeping_stdin(&self) -> Result<(UserValues, Option<Vec<u8>>), CliError> {
        self.read_files(self.files()?)
    }

    /// Reads the files named (as they are, each one file) and merges them with the other
    /// inputs of these flags; every `--set-file` must hold text.
    pub fn read_files(&self, names: Vec<String>) -> Result<(UserValues, Option<Vec<u8>>), CliError> {
        self.read_inputs(names, Reader::Mailu)
    }

    fn read_inputs(
        &self,
        names: Vec<String>,
        reader: Reader,
    ) -> Result<(UserValues, Option<Vec<u8>>), CliError> {
        let mut stdin_used = false;
        let mut files = Vec::new();
        let limit = self.max_input_size;
        for name in names {
            let bytes = read_input(&name, limit, &mut stdin_used)?;
            files.push((name, bytes));
        }
        let inputs = ValueInputs {
            files,
            set_json: self.set_json.clone(),
            set: self.set.clone(),
            set_string: self.set_string.clone(),
            set_file: self.set_file.clone(),
            set_literal: self.set_literal.clone(),
        };
        let mut stdin =
            inputs.files.iter().find(|(name, _)| name.trim() == "-").map(|(_, bytes)| bytes.clone());
        let mut read_set_file = |path: &str| {
            let bytes = read_input(path, limit, &mut stdin_used).map_err(|e| e.message)?;
            if path.trim() == "-" && stdin.is_none() {
                stdin = Some(bytes.clone());
            }
            match reader {
                Reader::Mailu if std::str::from_utf8(&bytes).is_err() => {
                    Err(format!("{path}: not valid UTF-8 text"))
                }
                _ => Ok(bytes),
            }
        };
        let user = UserValues::collect(&inputs, &mut read_set_file).map_err(|e| {
            let mut message = e.to_string();
            // helm's words alone for `template`; a hint for the values of Mailu's charts.
            if matches!(reader, Reader::Mailu)
                && let ValuesInputError::Yaml { message: problem, .. } = &e
                && problem == "found unexpected end of stream"
            {
                message.push_str("\nhint: a quote opened earlier in the file is never closed");
            }
            CliError::failure(message)
        })?;
        for warning in &user.warnings {
            super::note(&format!("warning: {warning}"));
        }
        Ok((user, stdin))
    }
}

/// Whose values are read.
#[derive(Clone, Copy)]
enum Reader {
    /// Mailu's: this chart's or the official chart's, text only (a `--set-file` too).
    Mailu,
    /// Any chart's, as helm reads them: a `--set-file` may hold any bytes, and errors are in
    /// helm's words alone.
    AnyChart,
}

/// Reads a file, or standard input for `-` (once; a second `-` reads nothing, as in Helm), up
/// to `limit` bytes: a larger input is an error, found before it is all in memory.
fn read_input(name: &str, limit: u64, stdin_used: &mut bool) -> Result<Vec<u8>, CliError> {
    let too_large = |what: &str| too_large(what, limit);
    let mut bytes = Vec::new();
    if name.trim() == "-" {
        if !*stdin_used {
            *stdin_used = true;
            std::io::stdin()
                .take(limit.saturating_add(1))
                .read_to_end(&mut bytes)
                .map_err(|e| CliError::failure(format!("cannot read standard input: {e}")))?;
        }
        if bytes.len() as u64 > limit {
            return Err(too_large("standard input"));
        }
        return Ok(bytes);
    }
    // An http:// or https:// URL is fetched, as helm fetches it.
    if let Some(fetched) = helm_engine::fetch_values_file(name, limit) {
        return fetched.map_err(|e| match e {
            ValuesFetchError::Refused(message) => CliError::failure(message),
            ValuesFetchError::TooLarge => too_large(name),
        });
    }
    read_file_within(Path::new(name), limit)
}

/// Reads the file at `path` up to `limit` bytes: a larger one (or a device or pipe that never
/// ends) is an error, found before it is all in memory.
pub(crate) fn read_file_within(path: &Path, limit: u64) -> Result<Vec<u8>, CliError> {
    match read_bounded(path, limit) {
        Ok(Some(bytes)) => Ok(bytes),
        Ok(None) => Err(too_large(&path.display().to_string(), limit)),
        Err(e) => Err(CliError::failure(format!("cannot read {}: {}", path.display(), describe_io(&e)))),
    }
}

/// The file at `path`, or `None` when it holds more than `limit` bytes (found before they are
/// all in memory).
pub(crate) fn read_bounded(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    let mut bytes = Vec::new();
    std::fs::File::open(path)?.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    Ok((bytes.len() as u64 <= limit).then_some(bytes))
}

/// The error for an input larger than `limit`.
pub(crate) fn too_large(what: &str, limit: u64) -> CliError {
    CliError::failure(format!(
        "{what} is larger than {}, the input size limit; raise it with --max-input-size",
        show_size(limit)
    ))
}

/// An I/O error without Rust's "(os error N)" suffix.
pub(crate) fn describe_io(error: &std::io::Error) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::IsADirectory => "it is a directory".into(),
        _ => {
            let text = error.to_string();
            text.split(" (os error").next().unwrap_or(&text).to_string()
        }
    }
}
