use std::process::ExitCode;

fn main() -> ExitCode {
    mailu_chart::cli::main()
}
