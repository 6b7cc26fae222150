//! `mailu-chart validate`: check values and list every problem.

use clap::Args;

use super::{CliError, ValuesArgs};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart validate -f my-values.yaml
  mailu-chart validate -f base.yaml -f production.yaml --set expose.mail=traefik")]
pub struct ValidateArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
}

pub(super) fn run(args: &ValidateArgs) -> Result<(), CliError> {
    let values = args.values.resolve()?;
    super::warn_about(&values);
    super::note("the values are valid");
    Ok(())
}
