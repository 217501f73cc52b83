//! Problems in files people write (policies, manifests), shown where they are:
//! `FILE:LINE:COL: message`, the offending line, and a caret under the offending text.
//!
//! Every problem found in one file is collected and shown in one run, so a user fixes them all
//! at once instead of one per invocation.

use std::fmt::Write as _;
use std::ops::Range;

/// One problem at a byte span of a file's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    pub span: Range<usize>,
    pub message: String,
    /// What to do about it, when that is not obvious from the message.
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(span: Range<usize>, message: impl Into<String>) -> Self {
        Diagnostic {
            span,
            message: message.into(),
            help: None,
        }
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

/// 1-based line and column (in characters) of a byte offset. Offsets past the end or inside a
/// UTF-8 sequence are clamped to the nearest position before them.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = crate::util::text::floor_char_boundary(text, offset);
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = text[line_start..offset].chars().count() + 1;
    (line, col)
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> u32 {
    u32::try_from(line_col(text, offset).0).unwrap_or(u32::MAX)
}

/// Renders every diagnostic of one file, in file order.
pub fn render(file: &str, text: &str, diagnostics: &[Diagnostic]) -> String {
    let mut sorted: Vec<&Diagnostic> = diagnostics.iter().collect();
    sorted.sort_by_key(|d| (d.span.start, d.span.end));
    let mut out = String::new();
    for diagnostic in sorted {
        Excerpt::of(text, diagnostic).render(&mut out, file, &diagnostic.message);
    }
    out
}

/// The place a diagnostic points at, with the line of text under it: all that showing it
/// needs once the file's text is gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Excerpt {
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The whole line.
    pub text: String,
    /// How many characters the caret underlines (at least one).
    pub width: usize,
    pub help: Option<String>,
}

impl Excerpt {
    /// Where `diagnostic` points in `text`.
    pub fn of(text: &str, diagnostic: &Diagnostic) -> Excerpt {
        let (line, column) = line_col(text, diagnostic.span.start);
        let line_text = text
            .lines()
            .nth(line - 1)
            .unwrap_or("")
            .trim_end_matches('\r');
        let start = diagnostic.span.start.min(text.len());
        let end = diagnostic.span.end.clamp(start, text.len());
        let underlined = text.get(start..end).unwrap_or("");
        let underlined_on_line = underlined.split('\n').next().unwrap_or("");
        Excerpt {
            line,
            column,
            text: line_text.to_owned(),
            width: underlined_on_line.chars().count().max(1),
            help: diagnostic.help.clone(),
        }
    }

    /// `FILE:LINE:COL: message`, the line, a caret under the span, and the help.
    pub fn render(&self, out: &mut String, file: &str, message: &str) {
        let Excerpt {
            line,
            column,
            text,
            width,
            help,
        } = self;
        let _ = writeln!(out, "{file}:{line}:{column}: {message}");
        let gutter = line.to_string().len();
        let _ = writeln!(out, "{:gutter$} |", "");
        let _ = writeln!(out, "{line} | {text}");
        let _ = writeln!(
            out,
            "{:gutter$} | {}{}",
            "",
            " ".repeat(column - 1),
            "^".repeat(*width)
        );
        if let Some(help) = help {
            let _ = writeln!(out, "{:gutter$} = help: {help}", "");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let text = "a = 1\nnäme = \"x\"\n";
        assert_eq!(line_col(text, 0), (1, 1));
        let offset = text.find('"').unwrap();
        assert_eq!(line_col(text, offset), (2, 8));
    }

    #[test]
    fn caret_underlines_the_span_only_on_its_first_line() {
        let text = "version = 1\nring = \"hodl\"\n";
        let start = text.find("\"hodl\"").unwrap();
        let rendered = render(
            "p.toml",
            text,
            &[Diagnostic::new(start..start + 6, "unknown ring").with_help("use hold")],
        );
        assert_eq!(
            rendered,
            "p.toml:2:8: unknown ring\n  |\n2 | ring = \"hodl\"\n  |        ^^^^^^\n  = help: use hold\n"
        );
    }
}
