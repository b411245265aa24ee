//! Restore on load: which chunks to read, most recent first, in pages, so the page shows the
//! latest trades at once and older history fills in behind them.

use super::ChunkMeta;

/// Pages of chunk ids to read in turn: the chunks whose latest trade is at or after
/// `since_ms` (all when `None`), newest first by latest trade time (then by chunk id), packed
/// into pages of at most `page_bytes` encoded bytes. A chunk larger than a page gets a page
/// of its own.
pub fn restore_pages(metas: &[ChunkMeta], since_ms: Option<i64>, page_bytes: u64) -> Vec<Vec<u64>> {
    let mut order: Vec<&ChunkMeta> = metas
        .iter()
        .filter(|m| since_ms.is_none_or(|s| m.time_max >= s))
        .collect();
    order.sort_by_key(|m| std::cmp::Reverse((m.time_max, m.chunk_id)));
    let mut pages: Vec<Vec<u64>> = Vec::new();
    let mut used = 0u64;
    for m in order {
        match pages.last_mut() {
            Some(page) if used.saturating_add(m.bytes) <= page_bytes => {
                page.push(m.chunk_id);
                used += m.bytes;
            }
            _ => {
                pages.push(vec![m.chunk_id]);
                used = m.bytes;
            }
        }
    }
    pages
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta(chunk_id: u64, time_max: i64, bytes: u64) -> ChunkMeta {
        ChunkMeta {
            feed: "f".into(),
            chunk_id,
            time_min: time_max - 10,
            time_max,
            id_min: 0,
            id_max: 0,
            count: 1,
            bytes,
        }
    }

    #[test]
    fn newest_first_in_bounded_pages() {
        // Chunk 3 was written last but holds older (backfilled) trades: it comes after 2.
        let m = [
            meta(0, 100, 40),
            meta(1, 200, 40),
            meta(2, 300, 40),
            meta(3, 150, 90),
        ];
        assert_eq!(restore_pages(&m, None, 100), [vec![2, 1], vec![3], vec![0]]);
        assert_eq!(restore_pages(&m, Some(150), 1000), [vec![2, 1, 3]]);
        assert_eq!(restore_pages(&m, None, 10), [[2], [1], [3], [0]]);
        assert!(restore_pages(&[], None, 10).is_empty());
    }
}
