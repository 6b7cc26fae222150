//! `mailu-chart schema`: print values.schema.json.

use std::io::Write;

use clap::Args;

use super::{CliError, write_stdout};
use crate::values::schema::{editor_schema, schema_text, values_schema_text};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart schema > values.schema.json
  mailu-chart schema --for-editor > mailu-values.schema.json
  # then, at the top of my-values.yaml, for editors with the YAML language server:
  # yaml-language-server: $schema=./mailu-values.schema.json")]
pub struct SchemaArgs {
    /// The schema of one values file as you write it, for an editor: no key is required and
    /// a conditional requirement applies only where the file sets its conditions (the chart's
    /// schema checks the values merged over every default).
    #[arg(long)]
    pub for_editor: bool,
}

pub(super) fn run(args: &SchemaArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let text = if args.for_editor { schema_text(&editor_schema()) } else { values_schema_text() };
    write_stdout(out, &text)
}
