//! Stored trade chunks read back from IndexedDB bytes: corrupt bytes are an error, never a
//! panic.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tradelens_core::store::chunk::Chunk;

fuzz_target!(|data: &[u8]| {
    if let Ok(chunk) = Chunk::decode(data) {
        let _ = chunk.trades();
    }
});
