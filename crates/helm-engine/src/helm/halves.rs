//! Work on a list shared with a helper thread, the results in the list's order: split in
//! two halves by size (rendered documents to read), or taken in turns (templates to parse,
//! whose cost per byte varies too much for halves to finish together). Rendering uses it
//! where items are independent and a large chart has enough of them to be worth a thread.

use std::sync::atomic::{AtomicUsize, Ordering};

/// `work` over `items`: here alone while their total size (`size` of each) is under `from`,
/// else in two parts of about half the total each, the second on a helper thread named
/// `name` (see [`in_two_halves`]).
pub(crate) fn by_size<T: Sync, R: Send>(
    items: &[T],
    size: impl Fn(&T) -> usize,
    from: usize,
    name: &str,
    work: &(dyn Fn(&[T]) -> Vec<R> + Sync),
) -> Vec<R> {
    let total: usize = items.iter().map(&size).sum();
    if items.len() < 2 || total < from {
        return work(items);
    }
    in_two_halves(items, half_by_size(items.iter().map(size), total), name, work)
}

/// `work` on each of `items`, and `first` on this thread. While their total size (`size` of
/// each) is under `from`, all here; else a helper thread named `name` starts on the items at
/// once, this thread joins it after `first`, and each takes the next item left until none
/// is. Templates differ too much in the work they take per byte for halves of equal size to
/// finish together; taking turns does. The results come in the items' order.
pub(crate) fn shared_after<T: Sync, R: Send, P>(
    items: &[T],
    size: impl Fn(&T) -> usize,
    from: usize,
    name: &str,
    work: &(dyn Fn(&T) -> R + Sync),
    first: impl FnOnce() -> P,
) -> (P, Vec<R>) {
    let total: usize = items.iter().map(&size).sum();
    if items.len() < 2 || total < from {
        let done = first();
        return (done, items.iter().map(work).collect());
    }
    let next = AtomicUsize::new(0);
    let take_turns = || {
        let mut done = Vec::new();
        loop {
            let at = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(at) else { return done };
            done.push((at, work(item)));
        }
    };
    std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .name(name.into())
            .stack_size(super::engine::STACK_SIZE)
            .spawn_scoped(scope, take_turns);
        let prepared = first();
        let mine = take_turns();
        let theirs = match helper.map(|handle| handle.join()) {
            Ok(Ok(theirs)) => theirs,
            _ => Vec::new(),
        };
        let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
        for (at, result) in mine.into_iter().chain(theirs) {
            slots[at] = Some(result);
        }
        // Items a failed helper had taken are done here.
        let results =
            slots.into_iter().zip(items).map(|(result, item)| result.unwrap_or_else(|| work(item))).collect();
        (prepared, results)
    })
}

/// `work` over `items[..split]` here and over `items[split..]` on a helper thread named
/// `name`, with the rendering thread's stack size (dropping values nested thousands deep
/// recurses). With no thread to be had, or if the helper fails, the second part is done here.
fn in_two_halves<T: Sync, R: Send>(
    items: &[T],
    split: usize,
    name: &str,
    work: &(dyn Fn(&[T]) -> Vec<R> + Sync),
) -> Vec<R> {
    let (first, second) = items.split_at(split.min(items.len()));
    std::thread::scope(|scope| {
        let helper = std::thread::Builder::new()
            .name(name.into())
            .stack_size(super::engine::STACK_SIZE)
            .spawn_scoped(scope, || work(second));
        let mut done = work(first);
        match helper.map(|handle| handle.join()) {
            Ok(Ok(rest)) => done.extend(rest),
            _ => done.extend(work(second)),
        }
        done
    })
}

/// Where to split items of these sizes (summing to `total`) so that each part has about half:
/// after the first item at which the first part reaches half, leaving at least one item to
/// the second part.
fn half_by_size(sizes: impl ExactSizeIterator<Item = usize>, total: usize) -> usize {
    let count = sizes.len();
    let mut first = 0;
    sizes
        .into_iter()
        .position(|size| {
            first += size;
            first * 2 >= total
        })
        .map_or(count, |at| at + 1)
        .min(count.saturating_sub(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_by_size_leave_each_part_about_half() {
        let split = |sizes: &[usize]| half_by_size(sizes.iter().copied(), sizes.iter().sum());
        assert_eq!(split(&[10, 10, 10, 10]), 2);
        // One large item first: it is a part of its own.
        assert_eq!(split(&[100, 1, 1, 1]), 1);
        // One large item last: everything before it is the first part.
        assert_eq!(split(&[1, 1, 1, 100]), 3);
        assert_eq!(split(&[5]), 0);
        assert_eq!(split(&[]), 0);
    }

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..10).collect();
        let doubled = |part: &[u32]| part.iter().map(|i| i * 2).collect::<Vec<_>>();
        for split in [0, 3, 10, 11] {
            assert_eq!(in_two_halves(&items, split, "test", &doubled), doubled(&items), "{split}");
        }
    }
}
