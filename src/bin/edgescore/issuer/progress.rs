//! The batch commands' progress: a bar with rate and ETA on stderr when it is a terminal,
//! otherwise a JSON line on stderr every `--progress-interval` seconds (for logs of batch
//! jobs), `{"progress":{"done":…,"rejected":…,"bytes_read":…,"bytes_total":…,"percent":…,"per_second":…,"elapsed_seconds":…}}`.

use std::cell::Cell;
use std::io::{self, IsTerminal, Write};
use std::time::{Duration, Instant};

use edgescore::decimal::round_to_json;
use edgescore::issuer::rows::Counts;
use edgescore::json::{Object, Value};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// How progress is shown.
pub(crate) struct Progress {
    pub bar: ProgressBar,
    pub started: Instant,
    noun: &'static str,
    total_bytes: Option<u64>,
    /// Lines every this often when stderr is not a terminal (`None`: never).
    every: Option<Duration>,
    last_line: Cell<Instant>,
}

impl Progress {
    pub(crate) fn new(total_bytes: Option<u64>, noun: &'static str, every: Option<Duration>) -> Progress {
        let terminal = io::stderr().is_terminal();
        let bar = if terminal {
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
        let now = Instant::now();
        Progress {
            bar,
            started: now,
            noun,
            total_bytes,
            every: if terminal { None } else { every },
            last_line: Cell::new(now),
        }
    }

    /// `bytes` of the input read, `counts` so far.
    pub(crate) fn update(&self, bytes: u64, counts: &Counts) {
        let elapsed = self.started.elapsed().as_secs_f64().max(1e-3);
        let rate = counts.written as f64 / elapsed;
        self.bar.set_position(bytes);
        self.bar
            .set_message(format!("{} {} · {:.0}/s · {} rejected", counts.written, self.noun, rate, counts.rejected));
        if let Some(every) = self.every {
            if self.last_line.get().elapsed() >= every {
                self.last_line.set(Instant::now());
                let percent = match self.total_bytes {
                    Some(total) if total > 0 => round_to_json(bytes as f64 * 100.0 / total as f64, 1),
                    _ => Value::Null,
                };
                let line = Object::new().with(
                    "progress",
                    Object::new()
                        .with("done", counts.written as i64)
                        .with("rejected", counts.rejected as i64)
                        .with("bytes_read", bytes as i64)
                        .with("bytes_total", self.total_bytes.map_or(Value::Null, |t| Value::from(t as i64)))
                        .with("percent", percent)
                        .with("per_second", rate.round() as i64)
                        .with("elapsed_seconds", round_to_json(elapsed, 1)),
                );
                let _ = writeln!(io::stderr().lock(), "{}", line.to_json());
            }
        }
    }

    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
