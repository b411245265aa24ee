//! A metric by hour of day (0–23) and weekday (Monday–Sunday) in the engine's time zone.

use crate::civil::{weekday, DAY_MS};
use crate::engine::{Agg, Engine, Metric};
use crate::zone::Zone;

/// Hours in a day: the heatmap's columns.
pub const HOURS: usize = 24;
/// Days in a week: the heatmap's rows, Monday first.
pub const WEEKDAYS: usize = 7;
/// Short weekday names, Monday first.
pub const WEEKDAY_NAMES: [&str; WEEKDAYS] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const HOUR_MS: i64 = 3_600_000;

/// One value per (weekday, hour) cell.
#[derive(Clone, Debug, PartialEq)]
pub struct Heatmap {
    /// `cells[weekday][hour]`, Monday = 0; `None` where no trade falls or the metric is
    /// undefined.
    pub cells: [[Option<f64>; HOURS]; WEEKDAYS],
}

impl Heatmap {
    /// The lowest and highest value of any cell; `None` when every cell is empty.
    pub fn range(&self) -> Option<(f64, f64)> {
        self.cells
            .iter()
            .flatten()
            .flatten()
            .fold(None, |r, &v| match r {
                None => Some((v, v)),
                Some((lo, hi)) => Some((v.min(lo), v.max(hi))),
            })
    }
}

/// (weekday, hour) of a UTC instant in `zone`'s local time.
pub fn cell_of(zone: &Zone, utc_ms: i64) -> (usize, usize) {
    let local = zone.to_local(utc_ms);
    let day = local.div_euclid(DAY_MS);
    let hour = local.rem_euclid(DAY_MS) / HOUR_MS;
    (weekday(day) as usize, hour as usize)
}

/// The metric over each cell's trades, in the engine's zone: sums (count, volume, notional)
/// add up, other metrics (VWAP, percentiles) are computed over all of the cell's trades.
///
/// Buckets are used where each lies within one local hour (an hour or narrower): they hold
/// everything, rollups of deleted trades included, and are few. Wider buckets cannot be split,
/// so the stored trades are folded one by one instead.
pub fn heatmap(e: &Engine, metric: Metric) -> Heatmap {
    let zone = e.zone();
    let spec = e.spec();
    let mut aggs: Vec<Agg> = vec![Agg::with_sketches(spec.sketches); HOURS * WEEKDAYS];
    let cell = |t: i64| {
        let (d, h) = cell_of(zone, t);
        d * HOURS + h
    };
    let within_hours = e.buckets().all(|(start, _)| {
        let end = spec.bucket.next_start_in(zone, start) - 1;
        end >= start && end - start < HOUR_MS && cell(start) == cell(end)
    });
    if within_hours {
        for (start, b) in e.buckets() {
            aggs[cell(start)].merge(&b.total);
        }
    } else {
        let t = e.table();
        for row in 0..t.len() {
            let a = &mut aggs[cell(t.time_ms[row])];
            a.push(
                t.time_ms[row],
                t.id[row],
                t.price[row],
                t.qty[row],
                t.side(row),
            );
            if let Some(k) = e.distinct_key(row) {
                a.push_distinct(k);
            }
        }
    }
    let mut cells = [[None; HOURS]; WEEKDAYS];
    for (i, a) in aggs.iter().enumerate() {
        if a.count() > 0 {
            cells[i / HOURS][i % HOURS] = metric.of(a).filter(|v| v.is_finite());
        }
    }
    Heatmap { cells }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{BucketSize, EngineSpec, GroupBy, SketchSpec};
    use crate::model::Trade;
    use std::sync::Arc;

    const H: i64 = 3_600_000;
    /// 2024-03-31T00:00Z, a Sunday: London's clocks go from 01:00 GMT to 02:00 BST.
    const SPRING: i64 = 1_711_843_200_000;
    /// 2024-10-27T00:00Z, a Sunday: London's clocks go from 02:00 BST back to 01:00 GMT.
    const AUTUMN: i64 = 1_729_987_200_000;

    /// Europe/London through 2024: GMT, BST from 2024-03-31T01:00Z, GMT from 2024-10-27T01:00Z.
    fn london() -> Arc<Zone> {
        Arc::new(
            Zone::with_transitions("Europe/London", 0, vec![(SPRING + H, H), (AUTUMN + H, 0)])
                .unwrap(),
        )
    }

    fn trade(id: u64, time_ms: i64, price: f64, qty: f64) -> Trade {
        Trade {
            id,
            time_ms,
            price,
            qty,
            side: None,
            symbol: "A".into(),
            dims: Default::default(),
        }
    }

    fn engine(bucket: BucketSize, trades: &[Trade]) -> Engine {
        let mut e = Engine::new(EngineSpec {
            bucket,
            group_by: GroupBy::NONE,
            sketches: SketchSpec::NONE,
        });
        e.set_zone(london());
        e.extend(trades);
        e
    }

    /// Trades around both of London's 2024 changes, with their cells worked out by hand.
    fn dst_trades() -> Vec<Trade> {
        vec![
            // Spring, Sunday: 00:30Z is 00:30 GMT (hour 0); 01:30Z is 02:30 BST (hour 2):
            // local 01:xx never happens that day.
            trade(1, SPRING + H / 2, 10.0, 1.0),
            trade(2, SPRING + 3 * H / 2, 20.0, 2.0),
            // Autumn, Sunday: 00:30Z is 01:30 BST and 01:30Z is 01:30 GMT: both hour 1.
            trade(3, AUTUMN + H / 2, 30.0, 3.0),
            trade(4, AUTUMN + 3 * H / 2, 40.0, 4.0),
            // Saturday 2024-10-26 23:30Z is Sunday 00:30 BST (hour 0 of Sunday).
            trade(5, AUTUMN - H / 2, 50.0, 5.0),
            // Monday 2024-10-28 09:15Z is 09:15 GMT.
            trade(6, AUTUMN + 24 * H + 9 * H + 15 * 60_000, 60.0, 6.0),
        ]
    }

    fn expected_volume() -> [[Option<f64>; HOURS]; WEEKDAYS] {
        let mut want = [[None; HOURS]; WEEKDAYS];
        want[6][0] = Some(1.0 + 5.0);
        want[6][2] = Some(2.0);
        want[6][1] = Some(3.0 + 4.0);
        want[0][9] = Some(6.0);
        want
    }

    #[test]
    fn london_dst_days_by_hand_from_buckets_and_from_trades() {
        // Minute buckets lie within local hours; daily ones do not, so the trades are used.
        for bucket in [BucketSize::M1, BucketSize::H1, BucketSize::D1] {
            let e = engine(bucket, &dst_trades());
            let h = heatmap(&e, Metric::Volume);
            assert_eq!(h.cells, expected_volume(), "{bucket}");
            assert_eq!(h.range(), Some((2.0, 7.0)));
        }
    }

    #[test]
    fn non_additive_metrics_over_the_cells_trades() {
        let e = engine(BucketSize::D1, &dst_trades());
        // Sunday hour 1: VWAP (30 * 3 + 40 * 4) / 7 = 250 / 7; hour 0: (10 + 250) / 6.
        let h = heatmap(&e, Metric::Vwap);
        assert!((h.cells[6][1].unwrap() - 250.0 / 7.0).abs() < 1e-12);
        assert!((h.cells[6][0].unwrap() - 260.0 / 6.0).abs() < 1e-12);
        assert_eq!(h.cells[3][5], None);
    }

    #[test]
    fn empty_engine() {
        let h = heatmap(&Engine::default(), Metric::Count);
        assert_eq!(h.range(), None);
    }
}
