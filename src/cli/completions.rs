//! `mailu-chart completions SHELL`: the shell completion script, generated from the same clap
//! definitions that parse the command line.

use std::io::Write;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use super::{Cli, CliError, write_stdout};

#[derive(Debug, Args)]
#[command(after_help = "\
Examples:
  mailu-chart completions bash > ~/.local/share/bash-completion/completions/mailu-chart
  mailu-chart completions zsh > ~/.zfunc/_mailu-chart    # with fpath+=(~/.zfunc) in ~/.zshrc
  mailu-chart completions fish > ~/.config/fish/completions/mailu-chart.fish
  mailu-chart completions powershell >> $PROFILE")]
pub struct CompletionsArgs {
    /// The shell to complete in.
    #[arg(value_enum, value_name = "SHELL")]
    pub shell: Shell,
}

pub(super) fn run(args: &CompletionsArgs, out: &mut dyn Write) -> Result<(), CliError> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), BIN_NAME, &mut script);
    let mut script = String::from_utf8_lossy(&script).into_owned();
    if args.shell == Shell::Bash {
        script = repair_bash(&script);
    }
    write_stdout(out, &script)
}

const BIN_NAME: &str = "mailu-chart";

/// clap_complete spells the state of a subcommand of a hyphenated program two ways in its bash
/// script (`mailu__chart__subcmd__graph` where it is set, `mailu__subcmd__chart__subcmd__graph`
/// where it is matched; clap-rs/clap#6421), so that no subcommand's flags would complete. The
/// matching side is respelled the way the setting side spells it; once clap_complete is fixed
/// this changes nothing.
fn repair_bash(script: &str) -> String {
    let escaped = BIN_NAME.replace('-', "__");
    let wrong = BIN_NAME.replace('-', "__subcmd__");
    script.replace(&format!("{wrong}__subcmd__"), &format!("{escaped}__subcmd__"))
}
