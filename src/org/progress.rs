//! Progress of a scan on standard error: a bar (indicatif) when standard error is a terminal;
//! otherwise, as in CI logs, a plain line every [`LINE_EVERY`] and one at the end. Either shows
//! repositories done of the total, how many failed, and the requests GitHub's rate limit has
//! left.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// How often a plain progress line is printed.
pub const LINE_EVERY: Duration = Duration::from_secs(10);

/// Where a scan stands.
#[derive(Clone, Copy, Debug, Default)]
pub struct Status {
    pub done: usize,
    pub total: usize,
    pub failed: usize,
    pub rate_limit_left: Option<u64>,
}

impl Status {
    fn describe(&self) -> String {
        let left = self
            .rate_limit_left
            .map(|left| format!(", rate limit {left} left"))
            .unwrap_or_default();
        format!("{} failed{left}", self.failed)
    }
}

/// The progress display.
pub struct Progress {
    bar: Option<ProgressBar>,
    last_line: Instant,
}

impl Progress {
    /// A bar on a terminal, plain lines elsewhere; `what` says what is counted.
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
            eprintln!("depgov: {what}: {total} to scan");
        }
        Progress {
            bar,
            last_line: Instant::now(),
        }
    }

    /// Shows `status`; plain lines only every [`LINE_EVERY`].
    pub fn update(&mut self, status: &Status) {
        match &self.bar {
            Some(bar) => {
                bar.set_position(status.done as u64);
                bar.set_message(status.describe());
            }
            None if self.last_line.elapsed() >= LINE_EVERY => {
                self.last_line = Instant::now();
                eprintln!(
                    "depgov: {}/{} done, {}",
                    status.done,
                    status.total,
                    status.describe()
                );
            }
            None => {}
        }
    }

    /// Ends the display with the final `status`.
    pub fn finish(self, status: &Status) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
        eprintln!(
            "depgov: {}/{} done, {}",
            status.done,
            status.total,
            status.describe()
        );
    }
}
