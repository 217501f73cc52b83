//! The one channel to standard error. Every error, warning, note and progress line depgov
//! shows goes through here, in one style — `error: `, `warning: `, `note: `, and `depgov: `
//! for what depgov is doing — coloured on a terminal as cargo colours it, never into a pipe or
//! a file unless asked (`--color always`, `CLICOLOR_FORCE`), never when `NO_COLOR` is set.
//!
//! In GitHub Actions, a warning or error that a user must see (it has a title) is shown as an
//! annotation instead, which the runner prints in the log too and lists on the run's page.
//!
//! Messages are data ([`Message`]) until shown, so that code deep in a stage can return them
//! and the command decides where they go. Writing to standard error can fail (a closed or full
//! stream); that is ignored here, so it never changes the exit code.

use std::fmt;
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

use anstream::ColorChoice;
use anstyle::{AnsiColor, Style};
use indicatif::{ProgressBar, ProgressStyle};

use crate::github::workflow::{self, Annotation};

/// How serious a message is; its prefix and colour follow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    /// What depgov is doing or did (`depgov: `).
    Info,
    Note,
    Warning,
    Error,
}

impl Level {
    fn prefix(self) -> &'static str {
        match self {
            Level::Info => "depgov",
            Level::Note => "note",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    fn style(self) -> Style {
        let colour = match self {
            Level::Info => None,
            Level::Note => Some(AnsiColor::Cyan),
            Level::Warning => Some(AnsiColor::Yellow),
            Level::Error => Some(AnsiColor::Red),
        };
        Style::new().bold().fg_color(colour.map(Into::into))
    }
}

/// One line (or block) for standard error.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Message {
    pub level: Level,
    pub text: String,
    /// The annotation's title in GitHub Actions; a message without one is a log line there.
    pub title: Option<String>,
}

impl Message {
    pub fn new(level: Level, text: impl Into<String>) -> Self {
        Message {
            level,
            text: text.into(),
            title: None,
        }
    }

    /// Makes the message an annotation titled `title` in GitHub Actions (warnings and errors).
    pub fn titled(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    pub fn info(text: impl Into<String>) -> Self {
        Message::new(Level::Info, text)
    }

    pub fn note(text: impl Into<String>) -> Self {
        Message::new(Level::Note, text)
    }

    pub fn warning(text: impl Into<String>) -> Self {
        Message::new(Level::Warning, text)
    }

    pub fn error(text: impl Into<String>) -> Self {
        Message::new(Level::Error, text)
    }
}

/// Without colour: `warning: the text`.
impl fmt::Display for Message {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.level.prefix(), self.text)
    }
}

/// Sets whether standard output and standard error are coloured (`--color`); `Auto` colours
/// a terminal unless `NO_COLOR` is set, and a pipe only when `CLICOLOR_FORCE` is.
pub fn set_color(choice: ColorChoice) {
    choice.write_global();
}

/// Shows one message: as an annotation in GitHub Actions when it has a title.
pub fn show(message: &Message) {
    if let Some(title) = &message.title
        && let Some(level) = annotation_level(message.level)
    {
        write_stderr(&format!(
            "{}\n",
            workflow::annotation(level, None, title, &message.text)
        ));
        return;
    }
    let style = message.level.style();
    write_stderr(&format!(
        "{style}{}:{style:#} {}\n",
        message.level.prefix(),
        message.text
    ));
}

/// The annotation a message of `level` is shown as, when depgov runs in GitHub Actions.
fn annotation_level(level: Level) -> Option<Annotation> {
    match level {
        _ if !workflow::in_actions() => None,
        Level::Error => Some(Annotation::Error),
        Level::Warning => Some(Annotation::Warning),
        Level::Info | Level::Note => None,
    }
}

/// An error that stops the run: in GitHub Actions one error annotation titled `title`, at `at`
/// (a file and line) when known, holding `details` (laid out problems) and `text`; elsewhere
/// `details` as they are and an `error: ` line.
pub fn fatal(title: &str, at: Option<(&str, u32)>, details: &str, text: &str) {
    if workflow::in_actions() {
        let message = format!("{details}{text}");
        write_stderr(&format!(
            "{}\n",
            workflow::annotation(Annotation::Error, at, title, &message)
        ));
    } else {
        block(details);
        show(&Message::error(text));
    }
}

pub fn info(text: impl Into<String>) {
    show(&Message::info(text));
}

pub fn warning(text: impl Into<String>) {
    show(&Message::warning(text));
}

/// Text already laid out (a policy's problems, each at file:line:col with its caret), shown
/// as it is.
pub fn block(text: &str) {
    write_stderr(text);
}

fn write_stderr(text: &str) {
    let mut stderr = anstream::stderr().lock();
    let _ = stderr.write_all(text.as_bytes());
    let _ = stderr.flush();
}

/// How often a plain progress line is printed when standard error is not a terminal.
pub const PROGRESS_LINE_EVERY: Duration = Duration::from_secs(10);

/// Progress of a long run: a bar (indicatif) when standard error is a terminal; otherwise, as
/// in CI logs, a `depgov: ` line at the start, every [`PROGRESS_LINE_EVERY`] and at the end.
pub struct Progress {
    bar: Option<ProgressBar>,
    total: usize,
    last_line: Instant,
}

impl Progress {
    /// `what` says what is counted, e.g. `acme (shard 2/4)`.
    pub fn new(total: usize, what: &str) -> Progress {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(total as u64);
            let style = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed}, about {eta} left)",
            )
            .map(|style| style.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            bar.set_style(style);
            bar.set_prefix(what.to_owned());
            bar
        });
        if bar.is_none() {
            info(format!("{what}: {total} to scan"));
        }
        Progress {
            bar,
            total,
            last_line: Instant::now(),
        }
    }

    /// Shows that `done` are done, and `detail` (e.g. `3 failed`); plain lines only every
    /// [`PROGRESS_LINE_EVERY`].
    pub fn update(&mut self, done: usize, detail: &str) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(done as u64);
                bar.set_message(detail.to_owned());
            }
            None if self.last_line.elapsed() >= PROGRESS_LINE_EVERY => {
                self.last_line = Instant::now();
                info(format!("{done}/{} done, {detail}", self.total));
            }
            None => {}
        }
    }

    /// Ends the display with a final line.
    pub fn finish(self, done: usize, detail: &str) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
        info(format!("{done}/{} done, {detail}", self.total));
    }
}
