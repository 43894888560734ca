//! Progress: what a long build is doing, shown on stderr while it runs.
//!
//! A bar counts documents while they are extracted; after that a spinner names each stage —
//! resolving, building the graph, sorting, writing (with the bytes written so far), syncing —
//! so that a build of 100k articles, which spends a minute after extraction, is never silent
//! (issue 5: "a progress bar on stderr for long runs when stderr is a terminal, silent
//! otherwise"). indicatif draws nothing unless stderr is a terminal, and a [`Progress::hidden`]
//! one (`--quiet`) draws nothing at all.

use std::borrow::Cow;
use std::fmt;
use std::io::{self, Write};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// How often a spinner moves while a stage with nothing to count runs.
const TICK: Duration = Duration::from_millis(120);

const DOCUMENTS_TEMPLATE: &str = "extracting [{bar:30}] {pos}/{len} documents, {rate}/s, {eta} left";
const STAGE_TEMPLATE: &str = "{spinner} {msg} ({elapsed})";
const WRITING_TEMPLATE: &str = "{spinner} writing {msg}: {binary_bytes} ({binary_bytes_per_sec})";

/// The one progress line of a run; cheap to clone, and every clone draws on the same line.
#[derive(Debug, Clone)]
pub struct Progress {
    bar: ProgressBar,
}

impl Default for Progress {
    fn default() -> Self {
        Progress::hidden()
    }
}

impl Progress {
    /// Shows nothing.
    pub fn hidden() -> Self {
        Progress { bar: ProgressBar::hidden() }
    }

    /// Shows on stderr when stderr is a terminal, and nothing otherwise.
    pub fn on_stderr() -> Self {
        Progress::drawn_to(ProgressDrawTarget::stderr())
    }

    /// Shows on `target` (tests draw to a recording terminal).
    pub fn drawn_to(target: ProgressDrawTarget) -> Self {
        Progress { bar: ProgressBar::with_draw_target(None, target) }
    }

    /// Count `total` documents as they are extracted ([`Progress::document_done`]).
    pub fn documents(&self, total: usize) {
        // indicatif's own {per_sec} shows four decimals.
        let whole_per_second = |state: &ProgressState, out: &mut dyn fmt::Write| {
            let _ = write!(out, "{:.0}", state.per_sec());
        };
        self.bar.disable_steady_tick();
        self.bar.set_style(style(DOCUMENTS_TEMPLATE).with_key("rate", whole_per_second).progress_chars("=> "));
        self.bar.set_length(total as u64);
        self.bar.reset();
    }

    pub fn document_done(&self) {
        self.bar.inc(1);
    }

    /// A stage with nothing to count: a spinner with `what` it does and how long it has taken.
    pub fn stage(&self, what: impl Into<Cow<'static, str>>) {
        self.restart(style(STAGE_TEMPLATE), what);
    }

    /// Writing `files`: a spinner with the bytes written so far, as [`Progress::counting`]
    /// writers count them.
    pub fn writing(&self, files: impl Into<Cow<'static, str>>) {
        self.restart(style(WRITING_TEMPLATE), files);
    }

    /// `out`, counting the bytes written through it on this progress line.
    pub fn counting<'a, W: Write + ?Sized>(&'a self, out: &'a mut W) -> CountingWriter<'a, W> {
        CountingWriter { out, progress: self }
    }

    /// Take the line off the terminal: the run is over (or has failed).
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }

    /// Whether [`Progress::finish`] was called.
    pub fn is_finished(&self) -> bool {
        self.bar.is_finished()
    }

    /// Show a spinner in `style` with `message`, its count and clock at zero, redrawn on a
    /// timer so that it moves while nothing else does (no timer thread for a hidden line).
    fn restart(&self, style: ProgressStyle, message: impl Into<Cow<'static, str>>) {
        // Style first: the setters after it draw, and would draw the last stage's style.
        self.bar.disable_steady_tick();
        self.bar.set_style(style);
        self.bar.set_message(message);
        self.bar.reset();
        if !self.bar.is_hidden() {
            self.bar.enable_steady_tick(TICK);
        }
    }
}

fn style(template: &str) -> ProgressStyle {
    // The templates are fixed strings, tested below; a bad one would show the default style.
    ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar())
}

/// A writer that adds what it writes to a [`Progress`] line's byte count.
pub struct CountingWriter<'a, W: Write + ?Sized> {
    out: &'a mut W,
    progress: &'a Progress,
}

impl<W: Write + ?Sized> Write for CountingWriter<'_, W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let n = self.out.write(buf)?;
        self.progress.bar.inc(n as u64);
        Ok(n)
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        self.out.write_all(buf)?;
        self.progress.bar.inc(buf.len() as u64);
        Ok(())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}

/// A terminal for tests that keeps every line drawn on it.
#[cfg(test)]
pub mod recording {
    use std::io;
    use std::sync::{Arc, Mutex};

    use indicatif::{ProgressDrawTarget, TermLike};

    /// Everything drawn, as one text with a newline after each drawing.
    #[derive(Debug, Clone, Default)]
    pub struct RecordingTerminal(Arc<Mutex<String>>);

    impl RecordingTerminal {
        /// A draw target for [`super::Progress::drawn_to`] that draws as often as asked.
        pub fn target(&self) -> ProgressDrawTarget {
            ProgressDrawTarget::term_like_with_hz(Box::new(self.clone()), u8::MAX)
        }

        pub fn text(&self) -> String {
            self.0.lock().expect("not poisoned").clone()
        }

        fn push(&self, s: &str) {
            let mut text = self.0.lock().expect("not poisoned");
            text.push_str(s);
            text.push('\n');
        }
    }

    impl TermLike for RecordingTerminal {
        fn width(&self) -> u16 {
            120
        }
        fn move_cursor_up(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_down(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_right(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn move_cursor_left(&self, _: usize) -> io::Result<()> {
            Ok(())
        }
        fn write_line(&self, s: &str) -> io::Result<()> {
            self.push(s);
            Ok(())
        }
        fn write_str(&self, s: &str) -> io::Result<()> {
            self.push(s);
            Ok(())
        }
        fn clear_line(&self) -> io::Result<()> {
            Ok(())
        }
        fn flush(&self) -> io::Result<()> {
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::recording::RecordingTerminal;
    use super::*;

    #[test]
    fn each_stage_is_named_on_the_line_and_writes_are_counted_in_bytes() {
        let terminal = RecordingTerminal::default();
        let progress = Progress::drawn_to(terminal.target());
        progress.documents(2);
        progress.document_done();
        progress.document_done();
        progress.stage("resolving entities across 2 documents");
        progress.writing("graph.ttl");
        let mut file = Vec::new();
        progress.counting(&mut file).write_all(&[b'x'; 3000]).unwrap();
        // Drawn when the timer ticks (a count's own redraws are spaced out): ticked by hand here,
        // which indicatif does only without the timer.
        progress.bar.disable_steady_tick();
        progress.bar.tick();
        progress.finish();
        assert_eq!(file.len(), 3000);
        let text = terminal.text();
        for expected in ["extracting [", "2/2 documents, ", "resolving entities across 2 documents (", "writing graph.ttl: 2.93 KiB"] {
            assert!(text.contains(expected), "{expected:?} never drawn in:\n{text}");
        }
        let extracting = text.find("extracting").unwrap();
        let resolving = text.find("resolving").unwrap();
        let writing = text.find("writing").unwrap();
        assert!(extracting < resolving && resolving < writing, "stages drawn out of order:\n{text}");
    }

    #[test]
    fn a_hidden_line_counts_writes_through_and_draws_nothing() {
        let progress = Progress::hidden();
        progress.documents(1);
        progress.stage("resolving");
        let mut file = Vec::new();
        progress.counting(&mut file).write_all(b"abc").unwrap();
        progress.finish();
        assert_eq!(file, b"abc");
    }

    #[test]
    fn templates_parse() {
        for template in [DOCUMENTS_TEMPLATE, STAGE_TEMPLATE, WRITING_TEMPLATE] {
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }
}
