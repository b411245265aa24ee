//! A visible time range over a data extent: zoom about a point, pan, clamp, and the bucket
//! nearest a time.

/// The visible part `[from, to]` (ms) of a time axis whose data spans `[min, max]`. Always
/// inside the data span and at least [`TimeView::MIN_SPAN_MS`] wide (or the whole span when
/// it is narrower).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimeView {
    /// First visible instant (ms).
    pub from: i64,
    /// Last visible instant (ms).
    pub to: i64,
}

impl TimeView {
    /// The narrowest range zooming reaches: one second.
    pub const MIN_SPAN_MS: i64 = 1_000;

    /// The view `[from, to]` clamped into `[min, max]`, keeping its width when it fits.
    pub fn clamped(from: i64, to: i64, min: i64, max: i64) -> TimeView {
        Self::placed(from, to.saturating_sub(from), min, max)
    }

    /// A view `width` wide starting at `from`, clamped into `[min, max]`.
    fn placed(from: i64, width: i64, min: i64, max: i64) -> TimeView {
        let (min, max) = (min.min(max), max.max(min));
        let full = max.saturating_sub(min);
        let width = width.max(Self::MIN_SPAN_MS).min(full).max(0);
        let from = from.clamp(min, max - width);
        TimeView {
            from,
            to: from + width,
        }
    }

    /// The width of the view (ms).
    pub fn span(self) -> i64 {
        self.to - self.from
    }

    /// The instant at `fraction` of the way across the view (0 = `from`, 1 = `to`), clamped
    /// into the view; a fraction that is not finite gives `from`.
    pub fn time_at(self, fraction: f64) -> i64 {
        let f = if fraction.is_finite() {
            fraction.clamp(0.0, 1.0)
        } else {
            0.0
        };
        self.from + (f * self.span() as f64).round() as i64
    }

    /// Where `t` is across the view, as a fraction (outside 0..=1 when outside the view).
    pub fn fraction_of(self, t: i64) -> f64 {
        if self.span() == 0 {
            0.0
        } else {
            (t - self.from) as f64 / self.span() as f64
        }
    }

    /// Zoomed by `factor` (< 1 zooms in) keeping the instant `at` where it is on screen, then
    /// clamped into `[min, max]`. A factor that is not finite and positive changes nothing.
    pub fn zoom(self, factor: f64, at: i64, min: i64, max: i64) -> TimeView {
        if !(factor.is_finite() && factor > 0.0) {
            return self;
        }
        let at = at.clamp(self.from, self.to);
        let left = ((at - self.from) as f64 * factor).round() as i64;
        let right = ((self.to - at) as f64 * factor).round() as i64;
        let (mut from, mut to) = (at.saturating_sub(left), at.saturating_add(right));
        if to - from < Self::MIN_SPAN_MS {
            // Too narrow: widen around `at` in the same proportion.
            let share = if self.span() > 0 {
                (at - self.from) as f64 / self.span() as f64
            } else {
                0.5
            };
            from = at - (Self::MIN_SPAN_MS as f64 * share).round() as i64;
            to = from + Self::MIN_SPAN_MS;
        }
        TimeView::clamped(from, to, min, max)
    }

    /// Moved by `delta_ms` (positive: later), stopping at the ends of `[min, max]`.
    pub fn pan(self, delta_ms: i64, min: i64, max: i64) -> TimeView {
        TimeView::placed(self.from.saturating_add(delta_ms), self.span(), min, max)
    }
}

/// Index of the point of `points` (sorted by time) nearest to `t`; the earlier on a tie.
/// `None` when there are no points.
pub fn nearest(points: &[(i64, f64)], t: i64) -> Option<usize> {
    let after = points.partition_point(|p| p.0 < t);
    match (after.checked_sub(1), points.get(after)) {
        (None, None) => None,
        (None, Some(_)) => Some(after),
        (Some(before), None) => Some(before),
        (Some(before), Some(next)) => {
            let left = i128::from(t) - i128::from(points[before].0);
            let right = i128::from(next.0) - i128::from(t);
            Some(if left <= right { before } else { after })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zoom_keeps_the_anchor_and_stays_inside() {
        let v = TimeView {
            from: 0,
            to: 100_000,
        };
        // Zooming in by half about 20 s: 20 s stays at a fifth of the width.
        let z = v.zoom(0.5, 20_000, 0, 100_000);
        assert_eq!(
            z,
            TimeView {
                from: 10_000,
                to: 60_000
            }
        );
        // Zooming out past the data gives the whole data back.
        assert_eq!(z.zoom(10.0, 30_000, 0, 100_000), v);
        // Never narrower than a second.
        let tiny = v.zoom(1e-9, 50_000, 0, 100_000);
        assert_eq!(tiny.span(), TimeView::MIN_SPAN_MS);
        assert!(tiny.from <= 50_000 && 50_000 <= tiny.to);
        // Bad factors change nothing.
        for f in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            assert_eq!(v.zoom(f, 10, 0, 100_000), v);
        }
    }

    #[test]
    fn fractions_map_to_times_and_back() {
        let v = TimeView {
            from: 1_000,
            to: 3_000,
        };
        assert_eq!(v.time_at(0.25), 1_500);
        assert_eq!(v.time_at(-1.0), 1_000);
        assert_eq!(v.time_at(f64::NAN), 1_000);
        assert_eq!(v.time_at(2.0), 3_000);
        assert_eq!(v.fraction_of(2_000), 0.5);
        assert_eq!(TimeView { from: 5, to: 5 }.fraction_of(9), 0.0);
    }

    #[test]
    fn pan_stops_at_the_ends() {
        let v = TimeView {
            from: 10_000,
            to: 20_000,
        };
        assert_eq!(
            v.pan(5_000, 0, 100_000),
            TimeView {
                from: 15_000,
                to: 25_000
            }
        );
        assert_eq!(
            v.pan(-50_000, 0, 100_000),
            TimeView {
                from: 0,
                to: 10_000
            }
        );
        assert_eq!(
            v.pan(i64::MAX, 0, 100_000),
            TimeView {
                from: 90_000,
                to: 100_000
            }
        );
        // Data narrower than the minimum span: the whole data.
        assert_eq!(TimeView::clamped(0, 5, 3, 4), TimeView { from: 3, to: 4 });
    }

    #[test]
    fn nearest_picks_the_closer_point_earlier_on_ties() {
        let p = [(0, 1.0), (10, 2.0), (20, 3.0)];
        assert_eq!(nearest(&p, -5), Some(0));
        assert_eq!(nearest(&p, 4), Some(0));
        assert_eq!(nearest(&p, 5), Some(0));
        assert_eq!(nearest(&p, 6), Some(1));
        assert_eq!(nearest(&p, 99), Some(2));
        assert_eq!(nearest(&[], 0), None);
        // 0 is 2^63 after the first and 2^63 - 1 before the second.
        assert_eq!(nearest(&[(i64::MIN, 0.0), (i64::MAX, 0.0)], 0), Some(1));
    }
}
