//! `mailu-chart graph`: the deployment as a picture, from the same flows the NetworkPolicies
//! are derived from.

use std::io::Write;

use clap::{Args, ValueEnum};

use super::render::ReleaseArgs;
use super::{CliError, ValuesArgs, write_stdout};
use crate::graph;
use crate::render::values_tree;

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart graph -f my-values.yaml > deployment.mmd
  mailu-chart graph -f my-values.yaml --format svg > deployment.svg
  mailu-chart graph -f my-values.yaml --format dot | dot -Tpng -o deployment.png")]
pub struct GraphArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
    #[command(flatten)]
    pub release: ReleaseArgs,
    /// mermaid: a Mermaid flowchart (for Markdown); dot: Graphviz's DOT language; svg: a
    /// finished picture, laid out without Graphviz.
    #[arg(long, value_enum, default_value_t = GraphFormat::Mermaid)]
    pub format: GraphFormat,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    Mermaid,
    Dot,
    Svg,
}

pub(super) fn run(args: &GraphArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let values = args.values.resolve()?;
    let tree = values_tree(&values);
    let ctx = args.release.context(&tree)?;
    let graph = graph::build(&ctx);
    let text = match args.format {
        GraphFormat::Mermaid => graph::mermaid(&graph),
        GraphFormat::Dot => graph::dot(&graph),
        GraphFormat::Svg => graph::svg(&graph),
    };
    write_stdout(out, &text)
}
