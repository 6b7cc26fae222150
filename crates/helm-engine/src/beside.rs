//! Helper threads started on another CPU than the thread that starts them.
//!
//! A helper shares the work of a thread that keeps running (executing templates, reading
//! documents). Some kernels (virtual machines that pack their vCPUs) start a new thread on
//! its parent's CPU and move it to an idle one only at the next balancing, up to a
//! scheduler tick (4 ms at 250 Hz) later: the helper waits behind its parent for much of a
//! short run. Here the starting thread moves to another allowed CPU for the moment of the
//! start, so that the new thread begins there, and moves back; the helper then restores the
//! CPUs it may run on. On such a machine (two vCPUs), a thread started while its parent
//! computes for 3 ms began after 0.24 ms at the 90th percentile, against 2.4 ms, and the
//! pair finished after 3.3 ms against 6.2 ms; the two moves cost the parent 0.05 to 0.2 ms,
//! up to 0.9 ms when the other vCPU had been idle for long (the chart parser's helper,
//! started first, is therefore started as usual). Where the CPUs cannot be read or set, or
//! only one is allowed, the thread starts as usual.

use std::thread::{Builder, Scope, ScopedJoinHandle};

use rustix::thread::{CpuSet, sched_getaffinity, sched_getcpu, sched_setaffinity};

/// `builder.spawn_scoped(scope, work)`, the thread begun on another CPU.
pub(crate) fn spawn_scoped<'scope, 'env, T: Send + 'scope>(
    builder: Builder,
    scope: &'scope Scope<'scope, 'env>,
    work: impl FnOnce() -> T + Send + 'scope,
) -> std::io::Result<ScopedJoinHandle<'scope, T>> {
    from_elsewhere(|allowed| builder.spawn_scoped(scope, move || restored(allowed, work)))
}

/// Runs `start` (which starts a thread) on another CPU than this thread's, then returns
/// here. `start` gets the CPUs the new thread is to be allowed again, when it was moved.
fn from_elsewhere<R>(start: impl FnOnce(Option<CpuSet>) -> R) -> R {
    let Ok(allowed) = sched_getaffinity(None) else { return start(None) };
    let here = sched_getcpu();
    let Some(other) = (0..CpuSet::MAX_CPU).find(|&cpu| cpu != here && allowed.is_set(cpu)) else {
        return start(None);
    };
    if sched_setaffinity(None, &only(other)).is_err() {
        return start(None);
    }
    let started = start(Some(allowed));
    // Back to where this thread ran, then free to move again.
    let _ = sched_setaffinity(None, &only(here));
    let _ = sched_setaffinity(None, &allowed);
    started
}

fn only(cpu: usize) -> CpuSet {
    let mut set = CpuSet::new();
    set.set(cpu);
    set
}

/// `work`, after the thread may run on `allowed` again.
fn restored<T>(allowed: Option<CpuSet>, work: impl FnOnce() -> T) -> T {
    if let Some(allowed) = allowed {
        let _ = sched_setaffinity(None, &allowed);
    }
    work()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_helper_and_its_starter_may_run_where_the_starter_could() {
        let before = sched_getaffinity(None).unwrap();
        let helper_may = std::thread::scope(|scope| {
            spawn_scoped(Builder::new(), scope, || sched_getaffinity(None).unwrap()).unwrap().join().unwrap()
        });
        assert_eq!(helper_may, before);
        assert_eq!(sched_getaffinity(None).unwrap(), before);
    }

    #[test]
    fn a_starter_allowed_one_cpu_starts_as_usual() {
        std::thread::spawn(|| {
            let one = only(sched_getcpu());
            sched_setaffinity(None, &one).unwrap();
            let helper_may = std::thread::scope(|scope| {
                spawn_scoped(Builder::new(), scope, || sched_getaffinity(None).unwrap())
                    .unwrap()
                    .join()
                    .unwrap()
            });
            assert_eq!(helper_may, one);
            assert_eq!(sched_getaffinity(None).unwrap(), one);
        })
        .join()
        .unwrap();
    }
}
