//! Shopify order export CSV, in two chunks.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tradelens_core::decode::shopify::Shopify;

fuzz_target!(|data: &[u8]| {
    let split = data
        .first()
        .map_or(0, |&b| usize::from(b) % (data.len() + 1));
    let mut d = Shopify::new(8192);
    let _ = d.feed(&data[..split]);
    let _ = d.feed(&data[split..]);
    let _ = d.finish();
});
