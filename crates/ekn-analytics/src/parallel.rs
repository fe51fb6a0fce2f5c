//! Work split over the machine's cores, with one rule: a part that panics fails the whole job.
//! The panic is raised again in the caller (the host answers `internal` and nothing is written),
//! never swallowed into a shorter result, which would pair the other parts' answers with the
//! wrong inputs (predictions moved onto other appeals, a model with a class missing).

/// Splits `items` into at most `parts` contiguous parts, runs `work` on each on its own thread,
/// and returns the parts' results in order. A panic in any part is resumed in the caller.
pub fn map_parts<T: Sync, R: Send>(items: &[T], parts: usize, work: impl Fn(&[T]) -> R + Sync) -> Vec<R> {
    if items.is_empty() {
        return Vec::new();
    }
    let size = items.len().div_ceil(parts.max(1));
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = items.chunks(size).map(|part| scope.spawn(move || work(part))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

/// Runs `work(t)` for `t` in `0..threads` on as many threads and returns the results by `t`. A
/// panic in any thread is resumed in the caller.
pub fn map_threads<R: Send>(threads: usize, work: impl Fn(usize) -> R + Sync) -> Vec<R> {
    let work = &work;
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads.max(1)).map(|t| scope.spawn(move || work(t))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|panic| std::panic::resume_unwind(panic))).collect()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_come_back_in_order() {
        let items: Vec<u32> = (0..101).collect();
        let sums = map_parts(&items, 2, |part| part.to_vec());
        assert_eq!(sums.len(), 2);
        assert_eq!(sums.concat(), items);
        assert_eq!(map_threads(3, |t| t * 10), vec![0, 10, 20]);
    }

    #[test]
    fn a_part_that_panics_fails_the_whole_job() {
        let items: Vec<u32> = (0..10).collect();
        let outcome = std::panic::catch_unwind(|| {
            map_parts(&items, 2, |part| {
                assert!(!part.contains(&2), "the first part fails");
                part.len()
            })
        });
        assert!(outcome.is_err(), "a panic in the first part is not swallowed into the second part's answer alone");
        let outcome =
            std::panic::catch_unwind(|| map_threads(2, |t| if t == 1 { panic!("thread 1 fails") } else { t }));
        assert!(outcome.is_err());
    }
}
