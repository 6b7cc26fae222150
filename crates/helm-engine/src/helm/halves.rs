//! Work on a list shared with a helper thread, the results in the list's order: split in
//! two halves by size (rendered documents to read). Rendering uses it where items are
//! independent and a large chart has enough of them to be worth a thread.

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
        let builder = std::thread::Builder::new().name(name.into()).stack_size(super::engine::STACK_SIZE);
        let helper = crate::beside::spawn_scoped(builder, scope, || work(second));
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
