//! Splitting a byte stream into documents without holding it: lines (NDJSON, recorded
//! WebSocket messages) and the elements of one top-level JSON array (REST pages, exports).
//! Both keep at most `limit` bytes of the piece being read; a longer piece is dropped and
//! reported, so memory stays bounded whatever the file.

/// One piece cut from the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// A whole line or array element.
    Whole {
        /// Index (0-based) of the line or element.
        index: u64,
        /// Offset of its first byte from the start of the stream.
        offset: u64,
        /// Its bytes.
        bytes: Vec<u8>,
    },
    /// A piece longer than the limit, skipped: its index.
    TooLong(u64),
    /// The stream ended inside this array element, or before the array's closing `]`: its
    /// index, and the bytes read of it (at most the limit).
    Cut(u64, Vec<u8>),
}

/// Cuts a stream into lines (`\n`, a `\r` before it dropped); blank lines are skipped but
/// counted, so indexes are line numbers minus one.
#[derive(Clone, Debug)]
pub struct LineSplitter {
    buf: Vec<u8>,
    limit: usize,
    index: u64,
    too_long: bool,
    /// Offset of the next byte, and of the line being read.
    offset: u64,
    start: u64,
}

impl LineSplitter {
    /// A splitter of lines of at most `limit` bytes.
    pub fn new(limit: usize) -> LineSplitter {
        LineSplitter {
            buf: Vec::new(),
            limit,
            index: 0,
            too_long: false,
            offset: 0,
            start: 0,
        }
    }

    /// Reads a chunk; `eof` ends a last line without a newline.
    pub fn feed(&mut self, chunk: &[u8], eof: bool, out: &mut Vec<Piece>) {
        let mut rest = chunk;
        while !rest.is_empty() {
            let (part, done) = match rest.iter().position(|&b| b == b'\n') {
                Some(k) => (&rest[..k], true),
                None => (rest, false),
            };
            if !self.too_long {
                if self.buf.len() + part.len() > self.limit {
                    self.too_long = true;
                    self.buf = Vec::new();
                } else {
                    self.buf.extend_from_slice(part);
                }
            }
            let step = (part.len() + usize::from(done)).min(rest.len());
            rest = &rest[step..];
            self.offset += step as u64;
            if done {
                self.end(out);
            }
        }
        if eof && (self.too_long || !self.buf.is_empty()) {
            self.end(out);
        }
    }

    fn end(&mut self, out: &mut Vec<Piece>) {
        let index = self.index;
        let offset = std::mem::replace(&mut self.start, self.offset);
        self.index += 1;
        if std::mem::take(&mut self.too_long) {
            out.push(Piece::TooLong(index));
            return;
        }
        let mut line = std::mem::take(&mut self.buf);
        if line.last() == Some(&b'\r') {
            line.pop();
        }
        if line.iter().any(|b| !b.is_ascii_whitespace()) {
            out.push(Piece::Whole {
                index,
                offset,
                bytes: line,
            });
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum State {
    /// Before the opening `[`.
    Start,
    /// Inside the array, between elements.
    Between,
    /// Inside an element.
    Element,
    /// After the closing `]`.
    Done,
}

/// Cuts the elements out of one top-level JSON array, tracking strings and nesting only;
/// each element is then parsed on its own by a real JSON parser. A UTF-8 byte order mark
/// before the array is skipped.
#[derive(Clone, Debug)]
pub struct ArraySplitter {
    state: State,
    depth: u32,
    in_string: bool,
    escape: bool,
    buf: Vec<u8>,
    limit: usize,
    index: u64,
    too_long: bool,
    /// Offset of the next byte, and of the element being read.
    offset: u64,
    start: u64,
    /// A byte that is neither whitespace nor `[` before the array: not an array at all.
    pub not_array: Option<u8>,
}

impl ArraySplitter {
    /// A splitter of elements of at most `limit` bytes.
    pub fn new(limit: usize) -> ArraySplitter {
        ArraySplitter {
            state: State::Start,
            depth: 0,
            in_string: false,
            escape: false,
            buf: Vec::new(),
            limit,
            index: 0,
            too_long: false,
            offset: 0,
            start: 0,
            not_array: None,
        }
    }

    /// Reads a chunk; `eof` ends the stream: an element it cuts, or a missing closing `]`, is
    /// a [`Piece::Cut`] rather than vanishing.
    pub fn feed(&mut self, chunk: &[u8], eof: bool, out: &mut Vec<Piece>) {
        for &b in chunk {
            self.offset += 1;
            match self.state {
                State::Start => match b {
                    b'[' => self.state = State::Between,
                    b'\xef' | b'\xbb' | b'\xbf' => {}
                    _ if b.is_ascii_whitespace() => {}
                    _ => {
                        self.not_array.get_or_insert(b);
                        self.state = State::Done;
                    }
                },
                State::Between => match b {
                    b']' => self.state = State::Done,
                    b',' => {}
                    _ if b.is_ascii_whitespace() => {}
                    _ => {
                        self.state = State::Element;
                        self.start = self.offset - 1;
                        self.byte(b, out);
                    }
                },
                State::Element => self.byte(b, out),
                State::Done => {}
            }
        }
        if !eof {
            return;
        }
        if self.state == State::Element && self.depth == 0 && !self.in_string {
            // The last element may be whole; only the closing `]` is missing.
            self.end(out);
            self.state = State::Between;
        }
        if matches!(self.state, State::Element | State::Between) {
            self.too_long = false;
            let bytes = std::mem::take(&mut self.buf);
            out.push(Piece::Cut(self.index, bytes));
            self.index += 1;
            self.state = State::Done;
        }
    }

    fn byte(&mut self, b: u8, out: &mut Vec<Piece>) {
        if self.in_string {
            if self.escape {
                self.escape = false;
            } else if b == b'\\' {
                self.escape = true;
            } else if b == b'"' {
                self.in_string = false;
            }
        } else {
            match b {
                b'"' => self.in_string = true,
                b'[' | b'{' => self.depth += 1,
                b']' | b'}' if self.depth > 0 => self.depth -= 1,
                b',' | b']' if self.depth == 0 => {
                    self.end(out);
                    self.state = if b == b']' {
                        State::Done
                    } else {
                        State::Between
                    };
                    return;
                }
                _ => {}
            }
        }
        if !self.too_long {
            if self.buf.len() >= self.limit {
                self.too_long = true;
                self.buf = Vec::new();
            } else {
                self.buf.push(b);
            }
        }
    }

    fn end(&mut self, out: &mut Vec<Piece>) {
        let index = self.index;
        self.index += 1;
        self.depth = 0;
        self.in_string = false;
        self.escape = false;
        if std::mem::take(&mut self.too_long) {
            out.push(Piece::TooLong(index));
        } else {
            let mut e = std::mem::take(&mut self.buf);
            while e.last().is_some_and(u8::is_ascii_whitespace) {
                e.pop();
            }
            out.push(Piece::Whole {
                index,
                offset: self.start,
                bytes: e,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(p: &[Piece]) -> Vec<String> {
        p.iter()
            .map(|p| match p {
                Piece::Whole {
                    index,
                    offset,
                    bytes,
                } => {
                    format!("{index}@{offset}:{}", String::from_utf8_lossy(bytes))
                }
                Piece::TooLong(i) => format!("{i}:too long"),
                Piece::Cut(i, b) => format!("{i}:cut:{}", String::from_utf8_lossy(b)),
            })
            .collect()
    }

    #[test]
    fn array_elements_survive_any_chunking() {
        let text = br#" [ {"a":"x,]}","b":[1,2]} , 3,"s\"]" ,{"c":{}}] trailing"#;
        let expected = vec![
            r#"0@3:{"a":"x,]}","b":[1,2]}"#.to_string(),
            "1@28:3".to_string(),
            r#"2@30:"s\"]""#.to_string(),
            r#"3@38:{"c":{}}"#.to_string(),
        ];
        for size in 1..text.len() {
            let mut s = ArraySplitter::new(100);
            let mut out = Vec::new();
            for c in text.chunks(size) {
                s.feed(c, false, &mut out);
            }
            s.feed(&[], true, &mut out);
            assert_eq!(whole(&out), expected, "chunk size {size}");
        }
        let mut s = ArraySplitter::new(4);
        let mut out = Vec::new();
        s.feed(b"[12345,1]", true, &mut out);
        assert_eq!(whole(&out), vec!["0:too long", "1@7:1"]);
        let mut s = ArraySplitter::new(4);
        s.feed(b"{}", true, &mut out);
        assert_eq!(s.not_array, Some(b'{'));
    }

    #[test]
    fn lines_count_blanks_and_drop_cr() {
        let mut s = LineSplitter::new(5);
        let mut out = Vec::new();
        s.feed(b"ab\r\n\n123456\ncd", false, &mut out);
        s.feed(b"", true, &mut out);
        assert_eq!(whole(&out), vec!["0@0:ab", "2:too long", "3@12:cd"]);
    }

    #[test]
    fn a_cut_array_says_where() {
        for (text, want) in [
            (
                &br#"[{"a":1},{"b":"#[..],
                vec![r#"0@1:{"a":1}"#, r#"1:cut:{"b":"#],
            ),
            (br#"[{"a":1},"#, vec![r#"0@1:{"a":1}"#, "1:cut:"]),
            (br#"[{"a":1}"#, vec![r#"0@1:{"a":1}"#, "1:cut:"]),
            (br#"[{"a":1}]"#, vec![r#"0@1:{"a":1}"#]),
            (b"\xef\xbb\xbf[1]", vec!["0@4:1"]),
        ] {
            let mut s = ArraySplitter::new(100);
            let mut out = Vec::new();
            s.feed(text, true, &mut out);
            assert_eq!(whole(&out), want, "{}", String::from_utf8_lossy(text));
        }
    }
}
