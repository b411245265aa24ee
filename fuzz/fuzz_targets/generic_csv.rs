//! Generic CSV with a mapping, fed in two chunks split where the first byte says, so splits
//! inside quotes and UTF-8 sequences are explored too.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tradelens_core::decode::generic::{CsvDecoder, Mapping};

fuzz_target!(|data: &[u8]| {
    let split = data
        .first()
        .map_or(0, |&b| usize::from(b) % (data.len() + 1));
    for decimal_comma in [false, true] {
        let mut mapping = Mapping::new("time", "price");
        mapping.qty = Some("qty".into());
        mapping.side = Some("side".into());
        mapping.id = Some("id".into());
        mapping.decimal_comma = decimal_comma;
        let mut d = CsvDecoder::new(mapping, 4096);
        let _ = d.feed(&data[..split]);
        let _ = d.feed(&data[split..]);
        let _ = d.finish();
    }
});
