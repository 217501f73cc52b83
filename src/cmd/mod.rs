//! Each command's glue, one file each: it reads its flags, runs the [pipeline] and hands
//! the result to a reporter. What commands share — writing to standard output and to files,
//! today's date, whether a report fails — is here.
//!
//! [pipeline]: crate::pipeline

pub mod check;
pub mod comment;
pub mod explain;
pub mod facts;
pub mod generate;
pub mod inventory;
pub mod org;
pub mod policy;
pub mod radar;

use std::io::Write;
use std::path::Path;

use chrono::NaiveDate;

use crate::cli::FailOn;
use crate::error::Error;
use crate::report::Report;
use crate::util::paths::display_path;

/// What a writer's text may hold, which decides whether it goes through anstream.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Text {
    /// Terminal styles, or text not escaped by its writer: anstream strips escape sequences
    /// where the destination is not a terminal (or colour is off).
    Styled,
    /// A machine format whose writer escapes every control character itself (JSON, SARIF,
    /// SBOMs, markdown, workflow commands): written as is, since stripping a large report
    /// byte by byte costs a sixth of a run.
    Escaped,
}

impl Text {
    /// A human report is styled; every other report format escapes its own text.
    fn of_report(human: bool) -> Text {
        if human { Text::Styled } else { Text::Escaped }
    }
}

/// Writes to standard output, coloured as `--color` says; a reader that stops reading
/// (`| head`) is not an error.
fn print(
    text: Text,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let stdout: Box<dyn Write> = match text {
        Text::Styled => Box::new(anstream::stdout().lock()),
        Text::Escaped => Box::new(std::io::stdout().lock()),
    };
    let mut stdout = std::io::BufWriter::with_capacity(1 << 16, stdout);
    match write(&mut stdout).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(Error::Write {
            path: "standard output".to_owned(),
            source: e,
        }),
        _ => Ok(()),
    }
}

/// Writes (or appends) to a file, never in colour.
fn write_file(
    path: &Path,
    append: bool,
    text: Text,
    write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    let failed = |source| Error::Write {
        path: display_path(path),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .create(true)
        .write(true)
        .append(append)
        .truncate(!append)
        .open(path)
        .map_err(failed)?;
    let file: Box<dyn Write> = match text {
        Text::Styled => Box::new(anstream::StripStream::new(file)),
        Text::Escaped => Box::new(file),
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, file);
    write(&mut out).and_then(|()| out.flush()).map_err(failed)
}

/// Today's date for sunset dates; `DEPGOV_TODAY=YYYY-MM-DD` pins it (tests, reproducible runs).
fn today() -> Result<NaiveDate, Error> {
    match std::env::var("DEPGOV_TODAY") {
        Ok(text) => NaiveDate::parse_from_str(&text, "%Y-%m-%d").map_err(|_| {
            Error::Usage(format!(
                "DEPGOV_TODAY={text} is not a date such as 2027-06-30"
            ))
        }),
        Err(_) => Ok(chrono::Local::now().date_naive()),
    }
}

/// Whether the report has a finding at or above `fail_on`.
fn fails(report: &Report, fail_on: FailOn) -> bool {
    match (fail_on.threshold(), report.worst_severity()) {
        (Some(threshold), Some(worst)) => worst >= threshold,
        _ => false,
    }
}
