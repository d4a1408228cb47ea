//! Progress bars: the CLI's [`vigil_app::Progress`], drawn on stderr only
//! when it is a terminal (hidden in pipes and CI).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use vigil_app::Progress;

use crate::output::{term, Output};

/// A progress bar, hidden when the output is quiet or JSON.
#[derive(Debug)]
pub struct Bar {
    bar: ProgressBar,
    /// Steps shorter than this are not drawn at all.
    min_total: u64,
    /// Whether "waiting for another run" is said.
    quiet: bool,
}

impl Bar {
    /// A bar counting items (documents, reports).
    pub fn count(out: &Output) -> Bar {
        Bar {
            bar: if out.quiet || out.json {
                ProgressBar::hidden()
            } else {
                ProgressBar::new(0)
            },
            min_total: 0,
            quiet: out.quiet,
        }
    }

    /// A bar counting items that is drawn only for steps of `min` or more.
    pub fn count_from(out: &Output, min: u64) -> Bar {
        Bar {
            min_total: min,
            ..Bar::count(out)
        }
    }

    /// A bar counting bytes read, with speed and time left.
    pub fn bytes(out: &Output) -> Bar {
        Bar {
            bar: bytes_bar(0, out),
            ..Bar::count(out)
        }
    }
}

/// An indicatif bar of `total` bytes, with speed and time left; hidden
/// when the output is quiet or JSON.
pub fn bytes_bar(total: u64, out: &Output) -> ProgressBar {
    if out.quiet || out.json {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:30} {bytes}/{total_bytes} ({bytes_per_sec}, eta {eta}) {wide_msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

impl Progress for Bar {
    fn start(&self, total: u64) {
        if total < self.min_total {
            self.bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        self.bar.set_length(total);
    }

    fn advance(&self, n: u64) {
        self.bar.inc(n);
    }

    fn position(&self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    fn message(&self, text: &str) {
        self.bar.set_message(term(text).into_owned());
    }

    fn waiting(&self) {
        if !self.quiet {
            eprintln!("waiting for another link run on this store…");
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
