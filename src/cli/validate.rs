//! `mailu-chart validate`: check values and list every problem.

use clap::Args;

use super::{CliError, ValuesArgs};
use crate::values;

#[derive(Debug, Args)]
pub struct ValidateArgs {
    #[command(flatten)]
    pub values: ValuesArgs,
}

pub(super) fn run(args: &ValidateArgs) -> Result<(), CliError> {
    let user = args.values.read()?;
    match values::resolve(&user) {
        Ok(values) => {
            super::warn_about(&values);
            super::note("the values are valid");
            Ok(())
        }
        Err(invalid) => Err(CliError::failure(invalid.to_string())),
    }
}
