//! `mailu-chart schema`: print values.schema.json.

use std::io::Write;

use clap::Args;

use super::{CliError, write_stdout};
use crate::values::schema::values_schema_text;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart schema > values.schema.json
  # in my-values.yaml, for editors with the YAML language server:
  # yaml-language-server: $schema=./values.schema.json")]
pub struct SchemaArgs {}

pub(super) fn run(_args: &SchemaArgs, out: &mut dyn Write) -> Result<(), CliError> {
    write_stdout(out, &values_schema_text())
}
