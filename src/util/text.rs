//! Text from files and services: decoded as UTF-8 with the place of the first bad byte, cut
//! only at character boundaries, and made visible: a character that shows nothing (a control,
//! a zero-width or bidirectional format character, a line separator) is written as its
//! `\u{…}` escape in every output, so hostile package text cannot hide, reorder or glue text.

use std::borrow::Cow;

use unicode_properties::{GeneralCategory, UnicodeGeneralCategory};

/// Whether `c` shows nothing where it is printed: a control other than newline and tab (Cc), a
/// format character (Cf: zero-width spaces and joiners, bidirectional controls, the byte-order
/// mark, tag characters), or a line or paragraph separator (Zl, Zp).
pub fn is_invisible(c: char) -> bool {
    // Most text is ASCII, whose only invisible characters are its controls: answered without
    // the Unicode tables, which took a quarter of a run writing a large JSON report.
    if c.is_ascii() {
        c.is_ascii_control() && !matches!(c, '\n' | '\t')
    } else {
        shows_nothing(c)
    }
}

/// Whether `c`'s general category is one that shows nothing.
fn shows_nothing(c: char) -> bool {
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// `text` with each invisible character written as its escape, e.g. `\u{202e}`.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_invisible) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_invisible(c) {
            out.extend(c.escape_unicode());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The largest character boundary of `text` at or before `index`.
pub fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// At most `max` bytes of `text`, cut at a character boundary, with `…` when cut.
pub fn shorten(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    format!("{}…", &text[..floor_char_boundary(text, max)])
}

/// Bytes that are not UTF-8: where the first bad byte is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NotUtf8 {
    /// Byte offset of the first invalid byte.
    pub offset: usize,
    /// Its 1-based line.
    pub line: u32,
}

impl std::fmt::Display for NotUtf8 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not UTF-8 text (invalid byte at offset {})", self.offset)
    }
}

/// Bytes as text, or where they stop being UTF-8.
pub fn utf8(bytes: Vec<u8>) -> Result<String, NotUtf8> {
    String::from_utf8(bytes).map_err(|e| {
        let offset = e.utf8_error().valid_up_to();
        let before = e.as_bytes().get(..offset).unwrap_or_default();
        let line = before.iter().filter(|b| **b == b'\n').count() + 1;
        NotUtf8 {
            offset,
            line: u32::try_from(line).unwrap_or(u32::MAX),
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_characters_are_written_as_escapes() {
        assert_eq!(visible("plain\ttext\n"), "plain\ttext\n");
        assert_eq!(
            visible("a\u{200B}b\u{202E}c\u{2066}d\u{FEFF}e\u{E0041}f\u{2028}g\u{85}h\rj"),
            "a\\u{200b}b\\u{202e}c\\u{2066}d\\u{feff}e\\u{e0041}f\\u{2028}g\\u{85}h\\u{d}j"
        );
        assert!(!is_invisible('é') && !is_invisible(' ') && !is_invisible('\u{3000}'));
    }

    #[test]
    fn ascii_is_judged_as_its_general_category_says() {
        for c in (0u8..128).map(char::from) {
            let by_category = !matches!(c, '\n' | '\t') && shows_nothing(c);
            assert_eq!(is_invisible(c), by_category, "{c:?}");
        }
    }

    #[test]
    fn cuts_fall_on_character_boundaries() {
        assert_eq!(floor_char_boundary("aé", 2), 1);
        assert_eq!(floor_char_boundary("aé", 9), 3);
        assert_eq!(shorten("héllo", 2), "h…");
        assert_eq!(shorten("hello", 5), "hello");
    }

    #[test]
    fn bad_bytes_are_located_by_offset_and_line() {
        let error = utf8(b"a\nb\xff".to_vec()).unwrap_err();
        assert_eq!(error, NotUtf8 { offset: 3, line: 2 });
    }
}
