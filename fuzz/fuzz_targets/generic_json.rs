//! Generic JSON arrays and NDJSON (whole and streamed) with JSON-pointer mappings, and the
//! encoding check streams start with.
#![no_main]
use libfuzzer_sys::fuzz_target;
use tradelens_core::decode::encoding::sniff;
use tradelens_core::decode::generic::{JsonArrayStream, JsonDecoder, Mapping, NdjsonStream};

fn mapping() -> Mapping {
    let mut m = Mapping::new("/t", "/p");
    m.qty = Some("/q".into());
    m.id = Some("/id".into());
    m.symbol = Some("/s/name".into());
    m
}

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = JsonDecoder::new(mapping()).decode_array(text);
        let _ = JsonDecoder::new(mapping()).decode_ndjson(text, 1);
    }
    let split = data
        .first()
        .map_or(0, |&b| usize::from(b) % (data.len() + 1));
    let mut stream = NdjsonStream::new(mapping(), 4096);
    let _ = stream.feed(&data[..split]);
    let _ = stream.feed(&data[split..]);
    let _ = stream.finish();
    let _ = sniff(data);
    let mut array = JsonArrayStream::new(mapping(), 4096);
    let _ = array.feed(&data[..split]);
    let _ = array.feed(&data[split..]);
    let _ = array.finish();
});
