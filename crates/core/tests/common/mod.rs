//! Shared test helpers: deterministic input mutations for never-panic loops.
#![allow(dead_code)]

/// Bytes that matter to JSON and CSV grammars, inserted to reach odd parser states.
const STRUCTURAL: &[u8] = b"{}[]\",:\\\n\r-.0e9 \xef\xbb\xbf\xc3";

/// Every prefix of `input` (truncation anywhere), plus `rounds` random mutations of it:
/// byte flips, structural insertions, deletions, duplicated spans. Deterministic per `seed`.
pub fn mutations(input: &[u8], seed: u64, rounds: usize) -> Vec<Vec<u8>> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out: Vec<Vec<u8>> = (0..=input.len()).map(|k| input[..k].to_vec()).collect();
    for _ in 0..rounds {
        let mut v = input.to_vec();
        for _ in 0..rng.usize(1..4) {
            let at = rng.usize(0..=v.len());
            match rng.u8(0..5) {
                0 if at < v.len() => v[at] = rng.u8(..),
                1 => v.insert(at, STRUCTURAL[rng.usize(0..STRUCTURAL.len())]),
                2 if at < v.len() => {
                    v.remove(at);
                }
                3 if at < v.len() => {
                    let end = rng.usize(at..=v.len());
                    let span = v[at..end].to_vec();
                    v.splice(at..at, span);
                }
                _ => v.truncate(at),
            }
        }
        out.push(v);
    }
    out
}

/// The same as [`mutations`], as text (invalid UTF-8 replaced).
pub fn text_mutations(input: &str, seed: u64, rounds: usize) -> Vec<String> {
    mutations(input.as_bytes(), seed, rounds)
        .into_iter()
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .collect()
}

/// Splits `bytes` into chunks of pseudo-random sizes (1 to 7 bytes), to feed a stream.
pub fn chunks(bytes: &[u8], seed: u64) -> Vec<&[u8]> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let mut out = Vec::new();
    let mut rest = bytes;
    while !rest.is_empty() {
        let n = rng.usize(1..8).min(rest.len());
        out.push(&rest[..n]);
        rest = &rest[n..];
    }
    out
}
