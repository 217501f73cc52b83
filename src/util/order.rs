//! Putting large values in order: a sort moves its elements at every step, so sorting tens of
//! thousands of components or findings is cheaper done on their indices (or compact keys),
//! after which each value is moved into place along the permutation's cycles.

/// Reorders `items` so that position `i` holds what was at `order[i]`. `order` is a
/// permutation of `items`' indices. Each swap settles one item for good.
pub fn permute<T>(items: &mut [T], mut order: Vec<usize>) {
    debug_assert_eq!(items.len(), order.len());
    for start in 0..order.len() {
        let mut place = start;
        loop {
            let from = std::mem::replace(&mut order[place], place);
            if from == start {
                break;
            }
            items.swap(place, from);
            place = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::permute;

    #[test]
    fn every_item_lands_where_the_order_puts_it() {
        for order in [
            vec![],
            vec![0],
            vec![2, 0, 1],
            vec![1, 0, 3, 2],
            vec![3, 2, 1, 0, 4],
        ] {
            let mut items: Vec<usize> = (0..order.len()).map(|i| i * 10).collect();
            let expected: Vec<usize> = order.iter().map(|&i| i * 10).collect();
            permute(&mut items, order);
            assert_eq!(items, expected);
        }
    }
}
