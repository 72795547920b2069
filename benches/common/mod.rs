//! What the native benchmarks share: a median of timed samples.

use std::time::{Duration, Instant};

/// Median time per call of `f` over `samples` samples, each of enough calls to last about
/// `sample_time` (calibrated once).
pub(crate) fn median(samples: usize, sample_time: Duration, mut f: impl FnMut()) -> Duration {
    let start = Instant::now();
    let mut calibrate = 0u32;
    while start.elapsed() < sample_time {
        f();
        calibrate += 1;
    }
    let per_sample = calibrate.max(1);
    let mut times: Vec<Duration> = (0..samples)
        .map(|_| {
            let start = Instant::now();
            for _ in 0..per_sample {
                f();
            }
            start.elapsed() / per_sample
        })
        .collect();
    times.sort();
    times[samples / 2]
}
