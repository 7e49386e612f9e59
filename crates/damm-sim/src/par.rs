//! A deterministic parallel map over indices (`std::thread::scope`, no
//! dependency). Work is handed out index by index; results come back in index
//! order, so the output does not depend on the number of threads or on
//! scheduling.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;

use crate::Result;

/// `(0..len).map(f)` on up to `jobs` threads (`jobs ≤ 1`: on this thread).
/// Returns the first error in index order, if any.
///
/// ```
/// let squares = damm_sim::par::map(5, 2, |i| Ok(i * i)).unwrap();
/// assert_eq!(squares, vec![0, 1, 4, 9, 16]);
/// ```
pub fn map<T, F>(len: usize, jobs: usize, f: F) -> Result<Vec<T>>
where
    T: Send,
    F: Fn(usize) -> Result<T> + Sync,
{
    if jobs <= 1 || len <= 1 {
        return (0..len).map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let slots: Mutex<Vec<Option<Result<T>>>> = Mutex::new((0..len).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..jobs.min(len) {
            scope.spawn(|| loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= len {
                    break;
                }
                let value = f(i);
                if let Ok(mut slots) = slots.lock() {
                    slots[i] = Some(value);
                }
            });
        }
    });
    let slots = slots
        .into_inner()
        .map_err(|_| crate::SimError::Invalid("a worker thread panicked".into()))?;
    slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err(crate::SimError::Invalid("missing result".into()))))
        .collect()
}
