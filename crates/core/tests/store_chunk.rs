//! Chunks: layout, round trips, corruption, cutting.

mod common;

use std::sync::Arc;

use tradelens_core::model::{Label, Side, Trade};
use tradelens_core::store::bytes::crc32;
use tradelens_core::store::chunk::{CHUNK_HEADER_LEN, MAX_TIME_MS, NO_LABEL};
use tradelens_core::store::{Chunk, ChunkBuilder, ChunkError};

fn trade(id: u64, time_ms: i64, price: f64, symbol: &str) -> Trade {
    Trade {
        id,
        time_ms,
        price,
        qty: 0.25,
        side: Some(Side::Buy),
        symbol: symbol.into(),
        dims: Default::default(),
    }
}

/// Random trades with shared and hostile labels, all sides, odd floats.
fn random_trades(rng: &mut fastrand::Rng, n: usize) -> Vec<Trade> {
    let labels: Vec<Label> = ["BTCUSDT", "ETH-USD", "", "\"=cmd\",\n", "ünï😀"]
        .iter()
        .map(|&s| Arc::from(s))
        .collect();
    let pick = |rng: &mut fastrand::Rng| labels[rng.usize(..labels.len())].clone();
    let mut ids = std::collections::HashSet::new();
    (0..n)
        .map(|_| {
            let mut id = rng.u64(..);
            while !ids.insert(id) {
                id = rng.u64(..);
            }
            Trade {
                id,
                time_ms: rng.i64(-MAX_TIME_MS..=MAX_TIME_MS),
                price: f64::from_bits(rng.u64(..)),
                qty: rng.f64() * 1e6,
                side: [None, Some(Side::Buy), Some(Side::Sell)][rng.usize(..3)],
                symbol: pick(rng),
                dims: std::array::from_fn(|_| rng.bool().then(|| pick(rng))),
            }
        })
        .collect()
}

/// Equality that treats prices bit for bit (random bits include NaNs).
fn same(a: &[Trade], b: &[Trade]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.price.to_bits() == y.price.to_bits()
                && Trade {
                    price: 0.0,
                    ..x.clone()
                } == Trade {
                    price: 0.0,
                    ..y.clone()
                }
        })
}

#[test]
fn decode_of_encode_is_identity() {
    let mut rng = fastrand::Rng::with_seed(11);
    for n in [1, 2, 7, 100, 1000] {
        let trades = random_trades(&mut rng, n);
        let c = Chunk::from_trades(&trades).unwrap();
        let bytes = c.encode();
        assert_eq!(bytes.len(), c.encoded_len());
        let back = Chunk::decode(&bytes).unwrap();
        assert_eq!(back.encode(), bytes);
        assert!(same(&back.trades(), &trades));
    }
}

#[test]
fn layout_known_answer() {
    // One trade: id 7, 1_700_000_000_000 ms, price 2.5, qty 0.25, buy, symbol "AB",
    // region "EU". Strings in first-use order: 0 "AB", 1 "EU".
    // Length: 64 header + 53 * 1 + 4 * 2 lengths + 4 text bytes = 129.
    let mut t = trade(7, 1_700_000_000_000, 2.5, "AB");
    t.dims[1] = Some("EU".into());
    let bytes = Chunk::from_trades(&[t]).unwrap().encode();
    let mut want = Vec::new();
    want.extend_from_slice(b"TLCK");
    want.extend_from_slice(&1u16.to_le_bytes());
    want.extend_from_slice(&0u16.to_le_bytes());
    for v in [1u32, 2, 4, 0] {
        want.extend_from_slice(&v.to_le_bytes());
    }
    for v in [1.7e12f64, 1.7e12] {
        want.extend_from_slice(&v.to_le_bytes());
    }
    for v in [7u64, 7] {
        want.extend_from_slice(&v.to_le_bytes());
    }
    want.extend_from_slice(&[0; 8]); // reserved, then the CRC (checked separately)
    want.extend_from_slice(&7u64.to_le_bytes());
    for v in [1.7e12f64, 2.5, 0.25] {
        want.extend_from_slice(&v.to_le_bytes());
    }
    for v in [0u32, NO_LABEL, 1, NO_LABEL, NO_LABEL, 2, 2] {
        want.extend_from_slice(&v.to_le_bytes());
    }
    want.push(1);
    want.extend_from_slice(b"ABEU");
    assert_eq!(bytes.len(), 129);
    assert_eq!(bytes[..60], want[..60]);
    assert_eq!(bytes[64..], want[64..]);
    let crc = crc32(&[&bytes[..60], &bytes[64..]]);
    assert_eq!(bytes[60..64], crc.to_le_bytes());
    // The 8-byte columns start on multiples of 8, so JavaScript can view them in place.
    assert_eq!(CHUNK_HEADER_LEN % 8, 0);
}

#[test]
fn every_truncation_and_bit_flip_is_refused() {
    let mut rng = fastrand::Rng::with_seed(3);
    let bytes = Chunk::from_trades(&random_trades(&mut rng, 6))
        .unwrap()
        .encode();
    for k in 0..bytes.len() {
        assert!(Chunk::decode(&bytes[..k]).is_err(), "prefix {k}");
    }
    // CRC-32 detects every single-bit error, and the header checks come first.
    for bit in 0..bytes.len() * 8 {
        let mut v = bytes.clone();
        v[bit / 8] ^= 1 << (bit % 8);
        assert!(Chunk::decode(&v).is_err(), "bit {bit}");
    }
}

/// Re-seals mutated bytes so the structural checks behind the checksum are exercised too.
fn reseal(v: &mut [u8]) {
    if v.len() >= 64 {
        let crc = crc32(&[&v[..60], &v[64..]]);
        v[60..64].copy_from_slice(&crc.to_le_bytes());
    }
}

#[test]
fn corrupt_resealed_bytes_never_panic() {
    let mut rng = fastrand::Rng::with_seed(5);
    let bytes = Chunk::from_trades(&random_trades(&mut rng, 5))
        .unwrap()
        .encode();
    let mut ok = 0;
    for mut v in common::mutations(&bytes, 9, 4000) {
        reseal(&mut v);
        if let Ok(c) = Chunk::decode(&v) {
            // Whatever decodes is a valid chunk: it survives its own round trip.
            let again = Chunk::decode(&c.encode()).unwrap();
            assert!(same(&again.trades(), &c.trades()));
            ok += 1;
        }
    }
    for bit in 0..bytes.len() * 8 {
        let mut v = bytes.clone();
        v[bit / 8] ^= 1 << (bit % 8);
        reseal(&mut v);
        let _ = Chunk::decode(&v);
    }
    // Flips inside prices and quantities stay valid chunks; most other damage does not.
    assert!(ok > 0);
}

#[test]
fn structural_errors_say_what() {
    let bytes = Chunk::from_trades(&[trade(1, 0, 1.0, "A")])
        .unwrap()
        .encode();
    let mut v = bytes.clone();
    v[0] = b'X';
    assert!(matches!(
        Chunk::decode(&v),
        Err(ChunkError::BadMagic { .. })
    ));
    let mut v = bytes.clone();
    v[4] = 9;
    assert_eq!(
        Chunk::decode(&v),
        Err(ChunkError::UnsupportedVersion { found: 9 })
    );
    let mut v = bytes.clone();
    v[64 + 53] ^= 1; // first byte of the string text
    assert!(matches!(
        Chunk::decode(&v),
        Err(ChunkError::Checksum { .. })
    ));
    // A side byte of 3, resealed: caught by the column checks.
    let mut v = bytes.clone();
    v[64 + 52 + 4] = 3;
    reseal(&mut v);
    assert_eq!(
        Chunk::decode(&v),
        Err(ChunkError::BadSide { row: 0, value: 3 })
    );
    let mut v = bytes;
    v.truncate(100);
    assert!(matches!(
        Chunk::decode(&v),
        Err(ChunkError::Length { len: 100, .. })
    ));
}

#[test]
fn construction_refuses_what_the_layout_cannot_hold() {
    assert_eq!(Chunk::from_trades(&[]), Err(ChunkError::Empty));
    let t = trade(1, 0, 1.0, "A");
    assert_eq!(
        Chunk::from_trades(&[t.clone(), t]),
        Err(ChunkError::DuplicateId { id: 1 })
    );
    let far = trade(2, MAX_TIME_MS + 1, 1.0, "A");
    assert!(matches!(
        Chunk::from_trades(&[far]),
        Err(ChunkError::TimeOutOfRange { id: 2, .. })
    ));
}

#[test]
fn meta_summarises_the_chunk() {
    let trades: Vec<Trade> = (10..20)
        .map(|i| trade(i, 1000 + i as i64, 1.0, "A"))
        .collect();
    let c = Chunk::from_trades(&trades).unwrap();
    let m = c.meta("binance:BTCUSDT", 3);
    assert_eq!((m.id_min, m.id_max, m.count), (10, 19, 10));
    assert_eq!((m.time_min, m.time_max), (1010, 1019));
    assert_eq!(m.bytes as usize, c.encode().len());
    assert!(m.is_dense());
    let sparse = Chunk::from_trades(&[trade(1, 0, 1.0, "A"), trade(5, 0, 1.0, "A")]).unwrap();
    assert!(!sparse.meta("f", 0).is_dense());
}

#[test]
fn builder_cuts_at_count_and_age() {
    let mut b = ChunkBuilder::new(3, 1000);
    let mut out = Vec::new();
    for i in 0..7u64 {
        if let Some(c) = b.push(&trade(i, i as i64, 1.0, "A"), 0).unwrap() {
            out.push(c);
        }
    }
    assert_eq!(out.iter().map(Chunk::len).collect::<Vec<_>>(), [3, 3]);
    assert_eq!(b.pending(), 1);
    // A duplicate of the open chunk is refused without changing it.
    assert_eq!(
        b.push(&trade(6, 6, 1.0, "A"), 10),
        Err(ChunkError::DuplicateId { id: 6 })
    );
    assert!(b.poll(999).is_none(), "opened at 0, due at 1000");
    let last = b.poll(1000).unwrap();
    assert_eq!(last.ids(), [6]);
    assert!(b.poll(5000).is_none() && b.finish().is_none());
}
