//! Flag values read as helm's flag library reads them: a list flag (`-f`, `-a`) and the
//! several-pairs form of `--labels` are one record of comma-separated values, quoted and
//! checked as Go's `encoding/csv` reads a record.

use super::CliError;

/// The items of a list flag given `given` (each occurrence in order): a value is split at
/// commas outside double quotes, an empty value adds nothing. `flag` names the flag in the
/// message, as helm does (`-f, --values`).
pub(super) fn string_slice(flag: &str, given: &[String]) -> Result<Vec<String>, CliError> {
    let mut items = Vec::new();
    for value in given.iter().filter(|value| !value.is_empty()) {
        items.extend(csv_record(value).map_err(|reason| invalid_argument(flag, value, &reason))?);
    }
    Ok(items)
}

/// The flag library's message for a value it cannot read.
pub(super) fn invalid_argument(flag: &str, value: &str, reason: &str) -> CliError {
    CliError::failure(format!("invalid argument {value:?} for \"{flag}\" flag: {reason}"))
}

/// `name` written so that [`csv_record`] reads it back as one field: quoted when it is empty
/// or holds a comma, a quote or a line break.
pub(super) fn csv_field(name: &str) -> String {
    if name.is_empty() || name.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", name.replace('"', "\"\""))
    } else {
        name.to_string()
    }
}

/// The first record of `text` as Go's CSV reader reads it with its defaults: blank lines
/// before it skipped, a quoted field may span lines and doubles its quotes, a quote anywhere
/// else is an error; what follows the record is ignored. Errors carry Go's wording and
/// positions (lines and byte columns from 1).
pub(super) fn csv_record(text: &str) -> Result<Vec<String>, String> {
    let mut lines = CsvLines { rest: text, number: 0 };
    let mut line = loop {
        match lines.next() {
            None => return Err("EOF".into()),
            Some(line) if line.is_empty() || line == "\n" => continue,
            Some(line) => break line,
        }
    };
    let record_line = lines.number;
    let mut column = 1;
    let mut fields = Vec::new();
    let error = |start: usize, line: usize, column: usize, what: &str| {
        if start == line {
            format!("parse error on line {line}, column {column}: {what}")
        } else {
            format!("record on line {start}; parse error on line {line}, column {column}: {what}")
        }
    };
    const BARE_QUOTE: &str = "bare \" in non-quoted-field";
    const QUOTE: &str = "extraneous or missing \" in quoted-field";
    let mut rest: &str = &line;
    'fields: loop {
        if !rest.starts_with('"') {
            let comma = rest.find(',');
            let field = match comma {
                Some(at) => &rest[..at],
                None => rest.strip_suffix('\n').unwrap_or(rest),
            };
            if let Some(at) = field.find('"') {
                return Err(error(record_line, lines.number, column + at, BARE_QUOTE));
            }
            fields.push(field.to_string());
            match comma {
                Some(at) => {
                    rest = &rest[at + 1..];
                    column += at + 1;
                    continue 'fields;
                }
                None => break 'fields,
            }
        }
        // A quoted field, to its closing quote, across lines if need be.
        let mut field = String::new();
        let mut field_line = record_line;
        rest = &rest[1..];
        column += 1;
        loop {
            if let Some(at) = rest.find('"') {
                field.push_str(&rest[..at]);
                rest = &rest[at + 1..];
                column += at + 1;
                if let Some(after) = rest.strip_prefix('"') {
                    field.push('"');
                    rest = after;
                    column += 1;
                } else if let Some(after) = rest.strip_prefix(',') {
                    fields.push(field);
                    rest = after;
                    column += 1;
                    continue 'fields;
                } else if rest.is_empty() || rest == "\n" {
                    fields.push(field);
                    break 'fields;
                } else {
                    return Err(error(record_line, lines.number, column - 1, QUOTE));
                }
            } else if !rest.is_empty() {
                field.push_str(rest);
                column += rest.len();
                line = lines.next().unwrap_or_default();
                if !line.is_empty() {
                    field_line += 1;
                    column = 1;
                }
                rest = &line;
            } else {
                return Err(error(record_line, field_line, column, QUOTE));
            }
        }
    }
    Ok(fields)
}

/// The lines of a text as Go's CSV reader takes them: each with its `\n`, `\r\n` made `\n`,
/// and a last line without one loses a trailing `\r`.
struct CsvLines<'a> {
    rest: &'a str,
    /// How many lines were taken.
    number: usize,
}

impl CsvLines<'_> {
    fn next(&mut self) -> Option<String> {
        if self.rest.is_empty() {
            return None;
        }
        self.number += 1;
        let (line, rest) = match self.rest.find('\n') {
            Some(at) => self.rest.split_at(at + 1),
            None => (self.rest, ""),
        };
        self.rest = rest;
        let line = match line.strip_suffix("\r\n") {
            Some(text) => format!("{text}\n"),
            None if rest.is_empty() => line.strip_suffix('\r').unwrap_or(line).to_string(),
            None => line.to_string(),
        };
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(text: &str) -> Vec<String> {
        csv_record(text).unwrap()
    }

    /// Outputs and messages as helm 4.1.4 gave them for `-f VALUE`.
    #[test]
    fn a_record_is_read_as_go_reads_it() {
        assert_eq!(fields("a.yaml,b.yaml"), ["a.yaml", "b.yaml"]);
        assert_eq!(fields("\"x,y.yaml\""), ["x,y.yaml"]);
        assert_eq!(fields("\"a.yaml\",b.yaml"), ["a.yaml", "b.yaml"]);
        assert_eq!(fields("a.yaml,"), ["a.yaml", ""]);
        assert_eq!(fields(","), ["", ""]);
        assert_eq!(fields(" a.yaml"), [" a.yaml"]);
        assert_eq!(fields("\"a.\"\"yaml\""), ["a.\"yaml"]);
        assert_eq!(fields("\na.yaml"), ["a.yaml"]);
        assert_eq!(fields("a.yaml\nb.yaml"), ["a.yaml"]);
        assert_eq!(fields("a.yaml\r\n"), ["a.yaml"]);
        assert_eq!(fields("\"a.yaml\"\r"), ["a.yaml"]);
        assert_eq!(fields("\"a.\nyaml\""), ["a.\nyaml"]);
        assert_eq!(fields("x,\n\"a.yaml"), ["x", ""]);
    }

    #[test]
    fn quotes_out_of_place_are_refused_where_go_finds_them() {
        let error = |text: &str| csv_record(text).unwrap_err();
        assert_eq!(error("\n"), "EOF");
        assert_eq!(error("\r"), "EOF");
        assert_eq!(
            error("\"a.yaml"),
            "parse error on line 1, column 8: extraneous or missing \" in quoted-field"
        );
        assert_eq!(
            error("\"a.yaml\n"),
            "parse error on line 1, column 9: extraneous or missing \" in quoted-field"
        );
        assert_eq!(
            error("\"a.yaml\"x"),
            "parse error on line 1, column 8: extraneous or missing \" in quoted-field"
        );
        assert_eq!(
            error("a.yaml,\"b.yaml\"\""),
            "parse error on line 1, column 17: extraneous or missing \" in quoted-field"
        );
        assert_eq!(error("a\"b.yaml"), "parse error on line 1, column 2: bare \" in non-quoted-field");
        assert_eq!(error("é\""), "parse error on line 1, column 3: bare \" in non-quoted-field");
    }

    #[test]
    fn a_field_written_for_the_reader_reads_back_whole() {
        for name in ["plain.yaml", "x,y.yaml", "a\"b", "", "two\nlines", " lead"] {
            assert_eq!(fields(&csv_field(name)), [name], "{name:?}");
        }
    }
}
