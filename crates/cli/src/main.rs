//! `tradelens`: see the library for the commands.

use std::io::{BufWriter, ErrorKind};
use std::process::ExitCode;

use tradelens_cli::{args::USAGE, run, CliError};

fn main() -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match run(std::env::args_os().skip(1), &mut out) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`| head`) is the reader's choice, not a failure.
        Err(CliError::Output(e)) if e.kind() == ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("tradelens: {e}");
            if matches!(e, CliError::Usage(_)) {
                eprint!("\n{USAGE}");
            }
            ExitCode::from(u8::try_from(e.exit_code()).unwrap_or(1))
        }
    }
}
