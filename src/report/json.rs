//! The JSON format: the report document itself, pretty-printed.

use serde::Serialize;

pub fn render(document: &impl Serialize) -> String {
    let mut out = serde_json::to_string_pretty(document)
        .expect("report types serialize without fail: plain data, string keys");
    out.push('\n');
    out
}
