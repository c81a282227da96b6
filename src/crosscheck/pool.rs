//! A bounded pool of worker threads for the cross-check's requests.
//!
//! Stage: cross-check. Runs one closure per item on at most `n` threads and returns the
//! results in item order. The scan's threads are never used: this runs after the scan.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` over `items` on at most `n` threads; results in the order of `items`.
pub fn run<T: Sync, R: Send>(n: usize, items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let workers = n.max(1).min(items.len());
    if workers <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let mut slots: Vec<(usize, R)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| {
                    let mut done = Vec::new();
                    loop {
                        let i = next.fetch_add(1, Ordering::Relaxed);
                        let Some(item) = items.get(i) else { break };
                        done.push((i, f(item)));
                    }
                    done
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    slots.sort_by_key(|(i, _)| *i);
    slots.into_iter().map(|(_, r)| r).collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_come_back_in_item_order_on_any_number_of_threads() {
        let items: Vec<u32> = (0..100).collect();
        for n in [0, 1, 3, 200] {
            assert_eq!(
                super::run(n, &items, |x| x * 2),
                (0..100).map(|x| x * 2).collect::<Vec<_>>()
            );
        }
    }
}
