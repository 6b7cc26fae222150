//! `mailu-chart dns`: the DNS records to publish for the values, from the same description
//! the chart's notes print.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::render::ReleaseArgs;
use super::{CliError, ValuesArgs, write_stdout};
use crate::dns;
use crate::render::values_tree;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart dns -f my-values.yaml
  mailu-chart dns -f my-values.yaml --format json | jq -r '.sections[].records[] | select(.placeholder)'")]
pub struct DnsArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// zone: a zone file fragment with comments; json: the records by section, for tools.
    #[arg(long, value_enum, default_value_t = DnsFormat::Zone)]
    pub format: DnsFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum DnsFormat {
    Zone,
    Json,
}

/// The JSON document: the domain and the sections of records.
#[derive(serde::Serialize)]
struct DnsDocument {
    domain: String,
    sections: Vec<dns::SectionValue>,
}

pub(super) fn run(args: &DnsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let values = args.values.resolve()?;
    let tree = values_tree(&values);
    let ctx = args.release.context(&tree)?;
    let text = match args.format {
        DnsFormat::Zone => dns::zone(&ctx),
        DnsFormat::Json => {
            let document = DnsDocument { domain: ctx.text("domain"), sections: dns::evaluate(&ctx) };
            let mut text = serde_json::to_string_pretty(&document).expect("the records serialize");
            text.push('\n');
            text
        }
    };
    write_stdout(out, &text)
}
