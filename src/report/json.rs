//! The JSON format: the report document itself, pretty-printed, streamed to the output (a
//! report of 100,000 components is never held as one string).

use std::io::Write;

use serde::Serialize;

pub fn write(document: &impl Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, document).map_err(std::io::Error::from)?;
    out.write_all(b"\n")
}
