//! The JSON format: the report document itself, pretty-printed, streamed to the output (a
//! report of 100,000 components is never held as one string); and read back, for commands
//! that work from a saved report. Invisible characters in strings are written as `\uXXXX`
//! escapes: the same JSON value, but no text in the file that shows nothing.

use std::cell::Cell;
use std::io::Write;
use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::ser::Formatter;

use super::{REPORT_SCHEMA, Report};
use crate::error::Error;
use crate::util::text::find_invisible;

pub fn write(document: &impl Serialize, out: &mut dyn Write) -> std::io::Result<()> {
    // The serializer makes millions of small writes; a buffer of a type known here takes them
    // inline, where each through `dyn Write` would be a call.
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serialize(document, VisibleFormatter::default(), &mut out)?;
    out.write_all(b"\n")?;
    out.flush()
}

fn serialize(
    value: &(impl Serialize + ?Sized),
    formatter: VisibleFormatter,
    out: &mut impl Write,
) -> std::io::Result<()> {
    let mut serializer = serde_json::Serializer::with_formatter(out, formatter);
    value
        .serialize(&mut serializer)
        .map_err(std::io::Error::from)
}

/// Lists of fewer items are written in one piece.
const LISTED_IN_PIECES_FROM: usize = 2_000;

/// Items rendered at a time on one core.
const PIECE: usize = 250;

/// Pieces rendered before they are written: a few per core.
const PIECES_AT_ONCE: usize = 8;

thread_local! {
    /// Set while [`write_listed`] writes a document without its list.
    static LEAVING_OUT_THE_LIST: Cell<bool> = const { Cell::new(false) };
}

/// Serializes the list [`write_listed`] renders (`#[serde(serialize_with)]` on the
/// document's last field): the items, or an empty list while the document is written
/// without them.
pub fn listed<T: Serialize, S: Serializer>(items: &[T], serializer: S) -> Result<S::Ok, S::Error> {
    if LEAVING_OUT_THE_LIST.get() {
        serializer.collect_seq(std::iter::empty::<&T>())
    } else {
        items.serialize(serializer)
    }
}

/// [`write`] of a document whose last field is a long list (a report's components are most
/// of it, 24,000 of them for a large .NET solution): the items are rendered on every core
/// and written in order, the same bytes [`write`] gives. The field must be serialized with
/// [`listed`], and named `field` in the document.
pub fn write_listed<T: Serialize + Sync>(
    document: &impl Serialize,
    field: &str,
    items: &[T],
    out: &mut dyn Write,
) -> std::io::Result<()> {
    if items.len() < LISTED_IN_PIECES_FROM {
        return write(document, out);
    }
    let mut head = Vec::new();
    LEAVING_OUT_THE_LIST.set(true);
    let written = serialize(document, VisibleFormatter::default(), &mut head);
    LEAVING_OUT_THE_LIST.set(false);
    written?;
    // The list, empty, is the document's last field; otherwise the document is not one this
    // writer knows how to splice, and is written in one piece.
    let last = format!("\"{field}\": []\n}}");
    let Some(head) = head.strip_suffix(last.as_bytes()) else {
        return write(document, out);
    };
    let pieces: Vec<(usize, &[T])> = items.chunks(PIECE).enumerate().collect();
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    out.write_all(head)?;
    write!(out, "\"{field}\": [")?;
    // A few pieces at a time, so that the rendered text held at once stays small.
    for batch in pieces.chunks(PIECES_AT_ONCE) {
        let rendered = crate::util::parallel::map(batch, |&(index, piece)| {
            let mut text = Vec::new();
            for (at, item) in piece.iter().enumerate() {
                // Each item as the document's list holds it: one level inside the list.
                let formatter = VisibleFormatter {
                    depth: 2,
                    has_value: false,
                };
                formatter.new_line(&mut text, index == 0 && at == 0)?;
                serialize(item, formatter, &mut text)?;
            }
            Ok::<_, std::io::Error>(text)
        });
        for text in rendered {
            out.write_all(&text?)?;
        }
    }
    out.write_all(b"\n  ]\n}\n")?;
    out.flush()
}

/// serde_json's pretty layout (two spaces a level, `[]` and `{}` when empty), with invisible
/// characters in strings escaped. The layout is written here rather than by serde_json's
/// `PrettyFormatter`, which writes a level's indentation two bytes at a time: each line's
/// newline and indentation is one write, which a report of 24,000 components makes half a
/// million times.
#[derive(Default)]
struct VisibleFormatter {
    depth: usize,
    has_value: bool,
}

impl VisibleFormatter {
    /// A newline and the current indentation, after a comma unless `first`.
    fn new_line<W: ?Sized + Write>(&self, writer: &mut W, first: bool) -> std::io::Result<()> {
        const LINE: &[u8] = b",\n                                                                ";
        let line = if first { &LINE[1..] } else { LINE };
        let mut spaces = 2 * self.depth;
        let now = spaces.min(LINE.len() - 2);
        writer.write_all(&line[..line.len() - (LINE.len() - 2) + now])?;
        spaces -= now;
        while spaces > 0 {
            let now = spaces.min(LINE.len() - 2);
            writer.write_all(&LINE[2..2 + now])?;
            spaces -= now;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> std::io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(writer, true)?;
        }
        writer.write_all(bracket)
    }
}

impl Formatter for VisibleFormatter {
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> std::io::Result<()> {
        let mut rest = fragment;
        while let Some(at) = find_invisible(rest) {
            writer.write_all(&rest.as_bytes()[..at])?;
            let c = rest[at..].chars().next().unwrap_or_default();
            for unit in c.encode_utf16(&mut [0; 2]) {
                write!(writer, "\\u{unit:04x}")?;
            }
            rest = &rest[at + c.len_utf8()..];
        }
        writer.write_all(rest.as_bytes())
    }

    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"[")
    }
    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"]")
    }
    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(writer, first)
    }
    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.open(writer, b"{")
    }
    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        self.close(writer, b"}")
    }
    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.new_line(writer, first)
    }
    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> std::io::Result<()> {
        writer.write_all(b": ")
    }
    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
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

#[cfg(test)]
mod tests {
    use serde::Serialize;

    /// A document like a report: fields before a long list of nested items, which hold
    /// invisible characters, empty lists and objects.
    #[derive(Serialize)]
    struct Document {
        schema: &'static str,
        inputs: Vec<&'static str>,
        #[serde(serialize_with = "super::listed")]
        components: Vec<Item>,
    }

    #[derive(Serialize)]
    struct Item {
        name: String,
        path: Vec<String>,
        empty: Vec<u8>,
        facts: std::collections::BTreeMap<String, u32>,
    }

    fn document(items: usize) -> Document {
        Document {
            schema: "test/1",
            inputs: vec!["a", "b\u{202e}"],
            components: (0..items)
                .map(|i| Item {
                    name: format!("pkg-{i}\u{200b}"),
                    path: vec!["(root)".into(), format!("pkg-{i}")],
                    empty: Vec::new(),
                    facts: (0..i % 3).map(|k| (format!("k{k}"), k as u32)).collect(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_list_written_in_pieces_gives_the_bytes_of_one_piece() {
        for items in [
            0,
            3,
            super::LISTED_IN_PIECES_FROM,
            2 * super::PIECE + 7 + super::LISTED_IN_PIECES_FROM,
        ] {
            let document = document(items);
            let (mut whole, mut pieces) = (Vec::new(), Vec::new());
            super::write(&document, &mut whole).expect("written");
            super::write_listed(&document, "components", &document.components, &mut pieces)
                .expect("written");
            assert_eq!(
                String::from_utf8_lossy(&pieces),
                String::from_utf8_lossy(&whole),
                "{items} items"
            );
            // Another serializer gets the list itself.
            let value = serde_json::to_value(&document).expect("a value");
            assert_eq!(value["components"].as_array().map(Vec::len), Some(items));
        }
        // A field that is not the last is written in one piece.
        let document = document(super::LISTED_IN_PIECES_FROM);
        let mut whole = Vec::new();
        super::write(&document, &mut whole).expect("written");
        let mut other = Vec::new();
        super::write_listed(&document, "inputs", &document.components, &mut other)
            .expect("written");
        assert_eq!(other, whole);
    }
}
