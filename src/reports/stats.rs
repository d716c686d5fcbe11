//! Summary statistics over samples: mean, median and percentiles (nearest rank).
//!
//! The helpers take `&mut [f64]` and reorder it (selection, O(n), no copy) rather than
//! sorting a clone: the attendance report calls them on a million values. Non-finite
//! values are never passed in (the callers drop them), but the ordering used
//! (`f64::total_cmp`) is total, so nothing here can panic on them either.

/// The arithmetic mean; `None` for no values.
pub fn mean(values: &[f64]) -> Option<f64> {
    (!values.is_empty()).then(|| values.iter().sum::<f64>() / values.len() as f64)
}

/// The median: the middle value, or the mean of the two middle values for an even
/// count; `None` for no values. Reorders `values`.
pub fn median(values: &mut [f64]) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let mid = n / 2;
    let (below, upper, _) = values.select_nth_unstable_by(mid, f64::total_cmp);
    let upper = *upper;
    if n % 2 == 1 {
        return Some(upper);
    }
    // The lower middle is the largest value of the part below `mid`.
    let lower = below
        .iter()
        .copied()
        .max_by(f64::total_cmp)
        .unwrap_or(upper);
    Some((lower + upper) / 2.0)
}

/// The `p`-th percentile (0 < p ≤ 100) by the nearest-rank method: the smallest value
/// with at least `p`% of the values at or below it (the value of rank ⌈p/100 · n⌉).
/// `None` for no values. Reorders `values`.
pub fn percentile(values: &mut [f64], p: f64) -> Option<f64> {
    let n = values.len();
    if n == 0 {
        return None;
    }
    let p = p.clamp(0.0, 100.0);
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    let index = rank.clamp(1, n) - 1;
    let (_, value, _) = values.select_nth_unstable_by(index, f64::total_cmp);
    Some(*value)
}

/// Mean, median and 90th percentile of one sample.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Summary {
    pub count: usize,
    pub mean: Option<f64>,
    pub median: Option<f64>,
    pub p90: Option<f64>,
}

impl Summary {
    /// Summarises `values` (reordered).
    pub fn of(values: &mut [f64]) -> Summary {
        Summary {
            count: values.len(),
            mean: mean(values),
            median: median(values),
            p90: percentile(values, 90.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_samples_have_no_statistics() {
        assert_eq!(mean(&[]), None);
        assert_eq!(median(&mut []), None);
        assert_eq!(percentile(&mut [], 90.0), None);
        assert_eq!(Summary::of(&mut []).count, 0);
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median(&mut [5.0]), Some(5.0));
        assert_eq!(median(&mut [9.0, 1.0, 5.0]), Some(5.0));
        assert_eq!(median(&mut [4.0, 1.0, 3.0, 2.0]), Some(2.5));
        assert_eq!(median(&mut [7.0, 7.0, 1.0, 100.0]), Some(7.0));
    }

    #[test]
    fn p90_is_the_nearest_rank() {
        let mut ten: Vec<f64> = (1..=10).rev().map(f64::from).collect();
        assert_eq!(percentile(&mut ten, 90.0), Some(9.0));
        let mut hundred: Vec<f64> = (1..=100).map(f64::from).collect();
        assert_eq!(percentile(&mut hundred, 90.0), Some(90.0));
        let mut eleven: Vec<f64> = (1..=11).map(f64::from).collect();
        // ⌈0.9 · 11⌉ = 10
        assert_eq!(percentile(&mut eleven, 90.0), Some(10.0));
        assert_eq!(percentile(&mut [3.0], 90.0), Some(3.0));
        assert_eq!(percentile(&mut [3.0, 1.0], 100.0), Some(3.0));
    }

    #[test]
    fn summary_of_a_sample() {
        let mut v = vec![60.0, 120.0, 30.0, 90.0];
        let s = Summary::of(&mut v);
        assert_eq!(s.count, 4);
        assert_eq!(s.mean, Some(75.0));
        assert_eq!(s.median, Some(75.0));
        assert_eq!(s.p90, Some(120.0));
    }
}
