//! Coinbase WebSocket messages and REST pages with cursor headers.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tradelens_core::decode::coinbase::Coinbase;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut c = Coinbase::new();
        let _ = c.decode(text);
        let _ = c.decode_rest(text, "BTC-USD", Some("10"), Some(text));
    }
});
