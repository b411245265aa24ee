//! Demo e-commerce orders: a catalogue with list prices and real price elasticities, daily and
//! weekly seasonality, promotion bursts, and rare outages and spikes.

use fastrand::Rng;

use super::random::{poisson, sub_seed, weighted};
use crate::model::{Dim, Label, Trade};

const HOUR_MS: i64 = 3_600_000;
const DAY_MS: i64 = 24 * HOUR_MS;
/// Promotions are drawn per block of this many hours.
const PROMO_BLOCK_MS: i64 = 6 * HOUR_MS;

/// One product of the demo catalogue.
#[derive(Clone, Debug)]
pub struct Product {
    /// Product name.
    pub name: Label,
    /// Index into [`CATEGORIES`].
    pub category: usize,
    /// List price in cents.
    pub list_cents: i64,
    /// Relative popularity at list price.
    pub weight: f64,
    /// Price elasticity of demand (negative): units sold scale as price^elasticity.
    pub elasticity: f64,
}

/// Product categories.
pub const CATEGORIES: [&str; 4] = ["Apparel", "Home", "Electronics", "Beauty"];
const REGIONS: [(&str, f64); 4] = [
    ("North America", 0.4),
    ("Europe", 0.3),
    ("Asia-Pacific", 0.2),
    ("Latin America", 0.1),
];
const CHANNELS: [(&str, f64); 3] = [("Web", 0.5), ("Mobile app", 0.35), ("Marketplace", 0.15)];
/// Everyday discounts and their probability, outside promotions.
const EVERYDAY_DISCOUNTS: [(f64, f64); 4] = [(0.0, 0.7), (0.05, 0.12), (0.10, 0.12), (0.15, 0.06)];
const CUSTOMERS: u64 = 5_000;

/// The demo catalogue: (name, category, list price in cents, weight, elasticity).
const CATALOGUE: [(&str, usize, i64, f64, f64); 12] = [
    ("Organic T-shirt", 0, 1999, 1.6, -1.8),
    ("Zip hoodie", 0, 4900, 0.9, -1.5),
    ("Trail sneakers", 0, 8900, 0.6, -1.3),
    ("Stoneware mug", 1, 1250, 1.4, -2.2),
    ("Desk lamp", 1, 3900, 0.7, -1.4),
    ("Wool throw", 1, 5900, 0.5, -1.6),
    ("Wireless earbuds", 2, 7900, 0.8, -1.2),
    ("USB-C charger", 2, 2500, 1.2, -2.0),
    ("Bluetooth speaker", 2, 12900, 0.4, -1.1),
    ("Vitamin C serum", 3, 3400, 0.9, -1.7),
    ("Soy candle", 3, 2200, 1.0, -2.4),
    ("Sheet mask", 3, 950, 1.3, -2.6),
];

/// A promotion: a discount on one category for a while.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Promo {
    start_ms: i64,
    end_ms: i64,
    category: usize,
    discount: f64,
}

/// Outage (no orders) and spike windows of one day.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
struct Anomalies {
    outage: Option<(i64, i64)>,
    spike: Option<(i64, i64)>,
}

/// Multiplier of the order rate during a spike.
const SPIKE_FACTOR: f64 = 6.0;

/// Generates one second of orders at a time.
#[derive(Debug)]
pub struct OrderGen {
    seed: u64,
    rng: Rng,
    base_rate: f64,
    products: Vec<Product>,
    labels: Labels,
    next_id: u64,
    promo_cache: Option<(i64, Option<Promo>)>,
    anomaly_cache: Option<(i64, Anomalies)>,
}

#[derive(Debug)]
struct Labels {
    categories: Vec<Label>,
    regions: Vec<Label>,
    channels: Vec<Label>,
    customers: Vec<Label>,
}

impl OrderGen {
    /// A generator with `base_rate` orders per second at the weekday daily peak.
    pub fn new(seed: u64, base_rate: f64) -> Self {
        OrderGen {
            seed,
            rng: Rng::with_seed(seed),
            base_rate,
            products: CATALOGUE
                .iter()
                .map(
                    |&(name, category, list_cents, weight, elasticity)| Product {
                        name: name.into(),
                        category,
                        list_cents,
                        weight,
                        elasticity,
                    },
                )
                .collect(),
            labels: Labels {
                categories: CATEGORIES.iter().map(|&c| c.into()).collect(),
                regions: REGIONS.iter().map(|&(r, _)| r.into()).collect(),
                channels: CHANNELS.iter().map(|&(c, _)| c.into()).collect(),
                customers: (1..=CUSTOMERS).map(|c| format!("C{c:05}").into()).collect(),
            },
            next_id: 1001,
            promo_cache: None,
            anomaly_cache: None,
        }
    }

    /// The catalogue.
    pub fn products(&self) -> &[Product] {
        &self.products
    }

    /// Daily shape (UTC hour): lowest around 03:00, highest around 15:00.
    fn daily(time_ms: i64) -> f64 {
        let hour = time_ms.rem_euclid(DAY_MS) as f64 / HOUR_MS as f64;
        0.3 + 0.7 * (0.5 - 0.5 * (std::f64::consts::TAU * (hour - 3.0) / 24.0).cos())
    }

    /// Weekly shape, Monday first; the epoch (1970-01-01) was a Thursday.
    fn weekly(time_ms: i64) -> f64 {
        const WEEK: [f64; 7] = [0.95, 0.9, 0.95, 1.0, 1.1, 1.25, 1.2];
        WEEK[(time_ms.div_euclid(DAY_MS) + 3).rem_euclid(7) as usize]
    }

    fn promo_at(&mut self, time_ms: i64) -> Option<Promo> {
        let block = time_ms.div_euclid(PROMO_BLOCK_MS);
        if self.promo_cache.map(|(b, _)| b) != Some(block) {
            let mut rng = Rng::with_seed(sub_seed(self.seed, 1, block));
            let promo = (rng.f64() < 0.6).then(|| {
                let start_ms = block * PROMO_BLOCK_MS + rng.i64(0..5 * HOUR_MS);
                Promo {
                    start_ms,
                    end_ms: start_ms + rng.i64(20..=60) * 60_000,
                    category: rng.usize(0..CATEGORIES.len()),
                    discount: [0.2, 0.25, 0.3][rng.usize(0..3)],
                }
            });
            self.promo_cache = Some((block, promo));
        }
        self.promo_cache
            .and_then(|(_, p)| p)
            .filter(|p| (p.start_ms..p.end_ms).contains(&time_ms))
    }

    fn anomalies_at(&mut self, time_ms: i64) -> Anomalies {
        let day = time_ms.div_euclid(DAY_MS);
        if self.anomaly_cache.map(|(d, _)| d) != Some(day) {
            let mut rng = Rng::with_seed(sub_seed(self.seed, 2, day));
            let mut window = |p: f64, min_minutes: i64, max_minutes: i64| {
                (rng.f64() < p).then(|| {
                    let start = day * DAY_MS + rng.i64(0..DAY_MS - HOUR_MS);
                    (start, start + rng.i64(min_minutes..=max_minutes) * 60_000)
                })
            };
            let outage = window(0.35, 8, 15);
            let spike = window(0.35, 3, 6);
            self.anomaly_cache = Some((day, Anomalies { outage, spike }));
        }
        self.anomaly_cache.map(|(_, a)| a).unwrap_or_default()
    }

    /// Demand multiplier of a product at discount `d`: (price / list)^elasticity.
    fn lift(product: &Product, discount: f64) -> f64 {
        (1.0 - discount).powf(product.elasticity)
    }

    /// The discount distribution for a product at this moment: (discount, probability).
    fn discounts(product: &Product, promo: Option<Promo>) -> Vec<(f64, f64)> {
        match promo {
            Some(p) if p.category == product.category => vec![(p.discount, 0.85), (0.0, 0.15)],
            _ => EVERYDAY_DISCOUNTS.to_vec(),
        }
    }

    /// Orders of the second starting at `second_ms`, sorted by time.
    pub fn second(&mut self, second_ms: i64, out: &mut Vec<Trade>) {
        let anomalies = self.anomalies_at(second_ms);
        let within = |w: Option<(i64, i64)>| w.is_some_and(|(a, b)| (a..b).contains(&second_ms));
        if within(anomalies.outage) {
            return;
        }
        let spike = if within(anomalies.spike) {
            SPIKE_FACTOR
        } else {
            1.0
        };
        let promo = self.promo_at(second_ms);
        // Expected demand per product: popularity times the mean lift over its discounts.
        let product_rates: Vec<f64> = self
            .products
            .iter()
            .map(|p| {
                p.weight
                    * Self::discounts(p, promo)
                        .iter()
                        .map(|&(d, pr)| pr * Self::lift(p, d))
                        .sum::<f64>()
            })
            .collect();
        let total_weight: f64 = self.products.iter().map(|p| p.weight).sum();
        let rate = self.base_rate * Self::daily(second_ms) * Self::weekly(second_ms) * spike;
        let n = poisson(
            &mut self.rng,
            rate * product_rates.iter().sum::<f64>() / total_weight,
        );
        let mut offsets: Vec<i64> = (0..n).map(|_| self.rng.i64(0..1000)).collect();
        offsets.sort_unstable();
        for offset in offsets {
            let p = weighted(&mut self.rng, &product_rates);
            let product = &self.products[p];
            let choices = Self::discounts(product, promo);
            let weights: Vec<f64> = choices
                .iter()
                .map(|&(d, pr)| pr * Self::lift(product, d))
                .collect();
            let discount = choices[weighted(&mut self.rng, &weights)].0;
            let cents = (product.list_cents as f64 * (1.0 - discount)).round();
            let region = weighted(&mut self.rng, &REGIONS.map(|r| r.1));
            let channel = weighted(&mut self.rng, &CHANNELS.map(|c| c.1));
            // A few customers order often: the square of a uniform favours low numbers.
            let customer = (self.rng.f64().powi(2) * CUSTOMERS as f64) as usize;
            let mut dims: [Option<Label>; 4] = Default::default();
            dims[Dim::Category.index()] = Some(self.labels.categories[product.category].clone());
            dims[Dim::Region.index()] = Some(self.labels.regions[region].clone());
            dims[Dim::Channel.index()] = Some(self.labels.channels[channel].clone());
            dims[Dim::Customer.index()] = self.labels.customers.get(customer).cloned();
            out.push(Trade {
                id: self.next_id,
                time_ms: second_ms + offset,
                price: cents / 100.0,
                qty: f64::from(1 + poisson(&mut self.rng, 0.35)),
                side: None,
                symbol: product.name.clone(),
                dims,
            });
            self.next_id += 1;
        }
    }
}
