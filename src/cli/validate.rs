//! `mailu-chart validate`: check values and list every problem.

use clap::Args;

use super::render::ReleaseArgs;
use super::{CliError, ValuesArgs};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart validate -f my-values.yaml
  mailu-chart validate -f base.yaml -f production.yaml --set expose.mail=traefik
  mailu-chart validate mail -n mail -f my-values.yaml")]
pub struct ValidateArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
    /// The release the values are for: its name and namespace are checked as `render` checks
    /// them.
    #[command(flatten)]
    pub release: ReleaseArgs,
}

pub(super) fn run(args: &ValidateArgs) -> Result<(), CliError> {
    let values = args.values.resolve()?;
    args.release.context(&crate::render::values_tree(&values))?;
    super::warn_about(&values);
    super::note("the values are valid");
    Ok(())
}
