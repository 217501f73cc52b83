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
    if c.is_ascii() {
        // Most text is ASCII, where only the controls are invisible; the table lookup below
        // would otherwise cost a quarter of writing a large report.
        return c.is_ascii_control() && !matches!(c, '\n' | '\t');
    }
    matches!(
        c.general_category(),
        GeneralCategory::Control
            | GeneralCategory::Format
            | GeneralCategory::LineSeparator
            | GeneralCategory::ParagraphSeparator
    )
}

/// The byte offset of the first invisible character of `text`. Large reports are mostly
/// printable ASCII in short strings (a report of 24,000 components writes 840,000), so it is
/// skipped eight bytes at a time with one test a word; characters are decoded only from the
/// first byte that is anything else.
pub fn find_invisible(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let words = bytes
        .chunks_exact(8)
        .take_while(|word| <[u8; 8]>::try_from(*word).is_ok_and(printable_word))
        .count();
    let printable = 8 * words
        + bytes
            .get(8 * words..)?
            .iter()
            .take_while(|b| (0x20..0x7f).contains(*b))
            .count();
    // Every byte before `printable` is ASCII, so it is a character boundary.
    text.get(printable..)?
        .char_indices()
        .find(|(_, c)| is_invisible(*c))
        .map(|(at, _)| printable + at)
}

/// Whether all eight bytes are printable ASCII (0x20 to 0x7e). Per byte: subtracting 0x20
/// sets the high bit below 0x20, adding one sets it from 0x7f, and it is set from 0x80. A
/// borrow or carry crosses into the next byte only from a byte that fails already.
fn printable_word(word: [u8; 8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGH: u64 = u64::from_ne_bytes([0x80; 8]);
    let word = u64::from_le_bytes(word);
    (word.wrapping_sub(0x20 * ONES) | word | word.wrapping_add(ONES)) & HIGH == 0
}

/// `text` with each invisible character written as its escape, e.g. `\u{202e}`.
pub fn visible(text: &str) -> Cow<'_, str> {
    if find_invisible(text).is_none() {
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
    fn the_ascii_shortcut_agrees_with_the_unicode_categories() {
        for c in (0u8..=0x7f).map(char::from) {
            let by_category =
                !matches!(c, '\n' | '\t') && c.general_category() == GeneralCategory::Control;
            assert_eq!(is_invisible(c), by_category, "{c:?}");
        }
        assert_eq!(find_invisible("plain ascii"), None);
        assert_eq!(find_invisible("ab\u{7f}"), Some(2));
        assert_eq!(find_invisible("é\u{1b}"), Some(2));
        assert_eq!(find_invisible("éa\u{200b}"), Some(3));
        // Every byte value, at each place of a word and of the tail after it.
        for byte in 0..=0x7f_u8 {
            for at in 0..12 {
                let mut text = vec![b'a'; 12];
                text[at] = byte;
                let text = String::from_utf8(text).expect("ASCII");
                let expected = is_invisible(char::from(byte)).then_some(at);
                assert_eq!(find_invisible(&text), expected, "{byte:#x} at {at}");
            }
        }
        assert_eq!(find_invisible("twelve bytes\u{0}"), Some(12));
        assert_eq!(find_invisible("eight bé\u{2028}"), Some(9));
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
