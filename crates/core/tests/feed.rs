//! Feed client decisions: back-off, silence, rotation, gaps and backfill, polling, presets,
//! mapping preview and the quarantine export. Expected values are derived by hand in comments.

use tradelens_core::clean::export::{csv_cell, quarantine_csv};
use tradelens_core::clean::{QuarantineEntry, Reason};
use tradelens_core::decode::generic::Mapping;
use tradelens_core::feed::backoff::Backoff;
use tradelens_core::feed::gap::{Backfill, BackfillProgress, Gap, GapTracker, PageRequest, Paging};
use tradelens_core::feed::poll::{PollDecision, PollScheduler};
use tradelens_core::feed::preview::{fields, guess_mapping, preview, SampleFormat, SAMPLE_LIMIT};
use tradelens_core::feed::rotation::{Rotation, RotationStep};
use tradelens_core::feed::silence::{deadline_ms, Watchdog};
use tradelens_core::feed::venue::{rest_base_from_ws, Preset, Venue};

fn fixed(r: f64) -> impl FnMut() -> f64 {
    move || r
}

#[test]
fn backoff_ceilings_double_from_one_second_to_sixty() {
    // Ceilings: 1, 2, 4, 8, 16, 32, then min(64, 60) = 60 s for ever.
    let mut b = Backoff::default();
    let mut top = fixed(0.999_999_9);
    let got: Vec<u64> = (0..9).map(|_| b.next_delay_ms(&mut top)).collect();
    let ceilings = [
        1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000, 60_000,
    ];
    for (d, c) in got.iter().zip(ceilings) {
        // r · ceiling with r just below 1 lands on the last millisecond below the ceiling.
        assert_eq!(*d, c - 1);
    }
    let mut zero = fixed(0.0);
    assert_eq!(b.next_delay_ms(&mut zero), 0);
}

#[test]
fn backoff_delays_stay_in_bounds_for_any_random_value() {
    let mut b = Backoff::default();
    for r in [f64::NAN, -1.0, 2.0, f64::INFINITY, 0.5] {
        let ceiling = b.ceiling_ms();
        let d = b.next_delay_ms(&mut fixed(r));
        assert!(d < ceiling, "{r}: {d} >= {ceiling}");
    }
}

#[test]
fn backoff_full_jitter_is_uniform_below_the_ceiling() {
    // Full jitter: uniform on [0, 60 000) at the cap, mean 30 000, sd 60 000/√12 ≈ 17 321.
    // The mean of 10 000 draws has sd ≈ 173 ms: ±1 000 ms is over 5 sd. Each decile holds
    // 1 000 ± 30 (sd √(10 000·0.1·0.9)): ±150 is 5 sd.
    let mut rng = fastrand::Rng::with_seed(7);
    let mut random = move || rng.f64();
    let mut b = Backoff::default();
    for _ in 0..6 {
        b.next_delay_ms(&mut random);
    }
    let n = 10_000;
    let mut deciles = [0u32; 10];
    let mut sum = 0.0;
    for _ in 0..n {
        let d = b.next_delay_ms(&mut random);
        assert!(d < 60_000);
        sum += d as f64;
        deciles[(d / 6_000) as usize] += 1;
    }
    let mean = sum / n as f64;
    assert!((mean - 30_000.0).abs() < 1_000.0, "mean {mean}");
    for (i, c) in deciles.iter().enumerate() {
        assert!((850..=1150).contains(c), "decile {i} holds {c}");
    }
}

#[test]
fn backoff_resets_only_after_stable_traffic() {
    let mut b = Backoff::default();
    let mut r = fixed(0.5);
    b.next_delay_ms(&mut r);
    b.next_delay_ms(&mut r);
    assert_eq!(b.failures(), 2);
    // Open at t = 0, a message at 29.999 s: not stable yet.
    b.on_open(0);
    b.on_message(29_999);
    assert_eq!(b.failures(), 2);
    // A drop now waits with the ceiling of the third failure: 4 s · 0.5 = 2 s.
    assert_eq!(b.next_delay_ms(&mut r), 2_000);
    // Open for 30 s with a message: reset, the next delay is drawn from 1 s again.
    b.on_open(100_000);
    b.on_message(130_000);
    assert_eq!(b.failures(), 0);
    assert_eq!(b.next_delay_ms(&mut r), 500);
}

#[test]
fn backoff_open_without_messages_does_not_reset() {
    // A server that accepts and then says nothing must not bring the delay back to 1 s.
    let mut b = Backoff::default();
    let mut r = fixed(0.5);
    b.next_delay_ms(&mut r);
    b.on_open(0);
    assert_eq!(b.failures(), 1);
    assert_eq!(b.next_delay_ms(&mut r), 1_000);
}

#[test]
fn silence_deadlines_follow_each_venue() {
    assert_eq!(deadline_ms(Venue::Kraken), 5_000);
    assert_eq!(deadline_ms(Venue::Coinbase), 5_000);
    assert_eq!(deadline_ms(Venue::Binance), 30_000);
    let mut w = Watchdog::new(5_000, 1_000);
    assert!(!w.is_dead(6_000)); // exactly 5 s silent: still alive
    assert!(w.is_dead(6_001));
    w.feed(6_000);
    assert!(!w.is_dead(11_000));
    assert_eq!(w.silent_for_ms(8_500), 2_500);
    // A clock going back does not make the connection look dead or negative.
    assert_eq!(w.silent_for_ms(0), 0);
}

#[test]
fn rotation_opens_the_new_socket_before_closing_the_old() {
    let day = 24 * 3_600_000;
    let mut r = Rotation::new(Rotation::BINANCE_AFTER_MS);
    assert_eq!(
        r.poll(i64::MAX),
        None,
        "nothing to rotate before a connection opens"
    );
    r.on_open(0);
    assert_eq!(r.due_at(), Some(day - 15 * 60_000));
    assert_eq!(r.poll(day - 15 * 60_000 - 1), None);
    assert_eq!(r.poll(day - 15 * 60_000), Some(RotationStep::OpenNew));
    // Asked once only while the new socket opens.
    assert_eq!(r.poll(day - 60_000), None);
    assert!(r.in_progress());
    assert_eq!(r.on_new_ready(day - 60_000), Some(RotationStep::CloseOld));
    assert_eq!(r.due_at(), Some(2 * day - 16 * 60_000));
    // A failed new socket is retried at the next poll.
    let mut r = Rotation::new(1_000);
    r.on_open(0);
    assert_eq!(r.poll(1_000), Some(RotationStep::OpenNew));
    r.on_new_failed();
    assert_eq!(r.poll(1_001), Some(RotationStep::OpenNew));
    assert_eq!(Rotation::new(5).on_new_ready(0), None);
}

#[test]
fn gap_tracker_finds_jumps_and_ignores_old_ids() {
    let mut g = GapTracker::default();
    assert_eq!(g.observe(100), None, "the first id starts the sequence");
    assert_eq!(g.observe(101), None);
    assert_eq!(g.observe(105), Some(Gap::new(102, 104)));
    assert_eq!(g.observe(103), None, "a backfilled id is not a gap");
    assert_eq!(g.observe(105), None, "a duplicate is not a gap");
    assert_eq!(g.last(), Some(105));
    assert_eq!(g.pending(), 1);
    assert_eq!(g.next_gap(), Some(Gap::new(102, 104)));
    assert_eq!(Gap::new(102, 104).len(), 3);
}

#[test]
fn heartbeat_last_trade_id_reveals_dropped_trades() {
    // Seen up to 10; the heartbeat says 13 was published: 11..=13 are missing, and the next
    // trade, 14, follows on without a new gap.
    let mut g = GapTracker::default();
    assert_eq!(
        g.observe_published(5),
        None,
        "nothing seen yet: nothing to compare"
    );
    g.observe(10);
    assert_eq!(g.observe_published(10), None);
    assert_eq!(g.observe_published(13), Some(Gap::new(11, 13)));
    assert_eq!(g.last(), Some(13));
    assert_eq!(g.observe(14), None);
}

#[test]
fn gap_tracker_marks_oversized_and_overflowing_gaps_unfilled() {
    let mut g = GapTracker::new(1, 10);
    g.observe(0);
    g.observe(12); // 1..=11: 11 ids > 10: unfilled at once
    assert_eq!(g.unfilled(), 11);
    g.observe(14); // 13: queued
    g.observe(16); // 15: queue full: unfilled
    assert_eq!((g.pending(), g.unfilled()), (1, 12));
    g.abandon_pending();
    assert_eq!((g.pending(), g.unfilled()), (0, 13));
}

#[test]
fn backfill_pages_by_thousand_until_the_gap_is_covered() {
    // Gap 1001..=3500: pages from 1001 (1000), 2001 (1000), 3001 (500).
    let gap = Gap::new(1001, 3500);
    let mut b = Backfill::new(gap, Backfill::BINANCE_PAGE);
    let mut asked = vec![];
    while let Some(req) = b.next_request() {
        let PageRequest::FromId { from_id, limit } = req else {
            panic!("Binance pages by id, not {req:?}");
        };
        asked.push(req);
        let ids: Vec<u64> = (from_id..from_id + u64::from(limit)).collect();
        match b.on_page(&ids) {
            BackfillProgress::More => {}
            BackfillProgress::Done { filled } => {
                assert_eq!(filled, 2500);
                break;
            }
            other => panic!("unexpected {other:?}"),
        }
    }
    let want = [(1001, 1000), (2001, 1000), (3001, 500)];
    let want: Vec<PageRequest> = want
        .iter()
        .map(|&(from_id, limit)| PageRequest::FromId { from_id, limit })
        .collect();
    assert_eq!(asked, want);
}

#[test]
fn backfill_that_gets_nothing_marks_the_rest_unfilled() {
    let mut t = GapTracker::default();
    let mut b = Backfill::new(Gap::new(10, 19), 1000);
    // The history ends at 13: the next page is empty.
    assert_eq!(b.on_page(&[10, 11, 12, 13]), BackfillProgress::More);
    let end = b.on_page(&[]);
    assert_eq!(
        end,
        BackfillProgress::Stuck {
            filled: 4,
            unfilled: 6
        }
    );
    t.record(end);
    assert_eq!((t.filled(), t.unfilled()), (4, 6));
    // Blocked by CORS before any page: the whole gap is unfilled.
    let mut b = Backfill::new(Gap::new(1, 5), 1000);
    assert_eq!(
        b.give_up(),
        BackfillProgress::Stuck {
            filled: 0,
            unfilled: 5
        }
    );
    assert_eq!(b.next_request(), None);
}

#[test]
fn backfill_counts_only_ids_inside_the_gap() {
    // A page running past the gap (ids the socket already delivered) completes it.
    let mut b = Backfill::new(Gap::new(5, 6), 1000);
    assert_eq!(
        b.on_page(&[5, 6, 7, 8]),
        BackfillProgress::Done { filled: 2 }
    );
}

#[test]
fn coinbase_backfill_pages_downwards_below_an_id() {
    // Gap 101..=2600, newest first in pages of 1000: below 2601, 1601, then 601 (500 left).
    let mut b = Backfill::with_paging(Gap::new(101, 2600), Paging::BelowId, 1000);
    let mut asked = vec![];
    let end = loop {
        let Some(PageRequest::BelowId { below_id, limit }) = b.next_request() else {
            panic!("Coinbase pages below an id");
        };
        asked.push((below_id, limit));
        // The venue answers the `limit` ids just below the bound, newest first.
        let ids: Vec<u64> = (below_id - u64::from(limit)..below_id).rev().collect();
        match b.on_page(&ids) {
            BackfillProgress::More => {}
            done => break done,
        }
    };
    assert_eq!(asked, [(2601, 1000), (1601, 1000), (601, 500)]);
    assert_eq!(end, BackfillProgress::Done { filled: 2500 });
    assert_eq!(b.next_request(), None);
}

#[test]
fn coinbase_backfill_counts_skipped_ids_as_unfilled() {
    // The venue's page runs below the gap (ids already held) and lacks id 7.
    let mut b = Backfill::with_paging(Gap::new(5, 9), Paging::BelowId, 1000);
    assert_eq!(
        b.on_page(&[9, 8, 6, 5, 4, 3]),
        BackfillProgress::Stuck {
            filled: 4,
            unfilled: 1
        }
    );
    // An empty first page: all of it unfilled.
    let mut b = Backfill::with_paging(Gap::new(5, 9), Paging::BelowId, 1000);
    assert_eq!(
        b.on_page(&[]),
        BackfillProgress::Stuck {
            filled: 0,
            unfilled: 5
        }
    );
}

#[test]
fn kraken_backfill_follows_the_time_cursor_from_the_trade_before_the_gap() {
    let mut g = GapTracker::default();
    g.observe_trade(41, 1_700_000_000_123);
    let gap = g
        .observe_trade(45, 1_700_000_000_200)
        .expect("ids 42..=44 missing");
    assert_eq!(gap.after_ms, Some(1_700_000_000_123));
    let mut b = Backfill::with_paging(gap, Paging::SinceTime, 2);
    // One nanosecond before the millisecond of trade 41, so trades of that millisecond come.
    assert_eq!(
        b.next_request(),
        Some(PageRequest::Since {
            since: "1700000000122999999".into(),
            limit: 2
        })
    );
    // Page 1: 41 (already held) and 42; the venue's `last` moves on.
    b.set_cursor("1700000000150000000");
    assert_eq!(b.on_page(&[41, 42]), BackfillProgress::More);
    assert_eq!(
        b.next_request(),
        Some(PageRequest::Since {
            since: "1700000000150000000".into(),
            limit: 2
        })
    );
    b.set_cursor("1700000000190000000");
    assert_eq!(b.on_page(&[43, 44]), BackfillProgress::Done { filled: 3 });
}

#[test]
fn kraken_backfill_gives_up_when_the_cursor_stops_or_no_time_is_known() {
    let mut b = Backfill::with_paging(
        Gap {
            after_ms: Some(1_000),
            ..Gap::new(10, 12)
        },
        Paging::SinceTime,
        1000,
    );
    b.set_cursor("999999999");
    assert_eq!(
        b.on_page(&[]),
        BackfillProgress::Stuck {
            filled: 0,
            unfilled: 3
        }
    );
    // A gap seen without times cannot be asked for by time.
    let b = Backfill::with_paging(Gap::new(10, 12), Paging::SinceTime, 1000);
    assert_eq!(b.next_request(), None);
}

#[test]
fn poll_sends_the_etag_back_and_treats_304_as_nothing_new() {
    let mut p = PollScheduler::new(5_000);
    let mut r = fixed(0.5);
    assert_eq!(p.if_none_match(), None);
    assert_eq!(
        p.on_response(200, Some("\"v1\""), None, &mut r),
        PollDecision::Ingest { next_in_ms: 5_000 }
    );
    assert_eq!(p.if_none_match(), Some("\"v1\""));
    assert_eq!(
        p.on_response(304, None, None, &mut r),
        PollDecision::NotModified { next_in_ms: 5_000 }
    );
    assert_eq!(p.if_none_match(), Some("\"v1\""));
}

#[test]
fn poll_honours_retry_after_on_429() {
    let mut p = PollScheduler::new(1_000);
    let mut r = fixed(0.5);
    let d = p.on_response(429, None, Some("3"), &mut r);
    assert!(
        matches!(d, PollDecision::Retry { in_ms: 3_000, .. }),
        "{d:?}"
    );
    // Never sooner than the interval; absurd values capped at an hour.
    assert!(matches!(
        p.on_response(429, None, Some("0"), &mut r),
        PollDecision::Retry { in_ms: 1_000, .. }
    ));
    assert!(matches!(
        p.on_response(429, None, Some("999999"), &mut r),
        PollDecision::Retry {
            in_ms: 3_600_000,
            ..
        }
    ));
    // No header: back off (first ceiling 1 s · 0.5 = 500 ms, raised to the 1 s interval).
    assert!(matches!(
        p.on_response(429, None, None, &mut r),
        PollDecision::Retry { in_ms: 1_000, .. }
    ));
}

#[test]
fn poll_stops_on_418_and_backs_off_on_5xx() {
    let mut p = PollScheduler::new(250);
    let mut r = fixed(0.5);
    // 5xx: ceilings 1 s, 2 s, 4 s at r = 0.5: 500, 1 000, 2 000 ms.
    let waits: Vec<u64> = (0..3)
        .map(|_| match p.on_response(503, None, None, &mut r) {
            PollDecision::Retry { in_ms, .. } => in_ms,
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(waits, [500, 1_000, 2_000]);
    // A success resets the back-off.
    p.on_response(200, None, None, &mut r);
    assert!(matches!(
        p.on_network_error(&mut r),
        PollDecision::Retry { in_ms: 500, .. }
    ));
    let d = p.on_response(418, None, None, &mut r);
    assert!(matches!(d, PollDecision::Stop { .. }));
    assert!(p.stopped().unwrap().contains("418"));
}

#[test]
fn poll_stops_on_401_saying_a_key_is_wanted() {
    // Polling on without a key only repeats the refusal; the status line says what to do.
    let mut r = fixed(0.5);
    let mut p = PollScheduler::new(1_000);
    match p.on_response(401, None, None, &mut r) {
        PollDecision::Stop { message } => {
            assert!(message.starts_with("HTTP 401 Unauthorized"), "{message}");
            assert!(message.contains("API key"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let mut p = PollScheduler::new(1_000);
    assert!(matches!(
        p.on_response(403, None, None, &mut r),
        PollDecision::Stop { message } if message.starts_with("HTTP 403 Forbidden")
    ));
}

#[test]
fn history_urls_follow_each_venues_paging() {
    let url = |v: Venue, pair: &str, req: PageRequest| Preset::new(v, pair).history_url(&req);
    assert_eq!(
        url(
            Venue::Coinbase,
            "btc-usd",
            PageRequest::BelowId {
                below_id: 2601,
                limit: 1000
            }
        )
        .unwrap(),
        "https://api.exchange.coinbase.com/products/BTC-USD/trades?after=2601&limit=1000"
    );
    assert_eq!(
        url(
            Venue::Kraken,
            "BTC-USD",
            PageRequest::Since {
                since: "1700000000122999999".into(),
                limit: 1000
            }
        )
        .unwrap(),
        "https://api.kraken.com/0/public/Trades?pair=XBTUSD&since=1700000000122999999&count=1000"
    );
    assert_eq!(
        url(
            Venue::Binance,
            "btc-usd",
            PageRequest::FromId {
                from_id: 7,
                limit: 3
            }
        )
        .unwrap(),
        "https://data-api.binance.vision/api/v3/historicalTrades?symbol=BTCUSDT&fromId=7&limit=3"
    );
    // A request of another venue's paging is refused rather than sent wrong.
    assert_eq!(
        url(
            Venue::Kraken,
            "BTC-USD",
            PageRequest::FromId {
                from_id: 7,
                limit: 3
            }
        ),
        None
    );
    for v in Venue::ALL {
        assert!(v.history_page() >= 100);
    }
    assert_eq!(Venue::Coinbase.paging(), Paging::BelowId);
}

#[test]
fn presets_spell_symbols_and_urls_per_venue() {
    let b = Preset::new(Venue::Binance, "btc-usd");
    assert_eq!(b.symbol, "BTCUSDT");
    assert_eq!(b.feed_id(), "binance:BTCUSDT");
    assert_eq!(b.ws_url(), "wss://stream.binance.com:9443/ws/btcusdt@trade");
    assert_eq!(b.subscribe_message(), None);
    assert_eq!(
        b.binance_history_url(101, 1000),
        "https://data-api.binance.vision/api/v3/historicalTrades?symbol=BTCUSDT&fromId=101&limit=1000"
    );
    let local = b.with_bases("ws://127.0.0.1:4567/", "");
    assert_eq!(local.ws_url(), "ws://127.0.0.1:4567/ws/btcusdt@trade");
    assert_eq!(local.rest_base, "http://127.0.0.1:4567");

    let k = Preset::new(Venue::Kraken, "ETH-USD");
    assert_eq!(k.symbol, "ETH/USD");
    assert_eq!(k.ws_url(), "wss://ws.kraken.com/v2");
    assert_eq!(
        k.subscribe_message().unwrap(),
        r#"{"method":"subscribe","params":{"channel":"trade","symbol":["ETH/USD"],"snapshot":false}}"#
    );
    let c = Preset::new(Venue::Coinbase, "sol/usd");
    assert_eq!(c.symbol, "SOL-USD");
    assert!(c
        .subscribe_message()
        .unwrap()
        .contains(r#"{"name":"heartbeat","product_ids":["SOL-USD"]}"#));
    assert_eq!(Venue::Binance.symbol("ETHBTC"), "ETHBTC");
    assert_eq!(
        rest_base_from_ws("wss://x.example:9443/ws?a=1").as_deref(),
        Some("https://x.example:9443")
    );
    assert_eq!(rest_base_from_ws("ftp://x"), None);
    // A symbol with a quote in it cannot break out of the JSON string.
    assert!(Venue::Kraken
        .subscribe_message("A\"B")
        .unwrap()
        .contains(r#"["A\"B"]"#));
}

#[test]
fn preview_shows_fields_and_first_rows_before_ingesting() {
    let csv = b"id,timestamp,price,quantity,product\n1,2025-10-07T09:50:26Z,10.5,2,tea\n2,2025-10-07T09:51:00Z,oops,1,cake\n3,2025-10-07T09:52:00Z,4";
    let f = fields(SampleFormat::Csv, csv);
    assert_eq!(f, ["id", "timestamp", "price", "quantity", "product"]);
    let m = guess_mapping(&f).unwrap();
    assert_eq!(m.time, "timestamp");
    assert_eq!(m.qty.as_deref(), Some("quantity"));
    assert_eq!(m.symbol.as_deref(), Some("product"));
    let p = preview(SampleFormat::Csv, csv, &m, 10).unwrap();
    assert_eq!(p.decoded.trades.len(), 1);
    assert_eq!(p.decoded.trades[0].price, 10.5);
    assert_eq!(&*p.decoded.trades[0].symbol, "tea");
    // Line 3 has a bad price; line 4 (no final newline) lacks columns.
    assert_eq!(p.decoded.rejects.len(), 2);

    let nd = b"{\"time\":1700000000000,\"price\":\"3\",\"id\":9}\n{\"time\":1700000000001,\"price\":\"4\",\"id\":10}\n";
    let f = fields(SampleFormat::Ndjson, nd);
    assert_eq!(f, ["id", "price", "time"]);
    let mut m = Mapping::new("time", "price");
    m.time_format = tradelens_core::decode::generic::TimeFormat::Epoch(
        tradelens_core::decode::time::EpochUnit::Millis,
    );
    let p = preview(SampleFormat::Ndjson, nd, &m, 1).unwrap();
    assert_eq!(p.decoded.trades.len(), 1, "cut to max_rows");
    let arr = br#"[{"t":"2025-01-01T00:00:00Z","p":"1"}]"#;
    assert_eq!(fields(SampleFormat::JsonArray, arr), ["p", "t"]);
    assert_eq!(
        SampleFormat::guess("/orders.ndjson?x=1"),
        SampleFormat::Ndjson
    );
    assert_eq!(guess_mapping(&["foo".to_string()]), None);
}

#[test]
fn a_json_sample_cut_from_a_large_file_or_with_a_byte_order_mark_previews() {
    // Regression: a JSON array sample was parsed whole, so one cut at 64 KiB from a larger
    // file (or starting with a UTF-8 byte order mark) had no fields and could not be mapped.
    let row = r#"{"time":"2025-01-01T00:00:00Z","price":"1"}"#;
    let mut big = format!("\u{feff}[{row}");
    while big.len() < 70_000 {
        big.push_str(&format!(",{row}"));
    }
    big.push(']');
    let sample = &big.as_bytes()[..SAMPLE_LIMIT];
    assert_eq!(fields(SampleFormat::JsonArray, sample), ["price", "time"]);
    let m = guess_mapping(&fields(SampleFormat::JsonArray, sample)).unwrap();
    let p = preview(SampleFormat::JsonArray, sample, &m, 5).unwrap();
    assert_eq!((p.decoded.trades.len(), p.decoded.rejects.len()), (5, 0));
    let nd = format!("\u{feff}{row}\n");
    assert_eq!(
        fields(SampleFormat::Ndjson, nd.as_bytes()),
        ["price", "time"]
    );
}

#[test]
fn quarantine_export_guards_formula_cells() {
    for (cell, want) in [
        ("=1+1", "'=1+1"),
        ("+1", "'+1"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tx", "'\tx"),
        ("\rx", "\"'\rx\""),
        ("a,b", "\"a,b\""),
        ("say \"hi\"", "\"say \"\"hi\"\"\""),
        ("plain", "plain"),
    ] {
        assert_eq!(csv_cell(cell), want, "{cell:?}");
    }
    let e = QuarantineEntry {
        reason: Reason::InvalidPrice,
        feed: "shop".into(),
        raw: "=HYPERLINK(\"x\")".into(),
        position: None,
        detail: "bad".into(),
    };
    assert_eq!(
        quarantine_csv([&e]),
        "reason,feed,position,detail,raw\r\ninvalid_price,shop,,bad,\"'=HYPERLINK(\"\"x\"\")\"\r\n"
    );
}
