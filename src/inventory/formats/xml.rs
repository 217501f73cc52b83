//! What the XML manifests (Maven's `pom.xml`, .NET project files) share: parsing with
//! `roxmltree` (which refuses DTDs, so no entity can expand), errors at their line, and
//! reading elements by local name, as both formats use one default namespace or none.

use roxmltree::{Document, Node};

use crate::inventory::ParseError;
use crate::inventory::text::LineIndex;

/// How deep elements may nest: far beyond any manifest, and shallow enough that building and
/// dropping the tree cannot overflow a thread's stack.
const MAX_DEPTH: usize = 1000;

/// Parses `text`; the error names the line and says what is wrong.
pub fn parse(text: &str) -> Result<Document<'_>, ParseError> {
    check_depth(text)?;
    Document::parse(text).map_err(|error| {
        let line = error.pos().row;
        ParseError::at(line, without_position(&error.to_string()))
    })
}

/// Refuses elements nested deeper than [`MAX_DEPTH`], counting start and end tags in a cheap
/// pass before the parser builds the tree (a tag inside a comment may count: no real manifest
/// comes near the limit either way).
fn check_depth(text: &str) -> Result<(), ParseError> {
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    for (i, window) in bytes.windows(2).enumerate() {
        match window {
            [b'<', b'/'] => depth = depth.saturating_sub(1),
            [b'/', b'>'] => depth = depth.saturating_sub(1),
            [b'<', next] if next.is_ascii_alphabetic() || *next == b'_' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    let line = LineIndex::new(text).line(i);
                    return Err(ParseError::at(
                        line,
                        format!("elements nest deeper than {MAX_DEPTH} levels"),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(())
}

/// roxmltree's message without the " at ROW:COL" it puts in it: the line is reported
/// separately.
fn without_position(message: &str) -> String {
    let mut rest = message;
    let mut out = String::with_capacity(message.len());
    while let Some(i) = rest.find(" at ") {
        let after = &rest[i + 4..];
        let end = after
            .find(|c: char| !(c.is_ascii_digit() || c == ':'))
            .unwrap_or(after.len());
        let is_position = after[..end]
            .split_once(':')
            .is_some_and(|(row, col)| !row.is_empty() && !col.is_empty() && !col.contains(':'));
        out.push_str(&rest[..i]);
        if !is_position {
            out.push_str(" at ");
        }
        rest = if is_position { &after[end..] } else { after };
    }
    out.push_str(rest);
    out
}

/// The child elements of `node` called `name`.
pub fn children<'a, 'input: 'a>(
    node: Node<'a, 'input>,
    name: &'a str,
) -> impl Iterator<Item = Node<'a, 'input>> + 'a {
    node.children()
        .filter(move |child| child.is_element() && child.tag_name().name() == name)
}

/// The first child element of `node` called `name`.
pub fn child<'a, 'input>(node: Node<'a, 'input>, name: &str) -> Option<Node<'a, 'input>> {
    node.children()
        .find(|child| child.is_element() && child.tag_name().name() == name)
}

/// The trimmed text of the child element `name`, when it has some.
pub fn child_text<'a>(node: Node<'a, '_>, name: &str) -> Option<&'a str> {
    child(node, name)
        .and_then(|child| child.text())
        .map(str::trim)
        .filter(|text| !text.is_empty())
}

/// The 1-based line on which `node` starts.
pub fn line(lines: &LineIndex, node: Node<'_, '_>) -> u32 {
    lines.line(node.range().start)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_taken_out_of_messages() {
        assert_eq!(
            without_position("attribute 'Include' at 3:42 is already defined"),
            "attribute 'Include' is already defined"
        );
        assert_eq!(
            without_position("unexpected end of stream at 5:1"),
            "unexpected end of stream"
        );
        assert_eq!(without_position("look at this"), "look at this");
    }
}
