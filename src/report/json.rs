//! The JSON format: the report document itself, pretty-printed, streamed to the output (a
//! report of 100,000 components is never held as one string); and read back, for commands
//! that work from a saved report.

use std::io::Write;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use super::{REPORT_SCHEMA, Report};
use crate::error::Error;

pub fn write(document: &impl Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, document).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}

/// Reads a report `depgov check --format json` saved; `file` names it in errors.
pub fn read_report(path: &Path, file: &str) -> Result<Report, Error> {
    read_document(
        path,
        file,
        REPORT_SCHEMA,
        "save the report with depgov check --format json",
        |report: &Report| &report.schema,
    )
}

/// Reads a JSON document of `schema` (which `schema_of` finds in it); `file` names it in
/// errors, and `hint` says where such documents come from.
pub fn read_document<T: DeserializeOwned>(
    path: &Path,
    file: &str,
    schema: &str,
    hint: &str,
    schema_of: impl Fn(&T) -> &str,
) -> Result<T, Error> {
    let text = std::fs::read_to_string(path).map_err(|source| Error::Read {
        path: file.to_owned(),
        source,
    })?;
    let parse_error = |error: serde_json::Error, message: String| Error::Parse {
        file: file.to_owned(),
        line: u32::try_from(error.line()).ok().filter(|&line| line > 0),
        message,
    };
    /// Only the schema, to say what a document of another kind is.
    #[derive(Deserialize)]
    struct Schema {
        schema: String,
    }
    let wrong_schema = |found: &str| Error::Parse {
        file: file.to_owned(),
        line: None,
        message: format!("schema {found} is not {schema}; {hint}"),
    };
    match serde_json::from_str::<T>(&text) {
        Ok(document) if schema_of(&document) == schema => Ok(document),
        Ok(document) => Err(wrong_schema(schema_of(&document))),
        Err(error) => match serde_json::from_str::<Schema>(&text) {
            Ok(Schema { schema: found }) if found != schema => Err(wrong_schema(&found)),
            _ => {
                let message = format!("not a depgov report: {error}");
                Err(parse_error(error, message))
            }
        },
    }
}
