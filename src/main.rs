use std::process::ExitCode;

// The renderer allocates many small values; mimalloc does that in about half the time of
// the system allocator, which is a large part of a `template` run (see docs/testing.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    mailu_chart::cli::main()
}
