//! The `rollcall` command. Parsing, logging and dispatch live in `rollcall::cli`.

fn main() -> std::process::ExitCode {
    rollcall::cli::main()
}
