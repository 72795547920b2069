//! An ordered parallel map with bounded memory: one producer (reading input), `threads`
//! workers, and the caller's thread as the consumer that receives results in the order the
//! jobs were produced. At most `in_flight` jobs exist at once (produced, not yet consumed),
//! so memory is bounded by `in_flight` chunks whatever the input size. Standard library only.

use std::collections::BTreeMap;
use std::io;
use std::sync::mpsc::sync_channel;
use std::sync::Mutex;
use std::thread;

/// Runs `work` over the jobs `produce` returns (until `Ok(None)`), on `threads` threads, and
/// hands each result to `consume` in job order. A producer error stops production: the jobs
/// before it are still consumed, then the error is returned. A consumer error stops
/// everything.
pub fn run_ordered<J, R>(
    threads: usize,
    in_flight: usize,
    mut produce: impl FnMut() -> io::Result<Option<J>> + Send,
    work: impl Fn(J) -> R + Sync,
    mut consume: impl FnMut(R) -> io::Result<()>,
) -> io::Result<()>
where
    J: Send,
    R: Send,
{
    let threads = threads.max(1);
    let in_flight = in_flight.max(threads);
    // Tokens bound the jobs in flight: the producer takes one per job, the consumer returns it
    // once the job's result is consumed.
    let (token_tx, token_rx) = sync_channel::<()>(in_flight);
    for _ in 0..in_flight {
        token_tx.send(()).map_err(|_| io::Error::other("pipeline setup failed"))?;
    }
    let (job_tx, job_rx) = sync_channel::<(u64, J)>(in_flight);
    let (result_tx, result_rx) = sync_channel::<(u64, R)>(in_flight);
    let job_rx = Mutex::new(job_rx);
    thread::scope(|scope| {
        let producer = scope.spawn(move || -> io::Result<u64> {
            let mut produced = 0u64;
            while token_rx.recv().is_ok() {
                let Some(job) = produce()? else { break };
                if job_tx.send((produced, job)).is_err() {
                    break;
                }
                produced += 1;
            }
            Ok(produced)
        });
        let (work, job_rx) = (&work, &job_rx);
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                let result_tx = result_tx.clone();
                scope.spawn(move || loop {
                    let next = match job_rx.lock() {
                        Ok(receiver) => receiver.recv(),
                        Err(_) => return,
                    };
                    let Ok((seq, job)) = next else { return };
                    if result_tx.send((seq, work(job))).is_err() {
                        return;
                    }
                })
            })
            .collect();
        drop(result_tx);

        let mut pending = BTreeMap::new();
        let mut next = 0u64;
        let mut outcome = Ok(());
        'receive: for (seq, result) in result_rx.iter() {
            pending.insert(seq, result);
            while let Some(result) = pending.remove(&next) {
                if let Err(error) = consume(result) {
                    outcome = Err(error);
                    break 'receive;
                }
                next += 1;
                // The producer may have stopped; a refused token is harmless then.
                let _ = token_tx.send(());
            }
        }
        drop(result_rx);
        drop(token_tx);
        let mut panicked = false;
        for worker in workers {
            panicked |= worker.join().is_err();
        }
        let produced = producer.join().map_err(|_| io::Error::other("the input thread failed"))?;
        outcome?;
        let produced = produced?;
        if panicked || next != produced {
            return Err(io::Error::other("a worker thread failed"));
        }
        Ok(())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn keeps_order_with_any_thread_count() {
        for threads in [1, 2, 5] {
            let mut next = 0u32;
            let mut seen = Vec::new();
            run_ordered(
                threads,
                3,
                || {
                    next += 1;
                    Ok((next <= 200).then_some(next))
                },
                |n| {
                    if n % 7 == 0 {
                        std::thread::sleep(std::time::Duration::from_micros(200));
                    }
                    n * 2
                },
                |r| {
                    seen.push(r);
                    Ok(())
                },
            )
            .unwrap();
            assert_eq!(seen, (1..=200).map(|n| n * 2).collect::<Vec<_>>());
        }
    }

    #[test]
    fn errors_stop_the_pipeline() {
        let mut next = 0u32;
        let mut seen = Vec::new();
        let result = run_ordered(
            2,
            4,
            || {
                next += 1;
                if next == 50 {
                    return Err(io::Error::other("read failed"));
                }
                Ok(Some(next))
            },
            |n| n,
            |r| {
                seen.push(r);
                Ok(())
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "read failed");
        assert_eq!(seen, (1..50).collect::<Vec<_>>());
        let mut count = 0;
        let result = run_ordered(
            2,
            4,
            || Ok(Some(1u8)),
            |n| n,
            |_| {
                count += 1;
                if count == 10 {
                    Err(io::Error::other("disk full"))
                } else {
                    Ok(())
                }
            },
        );
        assert_eq!(result.unwrap_err().to_string(), "disk full");
    }
}
