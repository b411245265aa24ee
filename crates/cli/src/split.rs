//! Splitting a byte stream into documents without holding it: lines (NDJSON, recorded
//! WebSocket messages) and the elements of one top-level JSON array (REST pages, exports).
//! Both keep at most `limit` bytes of the piece being read; a longer piece is dropped and
//! reported, so memory stays bounded whatever the file.

/// One piece cut from the stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    /// A whole line or array element: its index (0-based) and bytes.
    Whole(u64, Vec<u8>),
    /// A piece longer than the limit, skipped: its index.
    TooLong(u64),
}

/// Cuts a stream into lines (`\n`, a `\r` before it dropped); blank lines are skipped but
/// counted, so indexes are line numbers minus one.
#[derive(Debug)]
pub struct LineSplitter {
    buf: Vec<u8>,
    limit: usize,
    index: u64,
    too_long: bool,
}

impl LineSplitter {
    /// A splitter of lines of at most `limit` bytes.
    pub fn new(limit: usize) -> LineSplitter {
        LineSplitter {
            buf: Vec::new(),
            limit,
            index: 0,
            too_long: false,
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
            rest = &rest[(part.len() + usize::from(done)).min(rest.len())..];
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
            out.push(Piece::Whole(index, line));
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
/// each element is then parsed on its own by a real JSON parser.
#[derive(Debug)]
pub struct ArraySplitter {
    state: State,
    depth: u32,
    in_string: bool,
    escape: bool,
    buf: Vec<u8>,
    limit: usize,
    index: u64,
    too_long: bool,
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
            not_array: None,
        }
    }

    /// Reads a chunk; `eof` ends an unterminated last element (which then fails to parse,
    /// and is reported, rather than vanishing).
    pub fn feed(&mut self, chunk: &[u8], eof: bool, out: &mut Vec<Piece>) {
        for &b in chunk {
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
                        self.byte(b, out);
                    }
                },
                State::Element => self.byte(b, out),
                State::Done => {}
            }
        }
        if eof && self.state == State::Element {
            self.end(out);
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
            out.push(Piece::Whole(index, e));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn whole(p: &[Piece]) -> Vec<String> {
        p.iter()
            .map(|p| match p {
                Piece::Whole(i, b) => format!("{i}:{}", String::from_utf8_lossy(b)),
                Piece::TooLong(i) => format!("{i}:too long"),
            })
            .collect()
    }

    #[test]
    fn array_elements_survive_any_chunking() {
        let text = br#" [ {"a":"x,]}","b":[1,2]} , 3,"s\"]" ,{"c":{}}] trailing"#;
        let expected = vec![
            r#"0:{"a":"x,]}","b":[1,2]}"#.to_string(),
            "1:3".to_string(),
            r#"2:"s\"]""#.to_string(),
            r#"3:{"c":{}}"#.to_string(),
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
        assert_eq!(whole(&out), vec!["0:too long", "1:1"]);
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
        assert_eq!(whole(&out), vec!["0:ab", "2:too long", "3:cd"]);
    }
}
