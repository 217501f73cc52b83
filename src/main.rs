//! The `depgov` binary: runs the CLI and turns an unexpected panic into exit code 2 with a
//! request to report it, never into a success or a findings exit code.
//!
//! Nothing here may panic itself: a panic inside the panic hook aborts the process (a signal,
//! not exit code 2), so messages are written with errors ignored rather than with `eprintln!`,
//! which panics when standard error cannot be written (a full disk, `2>/dev/full`).

use std::io::Write;
use std::process::ExitCode;

use depgov::error::exit;

fn main() -> ExitCode {
    std::panic::set_hook(Box::new(|info| {
        let _ = writeln!(
            std::io::stderr(),
            "depgov: internal error: {info}\n\
             This is a bug in depgov, not a problem in your project or policy. \
             Please report it with the command you ran."
        );
    }));
    let code = std::panic::catch_unwind(depgov::cli::main).unwrap_or(exit::ERROR);
    ExitCode::from(u8::try_from(code).unwrap_or(2))
}
