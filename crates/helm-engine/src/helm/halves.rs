//! Work on a list split in two: the second part on a helper thread, the first on the calling
//! thread, the results in the list's order. Rendering uses it where items are independent
//! (templates to parse, rendered documents to read) and a large chart has enough of them to
//! be worth a thread.

/// `work` over `items[..split]` here and over `items[split..]` on a helper thread named
/// `name`, with the rendering thread's stack size (dropping values nested thousands deep
/// recurses). With no thread to be had, or if the helper fails, the second part is done here.
pub(crate) fn in_two_halves<T: Sync, R: Send>(
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_keep_the_order_of_the_items() {
        let items: Vec<u32> = (0..10).collect();
        let doubled = |part: &[u32]| part.iter().map(|i| i * 2).collect::<Vec<_>>();
        for split in [0, 3, 10, 11] {
            assert_eq!(in_two_halves(&items, split, "test", &doubled), doubled(&items), "{split}");
        }
    }
}
