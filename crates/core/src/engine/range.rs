//! Aggregates over a time range of the engine's trades: what a brushed selection on a chart
//! filters the other panels by.

use std::collections::HashMap;

use super::{Agg, Engine, GroupKey, NO_LABEL};

impl Engine {
    /// The aggregate of the buckets starting at or after `from_ms` and before `to_ms`.
    pub fn total_between(&self, from_ms: i64, to_ms: i64) -> Agg {
        let mut total = Agg::default();
        if from_ms < to_ms {
            for (_, &at) in self.bucket_starts.range(from_ms..to_ms) {
                total.merge(&self.buckets[at].total);
            }
        }
        total
    }

    /// The `n` groups (symbols when not grouping) with the highest notional among trades at
    /// or after `from_ms` and before `to_ms`, with their aggregates over that range, ordered
    /// as [`Engine::top_groups`]. History known only as one-minute rollups counts when its
    /// minute starts in the range and groups follow the symbol alone, as in the totals.
    pub fn top_groups_between(&self, from_ms: i64, to_ms: i64, n: usize) -> Vec<(GroupKey, Agg)> {
        let t = &self.table;
        let group_by = self.spec.group_by;
        let mut totals: HashMap<GroupKey, Agg> = HashMap::new();
        for (row, &time) in t.time_ms.iter().enumerate() {
            if time >= from_ms && time < to_ms {
                totals.entry(group_by.key(t, row)).or_default().push(
                    time,
                    t.id[row],
                    t.price[row],
                    t.qty[row],
                    t.side(row),
                );
            }
        }
        if group_by.keyed_by_symbol_alone() {
            for (minute, symbol, agg, _) in &self.summaries {
                if (from_ms..to_ms).contains(minute) {
                    totals.entry([*symbol, NO_LABEL]).or_default().merge(agg);
                }
            }
        }
        self.top_of(totals.into_iter().collect(), n)
    }
}

#[cfg(test)]
mod tests {
    use crate::demo::{DemoConfig, DemoFeed, DemoMode};
    use crate::engine::{BucketSize, Engine, EngineSpec, GroupBy, SketchSpec};
    use crate::model::{Dim, Field};

    #[test]
    fn range_totals_equal_a_direct_sum_over_the_trades() {
        let start = 1_700_000_000_000;
        let mut feed = DemoFeed::new(DemoConfig::default_for(DemoMode::Orders), start);
        let orders = feed.generate_until(start + 3 * 3_600_000);
        for group_by in [GroupBy::NONE, GroupBy::one(Field::Dim(Dim::Category))] {
            let mut e = Engine::new(EngineSpec {
                bucket: BucketSize::M15,
                group_by,
                sketches: SketchSpec::NONE,
            });
            e.extend(&orders);
            let (from, to) = (start + 3_600_000, start + 2 * 3_600_000);
            let top = e.top_groups_between(from, to, 100);
            assert!(!top.is_empty());
            for (key, agg) in &top {
                let name = e.group_name(*key, "(none)");
                let field = group_by.first().unwrap_or(Field::Symbol);
                let direct: f64 = orders
                    .iter()
                    .filter(|o| (from..to).contains(&o.time_ms))
                    .filter(|o| o.field(field).map(|l| l.to_string()) == Some(name.clone()))
                    .map(|o| o.price * o.qty)
                    .sum();
                assert!(
                    (agg.notional() - direct).abs() <= 1e-9 * direct.abs(),
                    "{name}: {} vs {direct}",
                    agg.notional()
                );
            }
            assert!(top
                .windows(2)
                .all(|w| w[0].1.notional() >= w[1].1.notional()));
        }
    }
}
