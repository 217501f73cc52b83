//! The JSON format: the report document itself, pretty-printed, streamed to the output (a
//! report of 100,000 components is never held as one string); and read back, for commands
//! that work from a saved report.

use std::io::Write;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::{REPORT_SCHEMA, Report};
use crate::error::Error;

pub fn write(document: &impl Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, document).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// Reads a report `depgov check --format json` saved; `file` names it in errors.
pub fn read_report(path: &Path, file: &str) -> Result<Report, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: file.to_owned(),
        source,
    })?;
    let parse_error = |error: serde_json::Error, message: String| Error::Parse {
        file: file.to_owned(),
        line: u32::try_from(error.line()).ok().filter(|&line| line > 0),
        message,
    };
    /// Only the schema, to say what a document that is not a report is.
    #[derive(Deserialize)]
    struct Schema {
        schema: String,
    }
    let not_a_report = |schema: &str| Error::Parse {
        file: file.to_owned(),
        line: None,
        message: format!(
            "schema {schema} is not {REPORT_SCHEMA}; save the report with depgov check \
             --format json"
        ),
    };
    match serde_json::from_str::<Report>(&text) {
        Ok(report) if report.schema == REPORT_SCHEMA => Ok(report),
        Ok(report) => Err(not_a_report(&report.schema)),
        Err(error) => match serde_json::from_str::<Schema>(&text) {
            Ok(Schema { schema }) if schema != REPORT_SCHEMA => Err(not_a_report(&schema)),
            _ => {
                let message = format!("not a depgov report: {error}");
                Err(parse_error(error, message))
            }
        },
    }
}
