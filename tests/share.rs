//! Browser tests of a dashboard link's payload: the browser's deflate-raw streams round-trip
//! it, and a small payload that inflates past the decoded limit is refused while inflating.

use tradelens::share::{compress, decode_payload, decompress, encode_payload};
use tradelens_core::engine::BucketSize;
use tradelens_core::feed::venue::{Preset, Venue};
use tradelens_core::share::{
    base64, ShareError, SharedDashboard, SharedFeed, MAX_DECODED_BYTES, MAX_ENCODED_BYTES,
};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
async fn compress_then_decompress_gives_the_bytes_back() {
    let data: Vec<u8> = (0..20_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let packed = compress(&data).await.unwrap();
    assert!(packed.len() < data.len());
    assert_eq!(decompress(&packed, data.len()).await.unwrap(), data);
    assert_eq!(
        decompress(&compress(b"").await.unwrap(), 10).await.unwrap(),
        b""
    );
}

#[wasm_bindgen_test]
async fn a_dashboard_survives_the_link_payload() {
    let dash = SharedDashboard {
        bucket: BucketSize::H1,
        theme: tradelens_core::settings::Theme::Dark,
        zone: tradelens_core::settings::ZoneChoice::Named("Asia/Tokyo"),
        feeds: vec![SharedFeed::Venue(Preset::new(Venue::Kraken, "ETH-USD"))],
        ..SharedDashboard::default()
    };
    let payload = encode_payload(&dash).await.unwrap();
    assert!(payload
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
    assert_eq!(decode_payload(&payload).await.unwrap(), dash);
}

#[wasm_bindgen_test]
async fn a_bomb_is_refused_while_it_inflates() {
    // Deflate packs at most about 1032:1, so 4 MiB of zeros take about 4 KiB: a payload
    // within the encoded limit that would inflate to 64 times the decoded one.
    let packed = compress(&vec![0u8; 4 << 20]).await.unwrap();
    let payload = base64::encode(&packed);
    assert!(payload.len() <= MAX_ENCODED_BYTES, "{}", payload.len());
    assert_eq!(
        decode_payload(&payload).await.unwrap_err(),
        ShareError::TooLarge
    );
    // The limit is exact: one byte over is refused, the limit itself is not.
    let at_limit = compress(&vec![b' '; MAX_DECODED_BYTES]).await.unwrap();
    assert_eq!(
        decompress(&at_limit, MAX_DECODED_BYTES)
            .await
            .unwrap()
            .len(),
        MAX_DECODED_BYTES
    );
    assert_eq!(
        decompress(&at_limit, MAX_DECODED_BYTES - 1)
            .await
            .unwrap_err(),
        ShareError::TooLarge
    );
}

#[wasm_bindgen_test]
async fn tampered_and_oversized_payloads_are_refused() {
    let payload = encode_payload(&SharedDashboard::default()).await.unwrap();
    let mut bytes = base64::decode(&payload).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x5a;
    let e = decode_payload(&base64::encode(&bytes)).await.unwrap_err();
    assert!(
        matches!(e, ShareError::Damaged(_) | ShareError::Shape(_)),
        "{e}"
    );
    let e = decode_payload("not base64!").await.unwrap_err();
    assert!(matches!(e, ShareError::Damaged(_)), "{e}");
    let long = "A".repeat(MAX_ENCODED_BYTES + 1);
    assert_eq!(
        decode_payload(&long).await.unwrap_err(),
        ShareError::TooLong { len: long.len() }
    );
}
