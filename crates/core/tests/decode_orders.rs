//! Shopify and Stripe export decoders, on fixtures written from the documented columns.

mod common;

use tradelens_core::decode::shopify::{line_id, Shopify};
use tradelens_core::decode::stripe::Stripe;
use tradelens_core::decode::text::fnv1a;
use tradelens_core::decode::time::parse_datetime;
use tradelens_core::decode::{Control, DecodeError, Decoded, Position, Role};
use tradelens_core::model::Dim;

const SHOPIFY: &str = include_str!("fixtures/shopify_orders.csv");
const STRIPE: &str = include_str!("fixtures/stripe_payments.csv");

fn shopify(bytes: &[u8], seed: u64) -> Decoded {
    let mut d = Shopify::new(4096);
    let mut out = Decoded::default();
    for c in common::chunks(bytes, seed) {
        out.append(d.feed(c).unwrap());
    }
    out.append(d.finish().unwrap());
    out
}

fn stripe(text: &str) -> Result<Decoded, DecodeError> {
    let mut d = Stripe::new(4096);
    let mut out = d.feed(text.as_bytes())?;
    out.append(d.finish()?);
    Ok(out)
}

#[test]
fn shopify_line_items_carry_order_fields_down() {
    let out = shopify(SHOPIFY.as_bytes(), 1);
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    assert_eq!(out.trades.len(), 3);
    let (tee, mug, gift) = (&out.trades[0], &out.trades[1], &out.trades[2]);
    // id = FNV-1a of "#1001", 0x1F, "0".
    assert_eq!(tee.id, fnv1a(b"#1001\x1f0"));
    assert_eq!(mug.id, line_id("#1001", 1));
    assert_eq!(
        (&*tee.symbol, tee.price, tee.qty),
        ("T-Shirt, Black / M", 19.9, 2.0)
    );
    assert_eq!(
        (&*mug.symbol, mug.price, mug.qty),
        ("Mug \"Classic\"", 12.5, 1.0)
    );
    // The second line has no order fields: time, customer, channel, region come from the first.
    let created = parse_datetime("2025-10-07T07:50:26Z", None).unwrap();
    assert_eq!((tee.time_ms, mug.time_ms), (created, created));
    for t in [tee, mug] {
        assert_eq!(
            t.dims[Dim::Customer.index()].as_deref(),
            Some("ana@example.com")
        );
        assert_eq!(t.dims[Dim::Channel.index()].as_deref(), Some("web"));
        assert_eq!(t.dims[Dim::Region.index()].as_deref(), Some("DE"));
    }
    assert_eq!(tee.dims[Dim::Category.index()].as_deref(), Some("TEE"));
    assert_eq!(mug.dims[Dim::Category.index()].as_deref(), Some("MUG"));
    // #1003: no billing country, so the shipping country; SKU without `-`, no category.
    assert_eq!(gift.dims[Dim::Region.index()].as_deref(), Some("FR"));
    assert_eq!(gift.dims[Dim::Category.index()], None);
    // The voided order is skipped, and said so.
    assert!(
        matches!(&out.events[..], [Control::Skipped { at: Position::Line(4), reason }] if reason.contains("voided"))
    );
}

#[test]
fn shopify_crlf_bom_and_any_chunking_agree() {
    let plain = shopify(SHOPIFY.as_bytes(), 0);
    let crlf = format!("\u{feff}{}", SHOPIFY.replace('\n', "\r\n"));
    for seed in 0..10 {
        let other = shopify(crlf.as_bytes(), seed);
        assert_eq!(other.trades, plain.trades, "seed {seed}");
    }
}

#[test]
fn shopify_errors() {
    let mut d = Shopify::new(4096);
    assert_eq!(
        d.feed(b"Name,Email\n").unwrap_err(),
        DecodeError::MissingColumn {
            column: "Created at".into()
        }
    );
    let bad = SHOPIFY.replace("19.90", "19.9x");
    let out = shopify(bad.as_bytes(), 2);
    assert!(
        matches!(&out.rejects[0].error, DecodeError::Invalid { at: Position::Line(2), role: Role::Price, value, .. } if value == "19.9x")
    );
}

#[test]
fn stripe_payments_net_of_refunds() {
    let out = stripe(STRIPE).unwrap();
    assert!(out.rejects.is_empty(), "{:?}", out.rejects);
    assert_eq!(out.trades.len(), 2);
    let (pro, team) = (&out.trades[0], &out.trades[1]);
    assert_eq!(pro.id, fnv1a(b"ch_3MmlLrLkdIwHu7ix0snN0B15"));
    assert_eq!((pro.price, pro.qty, &*pro.symbol), (25.0, 1.0, "Pro plan"));
    assert_eq!(
        pro.time_ms,
        parse_datetime("2024-01-15T10:20:00Z", None).unwrap()
    );
    assert_eq!(
        pro.dims[Dim::Customer.index()].as_deref(),
        Some("ana@example.com")
    );
    assert_eq!(pro.dims[Dim::Region.index()].as_deref(), Some("US"));
    // "1,234.50" - 234.50 = 1000.
    assert_eq!(team.price, 1000.0);
    let reasons: Vec<&str> = out
        .events
        .iter()
        .map(|e| match e {
            Control::Skipped { reason, .. } => reason.as_str(),
            _ => "",
        })
        .collect();
    assert_eq!(reasons.len(), 2);
    assert!(reasons[0].contains("refunded in full") && reasons[1].contains("Failed"));
}

#[test]
fn stripe_created_utc_variant_and_errors() {
    let variant = STRIPE.replace("Created date (UTC)", "Created (UTC)");
    assert_eq!(
        stripe(&variant).unwrap().trades,
        stripe(STRIPE).unwrap().trades
    );
    assert_eq!(
        stripe("id,Amount\n").unwrap_err(),
        DecodeError::MissingColumn {
            column: "Created date (UTC)".into()
        }
    );
    let out = stripe(&STRIPE.replace("2024-01-15 10:20", "15/01/2024")).unwrap();
    assert!(matches!(
        &out.rejects[0].error,
        DecodeError::Invalid {
            at: Position::Line(2),
            role: Role::Time,
            ..
        }
    ));
}

#[test]
fn never_panics_on_mutated_input() {
    for (k, m) in common::mutations(SHOPIFY.as_bytes(), 21, 300)
        .iter()
        .enumerate()
    {
        let mut d = Shopify::new(256);
        for c in common::chunks(m, k as u64) {
            let _ = d.feed(c);
        }
        let _ = d.finish();
    }
    for (k, m) in common::mutations(STRIPE.as_bytes(), 22, 300)
        .iter()
        .enumerate()
    {
        let mut d = Stripe::new(256);
        for c in common::chunks(m, k as u64) {
            let _ = d.feed(c);
        }
        let _ = d.finish();
    }
}
