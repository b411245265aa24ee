//! Kraken WebSocket v2 messages and REST Trades pages.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tradelens_core::decode::kraken::Kraken;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let mut k = Kraken::new();
        let _ = k.decode(text);
        let _ = k.decode_rest(text);
    }
});
