//! Text encodings: every decoder reads UTF-8. A stream in another encoding is refused as a
//! whole, with what it looks like instead ([`sniff`]); a byte that is not UTF-8 inside an
//! otherwise UTF-8 stream is found at its offset ([`Utf8Scan`]), so the row holding it can be
//! rejected and named instead of its text being silently replaced.

use std::collections::VecDeque;

use super::DecodeError;

/// The UTF-8 byte order mark.
pub const UTF8_BOM: &[u8] = b"\xef\xbb\xbf";

/// Bytes [`sniff`] needs to decide (fewer only at the end of a stream).
pub const SNIFF_BYTES: usize = 64;

/// Checks how a stream starts: `Ok(n)` when it is UTF-8 as far as can be told, `n` being the
/// length of a UTF-8 byte order mark to skip (0 or 3); an [`DecodeError::Encoding`] for a
/// UTF-16 or UTF-32 byte order mark, or for the zero bytes UTF-16 leaves between ASCII
/// letters when it has no mark.
pub fn sniff(head: &[u8]) -> Result<usize, DecodeError> {
    const MARKS: [(&[u8], &str, &str); 4] = [
        (
            b"\xff\xfe\x00\x00",
            "UTF-32 little-endian",
            "it starts with the byte order mark FF FE 00 00",
        ),
        (
            b"\x00\x00\xfe\xff",
            "UTF-32 big-endian",
            "it starts with the byte order mark 00 00 FE FF",
        ),
        (
            b"\xff\xfe",
            "UTF-16 little-endian",
            "it starts with the byte order mark FF FE",
        ),
        (
            b"\xfe\xff",
            "UTF-16 big-endian",
            "it starts with the byte order mark FE FF",
        ),
    ];
    if head.starts_with(UTF8_BOM) {
        return Ok(UTF8_BOM.len());
    }
    for (mark, encoding, evidence) in MARKS {
        if head.starts_with(mark) {
            return Err(DecodeError::Encoding { encoding, evidence });
        }
    }
    // ASCII text in UTF-16 without a mark: a zero byte in every pair, on the same side.
    let pairs = head[..head.len().min(SNIFF_BYTES) & !1].chunks_exact(2);
    let n = pairs.len();
    let (mut even, mut odd) = (0, 0);
    for p in pairs {
        even += usize::from(p[0] == 0);
        odd += usize::from(p[1] == 0);
    }
    if n >= 4 && odd * 4 >= n * 3 && even == 0 {
        return Err(DecodeError::Encoding {
            encoding: "UTF-16 little-endian",
            evidence: "every second byte is zero",
        });
    }
    if n >= 4 && even * 4 >= n * 3 && odd == 0 {
        return Err(DecodeError::Encoding {
            encoding: "UTF-16 big-endian",
            evidence: "every second byte is zero",
        });
    }
    Ok(0)
}

/// Finds the bytes of a stream that are not UTF-8, chunk by chunk, with their offsets from
/// the start of the stream: a character split between two chunks is joined first.
#[derive(Clone, Debug, Default)]
pub struct Utf8Scan {
    /// Offset of the next byte to scan.
    offset: u64,
    /// The start of a character the last chunk ended in (at most 3 bytes).
    carry: Vec<u8>,
}

/// A byte that is not UTF-8: its offset from the start of the stream, and its value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct BadByte {
    /// Offset from the start of the stream.
    pub offset: u64,
    /// The byte.
    pub byte: u8,
}

impl Utf8Scan {
    /// A scan of a stream whose first byte is at `offset` (after a skipped byte order mark).
    pub fn at(offset: u64) -> Utf8Scan {
        Utf8Scan {
            offset,
            carry: Vec::new(),
        }
    }

    /// Scans the next `chunk`; `eof` ends the stream (a character left incomplete is then
    /// bad). Appends the first byte of every invalid sequence to `bad`.
    pub fn scan(&mut self, chunk: &[u8], eof: bool, bad: &mut VecDeque<BadByte>) {
        if self.carry.is_empty() {
            self.run(chunk, eof, bad);
        } else {
            // A character straddles two chunks: scan its start again with the new bytes.
            let mut joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(chunk);
            self.run(&joined, eof, bad);
        }
    }

    fn run(&mut self, bytes: &[u8], eof: bool, bad: &mut VecDeque<BadByte>) {
        let mut i = 0;
        while i < bytes.len() {
            match std::str::from_utf8(&bytes[i..]) {
                Ok(_) => break,
                Err(e) => {
                    let at = i + e.valid_up_to();
                    match e.error_len() {
                        Some(len) => {
                            bad.push_back(BadByte {
                                offset: self.offset + at as u64,
                                byte: bytes[at],
                            });
                            i = at + len;
                        }
                        None if eof => {
                            bad.push_back(BadByte {
                                offset: self.offset + at as u64,
                                byte: bytes[at],
                            });
                            break;
                        }
                        None => {
                            self.carry = bytes[at..].to_vec();
                            self.offset += at as u64;
                            return;
                        }
                    }
                }
            }
        }
        self.offset += bytes.len() as u64;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan_in(chunks: &[&[u8]]) -> Vec<(u64, u8)> {
        let mut s = Utf8Scan::default();
        let mut bad = VecDeque::new();
        for c in chunks {
            s.scan(c, false, &mut bad);
        }
        s.scan(&[], true, &mut bad);
        bad.into_iter().map(|b| (b.offset, b.byte)).collect()
    }

    #[test]
    fn byte_order_marks_name_the_encoding() {
        assert_eq!(sniff(b"\xef\xbb\xbfid,time"), Ok(3));
        assert_eq!(sniff(b"id,time,price"), Ok(0));
        assert_eq!(sniff(b""), Ok(0));
        for (head, encoding) in [
            (&b"\xff\xfei\x00d\x00"[..], "UTF-16 little-endian"),
            (b"\xfe\xff\x00i\x00d", "UTF-16 big-endian"),
            (b"\xff\xfe\x00\x00i\x00\x00\x00", "UTF-32 little-endian"),
            (b"\x00\x00\xfe\xff", "UTF-32 big-endian"),
        ] {
            match sniff(head) {
                Err(DecodeError::Encoding { encoding: e, .. }) => assert_eq!(e, encoding),
                other => panic!("{head:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn utf16_without_a_mark_is_told_by_its_zero_bytes() {
        let le: Vec<u8> = "id,time,price\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let be: Vec<u8> = "id,time,price\n"
            .encode_utf16()
            .flat_map(u16::to_be_bytes)
            .collect();
        assert!(matches!(
            sniff(&le),
            Err(DecodeError::Encoding {
                encoding: "UTF-16 little-endian",
                ..
            })
        ));
        assert!(matches!(
            sniff(&be),
            Err(DecodeError::Encoding {
                encoding: "UTF-16 big-endian",
                ..
            })
        ));
        // One stray zero byte is not UTF-16.
        assert_eq!(sniff(b"id,time\x00,price,qty\n"), Ok(0));
    }

    #[test]
    fn bad_bytes_are_found_at_their_offsets_whatever_the_chunking() {
        // "é" in Latin-1 (E9), a lone continuation byte (80), an overlong "/" (C0 AF), a UTF-16
        // surrogate (ED A0 80), and a truncated 4-byte character at the very end (F0 9F 98).
        let text = b"caf\xe9,\xe2\x82\xac,\x80,\xc0\xaf,\xed\xa0\x80,\xf0\x9f\x98\x80,\xf0\x9f\x98";
        let want = vec![
            (3, 0xe9),
            (9, 0x80),
            (11, 0xc0),
            (12, 0xaf),
            (14, 0xed),
            (15, 0xa0),
            (16, 0x80),
            (23, 0xf0),
        ];
        assert_eq!(scan_in(&[text]), want);
        for size in 1..text.len() {
            let chunks: Vec<&[u8]> = text.chunks(size).collect();
            assert_eq!(scan_in(&chunks), want, "chunks of {size}");
        }
        // A euro sign split across chunks is fine.
        assert_eq!(scan_in(&[b"a\xe2", b"\x82", b"\xacb"]), vec![]);
        let mut s = Utf8Scan::at(3);
        let mut bad = VecDeque::new();
        s.scan(b"ab\xff", true, &mut bad);
        assert_eq!(
            bad[0],
            BadByte {
                offset: 5,
                byte: 0xff
            }
        );
    }
}
