//! The batch commands' progress bar.

use std::io::{self, IsTerminal};
use std::time::{Duration, Instant};

use edgescore::issuer::rows::Counts;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A progress bar on stderr when it is a terminal (rate and ETA); nothing otherwise.
pub(crate) struct Progress {
    pub bar: ProgressBar,
    pub started: Instant,
    noun: &'static str,
}

impl Progress {
    pub(crate) fn new(total_bytes: Option<u64>, noun: &'static str) -> Progress {
        let bar = if io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(total_bytes, ProgressDrawTarget::stderr());
            let template = if total_bytes.is_some() {
                "{bar:20} {percent:>3}% {msg}, ETA {eta}"
            } else {
                "{spinner} {msg}, {elapsed}"
            };
            if let Ok(style) = ProgressStyle::with_template(template) {
                bar.set_style(style);
            }
            bar.enable_steady_tick(Duration::from_millis(250));
            bar
        } else {
            ProgressBar::hidden()
        };
        Progress { bar, started: Instant::now(), noun }
    }

    pub(crate) fn update(&self, bytes: u64, counts: &Counts) {
        let rate = counts.written as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        self.bar.set_position(bytes);
        self.bar
            .set_message(format!("{} {} · {:.0}/s · {} rejected", counts.written, self.noun, rate, counts.rejected));
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
