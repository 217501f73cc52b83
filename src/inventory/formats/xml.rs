//! What the XML manifests (Maven's `pom.xml`, .NET project files) share: parsing with
//! `roxmltree` (which refuses DTDs, so no entity can expand), errors at their line, and
//! reading elements by local name, as both formats use one default namespace or none.

use roxmltree::{Document, Node};

use crate::inventory::ParseError;
use crate::inventory::text::LineIndex;

/// Parses `text`; the error names the line and says what is wrong.
pub fn parse(text: &str) -> Result<Document<'_>, ParseError> {
    Document::parse(text).map_err(|error| {
        let line = error.pos().row;
        // roxmltree ends its message with " at ROW:COL"; the line is reported separately.
        let message = error.to_string();
        let message = match message.rfind(" at ") {
            Some(i) => message[..i].to_owned(),
            None => message,
        };
        ParseError::at(line, message)
    })
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
